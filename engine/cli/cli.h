// The `clearance` command-line program: subcommands, --help on each, --json
// output for machines, tables for people, exit codes from output.h.
// See docs/cli.md for every command.
#ifndef CLEARANCE_ENGINE_CLI_CLI_H_
#define CLEARANCE_ENGINE_CLI_CLI_H_

#include <functional>
#include <string>
#include <vector>

#include "engine/cli/args.h"

namespace clearance::cli {

struct Command {
  CommandSpec spec;
  std::function<int(const Args&)> run;
};

// Commands of each family, registered by RunCli.
std::vector<Command> ListsCommands();
// `screen name|id|names` and `match pairs` (screen_commands.cc).
std::vector<Command> ScreenCommands();
// `screen account|workload`: decisions (decision_screen_commands.cc).
std::vector<Command> DecisionScreenCommands();
// `screen accounts`: batch account screening (batch_accounts_command.cc).
std::vector<Command> BatchScreenCommands();
// `ownership import|explain|scan` (ownership_commands.cc).
std::vector<Command> OwnershipCommands();
// `rules check|eval` (rules_commands.cc) and `rules report` (rules_report.cc).
std::vector<Command> RulesCommands();
// `decisions show|list|replay|override|approve|clear|rescreen` and
// `audit verify|head|purge` (decisions_commands.cc).
std::vector<Command> DecisionsCommands();
// `attest verify`: NVIDIA GPU attestation (attest_commands.cc).
std::vector<Command> AttestCommands();
// `probe challenge|verify|keygen` (probe_commands.cc).
std::vector<Command> ProbeCommands();
// `attest locate` (location_commands.cc).
std::vector<Command> LocationCommands();

// Runs the program; returns the process exit code.
int RunCli(int argc, char** argv);

// The database path: --db, else $CLEARANCE_DB, else ./clearance.db.
std::string DatabasePath(const Args& args);

// The engine version string, e.g. "0.1.0".
const char* EngineVersion();

}  // namespace clearance::cli

#endif  // CLEARANCE_ENGINE_CLI_CLI_H_
