// Benchmark: importing real list files (parse + store in one transaction)
// into a fresh SQLite database, the way `clearance lists import` does.
//
//   build/tests/bench/bench_list_import [--runs N] [--data DIR]
//
// For each file: wall time of parse and of store (best and median of N
// runs, a fresh database each run) and the process's peak RSS. Targets
// (issue "Foundation and list store"): full sdn_advanced.xml <= 10 s wall
// and <= 600 MB peak RSS; the CSL CSV <= 2 s. Peak RSS is measured in a
// child process per file so that files do not inflate each other's figure.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/lists/lists.h"
#include "engine/store/list_store.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

struct Case {
  const char* label;
  const char* relative;
  double target_seconds;  // 0: no target
};

const Case kCases[] = {
    {"OFAC SDN advanced XML (.bz2, 121 MB unpacked)",
     "lists/ofac_sdn_advanced_2025-11-19/sdn_advanced.xml.bz2", 10.0},
    {"trade.gov CSL CSV (5.8 MB)", "lists/us_csl_2022-04/consolidated.csv",
     2.0},
    {"OFAC SDN legacy CSV set (2021-07)",
     "lists/ofac_sdn_legacy_csv_2021-07/sdn.csv", 0},
    {"OFAC sdn.csv (2024-05)", "lists/ofac_sdn_csv_2024-05/sdn.csv", 0},
    {"UN consolidated XML", "lists/un_consolidated_2026-02/UN_consolidated.xml",
     0},
    {"BIS Denied Persons", "lists/bis_dpl_2023-11/dpl.txt", 0},
};

struct Run {
  double parse_s = 0;
  double store_s = 0;
  long parties = 0;
};

// Runs one import in this process; exits non-zero on failure.
int ImportOnce(const std::string& path, const std::string& db_path, Run& run) {
  auto specs = clearance::lists::PlanSources({path});
  if (!specs) {
    std::fprintf(stderr, "%s\n", specs.error().ToString().c_str());
    return 1;
  }
  auto db = clearance::store::ListStore::Open(db_path);
  if (!db) {
    std::fprintf(stderr, "%s\n", db.error().ToString().c_str());
    return 1;
  }
  for (const auto& spec : *specs) {
    const auto t0 = Clock::now();
    auto parsed = clearance::lists::ParseSource(spec);
    const auto t1 = Clock::now();
    if (!parsed) {
      std::fprintf(stderr, "%s\n", parsed.error().ToString().c_str());
      return 1;
    }
    auto outcome = (*db)->Import(*parsed, "2026-01-01T00:00:00Z");
    const auto t2 = Clock::now();
    if (!outcome) {
      std::fprintf(stderr, "%s\n", outcome.error().ToString().c_str());
      return 1;
    }
    run.parse_s += std::chrono::duration<double>(t1 - t0).count();
    run.store_s += std::chrono::duration<double>(t2 - t1).count();
    for (const auto& list : parsed->lists)
      run.parties += static_cast<long>(list.parties.size());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 3;
  std::string data = CLEARANCE_DEFAULT_SHARED_DATA;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--runs" && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--data" && i + 1 < argc) {
      data = argv[++i];
    } else {
      std::printf("usage: bench_list_import [--runs N] [--data DIR]\n");
      return arg == "--help" ? 0 : 2;
    }
  }
  if (!fs::is_directory(data)) {
    std::printf("shared data not found at %s: nothing to measure (skipped)\n",
                data.c_str());
    return 0;
  }
  std::printf("%-48s %8s %9s %9s %9s %10s %8s\n", "file", "parties", "parse s",
              "store s", "total s", "peak RSS", "target");
  int failures = 0;
  for (const Case& c : kCases) {
    const std::string path = data + "/" + c.relative;
    if (!fs::exists(path)) {
      std::printf("%-48s (absent, skipped)\n", c.label);
      continue;
    }
    std::vector<Run> results;
    long peak_kb = 0;
    for (int r = 0; r < runs; ++r) {
      char tmpl[] = "/tmp/clearance_bench_XXXXXX";
      const std::string dir = mkdtemp(tmpl);
      const std::string db_path = dir + "/bench.db";
      int pipe_fd[2];
      if (pipe(pipe_fd) != 0) return 1;
      const pid_t pid = fork();
      if (pid == 0) {
        close(pipe_fd[0]);
        Run run;
        const int rc = ImportOnce(path, db_path, run);
        if (write(pipe_fd[1], &run, sizeof run) != sizeof run) _exit(3);
        _exit(rc);
      }
      close(pipe_fd[1]);
      Run run;
      const bool got = read(pipe_fd[0], &run, sizeof run) == sizeof run;
      close(pipe_fd[0]);
      int status = 0;
      struct rusage usage {};
      wait4(pid, &status, 0, &usage);
      fs::remove_all(dir);
      if (!got || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        std::printf("%-48s FAILED\n", c.label);
        ++failures;
        break;
      }
      peak_kb = std::max(peak_kb, usage.ru_maxrss);
      results.push_back(run);
    }
    if (results.empty()) continue;
    std::sort(results.begin(), results.end(), [](const Run& a, const Run& b) {
      return a.parse_s + a.store_s < b.parse_s + b.store_s;
    });
    const Run& median = results[results.size() / 2];
    const double total = median.parse_s + median.store_s;
    char target[32] = "-";
    if (c.target_seconds > 0) {
      std::snprintf(target, sizeof target, "%s %.0fs",
                    total <= c.target_seconds ? "met" : "MISSED",
                    c.target_seconds);
    }
    std::printf("%-48s %8ld %9.2f %9.2f %9.2f %7ld MB %8s\n", c.label,
                median.parties, median.parse_s, median.store_s, total,
                peak_kb / 1024, target);
  }
  std::printf(
      "(median of %d runs; fresh database each run; peak RSS = max over "
      "runs)\n",
      runs);
  return failures == 0 ? 0 : 1;
}
