#include "engine/cli/args.h"

#include <algorithm>
#include <cstdlib>

namespace clearance::cli {

Result<Args> Args::Parse(const CommandSpec& spec,
                         const std::vector<std::string>& argv) {
  Args args;
  bool only_positionals = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (only_positionals || arg.size() < 2 || arg[0] != '-') {
      args.positionals_.push_back(arg);
      continue;
    }
    if (arg == "--") {
      only_positionals = true;
      continue;
    }
    if (arg == "--help" || arg == "-h") {
      args.help_ = true;
      continue;
    }
    if (!arg.starts_with("--")) {
      return Fail(ErrorCode::kInvalidArgument, "unknown option '" + arg +
                                                   "' (see 'clearance " +
                                                   spec.path + " --help')");
    }
    std::string name = arg.substr(2);
    std::optional<std::string> inline_value;
    if (const size_t eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name.resize(eq);
    }
    const auto flag =
        std::find_if(spec.flags.begin(), spec.flags.end(),
                     [&](const FlagSpec& f) { return f.name == name; });
    if (flag == spec.flags.end()) {
      return Fail(ErrorCode::kInvalidArgument,
                  "unknown option '--" + name + "' for 'clearance " +
                      spec.path + "' (see --help)");
    }
    std::string value;
    if (flag->value_name.empty()) {
      if (inline_value) {
        return Fail(ErrorCode::kInvalidArgument,
                    "option '--" + name + "' takes no value");
      }
      value = "true";
    } else if (inline_value) {
      value = *inline_value;
    } else if (i + 1 < argv.size()) {
      value = argv[++i];
    } else {
      return Fail(
          ErrorCode::kInvalidArgument,
          "option '--" + name + "' needs a value (" + flag->value_name + ")");
    }
    if (!flag->repeatable && args.values_.contains(name)) {
      return Fail(ErrorCode::kInvalidArgument,
                  "option '--" + name + "' given more than once");
    }
    args.values_.emplace(name, value);
  }
  if (args.help_) return args;
  const int n = static_cast<int>(args.positionals_.size());
  if (n < spec.min_positionals ||
      (spec.max_positionals >= 0 && n > spec.max_positionals)) {
    return Fail(ErrorCode::kInvalidArgument,
                "usage: clearance " + spec.path + " " + spec.usage);
  }
  return args;
}

bool Args::Has(std::string_view flag) const { return values_.contains(flag); }

std::optional<std::string> Args::Get(std::string_view flag) const {
  auto it = values_.find(flag);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::string Args::GetOr(std::string_view flag, std::string fallback) const {
  auto value = Get(flag);
  return value ? *value : std::move(fallback);
}

std::vector<std::string> Args::GetAll(std::string_view flag) const {
  std::vector<std::string> out;
  auto [begin, end] = values_.equal_range(flag);
  for (auto it = begin; it != end; ++it) out.push_back(it->second);
  return out;
}

Result<int> ParsePositive(const Args& args, std::string_view flag, int fallback,
                          int max) {
  const auto text = args.Get(flag);
  if (!text) return fallback;
  char* end = nullptr;
  const long value = std::strtol(text->c_str(), &end, 10);
  if (text->empty() || *end != '\0' || value < 1 || value > max) {
    return Fail(ErrorCode::kInvalidArgument,
                "--" + std::string(flag) +
                    " expects a whole number from 1 to " + std::to_string(max) +
                    ", got '" + *text + "'");
  }
  return static_cast<int>(value);
}

std::string HelpText(const CommandSpec& spec) {
  std::string out = "usage: clearance " + spec.path + " " + spec.usage +
                    "\n\n" + spec.summary + "\n";
  if (!spec.details.empty()) out += "\n" + spec.details + "\n";
  out += "\noptions:\n";
  for (const FlagSpec& flag : spec.flags) {
    std::string left = "  --" + flag.name;
    if (!flag.value_name.empty()) left += " " + flag.value_name;
    if (left.size() < 24)
      left.resize(24, ' ');
    else
      left += "  ";
    out += left + flag.help + "\n";
  }
  out += "  -h, --help              show this help\n";
  return out;
}

}  // namespace clearance::cli
