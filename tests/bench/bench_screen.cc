// Benchmark: name screening speed and index memory, one thread, every list
// in ../shared/data/lists loaded.
//
//   build/tests/bench/bench_screen [--data DIR] [--queries N] [--no-cache]
//
// 1. Parses every list (newest document per list code, as eval_matching)
//    and builds the matcher with Matcher::FromDocuments: build time, index
//    memory (Matcher::memory_bytes() and the process RSS growth).
// 2. Screens a query mix on one thread, one ScreenName at a time, default
//    threshold and limit: per-query latency p50/p90/p99/max and queries/s.
//    The mix (N = 10,000 by default) is what a provider screens in practice:
//      50% synthetic people from negatives_global.csv / negatives_us.csv with
//          date of birth, nationality and type person (nobody on any list);
//      25% positives_un_treated.csv (UN-listed people with typos), name only;
//      25% primary names of the BIS Entity List (CSL copy), type entity.
//    A warm-up pass of 1,000 queries runs first and is not measured.
// 3. Cache load: imports the same lists into a temporary SQLite database
//    (store::ListStore, as `clearance lists import`), calls Matcher::Open
//    once (builds and writes the index cache) and again (loads the cache),
//    timing both. --no-cache skips this step.
// Prints a table with the targets marked met / MISSED. Exit 0 after
// printing, 1 on setup errors.
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/match/matcher.h"
#include "engine/reference/reference.h"
#include "engine/store/list_store.h"
#include "tests/bench/bench_data.h"

namespace {

using clearance::bench::Clock;
using clearance::bench::SecondsSince;
using clearance::lists::PartyType;
using clearance::match::Matcher;
using clearance::match::NameQuery;
namespace fs = std::filesystem;

int Fail(const clearance::Error& e) {
  std::fprintf(stderr, "bench_screen: %s\n", e.ToString().c_str());
  return 1;
}

// CPU time of the calling thread: with other processes on the machine the
// wall clock counts their time too, this does not.
double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) +
         1e-9 * static_cast<double>(ts.tv_nsec);
}

double Percentile(std::vector<double> sorted, double p) {
  if (sorted.empty()) return 0;
  const size_t index =
      std::min(sorted.size() - 1,
               static_cast<size_t>(p * static_cast<double>(sorted.size())));
  return sorted[index];
}

// Imports every list under `lists_dir` into a new database at `db_path`.
clearance::Result<double> ImportAll(const std::string& lists_dir,
                                    const std::string& db_path) {
  const auto start = Clock::now();
  auto specs = clearance::bench::ImportOrder(lists_dir);
  if (!specs) return std::unexpected(specs.error());
  auto db = clearance::store::ListStore::Open(db_path);
  if (!db) return std::unexpected(db.error());
  for (const auto& spec : *specs) {
    auto parsed = clearance::lists::ParseSource(spec);
    if (!parsed) return std::unexpected(parsed.error());
    auto outcome = (*db)->Import(*parsed, "2026-01-01T00:00:00Z");
    if (!outcome) return std::unexpected(outcome.error());
  }
  return SecondsSince(start);
}

}  // namespace

int main(int argc, char** argv) {
  std::string data = CLEARANCE_DEFAULT_SHARED_DATA;
  size_t total = 10000;
  bool cache = true;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--data" && i + 1 < argc) {
      data = argv[++i];
    } else if (arg == "--queries" && i + 1 < argc) {
      total = static_cast<size_t>(std::max(100, std::atoi(argv[++i])));
    } else if (arg == "--no-cache") {
      cache = false;
    } else {
      std::printf(
          "usage: bench_screen [--data DIR] [--queries N] [--no-cache]\n");
      return arg == "--help" ? 0 : 2;
    }
  }
  const std::string eval = data + "/eval/yente_candidate_benchmark";
  if (!fs::is_directory(data + "/lists") || !fs::is_directory(eval)) {
    std::printf("shared data not found at %s: nothing to measure (skipped)\n",
                data.c_str());
    return 0;
  }

  // --- index build
  // -------------------------------------------------------------
  auto loaded = clearance::bench::LoadLatestLists(data + "/lists");
  if (!loaded) return Fail(loaded.error());
  std::vector<std::string> entity_names;
  for (const auto& [id, doc] : loaded->latest) {
    if (doc.code != "BIS-EL") continue;
    for (const auto& party : doc.parties) {
      if (!party.names.empty()) entity_names.push_back(party.names[0].full);
    }
  }
  const std::int64_t rss_before = clearance::bench::ResidentBytes();
  auto start = Clock::now();
  auto built = Matcher::FromDocuments(loaded->latest);
  if (!built) return Fail(built.error());
  const double build_s = SecondsSince(start);
  const std::int64_t rss_after = clearance::bench::ResidentBytes();
  const Matcher& matcher = **built;

  // --- query mix
  // ------------------------------------------------------------------
  auto negatives_global =
      clearance::bench::ReadCsvTable(eval + "/negatives_global.csv");
  if (!negatives_global) return Fail(negatives_global.error());
  auto negatives_us =
      clearance::bench::ReadCsvTable(eval + "/negatives_us.csv");
  if (!negatives_us) return Fail(negatives_us.error());
  auto treated =
      clearance::bench::ReadCsvTable(eval + "/positives_un_treated.csv");
  if (!treated) return Fail(treated.error());
  if (entity_names.empty() || treated->rows.empty()) {
    std::fprintf(
        stderr,
        "bench_screen: no BIS-EL or UN positives to build the query mix\n");
    return 1;
  }
  std::vector<NameQuery> queries;
  for (size_t i = 0; queries.size() < total; ++i) {
    NameQuery q;
    switch (i % 4) {
      case 0:
      case 2: {
        const auto& table = (i % 4 == 0) ? *negatives_global : *negatives_us;
        const size_t row = (i / 4) % table.rows.size();
        q.name = table.Cell(row, table.Column("full_name"));
        q.dob = table.Cell(row, table.Column("date_of_birth"));
        q.country = clearance::reference::CountryCodeFor(
            table.Cell(row, table.Column("nationality")));
        q.type = PartyType::kPerson;
        break;
      }
      case 1:
        q.name = treated->Cell((i / 4) % treated->rows.size(),
                               treated->Column("full_name"));
        break;
      default:
        q.name = entity_names[(i / 4 * 7) % entity_names.size()];
        q.type = PartyType::kEntity;
        break;
    }
    queries.push_back(std::move(q));
  }

  // --- latency
  // ----------------------------------------------------------------------
  for (size_t i = 0; i < std::min<size_t>(1000, queries.size()); ++i) {
    (void)matcher.ScreenName(queries[i]);
  }
  std::vector<double> latency_us;
  latency_us.reserve(queries.size());
  size_t with_hits = 0;
  start = Clock::now();
  const double cpu_start = ThreadCpuSeconds();
  for (const NameQuery& q : queries) {
    const auto t0 = Clock::now();
    const auto hits = matcher.ScreenName(q);
    latency_us.push_back(
        std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    with_hits += hits.empty() ? 0 : 1;
  }
  const double run_s = SecondsSince(start);
  const double cpu_s = ThreadCpuSeconds() - cpu_start;
  std::sort(latency_us.begin(), latency_us.end());
  const double qps = static_cast<double>(queries.size()) / run_s;
  const double cpu_qps = static_cast<double>(queries.size()) / cpu_s;

  // --- cache load
  // ----------------------------------------------------------------------
  double import_s = 0, first_open_s = 0, cached_open_s = 0;
  std::size_t cached_names = 0;
  if (cache) {
    char tmpl[] = "/tmp/clearance_bench_screen_XXXXXX";
    const std::string dir = mkdtemp(tmpl);
    const std::string db_path = dir + "/bench.db";
    auto imported = ImportAll(data + "/lists", db_path);
    if (!imported) {
      fs::remove_all(dir);
      return Fail(imported.error());
    }
    import_s = *imported;
    start = Clock::now();
    auto first = Matcher::Open(db_path);
    first_open_s = SecondsSince(start);
    if (!first) {
      fs::remove_all(dir);
      return Fail(first.error());
    }
    first->reset();
    start = Clock::now();
    auto second = Matcher::Open(db_path);
    cached_open_s = SecondsSince(start);
    if (!second) {
      fs::remove_all(dir);
      return Fail(second.error());
    }
    cached_names = (*second)->name_count();
    fs::remove_all(dir);
  }

  // --- report
  // ----------------------------------------------------------------------------
  const double index_mb =
      static_cast<double>(matcher.memory_bytes()) / (1024.0 * 1024.0);
  const double rss_mb =
      static_cast<double>(rss_after - rss_before) / (1024.0 * 1024.0);
  auto verdict = [](bool met) { return met ? "met" : "MISSED"; };
  std::printf(
      "Screening benchmark: %zu list codes, %zu parties, %zu names; one "
      "thread\n",
      loaded->latest.size(), matcher.party_count(), matcher.name_count());
  std::printf(
      "query mix: %zu queries (50%% negatives +dob,nat; 25%% UN treated; 25%% "
      "Entity "
      "List names), %zu with hits\n\n",
      queries.size(), with_hits);
  std::printf("| measure | value | target |\n|---|---:|---|\n");
  std::printf("| lists parsed (not part of the index) | %.2f s | - |\n",
              loaded->seconds);
  std::printf("| index build (FromDocuments) | %.2f s | - |\n", build_s);
  std::printf("| index memory (memory_bytes) | %.1f MB | %s (<= 300 MB) |\n",
              index_mb, verdict(index_mb <= 300));
  std::printf("| RSS growth while building | %.1f MB | %s (<= 300 MB) |\n",
              rss_mb, verdict(rss_mb <= 300));
  std::printf("| latency p50 | %.1f us | %s (<= 50 us) |\n",
              Percentile(latency_us, 0.50),
              verdict(Percentile(latency_us, 0.50) <= 50));
  std::printf("| latency p90 | %.1f us | - |\n", Percentile(latency_us, 0.90));
  std::printf("| latency p99 | %.1f us | %s (<= 500 us) |\n",
              Percentile(latency_us, 0.99),
              verdict(Percentile(latency_us, 0.99) <= 500));
  std::printf("| latency max | %.1f us | - |\n", latency_us.back());
  std::printf("| throughput, one thread | %.0f queries/s | %s (>= 20,000) |\n",
              qps, verdict(qps >= 20000));
  std::printf(
      "| throughput per CPU-second of the thread | %.0f queries/s | %s (>= "
      "20,000) |\n",
      cpu_qps, verdict(cpu_qps >= 20000));
  if (cache) {
    std::printf("| import into a temp DB (all lists) | %.2f s | - |\n",
                import_s);
    std::printf("| Matcher::Open, first (build + write cache) | %.2f s | - |\n",
                first_open_s);
    std::printf(
        "| Matcher::Open, cached (%zu names) | %.3f s | %s (<< 1 s) |\n",
        cached_names, cached_open_s, verdict(cached_open_s < 0.5));
  }
  return 0;
}
