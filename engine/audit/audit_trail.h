// engine/audit: the tamper-evident, append-only decision record.
//
// Every record (a decision, or a reviewer action on one) is stored with its
// full input and output as canonical JSON, and chained: record_hash =
// SHA-256(prev_hash || canonical(record without hashes)). Any edit or
// deletion breaks the chain; Verify() names the first broken record.
// Reviewer actions (clear a false positive, override with a reason, second
// approval) are NEW records that reference a decision; nothing is edited.
// Retention is configuration (AuditOptions::retention_years, default 10
// years, 31 CFR 501.601 as amended; EAR part 762 requires 5): Purge()
// removes only a prefix of records older than the retention period, never a
// record that a kept record refers to, and records the purge itself in the
// chain: a purge_checkpoint record appended at the END of the chain (the
// chain stays append-only) holds the seq range removed and the record_hash
// of the last removed record, so Verify() still checks every link from the
// first record kept (see Purge below and docs/records.md, "Retention").
//
// Storage is SQLite through engine/store (the one module that talks to
// SQLite); durability: WAL + synchronous=FULL per commit, or group commit
// (Append many in one transaction) — see docs/records.md.
//
// Record hash (exact definition, also in docs/records.md "Audit trail"):
//   record_hash = lower-case hex SHA-256 of
//     F("clearance-audit-v1") F(prev_hash) F(decimal seq) F(id)
//     F(RecordKindName(kind)) F(created_at) F(actor) F(subject) F(refers_to)
//     F(outcome) F(reason) F(input_json) F(output_json)
//   where F(s) = the byte length of s as 8 bytes big-endian, then s's bytes.
// The length prefixes make the encoding unambiguous (no field boundary can
// be moved by editing field contents); prev_hash is hashed as its 64 hex
// characters ("" for seq 1). ComputeRecordHash() is this function.
//
// Ids: "D-%06d" of seq for decisions, "A-%06d" of seq for actions (seq
// 1234567 gives "D-1234567").
//
// Canonical JSON (CanonicalJson, applied by Append to input_json and
// output_json): parsed with nlohmann::json and written back with object
// keys sorted by UTF-8 byte order (code point order), no white space
// between tokens, strings as UTF-8 (not \u-escaped) except '"', '\\' and
// control characters (\b \f \n \r \t, others \u00xx), numbers as
// nlohmann::json dumps them (integers exactly, floating point as the
// shortest text that reads back to the same double, e.g. 0.1, 1.0, 1e+300).
// Invalid UTF-8 is kParse. For duplicate keys the last one wins (nlohmann).
// Text is not Unicode-normalized: "é" precomposed and decomposed differ.
//
// Anchoring: Head() gives the newest record's seq and record_hash; exported
// (`clearance audit head`) to an external notary or write-once store, it
// later proves that no record up to it was removed or altered, even by
// someone able to rewrite the whole database (Verify(anchor)).
//
// Append-only is enforced three times: the API has no update and no delete
// other than Purge; SQL triggers abort UPDATE/DELETE
// (store/migrations/003_audit.sql; 006_audit_purge.sql lets a purge delete,
// oldest first, only records its checkpoint covers); and the chain detects
// what gets past the triggers (a user with file access can drop them).
//
// Thread safety: one AuditTrail per process; Append/AppendBatch may be
// called from many threads: concurrent calls are group-committed (one
// waiting caller commits every pending record in one transaction, one fsync,
// then all of them return). Reads may run concurrently with each other and
// with appends (each uses its own SQLite connection from a pool).
#ifndef CLEARANCE_ENGINE_AUDIT_AUDIT_TRAIL_H_
#define CLEARANCE_ENGINE_AUDIT_AUDIT_TRAIL_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/common/error.h"

namespace clearance::audit {

enum class RecordKind {
  kDecision,         // a screening decision (account or workload)
  kClearHit,         // reviewer cleared a hit as a false positive
  kOverride,         // reviewer overrode an outcome, with a reason
  kSecondApproval,   // a second reviewer approved an override
  kPurgeCheckpoint,  // retention purge of records before a point
};

struct AuditRecord {
  std::int64_t seq = 0;  // 1, 2, 3, ... (assigned by Append)
  std::string id;        // "D-000123" for decisions, "A-000124" for actions
  RecordKind kind = RecordKind::kDecision;
  std::string created_at;  // ISO 8601 UTC (injected clock)
  std::string actor;       // "api", "cli:alice", "reviewer:bob"
  std::string subject;     // account id (for listing and rescreening)
  std::string refers_to;   // for actions: the decision id
  std::string outcome;  // DENY/LICENSE_REQUIRED/ESCALATE/REPORT/ALLOW, or the
                        // override's
  std::string reason;   // for actions
  std::string input_json;   // canonical JSON of the full input
  std::string output_json;  // canonical JSON of the full decision
  std::string prev_hash;    // hex; "" for seq 1
  std::string record_hash;  // hex
};

struct VerifyReport {
  bool ok = true;
  std::int64_t records = 0;                      // records walked (held)
  std::optional<std::int64_t> first_broken_seq;  // set when !ok
  std::string first_broken_id;
  std::string problem;  // "record_hash does not match content", "seq gap
                        // (record 41 missing)", ...
  // The oldest record held: 1, or after a purge the first record kept (0 for
  // an empty trail).
  std::int64_t first_seq = 0;
  // After a purge: the purge_checkpoint record that vouches for the first
  // kept record's prev_hash (it holds the last removed record's hash); ""
  // when nothing was purged.
  std::string purge_checkpoint;
  // Verify(anchor) only: the anchored record was purged, so the anchor can
  // no longer be checked. ok is false, first_broken_seq is the anchor's seq
  // and this names the checkpoint (not a sign of tampering: anchor to a head
  // exported after the purge).
  std::string anchor_purged_by;
};

struct AuditOptions {
  // Retention period in whole years (31 CFR 501.601: 10; EAR part 762: 5);
  // at least 1. Purge() refuses a cutoff later than its `now` minus this
  // many years.
  int retention_years = 10;
};

struct PurgeOptions {
  std::string actor = "retention";  // the checkpoint record's actor
  // Plan and report only: nothing is written (the database file stays
  // byte-for-byte the same).
  bool dry_run = false;
};

// What Purge removed (or, for a dry run, would remove).
struct PurgeReport {
  bool dry_run = false;
  std::string before;  // the cutoff, as YYYY-MM-DDTHH:MM:SSZ
  int retention_years = 0;
  std::string latest_cutoff;  // `now` minus retention_years: the latest
                              // cutoff allowed
  // The prefix removed: seq first_seq..last_seq (ids first_id..last_id),
  // `removed` records; all zero/empty when nothing could be removed.
  std::int64_t first_seq = 0, last_seq = 0;
  std::string first_id, last_id;
  std::int64_t removed = 0;
  std::vector<std::pair<std::string, std::int64_t>>
      removed_by_kind;           // ("decision", 40), ... in RecordKind order
  std::string last_record_hash;  // of record last_seq
  // The first record kept (0 / "" when the whole trail was older than the
  // cutoff) and why the prefix ends there: "created 2017-03-01T10:00:00Z,
  // not before the cutoff", "referred to by A-000123, which is kept", ...
  std::int64_t kept_from_seq = 0;
  std::string kept_from_id;
  std::string stop_reason;
  // The checkpoint appended (removed > 0 and not a dry run).
  std::optional<AuditRecord> checkpoint;
};

// The newest record of the trail; seq 0 and "" when empty.
struct AuditHead {
  std::int64_t seq = 0;
  std::string record_hash;
};

class AuditTrail {
 public:
  // Opens (creating if needed) the audit tables in the database at `db_path`.
  static Result<std::unique_ptr<AuditTrail>> Open(
      const std::string& db_path, const AuditOptions& options = {});
  ~AuditTrail();

  // Appends one record (seq, id, prev_hash, record_hash are assigned; the
  // caller's values for them are ignored) and returns it. Durable when it
  // returns (acknowledged = fsynced). input_json/output_json are replaced by
  // their canonical form ("" stays ""). Errors: kParse for JSON that does
  // not parse; kInvalidArgument for kPurgeCheckpoint (only Purge writes
  // those), an empty created_at, a decision without outcome, an override
  // without reason, or an action whose refers_to is not a stored decision's
  // id (kNotFound); kDatabase if the transaction fails (nothing stored).
  Result<AuditRecord> Append(AuditRecord record);
  // Appends several records in one transaction (group commit): all or
  // nothing, in order, consecutive seqs; one fsync for the whole batch.
  // Errors as Append (the first bad record is named; nothing is stored).
  Result<std::vector<AuditRecord>> AppendBatch(
      std::vector<AuditRecord> records);

  Result<AuditRecord> Get(const std::string& id) const;
  // Records newest first, optionally filtered by subject / kind / outcome.
  Result<std::vector<AuditRecord>> List(
      const std::string& subject, int limit,
      std::optional<RecordKind> kind = {}) const;
  // Actions referring to a decision, oldest first.
  Result<std::vector<AuditRecord>> ActionsFor(
      const std::string& decision_id) const;
  // Every record in seq order (oldest first), in one read snapshot, for
  // scans such as the rule report's statistics: `visit` is called once per
  // record and may stop the walk by returning false. Records are not held
  // in memory. Errors: kDatabase for an unreadable database, kIntegrity for
  // a record of unknown kind (the walk stops there); the chain itself is
  // not checked (Verify does that).
  Result<void> ForEach(
      const std::function<bool(const AuditRecord&)>& visit) const;

  // Walks the whole chain in seq order, in one read snapshot: seqs are
  // consecutive from the first record held (1 unless purged) to the last,
  // every prev_hash is the previous record_hash, every record_hash
  // recomputes from the content, every id matches its seq and kind, and the
  // recorded head (audit_head) names the last record (a deleted newest
  // record is reported as missing). After a purge the first record held
  // (seq F > 1) has no predecessor: its prev_hash must equal the
  // last_record_hash of the purge_checkpoint record, later in the chain,
  // whose range ends at F-1; every checkpoint's range must lie before F.
  // Reports the first broken record and the problem; first_broken_id is ""
  // when that record is missing. A broken chain is a report with ok =
  // false, not an error; errors are for an unreadable database (kDatabase).
  Result<VerifyReport> Verify() const;
  // As Verify(), and the record at anchor.seq must exist with
  // anchor.record_hash (an exported head): detects a rewritten chain. An
  // anchor at the last purged record is checked against the checkpoint's
  // last_record_hash; one further inside the purged range cannot be
  // checked: ok = false with anchor_purged_by set (see VerifyReport).
  Result<VerifyReport> Verify(const AuditHead& anchor) const;

  // Retention purge: removes the longest prefix of the trail whose records
  // were all created before `before`, stopping earlier so that no record a
  // kept record refers to (an action's refers_to) is removed: the first
  // record kept is then that decision (PurgeReport::stop_reason says
  // why). In one transaction (all or nothing) it appends a purge_checkpoint
  // record at the end of the chain and deletes the prefix.
  //
  // `before` and `now` are "YYYY-MM-DD" (midnight UTC) or
  // "YYYY-MM-DDTHH:MM:SSZ"; a record is older than the cutoff when the first
  // 19 characters of its created_at ("YYYY-MM-DDTHH:MM:SS") sort before the
  // cutoff's (a record whose created_at is not such a time is kept and ends
  // the prefix). The checkpoint record: kind purge_checkpoint, id
  // "A-%06d" of its seq, created_at `now`, actor options.actor, subject,
  // refers_to and outcome "", reason "retention: records created before
  // <before> (retention <N> years)", input_json {before, first_seq,
  // last_seq, first_id, last_id, first_prev_hash, last_record_hash, records,
  // retention_years, latest_cutoff}, output_json {removed, removed_by_kind}.
  // It is chained like any record (prev_hash = the head's hash).
  //
  // Errors (nothing changed): kInvalidArgument for a malformed `before` or
  // `now`; kFailedPrecondition for a cutoff later than `now` minus
  // AuditOptions::retention_years, or when the trail changed under the purge
  // (run it again); kIntegrity when the chain does not verify (a broken
  // trail is never purged: that would destroy the evidence); kDatabase.
  // Nothing old enough is a report with removed = 0 and no checkpoint.
  // Holds the write lock while deleting: appends wait (busy timeout 5 s).
  Result<PurgeReport> Purge(const std::string& before, const std::string& now,
                            const PurgeOptions& options = {});

  // The newest record's seq and record_hash, for external anchoring.
  Result<AuditHead> Head() const;

 private:
  AuditTrail();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Reviewer actions on one decision, interpreted (docs/records.md,
// "Reviewer actions"). An override takes effect only when a second approval
// completes it: a kSecondApproval record referring to the same decision
// whose input_json names the override ({"override": "A-000043", ...}) and
// whose actor differs from the override's (four eyes). The effective
// outcome is the decision's own, or that of the latest (by seq) completed
// override. Clearing a hit does not change it.
struct Review {
  std::string effective_outcome;
  std::string effective_by;  // the completed override's id; "" if none
  // Override id -> the id of the (first) second approval that completed it.
  std::map<std::string, std::string> approvals;
};
// `actions` are the decision's actions oldest first, as ActionsFor returns
// them; records referring to another decision are ignored.
Review ReviewActions(const AuditRecord& decision,
                     const std::vector<AuditRecord>& actions);

// Canonical JSON (sorted keys, no insignificant white space, UTF-8) of a
// JSON text; kParse error if `json` is not valid JSON.
Result<std::string> CanonicalJson(const std::string& json);

// "decision", "clear_hit", "override", "second_approval", "purge_checkpoint".
std::string_view RecordKindName(RecordKind kind);
// The inverse of RecordKindName; std::nullopt for an unknown name.
std::optional<RecordKind> RecordKindFromName(std::string_view name);

// record_hash of `record` as defined above (its seq, id, prev_hash and
// content; its record_hash field is ignored).
std::string ComputeRecordHash(const AuditRecord& record);

}  // namespace clearance::audit

#endif  // CLEARANCE_ENGINE_AUDIT_AUDIT_TRAIL_H_
