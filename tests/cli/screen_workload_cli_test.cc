// End-to-end tests of `clearance screen workload` through the real binary:
// the account from --account or, without it, from the newest stored decision
// about the request's account_id; usage errors that name what is wrong and
// record nothing.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/test_support.h"

namespace clearance {
namespace {

using nlohmann::json;
using testing::ReadFile;
using testing::RunClearance;
using testing::TempDir;

constexpr int kExitUsage = 2;
constexpr int kExitNotFound = 6;
constexpr int kExitHits = 10;

const std::string kExamples = CLEARANCE_SOURCE_DIR "/docs/examples/";

class ScreenWorkloadCli : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("CLEARANCE_RULES", CLEARANCE_SOURCE_DIR "/rules", 1);
    ::setenv("CLEARANCE_NOW", "2026-03-01T09:00:00Z", 1);
    ::setenv("CLEARANCE_NO_PROGRESS", "1", 1);
    std::string out;
    ASSERT_EQ(
        RunClearance("lists import" + Db() +
                         CLEARANCE_SOURCE_DIR "/data/sample/sample_list.json",
                     &out),
        0)
        << out;
  }

  std::string Db() const { return " --db " + dir_.File("t.db") + " "; }

  // The example H100 request, remote, for `account_id` ("" = none).
  std::string Request(const std::string& account_id) {
    json request = json::parse(ReadFile(kExamples + "h100_64.workload.json"));
    request.erase("$schema");
    request["deployment"] = "REMOTE_SERVICE";
    if (!account_id.empty()) request["account_id"] = account_id;
    const std::string path = dir_.File("request-" + account_id + ".json");
    std::ofstream(path) << request.dump();
    return path;
  }

  int AuditRecords() {
    std::string out;
    EXPECT_EQ(RunClearance("audit verify --json" + Db(), &out), 0) << out;
    return json::parse(out).value("records", -1);
  }

  TempDir dir_;
};

TEST_F(ScreenWorkloadCli, AccountComesFromItsNewestStoredDecision) {
  std::string out;
  ASSERT_EQ(RunClearance("screen account --as-of 2026-03-01" + Db() +
                             kExamples + "us_university.account.json",
                         &out),
            0)
      << out;
  ASSERT_EQ(RunClearance("screen workload --json --as-of 2026-03-01" + Db() +
                             Request("US-EDU-0007"),
                         &out),
            kExitHits)
      << out;
  const json decision = json::parse(out);
  EXPECT_EQ(decision["kind"], "workload");
  EXPECT_EQ(decision["account_id"], "US-EDU-0007");
  // No GPU evidence: the H100 is held until verified.
  EXPECT_EQ(decision["outcome"], "ESCALATE");
  EXPECT_NE(out.find("GPU-VERIFICATION-REQUIRED"), std::string::npos);
  EXPECT_EQ(AuditRecords(), 2);
}

TEST_F(ScreenWorkloadCli, UsageErrorsNameTheProblemAndRecordNothing) {
  std::string out;
  // Neither --account nor account_id.
  EXPECT_EQ(RunClearance("screen workload" + Db() + Request(""), &out),
            kExitUsage);
  EXPECT_NE(out.find("--account"), std::string::npos) << out;
  // An account_id never screened.
  EXPECT_EQ(RunClearance("screen workload" + Db() + Request("NOPE-1"), &out),
            kExitNotFound);
  EXPECT_NE(out.find("NOPE-1"), std::string::npos) << out;
  // An account_id that contradicts the --account record.
  EXPECT_EQ(
      RunClearance("screen workload --account " + kExamples +
                       "us_university.account.json" + Db() + Request("NOPE-1"),
                   &out),
      kExitUsage);
  EXPECT_NE(out.find("US-EDU-0007"), std::string::npos) << out;
  EXPECT_EQ(AuditRecords(), 0);
}

}  // namespace
}  // namespace clearance
