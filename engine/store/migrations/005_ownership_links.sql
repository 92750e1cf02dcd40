-- 005_ownership_links.sql: entities of the provider's ownership records
-- linked to listed parties by the matcher (`clearance ownership link`,
-- engine/store/ownership_store.h OwnershipStore::ReplaceLinks).
--
-- Table
--  ownership_links      one row per (entity, list, party) the matcher
--                       proposed at or above the review floor (0.70):
--                       status 'applied' (score >= the run's threshold, or
--                       an exact identifier hit) makes the party a listing
--                       of the entity when the graph is loaded (Load());
--                       'review' rows are kept for a person to decide and
--                       never count. Provenance: the score, the method
--                       ("name" or "identifier:LEI"), the listed name that
--                       matched, the matcher's explanation (JSON), the
--                       threshold used, the list version screened and when.
--                       listed_from/listed_to come from the party's
--                       start_date/end_date where the list publishes them.
--                       A run restates the links of the lists it screened
--                       (rows it no longer finds are removed), so re-running
--                       with the same lists is a no-op.

CREATE TABLE ownership_links (
  id INTEGER PRIMARY KEY,
  entity_id TEXT NOT NULL REFERENCES ownership_entities(id) ON DELETE CASCADE,
  list TEXT NOT NULL,
  party_id TEXT NOT NULL,
  party_name TEXT NOT NULL DEFAULT '',
  matched_name TEXT NOT NULL DEFAULT '',
  score REAL NOT NULL CHECK (score >= 0 AND score <= 1),
  method TEXT NOT NULL,
  explanation TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('applied', 'review')),
  threshold REAL NOT NULL,
  list_version INTEGER NOT NULL DEFAULT 0,
  listed_from TEXT NOT NULL DEFAULT '',
  listed_to TEXT NOT NULL DEFAULT '',
  linked_at TEXT NOT NULL,
  UNIQUE (entity_id, list, party_id)
);
CREATE INDEX ownership_links_by_list ON ownership_links(list);
