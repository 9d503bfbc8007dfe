// deconflict: the command-line program, a thin layer over the engine.
#include <CLI/CLI.hpp>
#include <cstdio>

int main(int argc, char** argv) {
  CLI::App app{"deconflict: multi-party airspace deconfliction"};
  app.require_subcommand(1);
  app.add_subcommand("version", "print the version")->callback([] { std::puts("deconflict 0.1.0"); });
  CLI11_PARSE(app, argc, argv);
  return 0;
}
