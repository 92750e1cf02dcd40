// Rules evaluation benchmark (docs/performance.md, "Rules evaluation").
//
// Loads the catalog (rules/, or --rules DIR; falls back to the fixture set
// tests/testdata/rules/ when the catalog does not load) and times
// RuleSet::Evaluate of one realistic account's facts on one core, for both
// request kinds. Prints a table; the target is <= 20 us per evaluation.
//
//   build/tests/bench/bench_rules [--rules DIR] [--iterations N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/rules/rules.h"

namespace {

using clearance::rules::AppliesTo;
using clearance::rules::Facts;
using clearance::rules::RuleSet;

nlohmann::json RealisticFacts() {
  nlohmann::json ip_events = nlohmann::json::array();
  const char* countries[] = {"SG", "SG", "MY", "SG", "US", "SG", "HK", "SG"};
  for (int i = 0; i < 24; ++i) {
    ip_events.push_back({{"address", "203.0.113." + std::to_string(i)},
                         {"country", countries[i % 8]},
                         {"region", i % 8 == 6 ? "Kowloon" : "Central"},
                         {"anonymizer", i % 11 == 0 ? "vpn" : "none"}});
  }
  return {
      {"account",
       {{"legal_name", "Lion City Compute Pte. Ltd."},
        {"type", "entity"},
        {"country", "SG"},
        {"kyc_address_country", "SG"},
        {"hq_country", "SG"},
        {"ultimate_parent_country", "CN"},
        {"addresses",
         {{{"country", "SG"}, {"region", "SG-01"}},
          {{"country", "MY"}, {"region", "MY-01"}}}},
        {"beneficial_owners",
         {{{"name", "Tan Wei"},
           {"country", "SG"},
           {"share", 40},
           {"listed", false}},
          {{"name", "Shenzhen Holdings"},
           {"country", "CN"},
           {"share", 35},
           {"listed", false}},
          {{"name", "Li Ming"},
           {"country", "CN"},
           {"share", 25},
           {"listed", false}}}},
        {"email_domain", "lioncity-compute.sg"},
        {"phone_country", "SG"},
        {"is_reseller", false},
        {"end_user_type", "company"},
        {"is_informed_letter", false},
        {"kyc_missing", nlohmann::json::array()},
        {"verified", true},
        {"age_days", 420}}},
      {"ip_events", ip_events},
      {"payments",
       {{{"method", "card"}, {"instrument_country", "SG"}, {"listed", false}},
        {{"method", "wire"}, {"instrument_country", "HK"}, {"listed", false}}}},
      {"hits",
       {{{"list", "BIS-EL"},
         {"party_id", "EL-1234"},
         {"score", 0.81},
         {"strength", "weak"},
         {"kind", "name"},
         {"subject", "owner"},
         {"confirmed", false}},
        {{"list", "OFAC-SDN"},
         {"party_id", "36123"},
         {"score", 0.72},
         {"strength", "weak"},
         {"kind", "name"},
         {"subject", "account"},
         {"confirmed", false}}}},
      {"ownership",
       {{"aggregate", {{"OFAC", 0}, {"BIS-EL", 35}, {"BIS-MEU", 0}}},
        {"controlled_by_listed", false},
        {"unknown_percentages", false}}},
      {"workload",
       {{"gpu_model", "H100-SXM"},
        {"eccn", "3A090.a"},
        {"tpp", 15832},
        {"performance_density", 19.4},
        {"count", 256},
        {"datacenter_country", "SG"},
        {"deployment", "REMOTE_SERVICE"},
        {"declared_end_use", "LLM pre-training for e-commerce search"},
        {"workload_type", "training"},
        {"est_training_ops", 3e24}}},
      {"red_flags", {"new_large_order"}}};
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = std::string(CLEARANCE_SOURCE_DIR) + "/rules";
  int iterations = 200000;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--rules") && i + 1 < argc) dir = argv[++i];
    if (!std::strcmp(argv[i], "--iterations") && i + 1 < argc)
      iterations = std::atoi(argv[++i]);
  }
  auto set = RuleSet::Load(dir);
  if (!set) {
    std::fprintf(stderr,
                 "bench_rules: %s does not load (%s);\nusing the fixture set\n",
                 dir.c_str(), set.error().message().substr(0, 300).c_str());
    dir = std::string(CLEARANCE_SOURCE_DIR) + "/tests/testdata/rules";
    set = RuleSet::Load(dir);
    if (!set) {
      std::fprintf(stderr, "bench_rules: %s\n", set.error().message().c_str());
      return 1;
    }
  }
  const auto facts_json = RealisticFacts();
  using Clock = std::chrono::steady_clock;

  // Converting the facts JSON into the value table (once per request).
  std::vector<double> convert_us;
  for (int r = 0; r < 5; ++r) {
    const int n = std::max(1, iterations / 20);
    const auto t0 = Clock::now();
    for (int i = 0; i < n; ++i) {
      auto f = Facts::FromJson(facts_json);
      if (!f) return 1;
    }
    convert_us.push_back(
        std::chrono::duration<double, std::micro>(Clock::now() - t0).count() /
        n);
  }
  auto facts = Facts::FromJson(facts_json);
  if (!facts) {
    std::fprintf(stderr, "bench_rules: %s\n", facts.error().message().c_str());
    return 1;
  }
  const auto as_of = *clearance::rules::ParseDate("2026-03-01");
  std::printf("rule set %s: %zu rules, hash %.16s\n", dir.c_str(),
              (*set)->rules().size(), (*set)->hash().c_str());
  std::printf("%-20s %8s %12s %12s %8s\n", "request", "fired", "median us",
              "min us", "outcome");
  for (AppliesTo kind :
       {AppliesTo::kRemoteService, AppliesTo::kHardwareTransfer}) {
    std::vector<double> runs;
    size_t fired = 0;
    std::string outcome;
    for (int r = 0; r < 7; ++r) {
      const auto t0 = Clock::now();
      for (int i = 0; i < iterations / 7; ++i) {
        auto d = (*set)->Evaluate(*facts, as_of, kind);
        if (!d) {
          std::fprintf(stderr, "bench_rules: %s\n",
                       d.error().message().c_str());
          return 1;
        }
        fired = d->fired.size() + d->shadow.size();
        outcome = std::string(clearance::rules::OutcomeName(d->outcome));
      }
      runs.push_back(
          std::chrono::duration<double, std::micro>(Clock::now() - t0).count() /
          (iterations / 7));
    }
    std::printf("%-20s %8zu %12.2f %12.2f %8s\n",
                std::string(clearance::rules::AppliesToName(kind)).c_str(),
                fired, Median(runs),
                *std::min_element(runs.begin(), runs.end()), outcome.c_str());
  }
  std::printf("%-20s %8s %12.2f %12.2f\n", "facts JSON -> table", "",
              Median(convert_us),
              *std::min_element(convert_us.begin(), convert_us.end()));
  return 0;
}
