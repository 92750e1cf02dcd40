// Command-line argument parsing for `clearance` subcommands.
//
// Each command declares its flags; Parse() accepts "--flag VALUE",
// "--flag=VALUE", boolean "--flag", and positionals, and rejects unknown
// flags with a usage error naming them. "--help"/"-h" is always accepted.
#ifndef CLEARANCE_ENGINE_CLI_ARGS_H_
#define CLEARANCE_ENGINE_CLI_ARGS_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/error.h"

namespace clearance::cli {

struct FlagSpec {
  std::string name;        // without dashes: "db"
  std::string value_name;  // "FILE"; empty for a boolean flag
  std::string help;
  bool repeatable = false;
};

struct CommandSpec {
  std::string path;   // "lists import"
  std::string usage;  // "[--db FILE] PATH..."
  std::string summary;
  std::string details;  // paragraphs shown by --help
  std::vector<FlagSpec> flags;
  int min_positionals = 0;
  int max_positionals = -1;  // -1: unbounded
};

class Args {
 public:
  static Result<Args> Parse(const CommandSpec& spec,
                            const std::vector<std::string>& argv);

  bool help() const { return help_; }
  bool Has(std::string_view flag) const;
  std::optional<std::string> Get(std::string_view flag) const;
  std::string GetOr(std::string_view flag, std::string fallback) const;
  std::vector<std::string> GetAll(std::string_view flag) const;
  const std::vector<std::string>& positionals() const { return positionals_; }

 private:
  bool help_ = false;
  std::multimap<std::string, std::string, std::less<>> values_;
  std::vector<std::string> positionals_;
};

// The --help text for a command.
std::string HelpText(const CommandSpec& spec);

// The value of `--flag N`, a whole number from 1 to `max`; `fallback` when
// the flag is absent. kInvalidArgument naming the flag and the range
// otherwise ("--threads expects a whole number from 1 to 1024, got 'x'").
Result<int> ParsePositive(const Args& args, std::string_view flag, int fallback,
                          int max = 100000);

}  // namespace clearance::cli

#endif  // CLEARANCE_ENGINE_CLI_ARGS_H_
