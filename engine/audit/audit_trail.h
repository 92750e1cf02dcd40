// engine/audit: the tamper-evident, append-only decision record.
//
// Every record (a decision, or a reviewer action on one) is stored with its
// full input and output as canonical JSON, and chained: record_hash =
// SHA-256(prev_hash || canonical(record without hashes)). Any edit or
// deletion breaks the chain; Verify() names the first broken record.
// Reviewer actions (clear a false positive, override with a reason, second
// approval) are NEW records that reference a decision; nothing is edited.
// Retention is configuration (default 10 years, 31 CFR 501.601 as amended;
// EAR part 762 requires 5): Purge() removes only records older than the
// retention period, and records the purge itself in the chain (a signed
// checkpoint of the removed prefix) so verification still holds.
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
// Append-only is enforced three times: the API has no update/delete; SQL
// triggers abort UPDATE/DELETE (store/migrations/003_audit.sql); and the
// chain detects what gets past the triggers (a user with file access can
// drop them).
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
#include <memory>
#include <optional>
#include <string>
#include <string_view>
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
  std::int64_t records = 0;
  std::optional<std::int64_t> first_broken_seq;  // set when !ok
  std::string first_broken_id;
  std::string problem;  // "record_hash does not match content", "seq gap
                        // (record 41 missing)", ...
};

struct AuditOptions {
  // Retention period in years (31 CFR 501.601: 10; EAR part 762: 5).
  // Purge() is not implemented yet: nothing is ever removed (see
  // docs/records.md, "Retention").
  int retention_years = 10;
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

  // Walks the whole chain in seq order, in one read snapshot: seqs are 1..N
  // without gaps, every prev_hash is the previous record_hash, every
  // record_hash recomputes from the content, every id matches its seq and
  // kind, and the recorded head (audit_head) names the last record (a
  // deleted newest record is reported as missing). Reports the first
  // broken record and the problem; first_broken_id is "" when that record
  // is missing. A broken chain is a report with ok = false, not an error;
  // errors are for an unreadable database (kDatabase).
  Result<VerifyReport> Verify() const;
  // As Verify(), and the record at anchor.seq must exist with
  // anchor.record_hash (an exported head): detects a rewritten chain.
  Result<VerifyReport> Verify(const AuditHead& anchor) const;

  // The newest record's seq and record_hash, for external anchoring.
  Result<AuditHead> Head() const;

 private:
  AuditTrail();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

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
