// deconflict: the command-line program, a thin layer over the engine.
// Each subcommand lives in its own *_cmd.cc and registers itself (see command.h).
#include <cstdio>

#include "cli/command.h"

namespace deconflict::cli {
std::vector<CommandInstaller>& CommandRegistry() {
  static std::vector<CommandInstaller> registry;
  return registry;
}
}  // namespace deconflict::cli

int main(int argc, char** argv) {
  using namespace deconflict::cli;
  CLI::App app{"deconflict: multi-party airspace deconfliction.\n"
               "Exit codes: 0 ok, 1 failure, 2 bad input data, 3 record does not verify, 64 bad command line."};
  app.require_subcommand(1);
  int exit_code = kExitOk;
  app.add_subcommand("version", "print the version")->callback([] { std::puts("deconflict 0.1.0"); });
  for (auto& install : CommandRegistry()) install(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }
  return exit_code;
}
