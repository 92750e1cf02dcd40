// engine/ownership: the ownership graph and the look-through rules that use
// it (OFAC 50% rule, BIS Affiliates rule, D:5/Macau headquarters test).
// The one module that uses Boost.Graph. Semantics and citations:
// docs/ownership.md.
//
//   OwnershipGraph graph = OwnershipGraph::Build(entities, holdings).value();
//   ShareResult r = graph.AggregateListedShare("acct:ACME-SG", {"OFAC-SDN"},
//   "2026-03-01"); if (r.share >= 50) ...   r.paths explain every contribution
//
// Entity ids are strings namespaced by origin: "OFAC-SDN:12345" (a listed
// party: list code + the publisher's id), "LEI:5493001KJTIIGC8Y1R12" (GLEIF),
// "acct:ACME-SG" (the provider's own records). Percentages are 0..100.
//
// Thread safety: a built graph is immutable; queries are const and may run
// concurrently. Apply*() mutate and need exclusive access.
#ifndef CLEARANCE_ENGINE_OWNERSHIP_OWNERSHIP_H_
#define CLEARANCE_ENGINE_OWNERSHIP_OWNERSHIP_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/error.h"

namespace clearance::ownership {

enum class HoldingKind {
  kShares,   // equity ownership (counts toward the 50% rules)
  kVoting,   // voting interest (counts as ownership, documented choice)
  kControl,  // control without ownership: board seat, officer, management
  kNominee,  // held by a nominee on behalf of the owner (counts for the owner)
};

std::string_view HoldingKindName(HoldingKind kind);

// One ownership record: `owner` holds `percent` of `owned`.
struct Holding {
  std::string owner;
  std::string owned;
  std::optional<double> percent;  // nullopt = unknown (never treated as 0)
  HoldingKind kind = HoldingKind::kShares;
  std::string
      source;  // "provider", "gleif-rr", "bods", "OFAC-SDN relationship", ...
  std::string record_ref;  // where it came from: "owners.csv line 12", "RR
                           // 5493...", ...
  std::string valid_from;  // ISO date, "" = always
  std::string valid_to;    // ISO date inclusive, "" = open
};

// A listing of an entity on a restricted list, valid over a date range.
struct Listing {
  std::string list;         // list code, e.g. "OFAC-SDN", "BIS-EL", "BIS-MEU"
  std::string party_id;     // the publisher's id
  std::string listed_from;  // ISO date, "" = unknown (treated as listed)
  std::string listed_to;    // ISO date inclusive, "" = still listed
};

struct Entity {
  std::string id;
  std::string name;
  std::string country;     // of incorporation, ISO alpha-2
  std::string hq_country;  // principal place of business, ISO alpha-2
  std::vector<Listing> listings;
};

// One chain of holdings from a listed owner down to the subject.
struct OwnershipPath {
  std::vector<std::string> entities;  // listed owner first, subject last
  std::vector<double> percents;       // one per edge (effective, see below)
  double contribution = 0;            // share this path contributes
  std::string listed_owner;           // entities.front()
  std::string list;                   // the list that made the owner count
};

struct ShareResult {
  std::string entity;
  // Aggregate share held by listed (or, recursively, blocked) owners, OFAC
  // semantics: an entity >= 50% owned counts as blocked itself and its
  // holdings count in full up the chain; different owners' shares add up.
  double share = 0;
  bool blocked = false;  // listed itself, or share >= 50
  bool listed_directly = false;
  std::vector<OwnershipPath> paths;  // every contribution
  // Listed parties with control but no ownership (reported, not counted).
  std::vector<std::string> controlled_by;
  // Holdings on the way whose percentage is unknown: the share could be
  // higher. Each names the holding (owner -> owned, record_ref).
  std::vector<std::string> unknown_percentages;
  // Entities on a cycle of cross-holdings met while computing (reported).
  std::vector<std::string> cycles;
  // Owners' declared shares of one entity summing past 100% (data error).
  std::vector<std::string> warnings;
  // Upper bound: the same computation with every unknown percentage taken
  // as 100 (capped at 100), and whether the entity would then be blocked.
  // Red flag 29: a listed owner with an unknown percentage must be resolved.
  double share_upper_bound = 0;
  bool blocked_upper_bound = false;
  // `paths` holds at most kMaxPaths chains (largest contributions first);
  // true when more existed. `share` is always exact.
  bool paths_truncated = false;
  static constexpr std::size_t kMaxPaths = 20;
};

struct ParentChain {
  std::vector<std::string> chain;  // subject first, ultimate parent last
  std::vector<double> percents;
  std::string ultimate_parent;  // chain.back()
  std::string hq_country;       // of the ultimate parent
  bool cycle = false;           // the chain ran into a cycle (stopped)
  bool ambiguous = false;       // no single majority owner at some level
};

class OwnershipGraph {
 public:
  // Builds the graph. Errors name the record: percent outside 0..100,
  // self-ownership, valid_from after valid_to, unknown entity ids in
  // holdings (kInvalidArgument). Owners summing past 100% are warnings.
  static Result<OwnershipGraph> Build(std::vector<Entity> entities,
                                      std::vector<Holding> holdings);
  OwnershipGraph(OwnershipGraph&&) noexcept;
  OwnershipGraph& operator=(OwnershipGraph&&) noexcept;
  ~OwnershipGraph();

  // Aggregate share of `entity` held by parties on any of `lists`, with
  // holdings and listings in force on `as_of` (ISO date).
  Result<ShareResult> AggregateListedShare(
      std::string_view entity, const std::vector<std::string>& lists,
      std::string_view as_of) const;

  // The same for every entity at once (the scan); only entities that are
  // blocked, or have a share > 0, a blocked controller or an unknown
  // percentage held by a (possibly) blocked owner are returned, in the
  // order the entities were given to Build(). Uses two threads from
  // 1,000 candidates up (smaller graphs stay on the calling thread). The
  // computed state is cached for (lists, as_of) and kept up to date by
  // Apply*(), so a repeated scan skips the propagation.
  std::vector<ShareResult> ScanAll(const std::vector<std::string>& lists,
                                   std::string_view as_of) const;

  // The majority-owner chain up to the ultimate parent (an entity not itself
  // >50% owned by another), with its headquarters country.
  Result<ParentChain> UltimateParent(std::string_view entity,
                                     std::string_view as_of) const;

  // Incremental updates: recompute only what the change affects (the
  // entities reachable downstream of the change). Return the ids of entities
  // whose ScanAll result may have changed, for any lists and date.
  // ApplyListing: kNotFound for an unknown entity, kInvalidArgument for bad
  // dates. ApplyHolding: the same checks as Build(); a holding with the
  // same owner, owned, kind and record_ref replaces the earlier one.
  // Pointers returned by OwnersOf() are invalidated.
  Result<std::vector<std::string>> ApplyListing(std::string_view entity,
                                                Listing listing);
  Result<std::vector<std::string>> ApplyHolding(Holding holding);

  // Data warnings found by Build()/ApplyHolding(): owned entities whose
  // owners' known shares sum past 100% on some date.
  const std::vector<std::string>& BuildWarnings() const;

  std::size_t entity_count() const;
  std::size_t holding_count() const;
  const Entity* FindEntity(std::string_view id) const;
  // Direct owners of `entity` (holdings in force on `as_of`).
  std::vector<const Holding*> OwnersOf(std::string_view entity,
                                       std::string_view as_of) const;

 private:
  OwnershipGraph();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The BIS Affiliates rule's status on a date: "active" 2025-09-29..2025-11-09,
// "suspended" 2025-11-10..2026-11-09, after that `after_suspension` (a
// configuration value counsel maintains: "active", "suspended" or "unknown").
struct AffiliatesRuleConfig {
  std::string after_suspension = "active";
};
std::string AffiliatesRuleStatus(std::string_view as_of,
                                 const AffiliatesRuleConfig& config);

}  // namespace clearance::ownership

#endif  // CLEARANCE_ENGINE_OWNERSHIP_OWNERSHIP_H_
