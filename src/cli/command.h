// Subcommands of the `deconflict` program register themselves here, one file per command
// (detect_cmd.cc, replay_cmd.cc, ...), so that adding a command touches no other file.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <vector>

namespace deconflict::cli {

// Documented exit codes of every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;     // the command ran and failed (I/O, internal)
inline constexpr int kExitBadInput = 2;    // bad input data: the message names file, line and field
inline constexpr int kExitUsage = 64;      // bad command line (CLI11 reports it)
inline constexpr int kExitVerifyFailed = 3;  // `audit verify`: the record does not verify

// A command adds its subcommand to `app` and sets `*exit_code` when it runs.
using CommandInstaller = std::function<void(CLI::App& app, int* exit_code)>;

std::vector<CommandInstaller>& CommandRegistry();

struct RegisterCommand {
  explicit RegisterCommand(CommandInstaller installer) { CommandRegistry().push_back(std::move(installer)); }
};

}  // namespace deconflict::cli
