#include "engine/screening/replay.h"

#include <stdlib.h>  // mkdtemp

#include <algorithm>
#include <climits>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <utility>

#include "engine/lists/lists.h"
#include "engine/match/matcher.h"
#include "engine/store/list_store.h"
#include "engine/store/ruleset_store.h"

namespace clearance::screening {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// A directory under the system temp dir, removed with everything in it.
class ScratchDir {
 public:
  static Result<ScratchDir> Make(const std::string& prefix) {
    std::error_code ec;
    fs::path base = fs::temp_directory_path(ec);
    if (ec) base = "/tmp";
    std::string pattern = (base / (prefix + "XXXXXX")).string();
    if (mkdtemp(pattern.data()) == nullptr) {
      return Fail(ErrorCode::kIo, "cannot create a temporary directory " +
                                      pattern + " for a rule set");
    }
    return ScratchDir(pattern);
  }
  ScratchDir(ScratchDir&& o) noexcept : path_(std::exchange(o.path_, {})) {}
  ScratchDir& operator=(ScratchDir&&) = delete;
  ~ScratchDir() {
    if (path_.empty()) return;
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  explicit ScratchDir(fs::path p) : path_(std::move(p)) {}
  fs::path path_;
};

// The rule files of `dir` as rules::RuleSet reads them: regular *.json
// files, by name.
Result<std::vector<store::RulesetFile>> ReadRuleFiles(const std::string& dir) {
  std::error_code ec;
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      names.push_back(entry.path().filename().string());
    }
  }
  if (ec) {
    return Fail(ErrorCode::kIo,
                "cannot list rule files in " + dir + ": " + ec.message());
  }
  std::sort(names.begin(), names.end());
  std::vector<store::RulesetFile> files;
  for (const std::string& name : names) {
    std::ifstream in(fs::path(dir) / name, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    if (!in.good() && !in.eof()) {
      return Fail(ErrorCode::kIo, "cannot read rule file " + dir + "/" + name);
    }
    files.push_back({name, buffer.str()});
  }
  return files;
}

Result<void> WriteRuleFiles(const fs::path& dir,
                            const std::vector<store::RulesetFile>& files) {
  for (const store::RulesetFile& f : files) {
    // Names come from the database: refuse anything that is not a plain
    // base name rather than write outside `dir`.
    if (f.name.empty() || f.name.find('/') != std::string::npos ||
        f.name == "." || f.name == "..") {
      return Fail(ErrorCode::kIntegrity,
                  "rule set snapshot holds a file named '" + f.name + "'");
    }
    std::ofstream out(dir / f.name, std::ios::binary);
    out.write(f.content.data(), static_cast<std::streamsize>(f.content.size()));
    out.close();
    if (!out) {
      return Fail(ErrorCode::kIo, "cannot write " + (dir / f.name).string());
    }
  }
  return Ok();
}

// The recorded rule set, written out of the database into a scratch
// directory.
Result<ScratchDir> RestoreRuleset(const std::string& db_path,
                                  const std::string& hash,
                                  const std::string& decision_id) {
  auto store = store::RulesetStore::Open(db_path);
  if (!store) return std::unexpected(store.error());
  auto snapshot = (*store)->Get(hash);
  if (!snapshot) {
    if (snapshot.error().code() == ErrorCode::kNotFound) {
      return Fail(ErrorCode::kNotFound,
                  decision_id + " was made under rule set " + hash +
                      ", which differs from the current rules and has no "
                      "snapshot in " +
                      db_path +
                      " (a screener that records decisions snapshots its "
                      "rule set when it opens: this decision was recorded "
                      "before that, or its snapshot was removed); the rule "
                      "set of that time is unavailable and the decision "
                      "cannot be replayed faithfully");
    }
    return std::unexpected(snapshot.error());
  }
  auto dir = ScratchDir::Make("clearance-ruleset-");
  if (!dir) return std::unexpected(dir.error());
  if (auto w = WriteRuleFiles(dir->path(), snapshot->files); !w) {
    return std::unexpected(w.error());
  }
  return std::move(*dir);
}

// ----- Comparing decisions --------------------------------------------------

// What a DecisionDiff compares, taken from a decision's JSON form (the stored
// output_json, or Decision::ToJson of a fresh one) so both sides are read
// the same way.
struct Summary {
  std::string outcome;
  std::set<std::string> rules;  // fired rule ids
  std::set<std::string> hits;   // "LIST:PARTY_ID"
  std::string ruleset_hash;
  std::vector<std::int64_t> list_versions;
};

const json* Member(const json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

std::string StringMember(const json& j, const char* key) {
  const json* v = Member(j, key);
  return v != nullptr && v->is_string() ? v->get<std::string>() : "";
}

// "LIST:PARTY_ID" of a list-hit evidence item; "" when it names none.
std::string HitKey(const json& evidence) {
  json detail;
  if (const json* d = Member(evidence, "detail")) {
    detail = *d;
  } else if (const json* dj = Member(evidence, "detail_json")) {
    detail = dj->is_string()
                 ? json::parse(dj->get<std::string>(), nullptr, false)
                 : *dj;
  }
  if (detail.is_string()) {
    detail = json::parse(detail.get<std::string>(), nullptr, false);
  }
  std::string list = StringMember(detail, "list");
  std::string party = StringMember(detail, "party_id");
  if (party.empty()) party = StringMember(detail, "party");
  if (!list.empty() && !party.empty()) {
    // Some producers already qualify the party ("OFAC-SDN:36").
    if (party.starts_with(list + ":")) return party;
    return list + ":" + party;
  }
  return StringMember(evidence, "summary");
}

Summary Summarize(const json& decision) {
  Summary s;
  s.outcome = StringMember(decision, "outcome");
  if (const json* fired = Member(decision, "fired");
      fired && fired->is_array()) {
    for (const json& r : *fired) {
      std::string id =
          r.is_string() ? r.get<std::string>() : StringMember(r, "id");
      if (!id.empty()) s.rules.insert(id);
    }
  }
  if (const json* ev = Member(decision, "evidence"); ev && ev->is_array()) {
    for (const json& e : *ev) {
      if (StringMember(e, "kind") != "list_hit") continue;
      std::string key = HitKey(e);
      if (!key.empty()) s.hits.insert(key);
    }
  }
  if (const json* v = Member(decision, "versions"); v && v->is_object()) {
    s.ruleset_hash = StringMember(*v, "ruleset_hash");
    if (const json* lv = Member(*v, "list_versions"); lv && lv->is_array()) {
      for (const json& id : *lv) {
        if (id.is_number_integer())
          s.list_versions.push_back(id.get<std::int64_t>());
      }
    }
  }
  return s;
}

Summary Summarize(const Decision& decision) {
  json parsed = json::parse(decision.ToJson(), nullptr, false);
  Summary s = Summarize(parsed);
  // The struct is authoritative for what it holds directly.
  s.outcome = decision.outcome;
  s.rules.clear();
  for (const FiredRule& r : decision.fired) s.rules.insert(r.id);
  s.ruleset_hash = decision.versions.ruleset_hash;
  s.list_versions = decision.versions.list_versions;
  return s;
}

std::vector<std::string> Minus(const std::set<std::string>& a,
                               const std::set<std::string>& b) {
  std::vector<std::string> out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(),
                      std::back_inserter(out));
  return out;
}

DecisionDiff Compare(const Summary& before, const Summary& after) {
  DecisionDiff d;
  d.outcome_before = before.outcome;
  d.outcome_after = after.outcome;
  d.rules_added = Minus(after.rules, before.rules);
  d.rules_removed = Minus(before.rules, after.rules);
  d.hits_added = Minus(after.hits, before.hits);
  d.hits_removed = Minus(before.hits, after.hits);
  return d;
}

// ----- Stored inputs ---------------------------------------------------------

struct StoredInput {
  AccountRecord account;
  std::optional<WorkloadRequest> workload;
  std::optional<attest::GpuVerdict> gpu;
};

std::vector<attest::Check> ChecksFrom(const json& j) {
  std::vector<attest::Check> out;
  if (!j.is_array()) return out;
  for (const json& c : j) {
    attest::Check check;
    check.name = StringMember(c, "name");
    const json* p = Member(c, "passed");
    check.passed = p != nullptr && p->is_boolean() && p->get<bool>();
    check.detail = StringMember(c, "detail");
    out.push_back(std::move(check));
  }
  return out;
}

// The GPU verdict as a workload decision's input stores it (the field names
// of attest::GpuVerdict).
attest::GpuVerdict GpuVerdictFrom(const json& j) {
  attest::GpuVerdict v;
  auto number = [](const json& o, const char* key) {
    const json* n = Member(o, key);
    return n != nullptr && n->is_number() ? n->get<double>() : 0.0;
  };
  auto flag = [](const json& o, const char* key) {
    const json* b = Member(o, key);
    return b != nullptr && b->is_boolean() && b->get<bool>();
  };
  auto strings = [](const json& o, const char* key) {
    std::vector<std::string> out;
    const json* a = Member(o, key);
    if (a == nullptr || !a->is_array()) return out;
    for (const json& s : *a) {
      if (s.is_string()) out.push_back(s.get<std::string>());
    }
    return out;
  };
  if (const json* m = Member(j, "model")) {
    if (auto level = StringMember(*m, "level"); !level.empty())
      v.model.level = level;
    v.model.claimed_model = StringMember(*m, "claimed_model");
    v.model.identified_model = StringMember(*m, "identified_model");
    v.model.matches_claim = flag(*m, "matches_claim");
    v.model.eccn = StringMember(*m, "eccn");
    v.model.tpp = number(*m, "tpp");
    if (const json* c = Member(*m, "checks")) v.model.checks = ChecksFrom(*c);
    v.model.reason = StringMember(*m, "reason");
  }
  if (const json* l = Member(j, "location")) {
    v.location.claim_consistent = flag(*l, "claim_consistent");
    v.location.excludes_restricted = flag(*l, "excludes_restricted");
    v.location.possible_countries = strings(*l, "possible_countries");
    v.location.possible_restricted = strings(*l, "possible_restricted");
    v.location.feasible_radius_km = number(*l, "feasible_radius_km");
    if (const json* c = Member(*l, "checks"))
      v.location.checks = ChecksFrom(*c);
    v.location.reason = StringMember(*l, "reason");
  }
  return v;
}

std::string Dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// An account decision stores the account record itself; a workload
// decision stores {"account": ..., "workload": ..., "gpu_verdict": ...|null}.
Result<StoredInput> ParseStoredInput(const audit::AuditRecord& record) {
  const std::string origin = "audit record " + record.id + " input";
  json input = json::parse(record.input_json, nullptr, false);
  if (input.is_discarded() || !input.is_object()) {
    return Fail(ErrorCode::kParse, origin + ": not a JSON object");
  }
  StoredInput out;
  const json* account = Member(input, "account");
  const json* workload = Member(input, "workload");
  if (account != nullptr && account->is_object() && workload != nullptr &&
      workload->is_object()) {
    auto parsed = ParseAccountRecord(Dump(*account), origin + ".account");
    if (!parsed) return std::unexpected(parsed.error());
    out.account = std::move(*parsed);
    auto request = ParseWorkloadRequest(Dump(*workload), origin + ".workload");
    if (!request) return std::unexpected(request.error());
    out.workload = std::move(*request);
    for (const char* key : {"gpu_verdict", "gpu"}) {
      if (const json* gpu = Member(input, key); gpu && gpu->is_object()) {
        out.gpu = GpuVerdictFrom(*gpu);
        break;
      }
    }
    return out;
  }
  auto parsed = ParseAccountRecord(record.input_json, origin);
  if (!parsed) return std::unexpected(parsed.error());
  out.account = std::move(*parsed);
  return out;
}

Result<Decision> Decide(Screener& screener, const StoredInput& input,
                        const std::string& as_of) {
  if (input.workload) {
    return screener.ApproveWorkload(input.account, *input.workload, input.gpu,
                                    as_of);
  }
  return screener.Screen(input.account, as_of);
}

}  // namespace

// ----- Rule set snapshots
// ------------------------------------------------------

Result<bool> SnapshotRuleset(const std::string& db_path,
                             const rules::RuleSet& rules,
                             const std::string& stored_at) {
  auto store = store::RulesetStore::Open(db_path);
  if (!store) return std::unexpected(store.error());
  auto held = (*store)->Has(rules.hash());
  if (!held) return std::unexpected(held.error());
  if (*held) return false;

  auto files = ReadRuleFiles(rules.directory());
  if (!files) return std::unexpected(files.error());
  // The files are read again after `rules` was loaded: make sure they are
  // the same rule set before storing them under its hash.
  auto scratch = ScratchDir::Make("clearance-ruleset-");
  if (!scratch) return std::unexpected(scratch.error());
  if (auto w = WriteRuleFiles(scratch->path(), *files); !w) {
    return std::unexpected(w.error());
  }
  const rules::RuleSet::CheckResult check =
      rules::RuleSet::Check(scratch->path().string());
  if (check.hash != rules.hash()) {
    return Fail(ErrorCode::kFailedPrecondition,
                "rule set snapshot: the files in " + rules.directory() +
                    " changed since the rule set was loaded (hash " +
                    rules.hash() + ", now " + check.hash + "); not stored");
  }
  return (*store)->Put({.hash = rules.hash(), .stored_at = "", .files = *files},
                       stored_at);
}

// ----- Replay
// ---------------------------------------------------------------------

Result<ReplayReport> Replay(const audit::AuditRecord& record,
                            const ReplayOptions& options) {
  if (record.kind != audit::RecordKind::kDecision) {
    return Fail(ErrorCode::kInvalidArgument,
                record.id + " is a " +
                    std::string(audit::RecordKindName(record.kind)) +
                    " record, not a decision: replay the decision it refers "
                    "to (" +
                    record.refers_to + ")");
  }
  json stored_json = json::parse(record.output_json, nullptr, false);
  if (stored_json.is_discarded() || !stored_json.is_object()) {
    return Fail(ErrorCode::kParse,
                "audit record " + record.id + " output: not a JSON object");
  }
  const Summary stored = Summarize(stored_json);
  auto input = ParseStoredInput(record);
  if (!input) return std::unexpected(input.error());

  ReplayReport report;
  report.decision_id = record.id;
  report.account_id = input->account.account_id;
  report.kind = input->workload ? "workload" : "account";
  report.as_of = StringMember(stored_json, "as_of");
  if (report.as_of.empty()) report.as_of = record.created_at.substr(0, 10);
  report.stored_outcome =
      record.outcome.empty() ? stored.outcome : record.outcome;
  report.stored_versions.list_versions = stored.list_versions;
  report.stored_versions.ruleset_hash = stored.ruleset_hash;
  if (const json* v = Member(stored_json, "versions")) {
    report.stored_versions.geoip_database = StringMember(*v, "geoip_database");
    report.stored_versions.engine_version = StringMember(*v, "engine_version");
  }
  if (stored.list_versions.empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                "audit record " + record.id +
                    " does not record the list versions it was screened "
                    "against (output versions.list_versions)");
  }
  report.today = options.today.empty() ? report.as_of : options.today;

  // Today first: it tells which rule set is current.
  ScreenerOptions now_options;
  now_options.db_path = options.db_path;
  now_options.rules_dir = options.rules_dir;
  now_options.geoip_path = options.geoip_path;
  now_options.record_decisions = false;
  auto now_screener = Screener::Open(now_options);
  if (!now_screener) return std::unexpected(now_screener.error());
  auto current = Decide(**now_screener, *input, report.today);
  if (!current) return std::unexpected(current.error());
  report.current = std::move(*current);

  // Then the past: the recorded list versions, and the recorded rule set
  // (the current directory if unchanged, else its snapshot).
  std::optional<ScratchDir> restored;
  ScreenerOptions then_options = now_options;
  then_options.list_versions = stored.list_versions;
  // A decision made without a geolocation database is replayed without one:
  // events keep only the country/region they carried, as they did then.
  if (report.stored_versions.geoip_database.starts_with("none")) {
    then_options.geoip_path = "off";
  }
  if (stored.ruleset_hash.empty() ||
      stored.ruleset_hash == report.current.versions.ruleset_hash) {
    report.ruleset_source = "current";
  } else {
    auto dir = RestoreRuleset(options.db_path, stored.ruleset_hash, record.id);
    if (!dir) return std::unexpected(dir.error());
    restored.emplace(std::move(*dir));
    then_options.rules_dir = restored->path().string();
    report.ruleset_source = "snapshot";
  }
  auto then_screener = Screener::Open(then_options);
  if (!then_screener) {
    Error e = then_screener.error();
    if (e.code() == ErrorCode::kNotFound) {
      return Fail(ErrorCode::kNotFound,
                  record.id +
                      ": the list versions it was screened against "
                      "are no longer all held (pruned?): " +
                      e.message());
    }
    return std::unexpected(e);
  }
  auto replayed = Decide(**then_screener, *input, report.as_of);
  if (!replayed) return std::unexpected(replayed.error());
  report.replayed = std::move(*replayed);
  if (!stored.ruleset_hash.empty() &&
      report.replayed.versions.ruleset_hash != stored.ruleset_hash) {
    return Fail(ErrorCode::kIntegrity,
                record.id + ": the restored rule set hashes to " +
                    report.replayed.versions.ruleset_hash + ", not " +
                    stored.ruleset_hash + " as recorded");
  }

  // A screener that ignored the pin would make the comparison below blame
  // the engine for what is a list change: say what happened instead.
  std::vector<std::int64_t> wanted = stored.list_versions;
  std::vector<std::int64_t> used = report.replayed.versions.list_versions;
  std::sort(wanted.begin(), wanted.end());
  std::sort(used.begin(), used.end());
  if (wanted != used) {
    auto ids = [](const std::vector<std::int64_t>& v) {
      std::string out;
      for (std::int64_t id : v) {
        out += (out.empty() ? "" : ", ") + std::to_string(id);
      }
      return "[" + out + "]";
    };
    return Fail(ErrorCode::kFailedPrecondition,
                record.id + ": the replay screened against list versions " +
                    ids(used) + ", not the recorded " + ids(wanted) +
                    " (the screener did not pin "
                    "ScreenerOptions::list_versions)");
  }

  const Summary replayed_summary = Summarize(report.replayed);
  report.replay_vs_stored = Compare(stored, replayed_summary);
  report.replay_vs_stored.outcome_before = report.stored_outcome;
  report.reproduced = !report.replay_vs_stored.changed();
  report.since = Compare(stored, Summarize(report.current));
  report.since.outcome_before = report.stored_outcome;
  return report;
}

// ----- Rescreen
// ---------------------------------------------------------------------

namespace {

// The names and identifiers of an account that a listed party could match.
struct Probe {
  std::string field, value;
  lists::PartyType type = lists::PartyType::kUnknown;
  std::string country;
  bool identifier = false;
};

std::vector<Probe> ProbesOf(const AccountRecord& a) {
  std::vector<Probe> out;
  const lists::PartyType account_type = a.type == "person"
                                            ? lists::PartyType::kPerson
                                            : lists::PartyType::kEntity;
  auto name = [&](std::string field, const std::string& value,
                  lists::PartyType type, const std::string& country) {
    if (!value.empty())
      out.push_back({std::move(field), value, type, country, false});
  };
  auto id = [&](std::string field, const std::string& value) {
    if (!value.empty()) out.push_back({std::move(field), value, {}, {}, true});
  };
  name("legal_name", a.legal_name, account_type, a.country);
  for (std::size_t i = 0; i < a.trade_names.size(); ++i) {
    name("trade_names[" + std::to_string(i) + "]", a.trade_names[i],
         account_type, a.country);
  }
  for (std::size_t i = 0; i < a.people.size(); ++i) {
    name("people[" + std::to_string(i) + "].name", a.people[i].name,
         lists::PartyType::kPerson, a.people[i].country);
  }
  for (std::size_t i = 0; i < a.related.size(); ++i) {
    name("related[" + std::to_string(i) + "].name", a.related[i].name,
         lists::PartyType::kEntity, a.related[i].country);
  }
  for (std::size_t i = 0; i < a.payments.size(); ++i) {
    name("payments[" + std::to_string(i) + "].payer_name",
         a.payments[i].payer_name, lists::PartyType::kUnknown, "");
    id("payments[" + std::to_string(i) + "].crypto_address",
       a.payments[i].crypto_address);
  }
  id("registration_number", a.registration_number);
  id("lei", a.lei);
  id("tax_id", a.tax_id);
  return out;
}

}  // namespace

Result<AccountRecord> LatestAccountRecord(const std::string& db_path,
                                          const std::string& account_id) {
  auto trail = audit::AuditTrail::Open(db_path);
  if (!trail) return std::unexpected(trail.error());
  auto newest =
      (*trail)->List(account_id, 1, audit::RecordKind::kDecision);  // newest
  if (!newest) return std::unexpected(newest.error());
  if (newest->empty()) {
    return Fail(ErrorCode::kNotFound,
                "no decision about account '" + account_id + "' in " + db_path +
                    " (screen the account first, or give --account)");
  }
  auto input = ParseStoredInput(newest->front());
  if (!input) return std::unexpected(input.error());
  return std::move(input->account);
}

Result<RescreenReport> Rescreen(std::int64_t version_id,
                                const RescreenOptions& options) {
  auto list_store = store::ListStore::Open(options.db_path);
  if (!list_store) return std::unexpected(list_store.error());
  auto versions = (*list_store)->Versions();
  if (!versions) return std::unexpected(versions.error());
  const store::ListVersionInfo* target = nullptr;
  for (const store::ListVersionInfo& v : *versions) {
    if (v.id == version_id) target = &v;
  }
  if (target == nullptr) {
    return Fail(ErrorCode::kNotFound, "list version " +
                                          std::to_string(version_id) +
                                          " is not held in " + options.db_path +
                                          " (see 'clearance lists versions')");
  }
  // The previous version: newest (published, id) before the target's.
  const store::ListVersionInfo* previous = nullptr;
  auto before = [](const store::ListVersionInfo& a,
                   const store::ListVersionInfo& b) {
    return std::tie(a.published, a.id) < std::tie(b.published, b.id);
  };
  for (const store::ListVersionInfo& v : *versions) {
    if (v.code != target->code || v.id == target->id || !before(v, *target)) {
      continue;
    }
    if (previous == nullptr || before(*previous, v)) previous = &v;
  }

  RescreenReport report;
  report.list_code = target->code;
  report.version_id = target->id;
  auto to = (*list_store)->LoadList(target->id);
  if (!to) return std::unexpected(to.error());
  lists::ListDiff diff;
  if (previous != nullptr) {
    report.previous_version_id = previous->id;
    auto from = (*list_store)->LoadList(previous->id);
    if (!from) return std::unexpected(from.error());
    diff = lists::DiffLists(*from, *to);
  } else {
    for (const lists::Party& p : to->parties) {
      diff.added.push_back(
          {p.source_id, p.names.empty() ? "" : p.names[0].full, p.type});
    }
  }
  report.parties_added = diff.added.size();
  report.parties_changed = diff.changed.size();
  report.parties_removed = diff.removed.size();

  // A document of the added and changed parties alone: the index the stored
  // accounts are probed against.
  std::set<std::string> affected;
  for (const lists::PartyRef& p : diff.added) affected.insert(p.source_id);
  for (const lists::PartyChange& p : diff.changed) affected.insert(p.source_id);
  lists::ListDocument delta = *to;
  delta.parties.clear();
  for (const lists::Party& p : to->parties) {
    if (affected.contains(p.source_id)) delta.parties.push_back(p);
  }

  // Every account's latest decision and its effective outcome (an override
  // counts once a second reviewer approved it), in one pass over the trail.
  auto trail = audit::AuditTrail::Open(options.db_path);
  if (!trail) return std::unexpected(trail.error());
  std::map<std::string, audit::AuditRecord> latest;  // subject -> decision
  std::map<std::string, std::vector<audit::AuditRecord>> reviews;  // by id
  auto walked = (*trail)->ForEach([&](const audit::AuditRecord& r) {
    if (r.kind == audit::RecordKind::kDecision) {
      if (!r.subject.empty()) latest[r.subject] = r;
    } else if (r.kind == audit::RecordKind::kOverride ||
               r.kind == audit::RecordKind::kSecondApproval) {
      reviews[r.refers_to].push_back(r);
    }
    return true;
  });
  if (!walked) return std::unexpected(walked.error());
  struct Latest {
    const audit::AuditRecord* decision;
    audit::Review review;
  };
  std::vector<Latest> accounts;
  for (const auto& [subject, decision] : latest) {
    auto it = reviews.find(decision.id);
    accounts.push_back(
        {&decision,
         audit::ReviewActions(decision, it == reviews.end()
                                            ? std::vector<audit::AuditRecord>{}
                                            : it->second)});
  }
  std::sort(accounts.begin(), accounts.end(),
            [](const Latest& a, const Latest& b) {
              return a.decision->seq > b.decision->seq;  // newest first
            });

  // Held accounts on a removed party: for a reviewer, not re-decided.
  std::map<std::string, const lists::PartyRef*> removed;  // "LIST:ID"
  for (const lists::PartyRef& p : diff.removed) {
    removed[target->code + ":" + p.source_id] = &p;
  }
  std::vector<const Latest*> allowed;
  for (const Latest& a : accounts) {
    if (a.review.effective_outcome == "ALLOW") {
      allowed.push_back(&a);
      continue;
    }
    if (removed.empty()) continue;
    const json output = json::parse(a.decision->output_json, nullptr, false);
    for (const std::string& hit : Summarize(output).hits) {
      auto party = removed.find(hit);
      if (party == removed.end()) continue;
      report.review_delisted.push_back(
          {a.decision->subject, a.decision->id, a.review.effective_outcome,
           a.review.effective_by, target->code, party->second->source_id,
           party->second->name});
    }
  }
  report.allowed_accounts = allowed.size();
  if (delta.parties.empty() || allowed.empty()) return report;

  match::MatcherOptions matcher_options;
  matcher_options.use_cache = false;
  auto matcher =
      match::Matcher::FromDocuments({{target->id, delta}}, matcher_options);
  if (!matcher) return std::unexpected(matcher.error());

  std::unique_ptr<Screener> screener;
  for (const Latest* a : allowed) {
    const audit::AuditRecord* r = a->decision;
    auto input = ParseStoredInput(*r);
    if (!input) return std::unexpected(input.error());
    RescreenedAccount account;
    account.account_id = input->account.account_id;
    account.previous_decision_id = r->id;
    account.previous_outcome = a->review.effective_outcome;
    account.previous_decision_outcome = r->outcome;
    account.previous_override_id = a->review.effective_by;
    for (const Probe& probe : ProbesOf(input->account)) {
      std::vector<match::Hit> hits;
      if (probe.identifier) {
        hits = (*matcher)->ScreenIdentifier(probe.value);
      } else {
        match::NameQuery q;
        q.name = probe.value;
        q.type = probe.type;
        q.country = probe.country;
        hits = (*matcher)->ScreenName(q);
      }
      for (const match::Hit& h : hits) {
        account.matches.push_back({probe.field, probe.value, h.list, h.party_id,
                                   h.party_name, h.score});
      }
    }
    if (account.matches.empty()) continue;

    if (screener == nullptr) {
      ScreenerOptions screen_options;
      screen_options.db_path = options.db_path;
      screen_options.rules_dir = options.rules_dir;
      screen_options.geoip_path = options.geoip_path;
      screen_options.record_decisions = options.record_decisions;
      screen_options.actor = options.actor;
      if (!options.now.empty()) {
        screen_options.now = [now = options.now] { return now; };
      }
      auto opened = Screener::Open(screen_options);
      if (!opened) return std::unexpected(opened.error());
      screener = std::move(*opened);
    }
    // The account alone: a workload decision's request is not re-approved.
    auto decision = screener->Screen(input->account, options.as_of);
    if (!decision) {
      return std::unexpected(decision.error().WithContext(
          "rescreen " + account.account_id + " (" + r->id + ")"));
    }
    account.new_decision_id = decision->decision_id;
    account.new_outcome = decision->outcome;
    account.changed = account.new_outcome != account.previous_outcome;
    report.rescreened.push_back(std::move(account));
  }
  return report;
}

}  // namespace clearance::screening
