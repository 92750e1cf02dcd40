#include "engine/match/scorer.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>

namespace clearance::match::internal {
namespace {

// How a token pair matched (index into kHowNames).
enum How : std::uint8_t {
  kNone,
  kExact,
  kTransliteration,
  kPhonetic,
  kJaroWinkler,
  kAbbreviation,
  kInitial,
  kEquivalentName,
  kLegalEquivalent,
};
constexpr std::array<const char*, 9> kHowNames = {
    "none",     "exact",           "transliteration",
    "phonetic", "jaro-winkler",    "abbreviation",
    "initial",  "equivalent-name", "legal form equivalent"};

constexpr double kPhoneticSimilarity = 0.90;
constexpr double kAbbreviationSimilarity = 0.85;
constexpr double kInitialSimilarity = 0.8;
constexpr double kPhoneticMinJaroWinkler = 0.85;
constexpr double kPhoneticMinJaroWinklerLong = 0.80;  // both >= 6 letters
constexpr double kJaroWinklerStretch = 2.5;
constexpr double kShortTokenCutoff = 0.92;
constexpr double kLongTokenStretch = 1.25;
constexpr double kLongTokenGuard = 0.85;
// A single-token side passes only on a token this similar (or compact).
constexpr double kShortNameExact = 0.95;
constexpr double kShortNameCap = 0.60;
// Tokens lighter than this are "common" (IDF-weighted; 1 = unique).
constexpr double kCommonWeight = 0.42;
constexpr double kCommonOnlyCap = 0.65;

bool HasNonAscii(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return true;
  }
  return false;
}

// No default member initializers: ScoreForms keeps a 16 x 16 array of
// these on the stack and fills only the n x m pairs it uses.
struct PairScore {
  float sim;
  How how;
};

// Characters of `s` whose letter occurs in `mask` at all: an upper bound of
// the Jaro matches of `s` against the string behind `mask`.
int CharsIn(std::string_view s, std::uint64_t mask) {
  int n = 0;
  for (unsigned char c : s) {
    int bit = c >= 'a' && c <= 'z'   ? c - 'a'
              : c >= '0' && c <= '9' ? 26 + (c - '0')
                                     : 63;
    n += int((mask >> bit) & 1);
  }
  return n;
}

PairScore TokenSimilarity(const FormView& qf, const PackedToken& q,
                          std::uint64_t q_mask, const FormView& lf,
                          const PackedToken& l, std::uint64_t l_mask) {
  std::string_view qk = qf.Key(q);
  std::string_view lk = lf.Key(l);
  bool equal = (q.key_id != kNoId && l.key_id != kNoId) ? q.key_id == l.key_id
                                                        : qk == lk;
  if (equal) {
    std::string_view qs = qf.Surface(q), ls = lf.Surface(l);
    bool translit = (HasNonAscii(qs) || HasNonAscii(ls)) && qs != ls;
    return {1.0f, translit ? kTransliteration : kExact};
  }
  if (qk.empty() || lk.empty()) return {};
  // Numbers match only exactly, legal forms exactly or within a family.
  if (q.role == kRoleNumber || l.role == kRoleNumber) return {};
  if ((q.role == kRoleLegalForm) != (l.role == kRoleLegalForm)) return {};
  const std::uint16_t qg = q.group & kGroupMask, lg = l.group & kGroupMask;
  if (q.role == kRoleLegalForm) {
    if (qg != 0 && qg == lg) return {1.0f, kLegalEquivalent};
    return {};
  }
  bool person = qf.person || lf.person;
  if (q.role == kRoleInitial || l.role == kRoleInitial || qk.size() == 1 ||
      lk.size() == 1) {
    if (person && qk[0] == lk[0]) return {float(kInitialSimilarity), kInitial};
    return {};
  }
  PairScore best{};
  if (qg != 0 && qg == lg && q.role == kRoleWord && l.role == kRoleWord) {
    best = {float(kEquivalentNameSimilarity), kEquivalentName};
  }
  // Length bound: Jaro <= (2 + short/long) / 3; JW adds at most 0.4 (1 - J).
  std::size_t shorter = std::min(qk.size(), lk.size());
  std::size_t longer = std::max(qk.size(), lk.size());
  double jaro_bound = (2.0 + double(shorter) / double(longer)) / 3.0;
  double jw = 0;
  if (jaro_bound + 0.4 * (1 - jaro_bound) >= kPhoneticMinJaroWinklerLong) {
    // Letters the other token lacks cannot be Jaro matches: a tighter
    // bound from the letter sets, far cheaper than Jaro-Winkler itself.
    double matches_bound =
        (q_mask & l_mask) == 0
            ? 0.0
            : double(std::min(CharsIn(qk, l_mask), CharsIn(lk, q_mask)));
    jaro_bound = (matches_bound / double(qk.size()) +
                  matches_bound / double(lk.size()) + 1.0) /
                 3.0;
    if (matches_bound > 0 &&
        jaro_bound + 0.4 * (1 - jaro_bound) >= kPhoneticMinJaroWinklerLong) {
      jw = JaroWinkler(qk, lk);
    }
  }
  // Short tokens (Chinese syllables, "lam"/"liam") need a closer spelling.
  if (jw >= (shorter <= 4 ? kShortTokenCutoff : kJaroWinklerCutoff)) {
    // Stretch: JW is generous (0.88 for "samuel"/"sam"); one typo in a
    // long token stays near 0.9, different short names fall well below.
    // Long tokens keep more of their JW: three edits in 16 letters are a
    // transliteration ("technopromexport"/"tekhnopromeksport"), not chance.
    double stretch = shorter >= 10 ? kLongTokenStretch : kJaroWinklerStretch;
    float sim = float(1.0 - stretch * (1.0 - jw));
    if (sim > best.sim) best = {sim, kJaroWinkler};
  }
  // The phonetic skeleton alone is too coarse ("mafalda"/"movalled"): it
  // counts only when the spelling is close too.
  const double phonetic_min =
      shorter >= 6 ? kPhoneticMinJaroWinklerLong : kPhoneticMinJaroWinkler;
  if (jw >= phonetic_min && q.phonetic_len >= 2 && l.phonetic_len >= 2 &&
      best.sim < kPhoneticSimilarity) {
    bool same = (q.phonetic_id != kNoId && l.phonetic_id != kNoId)
                    ? q.phonetic_id == l.phonetic_id
                    : qf.Phonetic(q) == lf.Phonetic(l);
    if (same) best = {float(kPhoneticSimilarity), kPhonetic};
  }
  if (shorter >= 4 && shorter < longer && best.sim < kAbbreviationSimilarity) {
    std::string_view s = qk.size() < lk.size() ? qk : lk;
    std::string_view g = qk.size() < lk.size() ? lk : qk;
    if (g.substr(0, s.size()) == s) {
      best = {float(kAbbreviationSimilarity), kAbbreviation};
    }
  }
  return best;
}

bool Informative(const PackedToken& t) { return t.role != kRoleLegalForm; }

}  // namespace

std::uint64_t LetterMask(std::string_view key) {
  std::uint64_t mask = 0;
  for (unsigned char c : key) {
    int bit = c >= 'a' && c <= 'z'   ? c - 'a'
              : c >= '0' && c <= '9' ? 26 + (c - '0')
                                     : 63;
    mask |= std::uint64_t{1} << bit;
  }
  return mask;
}

double JaroWinkler(std::string_view a, std::string_view b) {
  constexpr std::size_t kMax = 64;
  if (a.size() > kMax) a = a.substr(0, kMax);
  if (b.size() > kMax) b = b.substr(0, kMax);
  if (a.empty() || b.empty()) return a.empty() && b.empty() ? 1.0 : 0.0;
  if (a == b) return 1.0;
  const int la = int(a.size());
  const int lb = int(b.size());
  const int window = std::max(0, std::max(la, lb) / 2 - 1);
  bool am[kMax] = {};
  bool bm[kMax] = {};
  int matches = 0;
  for (int i = 0; i < la; ++i) {
    int lo = std::max(0, i - window);
    int hi = std::min(lb - 1, i + window);
    for (int j = lo; j <= hi; ++j) {
      if (!bm[j] && a[i] == b[j]) {
        am[i] = bm[j] = true;
        ++matches;
        break;
      }
    }
  }
  if (matches == 0) return 0.0;
  int transpositions = 0;
  for (int i = 0, j = 0; i < la; ++i) {
    if (!am[i]) continue;
    while (!bm[j]) ++j;
    if (a[i] != b[j]) ++transpositions;
    ++j;
  }
  double m = matches;
  double jaro = (m / la + m / lb + (m - transpositions / 2.0) / m) / 3.0;
  int prefix = 0;
  while (prefix < 4 && prefix < la && prefix < lb && a[prefix] == b[prefix]) {
    ++prefix;
  }
  return jaro + prefix * 0.1 * (1.0 - jaro);
}

double LevenshteinRatio(std::string_view a, std::string_view b) {
  constexpr std::size_t kMax = 128;
  if (a.size() > kMax) a = a.substr(0, kMax);
  if (b.size() > kMax) b = b.substr(0, kMax);
  if (a.empty() && b.empty()) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  if (a.size() > b.size()) std::swap(a, b);
  double longer = double(b.size());
  if (a.size() <= 64) {
    // Myers' bit-parallel edit distance (Hyyrö's formulation): one pass
    // over `b` with `a` as 64-bit pattern masks.
    // Only the entries of a's and b's characters are used: clear those,
    // not all 256 (2 KB per call).
    std::array<std::uint64_t, 256> peq;
    for (unsigned char c : a) peq[c] = 0;
    for (unsigned char c : b) peq[c] = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
      peq[static_cast<unsigned char>(a[i])] |= std::uint64_t{1} << i;
    }
    const std::uint64_t last = std::uint64_t{1} << (a.size() - 1);
    std::uint64_t pv = ~std::uint64_t{0}, mv = 0;
    std::size_t distance = a.size();
    for (unsigned char c : b) {
      const std::uint64_t eq = peq[c];
      const std::uint64_t xv = eq | mv;
      const std::uint64_t xh = (((eq & pv) + pv) ^ pv) | eq;
      std::uint64_t ph = mv | ~(xh | pv);
      std::uint64_t mh = pv & xh;
      if (ph & last) ++distance;
      if (mh & last) --distance;
      ph = (ph << 1) | 1;
      mh <<= 1;
      pv = mh | ~(xv | ph);
      mv = ph & xv;
    }
    return 1.0 - double(distance) / longer;
  }
  std::array<std::uint16_t, kMax + 1> row;
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = std::uint16_t(j);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::uint16_t diag = row[0];
    row[0] = std::uint16_t(i);
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::uint16_t up = row[j];
      std::uint16_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min<std::uint16_t>({std::uint16_t(up + 1),
                                        std::uint16_t(row[j - 1] + 1),
                                        std::uint16_t(diag + cost)});
      diag = up;
    }
  }
  return 1.0 - double(row[b.size()]) / longer;
}

double ScoreForms(const FormView& query, const FormView& listed,
                  Explanation* explanation, double floor) {
  const std::size_t n = std::min(query.count, kMaxTokens);
  const std::size_t m = std::min(listed.count, kMaxTokens);
  if (n == 0 || m == 0) return 0.0;

  std::array<std::uint64_t, kMaxTokens> q_computed, l_computed;
  const std::uint64_t* q_masks = query.masks;
  const std::uint64_t* l_masks = listed.masks;
  if (q_masks == nullptr) {
    for (std::size_t i = 0; i < n; ++i) {
      q_computed[i] = LetterMask(query.Key(query.tokens[i]));
    }
    q_masks = q_computed.data();
  }
  if (l_masks == nullptr) {
    for (std::size_t j = 0; j < m; ++j) {
      l_computed[j] = LetterMask(listed.Key(listed.tokens[j]));
    }
    l_masks = l_computed.data();
  }
  std::array<PairScore, kMaxTokens * kMaxTokens> sims;  // n x m filled
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < m; ++j) {
      sims[i * kMaxTokens + j] =
          TokenSimilarity(query, query.tokens[i], q_masks[i], listed,
                          listed.tokens[j], l_masks[j]);
    }
  }
  // Greedy one-to-one alignment by best similarity, heavier listed token
  // first on ties.
  std::array<std::int8_t, kMaxTokens> q_to_l;
  std::array<bool, kMaxTokens> l_used{};
  q_to_l.fill(-1);
  for (std::size_t round = 0; round < std::min(n, m); ++round) {
    double best = 0;
    int bi = -1, bj = -1;
    for (std::size_t i = 0; i < n; ++i) {
      if (q_to_l[i] >= 0) continue;
      for (std::size_t j = 0; j < m; ++j) {
        if (l_used[j]) continue;
        const PairScore& p = sims[i * kMaxTokens + j];
        if (p.how == kNone) continue;
        double key = p.sim + 1e-3 * listed.tokens[j].weight;
        if (key > best) {
          best = key;
          bi = int(i);
          bj = int(j);
        }
      }
    }
    if (bi < 0) break;
    q_to_l[bi] = std::int8_t(bj);
    l_used[bj] = true;
  }

  // Legal-form families present on each side (a few; linear scans).
  std::array<std::uint16_t, kMaxTokens> q_fam{}, l_fam{};
  std::size_t q_fams = 0, l_fams = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const PackedToken& t = query.tokens[i];
    if (t.role == kRoleLegalForm && (t.group & kGroupMask) != 0)
      q_fam[q_fams++] = t.group & kGroupMask;
  }
  for (std::size_t j = 0; j < m; ++j) {
    const PackedToken& t = listed.tokens[j];
    if (t.role == kRoleLegalForm && (t.group & kGroupMask) != 0)
      l_fam[l_fams++] = t.group & kGroupMask;
  }
  auto has_family = [](const std::array<std::uint16_t, kMaxTokens>& fams,
                       std::size_t count, const PackedToken& t) {
    if (t.role != kRoleLegalForm || (t.group & kGroupMask) == 0) return false;
    for (std::size_t k = 0; k < count; ++k) {
      if (fams[k] == (t.group & kGroupMask)) return true;
    }
    return false;
  };

  double matched = 0, total = 0;
  int q_informative = 0, l_informative = 0;
  double best_informative_sim = 0;
  double max_matched_weight = 0;
  bool unmatched_informative = false;
  for (std::size_t i = 0; i < n; ++i) {
    const PackedToken& q = query.tokens[i];
    if (Informative(q)) ++q_informative;
    if (q_to_l[i] >= 0) {
      const PackedToken& l = listed.tokens[q_to_l[i]];
      const PairScore& p = sims[i * kMaxTokens + q_to_l[i]];
      double w = l.weight;
      matched += p.sim * 2 * w;
      total += 2 * w;
      if (Informative(l)) {
        // Another language's form of the same given name is as good as
        // exact for the short-name guard ("Alexandros" / "Alexander").
        double guard_sim = p.how == kEquivalentName ? 1.0 : double(p.sim);
        best_informative_sim = std::max(best_informative_sim, guard_sim);
        max_matched_weight = std::max(max_matched_weight, w);
      }
    } else if (has_family(l_fam, l_fams, q)) {
      matched += q.weight;  // the rest of an equivalent legal form
      total += q.weight;
    } else {
      total += kUnmatchedQueryFactor * q.weight;
      if (Informative(q)) unmatched_informative = true;
    }
  }
  for (std::size_t j = 0; j < m; ++j) {
    const PackedToken& l = listed.tokens[j];
    if (Informative(l)) ++l_informative;
    if (!l_used[j] && has_family(q_fam, q_fams, l)) {
      matched += l.weight;
      total += l.weight;
    } else if (!l_used[j]) {
      total += (listed.person ? kUnmatchedListedFactor
                              : kUnmatchedListedEntityFactor) *
               l.weight;
      if (Informative(l)) unmatched_informative = true;
    }
  }
  double token_score = total > 0 ? matched / total : 0.0;
  bool short_name = q_informative <= 1 || l_informative <= 1;
  // A long single token (>= 8 letters) may differ by transliteration.
  if (short_name && best_informative_sim < kShortNameExact &&
      !(best_informative_sim >= kLongTokenGuard &&
        std::min(query.compact.size(), listed.compact.size()) >= 10)) {
    token_score = std::min(token_score, kShortNameCap);
  }
  if (unmatched_informative && max_matched_weight < kCommonWeight) {
    token_score = std::min(token_score, kCommonOnlyCap);
  }

  // Compact comparison for segmentation differences.
  double compact_score = 0;
  if (query.compact.size() >= 4 && listed.compact.size() >= 4 &&
      token_score < 1.0) {
    std::size_t shorter = std::min(query.compact.size(), listed.compact.size());
    std::size_t longer = std::max(query.compact.size(), listed.compact.size());
    // 1 - 2 * (1 - ratio) can only beat token_score when lengths are close.
    double bound = 1.0 - 2.0 * (double(longer - shorter) / double(longer));
    if (bound > token_score) {
      // Letter-count difference / 2 is a lower bound of the edit distance.
      std::array<std::int16_t, 37> counts{};
      auto slot = [](char c) {
        if (c >= 'a' && c <= 'z') return c - 'a';
        if (c >= '0' && c <= '9') return 26 + (c - '0');
        return 36;
      };
      for (char c : query.compact) ++counts[slot(c)];
      for (char c : listed.compact) --counts[slot(c)];
      int diff = 0;
      for (auto v : counts) diff += std::abs(v);
      bound = 1.0 - 2.0 * (double((diff + 1) / 2) / double(longer));
    }
    if (bound > token_score && bound >= floor) {
      double ratio = LevenshteinRatio(query.compact, listed.compact);
      compact_score = std::max(0.0, 1.0 - 2.0 * (1.0 - ratio));
      if (short_name && ratio < kShortNameExact) {
        compact_score = std::min(compact_score, kShortNameCap);
      }
    }
  }
  double score = std::max(token_score, compact_score);
  if (explanation != nullptr) {
    explanation->aligned.clear();
    explanation->unmatched_query.clear();
    explanation->unmatched_listed.clear();
    explanation->name_score = score;
    if (compact_score > token_score) {
      explanation->aligned.push_back(
          {std::string(query.compact), std::string(listed.compact),
           LevenshteinRatio(query.compact, listed.compact), 1.0, "compact"});
    } else {
      for (std::size_t i = 0; i < n; ++i) {
        const PackedToken& q = query.tokens[i];
        if (q_to_l[i] < 0) {
          if (!has_family(l_fam, l_fams, q)) {
            explanation->unmatched_query.emplace_back(query.Surface(q));
          }
          continue;
        }
        const PackedToken& l = listed.tokens[q_to_l[i]];
        const PairScore& p = sims[i * kMaxTokens + q_to_l[i]];
        TokenAlignment a;
        a.query_token = std::string(query.Surface(q));
        a.listed_token = std::string(listed.Surface(l));
        a.similarity = p.sim;
        a.weight = l.weight;
        a.how = kHowNames[p.how];
        explanation->aligned.push_back(std::move(a));
      }
      for (std::size_t j = 0; j < m; ++j) {
        if (!l_used[j] && !has_family(q_fam, q_fams, listed.tokens[j])) {
          explanation->unmatched_listed.emplace_back(
              listed.Surface(listed.tokens[j]));
        }
      }
    }
  }
  return score;
}

bool ParseYearRange(std::string_view date, std::uint16_t* from,
                    std::uint16_t* to) {
  auto year_at = [&](std::size_t pos, std::uint16_t* out) {
    if (pos + 4 > date.size()) return false;
    int y = 0;
    for (std::size_t i = pos; i < pos + 4; ++i) {
      if (date[i] < '0' || date[i] > '9') return false;
      y = y * 10 + (date[i] - '0');
    }
    if (y < 1000) return false;
    *out = std::uint16_t(y);
    return true;
  };
  std::size_t start = 0;
  while (start < date.size() && (date[start] < '0' || date[start] > '9')) {
    ++start;
  }
  if (!year_at(start, from)) return false;
  *to = *from;
  std::size_t slash = date.find('/', start);
  if (slash != std::string_view::npos) {
    std::uint16_t end = 0;
    if (year_at(slash + 1, &end) && end >= *from) *to = end;
  }
  return true;
}

double SecondaryAdjustments(const NameQuery& query, const PartyFacts& party,
                            lists::AliasStrength strength,
                            Explanation* explanation) {
  double sum = 0;
  auto add = [&](std::string reason, double value) {
    sum += value;
    if (explanation != nullptr) {
      explanation->adjustments.emplace_back(std::move(reason), value);
    }
  };
  using lists::PartyType;
  auto is_person = [](PartyType t) { return t == PartyType::kPerson; };
  if (query.type != PartyType::kUnknown && party.type != PartyType::kUnknown &&
      is_person(query.type) != is_person(party.type)) {
    add(std::string("type differs (") +
            std::string(lists::PartyTypeName(query.type)) + " vs " +
            std::string(lists::PartyTypeName(party.type)) + ")",
        -0.10);
  }
  std::uint16_t qy_from = 0, qy_to = 0;
  if (!query.dob.empty() && party.dob_count > 0 &&
      ParseYearRange(query.dob, &qy_from, &qy_to)) {
    int best_distance = 1 << 20;
    for (std::size_t i = 0; i < party.dob_count; ++i) {
      int from = party.dob_years[i].from;
      int to = party.dob_years[i].to;
      int distance = 0;
      if (qy_to < from) distance = from - qy_to;
      if (qy_from > to) distance = qy_from - to;
      best_distance = std::min(best_distance, distance);
    }
    if (best_distance == 0) {
      add("year of birth matches", +0.03);
    } else if (best_distance > 1) {
      add("year of birth differs by " + std::to_string(best_distance) +
              " years",
          -0.15);
    }
  }
  if (query.country.size() == 2 && !party.countries.empty()) {
    char cc[2] = {char(std::toupper((unsigned char)query.country[0])),
                  char(std::toupper((unsigned char)query.country[1]))};
    bool found = false;
    for (std::size_t i = 0; i + 1 < party.countries.size(); i += 2) {
      if (party.countries[i] == cc[0] && party.countries[i + 1] == cc[1]) {
        found = true;
      }
    }
    if (found) {
      add("country matches", +0.02);
    } else {
      add("country differs", -0.05);
    }
  }
  if (strength == lists::AliasStrength::kWeak) add("weak alias", -0.05);
  if (strength == lists::AliasStrength::kFormerly) {
    add("formerly known as", -0.02);
  }
  return sum;
}

double Calibrate(double raw) {
  // (raw, calibrated) knots; linear in between, clamped to [0, 1]. Tuned on
  // the yente candidate benchmark (docs/matching.md): raw 0.80 is where
  // typo'd true matches still sit and random names no longer do.
  static constexpr std::array<std::pair<double, double>, 5> kKnots = {{
      {0.00, 0.00},
      {0.50, 0.30},
      {0.88, 0.80},
      {0.95, 0.92},
      {1.00, 1.00},
  }};
  if (raw <= kKnots.front().first) return 0.0;
  if (raw >= kKnots.back().first) return 1.0;
  for (std::size_t i = 1; i < kKnots.size(); ++i) {
    if (raw <= kKnots[i].first) {
      auto [x0, y0] = kKnots[i - 1];
      auto [x1, y1] = kKnots[i];
      return y0 + (raw - x0) * (y1 - y0) / (x1 - x0);
    }
  }
  return 1.0;
}

}  // namespace clearance::match::internal
