-- 006_audit_purge.sql: retention purges of the audit trail
-- (audit::AuditTrail::Purge, store::AuditStore::Purge; docs/records.md,
-- "Retention").
--
-- A purge removes a prefix of audit_records (the oldest records, past the
-- retention period) in one transaction that first appends a
-- `purge_checkpoint` record to the chain (it holds the seq range removed and
-- the record_hash of the last removed record, so the chain still verifies
-- from the first record kept) and records the purge here.
--
-- Table
--  audit_purges   one row per purge, never updated or deleted (it outlives
--                 the checkpoint record itself, which a later purge may
--                 remove): the checkpoint's seq and id, the seqs removed
--                 (first_seq..last_seq) and the last removed record's hash.
--                 A row can only be inserted in the purge's transaction:
--                 right after its checkpoint record (the head), naming the
--                 oldest record held as first_seq and the record_hash that
--                 last_seq holds.
--
-- audit_records_no_delete (003_audit.sql) is replaced: a DELETE still
-- aborts unless the row is covered by a recorded purge, is the oldest row
-- held (a purge removes a prefix, oldest first), and no row outside every
-- purge refers to it (an action kept must keep its decision). Every other
-- UPDATE and DELETE on audit_records and audit_head aborts as before. As in
-- 003, these triggers stop mistakes, not someone who can write the file:
-- the hash chain and external anchors do that.
CREATE TABLE audit_purges (
  checkpoint_seq INTEGER PRIMARY KEY,
  checkpoint_id TEXT NOT NULL UNIQUE,
  first_seq INTEGER NOT NULL,
  last_seq INTEGER NOT NULL,
  last_record_hash TEXT NOT NULL,
  CHECK (first_seq >= 1 AND first_seq <= last_seq AND
         last_seq < checkpoint_seq)
);

CREATE TRIGGER audit_purges_with_checkpoint BEFORE INSERT ON audit_purges
WHEN NEW.checkpoint_seq IS NOT (SELECT seq FROM audit_head WHERE one = 1)
  OR NOT EXISTS (SELECT 1 FROM audit_records r
                 WHERE r.seq = NEW.checkpoint_seq
                   AND r.id = NEW.checkpoint_id
                   AND r.kind = 'purge_checkpoint')
  OR NEW.first_seq IS NOT (SELECT MIN(seq) FROM audit_records)
  OR NOT EXISTS (SELECT 1 FROM audit_records r
                 WHERE r.seq = NEW.last_seq
                   AND r.record_hash = NEW.last_record_hash)
BEGIN
  SELECT RAISE(ABORT, 'audit_purges: a purge is recorded right after its checkpoint record and starts at the oldest record held');
END;
CREATE TRIGGER audit_purges_no_update BEFORE UPDATE ON audit_purges
BEGIN
  SELECT RAISE(ABORT, 'audit_purges is append-only');
END;
CREATE TRIGGER audit_purges_no_delete BEFORE DELETE ON audit_purges
BEGIN
  SELECT RAISE(ABORT, 'audit_purges is append-only');
END;

DROP TRIGGER audit_records_no_delete;
CREATE TRIGGER audit_records_no_delete BEFORE DELETE ON audit_records
BEGIN
  SELECT RAISE(ABORT, 'audit_records is append-only (only a retention purge deletes, oldest first, the records its checkpoint covers)')
  WHERE NOT EXISTS (SELECT 1 FROM audit_purges p
                    WHERE OLD.seq BETWEEN p.first_seq AND p.last_seq)
     OR OLD.seq IS NOT (SELECT MIN(seq) FROM audit_records);
  SELECT RAISE(ABORT, 'audit_records: a record that a kept record refers to cannot be purged')
  WHERE EXISTS (SELECT 1 FROM audit_records a
                WHERE a.refers_to = OLD.id AND a.refers_to <> ''
                  AND NOT EXISTS (SELECT 1 FROM audit_purges p
                                  WHERE a.seq BETWEEN p.first_seq
                                                  AND p.last_seq));
END;
