// Internal to engine/match: the name scorer.
//
// Compares one query name form with one listed name form (a form is one
// romanization: the primary token sequence or a variant) and returns a raw
// agreement in [0, 1]:
//
//   1. Token similarity for every (query, listed) token pair: exact key 1.0,
//      phonetic key equal 0.90, Jaro-Winkler on keys (counted when >= 0.88),
//      abbreviation/prefix of >= 4 characters 0.85, a person's initial vs a
//      token starting with that letter 0.6, two forms of one given name in
//      different languages ("alexandros"/"alexander", group of
//      given_name_equivalents.tsv) kEquivalentNameSimilarity ("equivalent-
//      name"; counts as exact for the short-name guard). Legal forms of one
//      family ("OOO"/"LLC") agree ("legal form equivalent"); legal-form
//      tokens left over on either side whose family the other side has are
//      agreeing too, not unmatched.
//   2. One-to-one, order-independent alignment, greedy by best similarity
//      (at most kMaxTokens tokens a side).
//   3. Weighted Dice agreement: sum(sim * 2w) over aligned pairs divided by
//      the same plus the weights of unmatched tokens (query tokens at
//      kUnmatchedQueryFactor, listed tokens at kUnmatchedListedFactor, or
//      kUnmatchedListedEntityFactor for non-person names). w is
//      the rarity (IDF) of the listed token; legal forms weigh x0.1.
//   4. The compact keys (tokens joined without spaces) are also compared
//      (Levenshtein ratio) for segmentation differences ("AbdulRahman" vs
//      "Abdul Rahman", joined pinyin syllables); the better score wins.
//   5. Short-name guard: when either side has one informative token, the
//      pair passes only on a (nearly) exact token or compact match.
//
// Secondary fields and the calibration curve are applied by the caller with
// SecondaryAdjustments() and Calibrate().
//
// Tokens live in a string pool and are referred to by offsets so that the
// same structures serve the query (a small per-query pool) and the index
// (one big pool, written to the cache file as is).
//
// Thread safety: all functions are pure.
#ifndef CLEARANCE_ENGINE_MATCH_SCORER_H_
#define CLEARANCE_ENGINE_MATCH_SCORER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/match/matcher.h"

namespace clearance::match::internal {

inline constexpr std::size_t kMaxTokens = 16;
inline constexpr std::uint16_t kPlaceBit = 0x8000;
inline constexpr std::uint16_t kGroupMask = 0x7fff;
inline constexpr std::uint32_t kNoId = 0xffffffffu;

// TokenRole values as stored (mirrors text::TokenRole).
enum : std::uint8_t {
  kRoleWord = 0,
  kRoleLegalForm = 1,
  kRoleNumber = 2,
  kRoleInitial = 3,
};

// One token of one form. Offsets point into the owning pool.
struct PackedToken {
  std::uint32_t key_off = 0;
  std::uint32_t surface_off = 0;
  std::uint32_t phonetic_off = 0;
  // Dictionary ids (kNoId when the key is not in the index dictionary):
  // equal ids mean equal strings.
  std::uint32_t key_id = kNoId;
  std::uint32_t phonetic_id = kNoId;
  std::uint16_t key_len = 0;
  std::uint16_t surface_len = 0;
  std::uint8_t phonetic_len = 0;
  std::uint8_t role = kRoleWord;
  // text::NameToken::equivalence (given-name group for words, legal-form
  // family for legal forms; 0 = none) in the low 15 bits; kPlaceBit set for
  // place names.
  std::uint16_t group = 0;
  float weight = 1.0f;  // rarity weight (legal forms x0.1, places in company
                        // names x kPlaceFactor)
};

// A form: a run of tokens plus its compact key, resolved against a pool.
struct FormView {
  const char* pool = nullptr;
  const PackedToken* tokens = nullptr;
  std::size_t count = 0;
  std::string_view compact;
  bool person = false;  // the listed party (or query) is a person
  // LetterMask() of each token's key, parallel to `tokens`; null = compute.
  const std::uint64_t* masks = nullptr;

  std::string_view Key(const PackedToken& t) const {
    return {pool + t.key_off, t.key_len};
  }
  std::string_view Surface(const PackedToken& t) const {
    return {pool + t.surface_off, t.surface_len};
  }
  std::string_view Phonetic(const PackedToken& t) const {
    return {pool + t.phonetic_off, t.phonetic_len};
  }
};

// Tunables (documented in docs/matching.md once the evaluation lands).
inline constexpr double kUnmatchedQueryFactor = 1.0;
inline constexpr double kUnmatchedListedFactor = 0.7;
// Company names carry descriptive words (city, industry) that queries omit.
inline constexpr double kUnmatchedListedEntityFactor = 0.5;
inline constexpr double kJaroWinklerCutoff = 0.88;
inline constexpr double kEquivalentNameSimilarity = 0.92;

// One bit per letter or digit present in `key` (other bytes share bit 63):
// letters one side lacks cannot be Jaro matches (a cheap bound).
std::uint64_t LetterMask(std::string_view key);

// Jaro-Winkler similarity of two ASCII strings (prefix scale 0.1, at most 4
// characters). Strings longer than 64 bytes are compared on their first 64.
double JaroWinkler(std::string_view a, std::string_view b);
// 1 - Levenshtein distance / longer length (ASCII bytes; capped at 128).
double LevenshteinRatio(std::string_view a, std::string_view b);

// Raw name agreement of `query` vs `listed` in [0, 1]. When `explanation`
// is given, fills aligned/unmatched tokens and name_score (= the result).
// `floor`: a caller that discards pairs scoring below it may pass it, and
// the compact comparison is then skipped where it cannot reach the floor
// (such pairs may score lower than without it; pairs at or above the floor
// score exactly the same).
double ScoreForms(const FormView& query, const FormView& listed,
                  Explanation* explanation, double floor = 0.0);

// A year of birth or a published range of years.
struct YearRange {
  std::uint16_t from = 0;
  std::uint16_t to = 0;
};

// Facts about a listed party used by the secondary adjustments.
struct PartyFacts {
  lists::PartyType type = lists::PartyType::kUnknown;
  // Years of birth as [from, to] ranges (a single year gives from == to).
  const YearRange* dob_years = nullptr;
  std::size_t dob_count = 0;
  std::string_view countries;  // ISO alpha-2 codes concatenated ("CNHK")
};

// Adds secondary-field adjustments (type, DOB, country, alias strength) to
// `explanation` (may be null) and returns their sum.
double SecondaryAdjustments(const NameQuery& query, const PartyFacts& party,
                            lists::AliasStrength strength,
                            Explanation* explanation);

// Monotone piecewise-linear map from raw score (name score + adjustments)
// to the calibrated score, so that kDefaultThreshold is the operating point.
double Calibrate(double raw);

// Parses "YYYY", "YYYY-MM-DD" or "YYYY/YYYY" ranges into a year range;
// false when no year is present.
bool ParseYearRange(std::string_view date, std::uint16_t* from,
                    std::uint16_t* to);

}  // namespace clearance::match::internal

#endif  // CLEARANCE_ENGINE_MATCH_SCORER_H_
