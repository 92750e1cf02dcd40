// Golden end-to-end screening scenarios: every case file in
// tests/screening/scenarios/*.json names an account record (and optionally
// a workload request) from docs/examples/, and per decision date the
// expected outcome, rule ids that must fire and rule ids that must not.
// A workload case may carry "gpu_evidence" (probe report, challenge, host
// key, NVIDIA report and chain, landmark RTTs, and the clock "now"): the
// GPU verdict is then computed from those files as the CLI does.
// The lists are tests/testdata/screening/test_lists.json (a BIS-EL-coded
// synthetic party) plus the real SDN advanced XML when the shared data is
// present (else a synthetic SDN-coded stand-in with a real SDN address).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "engine/attest/gpu_assessment.h"
#include "engine/attest/probe_report.h"
#include "engine/audit/audit_trail.h"
#include "engine/lists/lists.h"
#include "engine/screening/screening.h"
#include "engine/store/list_store.h"
#include "tests/test_support.h"

namespace clearance::screening {
namespace {

using nlohmann::json;

std::string SourceFile(const std::string& relative) {
  return std::string(CLEARANCE_SOURCE_DIR) + "/" + relative;
}

void ImportList(const std::string& db, const std::string& path) {
  auto plan = lists::PlanSources({path});
  ASSERT_TRUE(plan.has_value()) << plan.error().ToString();
  auto store = store::ListStore::Open(db);
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  for (const auto& spec : *plan) {
    auto parsed = lists::ParseSource(spec);
    ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
    ASSERT_TRUE((*store)->Import(*parsed, "2026-01-01T00:00:00Z").has_value());
  }
}

// A case's "gpu_evidence": evidence files (paths from the source root) and
// the verifier's clock, assessed as `clearance screen workload` does
// (engine/attest/gpu_assessment.h) for the request's claim.
Result<attest::GpuVerdict> AssessEvidence(const json& spec,
                                          const WorkloadRequest& request,
                                          const std::string& as_of) {
  attest::GpuEvidence e;
  e.claimed_model = request.gpu_model;
  e.claimed_country = request.datacenter_country;
  auto file = [&](const char* key) -> std::optional<attest::EvidenceFile> {
    if (!spec.contains(key)) return std::nullopt;
    const std::string path = spec[key];
    return attest::EvidenceFile{path, testing::ReadFile(SourceFile(path))};
  };
  e.probe_report = file("probe_report");
  e.challenge = file("challenge");
  e.host_key = file("host_key");
  e.nvidia_report = file("nvidia_report");
  e.nvidia_certs = file("nvidia_certs");
  e.rtts = file("rtts");
  auto now = attest::ParseIso8601Utc(spec.value("now", ""));
  if (!now) return std::unexpected(now.error());
  attest::GpuAssessmentOptions options;
  options.now = *now;
  options.as_of = as_of;
  return attest::AssessGpu(e, options);
}

class Scenarios : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    db_ = dir_->File("clearance.db");
    ImportList(db_, testing::TestDataFile("screening/test_lists.json"));
    const std::string sdn = testing::SharedDataFile(
        "lists/ofac_sdn_advanced_2025-11-19/sdn_advanced.xml.bz2");
    real_sdn_ = !sdn.empty();
    ImportList(db_, real_sdn_ ? sdn
                              : testing::TestDataFile(
                                    "screening/test_sdn_fallback.json"));
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  static std::unique_ptr<Screener> Open() {
    ScreenerOptions options;
    options.db_path = db_;
    options.rules_dir = SourceFile("rules");
    options.now = [] { return std::string("2026-03-01T12:00:00Z"); };
    options.actor = "test";
    auto screener = Screener::Open(options);
    EXPECT_TRUE(screener.has_value()) << screener.error().ToString();
    return screener ? std::move(*screener) : nullptr;
  }

  static std::int64_t AuditCount() {
    auto trail = audit::AuditTrail::Open(db_);
    EXPECT_TRUE(trail.has_value());
    auto report = (*trail)->Verify();
    EXPECT_TRUE(report.has_value());
    EXPECT_TRUE(report->ok) << report->problem;
    return report->records;
  }

  static inline testing::TempDir* dir_ = nullptr;
  static inline std::string db_;
  static inline bool real_sdn_ = false;
};

TEST_F(Scenarios, EveryCaseFileGivesItsOutcomesAndRules) {
  auto screener = Open();
  ASSERT_NE(screener, nullptr);
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(
           SourceFile("tests/screening/scenarios"))) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 7u);
  for (const auto& file : files) {
    SCOPED_TRACE(file.filename().string());
    const json spec = json::parse(testing::ReadFile(file.string()));
    auto account = ParseAccountRecord(
        testing::ReadFile(SourceFile(spec["account"])), spec["account"]);
    ASSERT_TRUE(account.has_value()) << account.error().ToString();
    std::optional<WorkloadRequest> workload;
    if (spec.contains("workload")) {
      auto w = ParseWorkloadRequest(
          testing::ReadFile(SourceFile(spec["workload"])), spec["workload"]);
      ASSERT_TRUE(w.has_value()) << w.error().ToString();
      workload = *w;
    }
    for (const json& c : spec["cases"]) {
      const std::string as_of = c["as_of"];
      SCOPED_TRACE(as_of);
      std::optional<attest::GpuVerdict> gpu;
      if (c.contains("gpu_evidence")) {
        ASSERT_TRUE(workload.has_value());
        auto verdict = AssessEvidence(c["gpu_evidence"], *workload, as_of);
        ASSERT_TRUE(verdict.has_value()) << verdict.error().ToString();
        gpu = std::move(*verdict);
      }
      SCOPED_TRACE(gpu ? "gpu evidence: " + gpu->location.reason + " / " +
                             gpu->model.reason
                       : "no gpu evidence");
      const std::int64_t before = AuditCount();
      auto decision =
          workload ? screener->ApproveWorkload(*account, *workload, gpu, as_of)
                   : screener->Screen(*account, as_of);
      ASSERT_TRUE(decision.has_value()) << decision.error().ToString();
      std::set<std::string> fired;
      std::string fired_text;
      for (const FiredRule& f : decision->fired) {
        fired.insert(f.id);
        fired_text += f.id + " (" + f.outcome + ") ";
        EXPECT_FALSE(f.citation.empty()) << f.id;
        EXPECT_FALSE(f.explanation.empty()) << f.id;
      }
      EXPECT_EQ(decision->outcome, c["outcome"].get<std::string>())
          << "fired: " << fired_text;
      for (const std::string id : c["fired"])
        EXPECT_TRUE(fired.contains(id))
            << id << " not fired; fired: " << fired_text;
      if (c.contains("not_fired")) {
        for (const std::string id : c["not_fired"])
          EXPECT_FALSE(fired.contains(id)) << id << " fired";
      }
      if (c["fired"].empty()) {
        EXPECT_TRUE(fired.empty()) << fired_text;
      }
      // Stored with its input and output; the id is the audit record's.
      EXPECT_EQ(AuditCount(), before + 1);
      auto trail = audit::AuditTrail::Open(db_);
      auto record = (*trail)->Get(decision->decision_id);
      ASSERT_TRUE(record.has_value()) << decision->decision_id;
      EXPECT_EQ(record->outcome, decision->outcome);
      EXPECT_EQ(record->subject, account->account_id);
      EXPECT_FALSE(decision->versions.ruleset_hash.empty());
      EXPECT_FALSE(decision->versions.list_versions.empty());
      EXPECT_FALSE(decision->versions.geoip_database.empty());
      // A verdict computed from evidence is stored with the digest of
      // every input file.
      if (gpu) {
        const json input = json::parse(record->input_json);
        const json& stored = input["gpu_verdict"];
        EXPECT_EQ(stored["source"], "evidence");
        ASSERT_EQ(stored["evidence"].size(), gpu->evidence.size());
        for (const attest::EvidenceDigest& e : gpu->evidence) {
          EXPECT_NE(record->input_json.find(e.sha256), std::string::npos)
              << e.role;
        }
      }
    }
  }
}

TEST_F(Scenarios, EntityListOwnershipIsExplainedWithPathsAndUltimateParent) {
  auto screener = Open();
  ASSERT_NE(screener, nullptr);
  auto account = ParseAccountRecord(
      testing::ReadFile(
          SourceFile("docs/examples/sg_el_subsidiary.account.json")),
      "sg");
  ASSERT_TRUE(account.has_value());
  auto decision = screener->Screen(*account, "2025-10-15");
  ASSERT_TRUE(decision.has_value()) << decision.error().ToString();
  const json facts = json::parse(decision->facts_json);
  EXPECT_DOUBLE_EQ(facts["ownership"]["aggregate"]["BIS-EL"].get<double>(),
                   60.0);
  EXPECT_EQ(facts["account"]["ultimate_parent_country"], "CN");
  bool path = false;
  for (const Evidence& e : decision->evidence) {
    if (e.kind == "ownership" &&
        e.summary.find("BIS-EL aggregate 60.00%") != std::string::npos)
      path = true;
  }
  EXPECT_TRUE(path);
  EXPECT_NE(decision->facts_json.find("Beijing Lingxian Computing Technology"),
            std::string::npos);
}

TEST_F(Scenarios, SevastopolLoginsResolveToCrimea) {
  auto screener = Open();
  ASSERT_NE(screener, nullptr);
  auto account = ParseAccountRecord(
      testing::ReadFile(
          SourceFile("docs/examples/sevastopol_logins.account.json")),
      "ee");
  ASSERT_TRUE(account.has_value());
  auto decision = screener->Screen(*account, "2026-03-01");
  ASSERT_TRUE(decision.has_value());
  int crimea = 0;
  for (const Evidence& e : decision->evidence) {
    if (e.kind == "ip" &&
        e.detail_json.find("\"sanctioned_region\":\"CRIMEA\"") !=
            std::string::npos)
      ++crimea;
  }
  EXPECT_EQ(crimea, 2);
}

TEST_F(Scenarios, MalformedRecordsGetPreciseErrorsAndNoDecisionIsStored) {
  const std::int64_t before = AuditCount();
  const std::string good =
      testing::ReadFile(SourceFile("docs/examples/us_university.account.json"));
  struct Bad {
    std::string from, to, message;
  };
  const std::vector<Bad> bad = {
      {"\"legal_name\"", "\"legal_nmae\"", "unknown field 'legal_nmae'"},
      {"\"country\": \"US\",\n  \"addresses\"",
       "\"country\": \"USA\",\n  \"addresses\"",
       "country: expected an ISO 3166-1 alpha-2 code"},
      {"\"kind\": \"console_login\"", "\"kind\": \"console\"",
       "ip_events[0].kind: expected one of"},
      {"\"role\": \"signatory\"",
       "\"role\": \"signatory\", \"dob\": \"1970-13-01\"",
       "people[0].dob: expected YYYY or YYYY-MM-DD"},
      {"\"address\": \"198.51.100.80\"", "\"address\": \"198.51.100.800\"",
       "ip_events[0].address"},
      {"\"account_id\": \"US-EDU-0007\",", "",
       "account_id: required field missing"},
  };
  for (const Bad& b : bad) {
    std::string text = good;
    const size_t at = text.find(b.from);
    ASSERT_NE(at, std::string::npos) << b.from;
    text.replace(at, b.from.size(), b.to);
    auto parsed = ParseAccountRecord(text, "bad.json");
    ASSERT_FALSE(parsed.has_value()) << b.message;
    EXPECT_NE(parsed.error().message().find(b.message), std::string::npos)
        << parsed.error().message();
    EXPECT_NE(parsed.error().message().find("bad.json"), std::string::npos);
  }
  EXPECT_FALSE(
      ParseAccountRecord("{\"account_id\": ", "trunc.json").has_value());
  EXPECT_FALSE(
      ParseWorkloadRequest(
          "{\"request_id\": \"R\", \"gpu_model\": \"H100\", \"gpu_count\": 0, "
          "\"datacenter_country\": \"SG\"}",
          "w.json")
          .has_value());
  // A bad date is refused by the facade before anything is stored.
  auto screener = Open();
  ASSERT_NE(screener, nullptr);
  auto account = ParseAccountRecord(good, "good.json");
  ASSERT_TRUE(account.has_value());
  EXPECT_FALSE(screener->Screen(*account, "2026-02-30").has_value());
  EXPECT_EQ(AuditCount(), before);
}

}  // namespace
}  // namespace clearance::screening
