// Matching evaluation on the real sets in ../shared/data/eval, screened
// against the real lists in ../shared/data/lists (parsed directly, no
// database):
//
//   build/tests/bench/eval_matching [--data DIR] [--threads N]
//                                   [--limit-negatives N] [--threshold X]
//
// Measures (method in docs/matching.md):
//  - recall on positives_un_untreated.csv / positives_un_treated.csv (683 UN
//    listed people; the treated copy has typos and variations), screened
//    against a matcher over the UN list alone: a positive is found when a hit
//    at or above the threshold is a UN-SC party. Name only, and with the
//    row's year of birth and nationality as a screening user would pass them.
//  - false-positive rate on negatives_global.csv + negatives_us.csv (100,000
//    synthetic people who match nobody) and on
//    positives_us_congress_untreated.csv (1,254 US Congress members, not
//    listed), against every list (newest document per list code): any hit
//    at or above the threshold is a false positive. With the row's date of
//    birth, nationality and type person, and with the name alone.
//  - the 22 cross-script pairs of watchman_cross_script_pairs.csv: index =
//    every list + the expected names as a synthetic list; a pair is found at
//    rank 1 when the top hit's matched name or primary name is the expected
//    name (ignoring case).
//  - a threshold sweep 0.70 ... 0.95 of all of the above.
// Each query runs once with the sweep's lowest threshold; the top score
// decides every threshold at or above it (hits are ordered best first).
//
// Exit status 0 after printing (a measurement, not a test); 1 on setup
// errors; 0 with a message when the shared data is absent.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/match/matcher.h"
#include "engine/reference/reference.h"
#include "tests/bench/bench_data.h"

namespace {

using clearance::bench::Clock;
using clearance::bench::CsvTable;
using clearance::bench::ParallelFor;
using clearance::bench::SecondsSince;
using clearance::lists::PartyType;
using clearance::match::Hit;
using clearance::match::Matcher;
using clearance::match::NameQuery;
namespace fs = std::filesystem;

constexpr double kSweep[] = {0.70, 0.75, 0.80, 0.85, 0.90, 0.95};

// What one query gave: the best score (0 = no hit at the sweep's floor) and
// a short description of the best hit, for the lists of misses and false
// positives.
struct Outcome {
  double top = 0;
  std::string top_hit;
};

struct QuerySet {
  std::string label;
  std::vector<NameQuery> queries;
  std::vector<Outcome> outcomes;
  double seconds = 0;

  long CountAtOrAbove(double threshold) const {
    return std::count_if(outcomes.begin(), outcomes.end(),
                         [&](const Outcome& o) {
                           return o.top > 0 && o.top >= threshold - 1e-12;
                         });
  }
  double Rate(double threshold) const {
    return queries.empty()
               ? 0
               : 100.0 * static_cast<double>(CountAtOrAbove(threshold)) /
                     static_cast<double>(queries.size());
  }
};

// The words of a name, lower-cased, without punctuation, sorted: "PUTIN,
// Vladimir" and "Vladimir Putin" give the same words.
std::vector<std::string> Words(const std::string& name) {
  std::vector<std::string> words;
  std::string word;
  for (char c : name + " ") {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || u >= 0x80) {
      word += static_cast<char>(std::tolower(u));
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  std::sort(words.begin(), words.end());
  return words;
}

std::string Describe(const Hit& hit) {
  char score[16];
  std::snprintf(score, sizeof score, "%.3f", hit.score);
  return std::string(score) + " " + hit.list + ":" + hit.party_id + " \"" +
         hit.matched_name + "\"";
}

// Builds queries from an eval CSV (full_name, date_of_birth, nationality).
clearance::Result<std::vector<NameQuery>> LoadQueries(const std::string& path,
                                                      bool secondary,
                                                      long limit,
                                                      double floor) {
  auto table = clearance::bench::ReadCsvTable(path);
  if (!table) return std::unexpected(table.error());
  const int name = table->Column("full_name");
  const int dob = table->Column("date_of_birth");
  const int nationality = table->Column("nationality");
  if (name < 0) {
    return clearance::Fail(clearance::ErrorCode::kParse,
                           path + ": no full_name column");
  }
  std::vector<NameQuery> out;
  for (size_t r = 0; r < table->rows.size(); ++r) {
    if (limit >= 0 && static_cast<long>(out.size()) >= limit) break;
    NameQuery q;
    q.name = table->Cell(r, name);
    q.threshold = floor;
    q.limit = 10;
    if (secondary) {
      q.type = PartyType::kPerson;
      q.dob = table->Cell(r, dob);
      const std::string nat = table->Cell(r, nationality);
      if (!nat.empty()) q.country = clearance::reference::CountryCodeFor(nat);
    }
    out.push_back(std::move(q));
  }
  return out;
}

void Screen(const Matcher& matcher, QuerySet& set, int threads,
            const std::string& required_list = "") {
  set.outcomes.assign(set.queries.size(), {});
  const auto start = Clock::now();
  ParallelFor(set.queries.size(), threads, [&](size_t i) {
    const auto hits = matcher.ScreenName(set.queries[i]);
    for (const Hit& hit : hits) {
      if (!required_list.empty() && hit.list != required_list) continue;
      set.outcomes[i] = {hit.score, Describe(hit)};
      break;
    }
  });
  set.seconds = SecondsSince(start);
  std::fprintf(
      stderr, "  %-44s %7zu queries in %6.1f s (%.0f q/s on %d threads)\n",
      set.label.c_str(), set.queries.size(), set.seconds,
      set.seconds > 0 ? static_cast<double>(set.queries.size()) / set.seconds
                      : 0,
      threads);
}

void PrintExamples(const char* title, const QuerySet& set, double threshold,
                   bool misses, size_t max) {
  std::vector<size_t> picked;
  for (size_t i = 0; i < set.outcomes.size(); ++i) {
    const bool above =
        set.outcomes[i].top > 0 && set.outcomes[i].top >= threshold - 1e-12;
    if (above != misses) picked.push_back(i);
  }
  if (picked.empty()) return;
  std::printf("\n%s (%zu; first %zu):\n", title, picked.size(),
              std::min(max, picked.size()));
  for (size_t k = 0; k < picked.size() && k < max; ++k) {
    const auto& o = set.outcomes[picked[k]];
    std::printf("  %-40s -> %s\n", set.queries[picked[k]].name.c_str(),
                o.top > 0 ? o.top_hit.c_str() : "(no hit >= 0.70)");
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string data = CLEARANCE_DEFAULT_SHARED_DATA;
  int threads = 1;
  long limit_negatives = -1;
  double threshold = clearance::match::kDefaultThreshold;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--data" && i + 1 < argc) {
      data = argv[++i];
    } else if (arg == "--threads" && i + 1 < argc) {
      threads = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--limit-negatives" && i + 1 < argc) {
      limit_negatives = std::max(0L, std::atol(argv[++i]));
    } else if (arg == "--threshold" && i + 1 < argc) {
      threshold = std::atof(argv[++i]);
    } else {
      std::printf(
          "usage: eval_matching [--data DIR] [--threads N] [--limit-negatives "
          "N] "
          "[--threshold X]\n");
      return arg == "--help" ? 0 : 2;
    }
  }
  const std::string eval = data + "/eval/yente_candidate_benchmark";
  if (!fs::is_directory(data + "/lists") || !fs::is_directory(eval)) {
    std::printf("shared data not found at %s: nothing to evaluate (skipped)\n",
                data.c_str());
    return 0;
  }
  const double floor = std::min(kSweep[0], threshold);
  auto fail = [](const clearance::Error& e) {
    std::fprintf(stderr, "eval_matching: %s\n", e.ToString().c_str());
    return 1;
  };

  std::fprintf(stderr, "parsing lists under %s/lists ...\n", data.c_str());
  auto loaded = clearance::bench::LoadLatestLists(data + "/lists");
  if (!loaded) return fail(loaded.error());
  std::fprintf(stderr, "  %ld sources, %zu list codes in %.1f s\n",
               loaded->sources, loaded->latest.size(), loaded->seconds);

  // --- UN positives against the UN list alone -------------------------------
  std::vector<std::pair<std::int64_t, clearance::lists::ListDocument>> un_docs;
  for (const auto& entry : loaded->latest) {
    if (entry.second.code == "UN-SC") un_docs.push_back(entry);
  }
  if (un_docs.empty()) {
    std::fprintf(stderr, "eval_matching: no UN-SC list under %s/lists\n",
                 data.c_str());
    return 1;
  }
  auto start = Clock::now();
  auto un = Matcher::FromDocuments(un_docs);
  if (!un) return fail(un.error());
  std::fprintf(stderr, "  UN matcher: %zu names in %.2f s\n",
               (*un)->name_count(), SecondsSince(start));
  std::vector<QuerySet> positives;
  for (const char* file :
       {"positives_un_untreated.csv", "positives_un_treated.csv"}) {
    for (bool secondary : {false, true}) {
      auto queries = LoadQueries(eval + "/" + file, secondary, -1, floor);
      if (!queries) return fail(queries.error());
      positives.push_back(
          {std::string(file) + (secondary ? " +dob,nat" : " name only"),
           *std::move(queries),
           {},
           0});
      Screen(**un, positives.back(), threads, "UN-SC");
    }
  }
  un->reset();

  // --- negatives and Congress against every list -----------------------------
  start = Clock::now();
  auto all = Matcher::FromDocuments(loaded->latest);
  if (!all) return fail(all.error());
  const double all_build = SecondsSince(start);
  std::fprintf(
      stderr,
      "  all-lists matcher: %zu names, %zu parties in %.2f s, %.0f MB\n",
      (*all)->name_count(), (*all)->party_count(), all_build,
      static_cast<double>((*all)->memory_bytes()) / 1e6);
  std::vector<QuerySet> negatives;  // [0] name only, [1] with secondary fields
  for (bool secondary : {false, true}) {
    QuerySet set{secondary ? "negatives (100k) +dob,nat,person"
                           : "negatives (100k) name only",
                 {},
                 {},
                 0};
    for (const char* file : {"negatives_global.csv", "negatives_us.csv"}) {
      const long left =
          limit_negatives < 0
              ? -1
              : std::max(0L, limit_negatives / 2 +
                                 (std::string(file) == "negatives_us.csv"
                                      ? limit_negatives % 2
                                      : 0));
      auto queries = LoadQueries(eval + "/" + file, secondary, left, floor);
      if (!queries) return fail(queries.error());
      set.queries.insert(set.queries.end(), queries->begin(), queries->end());
    }
    negatives.push_back(std::move(set));
    Screen(**all, negatives.back(), threads);
  }
  std::vector<QuerySet> congress;
  for (bool secondary : {false, true}) {
    auto queries = LoadQueries(eval + "/positives_us_congress_untreated.csv",
                               secondary, -1, floor);
    if (!queries) return fail(queries.error());
    congress.push_back({secondary ? "US Congress (1,254) +yob"
                                  : "US Congress (1,254) name only",
                        *std::move(queries),
                        {},
                        0});
    Screen(**all, congress.back(), threads);
  }
  all->reset();

  // --- cross-script pairs
  // -----------------------------------------------------
  auto pairs = clearance::bench::ReadCsvTable(
      data + "/eval/watchman_cross_script_pairs.csv",
      /*has_header=*/false);
  if (!pairs) return fail(pairs.error());
  clearance::lists::ListDocument synthetic;
  synthetic.code = "EVAL-XSCRIPT";
  synthetic.name = "Expected names of the cross-script pairs";
  for (size_t r = 0; r < pairs->rows.size(); ++r) {
    const std::string expected = pairs->Cell(r, 1);
    const bool seen =
        std::any_of(synthetic.parties.begin(), synthetic.parties.end(),
                    [&](const auto& p) { return p.names[0].full == expected; });
    if (seen) continue;
    clearance::lists::Party party;
    party.source_id = "XS-" + std::to_string(synthetic.parties.size() + 1);
    party.type = PartyType::kPerson;
    party.names.push_back({expected,
                           "Latn",
                           clearance::lists::AliasStrength::kPrimary,
                           "",
                           "",
                           {}});
    synthetic.parties.push_back(std::move(party));
  }
  auto xs_docs = loaded->latest;
  xs_docs.emplace_back(static_cast<std::int64_t>(xs_docs.size() + 1),
                       synthetic);
  auto xs = Matcher::FromDocuments(xs_docs);
  if (!xs) return fail(xs.error());
  struct PairResult {
    std::string query, expected, top;
    double score = 0;
    bool rank1 =
        false;  // the expected name is among the hits tied at the top score
    bool strict = false;  // the first hit listed is the expected name
  };
  std::vector<PairResult> pair_results;
  for (size_t r = 0; r < pairs->rows.size(); ++r) {
    PairResult pr{pairs->Cell(r, 0), pairs->Cell(r, 1), "", 0, false, false};
    NameQuery q;
    q.name = pr.query;
    q.threshold = 0.0;
    q.limit = 50;
    const auto hits = (*xs)->ScreenName(q);
    const auto want = Words(pr.expected);
    auto is_expected = [&](const Hit& hit) {
      return Words(hit.matched_name) == want || Words(hit.party_name) == want;
    };
    if (!hits.empty()) {
      const Hit& top = hits[0];
      pr.score = top.score;
      pr.top = top.list + ":" + top.party_id + " \"" + top.matched_name + "\"";
      pr.strict = is_expected(top);
      for (const Hit& hit : hits) {
        if (hit.score < top.score - 1e-9) break;
        if (is_expected(hit)) {
          pr.rank1 = true;
          if (!pr.strict)
            pr.top += " (tied with " + hit.list + ":" + hit.party_id + ")";
          break;
        }
      }
    }
    pair_results.push_back(std::move(pr));
  }
  xs->reset();
  const long xs_rank1 =
      std::count_if(pair_results.begin(), pair_results.end(),
                    [](const PairResult& p) { return p.rank1; });
  const long xs_strict =
      std::count_if(pair_results.begin(), pair_results.end(),
                    [](const PairResult& p) { return p.strict; });
  const long xs_rank1_at = std::count_if(
      pair_results.begin(), pair_results.end(),
      [&](const PairResult& p) { return p.rank1 && p.score >= threshold; });

  // --- report
  // -------------------------------------------------------------------
  auto pct = [](double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%.2f%%", v);
    return std::string(b);
  };
  auto mean_top = [](const QuerySet& s) {
    double sum = 0;
    for (const auto& o : s.outcomes) sum += o.top;
    return s.outcomes.empty() ? 0
                              : sum / static_cast<double>(s.outcomes.size());
  };
  auto verdict = [](bool met) { return met ? "met" : "MISSED"; };
  std::printf(
      "\nMatching evaluation at threshold %.2f (%zu list codes; %d "
      "threads)\n\n",
      threshold, loaded->latest.size(), threads);
  std::printf(
      "| set | queries | measure | value | mean top score | target |\n");
  std::printf("|---|---:|---|---:|---:|---|\n");
  const double targets_recall[] = {99.5, 99.5, 97.0, 97.0};
  for (size_t k = 0; k < positives.size(); ++k) {
    const double recall = positives[k].Rate(threshold);
    std::printf("| %s | %zu | recall | %s | %.3f | %s (>= %.1f%%) |\n",
                positives[k].label.c_str(), positives[k].queries.size(),
                pct(recall).c_str(), mean_top(positives[k]),
                verdict(recall >= targets_recall[k]), targets_recall[k]);
  }
  for (const auto& set : negatives) {
    const double fp = set.Rate(threshold);
    std::printf("| %s | %zu | false-positive rate | %s | - | %s (<= 0.5%%) |\n",
                set.label.c_str(), set.queries.size(), pct(fp).c_str(),
                verdict(fp <= 0.5));
  }
  for (const auto& set : congress) {
    std::printf("| %s | %zu | false-positive rate | %s | - | - |\n",
                set.label.c_str(), set.queries.size(),
                pct(set.Rate(threshold)).c_str());
  }
  std::printf(
      "| cross-script pairs | %zu | rank 1 and score >= %.2f (ties at the "
      "top count) | %ld/%zu | - | %s (22/22) |\n",
      pair_results.size(), threshold, xs_rank1_at, pair_results.size(),
      verdict(xs_rank1_at == static_cast<long>(pair_results.size())));
  std::printf(
      "| cross-script pairs | %zu | rank 1 at any score (ties count) | "
      "%ld/%zu | - | - |\n",
      pair_results.size(), xs_rank1, pair_results.size());
  std::printf(
      "| cross-script pairs | %zu | first hit is the expected name | %ld/%zu "
      "| - | - |\n",
      pair_results.size(), xs_strict, pair_results.size());

  std::printf(
      "\nThreshold sweep (UN recall: name only / +dob,nat; FP: name only / "
      "+secondary)\n\n");
  std::printf(
      "| threshold | recall untreated | recall treated | FP negatives | FP "
      "negatives +dob,nat "
      "| FP Congress | FP Congress +yob | cross-script rank 1 at threshold "
      "|\n");
  std::printf("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  for (double t : kSweep) {
    const long xs_at = std::count_if(
        pair_results.begin(), pair_results.end(),
        [&](const PairResult& p) { return p.rank1 && p.score >= t; });
    std::printf(
        "| %.2f | %s / %s | %s / %s | %s | %s | %s | %s | %ld/%zu |\n", t,
        pct(positives[0].Rate(t)).c_str(), pct(positives[1].Rate(t)).c_str(),
        pct(positives[2].Rate(t)).c_str(), pct(positives[3].Rate(t)).c_str(),
        pct(negatives[0].Rate(t)).c_str(), pct(negatives[1].Rate(t)).c_str(),
        pct(congress[0].Rate(t)).c_str(), pct(congress[1].Rate(t)).c_str(),
        xs_at, pair_results.size());
  }

  std::printf("\nCross-script pairs:\n");
  for (const auto& p : pair_results) {
    std::printf("  %-5s %-18s -> %-22s top: %.3f %s\n",
                p.rank1 && p.score >= threshold ? "ok"
                : p.rank1                       ? "LOW"
                                                : "MISS",
                p.query.c_str(), p.expected.c_str(), p.score, p.top.c_str());
  }
  PrintExamples("UN untreated misses (name only)", positives[0], threshold,
                true, 15);
  PrintExamples("UN treated misses (name only)", positives[2], threshold, true,
                25);
  PrintExamples("False positives, negatives +dob,nat", negatives[1], threshold,
                false, 25);
  PrintExamples("False positives, negatives name only", negatives[0], threshold,
                false, 15);
  PrintExamples("False positives, US Congress name only", congress[0],
                threshold, false, 15);
  return 0;
}
