#include "engine/rules/rules.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <utility>

#include "engine/crypto/sha256.h"
#include "engine/rules/expression.h"
#include "engine/rules/fact_model.h"
#include "engine/rules/json_reader.h"

namespace clearance::rules {

using internal::CompileEnv;
using internal::CompileError;
using internal::EvalContext;
using internal::Type;
using internal::Value;
using nlohmann::json;

// --- Names and dates --------------------------------------------------------

namespace {

// Howard Hinnant's days_from_civil.
Date DaysFromCivil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

}  // namespace

std::optional<Date> ParseDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  auto num = [&](size_t from, size_t n, int* out) {
    int v = 0;
    for (size_t i = from; i < from + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
  };
  int y, m, d;
  if (!num(0, 4, &y) || !num(5, 2, &m) || !num(8, 2, &d)) return std::nullopt;
  if (m < 1 || m > 12 || d < 1) return std::nullopt;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  const int max = kDays[m - 1] + (m == 2 && leap ? 1 : 0);
  if (d > max) return std::nullopt;
  return DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

std::string FormatDate(Date date) {
  int z = date + 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", y, m, d);
  return buffer;
}

std::string_view OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kAllow:
      return "ALLOW";
    case Outcome::kReport:
      return "REPORT";
    case Outcome::kEscalate:
      return "ESCALATE";
    case Outcome::kLicenseRequired:
      return "LICENSE_REQUIRED";
    case Outcome::kDeny:
      return "DENY";
  }
  return "?";
}

std::optional<Outcome> ParseOutcome(std::string_view name) {
  for (Outcome o : {Outcome::kAllow, Outcome::kReport, Outcome::kEscalate,
                    Outcome::kLicenseRequired, Outcome::kDeny}) {
    if (OutcomeName(o) == name) return o;
  }
  return std::nullopt;
}

std::string_view AppliesToName(AppliesTo kind) {
  return kind == AppliesTo::kRemoteService ? "REMOTE_SERVICE"
                                           : "HARDWARE_TRANSFER";
}

std::optional<AppliesTo> ParseAppliesTo(std::string_view name) {
  if (name == "REMOTE_SERVICE") return AppliesTo::kRemoteService;
  if (name == "HARDWARE_TRANSFER") return AppliesTo::kHardwareTransfer;
  return std::nullopt;
}

std::string_view BasisName(Basis basis) {
  switch (basis) {
    case Basis::kReg:
      return "REG";
    case Basis::kRegDormant:
      return "REG-DORMANT";
    case Basis::kProposed:
      return "PROPOSED";
    case Basis::kGuidance:
      return "GUIDANCE";
    case Basis::kPolicy:
      return "POLICY";
  }
  return "?";
}

namespace {
std::optional<Basis> ParseBasis(std::string_view name) {
  for (Basis b : {Basis::kReg, Basis::kRegDormant, Basis::kProposed,
                  Basis::kGuidance, Basis::kPolicy}) {
    if (BasisName(b) == name) return b;
  }
  return std::nullopt;
}
}  // namespace

std::string_view TraceStatusName(TraceStatus status) {
  switch (status) {
    case TraceStatus::kNotInForce:
      return "NOT_IN_FORCE";
    case TraceStatus::kNotApplicable:
      return "NOT_APPLICABLE";
    case TraceStatus::kFalse:
      return "FALSE";
    case TraceStatus::kFired:
      return "FIRED";
    case TraceStatus::kShadowFired:
      return "SHADOW_FIRED";
  }
  return "?";
}

std::string Citation::ToString() const {
  std::string out;
  auto add = [&](const std::string& part) {
    if (part.empty()) return;
    if (!out.empty()) out += "; ";
    out += part;
  };
  add(cfr);
  add(fr.empty() ? fr
                 : (fr_doc.empty() ? fr : fr + " (FR Doc " + fr_doc + ")"));
  if (fr.empty() && !fr_doc.empty()) add("FR Doc " + fr_doc);
  add(other);
  return out;
}

std::string LoadIssue::ToString() const {
  std::string out = file.empty() ? "rules" : file;
  if (line > 0) out += ":" + std::to_string(line);
  if (line > 0 && column > 0) out += ":" + std::to_string(column);
  out += ": ";
  if (!rule_id.empty()) out += "rule " + rule_id + ": ";
  return out + message;
}

// --- The loaded set ---------------------------------------------------------

struct CompiledRule {
  internal::Expression when;
  internal::Template explanation;
  unsigned applies_mask = 0;  // bit per AppliesTo
  std::string citation_text;
  std::string not_yet_reason;  // "not yet in force (from ...)"
  std::string expired_reason;  // "no longer in force (to ...)"
  int when_line = 0;           // of the `when` string, for run-time errors
  std::vector<int> config_indices;
};

struct RuleSet::Impl {
  std::string directory;
  std::string hash;
  std::vector<Rule> rules;
  std::vector<CompiledRule> compiled;
  std::vector<ConfigItem> config;
  std::vector<Value> config_values;
  std::vector<Type> config_types;
  internal::CompiledStore store;
  std::vector<TestResult> tests;

  Value ConfigValue(const json& j, internal::ValueStore* store) const {
    if (j.is_boolean()) return Value::Bool(j.get<bool>());
    if (j.is_number()) return Value::Number(j.get<double>());
    if (j.is_string()) return Value::String(store->Keep(j.get<std::string>()));
    return Value();
  }

  // Evaluates rule `i`; returns -1 (error), 0 (not in force / not applicable
  // / false) or 1 (fired). `status` gets the trace status.
  int Run(size_t i, EvalContext* ctx, Date as_of, AppliesTo kind,
          TraceStatus* status) const {
    const Rule& r = rules[i];
    if (as_of < r.effective_from ||
        (r.effective_to && as_of > *r.effective_to)) {
      *status = TraceStatus::kNotInForce;
      return 0;
    }
    if ((compiled[i].applies_mask & (1u << static_cast<unsigned>(kind))) == 0) {
      *status = TraceStatus::kNotApplicable;
      return 0;
    }
    const Value v = internal::Eval(*compiled[i].when.root, ctx);
    const bool fired = internal::Truthy(v, *compiled[i].when.root, ctx);
    if (ctx->failed) return -1;
    *status =
        !fired ? TraceStatus::kFalse
               : (r.shadow ? TraceStatus::kShadowFired : TraceStatus::kFired);
    return fired ? 1 : 0;
  }

  Error EvalError(size_t i, const EvalContext& ctx) const {
    const Rule& r = rules[i];
    return Error(ErrorCode::kFailedPrecondition,
                 r.file + ":" + std::to_string(compiled[i].when_line) +
                     ": rule " + r.id + ": evaluation error at character " +
                     std::to_string(ctx.error_offset + 1) +
                     " of the condition: " + ctx.error);
  }

  void Setup(EvalContext* ctx, const Facts& facts, Date as_of, AppliesTo kind,
             const Value* config) const {
    ctx->slots = facts.impl().slots.data();
    ctx->decision_date = Value::DateValue(as_of);
    ctx->request_applies_to = Value::String(AppliesToName(kind));
    ctx->config = config;
    ctx->as_of = as_of;
    ctx->compiled = &store;
  }
};

RuleSet::RuleSet(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RuleSet::~RuleSet() = default;
const std::string& RuleSet::hash() const { return impl_->hash; }
const std::vector<Rule>& RuleSet::rules() const { return impl_->rules; }
const std::vector<ConfigItem>& RuleSet::config() const { return impl_->config; }
const std::vector<TestResult>& RuleSet::test_results() const {
  return impl_->tests;
}
const std::string& RuleSet::directory() const { return impl_->directory; }

Result<Decision> RuleSet::Evaluate(const Facts& facts, Date as_of,
                                   AppliesTo kind) const {
  const Impl& m = *impl_;
  EvalContext ctx;
  m.Setup(&ctx, facts, as_of, kind, m.config_values.data());
  Decision d;
  d.as_of = as_of;
  d.applies_to = kind;
  d.ruleset_hash = m.hash;
  d.trace.resize(m.rules.size());
  for (size_t i = 0; i < m.rules.size(); ++i) {
    TraceEntry& t = d.trace[i];
    t.rule_index = i;
    const int r = m.Run(i, &ctx, as_of, kind, &t.status);
    if (r < 0) return std::unexpected(m.EvalError(i, ctx));
    if (t.status == TraceStatus::kNotInForce) {
      const Rule& rule = m.rules[i];
      t.reason = as_of < rule.effective_from ? m.compiled[i].not_yet_reason
                                             : m.compiled[i].expired_reason;
    }
    if (r == 0) continue;
    const Rule& rule = m.rules[i];
    const CompiledRule& c = m.compiled[i];
    FiredRule f;
    f.rule_index = i;
    f.id = rule.id;
    f.outcome = rule.outcome;
    f.basis = rule.basis;
    f.citation = c.citation_text;
    f.shadow = rule.shadow;
    f.uncertain = rule.uncertain;
    if (!internal::RenderTemplate(c.explanation, &ctx, &f.explanation)) {
      return std::unexpected(m.EvalError(i, ctx));
    }
    for (int index : c.config_indices) {
      const ConfigItem& item = m.config[static_cast<size_t>(index)];
      f.config.push_back({item.name, item.value, item.uncertain});
      f.uncertain = f.uncertain || item.uncertain;
    }
    if (rule.shadow) {
      d.shadow.push_back(std::move(f));
    } else {
      d.outcome = std::max(d.outcome, rule.outcome);
      d.fired.push_back(std::move(f));
    }
  }
  return d;
}

Result<std::optional<Outcome>> RuleSet::EvaluateRule(
    size_t rule_index, const Facts& facts, Date as_of, AppliesTo kind,
    const json& overrides) const {
  const Impl& m = *impl_;
  if (rule_index >= m.rules.size()) {
    return Fail(ErrorCode::kInvalidArgument,
                "no rule number " + std::to_string(rule_index));
  }
  std::vector<Value> config = m.config_values;
  internal::ValueStore store;
  if (overrides.is_object()) {
    for (const auto& [name, value] : overrides.items()) {
      size_t k = 0;
      while (k < m.config.size() && m.config[k].name != name) ++k;
      if (k == m.config.size()) {
        return Fail(ErrorCode::kInvalidArgument,
                    "unknown config value '" + name + "'");
      }
      const Value v = m.ConfigValue(value, &store);
      if (!v.is_null() && m.config_types[k] != Type::kAny &&
          v.type != m.config_types[k]) {
        return Fail(ErrorCode::kInvalidArgument,
                    "config '" + name + "' override must be a " +
                        std::string(internal::TypeName(m.config_types[k])));
      }
      config[k] = v;
    }
  }
  EvalContext ctx;
  m.Setup(&ctx, facts, as_of, kind, config.data());
  TraceStatus status;
  const int r = m.Run(rule_index, &ctx, as_of, kind, &status);
  if (r < 0) return std::unexpected(m.EvalError(rule_index, ctx));
  if (r == 0) return std::optional<Outcome>();
  return std::optional<Outcome>(m.rules[rule_index].outcome);
}

// --- Loading ----------------------------------------------------------------

struct RuleSetAccess {
  static std::shared_ptr<RuleSet> Make(std::unique_ptr<RuleSet::Impl> impl) {
    return std::shared_ptr<RuleSet>(new RuleSet(std::move(impl)));
  }
};

namespace {

struct SourceFile {
  std::string name;
  std::string text;
  internal::PositionedJson doc;
};

class Loader {
 public:
  explicit Loader(std::string dir) : dir_(std::move(dir)) {}

  RuleSet::CheckResult Run() {
    RuleSet::CheckResult result;
    auto impl = std::make_unique<RuleSet::Impl>();
    impl->directory = dir_;
    impl_ = impl.get();
    if (!ReadFiles()) {
      result.issues = std::move(issues_);
      return result;
    }
    result.hash = impl_->hash;
    for (const SourceFile& f : files_) LoadConfig(f);
    for (const ConfigItem& c : impl_->config) {
      env_.config[c.name] = {static_cast<int>(impl_->config_values.size()),
                             TypeOf(c.value)};
      impl_->config_types.push_back(TypeOf(c.value));
      impl_->config_values.push_back(
          impl_->ConfigValue(c.value, &impl_->store.values));
    }
    for (const SourceFile& f : files_) LoadRules(f);
    CheckVersions();
    result.rule_count = impl_->rules.size();
    if (!issues_.empty()) {
      result.issues = std::move(issues_);
      return result;
    }
    std::shared_ptr<RuleSet> set = RuleSetAccess::Make(std::move(impl));
    RunTests(*set);
    result.tests = impl_->tests;
    result.issues = std::move(issues_);
    if (result.issues.empty()) result.rules = std::move(set);
    return result;
  }

 private:
  static Type TypeOf(const json& v) {
    if (v.is_boolean()) return Type::kBool;
    if (v.is_number()) return Type::kNumber;
    if (v.is_string()) return Type::kString;
    return Type::kAny;
  }

  void Issue(const SourceFile* f, size_t offset, std::string rule_id,
             std::string message) {
    LoadIssue issue;
    if (f != nullptr) {
      issue.file = f->name;
      const internal::TextPos p = internal::PositionOf(f->text, offset);
      issue.line = p.line;
      issue.column = p.column;
    }
    issue.rule_id = std::move(rule_id);
    issue.message = std::move(message);
    issues_.push_back(std::move(issue));
  }

  size_t OffsetOf(const SourceFile& f, const std::string& pointer) const {
    auto it = f.doc.offsets.find(pointer);
    return it == f.doc.offsets.end() ? 0 : it->second;
  }

  bool ReadFiles() {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::is_directory(dir_, ec)) {
      Issue(nullptr, 0, "", "'" + dir_ + "' is not a directory of rule files");
      return false;
    }
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_, ec)) {
      if (entry.is_regular_file() && entry.path().extension() == ".json") {
        names.push_back(entry.path().filename().string());
      }
    }
    std::sort(names.begin(), names.end());
    if (names.empty()) {
      Issue(nullptr, 0, "", "no *.json rule files in '" + dir_ + "'");
      return false;
    }
    crypto::Sha256 hasher;
    bool ok = true;
    for (const std::string& name : names) {
      SourceFile f;
      f.name = name;
      std::ifstream in(fs::path(dir_) / name, std::ios::binary);
      std::stringstream buffer;
      buffer << in.rdbuf();
      if (!in.good() && !in.eof()) {
        Issue(&f, 0, "", "cannot read the file");
        ok = false;
        continue;
      }
      f.text = buffer.str();
      auto doc = internal::ReadPositionedJson(f.text);
      if (!doc) {
        LoadIssue issue;
        issue.file = name;
        const std::string& msg = doc.error().message();
        std::sscanf(msg.c_str(), "%d:%d", &issue.line, &issue.column);
        const size_t colon = msg.find(": ");
        issue.message =
            colon == std::string::npos ? msg : msg.substr(colon + 2);
        issues_.push_back(std::move(issue));
        ok = false;
        continue;
      }
      f.doc = std::move(*doc);
      hasher.Update(name);
      hasher.Update("\n");
      hasher.Update(
          f.doc.value.dump(-1, ' ', false, json::error_handler_t::replace));
      hasher.Update("\n");
      files_.push_back(std::move(f));
    }
    impl_->hash = hasher.FinishHex();
    if (!ok) return false;
    for (const SourceFile& f : files_) {
      if (!f.doc.value.is_object()) {
        Issue(&f, 0, "",
              "expected a JSON object {\"rules\": [...]} at the top level");
        ok = false;
        continue;
      }
      for (const auto& [key, value] : f.doc.value.items()) {
        if (key != "rules" && key != "config" && key != "description" &&
            key != "$schema") {
          Issue(&f, OffsetOf(f, "/" + key), "",
                "unknown top-level key \"" + key +
                    "\" (expected rules, config, description or $schema)");
          ok = false;
        }
      }
    }
    return ok;
  }

  void LoadConfig(const SourceFile& f) {
    const json& doc = f.doc.value;
    if (!doc.contains("config")) return;
    const json& config = doc["config"];
    if (!config.is_object()) {
      Issue(&f, OffsetOf(f, "/config"), "",
            "\"config\" must be an object NAME -> {value, ...}");
      return;
    }
    for (const auto& [name, item] : config.items()) {
      const std::string pointer = "/config/" + name;
      const size_t at = OffsetOf(f, pointer);
      bool valid_name = !name.empty();
      for (char c : name) {
        valid_name = valid_name &&
                     (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
      }
      if (!valid_name || std::isdigit(static_cast<unsigned char>(name[0]))) {
        Issue(&f, at, "",
              "config name \"" + name +
                  "\" must be an identifier [A-Za-z_][A-Za-z0-9_]*");
        continue;
      }
      if (!item.is_object() || !item.contains("value")) {
        Issue(&f, at, "",
              "config \"" + name + "\" must be an object with a \"value\"");
        continue;
      }
      ConfigItem c;
      c.name = name;
      c.file = f.name;
      c.line = internal::PositionOf(f.text, at).line;
      bool ok = true;
      for (const auto& [key, value] : item.items()) {
        const size_t key_at = OffsetOf(f, pointer + "/" + key);
        if (key == "value") {
          if (!value.is_string() && !value.is_number() && !value.is_boolean() &&
              !value.is_null()) {
            Issue(&f, key_at, "",
                  "config \"" + name +
                      "\": value must be a string, number, boolean or null");
            ok = false;
          }
          c.value = value;
        } else if (key == "uncertain" && value.is_boolean()) {
          c.uncertain = value.get<bool>();
        } else if ((key == "note" || key == "citation") && value.is_string()) {
          (key == "note" ? c.note : c.citation) = value.get<std::string>();
        } else {
          Issue(&f, key_at, "",
                "config \"" + name + "\": unknown or mistyped key \"" + key +
                    "\" (expected value, uncertain (boolean), note, citation)");
          ok = false;
        }
      }
      for (const ConfigItem& other : impl_->config) {
        if (other.name == name) {
          Issue(&f, at, "",
                "config \"" + name + "\" is defined twice (also " + other.file +
                    ":" + std::to_string(other.line) + ")");
          ok = false;
        }
      }
      if (ok) impl_->config.push_back(std::move(c));
    }
  }

  // Field readers that report problems against the rule.
  struct RuleCtx {
    const SourceFile* file;
    std::string pointer;
    std::string id;
  };

  const json* Field(const RuleCtx& r, const json& obj, const std::string& key,
                    bool required) {
    if (!obj.contains(key)) {
      if (required) {
        Issue(r.file, OffsetOf(*r.file, r.pointer), r.id,
              "missing required field \"" + key + "\"");
      }
      return nullptr;
    }
    return &obj[key];
  }

  bool String(const RuleCtx& r, const json& obj, const std::string& key,
              bool required, std::string* out, bool non_empty = true) {
    const json* v = Field(r, obj, key, required);
    if (v == nullptr) return !required;
    if (!v->is_string() || (non_empty && v->get<std::string>().empty())) {
      Issue(r.file, OffsetOf(*r.file, r.pointer + "/" + key), r.id,
            "\"" + key + "\" must be a non-empty string");
      return false;
    }
    *out = v->get<std::string>();
    return true;
  }

  bool DateField(const RuleCtx& r, const json& obj, const std::string& key,
                 Date* out) {
    std::string text;
    if (!String(r, obj, key, true, &text)) return false;
    auto d = ParseDate(text);
    if (!d) {
      Issue(r.file, OffsetOf(*r.file, r.pointer + "/" + key), r.id,
            "\"" + key + "\": \"" + text + "\" is not a date YYYY-MM-DD");
      return false;
    }
    *out = *d;
    return true;
  }

  void CompileError(const RuleCtx& r, const std::string& key,
                    const internal::CompileError& e, const std::string& what) {
    const size_t quote = OffsetOf(*r.file, r.pointer + "/" + key);
    const size_t at = internal::OffsetInString(r.file->text, quote, e.offset);
    Issue(r.file, at, r.id, what + ": " + e.message);
  }

  void LoadRules(const SourceFile& f) {
    const json& doc = f.doc.value;
    if (!doc.contains("rules")) return;
    if (!doc["rules"].is_array()) {
      Issue(&f, OffsetOf(f, "/rules"), "",
            "\"rules\" must be an array of rules");
      return;
    }
    static const std::set<std::string> kKeys = {
        "id",        "title",          "summary",        "citation",
        "basis",     "applies_to",     "effective_from", "effective_to",
        "uncertain", "uncertain_note", "mode",           "when",
        "outcome",   "explanation",    "tests"};
    for (size_t i = 0; i < doc["rules"].size(); ++i) {
      const json& j = doc["rules"][i];
      RuleCtx r{&f, "/rules/" + std::to_string(i), ""};
      const size_t rule_at = OffsetOf(f, r.pointer);
      if (!j.is_object()) {
        Issue(&f, rule_at, "", "a rule must be an object");
        continue;
      }
      if (j.contains("id") && j["id"].is_string())
        r.id = j["id"].get<std::string>();
      const size_t before = issues_.size();
      Rule rule;
      rule.file = f.name;
      rule.line = internal::PositionOf(f.text, rule_at).line;
      for (const auto& [key, value] : j.items()) {
        if (!kKeys.contains(key)) {
          Issue(&f, OffsetOf(f, r.pointer + "/" + key), r.id,
                "unknown field \"" + key + "\"");
        }
      }
      if (String(r, j, "id", true, &rule.id)) {
        bool valid = std::isalnum(static_cast<unsigned char>(rule.id[0])) != 0;
        for (char c : rule.id) {
          valid = valid && ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                            c == '.' || c == '-' || c == '_');
        }
        if (!valid) {
          Issue(&f, OffsetOf(f, r.pointer + "/id"), r.id,
                "id must be upper-case letters, digits, '.', '-', '_' (e.g. "
                "OFAC-SDN-DIRECT)");
        }
      }
      String(r, j, "title", true, &rule.title);
      String(r, j, "summary", true, &rule.summary);
      String(r, j, "explanation", true, &rule.explanation, false);
      String(r, j, "uncertain_note", false, &rule.uncertain_note, false);
      if (const json* c = Field(r, j, "citation", true)) {
        const size_t at = OffsetOf(f, r.pointer + "/citation");
        if (!c->is_object()) {
          Issue(&f, at, r.id,
                "\"citation\" must be an object {cfr, fr, fr_doc, other, url}");
        } else {
          for (const auto& [key, value] : c->items()) {
            std::string* slot = key == "cfr"      ? &rule.citation.cfr
                                : key == "fr"     ? &rule.citation.fr
                                : key == "fr_doc" ? &rule.citation.fr_doc
                                : key == "other"  ? &rule.citation.other
                                : key == "url"    ? &rule.citation.url
                                                  : nullptr;
            if (slot == nullptr || !value.is_string()) {
              Issue(&f, OffsetOf(f, r.pointer + "/citation/" + key), r.id,
                    "citation: unknown or non-string key \"" + key +
                        "\" (expected cfr, fr, fr_doc, other, url)");
              continue;
            }
            *slot = value.get<std::string>();
          }
          if (rule.citation.cfr.empty() && rule.citation.fr.empty() &&
              rule.citation.other.empty()) {
            Issue(&f, at, r.id,
                  "missing citation: give at least one of cfr, fr, other");
          }
        }
      }
      std::string basis;
      if (String(r, j, "basis", true, &basis)) {
        auto b = ParseBasis(basis);
        if (!b) {
          Issue(&f, OffsetOf(f, r.pointer + "/basis"), r.id,
                "basis \"" + basis +
                    "\" is not one of REG, REG-DORMANT, PROPOSED, GUIDANCE, "
                    "POLICY");
        } else {
          rule.basis = *b;
        }
      }
      std::string outcome;
      if (String(r, j, "outcome", true, &outcome)) {
        auto o = ParseOutcome(outcome);
        if (!o) {
          Issue(&f, OffsetOf(f, r.pointer + "/outcome"), r.id,
                "outcome \"" + outcome +
                    "\" is not one of ALLOW, REPORT, ESCALATE, "
                    "LICENSE_REQUIRED, DENY");
        } else {
          rule.outcome = *o;
        }
      }
      std::string mode = "enforce";
      if (String(r, j, "mode", false, &mode)) {
        if (mode != "enforce" && mode != "shadow") {
          Issue(&f, OffsetOf(f, r.pointer + "/mode"), r.id,
                "mode must be \"enforce\" or \"shadow\"");
        }
        rule.shadow = mode == "shadow";
      }
      if (const json* u = Field(r, j, "uncertain", false)) {
        if (!u->is_boolean()) {
          Issue(&f, OffsetOf(f, r.pointer + "/uncertain"), r.id,
                "\"uncertain\" must be a boolean");
        } else {
          rule.uncertain = u->get<bool>();
        }
      }
      CompiledRule compiled;
      if (const json* a = Field(r, j, "applies_to", true)) {
        const size_t at = OffsetOf(f, r.pointer + "/applies_to");
        if (!a->is_array() || a->empty()) {
          Issue(&f, at, r.id,
                "\"applies_to\" must be a non-empty list of REMOTE_SERVICE, "
                "HARDWARE_TRANSFER");
        } else {
          for (const json& k : *a) {
            auto kind = k.is_string() ? ParseAppliesTo(k.get<std::string>())
                                      : std::nullopt;
            if (!kind) {
              Issue(&f, at, r.id,
                    "applies_to: " + k.dump() +
                        " is not REMOTE_SERVICE or HARDWARE_TRANSFER");
              continue;
            }
            const unsigned bit = 1u << static_cast<unsigned>(*kind);
            if (compiled.applies_mask & bit) {
              Issue(&f, at, r.id,
                    "applies_to lists " + k.get<std::string>() + " twice");
            }
            compiled.applies_mask |= bit;
            rule.applies_to.push_back(*kind);
          }
        }
      }
      DateField(r, j, "effective_from", &rule.effective_from);
      if (const json* to = Field(r, j, "effective_to", true)) {
        if (!to->is_null()) {
          Date d;
          if (DateField(r, j, "effective_to", &d)) {
            rule.effective_to = d;
            if (d < rule.effective_from) {
              Issue(&f, OffsetOf(f, r.pointer + "/effective_to"), r.id,
                    "effective_to " + FormatDate(d) +
                        " is before effective_from " +
                        FormatDate(rule.effective_from));
            }
          }
        }
      }
      if (String(r, j, "when", true, &rule.when)) {
        internal::CompileError e;
        if (!internal::CompileExpression(rule.when, env_, &impl_->store,
                                         &compiled.when, &e)) {
          CompileError(r, "when", e, "in \"when\"");
        } else if (compiled.when.root->type != Type::kBool &&
                   compiled.when.root->type != Type::kAny) {
          Issue(
              &f, OffsetOf(f, r.pointer + "/when"), r.id,
              std::string("\"when\" must be a condition (boolean), found a ") +
                  std::string(internal::TypeName(compiled.when.root->type)));
        }
        compiled.when_line =
            internal::PositionOf(f.text, OffsetOf(f, r.pointer + "/when")).line;
        rule.config_used = compiled.when.config_used;
        for (const std::string& name : rule.config_used) {
          compiled.config_indices.push_back(env_.config.at(name).first);
        }
      }
      if (!rule.explanation.empty()) {
        internal::CompileError e;
        if (!internal::CompileTemplate(rule.explanation, env_, &impl_->store,
                                       &compiled.explanation, &e)) {
          CompileError(r, "explanation", e, "in \"explanation\"");
        }
      }
      LoadTests(r, j, &rule);
      compiled.citation_text = rule.citation.ToString();
      compiled.not_yet_reason =
          "not yet in force (from " + FormatDate(rule.effective_from) + ")";
      if (rule.effective_to) {
        compiled.expired_reason =
            "no longer in force (to " + FormatDate(*rule.effective_to) + ")";
      }
      if (issues_.size() == before) {
        impl_->rules.push_back(std::move(rule));
        impl_->compiled.push_back(std::move(compiled));
      }
    }
  }

  void LoadTests(const RuleCtx& r, const json& j, Rule* rule) {
    const json* tests = Field(r, j, "tests", true);
    if (tests == nullptr) return;
    const size_t at = OffsetOf(*r.file, r.pointer + "/tests");
    if (!tests->is_array() || tests->empty()) {
      Issue(r.file, at, r.id,
            "\"tests\" must be a non-empty list: every rule carries its own "
            "test cases");
      return;
    }
    static const std::set<std::string> kKeys = {"name",  "as_of",  "applies_to",
                                                "facts", "config", "expect"};
    for (size_t i = 0; i < tests->size(); ++i) {
      const json& t = (*tests)[i];
      RuleCtx tr{r.file, r.pointer + "/tests/" + std::to_string(i), r.id};
      if (!t.is_object()) {
        Issue(r.file, OffsetOf(*r.file, tr.pointer), r.id,
              "a test must be an object");
        continue;
      }
      for (const auto& [key, value] : t.items()) {
        if (!kKeys.contains(key)) {
          Issue(r.file, OffsetOf(*r.file, tr.pointer + "/" + key), r.id,
                "test " + std::to_string(i + 1) + ": unknown field \"" + key +
                    "\"");
        }
      }
      RuleTest test;
      String(tr, t, "name", true, &test.name);
      DateField(tr, t, "as_of", &test.as_of);
      test.applies_to = rule->applies_to.empty() ? AppliesTo::kRemoteService
                                                 : rule->applies_to[0];
      std::string kind;
      if (String(tr, t, "applies_to", false, &kind) && !kind.empty()) {
        auto k = ParseAppliesTo(kind);
        if (!k) {
          Issue(
              r.file, OffsetOf(*r.file, tr.pointer + "/applies_to"), r.id,
              "test \"" + test.name +
                  "\": applies_to must be REMOTE_SERVICE or HARDWARE_TRANSFER");
        } else {
          test.applies_to = *k;
        }
      }
      if (const json* facts = Field(tr, t, "facts", true)) {
        auto converted = Facts::FromJson(*facts);
        if (!converted) {
          Issue(r.file, OffsetOf(*r.file, tr.pointer + "/facts"), r.id,
                "test \"" + test.name + "\": " + converted.error().message());
        }
        test.facts = *facts;
      }
      if (const json* config = Field(tr, t, "config", false)) {
        if (!config->is_object()) {
          Issue(r.file, OffsetOf(*r.file, tr.pointer + "/config"), r.id,
                "test \"" + test.name +
                    "\": config must be an object NAME -> value");
        } else {
          for (const auto& [name, value] : config->items()) {
            if (!env_.config.contains(name)) {
              Issue(r.file, OffsetOf(*r.file, tr.pointer + "/config/" + name),
                    r.id,
                    "test \"" + test.name + "\": unknown config value '" +
                        name + "'");
            }
          }
        }
        test.config = *config;
      }
      std::string expect;
      if (String(tr, t, "expect", true, &expect)) {
        if (expect != "NOT_FIRED") {
          test.expect = ParseOutcome(expect);
          if (!test.expect) {
            Issue(r.file, OffsetOf(*r.file, tr.pointer + "/expect"), r.id,
                  "test \"" + test.name + "\": expect \"" + expect +
                      "\" is not an outcome or NOT_FIRED");
          }
        }
      }
      rule->tests.push_back(std::move(test));
    }
  }

  void CheckVersions() {
    const auto& rules = impl_->rules;
    for (size_t a = 0; a < rules.size(); ++a) {
      for (size_t b = a + 1; b < rules.size(); ++b) {
        if (rules[a].id != rules[b].id || rules[a].outcome == rules[b].outcome)
          continue;
        const Date a_to = rules[a].effective_to.value_or(1000000);
        const Date b_to = rules[b].effective_to.value_or(1000000);
        if (rules[a].effective_from <= b_to &&
            rules[b].effective_from <= a_to) {
          LoadIssue issue;
          issue.file = rules[b].file;
          issue.line = rules[b].line;
          issue.rule_id = rules[b].id;
          auto range = [](const Rule& r) {
            return FormatDate(r.effective_from) + ".." +
                   (r.effective_to ? FormatDate(*r.effective_to)
                                   : std::string("open"));
          };
          issue.message =
              "overlapping contradictory dates: " + range(rules[b]) + " (" +
              std::string(OutcomeName(rules[b].outcome)) + ") overlaps " +
              range(rules[a]) + " (" +
              std::string(OutcomeName(rules[a].outcome)) +
              ") of the same id at " + rules[a].file + ":" +
              std::to_string(rules[a].line);
          issues_.push_back(std::move(issue));
        }
      }
    }
  }

  void RunTests(const RuleSet& set) {
    const auto& rules = impl_->rules;
    for (size_t i = 0; i < rules.size(); ++i) {
      for (size_t k = 0; k < rules[i].tests.size(); ++k) {
        const RuleTest& test = rules[i].tests[k];
        TestResult result;
        result.rule_index = i;
        result.test_index = k;
        result.expected = test.expect;
        auto facts = Facts::FromJson(test.facts);
        if (!facts) {
          result.error = facts.error().message();
        } else {
          // Every version of the id: the highest outcome of those that fire.
          for (size_t v = 0; v < rules.size() && result.error.empty(); ++v) {
            if (rules[v].id != rules[i].id) continue;
            auto r = set.EvaluateRule(v, *facts, test.as_of, test.applies_to,
                                      test.config);
            if (!r) {
              result.error = r.error().message();
            } else if (r->has_value() &&
                       (!result.actual || **r > *result.actual)) {
              result.actual = **r;
            }
          }
        }
        result.passed =
            result.error.empty() && result.actual == result.expected;
        if (!result.passed) {
          LoadIssue issue;
          issue.file = rules[i].file;
          issue.line = rules[i].line;
          issue.rule_id = rules[i].id;
          auto name = [](const std::optional<Outcome>& o) {
            return o ? std::string(OutcomeName(*o)) : std::string("NOT_FIRED");
          };
          issue.message =
              "test \"" + test.name + "\" (as of " + FormatDate(test.as_of) +
              ", " + std::string(AppliesToName(test.applies_to)) +
              ") failed: " +
              (result.error.empty() ? "expected " + name(result.expected) +
                                          ", got " + name(result.actual)
                                    : result.error);
          issues_.push_back(std::move(issue));
        }
        impl_->tests.push_back(std::move(result));
      }
    }
  }

  std::string dir_;
  RuleSet::Impl* impl_ = nullptr;
  std::vector<SourceFile> files_;
  std::vector<LoadIssue> issues_;
  CompileEnv env_;
};

}  // namespace

RuleSet::CheckResult RuleSet::Check(const std::string& dir) {
  return Loader(dir).Run();
}

Result<std::shared_ptr<const RuleSet>> RuleSet::Load(const std::string& dir) {
  CheckResult r = Check(dir);
  if (r.rules) return r.rules;
  std::string message;
  bool tests_only = true;
  bool syntax = false;
  for (const LoadIssue& issue : r.issues) {
    if (!message.empty()) message += "\n";
    message += issue.ToString();
    if (issue.message.find("test \"") == std::string::npos) tests_only = false;
    if (issue.message.starts_with("invalid JSON") ||
        issue.message.find(": expected") != std::string::npos) {
      syntax = true;
    }
  }
  const ErrorCode code = tests_only ? ErrorCode::kFailedPrecondition
                         : syntax   ? ErrorCode::kParse
                                    : ErrorCode::kInvalidArgument;
  return Fail(code, message);
}

// --- JSON output ------------------------------------------------------------

namespace {

nlohmann::ordered_json FiredToJson(const RuleSet& set, const FiredRule& f) {
  const Rule& rule = set.rules()[f.rule_index];
  nlohmann::ordered_json j;
  j["id"] = f.id;
  j["outcome"] = OutcomeName(f.outcome);
  j["basis"] = BasisName(f.basis);
  j["citation"] = f.citation;
  j["explanation"] = f.explanation;
  j["uncertain"] = f.uncertain;
  if (!rule.uncertain_note.empty()) j["uncertain_note"] = rule.uncertain_note;
  j["effective_from"] = FormatDate(rule.effective_from);
  j["effective_to"] =
      rule.effective_to ? json(FormatDate(*rule.effective_to)) : json(nullptr);
  nlohmann::ordered_json config = nlohmann::ordered_json::array();
  for (const ConfigUse& c : f.config) {
    config.push_back(
        {{"name", c.name}, {"value", c.value}, {"uncertain", c.uncertain}});
  }
  j["config"] = config;
  j["file"] = rule.file;
  j["line"] = rule.line;
  return j;
}

}  // namespace

nlohmann::ordered_json DecisionToJson(const RuleSet& set, const Decision& d) {
  nlohmann::ordered_json j;
  j["outcome"] = OutcomeName(d.outcome);
  j["as_of"] = FormatDate(d.as_of);
  j["applies_to"] = AppliesToName(d.applies_to);
  j["ruleset_hash"] = d.ruleset_hash;
  j["fired"] = nlohmann::ordered_json::array();
  for (const FiredRule& f : d.fired) j["fired"].push_back(FiredToJson(set, f));
  j["shadow"] = nlohmann::ordered_json::array();
  for (const FiredRule& f : d.shadow)
    j["shadow"].push_back(FiredToJson(set, f));
  j["trace"] = nlohmann::ordered_json::array();
  for (const TraceEntry& t : d.trace) {
    const Rule& rule = set.rules()[t.rule_index];
    nlohmann::ordered_json e;
    e["id"] = rule.id;
    e["status"] = TraceStatusName(t.status);
    if (!t.reason.empty()) e["reason"] = std::string(t.reason);
    e["outcome"] = OutcomeName(rule.outcome);
    e["file"] = rule.file;
    e["line"] = rule.line;
    j["trace"].push_back(std::move(e));
  }
  return j;
}

}  // namespace clearance::rules
