// Account screening benchmark (docs/performance.md, "Account screening"):
// one full Screener::Screen of an account with 5 names, 3 addresses,
// 2 payments and a 3-level declared ownership chain, on one thread, with
// every real list of the shared data imported. Prints p50/p90/p99/max.
//
//   bench_screening [--db FILE] [--runs N]
// Without --db the real lists under $CLEARANCE_SHARED_DATA/lists are
// imported into a temporary database first (minutes).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/lists/lists.h"
#include "engine/screening/screening.h"
#include "engine/store/list_store.h"
#include "tests/bench/bench_data.h"

using namespace clearance;

namespace {

constexpr const char* kAccount = R"({
  "account_id": "BENCH-1", "legal_name": "Harbourfront Compute Solutions Pte. Ltd.",
  "trade_names": ["Harbourfront AI", "HCS Cloud"], "type": "entity", "country": "SG",
  "addresses": [
    {"line": "10 Anson Road, #22-02 International Plaza", "city": "Singapore", "country": "SG"},
    {"line": "Room 1208, Block C, 18 Danling Street, Haidian District", "city": "Beijing", "country": "CN"},
    {"line": "Tverskaya Street 7", "city": "Moscow", "country": "RU"}],
  "people": [{"name": "Li Wei", "role": "director", "country": "CN", "dob": "1975"},
             {"name": "Ivan Petrov", "role": "beneficial_owner", "country": "RU", "share": 30}],
  "related": [
    {"id": "P1", "name": "Harbourfront Holdings Ltd.", "relation": "parent", "percent": 70, "country": "HK"},
    {"id": "P2", "name": "Pearl Delta Investment Co., Ltd.", "relation": "parent", "percent": 80, "country": "CN", "of": "P1"},
    {"id": "P3", "name": "Shenzhen Jinxin Capital Group", "relation": "parent", "percent": 55, "country": "CN", "of": "P2"}],
  "payments": [{"method": "card", "payer_name": "Harbourfront Compute Solutions", "instrument_country": "SG"},
               {"method": "crypto", "chain": "bitcoin", "crypto_address": "bc1qexampleexampleexampleexample0000"}],
  "ip_events": [{"address": "203.0.113.10", "kind": "console_login", "country": "SG"}],
  "email_domain": "harbourfront.sg", "phone_country": "SG", "verified": true
})";

}  // namespace

int main(int argc, char** argv) {
  std::string db;
  int runs = 3000;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--db") db = argv[i + 1];
    if (flag == "--runs") runs = std::atoi(argv[i + 1]);
  }
  if (db.empty()) {
    const char* shared = std::getenv("CLEARANCE_SHARED_DATA");
    std::string root =
        shared && *shared ? shared : CLEARANCE_DEFAULT_SHARED_DATA;
    db = (std::filesystem::temp_directory_path() / "bench_screening.db")
             .string();
    std::filesystem::remove(db);
    auto plan = bench::ImportOrder(root + "/lists");
    if (!plan) {
      std::fprintf(stderr, "%s\n", plan.error().ToString().c_str());
      return 1;
    }
    auto store = store::ListStore::Open(db);
    for (const auto& spec : *plan) {
      auto parsed = lists::ParseSource(spec);
      if (!parsed) {
        std::fprintf(stderr, "skipped %s: %s\n", spec.paths.front().c_str(),
                     parsed.error().ToString().c_str());
        continue;
      }
      if (!(*store)->Import(*parsed, "2026-01-01T00:00:00Z")) return 1;
    }
  }
  screening::ScreenerOptions options;
  options.db_path = db;
  options.rules_dir = std::string(CLEARANCE_SOURCE_DIR) + "/rules";
  options.record_decisions = false;  // audit append is benchmarked separately
  const auto open_start = std::chrono::steady_clock::now();
  auto screener = screening::Screener::Open(options);
  if (!screener) {
    std::fprintf(stderr, "%s\n", screener.error().ToString().c_str());
    return 1;
  }
  const double open_s = std::chrono::duration<double>(
                            std::chrono::steady_clock::now() - open_start)
                            .count();
  auto account = screening::ParseAccountRecord(kAccount, "bench");
  if (!account) {
    std::fprintf(stderr, "%s\n", account.error().ToString().c_str());
    return 1;
  }
  std::vector<double> us;
  std::string outcome;
  size_t hits = 0;
  for (int i = 0; i < runs + 100; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    auto d = (*screener)->Screen(*account, "2026-03-01");
    const auto t1 = std::chrono::steady_clock::now();
    if (!d) {
      std::fprintf(stderr, "%s\n", d.error().ToString().c_str());
      return 1;
    }
    if (i >= 100)
      us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    outcome = d->outcome;
    hits = d->evidence.size();
  }
  std::sort(us.begin(), us.end());
  auto pct = [&](double p) {
    return us[std::min(us.size() - 1, static_cast<size_t>(p * us.size()))];
  };
  std::printf("open %.2f s; decision %s; evidence items %zu\n", open_s,
              outcome.c_str(), hits);
  std::printf(
      "account screening, %d runs, one thread (us): p50 %.1f  p90 %.1f  p99 "
      "%.1f  max %.1f\n",
      runs, pct(0.50), pct(0.90), pct(0.99), us.back());
  return 0;
}
