// engine/store: snapshots of rule sets, keyed by their content hash, kept in
// the same SQLite file as the lists and the audit trail (schema:
// migrations/004_rulesets.sql). A decision records the hash of the rule set
// it was made under (screening::Versions::ruleset_hash); the snapshot lets
// `clearance decisions replay` re-evaluate it under exactly those rules after
// rules/ has changed.
//
//   auto store = RulesetStore::Open("clearance.db");
//   (*store)->Put({.hash = h, .files = {{"ofac.json", text}, ...}}, now);
//   auto snapshot = (*store)->Get(h);   // kNotFound if never stored
//
// The store does not compute the hash (that belongs to engine/rules); the
// caller states it, and whoever loads a snapshot must check that the loaded
// rule set hashes to it (screening::Replay does).
//
// Guarantees:
//  - Put() is one transaction and idempotent: storing a hash already held is
//    a no-op that reports false. Rows are never updated or deleted (the
//    schema's triggers refuse it).
//  - Files come back byte for byte, ordered by name.
//
// Errors: SQLite failures are kDatabase "<db path>: <operation>: <message>";
// Open() fails as ListStore::Open() does (it applies the migrations).
//
// Thread safety: one RulesetStore per thread; SQLite serializes writers
// across processes (WAL, busy timeout 5 s).
#ifndef CLEARANCE_ENGINE_STORE_RULESET_STORE_H_
#define CLEARANCE_ENGINE_STORE_RULESET_STORE_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/error.h"

namespace clearance::store {

struct RulesetFile {
  std::string name;     // base name, e.g. "ofac.json"
  std::string content;  // the file's bytes
};

struct RulesetSnapshot {
  std::string hash;                // rules::RuleSet::hash() of these files
  std::string stored_at;           // ISO 8601 UTC; set by Put, returned by Get
  std::vector<RulesetFile> files;  // by name
};

class RulesetStore {
 public:
  // Opens (creating and migrating if needed) the database at `path`.
  static Result<std::unique_ptr<RulesetStore>> Open(const std::string& path);
  ~RulesetStore();
  RulesetStore(const RulesetStore&) = delete;
  RulesetStore& operator=(const RulesetStore&) = delete;

  // Stores `snapshot` (its stored_at is ignored; `stored_at` is used).
  // Returns true if stored, false if the hash was already held (nothing
  // written). kInvalidArgument for an empty hash, no files, an empty or
  // duplicate file name.
  Result<bool> Put(const RulesetSnapshot& snapshot, std::string_view stored_at);

  // True if a snapshot of `hash` is held.
  Result<bool> Has(std::string_view hash);

  // The snapshot of `hash`; kNotFound if none is held.
  Result<RulesetSnapshot> Get(std::string_view hash);

  // Every hash held with the time it was stored (files left empty), oldest
  // first.
  Result<std::vector<RulesetSnapshot>> List();

  const std::string& path() const { return path_; }

 private:
  struct Impl;
  RulesetStore(std::unique_ptr<Impl> impl, std::string path);
  std::unique_ptr<Impl> impl_;
  std::string path_;
};

}  // namespace clearance::store

#endif  // CLEARANCE_ENGINE_STORE_RULESET_STORE_H_
