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
// Thread safety: one AuditTrail per process; Append is serialized
// internally; reads may run concurrently.
#ifndef CLEARANCE_ENGINE_AUDIT_AUDIT_TRAIL_H_
#define CLEARANCE_ENGINE_AUDIT_AUDIT_TRAIL_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/common/error.h"

namespace clearance::audit {

enum class RecordKind {
  kDecision,        // a screening decision (account or workload)
  kClearHit,        // reviewer cleared a hit as a false positive
  kOverride,        // reviewer overrode an outcome, with a reason
  kSecondApproval,  // a second reviewer approved an override
  kPurgeCheckpoint, // retention purge of records before a point
};

struct AuditRecord {
  std::int64_t seq = 0;          // 1, 2, 3, ... (assigned by Append)
  std::string id;                // "D-000123" for decisions, "A-000124" for actions
  RecordKind kind = RecordKind::kDecision;
  std::string created_at;        // ISO 8601 UTC (injected clock)
  std::string actor;             // "api", "cli:alice", "reviewer:bob"
  std::string subject;           // account id (for listing and rescreening)
  std::string refers_to;         // for actions: the decision id
  std::string outcome;           // DENY/LICENSE_REQUIRED/ESCALATE/REPORT/ALLOW, or the override's
  std::string reason;            // for actions
  std::string input_json;        // canonical JSON of the full input
  std::string output_json;       // canonical JSON of the full decision
  std::string prev_hash;         // hex; "" for seq 1
  std::string record_hash;       // hex
};

struct VerifyReport {
  bool ok = true;
  std::int64_t records = 0;
  std::optional<std::int64_t> first_broken_seq;  // set when !ok
  std::string first_broken_id;
  std::string problem;  // "record_hash does not match content", "seq gap (record 41 missing)", ...
};

struct AuditOptions {
  int retention_years = 10;
};

class AuditTrail {
 public:
  // Opens (creating if needed) the audit tables in the database at `db_path`.
  static Result<std::unique_ptr<AuditTrail>> Open(const std::string& db_path,
                                                  const AuditOptions& options = {});
  ~AuditTrail();

  // Appends one record (seq, id, prev_hash, record_hash are assigned) and
  // returns it. Durable when it returns (acknowledged = on disk).
  Result<AuditRecord> Append(AuditRecord record);
  // Appends several records in one transaction (group commit).
  Result<std::vector<AuditRecord>> AppendBatch(std::vector<AuditRecord> records);

  Result<AuditRecord> Get(const std::string& id) const;
  // Records newest first, optionally filtered by subject / kind / outcome.
  Result<std::vector<AuditRecord>> List(const std::string& subject, int limit,
                                        std::optional<RecordKind> kind = {}) const;
  // Actions referring to a decision, oldest first.
  Result<std::vector<AuditRecord>> ActionsFor(const std::string& decision_id) const;

  // Walks the whole chain.
  Result<VerifyReport> Verify() const;

 private:
  AuditTrail();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Canonical JSON (sorted keys, no insignificant white space, UTF-8) of a
// JSON text; kParse error if `json` is not valid JSON.
Result<std::string> CanonicalJson(const std::string& json);

std::string_view RecordKindName(RecordKind kind);

}  // namespace clearance::audit

#endif  // CLEARANCE_ENGINE_AUDIT_AUDIT_TRAIL_H_
