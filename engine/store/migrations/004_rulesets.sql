-- 004_rulesets.sql: rule set snapshots (engine/store/ruleset_store.h), so
-- that a decision can be replayed under the rule set in force when it was
-- made (docs/records.md, "Decisions and replay").
--
-- Tables
--  ruleset_snapshots  one row per rule set content hash (rules::RuleSet::hash,
--                     sha256 over the canonical JSON of every rule file):
--                     when it was first stored (ISO 8601 UTC, the caller's
--                     clock) and how many files it holds.
--  ruleset_files      the files of a snapshot, byte for byte as read from
--                     the rules directory (name = base name, "ofac.json").
--
-- Snapshots are evidence, like the audit trail: rows are never updated or
-- deleted (the triggers refuse it); a hash names the same content forever.
CREATE TABLE ruleset_snapshots (
  hash TEXT PRIMARY KEY,
  stored_at TEXT NOT NULL,
  file_count INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE ruleset_files (
  hash TEXT NOT NULL REFERENCES ruleset_snapshots (hash),
  name TEXT NOT NULL,
  content BLOB NOT NULL,
  PRIMARY KEY (hash, name)
) WITHOUT ROWID;

CREATE TRIGGER ruleset_snapshots_no_update BEFORE UPDATE ON ruleset_snapshots
BEGIN SELECT RAISE(ABORT, 'ruleset snapshots are immutable'); END;
CREATE TRIGGER ruleset_snapshots_no_delete BEFORE DELETE ON ruleset_snapshots
BEGIN SELECT RAISE(ABORT, 'ruleset snapshots are immutable'); END;
CREATE TRIGGER ruleset_files_no_update BEFORE UPDATE ON ruleset_files
BEGIN SELECT RAISE(ABORT, 'ruleset snapshots are immutable'); END;
CREATE TRIGGER ruleset_files_no_delete BEFORE DELETE ON ruleset_files
BEGIN SELECT RAISE(ABORT, 'ruleset snapshots are immutable'); END;
