-- 001_lists.sql: the list store schema (engine/store/list_store.h).
--
-- Applied once, inside a transaction, by ListStore::Open(); the applied
-- migrations are recorded in schema_migrations (created by the store itself,
-- not here). Later changes come as 002_*.sql, ... never by editing this file.
--
-- Conventions
--  - Text columns are NOT NULL DEFAULT '': the canonical model (engine/lists/
--    model.h) uses "" for "not published", and the store gives back exactly
--    what it was given.
--  - Rows of one import are inserted in document order, so ORDER BY id gives
--    back the publisher's order (INTEGER PRIMARY KEY rowids only grow inside
--    a transaction).
--  - Foreign keys are enforced (PRAGMA foreign_keys = ON on every connection)
--    and cascade: deleting a list_versions row deletes its parties and
--    everything under them, which is all Prune() has to do.
--
-- Tables
--  sources         one row per imported source (a file, or a set of files
--                  such as OFAC's legacy sdn.csv + add.csv + alt.csv):
--                  its identity sha256 (unique: re-importing is a no-op),
--                  format (lists::FormatName), parser_version, imported_at
--                  (ISO 8601 UTC, the caller's clock) and warnings (one per
--                  line).
--  source_files    the files a source was read from, main file first:
--                  path as given, sha256 and size of the file on disk.
--  list_versions   one row per list per source (a CSL file holds several
--                  lists): code ("OFAC-SDN"), name, publisher, published
--                  (the publisher's date), the counts shown by `lists status`
--                  (lists::CountOf at import). Ids come from AUTOINCREMENT
--                  and are never reused, so a version id quoted in an audit
--                  record names the same list version forever.
--  parties         one row per party of a version: source_id (the
--                  publisher's id, unique within a version), type
--                  ("person", "entity", "vessel", "aircraft", "unknown"),
--                  remarks, and content_hash: sha256 over every field of the
--                  party with the values of each field sorted, so equal
--                  hashes in two versions mean "unchanged" for lists::
--                  DiffLists without loading the party.
--  names           the party's names, primary name first: full (as
--                  published), script (ISO 15924), strength ("primary",
--                  "strong", "formerly", "weak"), alias_type (publisher's
--                  word, e.g. "A.K.A."), language. Carries version_id too,
--                  indexed, so a matcher can read all names of a version in
--                  one scan.
--  name_parts      the parts of a name: type ("given", "family", ...), value.
--  addresses       full line as published plus street, city, state_province,
--                  postal_code, region, country (ISO alpha-2 or "") and
--                  country_name (as published).
--  identifiers     type (canonical kind), label (publisher's), value (as
--                  published), value_normalized (lower-case, white space
--                  removed; indexed for identifier screening), country,
--                  currency (crypto tickers), issued, expires, note.
--                  Carries version_id for screening within a version.
--  programs        sanctions programs of the party, in published order.
--  dates_of_birth  ISO 8601 text as precise as published ("1962", "1960/1962").
--  places_of_birth as published.
--  nationalities   ISO alpha-2.
--  citizenships    ISO alpha-2.
--  relationships   type (publisher's words), other_source_id (same list),
--                  other_name, note.
--  attributes      publisher-specific key/value facts, in published order
--                  (keys may repeat).

CREATE TABLE sources (
  id INTEGER PRIMARY KEY,
  sha256 TEXT NOT NULL UNIQUE,
  format TEXT NOT NULL,
  parser_version TEXT NOT NULL DEFAULT '',
  imported_at TEXT NOT NULL,
  warnings TEXT NOT NULL DEFAULT ''
);

CREATE TABLE source_files (
  id INTEGER PRIMARY KEY,
  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  path TEXT NOT NULL,
  sha256 TEXT NOT NULL DEFAULT '',
  bytes INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX source_files_by_source ON source_files(source_id);

CREATE TABLE list_versions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  code TEXT NOT NULL CHECK (code <> ''),
  name TEXT NOT NULL DEFAULT '',
  publisher TEXT NOT NULL DEFAULT '',
  published TEXT NOT NULL DEFAULT '',
  party_count INTEGER NOT NULL DEFAULT 0,
  name_count INTEGER NOT NULL DEFAULT 0,
  address_count INTEGER NOT NULL DEFAULT 0,
  identifier_count INTEGER NOT NULL DEFAULT 0,
  relationship_count INTEGER NOT NULL DEFAULT 0,
  UNIQUE (source_id, code)
);
CREATE INDEX list_versions_by_code ON list_versions(code, published, id);

CREATE TABLE parties (
  id INTEGER PRIMARY KEY,
  version_id INTEGER NOT NULL
      REFERENCES list_versions(id) ON DELETE CASCADE,
  source_id TEXT NOT NULL,
  type TEXT NOT NULL,
  remarks TEXT NOT NULL DEFAULT '',
  content_hash TEXT NOT NULL,
  UNIQUE (version_id, source_id)
);
-- Bare-id lookups across versions (FindParty("36")).
CREATE INDEX parties_by_source_id ON parties(source_id);

CREATE TABLE names (
  id INTEGER PRIMARY KEY,
  party_id INTEGER NOT NULL REFERENCES parties(id) ON DELETE CASCADE,
  version_id INTEGER NOT NULL,
  full TEXT NOT NULL,
  script TEXT NOT NULL DEFAULT '',
  strength TEXT NOT NULL,
  alias_type TEXT NOT NULL DEFAULT '',
  language TEXT NOT NULL DEFAULT ''
);
CREATE INDEX names_by_party ON names(party_id);
CREATE INDEX names_by_version ON names(version_id);

CREATE TABLE name_parts (
  id INTEGER PRIMARY KEY,
  name_id INTEGER NOT NULL REFERENCES names(id) ON DELETE CASCADE,
  type TEXT NOT NULL DEFAULT '',
  value TEXT NOT NULL
);
CREATE INDEX name_parts_by_name ON name_parts(name_id);

CREATE TABLE addresses (
  id INTEGER PRIMARY KEY,
  party_id INTEGER NOT NULL REFERENCES parties(id) ON DELETE CASCADE,
  full TEXT NOT NULL DEFAULT '',
  street TEXT NOT NULL DEFAULT '',
  city TEXT NOT NULL DEFAULT '',
  state_province TEXT NOT NULL DEFAULT '',
  postal_code TEXT NOT NULL DEFAULT '',
  region TEXT NOT NULL DEFAULT '',
  country TEXT NOT NULL DEFAULT '',
  country_name TEXT NOT NULL DEFAULT ''
);
CREATE INDEX addresses_by_party ON addresses(party_id);

CREATE TABLE identifiers (
  id INTEGER PRIMARY KEY,
  party_id INTEGER NOT NULL REFERENCES parties(id) ON DELETE CASCADE,
  version_id INTEGER NOT NULL,
  type TEXT NOT NULL DEFAULT '',
  label TEXT NOT NULL DEFAULT '',
  value TEXT NOT NULL,
  value_normalized TEXT NOT NULL,
  country TEXT NOT NULL DEFAULT '',
  currency TEXT NOT NULL DEFAULT '',
  issued TEXT NOT NULL DEFAULT '',
  expires TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX identifiers_by_party ON identifiers(party_id);
CREATE INDEX identifiers_by_value ON identifiers(value_normalized, version_id);

CREATE TABLE programs (
  id INTEGER PRIMARY KEY,
  party_id INTEGER NOT NULL REFERENCES parties(id) ON DELETE CASCADE,
  program TEXT NOT NULL
);
CREATE INDEX programs_by_party ON programs(party_id);

CREATE TABLE dates_of_birth (
  id INTEGER PRIMARY KEY,
  party_id INTEGER NOT NULL REFERENCES parties(id) ON DELETE CASCADE,
  value TEXT NOT NULL
);
CREATE INDEX dates_of_birth_by_party ON dates_of_birth(party_id);

CREATE TABLE places_of_birth (
  id INTEGER PRIMARY KEY,
  party_id INTEGER NOT NULL REFERENCES parties(id) ON DELETE CASCADE,
  value TEXT NOT NULL
);
CREATE INDEX places_of_birth_by_party ON places_of_birth(party_id);

CREATE TABLE nationalities (
  id INTEGER PRIMARY KEY,
  party_id INTEGER NOT NULL REFERENCES parties(id) ON DELETE CASCADE,
  country TEXT NOT NULL
);
CREATE INDEX nationalities_by_party ON nationalities(party_id);

CREATE TABLE citizenships (
  id INTEGER PRIMARY KEY,
  party_id INTEGER NOT NULL REFERENCES parties(id) ON DELETE CASCADE,
  country TEXT NOT NULL
);
CREATE INDEX citizenships_by_party ON citizenships(party_id);

CREATE TABLE relationships (
  id INTEGER PRIMARY KEY,
  party_id INTEGER NOT NULL REFERENCES parties(id) ON DELETE CASCADE,
  type TEXT NOT NULL DEFAULT '',
  other_source_id TEXT NOT NULL DEFAULT '',
  other_name TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX relationships_by_party ON relationships(party_id);

CREATE TABLE attributes (
  id INTEGER PRIMARY KEY,
  party_id INTEGER NOT NULL REFERENCES parties(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL DEFAULT ''
);
CREATE INDEX attributes_by_party ON attributes(party_id);
