// `clearance decisions show|list|replay|override|approve|clear|rescreen` and
// `clearance audit verify|head|purge`: reading the audit trail, reviewer
// actions (new records, never edits; overrides need a second reviewer),
// replay and re-screening (engine/screening/replay.h), checking the hash
// chain, and the retention purge. docs/cli.md documents the commands,
// docs/records.md the records.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "engine/audit/audit_trail.h"
#include "engine/cli/cli.h"
#include "engine/cli/output.h"
#include "engine/rules/rules.h"
#include "engine/screening/replay.h"
#include "engine/store/list_store.h"

#ifndef CLEARANCE_SOURCE_DIR
#define CLEARANCE_SOURCE_DIR "."
#endif

namespace clearance::cli {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

const FlagSpec kDbFlag{
    "db", "FILE", "database file (default $CLEARANCE_DB or ./clearance.db)"};
const FlagSpec kJsonFlag{"json", "", "print JSON instead of text"};
const FlagSpec kRulesFlag{
    "rules", "DIR",
    "the current rule set (default $CLEARANCE_RULES or the built-in rules/)"};
const FlagSpec kReviewerFlag{"reviewer", "NAME", "who takes the action"};

constexpr const char* kOutcomes[] = {"DENY", "LICENSE_REQUIRED", "ESCALATE",
                                     "REPORT", "ALLOW"};

void PrintJson(const ordered_json& j) {
  std::printf(
      "%s\n",
      j.dump(2, ' ', false, ordered_json::error_handler_t::replace).c_str());
}

// Stored JSON text as a value (null when empty or unparsable).
ordered_json ParseStored(const std::string& text) {
  if (text.empty()) return nullptr;
  ordered_json j = ordered_json::parse(text, nullptr, false);
  return j.is_discarded() ? ordered_json(nullptr) : j;
}

std::string Str(const ordered_json& j, const char* key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string Upper(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

Result<std::string> ParseOutcome(const std::string& text) {
  const std::string up = Upper(text);
  for (const char* o : kOutcomes) {
    if (up == o) return up;
  }
  return Fail(ErrorCode::kInvalidArgument,
              "--outcome: '" + text +
                  "' is not DENY, LICENSE_REQUIRED, ESCALATE, REPORT or ALLOW");
}

Result<std::string> RequiredFlag(const Args& args, const char* flag) {
  auto v = args.Get(flag);
  if (!v || v->empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                std::string("--") + flag + " is required");
  }
  return *v;
}

Result<std::unique_ptr<audit::AuditTrail>> OpenTrail(const Args& args) {
  return audit::AuditTrail::Open(DatabasePath(args));
}

// --rules DIR, else $CLEARANCE_RULES, else the built-in rules/ (as
// `screen account` resolves it).
std::string RulesDir(const Args& args) {
  if (auto dir = args.Get("rules"); dir && !dir->empty()) return *dir;
  if (const char* env = std::getenv("CLEARANCE_RULES"); env && *env) return env;
  return std::string(CLEARANCE_SOURCE_DIR) + "/rules";
}

// The decision record `id`; kInvalidArgument if it is an action.
Result<audit::AuditRecord> GetDecision(audit::AuditTrail& trail,
                                       const std::string& id) {
  auto record = trail.Get(id);
  if (!record) return record;
  if (record->kind != audit::RecordKind::kDecision) {
    return Fail(ErrorCode::kInvalidArgument,
                id + " is a " +
                    std::string(audit::RecordKindName(record->kind)) +
                    " record, not a decision" +
                    (record->refers_to.empty()
                         ? ""
                         : " (it refers to " + record->refers_to + ")"));
  }
  return record;
}

std::string ReviewerOf(const audit::AuditRecord& action) {
  const std::string prefix = "reviewer:";
  return action.actor.starts_with(prefix) ? action.actor.substr(prefix.size())
                                          : action.actor;
}

// ----- Reviewer actions and the effective outcome
// ------------------------------

// Four-eyes: an override takes effect only once a second, different reviewer
// approves it. The effective outcome is the decision's, or that of the
// latest approved override (audit::ReviewActions, shared with rescreen).
struct Review {
  std::string effective_outcome;
  std::string effective_by;  // the approved override's id, "" if none
  std::vector<audit::AuditRecord> actions;  // oldest first
  // Override id -> the second approval's id.
  std::map<std::string, std::string> approvals;
};

std::string ApprovedOverride(const audit::AuditRecord& approval) {
  return Str(ParseStored(approval.input_json), "override");
}

Result<Review> ReviewOf(audit::AuditTrail& trail,
                        const audit::AuditRecord& decision) {
  auto actions = trail.ActionsFor(decision.id);
  if (!actions) return std::unexpected(actions.error());
  audit::Review interpreted = audit::ReviewActions(decision, *actions);
  Review review;
  review.effective_outcome = std::move(interpreted.effective_outcome);
  review.effective_by = std::move(interpreted.effective_by);
  review.approvals = std::move(interpreted.approvals);
  review.actions = std::move(*actions);
  return review;
}

std::string ActionStatus(const Review& review, const audit::AuditRecord& a) {
  if (a.kind != audit::RecordKind::kOverride) return "";
  auto it = review.approvals.find(a.id);
  return it == review.approvals.end() ? "awaiting second approval"
                                      : "approved in " + it->second;
}

ordered_json RecordHeaderJson(const audit::AuditRecord& r) {
  ordered_json j;
  j["seq"] = r.seq;
  j["id"] = r.id;
  j["kind"] = std::string(audit::RecordKindName(r.kind));
  j["created_at"] = r.created_at;
  j["actor"] = r.actor;
  j["subject"] = r.subject;
  if (!r.refers_to.empty()) j["refers_to"] = r.refers_to;
  j["outcome"] = r.outcome;
  if (!r.reason.empty()) j["reason"] = r.reason;
  j["prev_hash"] = r.prev_hash;
  j["record_hash"] = r.record_hash;
  return j;
}

ordered_json ActionJson(const Review& review, const audit::AuditRecord& a) {
  ordered_json j = RecordHeaderJson(a);
  j["reviewer"] = ReviewerOf(a);
  j["detail"] = ParseStored(a.input_json);
  if (a.kind == audit::RecordKind::kOverride) {
    auto it = review.approvals.find(a.id);
    j["approved_by"] = it == review.approvals.end() ? ordered_json(nullptr)
                                                    : ordered_json(it->second);
  }
  return j;
}

// List hits of a stored decision, in evidence order (numbered from 1 by
// `show` and `clear --hit N`).
std::vector<ordered_json> ListHits(const ordered_json& decision) {
  std::vector<ordered_json> hits;
  if (!decision.is_object() || !decision.contains("evidence") ||
      !decision["evidence"].is_array()) {
    return hits;
  }
  for (const ordered_json& e : decision["evidence"]) {
    if (Str(e, "kind") == "list_hit") hits.push_back(e);
  }
  return hits;
}

// ----- decisions show
// ----------------------------------------------------------

int RunShow(const Args& args) {
  auto trail = OpenTrail(args);
  if (!trail) return ReportError(trail.error());
  auto record = GetDecision(**trail, args.positionals()[0]);
  if (!record) return ReportError(record.error());
  auto review = ReviewOf(**trail, *record);
  if (!review) return ReportError(review.error());
  const ordered_json decision = ParseStored(record->output_json);
  const std::vector<ordered_json> hits = ListHits(decision);

  if (args.Has("json")) {
    ordered_json j;
    j["record"] = RecordHeaderJson(*record);
    j["effective_outcome"] = review->effective_outcome;
    j["input"] = ParseStored(record->input_json);
    j["decision"] = decision;
    j["actions"] = ordered_json::array();
    for (const audit::AuditRecord& a : review->actions) {
      j["actions"].push_back(ActionJson(*review, a));
    }
    PrintJson(j);
    return kExitOk;
  }

  std::string out;
  out += "Decision " + record->id + "  account " + record->subject;
  if (const std::string kind = Str(decision, "kind"); !kind.empty()) {
    out += "  (" + kind + ")";
  }
  out += "\n  recorded   " + record->created_at + " by " + record->actor +
         " (seq " + std::to_string(record->seq) + ", hash " +
         record->record_hash.substr(0, 16) + "…)\n";
  if (const std::string as_of = Str(decision, "as_of"); !as_of.empty()) {
    out += "  as of      " + as_of + "\n";
  }
  out += "  outcome    " + record->outcome;
  if (review->effective_outcome != record->outcome) {
    out += "  -> effective " + review->effective_outcome + " (override " +
           review->effective_by + ", approved)";
  }
  out += "\n";
  if (decision.contains("versions") && decision["versions"].is_object()) {
    const ordered_json& v = decision["versions"];
    std::string lists;
    if (v.contains("list_versions") && v["list_versions"].is_array()) {
      for (const auto& id : v["list_versions"]) {
        if (!lists.empty()) lists += ", ";
        lists += id.dump();
      }
    }
    out += "  versions   lists [" + lists + "], rule set " +
           Str(v, "ruleset_hash").substr(0, 16) + "…, geoip " +
           Str(v, "geoip_database") + ", engine " + Str(v, "engine_version") +
           "\n";
  }
  if (decision.contains("fired") && decision["fired"].is_array() &&
      !decision["fired"].empty()) {
    out += "\nFired rules\n";
    for (const ordered_json& r : decision["fired"]) {
      out += "  " + Str(r, "id") + "  " + Str(r, "outcome") + "  " +
             Str(r, "title") + "\n";
      if (const std::string c = Str(r, "citation"); !c.empty()) {
        out += "      " + c + "\n";
      }
      if (const std::string e = Str(r, "explanation"); !e.empty()) {
        out += "      " + e + "\n";
      }
    }
  } else {
    out += "\nFired rules: none\n";
  }
  if (decision.contains("evidence") && decision["evidence"].is_array() &&
      !decision["evidence"].empty()) {
    out += "\nEvidence\n";
    int hit_number = 0;
    for (const ordered_json& e : decision["evidence"]) {
      const std::string kind = Str(e, "kind");
      std::string label =
          kind == "list_hit" ? "hit " + std::to_string(++hit_number) : kind;
      out += "  [" + label + "] " + Str(e, "subject") + ": " +
             Str(e, "summary") + "\n";
    }
  }
  if (!review->actions.empty()) {
    out += "\nReviewer actions\n";
    for (const audit::AuditRecord& a : review->actions) {
      out += "  " + a.id + "  " + a.created_at + "  " +
             std::string(audit::RecordKindName(a.kind)) + "  by " +
             ReviewerOf(a);
      if (a.kind == audit::RecordKind::kOverride) {
        out += "  -> " + a.outcome + "  (" + ActionStatus(*review, a) + ")";
      } else if (a.kind == audit::RecordKind::kSecondApproval) {
        out += "  approves " + ApprovedOverride(a);
      } else if (a.kind == audit::RecordKind::kClearHit) {
        const ordered_json detail = ParseStored(a.input_json);
        if (detail.is_object() && detail.contains("hit")) {
          out += "  hit " + detail["hit"].dump() + " " + Str(detail, "hit_key");
        }
      }
      out += "\n";
      if (!a.reason.empty()) out += "      reason: " + a.reason + "\n";
    }
  }
  std::fputs(out.c_str(), stdout);
  return kExitOk;
}

// ----- decisions list
// ----------------------------------------------------------

int RunList(const Args& args) {
  int limit = 50;
  if (auto l = args.Get("limit")) {
    auto [p, ec] = std::from_chars(l->data(), l->data() + l->size(), limit);
    if (ec != std::errc() || p != l->data() + l->size() || limit < 1) {
      return ReportError(
          Error(ErrorCode::kInvalidArgument,
                "--limit: '" + *l + "' is not a positive number"));
    }
  }
  std::string outcome;
  if (auto o = args.Get("outcome")) {
    auto parsed = ParseOutcome(*o);
    if (!parsed) return ReportError(parsed.error());
    outcome = *parsed;
  }
  auto trail = OpenTrail(args);
  if (!trail) return ReportError(trail.error());
  // Filtering by outcome happens here, so read everything then and cut.
  auto records = (*trail)->List(args.GetOr("account", ""),
                                outcome.empty() ? limit : INT_MAX,
                                audit::RecordKind::kDecision);
  if (!records) return ReportError(records.error());
  std::vector<std::pair<audit::AuditRecord, Review>> rows;
  for (audit::AuditRecord& r : *records) {
    if (!outcome.empty() && r.outcome != outcome) continue;
    if (static_cast<int>(rows.size()) >= limit) break;
    auto review = ReviewOf(**trail, r);
    if (!review) return ReportError(review.error());
    rows.emplace_back(std::move(r), std::move(*review));
  }
  if (args.Has("json")) {
    ordered_json j = ordered_json::array();
    for (const auto& [r, review] : rows) {
      const ordered_json decision = ParseStored(r.output_json);
      ordered_json row;
      row["id"] = r.id;
      row["created_at"] = r.created_at;
      row["account"] = r.subject;
      row["kind"] = Str(decision, "kind");
      row["as_of"] = Str(decision, "as_of");
      row["outcome"] = r.outcome;
      row["effective_outcome"] = review.effective_outcome;
      row["actions"] = review.actions.size();
      row["actor"] = r.actor;
      j.push_back(std::move(row));
    }
    PrintJson(j);
    return kExitOk;
  }
  if (rows.empty()) {
    std::printf("no decisions\n");
    return kExitOk;
  }
  Table table(
      {"ID", "RECORDED", "ACCOUNT", "KIND", "OUTCOME", "EFFECTIVE", "ACTIONS"});
  table.AlignRight(6);
  for (const auto& [r, review] : rows) {
    const ordered_json decision = ParseStored(r.output_json);
    table.AddRow({r.id, r.created_at, r.subject, Str(decision, "kind"),
                  r.outcome, review.effective_outcome,
                  std::to_string(review.actions.size())});
  }
  std::fputs(table.Render().c_str(), stdout);
  return kExitOk;
}

// ----- decisions override / approve / clear
// --------------------------------------

int PrintAppended(const Args& args, const audit::AuditRecord& appended,
                  const std::string& text) {
  if (args.Has("json")) {
    PrintJson(RecordHeaderJson(appended));
  } else {
    std::printf("%s\n", text.c_str());
  }
  return kExitOk;
}

int RunOverride(const Args& args) {
  auto outcome_text = RequiredFlag(args, "outcome");
  if (!outcome_text) return ReportError(outcome_text.error());
  auto outcome = ParseOutcome(*outcome_text);
  if (!outcome) return ReportError(outcome.error());
  auto reason = RequiredFlag(args, "reason");
  if (!reason) return ReportError(reason.error());
  auto reviewer = RequiredFlag(args, "reviewer");
  if (!reviewer) return ReportError(reviewer.error());
  auto trail = OpenTrail(args);
  if (!trail) return ReportError(trail.error());
  auto decision = GetDecision(**trail, args.positionals()[0]);
  if (!decision) return ReportError(decision.error());

  audit::AuditRecord action;
  action.kind = audit::RecordKind::kOverride;
  action.created_at = NowIso8601();
  action.actor = "reviewer:" + *reviewer;
  action.subject = decision->subject;
  action.refers_to = decision->id;
  action.outcome = *outcome;
  action.reason = *reason;
  action.input_json = json{
      {"decision", decision->id},
      {"previous_outcome", decision->outcome},
      {"outcome", *outcome},
      {"reviewer",
       *reviewer}}.dump();
  action.output_json = json{{"status", "awaiting_second_approval"}}.dump();
  auto appended = (*trail)->Append(std::move(action));
  if (!appended) return ReportError(appended.error());
  return PrintAppended(
      args, *appended,
      appended->id + ": override of " + decision->id + " " + decision->outcome +
          " -> " + *outcome + " by " + *reviewer +
          " recorded; it takes effect when a second reviewer runs "
          "'clearance decisions approve " +
          appended->id + " --reviewer NAME'");
}

int RunApprove(const Args& args) {
  auto reviewer = RequiredFlag(args, "reviewer");
  if (!reviewer) return ReportError(reviewer.error());
  auto trail = OpenTrail(args);
  if (!trail) return ReportError(trail.error());
  auto target = (*trail)->Get(args.positionals()[0]);
  if (!target) return ReportError(target.error());

  // ID names the override, or the decision (then its one pending override).
  std::string decision_id = target->kind == audit::RecordKind::kDecision
                                ? target->id
                                : target->refers_to;
  if (target->kind != audit::RecordKind::kDecision &&
      target->kind != audit::RecordKind::kOverride) {
    return ReportError(
        Error(ErrorCode::kInvalidArgument,
              target->id + " is a " +
                  std::string(audit::RecordKindName(target->kind)) +
                  " record: approve an override or a decision"));
  }
  auto decision = GetDecision(**trail, decision_id);
  if (!decision) return ReportError(decision.error());
  auto review = ReviewOf(**trail, *decision);
  if (!review) return ReportError(review.error());
  std::vector<const audit::AuditRecord*> pending;
  for (const audit::AuditRecord& a : review->actions) {
    if (a.kind == audit::RecordKind::kOverride &&
        !review->approvals.contains(a.id)) {
      pending.push_back(&a);
    }
  }
  const audit::AuditRecord* override_record = nullptr;
  if (target->kind == audit::RecordKind::kOverride) {
    if (auto it = review->approvals.find(target->id);
        it != review->approvals.end()) {
      return ReportError(
          Error(ErrorCode::kFailedPrecondition,
                target->id + " was already approved in " + it->second));
    }
    override_record = &*target;
  } else if (pending.size() == 1) {
    override_record = pending.front();
  } else if (pending.empty()) {
    return ReportError(
        Error(ErrorCode::kFailedPrecondition,
              decision->id + " has no override awaiting approval"));
  } else {
    std::string ids;
    for (const audit::AuditRecord* p : pending) ids += " " + p->id;
    return ReportError(Error(ErrorCode::kInvalidArgument,
                             decision->id +
                                 " has several overrides awaiting "
                                 "approval; name one:" +
                                 ids));
  }
  if (ReviewerOf(*override_record) == *reviewer) {
    return ReportError(Error(ErrorCode::kFailedPrecondition,
                             "four-eyes rule: " + override_record->id +
                                 " was made by " + *reviewer +
                                 "; a different reviewer must approve it"));
  }

  audit::AuditRecord action;
  action.kind = audit::RecordKind::kSecondApproval;
  action.created_at = NowIso8601();
  action.actor = "reviewer:" + *reviewer;
  action.subject = decision->subject;
  action.refers_to = decision->id;
  action.outcome = override_record->outcome;
  action.reason = args.GetOr("reason", "");
  action.input_json = json{
      {"decision", decision->id},
      {"override", override_record->id},
      {"override_reviewer", ReviewerOf(*override_record)},
      {"reviewer",
       *reviewer}}.dump();
  action.output_json =
      json{{"effective_outcome", override_record->outcome}}.dump();
  auto appended = (*trail)->Append(std::move(action));
  if (!appended) return ReportError(appended.error());
  return PrintAppended(args, *appended,
                       appended->id + ": " + *reviewer + " approved " +
                           override_record->id + "; " + decision->id +
                           " is now effectively " + override_record->outcome);
}

int RunClear(const Args& args) {
  auto hit_text = RequiredFlag(args, "hit");
  if (!hit_text) return ReportError(hit_text.error());
  int hit = 0;
  auto [p, ec] = std::from_chars(hit_text->data(),
                                 hit_text->data() + hit_text->size(), hit);
  if (ec != std::errc() || p != hit_text->data() + hit_text->size() ||
      hit < 1) {
    return ReportError(Error(ErrorCode::kInvalidArgument,
                             "--hit: '" + *hit_text +
                                 "' is not a hit number (1, 2, ... as shown "
                                 "by 'decisions show')"));
  }
  auto reason = RequiredFlag(args, "reason");
  if (!reason) return ReportError(reason.error());
  auto reviewer = RequiredFlag(args, "reviewer");
  if (!reviewer) return ReportError(reviewer.error());
  auto trail = OpenTrail(args);
  if (!trail) return ReportError(trail.error());
  auto decision = GetDecision(**trail, args.positionals()[0]);
  if (!decision) return ReportError(decision.error());
  const std::vector<ordered_json> hits =
      ListHits(ParseStored(decision->output_json));
  if (hit > static_cast<int>(hits.size())) {
    return ReportError(Error(ErrorCode::kNotFound,
                             decision->id + " has " +
                                 std::to_string(hits.size()) +
                                 " list hit(s); there is no hit " + *hit_text));
  }
  const ordered_json& the_hit = hits[static_cast<std::size_t>(hit - 1)];

  audit::AuditRecord action;
  action.kind = audit::RecordKind::kClearHit;
  action.created_at = NowIso8601();
  action.actor = "reviewer:" + *reviewer;
  action.subject = decision->subject;
  action.refers_to = decision->id;
  action.reason = *reason;
  action.input_json = json{
      {"decision", decision->id},
      {"hit", hit},
      {"hit_subject", Str(the_hit, "subject")},
      {"hit_summary", Str(the_hit, "summary")},
      {"reviewer",
       *reviewer}}.dump();
  action.output_json = json{{"cleared", true}}.dump();
  auto appended = (*trail)->Append(std::move(action));
  if (!appended) return ReportError(appended.error());
  return PrintAppended(args, *appended,
                       appended->id + ": hit " + *hit_text + " of " +
                           decision->id + " (" + Str(the_hit, "summary") +
                           ") cleared as a false positive by " + *reviewer);
}

// ----- decisions replay / rescreen
// ----------------------------------------------

ordered_json DiffJson(const screening::DecisionDiff& d) {
  ordered_json j;
  j["changed"] = d.changed();
  j["outcome_before"] = d.outcome_before;
  j["outcome_after"] = d.outcome_after;
  j["rules_added"] = d.rules_added;
  j["rules_removed"] = d.rules_removed;
  j["hits_added"] = d.hits_added;
  j["hits_removed"] = d.hits_removed;
  return j;
}

ordered_json VersionsJson(const screening::Versions& v) {
  ordered_json j;
  j["list_versions"] = v.list_versions;
  j["ruleset_hash"] = v.ruleset_hash;
  j["geoip_database"] = v.geoip_database;
  j["engine_version"] = v.engine_version;
  return j;
}

std::string DiffText(const screening::DecisionDiff& d,
                     const std::string& indent) {
  std::string out;
  out += indent + "outcome  " + d.outcome_before +
         (d.outcome_before == d.outcome_after ? " (unchanged)"
                                              : " -> " + d.outcome_after) +
         "\n";
  auto line = [&](const char* label, const std::vector<std::string>& items) {
    if (items.empty()) return;
    out += indent + label;
    for (std::size_t i = 0; i < items.size(); ++i) {
      out += (i ? ", " : "") + items[i];
    }
    out += "\n";
  };
  line("rules fired now      ", d.rules_added);
  line("rules no longer fired ", d.rules_removed);
  line("hits added           ", d.hits_added);
  line("hits removed         ", d.hits_removed);
  return out;
}

std::string JoinIds(const std::vector<std::int64_t>& ids) {
  std::string out;
  for (std::int64_t id : ids)
    out += (out.empty() ? "" : ", ") + std::to_string(id);
  return out;
}

int RunReplay(const Args& args) {
  auto trail = OpenTrail(args);
  if (!trail) return ReportError(trail.error());
  auto record = GetDecision(**trail, args.positionals()[0]);
  if (!record) return ReportError(record.error());
  screening::ReplayOptions options;
  options.db_path = DatabasePath(args);
  options.rules_dir = RulesDir(args);
  options.today = args.GetOr("as-of", NowIso8601().substr(0, 10));
  auto report = screening::Replay(*record, options);
  if (!report) return ReportError(report.error());
  const int code = report->reproduced ? kExitOk : kExitIntegrity;

  if (args.Has("json")) {
    ordered_json j;
    j["decision"] = report->decision_id;
    j["account"] = report->account_id;
    j["kind"] = report->kind;
    j["as_of"] = report->as_of;
    j["stored_outcome"] = report->stored_outcome;
    j["stored_versions"] = VersionsJson(report->stored_versions);
    j["ruleset_source"] = report->ruleset_source;
    j["replayed_outcome"] = report->replayed.outcome;
    j["reproduced"] = report->reproduced;
    j["replay_vs_stored"] = DiffJson(report->replay_vs_stored);
    j["today"] = report->today;
    j["current_outcome"] = report->current.outcome;
    j["current_versions"] = VersionsJson(report->current.versions);
    j["since"] = DiffJson(report->since);
    PrintJson(j);
    return code;
  }
  std::string out;
  out += "Replay of " + report->decision_id + " (" + report->kind +
         " screening of " + report->account_id + ", as of " + report->as_of +
         ")\n";
  out += "  recorded   " + report->stored_outcome + " under lists [" +
         JoinIds(report->stored_versions.list_versions) + "], rule set " +
         report->stored_versions.ruleset_hash.substr(0, 16) + "… (" +
         report->ruleset_source + ")\n";
  out += "  replayed   " + report->replayed.outcome +
         (report->reproduced ? "  reproduced: same outcome, rules and hits\n"
                             : "  NOT reproduced:\n");
  if (!report->reproduced) out += DiffText(report->replay_vs_stored, "    ");
  out += "  today      " + report->current.outcome + " under lists [" +
         JoinIds(report->current.versions.list_versions) + "], rule set " +
         report->current.versions.ruleset_hash.substr(0, 16) + "…, as of " +
         report->today + "\n";
  if (report->since.changed()) {
    out += "Differences from the recorded decision:\n";
    out += DiffText(report->since, "  ");
  } else {
    out += "No difference from the recorded decision.\n";
  }
  std::fputs(out.c_str(), stdout);
  return code;
}

// --since VERSION: a version id, or CODE[:REF] (REF as ResolveVersion takes
// it; default latest).
Result<std::int64_t> ResolveSince(const std::string& db_path,
                                  const std::string& since) {
  std::int64_t id = 0;
  auto [p, ec] = std::from_chars(since.data(), since.data() + since.size(), id);
  if (ec == std::errc() && p == since.data() + since.size()) return id;
  auto store = store::ListStore::Open(db_path);
  if (!store) return std::unexpected(store.error());
  const std::size_t colon = since.find(':');
  const std::string code = since.substr(0, colon);
  const std::string ref =
      colon == std::string::npos ? "latest" : since.substr(colon + 1);
  auto version = (*store)->ResolveVersion(code, ref);
  if (!version) return std::unexpected(version.error());
  return version->id;
}

int RunRescreen(const Args& args) {
  auto since = RequiredFlag(args, "since");
  if (!since) return ReportError(since.error());
  const std::string db = DatabasePath(args);
  auto version = ResolveSince(db, *since);
  if (!version) return ReportError(version.error());
  screening::RescreenOptions options;
  options.db_path = db;
  options.rules_dir = RulesDir(args);
  options.as_of = args.GetOr("as-of", NowIso8601().substr(0, 10));
  options.now = NowIso8601();
  options.record_decisions = !args.Has("dry-run");
  auto report = screening::Rescreen(*version, options);
  if (!report) return ReportError(report.error());

  if (args.Has("json")) {
    ordered_json j;
    j["list"] = report->list_code;
    j["version"] = report->version_id;
    j["previous_version"] = report->previous_version_id == 0
                                ? ordered_json(nullptr)
                                : ordered_json(report->previous_version_id);
    j["parties_added"] = report->parties_added;
    j["parties_changed"] = report->parties_changed;
    j["parties_removed"] = report->parties_removed;
    j["allowed_accounts"] = report->allowed_accounts;
    j["rescreened"] = report->rescreened.size();
    j["changed"] = report->changed_count();
    j["accounts"] = ordered_json::array();
    for (const screening::RescreenedAccount& a : report->rescreened) {
      ordered_json row;
      row["account"] = a.account_id;
      row["previous_decision"] = a.previous_decision_id;
      row["previous_outcome"] = a.previous_outcome;
      row["previous_decision_outcome"] = a.previous_decision_outcome;
      row["previous_override"] = a.previous_override_id.empty()
                                     ? ordered_json(nullptr)
                                     : ordered_json(a.previous_override_id);
      row["new_decision"] = a.new_decision_id.empty()
                                ? ordered_json(nullptr)
                                : ordered_json(a.new_decision_id);
      row["new_outcome"] = a.new_outcome;
      row["changed"] = a.changed;
      row["matches"] = ordered_json::array();
      for (const screening::RescreenMatch& m : a.matches) {
        row["matches"].push_back({{"field", m.field},
                                  {"value", m.value},
                                  {"list", m.list},
                                  {"party_id", m.party_id},
                                  {"party_name", m.party_name},
                                  {"score", m.score}});
      }
      j["accounts"].push_back(std::move(row));
    }
    j["review_delisted"] = ordered_json::array();
    for (const screening::DelistedReview& d : report->review_delisted) {
      j["review_delisted"].push_back(
          {{"account", d.account_id},
           {"decision", d.decision_id},
           {"outcome", d.outcome},
           {"override", d.override_id.empty() ? ordered_json(nullptr)
                                              : ordered_json(d.override_id)},
           {"list", d.list},
           {"party_id", d.party_id},
           {"party_name", d.party_name}});
    }
    PrintJson(j);
    return kExitOk;
  }
  std::string out =
      report->list_code + " version " + std::to_string(report->version_id) +
      " against " +
      (report->previous_version_id == 0
           ? std::string("no earlier version (every party is new)")
           : "version " + std::to_string(report->previous_version_id)) +
      ": " + std::to_string(report->parties_added) + " added, " +
      std::to_string(report->parties_changed) + " changed, " +
      std::to_string(report->parties_removed) + " removed\n";
  out += std::to_string(report->allowed_accounts) +
         " previously allowed account(s) (effective outcome, after approved "
         "overrides); " +
         std::to_string(report->rescreened.size()) +
         " matched a new or changed party and were re-screened; " +
         std::to_string(report->changed_count()) + " changed outcome\n";
  if (!report->rescreened.empty()) {
    Table table({"ACCOUNT", "WAS", "NOW", "DECISION", "MATCHED"});
    for (const screening::RescreenedAccount& a : report->rescreened) {
      std::string matched;
      for (const screening::RescreenMatch& m : a.matches) {
        if (!matched.empty()) matched += "; ";
        matched +=
            m.field + " ~ " + m.list + ":" + m.party_id + " " + m.party_name;
      }
      std::string was = a.previous_decision_id + " " + a.previous_outcome;
      if (!a.previous_override_id.empty()) {
        was += " (" + a.previous_decision_outcome + ", overridden in " +
               a.previous_override_id + ")";
      }
      table.AddRow(
          {a.account_id, was, a.new_outcome + (a.changed ? " (changed)" : ""),
           a.new_decision_id.empty() ? "-" : a.new_decision_id, matched});
    }
    out += "\n" + table.Render();
  }
  if (!report->review_delisted.empty()) {
    out += "\n" + std::to_string(report->review_delisted.size()) +
           " hold(s) rest on a party this version removed; not re-decided: a "
           "reviewer should replay each decision and override it if the hold "
           "no longer stands\n";
    Table table({"ACCOUNT", "DECISION", "OUTCOME", "REMOVED PARTY"});
    for (const screening::DelistedReview& d : report->review_delisted) {
      table.AddRow({d.account_id, d.decision_id,
                    d.outcome + (d.override_id.empty()
                                     ? ""
                                     : " (override " + d.override_id + ")"),
                    d.list + ":" + d.party_id + " " + d.party_name});
    }
    out += "\n" + table.Render();
  }
  std::fputs(out.c_str(), stdout);
  return kExitOk;
}

// ----- audit verify / head
// -------------------------------------------------------

int RunVerify(const Args& args) {
  auto trail = OpenTrail(args);
  if (!trail) return ReportError(trail.error());
  Result<audit::VerifyReport> report = Fail(ErrorCode::kInternal, "unset");
  if (auto anchor = args.Get("anchor")) {
    // SEQ:HASH as printed by `audit head`.
    const std::size_t colon = anchor->find(':');
    audit::AuditHead head;
    const std::string seq_text = anchor->substr(0, colon);
    auto [p, ec] = std::from_chars(seq_text.data(),
                                   seq_text.data() + seq_text.size(), head.seq);
    if (colon == std::string::npos || ec != std::errc() ||
        p != seq_text.data() + seq_text.size()) {
      return ReportError(
          Error(ErrorCode::kInvalidArgument,
                "--anchor: '" + *anchor +
                    "' is not SEQ:HASH (as 'audit head' prints)"));
    }
    head.record_hash = anchor->substr(colon + 1);
    report = (*trail)->Verify(head);
  } else {
    report = (*trail)->Verify();
  }
  if (!report) return ReportError(report.error());
  // An anchor inside a purged range is not a broken chain: it can no longer
  // be checked (exit 6, "not found"), tampering is exit 7.
  const int code = report->ok                          ? kExitOk
                   : !report->anchor_purged_by.empty() ? kExitNotFound
                                                       : kExitIntegrity;
  auto or_null = [](const std::string& s) {
    return s.empty() ? ordered_json(nullptr) : ordered_json(s);
  };
  if (args.Has("json")) {
    ordered_json j;
    j["ok"] = report->ok;
    j["records"] = report->records;
    j["first_broken_seq"] = report->first_broken_seq
                                ? ordered_json(*report->first_broken_seq)
                                : ordered_json(nullptr);
    j["first_broken_id"] = report->first_broken_id;
    j["problem"] = report->problem;
    j["first_seq"] = report->first_seq;
    j["purge_checkpoint"] = or_null(report->purge_checkpoint);
    j["anchor_purged_by"] = or_null(report->anchor_purged_by);
    PrintJson(j);
    return code;
  }
  if (report->ok) {
    std::string purged;
    if (!report->purge_checkpoint.empty()) {
      purged = " (from seq " + std::to_string(report->first_seq) +
               "; the records before it were purged under retention, purge "
               "checkpoint " +
               report->purge_checkpoint + ")";
    }
    std::printf("audit chain OK: %s records verified%s\n",
                WithThousands(report->records).c_str(), purged.c_str());
  } else if (!report->anchor_purged_by.empty()) {
    std::fprintf(stderr, "clearance: error: anchor not checkable: %s\n",
                 report->problem.c_str());
  } else {
    const std::string who =
        report->first_broken_id.empty()
            ? "record seq " +
                  std::to_string(report->first_broken_seq.value_or(0))
            : report->first_broken_id + " (seq " +
                  std::to_string(report->first_broken_seq.value_or(0)) + ")";
    std::fprintf(stderr, "clearance: error: audit chain BROKEN at %s: %s\n",
                 who.c_str(), report->problem.c_str());
  }
  return code;
}

int RunHead(const Args& args) {
  auto trail = OpenTrail(args);
  if (!trail) return ReportError(trail.error());
  auto head = (*trail)->Head();
  if (!head) return ReportError(head.error());
  if (args.Has("json")) {
    PrintJson({{"seq", head->seq}, {"record_hash", head->record_hash}});
  } else {
    std::printf("%lld:%s\n", static_cast<long long>(head->seq),
                head->record_hash.c_str());
  }
  return kExitOk;
}

// ----- audit purge
// --------------------------------------------------------------

// The retention period the rule catalog configures: the larger of
// config.record_retention_years_ofac and config.record_retention_years_ear
// (rules/config.json, maintained with counsel); the library default when
// neither is set. Returns the years and where they came from.
Result<std::pair<int, std::string>> RetentionFromRules(const std::string& dir) {
  auto rules = rules::RuleSet::Load(dir);
  if (!rules) return std::unexpected(rules.error().WithContext("rules " + dir));
  int years = 0;
  std::string source;
  for (const rules::ConfigItem& item : (*rules)->config()) {
    if (item.name != "record_retention_years_ofac" &&
        item.name != "record_retention_years_ear") {
      continue;
    }
    if (!item.value.is_number_integer() || item.value.get<int>() < 1) {
      return Fail(ErrorCode::kInvalidArgument,
                  item.file + ":" + std::to_string(item.line) + ": config " +
                      item.name + " must be a whole number of years (>= 1)");
    }
    if (item.value.get<int>() > years) {
      years = item.value.get<int>();
      source = "rules config " + item.name;
    }
  }
  if (years == 0) {
    return std::make_pair(audit::AuditOptions{}.retention_years,
                          std::string("default (no record_retention_years_* "
                                      "in the rules config)"));
  }
  return std::make_pair(years, source);
}

int RunPurge(const Args& args) {
  auto before = RequiredFlag(args, "before");
  if (!before) return ReportError(before.error());
  auto retention = RetentionFromRules(RulesDir(args));
  if (!retention) return ReportError(retention.error());
  audit::AuditOptions audit_options;
  audit_options.retention_years = retention->first;
  auto trail = audit::AuditTrail::Open(DatabasePath(args), audit_options);
  if (!trail) return ReportError(trail.error());
  const char* user = std::getenv("USER");
  audit::PurgeOptions options;
  options.actor = std::string("cli:") + (user != nullptr ? user : "unknown");
  options.dry_run = args.Has("dry-run");
  auto report = (*trail)->Purge(*before, NowIso8601(), options);
  if (!report) return ReportError(report.error());

  if (args.Has("json")) {
    auto or_null = [](const std::string& s) {
      return s.empty() ? ordered_json(nullptr) : ordered_json(s);
    };
    auto seq_or_null = [](std::int64_t seq) {
      return seq == 0 ? ordered_json(nullptr) : ordered_json(seq);
    };
    ordered_json j;
    j["dry_run"] = report->dry_run;
    j["before"] = report->before;
    j["retention_years"] = report->retention_years;
    j["retention_source"] = retention->second;
    j["latest_cutoff"] = report->latest_cutoff;
    j["removed"] = report->removed;
    j["first_seq"] = seq_or_null(report->first_seq);
    j["last_seq"] = seq_or_null(report->last_seq);
    j["first_id"] = or_null(report->first_id);
    j["last_id"] = or_null(report->last_id);
    j["removed_by_kind"] = ordered_json::object();
    for (const auto& [kind, n] : report->removed_by_kind) {
      j["removed_by_kind"][kind] = n;
    }
    j["last_record_hash"] = or_null(report->last_record_hash);
    j["kept_from"] = report->kept_from_seq == 0
                         ? ordered_json(nullptr)
                         : ordered_json{{"seq", report->kept_from_seq},
                                        {"id", report->kept_from_id}};
    j["stop_reason"] = report->stop_reason;
    if (report->checkpoint) {
      const audit::AuditRecord& c = *report->checkpoint;
      j["checkpoint"] = {{"id", c.id},
                         {"seq", c.seq},
                         {"created_at", c.created_at},
                         {"actor", c.actor},
                         {"prev_hash", c.prev_hash},
                         {"record_hash", c.record_hash}};
    } else {
      j["checkpoint"] = nullptr;
    }
    PrintJson(j);
    return kExitOk;
  }

  std::string out;
  if (report->dry_run) out += "Dry run: nothing was changed.\n";
  out += "Retention " + std::to_string(report->retention_years) + " years (" +
         retention->second + "): records created before " +
         report->latest_cutoff + " may be purged.\n";
  if (report->removed == 0) {
    out += "Nothing to purge before " + report->before;
    if (!report->kept_from_id.empty()) {
      out += ": " + report->kept_from_id + " is kept (" + report->stop_reason +
             ")";
    } else if (!report->stop_reason.empty()) {
      out += ": " + report->stop_reason;
    }
    out += ".\n";
    std::fputs(out.c_str(), stdout);
    return kExitOk;
  }
  out += WithThousands(report->removed) + " record(s) created before " +
         report->before + (report->dry_run ? " would be purged" : " purged") +
         ": " + report->first_id + " .. " + report->last_id + " (seq " +
         std::to_string(report->first_seq) + ".." +
         std::to_string(report->last_seq) + ")\n\n";
  Table table({"KIND", "RECORDS"});
  table.AlignRight(1);
  for (const auto& [kind, n] : report->removed_by_kind) {
    table.AddRow({kind, WithThousands(n)});
  }
  out += table.Render() + "\n";
  if (report->kept_from_seq != 0) {
    out += "Kept from " + report->kept_from_id + ": " + report->stop_reason +
           ".\n";
  } else {
    out += "Every record was older than the cutoff.\n";
  }
  out += "Last removed record_hash " + report->last_record_hash + "\n";
  if (report->checkpoint) {
    out += "Checkpoint " + report->checkpoint->id + " (seq " +
           std::to_string(report->checkpoint->seq) +
           ") appended; 'clearance audit verify' checks the chain from the "
           "first record kept. Export the new head ('clearance audit "
           "head').\n";
  } else {
    out += "A purge_checkpoint record would be appended to the chain.\n";
  }
  std::fputs(out.c_str(), stdout);
  return kExitOk;
}

}  // namespace

std::vector<Command> DecisionsCommands() {
  return {
      {{"decisions show",
        "[--db FILE] [--json] ID",
        "Show a stored decision: outcome, fired rules, evidence, versions, "
        "reviewer actions",
        "ID is a decision record id (D-000042). The text form numbers the "
        "list\n"
        "hits (hit 1, hit 2, ...) as 'decisions clear --hit N' takes them.\n"
        "The effective outcome is the decision's unless an override was\n"
        "approved by a second reviewer. Exit 6 if there is no such record.",
        {kDbFlag, kJsonFlag},
        1,
        1},
       RunShow},
      {{"decisions list",
        "[--db FILE] [--account ID] [--outcome X] [--limit N] [--json]",
        "List decisions, newest first",
        "--account keeps one account's decisions, --outcome one outcome\n"
        "(DENY, LICENSE_REQUIRED, ESCALATE, REPORT, ALLOW). --limit N\n"
        "(default 50) caps the rows.",
        {kDbFlag,
         {"account", "ID", "only this account's decisions"},
         {"outcome", "X", "only decisions with this outcome"},
         {"limit", "N", "at most N rows (default 50)"},
         kJsonFlag},
        0,
        0},
       RunList},
      {{"decisions replay",
        "[--db FILE] [--rules DIR] [--as-of DATE] [--json] ID",
        "Re-evaluate a decision under the lists and rules of its time; show "
        "what differs today",
        "Replays decision ID with the list versions and the rule set recorded\n"
        "in it (the rule set from its snapshot in the database if rules/ has\n"
        "changed since), checks that this reproduces the stored outcome, "
        "fired\n"
        "rules and hits, and compares the stored decision with today's\n"
        "(latest lists, current rules, as of --as-of, default today).\n"
        "Nothing is recorded. Exit 0 when the replay reproduces the record,\n"
        "7 when it does not, 6 when a list version or rule set it needs is no\n"
        "longer held.",
        {kDbFlag,
         kRulesFlag,
         {"as-of", "DATE",
          "decision date for today's evaluation (default today)"},
         kJsonFlag},
        1,
        1},
       RunReplay},
      {{"decisions override",
        "[--db FILE] --outcome X --reason TEXT --reviewer NAME [--json] ID",
        "Record a reviewer's override of a decision's outcome (needs a second "
        "approval)",
        "Appends an override record; the decision itself is never edited.\n"
        "Four-eyes rule: the override takes effect only when a different\n"
        "reviewer approves it with 'clearance decisions approve'.",
        {kDbFlag,
         {"outcome", "X", "DENY, LICENSE_REQUIRED, ESCALATE, REPORT or ALLOW"},
         {"reason", "TEXT", "why (required; kept in the record)"},
         kReviewerFlag,
         kJsonFlag},
        1,
        1},
       RunOverride},
      {{"decisions approve",
        "[--db FILE] --reviewer NAME [--reason TEXT] [--json] ID",
        "Second approval of an override by a different reviewer",
        "ID is the override record (A-000043), or the decision when it has\n"
        "exactly one override awaiting approval. The approving reviewer must\n"
        "differ from the one who made the override (exit 1 otherwise).",
        {kDbFlag,
         kReviewerFlag,
         {"reason", "TEXT", "optional note kept in the record"},
         kJsonFlag},
        1,
        1},
       RunApprove},
      {{"decisions clear",
        "[--db FILE] --hit N --reason TEXT --reviewer NAME [--json] ID",
        "Record that list hit N of a decision is a false positive",
        "N numbers the decision's list hits as 'decisions show ID' prints\n"
        "them. Appends a clear_hit record; the decision is not edited and its\n"
        "outcome does not change (override it to change the outcome).",
        {kDbFlag,
         {"hit", "N", "the hit number from 'decisions show'"},
         {"reason", "TEXT", "why it is a false positive (required)"},
         kReviewerFlag,
         kJsonFlag},
        1,
        1},
       RunClear},
      {{"decisions rescreen",
        "[--db FILE] --since VERSION [--rules DIR] [--as-of DATE] [--dry-run] "
        "[--json]",
        "Re-screen the allowed accounts a new list version can affect",
        "VERSION is a list version id, or CODE or CODE:REF (REF: id, date,\n"
        "sha256 prefix or 'latest'). The version is compared with the one\n"
        "before it; every account whose latest decision is effectively ALLOW\n"
        "(its own outcome, or an override approved by a second reviewer) has\n"
        "its stored names and identifiers screened against the added and\n"
        "changed parties only, and the accounts that match are fully\n"
        "re-screened (new decisions, actor 'rescreen'; --dry-run records\n"
        "nothing). Reports those accounts and whose outcome changed, and the\n"
        "held accounts whose list hits name a party the version removed\n"
        "(for a reviewer: they are not re-decided).",
        {kDbFlag,
         {"since", "VERSION", "the new list version"},
         kRulesFlag,
         {"as-of", "DATE",
          "decision date of the new decisions (default today)"},
         {"dry-run", "", "re-screen without recording decisions"},
         kJsonFlag},
        0,
        0},
       RunRescreen},
      {{"audit verify",
        "[--db FILE] [--anchor SEQ:HASH] [--json]",
        "Check the audit trail's hash chain; name the first broken record",
        "Recomputes every record's hash and link in order (after a purge,\n"
        "from the first record kept: its link is vouched for by the purge\n"
        "checkpoint). --anchor checks too that the record at SEQ still has\n"
        "HASH (a head exported earlier with 'clearance audit head'). Exit 0\n"
        "when the chain holds, 7 when it is broken (the first broken record\n"
        "and the problem are named), 6 when the anchored record was purged\n"
        "and can no longer be checked.",
        {kDbFlag,
         {"anchor", "SEQ:HASH", "an exported head to check against"},
         kJsonFlag},
        0,
        0},
       RunVerify},
      {{"audit head",
        "[--db FILE] [--json]",
        "Print the newest record's seq and hash (SEQ:HASH) for anchoring",
        "Export this to a notary or write-once store; 'audit verify --anchor'\n"
        "later proves that nothing up to it was altered or removed.",
        {kDbFlag, kJsonFlag},
        0,
        0},
       RunHead},
      {{"audit purge",
        "[--db FILE] --before DATE [--rules DIR] [--dry-run] [--json]",
        "Remove audit records older than the retention period (with a "
        "checkpoint)",
        "DATE is YYYY-MM-DD (midnight UTC) or YYYY-MM-DDTHH:MM:SSZ. Removes\n"
        "the oldest records created before DATE, stopping before any decision\n"
        "that a kept action still refers to, and appends a purge_checkpoint\n"
        "record (the range removed and the last removed record's hash) so the\n"
        "chain still verifies; all in one transaction. The retention period\n"
        "is the larger of record_retention_years_ofac and _ear in the rule\n"
        "catalog's config.json; a DATE later than now minus that period is\n"
        "refused (exit 1), as is a trail that does not verify (exit 7).\n"
        "--dry-run reports what would be removed and changes nothing. Export\n"
        "a new head ('audit head') after a purge.",
        {kDbFlag,
         {"before", "DATE", "purge records created before this (UTC)"},
         {"rules", "DIR",
          "rule catalog whose config sets the retention period (default "
          "$CLEARANCE_RULES or the built-in rules/)"},
         {"dry-run", "", "report what would be purged; change nothing"},
         kJsonFlag},
        0,
        0},
       RunPurge},
  };
}

}  // namespace clearance::cli
