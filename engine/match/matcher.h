// engine/match: screening names and identifiers against the imported lists.
//
//   auto matcher = Matcher::Open(store, {});       // loads or builds the index
//   auto hits = matcher->ScreenName({.name = "Zhipu AI", .type = kEntity});
//   for (const Hit& h : hits) ... h.score, h.explanation ...
//
// The index covers every name (primary and aliases, every script) of the
// latest version of each selected list. Candidates are found through token,
// character n-gram and phonetic keys (rare keys weigh more; no scan of all
// names), then scored by Scorer (scorer.h). Scores are in [0, 1] and
// calibrated so that kDefaultThreshold is the one threshold to use.
//
// Identifier hits (crypto addresses, LEI, USCC, IMO, passports) are exact
// and always outrank name hits.
//
// Thread safety: a Matcher is immutable after Open(); Screen*() may be
// called concurrently from many threads.
#ifndef CLEARANCE_ENGINE_MATCH_MATCHER_H_
#define CLEARANCE_ENGINE_MATCH_MATCHER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/common/error.h"
#include "engine/lists/model.h"

namespace clearance::match {

inline constexpr double kDefaultThreshold = 0.80;

// How one query token lined up with one listed token.
struct TokenAlignment {
  std::string query_token;   // surface form in the query
  std::string listed_token;  // surface form in the listed name
  double similarity = 0;     // 0..1 (1 = identical keys)
  double weight = 0;         // rarity weight of the listed token
  std::string how;  // "exact", "jaro-winkler", "phonetic", "transliteration",
                    // "abbreviation", "initial", "compact"
};

struct Explanation {
  std::vector<TokenAlignment> aligned;
  std::vector<std::string> unmatched_query;   // query tokens with no partner
  std::vector<std::string> unmatched_listed;  // listed tokens with no partner
  // Adjustments with their reason, e.g. {"weak alias", -0.05},
  // {"legal form differs (llc vs ltd)", -0.02}, {"year of birth matches",
  // +0.03},
  // {"country differs", -0.05}, {"type differs (person vs entity)", -0.10}.
  std::vector<std::pair<std::string, double>> adjustments;
  double name_score = 0;  // before adjustments
};

struct Hit {
  std::string list;  // list code, e.g. "OFAC-SDN"
  std::int64_t version_id = 0;
  std::string party_id;    // source id within the list
  std::string party_name;  // primary name
  lists::PartyType party_type = lists::PartyType::kUnknown;
  std::string matched_name;  // the listed name (any script) that matched
  std::string matched_script;
  lists::AliasStrength matched_strength = lists::AliasStrength::kPrimary;
  double score = 0;              // 0..1, calibrated
  bool identifier_hit = false;   // exact identifier match (score 1)
  std::string identifier_type;   // for identifier hits
  std::string identifier_value;  // as listed
  Explanation explanation;
  std::vector<std::string> programs;
};

struct NameQuery {
  std::string name;
  lists::PartyType type = lists::PartyType::kUnknown;  // person/entity/...
  std::string country;                                 // ISO alpha-2 or ""
  std::string dob;  // "YYYY" or "YYYY-MM-DD" or ""
  int limit = 10;
  double threshold = kDefaultThreshold;
};

struct MatcherOptions {
  // List codes to screen against; empty = the latest version of every list.
  std::vector<std::string> lists;
  // Where the index cache lives; "" = "<db path>.match-index". The cache is
  // rebuilt when the set of list versions or the engine version changes.
  std::string cache_path;
  bool use_cache = true;
};

class Matcher {
 public:
  // Builds a matcher over already-loaded documents (tests, `match pairs`).
  static Result<std::unique_ptr<Matcher>> FromDocuments(
      const std::vector<std::pair<std::int64_t, lists::ListDocument>>& docs,
      const MatcherOptions& options = {});
  // Builds (or loads from cache) a matcher over the store at `db_path`.
  static Result<std::unique_ptr<Matcher>> Open(
      const std::string& db_path, const MatcherOptions& options = {});
  ~Matcher();

  // Name hits at or above query.threshold, best first, at most query.limit.
  // An empty or meaningless query gives no hits (not an error).
  std::vector<Hit> ScreenName(const NameQuery& query) const;

  // Exact identifier hits for `value` (crypto address, LEI, USCC, IMO,
  // passport/ID number).
  std::vector<Hit> ScreenIdentifier(const std::string& value) const;

  // Scores two names against each other without any list (match pairs).
  // `type` may be kUnknown.
  double ScorePair(const std::string& a, const std::string& b,
                   lists::PartyType type,
                   Explanation* explanation = nullptr) const;

  // Number of indexed names and parties; memory used by the index.
  std::size_t name_count() const;
  std::size_t party_count() const;
  std::size_t memory_bytes() const;
  // The list versions the index covers.
  const std::vector<std::int64_t>& version_ids() const;

 private:
  Matcher();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace clearance::match

#endif  // CLEARANCE_ENGINE_MATCH_MATCHER_H_
