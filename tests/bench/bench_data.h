// Helpers shared by the matching evaluation and benchmark programs: loading
// the real lists straight from ../shared/data/lists (no database), reading
// the evaluation CSV files, timing and memory.
#ifndef CLEARANCE_TESTS_BENCH_BENCH_DATA_H_
#define CLEARANCE_TESTS_BENCH_BENCH_DATA_H_

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "engine/lists/csv_reader.h"
#include "engine/lists/lists.h"

namespace clearance::bench {

using Clock = std::chrono::steady_clock;

inline double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Resident set size of this process in bytes (Linux /proc/self/statm).
inline std::int64_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return static_cast<std::int64_t>(resident) * 4096;
}

// The sources under `lists_dir` in the order to import them into a store so
// that its "latest" versions match LoadLatestLists(): smaller files first.
// The store breaks ties between documents that state no date (the 2022 CSL
// and the 13-row 2025 CSL format sample) by import order, so the complete
// list must come last.
inline Result<std::vector<lists::SourceSpec>> ImportOrder(
    const std::string& lists_dir) {
  auto specs = lists::PlanSources({lists_dir});
  if (!specs) return specs;
  auto size_of = [](const lists::SourceSpec& spec) {
    std::uintmax_t total = 0;
    for (const std::string& path : spec.paths) {
      std::error_code ec;
      const auto size = std::filesystem::file_size(path, ec);
      if (!ec) total += size;
    }
    return total;
  };
  std::stable_sort(specs->begin(), specs->end(),
                   [&](const lists::SourceSpec& a, const lists::SourceSpec& b) {
                     return size_of(a) < size_of(b);
                   });
  return specs;
}

struct LoadedLists {
  // The newest document of each list code, with a synthetic version id.
  std::vector<std::pair<std::int64_t, lists::ListDocument>> latest;
  double seconds = 0;
  long sources = 0;
};

// Parses every list under `lists_dir` and keeps, per list code, the document
// with the newest publisher's date, like the store's "latest" version. Ties
// (several sources of one code that state no date, e.g. the 2022 CSL and
// the 13-row 2025 CSL format sample) go to the larger document.
inline Result<LoadedLists> LoadLatestLists(const std::string& lists_dir) {
  LoadedLists out;
  const auto start = Clock::now();
  auto specs = lists::PlanSources({lists_dir});
  if (!specs) return std::unexpected(specs.error());
  std::map<std::string, lists::ListDocument> by_code;
  for (const auto& spec : *specs) {
    auto parsed = lists::ParseSource(spec);
    if (!parsed) return std::unexpected(parsed.error());
    ++out.sources;
    for (auto& doc : parsed->lists) {
      auto it = by_code.find(doc.code);
      if (it == by_code.end()) {
        by_code.emplace(doc.code, std::move(doc));
        continue;
      }
      const auto& held = it->second;
      if (doc.published > held.published ||
          (doc.published == held.published &&
           doc.parties.size() > held.parties.size())) {
        it->second = std::move(doc);
      }
    }
  }
  std::int64_t id = 0;
  for (auto& [code, doc] : by_code)
    out.latest.emplace_back(++id, std::move(doc));
  out.seconds = SecondsSince(start);
  return out;
}

// A CSV file as rows of named columns (header = first record).
struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  int Column(const std::string& name) const {
    for (size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return static_cast<int>(i);
    }
    return -1;
  }
  std::string Cell(size_t row, int column) const {
    if (column < 0 || static_cast<size_t>(column) >= rows[row].size())
      return "";
    return rows[row][static_cast<size_t>(column)];
  }
};

// Reads a CSV file; with `has_header` false every record is a row. Records
// whose first field is empty or starts with '#' are skipped (comments).
inline Result<CsvTable> ReadCsvTable(const std::string& path,
                                     bool has_header = true) {
  auto reader = lists::internal::CsvReader::Open(path);
  if (!reader) return std::unexpected(reader.error());
  CsvTable table;
  lists::internal::CsvRecord record;
  bool first = has_header;
  while (true) {
    auto more = (*reader)->Next(record);
    if (!more) return std::unexpected(more.error());
    if (!*more) break;
    if (first) {
      table.header = record.fields;
      first = false;
      continue;
    }
    if (record.fields.empty() || record.fields[0].empty() ||
        record.fields[0][0] == '#') {
      continue;
    }
    table.rows.push_back(record.fields);
  }
  return table;
}

// Runs fn(i) for i in [0, n) on `threads` threads.
template <typename Fn>
void ParallelFor(size_t n, int threads, Fn fn) {
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i; (i = next.fetch_add(1)) < n;) fn(i);
  };
  std::vector<std::jthread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
}

}  // namespace clearance::bench

#endif  // CLEARANCE_TESTS_BENCH_BENCH_DATA_H_
