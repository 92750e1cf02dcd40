// engine/store: raw persistence of the audit trail (schema:
// migrations/003_audit.sql, 006_audit_purge.sql), in the same SQLite file as
// the lists. The hash chain is built and checked by engine/audit
// (audit_trail.h); this class only stores and reads rows, and knows nothing
// about hashing.
//
//   auto store = AuditStore::Open("clearance.db");
//   (*store)->Append(rows, [](const AuditHead& head, std::vector<AuditRow>& r)
//                    -> Result<void> { /* assign seq, id, hashes */ });
//   (*store)->ForEach([](const AuditRow& row) { ...; return true; });
//
// Durability: WAL with synchronous=FULL on every connection: Append()
// returns only after its transaction's WAL frames were fsynced, so an
// appended row survives a process kill and a power cut. One Append() is one
// transaction (one fsync) however many rows it holds: that is the group
// commit the audit trail uses under load.
//
// Retention: Purge() removes a prefix of the trail together with appending
// its checkpoint row (006_audit_purge.sql relaxes the DELETE trigger for
// exactly that); deciding what may be purged is engine/audit's job.
//
// Errors: SQLite failures are kDatabase "<db path>: <operation>: <message>";
// Open() fails as ListStore::Open() does (the file must be a Clearance
// store; migrations are applied by it). A trigger refusing a write (see
// 003_audit.sql, 006_audit_purge.sql) is kDatabase too, with the trigger's
// message.
//
// Thread safety: one AuditStore per thread. Several stores (and processes)
// may use one file: Append() takes the write lock first (BEGIN IMMEDIATE,
// busy timeout 5 s), so the head it hands to `seal` is current.
#ifndef CLEARANCE_ENGINE_STORE_AUDIT_STORE_H_
#define CLEARANCE_ENGINE_STORE_AUDIT_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/error.h"

namespace clearance::store {

// One audit_records row, exactly as stored.
struct AuditRow {
  std::int64_t seq = 0;
  std::string id;
  std::string kind;
  std::string created_at;
  std::string actor;
  std::string subject;
  std::string refers_to;
  std::string outcome;
  std::string reason;
  std::string input_json;
  std::string output_json;
  std::string prev_hash;
  std::string record_hash;
};

// The newest record: seq 0 and "" when the trail is empty.
struct AuditHead {
  std::int64_t seq = 0;
  std::string record_hash;
};

// A retention purge as audit::AuditTrail::Purge planned it (schema:
// migrations/006_audit_purge.sql): rows first_seq..last_seq are removed.
struct AuditPurge {
  std::int64_t first_seq = 0;    // the oldest row held when planned
  std::int64_t last_seq = 0;     // the newest row removed
  std::string last_record_hash;  // the record_hash row last_seq holds
  // The newest row the planner saw: rows appended after it are checked here
  // for references into the removed range.
  std::int64_t planned_through_seq = 0;
};

class AuditStore {
 public:
  // Opens (creating and migrating if needed) the database at `path`.
  static Result<std::unique_ptr<AuditStore>> Open(const std::string& path);
  ~AuditStore();
  AuditStore(const AuditStore&) = delete;
  AuditStore& operator=(const AuditStore&) = delete;

  // Called inside the write transaction with the current head; fills seq,
  // id, prev_hash and record_hash of every row (seq must continue the head
  // one by one, prev_hash must link, or the insert fails). An error from
  // `seal` rolls the transaction back and is returned as is.
  using Seal =
      std::function<Result<void>(const AuditHead&, std::vector<AuditRow>&)>;

  // Inserts `rows` in one transaction (all or nothing) and commits; durable
  // when it returns. Returns the rows as sealed and stored.
  Result<std::vector<AuditRow>> Append(std::vector<AuditRow> rows,
                                       const Seal& seal);

  // Purges a prefix of the trail in one transaction (all or nothing;
  // durable when it returns): appends `checkpoint` (kind purge_checkpoint;
  // `seal` fills its seq, id, prev_hash and record_hash against the current
  // head, as for Append), records the purge in audit_purges, and deletes
  // rows purge.first_seq..purge.last_seq (the triggers allow exactly that).
  // Returns the checkpoint row as stored. Errors, nothing changed:
  // kFailedPrecondition when the oldest row held is no longer
  // purge.first_seq or row last_seq no longer holds last_record_hash (a
  // purge ran since the plan), or when a row appended after
  // planned_through_seq refers to a row in the range; kDatabase for SQLite
  // failures (a trigger's refusal included, with its message).
  Result<AuditRow> Purge(const AuditPurge& purge, AuditRow checkpoint,
                         const Seal& seal);

  // The head as recorded in audit_head (see 003_audit.sql); kIntegrity if
  // that row is missing.
  Result<AuditHead> Head();
  // The row with that id / seq, or std::nullopt.
  Result<std::optional<AuditRow>> FindById(std::string_view id);
  Result<std::optional<AuditRow>> FindBySeq(std::int64_t seq);
  // Rows newest first, at most `limit` (<= 0: no limit); `subject` "" means
  // every subject, `kind` "" every kind.
  Result<std::vector<AuditRow>> List(std::string_view subject,
                                     std::string_view kind, int limit);
  // Rows whose refers_to is `id`, oldest first.
  Result<std::vector<AuditRow>> ReferringTo(std::string_view id);
  // Every row in seq order, in one read transaction (a consistent snapshot
  // even while others append); stops early when `row` returns false.
  // Returns the head as recorded in that same snapshot (seq -1 if the
  // audit_head row is missing, which only tampering can cause).
  Result<AuditHead> ForEach(const std::function<bool(const AuditRow&)>& row);

  const std::string& path() const { return path_; }

 private:
  struct Impl;
  AuditStore(std::unique_ptr<Impl> impl, std::string path);
  std::unique_ptr<Impl> impl_;
  std::string path_;
};

}  // namespace clearance::store

#endif  // CLEARANCE_ENGINE_STORE_AUDIT_STORE_H_
