// engine/screening: replaying stored decisions and re-screening accounts
// after a list changes (docs/records.md, "Decisions and replay").
//
// Replay re-evaluates one decision from the audit trail under the list
// versions and the rule set recorded in it, checks that it reproduces the
// stored outcome, and compares it with what Clearance decides today (latest
// lists, current rules):
//
//   auto trail = audit::AuditTrail::Open("clearance.db");
//   auto record = (*trail)->Get("D-000042");
//   auto report = Replay(*record, {.db_path = "clearance.db",
//                                  .today = "2026-11-22"});
//   report->reproduced; report->since.outcome_before/after; ...
//
// Rescreen re-screens only the previously allowed accounts that a new list
// version can affect: it diffs the version against the one before it
// (lists::DiffLists), builds a matcher over the added and changed parties
// alone, screens the stored names and identifiers of every account whose
// latest decision's EFFECTIVE outcome (after an override completed by a
// second approval, audit::ReviewActions) is ALLOW against that small index,
// and fully re-screens just the accounts that match, appending their new
// decisions. Accounts whose effective outcome is not ALLOW and whose latest
// decision has a list hit on a party the version removed are reported for a
// reviewer (review_delisted), never re-decided automatically.
//
// Rule set snapshots: a decision records only the rule set's content hash.
// To replay after rules/ has changed, the rules in force must still exist;
// SnapshotRuleset() copies a loaded rule set's files into the database
// (store::RulesetStore) once per hash, and Replay() restores them from there
// into a temporary directory. Screener::Open calls it whenever
// ScreenerOptions::record_decisions is set, so the rule set of every
// decision it records is held. Replay() itself stores nothing: its
// screeners do not record, so today's rules are never snapshotted by a
// replay. A decision whose rule set is neither current nor snapshotted
// (recorded before Open snapshotted, or its snapshot removed) cannot be
// replayed (kNotFound, "no snapshot").
//
// Errors: kNotFound for a decision record whose rule set snapshot or list
// version is no longer held (the message says which); kInvalidArgument for a
// record that is not a decision; kParse for a stored input that no longer
// parses; kIntegrity when a restored snapshot does not hash to the recorded
// hash; kFailedPrecondition when the screener did not screen against the
// pinned list versions; plus whatever Screener::Open/Screen return.
//
// Thread safety: the functions share no state; each opens its own stores.
#ifndef CLEARANCE_ENGINE_SCREENING_REPLAY_H_
#define CLEARANCE_ENGINE_SCREENING_REPLAY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "engine/audit/audit_trail.h"
#include "engine/common/error.h"
#include "engine/rules/rules.h"
#include "engine/screening/screening.h"

namespace clearance::screening {

// Stores the files of `rules` (read again from rules.directory()) under
// rules.hash() in the database at `db_path`, unless that hash is already
// held. The files read are loaded once more and must hash to rules.hash()
// (kFailedPrecondition otherwise: the directory changed since `rules` was
// loaded). Returns true if a snapshot was written. `stored_at` is ISO 8601
// UTC (the caller's clock).
Result<bool> SnapshotRuleset(const std::string& db_path,
                             const rules::RuleSet& rules,
                             const std::string& stored_at);

// What distinguishes two decisions on the same input.
struct DecisionDiff {
  std::string outcome_before, outcome_after;
  std::vector<std::string> rules_added, rules_removed;  // fired rule ids
  // Hits as "LIST:PARTY_ID" (e.g. "OFAC-SDN:36"), the evidence's list hits.
  std::vector<std::string> hits_added, hits_removed;
  bool changed() const {
    return outcome_before != outcome_after || !rules_added.empty() ||
           !rules_removed.empty() || !hits_added.empty() ||
           !hits_removed.empty();
  }
};

struct ReplayOptions {
  std::string db_path = "clearance.db";
  // The current rules; "" = as ScreenerOptions::rules_dir resolves "".
  std::string rules_dir;
  std::string geoip_path;  // "" = the Screener's default
  // Decision date for today's evaluation (YYYY-MM-DD); "" = the stored
  // decision's as_of (then only lists and rules differ).
  std::string today;
};

struct ReplayReport {
  std::string decision_id, account_id, kind, as_of;
  std::string stored_outcome;
  Versions stored_versions;  // as recorded in the decision
  // "current" when the recorded rule set is today's, "snapshot" when it was
  // restored from the database.
  std::string ruleset_source;
  Decision replayed;  // recorded list versions and rule set, stored as_of
  // The replay gives the stored outcome, fired rules and hits. When false,
  // `replay_vs_stored` says how it differs (a non-determinism or a change
  // in the engine: engine_version tells which build made the decision).
  bool reproduced = false;
  DecisionDiff replay_vs_stored;
  std::string today;   // the as_of used for `current`
  Decision current;    // latest lists, current rules, `today`
  DecisionDiff since;  // stored decision -> current
};

// The account record of the newest decision (account or workload) about
// `account_id` in the audit trail of the database at `db_path`, as it was
// given then. kNotFound when no decision about it is stored.
Result<AccountRecord> LatestAccountRecord(const std::string& db_path,
                                          const std::string& account_id);

// Replays the decision record `record` (kind kDecision). Records nothing.
Result<ReplayReport> Replay(const audit::AuditRecord& record,
                            const ReplayOptions& options);

struct RescreenOptions {
  std::string db_path = "clearance.db";
  std::string rules_dir;   // "" = as ScreenerOptions::rules_dir resolves ""
  std::string geoip_path;  // "" = the Screener's default
  std::string as_of;       // decision date of the new decisions (YYYY-MM-DD)
  // Clock for the new decisions' audit timestamps (ISO 8601 UTC); "" = the
  // Screener's default (the system clock).
  std::string now;
  std::string actor = "rescreen";
  bool record_decisions = true;  // append the new decisions to the trail
};

// A stored name or identifier of an account that matched a new or changed
// listed party.
struct RescreenMatch {
  std::string
      field;  // "legal_name", "people[0].name", "payments[1].crypto_address"
  std::string value;
  std::string list, party_id, party_name;
  double score = 0;
};

struct RescreenedAccount {
  std::string account_id;
  std::string previous_decision_id;
  std::string previous_outcome;  // effective: ALLOW
  // The latest decision's own outcome, and the approved override that made
  // it ALLOW ("" when the decision itself was ALLOW).
  std::string previous_decision_outcome, previous_override_id;
  std::string new_decision_id;  // "" when record_decisions is false
  std::string new_outcome;
  bool changed = false;  // new_outcome != previous_outcome
  std::vector<RescreenMatch> matches;
};

// An account held (effective outcome not ALLOW) on a list hit whose party
// the new version removed: a reviewer must look at it (replay it, then
// override if the hold no longer stands). Rescreen never re-decides it.
struct DelistedReview {
  std::string account_id;
  std::string decision_id;  // the account's latest decision
  std::string outcome;      // its effective outcome
  std::string override_id;  // the approved override behind it, "" if none
  std::string list, party_id, party_name;  // the removed party
};

struct RescreenReport {
  std::string list_code;
  std::int64_t version_id = 0;
  std::int64_t previous_version_id = 0;  // 0: none held, every party is new
  std::size_t parties_added = 0, parties_changed = 0, parties_removed = 0;
  // Accounts whose latest decision's effective outcome is ALLOW.
  std::size_t allowed_accounts = 0;
  std::vector<RescreenedAccount> rescreened;  // only the ones that matched
  // One entry per (account, removed party) hit by a held account's latest
  // decision, newest decision first.
  std::vector<DelistedReview> review_delisted;
  std::size_t changed_count() const {
    std::size_t n = 0;
    for (const RescreenedAccount& a : rescreened) n += a.changed ? 1 : 0;
    return n;
  }
};

// Re-screens the allowed accounts that list version `version_id` can affect
// and reports the held accounts its removed parties concern (see the
// overview). The previous version is the newest other version of the same
// list code published before it (ties: lower id). The trail is read in one
// pass (AuditTrail::ForEach): every account's latest decision is kept in
// memory, with the overrides and approvals of the trail.
Result<RescreenReport> Rescreen(std::int64_t version_id,
                                const RescreenOptions& options);

}  // namespace clearance::screening

#endif  // CLEARANCE_ENGINE_SCREENING_REPLAY_H_
