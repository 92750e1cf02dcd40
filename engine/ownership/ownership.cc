// Ownership graph: compact storage (interned ids, CSR adjacency in both
// directions, holdings in flat arrays) and the look-through computations.
// Semantics and algorithm: docs/ownership.md.
#include "engine/ownership/ownership.h"

#include <algorithm>
#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <boost/graph/strong_components.hpp>
#include <cmath>
#include <cstdio>
#include <deque>
#include <functional>
#include <limits>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace clearance::ownership {
namespace {

constexpr int32_t kMinDate = 0;         // "" as valid_from: always
constexpr int32_t kMaxDate = 99991231;  // "" as valid_to: open
constexpr double kThreshold = 50.0;
constexpr double kEps = 1e-9;  // percentages are sums of decimals
constexpr std::size_t kMaxCycleMembers = 20;
constexpr std::size_t kMaxUnknownReported = 50;
constexpr int kPathStepBudget = 4000;
constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
// Below these sizes a computation stays on the calling thread. Starting a
// worker costs ~10 us on an idle machine and, on a loaded one, can wait a
// whole scheduler time slice (ms) before it runs, while the work it would
// halve is small: resolving ids or propagating over 50,000 holdings and
// entities takes about a millisecond, explaining 1,000 scan candidates a few
// (each walks its owners and paths). Screening builds a graph of a handful
// of entities per request, which must not pay for a thread.
constexpr std::size_t kParallelMinItems = 50000;
constexpr std::size_t kParallelMinCandidates = 1000;

// Runs `a` and `b`, which share no mutable state, on two threads when
// `parallel` (and a thread can be started), else one after the other.
template <typename A, typename B>
void RunBoth(bool parallel, A&& a, B&& b) {
  if (!parallel) {
    a();
    b();
    return;
  }
  std::thread worker;
  try {
    worker = std::thread(std::ref(b));
  } catch (...) {
    a();
    b();
    return;
  }
  a();
  worker.join();
}

// "YYYY-MM-DD" -> YYYYMMDD; nullopt when malformed.
std::optional<int32_t> ParseIsoDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int32_t v = 0;
  for (std::size_t i = 0; i < 10; ++i) {
    if (i == 4 || i == 7) continue;
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    v = v * 10 + (s[i] - '0');
  }
  const int month = (v / 100) % 100;
  const int day = v % 100;
  if (month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
  return v;
}

std::string FormatDate(int32_t d) {
  if (d == kMinDate || d == kMaxDate) return "";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d / 10000, (d / 100) % 100,
                d % 100);
  return buf;
}

std::string FormatPercent(double p) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", p);
  return buf;
}

bool Counts(HoldingKind kind) { return kind != HoldingKind::kControl; }

// Owner -> best (largest known) percent, one entry per owner.
using OwnerShares = std::vector<std::pair<uint32_t, double>>;

}  // namespace

namespace {

std::string RecordName(const Holding& h, std::size_t index) {
  if (!h.record_ref.empty()) return h.record_ref;
  return "holding #" + std::to_string(index + 1) + " (" + h.owner + " -> " +
         h.owned + ")";
}

Result<void> CheckListing(const std::string& entity, const Listing& l) {
  const std::string what = "entity " + entity + " listing on " + l.list;
  if (l.list.empty())
    return Fail(ErrorCode::kInvalidArgument, what + ": empty list code");
  std::optional<int32_t> f = kMinDate, t = kMaxDate;
  if (!l.listed_from.empty()) f = ParseIsoDate(l.listed_from);
  if (!l.listed_to.empty()) t = ParseIsoDate(l.listed_to);
  if (!f || !t) {
    return Fail(ErrorCode::kInvalidArgument,
                what + ": dates must be YYYY-MM-DD (listed_from '" +
                    l.listed_from + "', listed_to '" + l.listed_to + "')");
  }
  if (*f > *t) {
    return Fail(ErrorCode::kInvalidArgument,
                what + ": listed_from " + l.listed_from +
                    " is after listed_to " + l.listed_to);
  }
  return Ok();
}

struct CheckedHolding {
  uint32_t owner, owned;
  double pct;
  int32_t from, to;
};

}  // namespace

std::string_view HoldingKindName(HoldingKind kind) {
  switch (kind) {
    case HoldingKind::kShares:
      return "shares";
    case HoldingKind::kVoting:
      return "voting";
    case HoldingKind::kControl:
      return "control";
    case HoldingKind::kNominee:
      return "nominee";
  }
  return "shares";
}

std::string AffiliatesRuleStatus(std::string_view as_of,
                                 const AffiliatesRuleConfig& config) {
  // ISO dates compare correctly as strings.
  if (as_of < "2025-09-29") return "not_in_force";
  if (as_of <= "2025-11-09") return "active";
  if (as_of <= "2026-11-09") return "suspended";
  return config.after_suspension;
}

// The state of one computation (lists, as_of): which entities are blocked,
// exactly and with unknown percentages taken as 100.
struct ScanState {
  std::vector<std::string> lists;  // sorted
  int32_t date = 0;
  std::vector<uint8_t> listed;
  std::vector<uint8_t> blocked;
  std::vector<uint8_t> upper;  // blocked if unknown percentages were 100
};

struct OwnershipGraph::Impl {
  std::vector<Entity> entities;
  // Open-addressing id index: slot holds entity index + 1 (0 = empty).
  std::vector<uint32_t> slots;
  std::size_t slot_mask = 0;

  // Holdings, one entry per record (structure of arrays).
  std::vector<uint32_t> owner, owned;
  std::vector<double> pct;  // NaN = unknown
  std::vector<HoldingKind> kind;
  std::vector<int32_t> from, to;
  std::vector<uint16_t> source;
  std::vector<std::string> sources;
  std::string ref_pool;
  std::vector<uint64_t> ref_off{0};

  // CSR over holding indices: out = by owner, in = by owned. Holdings added
  // by ApplyHolding() live in the extra_* lists until the next Build().
  std::vector<uint32_t> out_off, out_edges, in_off, in_edges;
  std::unordered_map<uint32_t, std::vector<uint32_t>> extra_out, extra_in;
  std::vector<uint8_t> has_extra;  // bit 0: out, bit 1: in

  // Listings: entity index of every entity with at least one listing.
  std::vector<uint32_t> listed_entities;
  std::vector<uint8_t> has_listing;

  // Strongly connected components over counted holdings (any date).
  std::vector<uint32_t> comp;
  std::unordered_map<uint32_t, std::vector<uint32_t>> comp_members;  // size>1
  uint32_t next_comp = 0;

  std::vector<std::string> warnings;

  mutable std::mutex mu;
  mutable std::unordered_map<uint32_t, std::unique_ptr<Holding>> materialized;
  mutable std::shared_ptr<ScanState> cache;

  // --- ids -------------------------------------------------------------
  static std::size_t Hash(std::string_view s) {
    return std::hash<std::string_view>()(s);
  }
  uint32_t Find(std::string_view id) const { return FindHashed(id, Hash(id)); }
  uint32_t FindHashed(std::string_view id, std::size_t hash) const {
    if (slots.empty()) return kNone;
    for (std::size_t i = hash & slot_mask;; i = (i + 1) & slot_mask) {
      const uint32_t s = slots[i];
      if (s == 0) return kNone;
      if (entities[s - 1].id == id) return s - 1;
    }
  }
  // Inserts index `e`; false if the id is already present.
  bool Insert(uint32_t e) {
    const std::string& id = entities[e].id;
    for (std::size_t i = Hash(id) & slot_mask;; i = (i + 1) & slot_mask) {
      const uint32_t s = slots[i];
      if (s == 0) {
        slots[i] = e + 1;
        return true;
      }
      if (entities[s - 1].id == id) return false;
    }
  }

  std::string_view RecordRef(uint32_t e) const {
    return std::string_view(ref_pool).substr(ref_off[e],
                                             ref_off[e + 1] - ref_off[e]);
  }
  std::string Describe(uint32_t e) const {
    std::string out = entities[owner[e]].id + " -> " + entities[owned[e]].id;
    if (!RecordRef(e).empty()) out += " (" + std::string(RecordRef(e)) + ")";
    return out;
  }
  bool InForce(uint32_t e, int32_t date) const {
    return from[e] <= date && date <= to[e];
  }

  template <typename F>
  void ForEachOut(uint32_t u, F&& f) const {
    for (uint32_t i = out_off[u]; i < out_off[u + 1]; ++i) f(out_edges[i]);
    if (has_extra[u] & 1) {
      for (uint32_t e : extra_out.at(u)) f(e);
    }
  }
  template <typename F>
  void ForEachIn(uint32_t v, F&& f) const {
    for (uint32_t i = in_off[v]; i < in_off[v + 1]; ++i) f(in_edges[i]);
    if (has_extra[v] & 2) {
      for (uint32_t e : extra_in.at(v)) f(e);
    }
  }

  // Counted holdings in `v` in force on `date` whose owner satisfies
  // `keep`, one entry per owner (the largest percent when several records
  // describe the same stake). Unknown percentages: skipped, or taken as
  // 100 when `unknown_as_100`.
  template <typename Keep>
  void OwnersWhere(uint32_t v, int32_t date, bool unknown_as_100, Keep&& keep,
                   OwnerShares* out) const {
    out->clear();
    ForEachIn(v, [&](uint32_t e) {
      if (!Counts(kind[e]) || !InForce(e, date)) return;
      double p = pct[e];
      if (std::isnan(p)) {
        if (!unknown_as_100) return;
        p = 100;
      }
      if (!keep(owner[e])) return;
      out->emplace_back(owner[e], p);
    });
    if (out->size() > 1) {
      std::sort(out->begin(), out->end());
      std::size_t w = 0;
      for (std::size_t r = 0; r < out->size(); ++r) {
        if (w > 0 && (*out)[w - 1].first == (*out)[r].first) {
          (*out)[w - 1].second =
              std::max((*out)[w - 1].second, (*out)[r].second);
        } else {
          (*out)[w++] = (*out)[r];
        }
      }
      out->resize(w);
    }
  }
  template <typename Keep>
  double SumWhere(uint32_t v, int32_t date, bool unknown_as_100,
                  Keep&& keep) const {
    thread_local OwnerShares buf;
    OwnersWhere(v, date, unknown_as_100, keep, &buf);
    double sum = 0;
    for (const auto& [o, p] : buf) sum += p;
    return sum;
  }

  // The first of `lists` on which `e` is listed on `date`, or "".
  std::string ListedOn(uint32_t e, const std::vector<std::string>& lists,
                       int32_t date) const {
    if (!has_listing[e]) return "";
    for (const Listing& l : entities[e].listings) {
      if (std::find(lists.begin(), lists.end(), l.list) == lists.end())
        continue;
      const int32_t f =
          l.listed_from.empty() ? kMinDate : *ParseIsoDate(l.listed_from);
      const int32_t t =
          l.listed_to.empty() ? kMaxDate : *ParseIsoDate(l.listed_to);
      if (f <= date && date <= t) return l.list;
    }
    return "";
  }

  // Least fixed point of "blocked": seeds are blocked; an entity whose
  // blocked owners hold >= 50% becomes blocked. `in_region(v)` limits the
  // entities that may change; `blocked` holds the state of all others.
  template <typename InRegion>
  void Propagate(int32_t date, bool upper, std::vector<uint32_t> queue,
                 std::vector<uint8_t>& blocked, InRegion&& in_region) const {
    auto is_blocked = [&](uint32_t o) { return blocked[o] != 0; };
    while (!queue.empty()) {
      const uint32_t u = queue.back();
      queue.pop_back();
      ForEachOut(u, [&](uint32_t e) {
        if (!Counts(kind[e]) || !InForce(e, date)) return;
        const uint32_t v = owned[e];
        if (blocked[v] || !in_region(v)) return;
        if (!upper && std::isnan(pct[e])) return;
        if (SumWhere(v, date, upper, is_blocked) >= kThreshold - kEps) {
          blocked[v] = 1;
          queue.push_back(v);
        }
      });
    }
  }

  std::shared_ptr<ScanState> ComputeState(std::vector<std::string> lists,
                                          int32_t date) const;
  void RecomputeRegion(ScanState& state,
                       const std::vector<uint32_t>& region) const;
  std::vector<uint32_t> Downstream(uint32_t start, bool counted_only) const;
  Result<CheckedHolding> CheckHolding(const Holding& h,
                                      std::size_t index) const;
  Result<CheckedHolding> CheckResolved(const Holding& h, std::size_t index,
                                       uint32_t owner_index,
                                       uint32_t owned_index) const;
  // Resolves the ids of holdings[begin, end) into `out` (2 per holding),
  // in batches with prefetching: at 10^7 entities each lookup is a few
  // cache misses, and this is most of Build()'s time otherwise.
  void ResolveIds(const std::vector<Holding>& holdings, std::size_t begin,
                  std::size_t end, uint32_t* out) const {
    constexpr std::size_t kBatch = 32;
    std::size_t hash[kBatch];
    const std::string* ids[kBatch];
    for (std::size_t i = begin; i < end; i += kBatch / 2) {
      const std::size_t count = std::min(kBatch, 2 * (end - i));
      for (std::size_t j = 0; j < count; ++j) {
        const Holding& h = holdings[i + j / 2];
        ids[j] = j % 2 == 0 ? &h.owner : &h.owned;
        hash[j] = Hash(*ids[j]);
        __builtin_prefetch(&slots[hash[j] & slot_mask]);
      }
      for (std::size_t j = 0; j < count; ++j) {
        const uint32_t s = slots[hash[j] & slot_mask];
        if (s != 0) __builtin_prefetch(&entities[s - 1]);
      }
      for (std::size_t j = 0; j < count; ++j) {
        out[2 * i + j] = FindHashed(*ids[j], hash[j]);
      }
    }
  }

  template <typename Blocked, typename Upper>
  ShareResult MakeResult(uint32_t v, const std::vector<std::string>& lists,
                         int32_t date, Blocked&& blocked, Upper&& upper,
                         bool explain) const;
};

std::shared_ptr<ScanState> OwnershipGraph::Impl::ComputeState(
    std::vector<std::string> lists, int32_t date) const {
  auto state = std::make_shared<ScanState>();
  state->lists = std::move(lists);
  state->date = date;
  const std::size_t n = entities.size();
  state->listed.assign(n, 0);
  std::vector<uint32_t> seeds;
  for (uint32_t e : listed_entities) {
    if (!ListedOn(e, state->lists, date).empty()) {
      state->listed[e] = 1;
      seeds.push_back(e);
    }
  }
  state->blocked = state->listed;
  state->upper = state->listed;
  auto all = [](uint32_t) { return true; };
  // The exact and the upper-bound propagation are independent: one thread
  // each on a large graph.
  RunBoth(
      n + owner.size() >= kParallelMinItems,
      [&] { Propagate(date, /*upper=*/false, seeds, state->blocked, all); },
      [&] { Propagate(date, /*upper=*/true, seeds, state->upper, all); });
  return state;
}

// Everything reachable from `start` through counted holdings of any date,
// plus (unless `counted_only`) the entities those control: control edges
// end there, they do not propagate blocking.
std::vector<uint32_t> OwnershipGraph::Impl::Downstream(
    uint32_t start, bool counted_only) const {
  std::vector<uint32_t> queue{start};
  std::unordered_set<uint32_t> expanded{start};
  std::vector<uint32_t> controlled;
  for (std::size_t i = 0; i < queue.size(); ++i) {
    ForEachOut(queue[i], [&](uint32_t e) {
      if (Counts(kind[e])) {
        if (expanded.insert(owned[e]).second) queue.push_back(owned[e]);
      } else if (!counted_only) {
        controlled.push_back(owned[e]);
      }
    });
  }
  for (uint32_t c : controlled) {
    if (expanded.insert(c).second) queue.push_back(c);
  }
  return queue;
}

void OwnershipGraph::Impl::RecomputeRegion(
    ScanState& state, const std::vector<uint32_t>& region) const {
  std::unordered_set<uint32_t> in(region.begin(), region.end());
  auto in_region = [&](uint32_t v) { return in.count(v) != 0; };
  for (uint32_t v : region) {
    state.listed[v] = ListedOn(v, state.lists, state.date).empty() ? 0 : 1;
    state.blocked[v] = state.listed[v];
    state.upper[v] = state.listed[v];
  }
  for (int pass = 0; pass < 2; ++pass) {
    const bool upper = pass == 1;
    std::vector<uint8_t>& blocked = upper ? state.upper : state.blocked;
    auto is_blocked = [&](uint32_t o) { return blocked[o] != 0; };
    std::vector<uint32_t> queue;
    for (uint32_t v : region) {
      if (!blocked[v] &&
          SumWhere(v, state.date, upper, is_blocked) >= kThreshold - kEps) {
        blocked[v] = 1;
      }
      if (blocked[v]) queue.push_back(v);
    }
    Propagate(state.date, upper, std::move(queue), blocked, in_region);
  }
}

template <typename Blocked, typename Upper>
ShareResult OwnershipGraph::Impl::MakeResult(
    uint32_t v, const std::vector<std::string>& lists, int32_t date,
    Blocked&& blocked, Upper&& upper, bool explain) const {
  ShareResult r;
  r.entity = entities[v].id;
  r.listed_directly = !ListedOn(v, lists, date).empty();
  r.blocked = blocked(v);
  r.blocked_upper_bound = upper(v);
  OwnerShares owners;
  OwnersWhere(v, date, false, blocked, &owners);
  for (const auto& [o, p] : owners) r.share += p;
  r.share_upper_bound = std::min(100.0, SumWhere(v, date, true, upper));

  // Control without ownership: reported, never counted.
  ForEachIn(v, [&](uint32_t e) {
    if (kind[e] != HoldingKind::kControl || !InForce(e, date)) return;
    if (!blocked(owner[e])) return;
    const std::string& id = entities[owner[e]].id;
    if (std::find(r.controlled_by.begin(), r.controlled_by.end(), id) ==
        r.controlled_by.end()) {
      r.controlled_by.push_back(id);
    }
  });

  // Unknown percentages held by owners that are (possibly) blocked. When
  // explaining, also those further up, behind possibly-blocked owners.
  {
    std::vector<uint32_t> todo{v};
    std::unordered_set<uint32_t> seen{v};
    for (std::size_t i = 0; i < todo.size(); ++i) {
      const uint32_t x = todo[i];
      ForEachIn(x, [&](uint32_t e) {
        if (!Counts(kind[e]) || !InForce(e, date) || !upper(owner[e])) return;
        if (std::isnan(pct[e]) &&
            r.unknown_percentages.size() < kMaxUnknownReported) {
          r.unknown_percentages.push_back(Describe(e));
        }
        const uint32_t o = owner[e];
        if (explain && !blocked(o) && seen.insert(o).second) todo.push_back(o);
      });
    }
  }

  // Owners' known shares past 100% on this date.
  {
    const double total =
        SumWhere(v, date, false, [](uint32_t) { return true; });
    if (total > 100 + kEps) {
      r.warnings.push_back("owners' known shares of " + r.entity + " sum to " +
                           FormatPercent(total) + "% on " + FormatDate(date));
    }
  }

  // Paths: per blocked direct owner (largest first), every chain of blocked
  // owners up to a listed party. The contribution of a chain is its last
  // holding's percent.
  std::unordered_set<uint32_t> cycle_comps;
  auto note_cycle = [&](uint32_t x) {
    if (comp_members.count(comp[x])) cycle_comps.insert(comp[x]);
  };
  note_cycle(v);
  if (!r.listed_directly) {
    std::sort(owners.begin(), owners.end(),
              [](const auto& a, const auto& b) { return a.second > b.second; });
    int budget = kPathStepBudget;
    std::vector<uint32_t> chain;    // from the direct owner upward
    std::vector<double> chain_pct;  // chain_pct[i]: chain[i] -> below
    std::function<void(uint32_t)> up = [&](uint32_t x) {
      if (r.paths_truncated || --budget < 0) return;
      const std::string list = ListedOn(x, lists, date);
      if (!list.empty()) {
        if (r.paths.size() >= ShareResult::kMaxPaths) {
          r.paths_truncated = true;
          return;
        }
        OwnershipPath path;
        for (std::size_t i = chain.size(); i-- > 0;) {
          path.entities.push_back(entities[chain[i]].id);
          path.percents.push_back(chain_pct[i]);
          note_cycle(chain[i]);
        }
        path.entities.push_back(r.entity);
        path.contribution = chain_pct.front();
        path.listed_owner = path.entities.front();
        path.list = list;
        r.paths.push_back(std::move(path));
        return;
      }
      OwnerShares above;
      OwnersWhere(x, date, false, blocked, &above);
      std::sort(above.begin(), above.end(), [](const auto& a, const auto& b) {
        return a.second > b.second;
      });
      for (const auto& [o, p] : above) {
        if (o == v || std::find(chain.begin(), chain.end(), o) != chain.end()) {
          continue;  // cross-holding: already on this chain
        }
        chain.push_back(o);
        chain_pct.push_back(p);
        up(o);
        chain.pop_back();
        chain_pct.pop_back();
        if (r.paths_truncated) return;
      }
    };
    for (const auto& [o, p] : owners) {
      chain.assign(1, o);
      chain_pct.assign(1, p);
      up(o);
      if (r.paths_truncated) break;
    }
    if (budget < 0) r.paths_truncated = true;
  }
  for (uint32_t c : cycle_comps) {
    const auto& members = comp_members.at(c);
    for (std::size_t i = 0; i < members.size() && i < kMaxCycleMembers; ++i) {
      r.cycles.push_back(entities[members[i]].id);
    }
    if (members.size() > kMaxCycleMembers) {
      r.cycles.push_back("... (" + std::to_string(members.size()) +
                         " entities in this cycle)");
    }
  }
  return r;
}

OwnershipGraph::OwnershipGraph() : impl_(std::make_unique<Impl>()) {}
OwnershipGraph::OwnershipGraph(OwnershipGraph&&) noexcept = default;
OwnershipGraph& OwnershipGraph::operator=(OwnershipGraph&&) noexcept = default;
OwnershipGraph::~OwnershipGraph() = default;

Result<OwnershipGraph> OwnershipGraph::Build(std::vector<Entity> entities,
                                             std::vector<Holding> holdings) {
  OwnershipGraph graph;
  Impl& g = *graph.impl_;
  if (entities.size() >= kNone / 2 || holdings.size() >= kNone / 2) {
    return Fail(ErrorCode::kInvalidArgument, "ownership graph too large");
  }
  g.entities = std::move(entities);
  const std::size_t n = g.entities.size();
  std::size_t cap = 16;
  while (cap < 2 * n) cap *= 2;
  g.slots.assign(cap, 0);
  g.slot_mask = cap - 1;
  g.has_listing.assign(n, 0);
  for (uint32_t e = 0; e < n; ++e) {
    const Entity& ent = g.entities[e];
    if (ent.id.empty()) {
      return Fail(ErrorCode::kInvalidArgument,
                  "entity #" + std::to_string(e + 1) + ": empty id");
    }
    if (!g.Insert(e)) {
      return Fail(ErrorCode::kInvalidArgument,
                  "entity " + ent.id + ": duplicate id");
    }
    for (const Listing& l : ent.listings) {
      if (auto ok = CheckListing(ent.id, l); !ok)
        return std::unexpected(ok.error());
    }
    if (!ent.listings.empty()) {
      g.has_listing[e] = 1;
      g.listed_entities.push_back(e);
    }
  }

  const std::size_t m = holdings.size();
  g.owner.reserve(m);
  g.owned.reserve(m);
  g.pct.reserve(m);
  g.kind.reserve(m);
  g.from.reserve(m);
  g.to.reserve(m);
  g.source.reserve(m);
  g.ref_off.reserve(m + 1);
  std::unordered_map<std::string, uint16_t> source_ids;
  std::vector<uint32_t> resolved(2 * m);
  {
    const std::size_t half = m / 2;
    RunBoth(
        m >= kParallelMinItems,
        [&] { g.ResolveIds(holdings, 0, half, resolved.data()); },
        [&] { g.ResolveIds(holdings, half, m, resolved.data()); });
  }
  for (std::size_t i = 0; i < m; ++i) {
    const Holding& h = holdings[i];
    Result<CheckedHolding> c =
        g.CheckResolved(h, i, resolved[2 * i], resolved[2 * i + 1]);
    if (!c) return std::unexpected(c.error());
    g.owner.push_back(c->owner);
    g.owned.push_back(c->owned);
    g.pct.push_back(c->pct);
    g.kind.push_back(h.kind);
    g.from.push_back(c->from);
    g.to.push_back(c->to);
    auto [it, added] = source_ids.emplace(h.source, uint16_t(g.sources.size()));
    if (added) {
      if (g.sources.size() >= 65535) {
        return Fail(ErrorCode::kInvalidArgument,
                    "more than 65535 holding sources");
      }
      g.sources.push_back(h.source);
    }
    g.source.push_back(it->second);
    g.ref_pool += h.record_ref;
    g.ref_off.push_back(g.ref_pool.size());
  }
  holdings.clear();
  holdings.shrink_to_fit();
  resolved.clear();
  resolved.shrink_to_fit();

  // CSR in both directions (counting sort by owner / by owned).
  auto make_csr = [&](const std::vector<uint32_t>& key,
                      std::vector<uint32_t>& off,
                      std::vector<uint32_t>& edges) {
    off.assign(n + 1, 0);
    for (uint32_t k : key) ++off[k + 1];
    for (std::size_t i = 0; i < n; ++i) off[i + 1] += off[i];
    edges.resize(m);
    std::vector<uint32_t> pos(off.begin(), off.end() - 1);
    for (uint32_t e = 0; e < m; ++e) edges[pos[key[e]]++] = e;
  };
  make_csr(g.owner, g.out_off, g.out_edges);
  make_csr(g.owned, g.in_off, g.in_edges);
  g.has_extra.assign(n, 0);

  // Cycles: strongly connected components of the counted holdings.
  {
    using Csr = boost::compressed_sparse_row_graph<
        boost::directedS, boost::no_property, boost::no_property,
        boost::no_property, uint32_t, uint32_t>;
    std::vector<std::pair<uint32_t, uint32_t>> pairs;
    pairs.reserve(m);
    for (uint32_t e = 0; e < m; ++e) {
      if (Counts(g.kind[e])) pairs.emplace_back(g.owner[e], g.owned[e]);
    }
    try {
      Csr csr(boost::edges_are_unsorted_multi_pass, pairs.begin(), pairs.end(),
              n);
      pairs.clear();
      pairs.shrink_to_fit();
      g.comp.assign(n, 0);
      g.next_comp = uint32_t(boost::strong_components(
          csr, boost::make_iterator_property_map(
                   g.comp.begin(), boost::get(boost::vertex_index, csr))));
    } catch (const std::exception& ex) {
      return Fail(ErrorCode::kInternal,
                  std::string("strongly connected components: ") + ex.what());
    }
    std::vector<uint32_t> comp_size(g.next_comp, 0);
    for (uint32_t c : g.comp) ++comp_size[c];
    for (uint32_t v = 0; v < n; ++v) {
      if (comp_size[g.comp[v]] > 1) g.comp_members[g.comp[v]].push_back(v);
    }
  }

  // Owners' known shares past 100% on some date: the in-force sum only
  // grows at a valid_from, so checking each start date finds the maximum.
  for (uint32_t v = 0; v < n; ++v) {
    double total = 0;
    g.ForEachIn(v, [&](uint32_t e) {
      if (Counts(g.kind[e]) && !std::isnan(g.pct[e])) total += g.pct[e];
    });
    if (total <= 100 + kEps) continue;
    double worst = 0;
    int32_t worst_date = 0;
    g.ForEachIn(v, [&](uint32_t e) {
      if (!Counts(g.kind[e])) return;
      const double s =
          g.SumWhere(v, g.from[e], false, [](uint32_t) { return true; });
      if (s > worst) {
        worst = s;
        worst_date = g.from[e];
      }
    });
    if (worst > 100 + kEps) {
      g.warnings.push_back("owners' known shares of " + g.entities[v].id +
                           " sum to " + FormatPercent(worst) + "%" +
                           (worst_date == kMinDate
                                ? std::string()
                                : " from " + FormatDate(worst_date)));
    }
  }
  return graph;
}

Result<CheckedHolding> OwnershipGraph::Impl::CheckHolding(
    const Holding& h, std::size_t index) const {
  return CheckResolved(h, index, Find(h.owner), Find(h.owned));
}

Result<CheckedHolding> OwnershipGraph::Impl::CheckResolved(
    const Holding& h, std::size_t index, uint32_t owner_index,
    uint32_t owned_index) const {
  auto bad = [&](const std::string& why) {
    return Fail(ErrorCode::kInvalidArgument, RecordName(h, index) + ": " + why);
  };
  CheckedHolding c{};
  c.owner = owner_index;
  if (c.owner == kNone) return bad("unknown owner entity id '" + h.owner + "'");
  c.owned = owned_index;
  if (c.owned == kNone) return bad("unknown owned entity id '" + h.owned + "'");
  if (c.owner == c.owned) return bad("self-ownership of " + h.owner);
  c.pct = std::numeric_limits<double>::quiet_NaN();
  if (h.percent) {
    const double p = *h.percent;
    if (!std::isfinite(p) || p < 0 || p > 100) {
      return bad("percent " + FormatPercent(p) + " outside 0..100");
    }
    c.pct = p;
  }
  std::optional<int32_t> f = kMinDate, t = kMaxDate;
  if (!h.valid_from.empty()) f = ParseIsoDate(h.valid_from);
  if (!h.valid_to.empty()) t = ParseIsoDate(h.valid_to);
  if (!f || !t) {
    return bad("dates must be YYYY-MM-DD (valid_from '" + h.valid_from +
               "', valid_to '" + h.valid_to + "')");
  }
  if (*f > *t) {
    return bad("valid_from " + h.valid_from + " is after valid_to " +
               h.valid_to);
  }
  c.from = *f;
  c.to = *t;
  return c;
}

namespace {

Result<int32_t> ParseAsOf(std::string_view as_of) {
  std::optional<int32_t> d = ParseIsoDate(as_of);
  if (!d) {
    return Fail(
        ErrorCode::kInvalidArgument,
        "as-of date must be YYYY-MM-DD, got '" + std::string(as_of) + "'");
  }
  return *d;
}

std::vector<std::string> SortedLists(std::vector<std::string> lists) {
  std::sort(lists.begin(), lists.end());
  lists.erase(std::unique(lists.begin(), lists.end()), lists.end());
  return lists;
}

}  // namespace

Result<ShareResult> OwnershipGraph::AggregateListedShare(
    std::string_view entity, const std::vector<std::string>& lists,
    std::string_view as_of) const {
  const Impl& g = *impl_;
  Result<int32_t> date = ParseAsOf(as_of);
  if (!date) return std::unexpected(date.error());
  const uint32_t v = g.Find(entity);
  if (v == kNone) {
    return Fail(ErrorCode::kNotFound,
                "no entity '" + std::string(entity) + "'");
  }
  // The subject's status depends only on its ancestors through counted
  // holdings in force (and its controllers' ancestors): compute there.
  std::unordered_map<uint32_t, uint8_t> state;  // bit 0 blocked, 1 upper
  std::vector<uint32_t> anc{v};
  state.emplace(v, 0);
  for (std::size_t i = 0; i < anc.size(); ++i) {
    g.ForEachIn(anc[i], [&](uint32_t e) {
      if (!g.InForce(e, *date)) return;
      if (!Counts(g.kind[e]) && anc[i] != v) return;
      if (state.emplace(g.owner[e], 0).second) anc.push_back(g.owner[e]);
    });
  }
  for (int pass = 0; pass < 2; ++pass) {
    const uint8_t bit = pass == 0 ? 1 : 2;
    const bool upper = pass == 1;
    auto is = [&](uint32_t o) {
      auto it = state.find(o);
      return it != state.end() && (it->second & bit);
    };
    std::vector<uint32_t> queue;
    for (uint32_t a : anc) {
      if (!g.ListedOn(a, lists, *date).empty()) {
        state[a] |= bit;
        queue.push_back(a);
      }
    }
    while (!queue.empty()) {
      const uint32_t u = queue.back();
      queue.pop_back();
      g.ForEachOut(u, [&](uint32_t e) {
        if (!Counts(g.kind[e]) || !g.InForce(e, *date)) return;
        auto it = state.find(g.owned[e]);
        if (it == state.end() || (it->second & bit)) return;
        if (g.SumWhere(g.owned[e], *date, upper, is) >= kThreshold - kEps) {
          it->second |= bit;
          queue.push_back(g.owned[e]);
        }
      });
    }
  }
  auto blocked = [&](uint32_t o) {
    auto it = state.find(o);
    return it != state.end() && (it->second & 1);
  };
  auto upper = [&](uint32_t o) {
    auto it = state.find(o);
    return it != state.end() && (it->second & 2);
  };
  return g.MakeResult(v, lists, *date, blocked, upper, /*explain=*/true);
}

std::vector<ShareResult> OwnershipGraph::ScanAll(
    const std::vector<std::string>& lists, std::string_view as_of) const {
  const Impl& g = *impl_;
  Result<int32_t> date = ParseAsOf(as_of);
  if (!date) return {};
  std::vector<std::string> key = SortedLists(lists);
  std::shared_ptr<ScanState> state;
  {
    std::lock_guard<std::mutex> lock(g.mu);
    if (g.cache && g.cache->date == *date && g.cache->lists == key)
      state = g.cache;
  }
  if (!state) {
    state = g.ComputeState(key, *date);
    std::lock_guard<std::mutex> lock(g.mu);
    g.cache = state;
  }
  // Candidates: blocked entities and everything directly held by a
  // (possibly) blocked owner.
  const std::size_t n = g.entities.size();
  std::vector<uint8_t> mark(n, 0);
  for (uint32_t u = 0; u < n; ++u) {
    if (!state->upper[u]) continue;
    if (state->blocked[u]) mark[u] = 1;
    g.ForEachOut(u, [&](uint32_t e) {
      if (g.InForce(e, *date)) mark[g.owned[e]] = 1;
    });
  }
  std::vector<uint32_t> candidates;
  for (uint32_t v = 0; v < n; ++v) {
    if (mark[v]) candidates.push_back(v);
  }
  mark.clear();
  mark.shrink_to_fit();
  auto blocked = [&](uint32_t o) { return state->blocked[o] != 0; };
  auto upper = [&](uint32_t o) { return state->upper[o] != 0; };
  std::vector<std::optional<ShareResult>> slots(candidates.size());
  auto work = [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      ShareResult r =
          g.MakeResult(candidates[i], lists, *date, blocked, upper, false);
      if (r.blocked || r.share > 0 || !r.controlled_by.empty() ||
          !r.unknown_percentages.empty()) {
        slots[i] = std::move(r);
      }
    }
  };
  const std::size_t half = candidates.size() / 2;
  RunBoth(
      candidates.size() >= kParallelMinCandidates, [&] { work(0, half); },
      [&] { work(half, candidates.size()); });
  std::vector<ShareResult> out;
  for (auto& s : slots) {
    if (s) out.push_back(std::move(*s));
  }
  return out;
}

Result<ParentChain> OwnershipGraph::UltimateParent(
    std::string_view entity, std::string_view as_of) const {
  const Impl& g = *impl_;
  Result<int32_t> date = ParseAsOf(as_of);
  if (!date) return std::unexpected(date.error());
  uint32_t v = g.Find(entity);
  if (v == kNone) {
    return Fail(ErrorCode::kNotFound,
                "no entity '" + std::string(entity) + "'");
  }
  ParentChain pc;
  std::vector<uint32_t> seen{v};
  pc.chain.push_back(g.entities[v].id);
  OwnerShares owners;
  for (;;) {
    g.OwnersWhere(
        v, *date, false, [](uint32_t) { return true; }, &owners);
    uint32_t next = kNone;
    double next_pct = 0;
    int majority = 0;
    bool half = false;
    for (const auto& [o, p] : owners) {
      if (p > kThreshold + kEps) {
        ++majority;
        next = o;
        next_pct = p;
      } else if (p >= kThreshold - kEps) {
        half = true;
      }
    }
    bool unknown = false;
    g.ForEachIn(v, [&](uint32_t e) {
      if (Counts(g.kind[e]) && g.InForce(e, *date) && std::isnan(g.pct[e])) {
        unknown = true;
      }
    });
    if (majority != 1) {
      // No single majority owner: a 50/50 split, several owners claiming
      // a majority (data error) or unknown percentages that might hide one.
      if (majority > 1 || half || unknown) pc.ambiguous = true;
      break;
    }
    if (std::find(seen.begin(), seen.end(), next) != seen.end()) {
      pc.cycle = true;
      break;
    }
    seen.push_back(next);
    pc.chain.push_back(g.entities[next].id);
    pc.percents.push_back(next_pct);
    v = next;
  }
  pc.ultimate_parent = pc.chain.back();
  const Entity& top = g.entities[v];
  pc.hq_country = top.hq_country.empty() ? top.country : top.hq_country;
  return pc;
}

Result<std::vector<std::string>> OwnershipGraph::ApplyListing(
    std::string_view entity, Listing listing) {
  Impl& g = *impl_;
  const uint32_t v = g.Find(entity);
  if (v == kNone) {
    return Fail(ErrorCode::kNotFound,
                "no entity '" + std::string(entity) + "'");
  }
  if (auto ok = CheckListing(g.entities[v].id, listing); !ok) {
    return std::unexpected(ok.error());
  }
  g.entities[v].listings.push_back(std::move(listing));
  if (!g.has_listing[v]) {
    g.has_listing[v] = 1;
    g.listed_entities.push_back(v);
  }
  const std::vector<uint32_t> region = g.Downstream(v, false);
  {
    std::lock_guard<std::mutex> lock(g.mu);
    if (g.cache) g.RecomputeRegion(*g.cache, region);
  }
  std::vector<std::string> ids;
  ids.reserve(region.size());
  for (uint32_t x : region) ids.push_back(g.entities[x].id);
  return ids;
}

Result<std::vector<std::string>> OwnershipGraph::ApplyHolding(Holding holding) {
  Impl& g = *impl_;
  Result<CheckedHolding> c = g.CheckHolding(holding, g.owner.size());
  if (!c) return std::unexpected(c.error());
  // The same record again (owner, owned, kind, record_ref): replace it.
  uint32_t existing = kNone;
  g.ForEachOut(c->owner, [&](uint32_t e) {
    if (g.owned[e] == c->owned && g.kind[e] == holding.kind &&
        g.RecordRef(e) == holding.record_ref) {
      existing = e;
    }
  });
  uint16_t src = 0;
  {
    auto it = std::find(g.sources.begin(), g.sources.end(), holding.source);
    if (it == g.sources.end()) {
      if (g.sources.size() >= 65535) {
        return Fail(ErrorCode::kInvalidArgument,
                    "more than 65535 holding sources");
      }
      g.sources.push_back(holding.source);
      it = g.sources.end() - 1;
    }
    src = uint16_t(it - g.sources.begin());
  }
  uint32_t e = existing;
  if (e == kNone) {
    e = uint32_t(g.owner.size());
    g.owner.push_back(c->owner);
    g.owned.push_back(c->owned);
    g.pct.push_back(c->pct);
    g.kind.push_back(holding.kind);
    g.from.push_back(c->from);
    g.to.push_back(c->to);
    g.source.push_back(src);
    g.ref_pool += holding.record_ref;
    g.ref_off.push_back(g.ref_pool.size());
    g.extra_out[c->owner].push_back(e);
    g.extra_in[c->owned].push_back(e);
    g.has_extra[c->owner] |= 1;
    g.has_extra[c->owned] |= 2;
  } else {
    g.pct[e] = c->pct;
    g.from[e] = c->from;
    g.to[e] = c->to;
    g.source[e] = src;
  }
  {
    std::lock_guard<std::mutex> lock(g.mu);
    g.materialized.clear();
  }

  // A new counted edge that closes a cycle merges the components on it:
  // the entities reachable from `owned` that reach back to `owner`.
  if (Counts(holding.kind) && g.comp[c->owner] != g.comp[c->owned]) {
    std::vector<uint32_t> down = g.Downstream(c->owned, true);
    std::unordered_set<uint32_t> down_set(down.begin(), down.end());
    if (down_set.count(c->owner)) {
      std::vector<uint32_t> back{c->owner};
      std::unordered_set<uint32_t> on_cycle{c->owner};
      for (std::size_t i = 0; i < back.size(); ++i) {
        g.ForEachIn(back[i], [&](uint32_t f) {
          const uint32_t o = g.owner[f];
          if (Counts(g.kind[f]) && down_set.count(o) &&
              on_cycle.insert(o).second) {
            back.push_back(o);
          }
        });
      }
      std::unordered_set<uint32_t> old_comps;
      for (uint32_t x : on_cycle) old_comps.insert(g.comp[x]);
      std::vector<uint32_t> members;
      for (uint32_t oc : old_comps) {
        auto it = g.comp_members.find(oc);
        if (it == g.comp_members.end()) continue;
        members.insert(members.end(), it->second.begin(), it->second.end());
        g.comp_members.erase(it);
      }
      for (uint32_t x : on_cycle) {
        if (g.comp_members.count(g.comp[x]) == 0) members.push_back(x);
      }
      std::sort(members.begin(), members.end());
      members.erase(std::unique(members.begin(), members.end()), members.end());
      const uint32_t nc = g.next_comp++;
      for (uint32_t x : members) g.comp[x] = nc;
      g.comp_members[nc] = std::move(members);
    }
  }

  // Owners past 100% on the holding's start date.
  if (Counts(holding.kind)) {
    const double s =
        g.SumWhere(c->owned, c->from, false, [](uint32_t) { return true; });
    if (s > 100 + kEps) {
      g.warnings.push_back(
          "owners' known shares of " + g.entities[c->owned].id + " sum to " +
          FormatPercent(s) + "%" +
          (c->from == kMinDate ? std::string()
                               : " from " + FormatDate(c->from)));
    }
  }

  const std::vector<uint32_t> region = Counts(holding.kind)
                                           ? g.Downstream(c->owned, false)
                                           : std::vector<uint32_t>{c->owned};
  {
    std::lock_guard<std::mutex> lock(g.mu);
    if (g.cache) g.RecomputeRegion(*g.cache, region);
  }
  std::vector<std::string> ids;
  ids.reserve(region.size());
  for (uint32_t x : region) ids.push_back(g.entities[x].id);
  return ids;
}

const std::vector<std::string>& OwnershipGraph::BuildWarnings() const {
  return impl_->warnings;
}

std::size_t OwnershipGraph::entity_count() const {
  return impl_->entities.size();
}
std::size_t OwnershipGraph::holding_count() const {
  return impl_->owner.size();
}

const Entity* OwnershipGraph::FindEntity(std::string_view id) const {
  const uint32_t e = impl_->Find(id);
  return e == kNone ? nullptr : &impl_->entities[e];
}

std::vector<const Holding*> OwnershipGraph::OwnersOf(
    std::string_view entity, std::string_view as_of) const {
  const Impl& g = *impl_;
  std::vector<const Holding*> out;
  const uint32_t v = g.Find(entity);
  std::optional<int32_t> date = ParseIsoDate(as_of);
  if (v == kNone || !date) return out;
  std::lock_guard<std::mutex> lock(g.mu);
  g.ForEachIn(v, [&](uint32_t e) {
    if (!g.InForce(e, *date)) return;
    std::unique_ptr<Holding>& h = g.materialized[e];
    if (!h) {
      h = std::make_unique<Holding>();
      h->owner = g.entities[g.owner[e]].id;
      h->owned = g.entities[g.owned[e]].id;
      if (!std::isnan(g.pct[e])) h->percent = g.pct[e];
      h->kind = g.kind[e];
      h->source = g.sources[g.source[e]];
      h->record_ref = std::string(g.RecordRef(e));
      h->valid_from = FormatDate(g.from[e]);
      h->valid_to = FormatDate(g.to[e]);
    }
    out.push_back(h.get());
  });
  return out;
}

}  // namespace clearance::ownership
