-- 002_ownership.sql: ownership records (engine/store/ownership_store.h),
-- in the same database file as the lists.
--
-- Tables
--  ownership_batches    one row per imported file (or list version, for
--                       `ownership import --from-lists`): path as given,
--                       sha256 of its bytes (unique: re-importing is a
--                       no-op), format (ownership::RecordFormatName),
--                       imported_at (ISO 8601 UTC, the caller's clock), the
--                       counts read and warnings (one per line).
--  ownership_entities   one row per entity id ("LEI:...", "acct:...",
--                       "OFAC-SDN:36"): name, country of incorporation and
--                       headquarters country (ISO alpha-2 or ""). A later
--                       batch fills fields an earlier one left empty and
--                       replaces fields it states (batch_id = the last batch
--                       that changed the row).
--  ownership_listings   listings of an entity: list code, the publisher's
--                       party id, listed_from/listed_to (ISO dates or ""),
--                       and the list version they were read from (0 when
--                       declared by a provider file and not verified).
--  ownership_holdings   one row per holding: owner holds percent (REAL,
--                       NULL = unknown, never 0) of owned; kind ("shares",
--                       "voting", "control", "nominee"), source ("provider",
--                       "gleif-rr", "bods", "OFAC-SDN relationship", ...),
--                       record_ref (file + line/record), valid_from/valid_to
--                       (ISO dates, "" = open). A batch replaces the holdings
--                       of earlier batches with the same (owner, owned, kind,
--                       source): GLEIF update files and corrected provider
--                       files restate a relationship, they do not add one.
--  ownership_ultimate_parents  GLEIF IS_ULTIMATELY_CONSOLIDATED_BY: entity,
--                       ultimate_parent, record_ref, validity.

CREATE TABLE ownership_batches (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  file TEXT NOT NULL,
  sha256 TEXT NOT NULL UNIQUE,
  format TEXT NOT NULL,
  imported_at TEXT NOT NULL,
  entity_count INTEGER NOT NULL DEFAULT 0,
  holding_count INTEGER NOT NULL DEFAULT 0,
  warnings TEXT NOT NULL DEFAULT ''
);

CREATE TABLE ownership_entities (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL DEFAULT '',
  country TEXT NOT NULL DEFAULT '',
  hq_country TEXT NOT NULL DEFAULT '',
  batch_id INTEGER NOT NULL REFERENCES ownership_batches(id)
);

CREATE TABLE ownership_listings (
  id INTEGER PRIMARY KEY,
  entity_id TEXT NOT NULL REFERENCES ownership_entities(id) ON DELETE CASCADE,
  list TEXT NOT NULL,
  party_id TEXT NOT NULL,
  listed_from TEXT NOT NULL DEFAULT '',
  listed_to TEXT NOT NULL DEFAULT '',
  list_version INTEGER NOT NULL DEFAULT 0,
  batch_id INTEGER NOT NULL REFERENCES ownership_batches(id),
  UNIQUE (entity_id, list, party_id)
);

CREATE TABLE ownership_holdings (
  id INTEGER PRIMARY KEY,
  batch_id INTEGER NOT NULL REFERENCES ownership_batches(id) ON DELETE CASCADE,
  owner TEXT NOT NULL REFERENCES ownership_entities(id),
  owned TEXT NOT NULL REFERENCES ownership_entities(id),
  percent REAL CHECK (percent IS NULL OR (percent >= 0 AND percent <= 100)),
  kind TEXT NOT NULL,
  source TEXT NOT NULL DEFAULT '',
  record_ref TEXT NOT NULL DEFAULT '',
  valid_from TEXT NOT NULL DEFAULT '',
  valid_to TEXT NOT NULL DEFAULT '',
  CHECK (owner <> owned)
);
CREATE INDEX ownership_holdings_by_key
    ON ownership_holdings(owned, owner, kind, source);

CREATE TABLE ownership_ultimate_parents (
  id INTEGER PRIMARY KEY,
  batch_id INTEGER NOT NULL REFERENCES ownership_batches(id) ON DELETE CASCADE,
  entity TEXT NOT NULL,
  ultimate_parent TEXT NOT NULL,
  record_ref TEXT NOT NULL DEFAULT '',
  valid_from TEXT NOT NULL DEFAULT '',
  valid_to TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ownership_ultimate_parents_by_entity
    ON ownership_ultimate_parents(entity);
