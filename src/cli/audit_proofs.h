// `deconflict audit checkpoint|inclusion|consistency|vkey`: offline checks of the record's Merkle tree with public
// keys only (docs/record.md "Checkpoints ..." and "Proof files"). Installed under `audit` by audit_cmd.cc.
#pragma once

#include <CLI/CLI.hpp>

namespace deconflict::cli {

void AddProofAuditCommands(CLI::App* audit, int* exit_code);

}  // namespace deconflict::cli
