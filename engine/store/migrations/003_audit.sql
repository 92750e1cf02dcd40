-- 003_audit.sql: the audit trail (engine/store/audit_store.h; the chain
-- itself is built by engine/audit/audit_trail.h), in the same database file
-- as the lists. Layout and hash definition: docs/records.md, "Audit trail".
--
-- Tables
--  audit_records  one row per record (a screening decision, or a reviewer
--                 action on one), seq = 1, 2, 3, ... with no gaps. id is
--                 "D-%06d" (decisions) or "A-%06d" (actions) of seq. kind is
--                 audit::RecordKindName ("decision", "clear_hit", ...).
--                 input_json/output_json are canonical JSON. prev_hash is the
--                 previous record's record_hash ("" for seq 1); record_hash
--                 is lower-case hex SHA-256 (audit_trail.h).
--  audit_head     exactly one row: the seq and record_hash of the newest
--                 record (0 and "" when empty). Kept by a trigger in the
--                 same transaction as the insert, so deleting the newest
--                 record (truncation) is detectable: the head then names a
--                 record that does not exist.
--
-- Append-only, enforced here as well as in the code: UPDATE and DELETE on
-- either table abort, an insert must continue the chain (seq = head + 1,
-- prev_hash = head's record_hash), and the head only moves forward one
-- record at a time. These triggers stop mistakes and casual edits through
-- SQL; they do NOT stop someone with write access to the file (who can drop
-- the triggers or edit pages directly). That is why every record is
-- hash-chained and `audit verify` recomputes the chain independently of
-- the triggers, and why the head hash can be exported for external
-- notarization (AuditTrail::Head, `audit head`).
CREATE TABLE audit_records (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  created_at TEXT NOT NULL,
  actor TEXT NOT NULL DEFAULT '',
  subject TEXT NOT NULL DEFAULT '',
  refers_to TEXT NOT NULL DEFAULT '',
  outcome TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL DEFAULT '',
  input_json TEXT NOT NULL DEFAULT '',
  output_json TEXT NOT NULL DEFAULT '',
  prev_hash TEXT NOT NULL,
  record_hash TEXT NOT NULL
);
CREATE INDEX audit_records_by_subject ON audit_records (subject, seq);
CREATE INDEX audit_records_by_refers_to ON audit_records (refers_to, seq)
  WHERE refers_to <> '';

CREATE TABLE audit_head (
  one INTEGER PRIMARY KEY CHECK (one = 1),
  seq INTEGER NOT NULL,
  record_hash TEXT NOT NULL
);
INSERT INTO audit_head (one, seq, record_hash) VALUES (1, 0, '');

CREATE TRIGGER audit_records_continue_chain BEFORE INSERT ON audit_records
WHEN NEW.seq IS NOT (SELECT seq + 1 FROM audit_head WHERE one = 1)
  OR NEW.prev_hash IS NOT (SELECT record_hash FROM audit_head WHERE one = 1)
BEGIN
  SELECT RAISE(ABORT, 'audit_records: an insert must continue the chain');
END;
CREATE TRIGGER audit_records_advance_head AFTER INSERT ON audit_records
BEGIN
  UPDATE audit_head SET seq = NEW.seq, record_hash = NEW.record_hash
  WHERE one = 1;
END;
CREATE TRIGGER audit_records_no_update BEFORE UPDATE ON audit_records
BEGIN
  SELECT RAISE(ABORT, 'audit_records is append-only');
END;
CREATE TRIGGER audit_records_no_delete BEFORE DELETE ON audit_records
BEGIN
  SELECT RAISE(ABORT, 'audit_records is append-only');
END;
CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_head
WHEN NEW.seq IS NOT OLD.seq + 1 OR NEW.one IS NOT OLD.one
BEGIN
  SELECT RAISE(ABORT, 'audit_head only advances with an insert');
END;
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
BEGIN
  SELECT RAISE(ABORT, 'audit_head cannot be deleted');
END;
