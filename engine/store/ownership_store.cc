#include "engine/store/ownership_store.h"

#include <sqlite3.h>

#include <climits>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "engine/crypto/sha256.h"
#include "engine/store/sqlite_statement.h"

namespace clearance::store {
namespace {

using ownership::Entity;
using ownership::Holding;
using ownership::HoldingKind;
using ownership::Listing;
using ownership::RecordBatch;
using ownership::RecordFormat;

// This connection's settings (the list store's migrations made the file
// WAL; setting it again is a no-op).
constexpr const char* kConnectionPragmas =
    "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
    "PRAGMA foreign_keys = ON;";

using internal::Statement;

HoldingKind KindFromName(std::string_view name) {
  if (name == "voting") return HoldingKind::kVoting;
  if (name == "control") return HoldingKind::kControl;
  if (name == "nominee") return HoldingKind::kNominee;
  return HoldingKind::kShares;
}

std::string JoinLines(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) {
    if (!out.empty()) out += '\n';
    out += l;
  }
  return out;
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

bool LooksIsoDate(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (d[i] < '0' || d[i] > '9') return false;
  }
  return true;
}

}  // namespace

struct OwnershipStore::Impl : internal::Connection {
  // Steps a statement to completion (no rows wanted), then resets it.
  Result<void> Run(Statement& s, std::string_view op) {
    const int rc = s.Step();
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
      Error e = Failure(op);
      s.Reset();
      return std::unexpected(std::move(e));
    }
    s.Reset();
    return Ok();
  }
  Result<void> Rows(Statement& s, std::string_view op,
                    const std::function<void(const Statement&)>& row) {
    while (true) {
      const int rc = s.Step();
      if (rc == SQLITE_ROW) {
        row(s);
        continue;
      }
      if (rc == SQLITE_DONE) break;
      Error e = Failure(op);
      s.Reset();
      return std::unexpected(std::move(e));
    }
    s.Reset();
    return Ok();
  }
};

Result<std::unique_ptr<OwnershipStore>> OwnershipStore::Open(
    const std::string& path) {
  // The list store creates the file, checks it is a Clearance store and
  // applies every migration (002_ownership.sql included).
  {
    auto lists = ListStore::Open(path);
    if (!lists) return std::unexpected(lists.error());
  }
  auto impl = std::make_unique<Impl>();
  if (auto opened = impl->Open(path, kConnectionPragmas); !opened) {
    return std::unexpected(opened.error());
  }
  return std::unique_ptr<OwnershipStore>(
      new OwnershipStore(std::move(impl), path));
}

OwnershipStore::OwnershipStore(std::unique_ptr<Impl> impl, std::string path)
    : impl_(std::move(impl)), path_(std::move(path)) {}
OwnershipStore::~OwnershipStore() = default;

Result<std::vector<OwnershipImportOutcome>> OwnershipStore::Import(
    const std::vector<RecordBatch>& batches, std::string_view imported_at) {
  Impl& d = *impl_;
  const std::string now(imported_at);
  if (auto begun = d.Exec("BEGIN IMMEDIATE", "ownership import: begin");
      !begun) {
    return std::unexpected(begun.error());
  }
  // Rolls back unless committed.
  internal::RollbackGuard rollback(d.db);

  auto find_batch = d.Prepare(
      "SELECT id, file, sha256, format, imported_at, entity_count, "
      "holding_count, warnings FROM ownership_batches WHERE sha256 = ?1",
      "ownership import: find batch");
  auto entity_known =
      d.Prepare("SELECT 1 FROM ownership_entities WHERE id = ?1",
                "ownership import: find entity");
  auto insert_batch = d.Prepare(
      "INSERT INTO ownership_batches (file, sha256, format, imported_at, "
      "entity_count, holding_count, warnings) VALUES (?1,?2,?3,?4,?5,?6,?7)",
      "ownership import: insert batch");
  auto upsert_entity = d.Prepare(
      "INSERT INTO ownership_entities (id, name, country, hq_country, "
      "batch_id) VALUES (?1,?2,?3,?4,?5) ON CONFLICT(id) DO UPDATE SET "
      "name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE name END, "
      "country = CASE WHEN excluded.country <> '' THEN excluded.country "
      "ELSE country END, "
      "hq_country = CASE WHEN excluded.hq_country <> '' THEN "
      "excluded.hq_country ELSE hq_country END, batch_id = excluded.batch_id",
      "ownership import: upsert entity");
  auto upsert_listing = d.Prepare(
      "INSERT INTO ownership_listings (entity_id, list, party_id, "
      "listed_from, listed_to, list_version, batch_id) VALUES "
      "(?1,?2,?3,?4,?5, COALESCE((SELECT id FROM list_versions WHERE code = "
      "?2 ORDER BY published DESC, id DESC LIMIT 1), 0), ?6) "
      "ON CONFLICT(entity_id, list, party_id) DO UPDATE SET "
      "listed_from = excluded.listed_from, listed_to = excluded.listed_to, "
      "list_version = excluded.list_version, batch_id = excluded.batch_id",
      "ownership import: upsert listing");
  auto replace_key = d.Prepare(
      "DELETE FROM ownership_holdings WHERE owned = ?1 AND owner = ?2 AND "
      "kind = ?3 AND source = ?4 AND batch_id <> ?5",
      "ownership import: replace holdings");
  auto replace_source = d.Prepare(
      "DELETE FROM ownership_holdings WHERE source = ?1 AND batch_id <> ?2",
      "ownership import: replace list relationships");
  auto insert_holding = d.Prepare(
      "INSERT INTO ownership_holdings (batch_id, owner, owned, percent, kind, "
      "source, record_ref, valid_from, valid_to) VALUES "
      "(?1,?2,?3,?4,?5,?6,?7,?8,?9)",
      "ownership import: insert holding");
  auto insert_ultimate = d.Prepare(
      "INSERT INTO ownership_ultimate_parents (batch_id, entity, "
      "ultimate_parent, record_ref, valid_from, valid_to) VALUES "
      "(?1,?2,?3,?4,?5,?6)",
      "ownership import: insert ultimate parent");
  for (auto* s : {&find_batch, &entity_known, &insert_batch, &upsert_entity,
                  &upsert_listing, &replace_key, &replace_source,
                  &insert_holding, &insert_ultimate}) {
    if (!*s) return std::unexpected(s->error());
  }

  // Every holding must name an entity of these batches or one stored.
  std::unordered_set<std::string> declared;
  for (const RecordBatch& b : batches) {
    for (const Entity& e : b.entities) declared.insert(e.id);
  }
  for (const RecordBatch& b : batches) {
    for (const Holding& h : b.holdings) {
      for (const std::string* id : {&h.owner, &h.owned}) {
        if (declared.contains(*id)) continue;
        bool found = false;
        entity_known->Bind(1, *id);
        auto rows = d.Rows(*entity_known, "ownership import: find entity",
                           [&](const Statement&) { found = true; });
        if (!rows) return std::unexpected(rows.error());
        if (!found) {
          return Fail(ErrorCode::kInvalidArgument,
                      h.record_ref + ": unknown entity id \"" + *id +
                          "\" (not declared in the file's entities nor "
                          "imported before; nothing was imported)");
        }
        declared.insert(*id);
      }
    }
  }

  std::vector<OwnershipImportOutcome> outcomes;
  std::set<std::string> seen_sha;
  bool wrote = false;
  struct Pending {
    const RecordBatch* batch;
    std::int64_t id;
    std::size_t outcome;
  };
  std::vector<Pending> pending;
  for (const RecordBatch& b : batches) {
    if (b.sha256.empty()) {
      return Fail(ErrorCode::kInternal, b.file + ": batch without sha256");
    }
    OwnershipImportOutcome outcome;
    find_batch->Bind(1, b.sha256);
    auto rows = d.Rows(*find_batch, "ownership import: find batch",
                       [&](const Statement& s) {
                         outcome.already_imported = true;
                         outcome.batch.id = s.Int(0);
                         outcome.batch.file = s.Text(1);
                         outcome.batch.sha256 = s.Text(2);
                         outcome.batch.format = s.Text(3);
                         outcome.batch.imported_at = s.Text(4);
                         outcome.batch.entities = s.Int(5);
                         outcome.batch.holdings = s.Int(6);
                         outcome.batch.warnings = SplitLines(s.Text(7));
                       });
    if (!rows) return std::unexpected(rows.error());
    if (outcome.already_imported || !seen_sha.insert(b.sha256).second) {
      outcome.already_imported = true;
      if (outcome.batch.sha256.empty()) {
        outcome.batch.file = b.file;
        outcome.batch.sha256 = b.sha256;
        outcome.batch.format = std::string(RecordFormatName(b.format));
      }
      outcomes.push_back(std::move(outcome));
      continue;
    }
    wrote = true;
    const std::string format(RecordFormatName(b.format));
    const std::string warnings = JoinLines(b.warnings);
    insert_batch->Bind(1, b.file)
        .Bind(2, b.sha256)
        .Bind(3, format)
        .Bind(4, now)
        .Bind(5, static_cast<std::int64_t>(b.entities.size()))
        .Bind(6, static_cast<std::int64_t>(b.holdings.size()))
        .Bind(7, warnings);
    if (auto r = d.Run(*insert_batch, "ownership import: insert batch"); !r) {
      return std::unexpected(r.error());
    }
    const std::int64_t batch_id = sqlite3_last_insert_rowid(d.db);
    outcome.batch = {batch_id,
                     b.file,
                     b.sha256,
                     format,
                     now,
                     static_cast<std::int64_t>(b.entities.size()),
                     static_cast<std::int64_t>(b.holdings.size()),
                     b.warnings};

    for (const Entity& e : b.entities) {
      upsert_entity->Bind(1, e.id)
          .Bind(2, e.name)
          .Bind(3, e.country)
          .Bind(4, e.hq_country)
          .Bind(5, batch_id);
      if (auto r = d.Run(*upsert_entity, "ownership import: entity " + e.id);
          !r) {
        return std::unexpected(r.error());
      }
      for (const Listing& l : e.listings) {
        upsert_listing->Bind(1, e.id)
            .Bind(2, l.list)
            .Bind(3, l.party_id)
            .Bind(4, l.listed_from)
            .Bind(5, l.listed_to)
            .Bind(6, batch_id);
        if (auto r =
                d.Run(*upsert_listing, "ownership import: listing of " + e.id);
            !r) {
          return std::unexpected(r.error());
        }
      }
    }
    pending.push_back({&b, batch_id, outcomes.size()});
    outcomes.push_back(std::move(outcome));
  }
  // Holdings after every batch's entities, for the foreign keys.
  for (const Pending& p : pending) {
    const RecordBatch& b = *p.batch;
    const std::int64_t batch_id = p.id;
    OwnershipImportOutcome& outcome = outcomes[p.outcome];
    if (b.format == RecordFormat::kListRelationships && !b.holdings.empty()) {
      replace_source->Bind(1, b.holdings.front().source).Bind(2, batch_id);
      if (auto r = d.Run(*replace_source, "ownership import: replace"); !r) {
        return std::unexpected(r.error());
      }
      outcome.replaced += sqlite3_changes(d.db);
    }
    for (const Holding& h : b.holdings) {
      const std::string kind(ownership::HoldingKindName(h.kind));
      replace_key->Bind(1, h.owned)
          .Bind(2, h.owner)
          .Bind(3, kind)
          .Bind(4, h.source)
          .Bind(5, batch_id);
      if (auto r = d.Run(*replace_key, "ownership import: replace"); !r) {
        return std::unexpected(r.error());
      }
      outcome.replaced += sqlite3_changes(d.db);
      insert_holding->Bind(1, batch_id)
          .Bind(2, h.owner)
          .Bind(3, h.owned)
          .Bind(4, h.percent)
          .Bind(5, kind)
          .Bind(6, h.source)
          .Bind(7, h.record_ref)
          .Bind(8, h.valid_from)
          .Bind(9, h.valid_to);
      if (auto r = d.Run(*insert_holding,
                         "ownership import: holding " + h.record_ref);
          !r) {
        return std::unexpected(r.error());
      }
    }
    for (const auto& u : b.ultimate_parents) {
      insert_ultimate->Bind(1, batch_id)
          .Bind(2, u.entity)
          .Bind(3, u.ultimate_parent)
          .Bind(4, u.record_ref)
          .Bind(5, u.valid_from)
          .Bind(6, u.valid_to);
      if (auto r = d.Run(*insert_ultimate,
                         "ownership import: ultimate parent " + u.record_ref);
          !r) {
        return std::unexpected(r.error());
      }
    }
  }
  if (!wrote) {
    // Nothing new: roll back so that the file is not touched.
    return outcomes;
  }
  if (auto c = d.Exec("COMMIT", "ownership import: commit"); !c) {
    return std::unexpected(c.error());
  }
  rollback.Disarm();
  return outcomes;
}

Result<OwnershipData> OwnershipStore::Load() {
  Impl& d = *impl_;
  OwnershipData data;
  std::unordered_map<std::string, std::size_t> index;
  auto entities = d.Prepare(
      "SELECT id, name, country, hq_country FROM ownership_entities "
      "ORDER BY rowid",
      "load ownership entities");
  if (!entities) return std::unexpected(entities.error());
  auto rows =
      d.Rows(*entities, "load ownership entities", [&](const Statement& s) {
        Entity e;
        e.id = s.Text(0);
        e.name = s.Text(1);
        e.country = s.Text(2);
        e.hq_country = s.Text(3);
        index[e.id] = data.entities.size();
        data.entities.push_back(std::move(e));
      });
  if (!rows) return std::unexpected(rows.error());
  auto listings = d.Prepare(
      "SELECT entity_id, list, party_id, listed_from, listed_to FROM "
      "ownership_listings ORDER BY id",
      "load ownership listings");
  if (!listings) return std::unexpected(listings.error());
  rows = d.Rows(*listings, "load ownership listings", [&](const Statement& s) {
    auto it = index.find(s.Text(0));
    if (it == index.end()) return;
    data.entities[it->second].listings.push_back(
        {s.Text(1), s.Text(2), s.Text(3), s.Text(4)});
  });
  if (!rows) return std::unexpected(rows.error());
  // Applied matcher links are listings too (unless the same listing is
  // already declared or verified).
  auto links = d.Prepare(
      "SELECT entity_id, list, party_id, listed_from, listed_to FROM "
      "ownership_links WHERE status = 'applied' ORDER BY id",
      "load ownership links");
  if (!links) return std::unexpected(links.error());
  rows = d.Rows(*links, "load ownership links", [&](const Statement& s) {
    auto it = index.find(s.Text(0));
    if (it == index.end()) return;
    auto& listings = data.entities[it->second].listings;
    const std::string list = s.Text(1), party = s.Text(2);
    for (const Listing& l : listings) {
      if (l.list == list && l.party_id == party) return;
    }
    listings.push_back({list, party, s.Text(3), s.Text(4)});
  });
  if (!rows) return std::unexpected(rows.error());
  auto holdings = d.Prepare(
      "SELECT owner, owned, percent, kind, source, record_ref, valid_from, "
      "valid_to FROM ownership_holdings ORDER BY id",
      "load ownership holdings");
  if (!holdings) return std::unexpected(holdings.error());
  rows = d.Rows(*holdings, "load ownership holdings", [&](const Statement& s) {
    Holding h;
    h.owner = s.Text(0);
    h.owned = s.Text(1);
    h.percent = s.Real(2);
    h.kind = KindFromName(s.Text(3));
    h.source = s.Text(4);
    h.record_ref = s.Text(5);
    h.valid_from = s.Text(6);
    h.valid_to = s.Text(7);
    data.holdings.push_back(std::move(h));
  });
  if (!rows) return std::unexpected(rows.error());
  auto ultimate = d.Prepare(
      "SELECT entity, ultimate_parent, record_ref, valid_from, valid_to FROM "
      "ownership_ultimate_parents ORDER BY id",
      "load ultimate parents");
  if (!ultimate) return std::unexpected(ultimate.error());
  rows = d.Rows(*ultimate, "load ultimate parents", [&](const Statement& s) {
    data.ultimate_parents.push_back(
        {s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4)});
  });
  if (!rows) return std::unexpected(rows.error());
  return data;
}

namespace {

constexpr const char* kLinkColumns =
    "entity_id, list, party_id, party_name, matched_name, score, method, "
    "explanation, status, threshold, list_version, listed_from, listed_to, "
    "linked_at";

OwnershipLink LinkFromRow(const Statement& s) {
  OwnershipLink l;
  l.entity_id = s.Text(0);
  l.list = s.Text(1);
  l.party_id = s.Text(2);
  l.party_name = s.Text(3);
  l.matched_name = s.Text(4);
  l.score = s.Real(5).value_or(0);
  l.method = s.Text(6);
  l.explanation = s.Text(7);
  l.applied = s.Text(8) == "applied";
  l.threshold = s.Real(9).value_or(0);
  l.list_version = s.Int(10);
  l.listed_from = s.Text(11);
  l.listed_to = s.Text(12);
  l.linked_at = s.Text(13);
  return l;
}

// Same link apart from when it was written (scores compared as stored).
bool SameLink(const OwnershipLink& a, const OwnershipLink& b) {
  return a.applied == b.applied && a.score == b.score && a.method == b.method &&
         a.party_name == b.party_name && a.matched_name == b.matched_name &&
         a.explanation == b.explanation && a.threshold == b.threshold &&
         a.list_version == b.list_version && a.listed_from == b.listed_from &&
         a.listed_to == b.listed_to;
}

}  // namespace

Result<LinkReplaceOutcome> OwnershipStore::ReplaceLinks(
    const std::vector<std::string>& lists,
    const std::vector<OwnershipLink>& links, std::string_view linked_at) {
  Impl& d = *impl_;
  if (auto begun = d.Exec("BEGIN IMMEDIATE", "ownership link: begin"); !begun) {
    return std::unexpected(begun.error());
  }
  internal::RollbackGuard rollback(d.db);

  const std::set<std::string> scope(lists.begin(), lists.end());
  auto in_scope = [&](const std::string& list) {
    return scope.empty() || scope.contains(list);
  };
  auto select =
      d.Prepare(std::string("SELECT ") + kLinkColumns + " FROM ownership_links",
                "ownership link: read links");
  if (!select) return std::unexpected(select.error());
  std::map<std::tuple<std::string, std::string, std::string>, OwnershipLink>
      stored;
  auto rows =
      d.Rows(*select, "ownership link: read links", [&](const Statement& s) {
        OwnershipLink l = LinkFromRow(s);
        if (!in_scope(l.list)) return;
        auto key = std::make_tuple(l.entity_id, l.list, l.party_id);
        stored.emplace(std::move(key), std::move(l));
      });
  if (!rows) return std::unexpected(rows.error());

  auto entity_exists = d.Prepare(
      "SELECT 1 FROM ownership_entities WHERE id = ?1", "ownership link: find");
  auto upsert = d.Prepare(
      std::string("INSERT INTO ownership_links (") + kLinkColumns +
          ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
          "?14) ON CONFLICT (entity_id, list, party_id) DO UPDATE SET "
          "party_name = excluded.party_name, matched_name = "
          "excluded.matched_name, score = excluded.score, method = "
          "excluded.method, explanation = excluded.explanation, status = "
          "excluded.status, threshold = excluded.threshold, list_version = "
          "excluded.list_version, listed_from = excluded.listed_from, "
          "listed_to = excluded.listed_to, linked_at = excluded.linked_at",
      "ownership link: write");
  auto remove = d.Prepare(
      "DELETE FROM ownership_links WHERE entity_id = ?1 AND list = ?2 AND "
      "party_id = ?3",
      "ownership link: remove");
  if (!entity_exists) return std::unexpected(entity_exists.error());
  if (!upsert) return std::unexpected(upsert.error());
  if (!remove) return std::unexpected(remove.error());

  LinkReplaceOutcome outcome;
  std::set<std::tuple<std::string, std::string, std::string>> seen;
  for (const OwnershipLink& l : links) {
    const std::string name =
        "link " + l.entity_id + " -> " + l.list + ":" + l.party_id;
    if (!in_scope(l.list)) {
      return Fail(ErrorCode::kInvalidArgument,
                  name + ": list " + l.list + " is outside the lists given");
    }
    if (!(l.score >= 0 && l.score <= 1)) {
      return Fail(ErrorCode::kInvalidArgument,
                  name + ": score " + std::to_string(l.score) +
                      " is outside 0..1; nothing was linked");
    }
    bool found = false;
    entity_exists->Bind(1, l.entity_id);
    if (auto r = d.Rows(*entity_exists, "ownership link: find",
                        [&](const Statement&) { found = true; });
        !r) {
      return std::unexpected(r.error());
    }
    if (!found) {
      return Fail(ErrorCode::kInvalidArgument,
                  name + ": entity " + l.entity_id +
                      " is not in the ownership records; nothing was linked");
    }
    auto key = std::make_tuple(l.entity_id, l.list, l.party_id);
    if (!seen.insert(key).second) continue;  // first (best) one wins
    auto old = stored.find(key);
    if (old != stored.end() && SameLink(old->second, l)) {
      ++outcome.unchanged;
      continue;
    }
    ++(old == stored.end() ? outcome.added : outcome.changed);
    upsert->Bind(1, l.entity_id)
        .Bind(2, l.list)
        .Bind(3, l.party_id)
        .Bind(4, l.party_name)
        .Bind(5, l.matched_name)
        .Bind(6, std::optional<double>(l.score))
        .Bind(7, l.method)
        .Bind(8, l.explanation)
        .Bind(9, std::string_view(l.applied ? "applied" : "review"))
        .Bind(10, std::optional<double>(l.threshold))
        .Bind(11, l.list_version)
        .Bind(12, l.listed_from)
        .Bind(13, l.listed_to)
        .Bind(14, linked_at);
    if (auto r = d.Run(*upsert, "ownership link: write"); !r) {
      return std::unexpected(r.error());
    }
  }
  for (const auto& [key, link] : stored) {
    if (seen.contains(key)) continue;
    remove->Bind(1, std::get<0>(key))
        .Bind(2, std::get<1>(key))
        .Bind(3, std::get<2>(key));
    if (auto r = d.Run(*remove, "ownership link: remove"); !r) {
      return std::unexpected(r.error());
    }
    ++outcome.removed;
  }
  if (auto c = d.Exec("COMMIT", "ownership link: commit"); !c) {
    return std::unexpected(c.error());
  }
  rollback.Disarm();
  return outcome;
}

Result<std::vector<OwnershipLink>> OwnershipStore::Links() {
  Impl& d = *impl_;
  auto s = d.Prepare(std::string("SELECT ") + kLinkColumns +
                         " FROM ownership_links ORDER BY entity_id, list, "
                         "party_id",
                     "read ownership links");
  if (!s) return std::unexpected(s.error());
  std::vector<OwnershipLink> out;
  auto rows = d.Rows(*s, "read ownership links", [&](const Statement& r) {
    out.push_back(LinkFromRow(r));
  });
  if (!rows) return std::unexpected(rows.error());
  return out;
}

Result<std::vector<OwnershipBatchInfo>> OwnershipStore::Batches() {
  Impl& d = *impl_;
  auto s = d.Prepare(
      "SELECT id, file, sha256, format, imported_at, entity_count, "
      "holding_count, warnings FROM ownership_batches ORDER BY id",
      "read ownership batches");
  if (!s) return std::unexpected(s.error());
  std::vector<OwnershipBatchInfo> out;
  auto rows = d.Rows(*s, "read ownership batches", [&](const Statement& r) {
    out.push_back({r.Int(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4),
                   r.Int(5), r.Int(6), SplitLines(r.Text(7))});
  });
  if (!rows) return std::unexpected(rows.error());
  return out;
}

Result<RecordBatch> ReadRecordFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Fail(ErrorCode::kIo, path + ": cannot open (does it exist?)");
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return Fail(ErrorCode::kIo, path + ": read failed");
  const std::string content = std::move(buffer).str();
  auto batch = ownership::ParseRecords(path, content);
  if (!batch) return std::unexpected(batch.error());
  batch->sha256 = crypto::Sha256Hex(content);
  return batch;
}

Result<void> LinkListedParties(RecordBatch& batch, ListStore& lists) {
  auto versions = lists.Versions();
  if (!versions) return std::unexpected(versions.error());
  std::set<std::string> held;
  for (const auto& v : *versions) held.insert(v.code);

  std::unordered_map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < batch.entities.size(); ++i) {
    index[batch.entities[i].id] = i;
  }
  // The first record naming each id, for messages.
  std::map<std::string, std::string> first_ref;
  for (const Holding& h : batch.holdings) {
    first_ref.emplace(h.owner, h.record_ref);
    first_ref.emplace(h.owned, h.record_ref);
  }
  std::set<std::string> unverified_warned;
  auto link = [&](Entity& entity, const std::string& code,
                  const std::string& party_id,
                  const std::string& ref) -> Result<void> {
    const bool has_listing = [&] {
      for (const Listing& l : entity.listings) {
        if (l.list == code && l.party_id == party_id) return true;
      }
      return false;
    }();
    if (!held.contains(code)) {
      if (unverified_warned.insert(code).second) {
        batch.warnings.push_back(
            ref + ": list " + code +
            " is not in the list store; listings on it are taken as "
            "declared, not verified (import the list first)");
      }
      if (!has_listing) entity.listings.push_back({code, party_id, "", ""});
      return Ok();
    }
    auto party = lists.FindParty(code + ":" + party_id);
    if (!party) {
      if (party.error().code() == ErrorCode::kNotFound) {
        return Fail(ErrorCode::kNotFound,
                    ref + ": unknown entity id \"" + code + ":" + party_id +
                        "\": no such party in the latest " + code +
                        " held; nothing was imported");
      }
      return std::unexpected(party.error());
    }
    const lists::Party& p = party->party;
    if (entity.name.empty() && !p.names.empty()) {
      entity.name = p.names.front().full;
    }
    if (entity.country.empty()) {
      for (const lists::Address& a : p.addresses) {
        if (!a.country.empty()) {
          entity.country = a.country;
          break;
        }
      }
    }
    if (!has_listing) {
      Listing l{code, party_id, "", ""};
      const std::string from(p.Attribute("start_date"));
      const std::string to(p.Attribute("end_date"));
      if (LooksIsoDate(from.substr(0, 10))) l.listed_from = from.substr(0, 10);
      if (LooksIsoDate(to.substr(0, 10))) l.listed_to = to.substr(0, 10);
      entity.listings.push_back(std::move(l));
    }
    return Ok();
  };
  // Ids used by holdings but not declared: add them (CSV implies entities;
  // JSON may name listed parties without declaring them).
  for (const auto& [id, ref] : first_ref) {
    if (ownership::IsListedPartyId(id) && !index.contains(id)) {
      index[id] = batch.entities.size();
      Entity e;
      e.id = id;
      batch.entities.push_back(std::move(e));
    }
  }
  for (Entity& e : batch.entities) {
    auto it = first_ref.find(e.id);
    const std::string ref =
        it != first_ref.end() ? it->second : batch.file + " entity " + e.id;
    if (ownership::IsListedPartyId(e.id)) {
      const std::size_t colon = e.id.find(':');
      if (auto r = link(e, e.id.substr(0, colon), e.id.substr(colon + 1), ref);
          !r) {
        return r;
      }
    }
    const std::vector<Listing> declared = e.listings;
    for (const Listing& l : declared) {
      if (auto r = link(e, l.list, l.party_id, ref); !r) return r;
    }
  }
  return Ok();
}

Result<RecordBatch> ListRelationshipRecords(ListStore& lists,
                                            std::string_view code) {
  auto version = lists.ResolveVersion(code, "latest");
  if (!version) return std::unexpected(version.error());
  auto doc = lists.LoadList(version->id);
  if (!doc) return std::unexpected(doc.error());
  const std::string list(code);
  RecordBatch batch;
  batch.format = RecordFormat::kListRelationships;
  batch.file = list + " version " + std::to_string(version->id) +
               " (published " + version->published + ")";
  batch.sha256 = "list:" + list + ":" + version->sha256;
  std::unordered_set<std::string> ids;
  for (const lists::Party& p : doc->parties) ids.insert(p.source_id);
  long without_id = 0;
  for (const lists::Party& p : doc->parties) {
    Entity e;
    e.id = list + ":" + p.source_id;
    if (!p.names.empty()) e.name = p.names.front().full;
    for (const lists::Address& a : p.addresses) {
      if (!a.country.empty()) {
        e.country = a.country;
        break;
      }
    }
    e.listings.push_back({list, p.source_id, "", ""});
    batch.entities.push_back(std::move(e));
    for (const lists::Relationship& r : p.relationships) {
      if (r.type != "Owned or Controlled By") continue;
      const std::string ref =
          batch.file + " party " + p.source_id + ": Owned or Controlled By " +
          (r.other_source_id.empty() ? r.other_name : r.other_source_id);
      if (r.other_source_id.empty()) {
        ++without_id;
        continue;
      }
      if (!ids.contains(r.other_source_id) ||
          r.other_source_id == p.source_id) {
        batch.warnings.push_back(ref +
                                 ": the owner is not a party of this "
                                 "version (or the party itself); "
                                 "skipped");
        continue;
      }
      Holding h;
      h.owner = list + ":" + r.other_source_id;
      h.owned = list + ":" + p.source_id;
      h.kind = HoldingKind::kControl;
      h.source = list + " relationship";
      h.record_ref = ref;
      batch.holdings.push_back(std::move(h));
    }
  }
  if (without_id > 0) {
    batch.warnings.push_back(batch.file + ": " + std::to_string(without_id) +
                             " \"Owned or Controlled By\" links without the "
                             "owner's id were skipped");
  }
  if (auto valid = ownership::ValidateBatch(batch); !valid) {
    return std::unexpected(valid.error());
  }
  return batch;
}

}  // namespace clearance::store
