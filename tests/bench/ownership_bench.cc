// Ownership graph benchmark: build, full scan (OFAC aggregate share of
// every entity), explain of one entity, ultimate parent and the
// incremental update after one new listing, on generated graphs of growing
// size. Each size runs in a forked child so its peak RSS is its own.
//
//   bench_ownership                   # 10^5 and 10^6 edges
//   bench_ownership --full            # adds 10^7 entities / 2x10^7 edges
//   bench_ownership --edges 100000,10000000
//
// The generated shape (docs/performance.md, "Ownership graph"): corporate
// groups (majority-owned trees with deep chains and fans), a pool of
// investors (funds, holding companies, states) holding minority stakes in
// many companies, groups owned in part by other groups, small
// cross-holdings (cycles), ~2% unknown percentages, ~3% control-only
// records, ~5% dated holdings, and a few thousand listed parties.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "engine/ownership/ownership.h"

namespace {

using clearance::ownership::Entity;
using clearance::ownership::Holding;
using clearance::ownership::HoldingKind;
using clearance::ownership::Listing;
using clearance::ownership::OwnershipGraph;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

long CurrentRssMb() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * sysconf(_SC_PAGESIZE) / (1024 * 1024);
}

std::string Id(std::size_t i) { return "E" + std::to_string(i); }

struct Generated {
  std::vector<Entity> entities;
  std::vector<Holding> holdings;
  std::vector<std::size_t> listed;
};

Generated Generate(std::size_t n, std::size_t m, uint32_t seed) {
  std::mt19937_64 rng(seed);
  auto uniform = [&](std::size_t k) { return std::size_t(rng() % k); };
  auto chance = [&](double p) { return (rng() % 1000000) < p * 1000000; };
  Generated g;
  g.entities.resize(n);
  static const char* kCountries[] = {"US", "GB", "DE", "SG", "CN", "HK", "JP",
                                     "AE", "RU", "IR", "MY", "KZ", "IE", "NL"};
  for (std::size_t i = 0; i < n; ++i) {
    Entity& e = g.entities[i];
    e.id = Id(i);
    e.country = kCountries[uniform(14)];
    e.hq_country = chance(0.8) ? e.country : kCountries[uniform(14)];
  }
  g.holdings.reserve(m);
  auto add = [&](std::size_t owner, std::size_t owned,
                 std::optional<double> pct,
                 HoldingKind kind = HoldingKind::kShares) {
    if (owner == owned || g.holdings.size() >= m) return;
    Holding h;
    h.owner = Id(owner);
    h.owned = Id(owned);
    h.percent = pct;
    h.kind = kind;
    h.source = "gen";
    if (chance(0.05)) {
      h.valid_from = "2020-01-01";
      if (chance(0.3)) h.valid_to = "2025-06-30";
    }
    g.holdings.push_back(std::move(h));
  };
  // Investors: the first 5% of entities, owned sparsely by earlier ones.
  const std::size_t investors = std::max<std::size_t>(10, n / 20);
  for (std::size_t i = 1; i < investors; ++i) {
    if (chance(0.3)) add(uniform(i), i, 5.0 + double(uniform(60)));
  }
  // Corporate groups: trees of majority holdings; 60% of members extend a
  // chain, the rest fan out from an earlier member; 1 group in 200 is a
  // deep chain of ~1000.
  std::size_t group_start = investors;
  std::size_t group_end = investors;
  for (std::size_t i = investors; i < n; ++i) {
    if (i >= group_end) {
      group_start = i;
      const std::size_t size = chance(0.005) ? 1000 : 1 + uniform(40);
      group_end = std::min(n, i + size);
      // The group's root: partly owned by an investor or another group.
      if (chance(0.5)) add(uniform(i), i, 10.0 + double(uniform(55)));
      continue;
    }
    const bool chain = chance(0.6) || group_end - group_start > 500;
    const std::size_t parent =
        chain ? i - 1 : group_start + uniform(i - group_start);
    add(parent, i, 50.5 + double(uniform(50)));
    if (chance(0.01))
      add(i, parent, 5.0 + double(uniform(25)));  // cross-holding
  }
  // Minority stakes from investors until m edges: some unknown, some
  // control only.
  while (g.holdings.size() < m) {
    const std::size_t owner = uniform(investors);
    const std::size_t owned = investors + uniform(n - investors);
    if (chance(0.03)) {
      add(owner, owned, std::nullopt, HoldingKind::kControl);
    } else if (chance(0.02)) {
      add(owner, owned, std::nullopt);
    } else {
      add(owner, owned, 1.0 + double(uniform(30)),
          chance(0.1) ? HoldingKind::kVoting : HoldingKind::kShares);
    }
  }
  // A few thousand listed parties: investors and group members.
  const std::size_t listed = std::min<std::size_t>(3000, n / 30);
  for (std::size_t k = 0; k < listed; ++k) {
    const std::size_t e = k % 3 == 0 ? uniform(investors) : uniform(n);
    Listing l;
    l.list = "OFAC-SDN";
    l.party_id = std::to_string(k);
    if (k % 10 == 0) l.listed_from = "2026-06-01";  // not yet in force
    g.entities[e].listings.push_back(l);
    g.listed.push_back(e);
  }
  return g;
}

// One size, in the calling (child) process. Prints one table row.
int RunSize(std::size_t edges, std::size_t entities) {
  const std::vector<std::string> lists = {"OFAC-SDN"};
  const std::string as_of = "2026-03-01";
  Clock::time_point t = Clock::now();
  Generated gen = Generate(entities, edges, 42);
  const double gen_s = Seconds(t);
  const long rss_after_generate = CurrentRssMb();

  t = Clock::now();
  auto built =
      OwnershipGraph::Build(std::move(gen.entities), std::move(gen.holdings));
  const double build_s = Seconds(t);
  if (!built) {
    std::fprintf(stderr, "build: %s\n", built.error().ToString().c_str());
    return 1;
  }
  OwnershipGraph graph = std::move(*built);
  const long rss_after_build = CurrentRssMb();

  t = Clock::now();
  std::vector<clearance::ownership::ShareResult> scan =
      graph.ScanAll(lists, as_of);
  const double scan_s = Seconds(t);
  const long rss_after_scan = CurrentRssMb();
  std::size_t blocked = 0, band = 0, unknown = 0;
  std::vector<std::string> interesting;
  for (const auto& r : scan) {
    if (r.blocked) ++blocked;
    if (!r.blocked && r.share >= 25) ++band;
    if (!r.unknown_percentages.empty()) ++unknown;
    if (!r.listed_directly && r.blocked && interesting.size() < 2000) {
      interesting.push_back(r.entity);
    }
  }
  t = Clock::now();
  const std::size_t rescan = graph.ScanAll(lists, as_of).size();
  const double rescan_s = Seconds(t);
  (void)rescan;

  // Explain: blocked (non-listed) entities from the scan plus random ones.
  std::mt19937_64 rng(7);
  for (int i = 0; i < 1000; ++i) interesting.push_back(Id(rng() % entities));
  std::vector<double> explain_ms;
  for (const std::string& id : interesting) {
    Clock::time_point e = Clock::now();
    auto r = graph.AggregateListedShare(id, lists, as_of);
    explain_ms.push_back(Seconds(e) * 1000);
    if (!r) return 1;
  }
  std::sort(explain_ms.begin(), explain_ms.end());
  const double explain_p50 = explain_ms[explain_ms.size() / 2];
  const double explain_p99 = explain_ms[explain_ms.size() * 99 / 100];
  const double explain_max = explain_ms.back();

  std::vector<double> parent_us;
  for (int i = 0; i < 1000; ++i) {
    Clock::time_point e = Clock::now();
    auto pc = graph.UltimateParent(Id(rng() % entities), as_of);
    parent_us.push_back(Seconds(e) * 1e6);
    if (!pc) return 1;
  }
  std::sort(parent_us.begin(), parent_us.end());

  // Incremental: list a group root (an entity with a subtree below it)
  // that is not listed yet; the cached scan is updated in place.
  std::size_t root = entities / 20 + 1;
  while (root + 1 < entities && !graph.FindEntity(Id(root))->listings.empty())
    ++root;
  Listing l{"OFAC-SDN", "new", "2026-02-01", ""};
  t = Clock::now();
  auto affected = graph.ApplyListing(Id(root), l);
  const double incr_s = Seconds(t);
  if (!affected) return 1;
  // And an investor (a fan of minority stakes).
  std::size_t investor = 1;
  while (!graph.FindEntity(Id(investor))->listings.empty()) ++investor;
  t = Clock::now();
  auto affected2 = graph.ApplyListing(Id(investor), l);
  const double incr2_s = Seconds(t);
  if (!affected2) return 1;
  t = Clock::now();
  const std::size_t after = graph.ScanAll(lists, as_of).size();
  const double after_s = Seconds(t);

  std::printf(
      "| %zu | %zu | %.1f | **%.2f** | **%.2f** | %.2f | %zu | %zu | %zu | %zu "
      "| %.3f / %.3f / %.3f "
      "| %.1f | **%.4f** (%zu) / %.4f (%zu) | %.2f (%zu) | %ld |\n",
      entities, edges, gen_s, build_s, scan_s, rescan_s, scan.size(), blocked,
      band, unknown, explain_p50, explain_p99, explain_max,
      parent_us[parent_us.size() / 2], incr_s, affected->size(), incr2_s,
      affected2->size(), after_s, after, rss_after_build);
  std::fprintf(
      stderr, "  RSS MB: after generate %ld, after build %ld, after scan %ld\n",
      rss_after_generate, rss_after_build, rss_after_scan);
  std::fflush(stdout);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::size_t> sizes = {100000, 1000000};
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--full") {
      sizes.push_back(20000000);
    } else if (arg == "--edges" && i + 1 < argc) {
      sizes.clear();
      std::string list = argv[++i];
      std::size_t pos = 0;
      while (pos < list.size()) {
        std::size_t comma = list.find(',', pos);
        if (comma == std::string::npos) comma = list.size();
        sizes.push_back(std::stoul(list.substr(pos, comma - pos)));
        pos = comma + 1;
      }
    } else {
      std::fprintf(stderr,
                   "usage: bench_ownership [--full] [--edges N,N,...]\n");
      return 2;
    }
  }
  std::printf(
      "| entities | edges | generate s | build s | full scan s (2 threads) | "
      "rescan s "
      "(cached) | results | blocked | 25-50%% band | unknown %% | explain ms "
      "p50 / p99 / max | parent us p50 | incremental s (affected): group root "
      "/ "
      "investor | scan after s (results) | RSS after build MB |\n");
  std::printf(
      "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|-"
      "--:|\n");
  std::fflush(stdout);
  for (std::size_t edges : sizes) {
    const std::size_t entities = edges / 2;
    const pid_t pid = fork();
    if (pid == 0) _exit(RunSize(edges, entities));
    int status = 0;
    struct rusage usage {};
    wait4(pid, &status, 0, &usage);
    // The child's row ends with "RSS after build |"; add the peak.
    std::printf("  peak RSS of the %zu-edge run: %ld MB (exit %d)\n", edges,
                usage.ru_maxrss / 1024,
                WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    std::fflush(stdout);
  }
  return 0;
}
