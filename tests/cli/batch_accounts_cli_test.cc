// End-to-end tests of `clearance screen accounts` (batch account screening)
// through the real binary: the documented example accounts as JSON Lines,
// screened on several threads, recorded in the audit trail in input order
// of output; malformed lines reported and not stored; --dry-run records
// nothing; exit codes as docs/cli.md says.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/test_support.h"

namespace clearance {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::ReadFile;
using testing::RunClearance;
using testing::TempDir;

constexpr int kExitInput = 3;
constexpr int kExitHits = 10;

// The documented examples and the outcome each gets on 2026-03-01
// (tests/screening/scenarios say the same through the library).
const std::map<std::string, std::string> kExpected = {
    {"us_university.account.json", "ALLOW"},
    {"sevastopol_logins.account.json", "DENY"},
    {"reseller_d5_downstream.account.json", "ESCALATE"},
};

std::string OneLine(const std::string& path) {
  return json::parse(ReadFile(path)).dump();
}

std::vector<json> ReadJsonLines(const std::string& path) {
  std::vector<json> out;
  std::istringstream in(ReadFile(path));
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(json::parse(line));
  }
  return out;
}

class BatchAccountsCli : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("CLEARANCE_RULES", CLEARANCE_SOURCE_DIR "/rules", 1);
    ::setenv("CLEARANCE_NOW", "2026-03-01T08:00:00Z", 1);
    ::setenv("CLEARANCE_NO_PROGRESS", "1", 1);
    std::string out;
    ASSERT_EQ(
        RunClearance("lists import --db " + db() + " " +
                         CLEARANCE_SOURCE_DIR "/data/sample/sample_list.json",
                     &out),
        0)
        << out;
  }

  std::string db() const { return dir_.File("t.db"); }

  // Writes the examples (each `copies` times, account ids suffixed) plus
  // `extra` lines, returns the path.
  std::string WriteInput(int copies, const std::vector<std::string>& extra) {
    const std::string path = dir_.File("accounts.jsonl");
    std::ofstream f(path);
    for (int c = 0; c < copies; ++c) {
      for (const auto& [file, outcome] : kExpected) {
        json account = json::parse(
            ReadFile(CLEARANCE_SOURCE_DIR "/docs/examples/" + file));
        account["account_id"] =
            account["account_id"].get<std::string>() + "-" + std::to_string(c);
        f << account.dump() << "\n";
      }
    }
    for (const std::string& line : extra) f << line << "\n";
    return path;
  }

  TempDir dir_;
};

TEST_F(BatchAccountsCli, ScreensEveryRecordInInputOrderAndRecordsThem) {
  const std::string in = WriteInput(20, {});
  const std::string out_path = dir_.File("out.jsonl");
  std::string out;
  const int code = RunClearance("screen accounts --db " + db() + " --in " + in +
                                    " --out " + out_path + " --threads 4",
                                &out);
  // DENY and ESCALATE among the outcomes: held decisions exit 10.
  EXPECT_EQ(code, kExitHits) << out;
  const std::vector<json> lines = ReadJsonLines(out_path);
  ASSERT_EQ(lines.size(), 60u);
  std::vector<std::string> expected_order;
  for (const auto& [file, outcome] : kExpected)
    expected_order.push_back(outcome);
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(lines[i]["line"], static_cast<int>(i + 1));
    EXPECT_EQ(lines[i]["outcome"], expected_order[i % expected_order.size()])
        << lines[i].dump();
    EXPECT_TRUE(lines[i]["decision_id"].get<std::string>().starts_with("D-"));
  }
  EXPECT_NE(out.find("DENY"), std::string::npos) << out;
  EXPECT_NE(out.find("screened 60 of 60 records"), std::string::npos) << out;

  // Every decision is in the trail, once, and the chain verifies.
  ASSERT_EQ(RunClearance("audit verify --db " + db(), &out), 0) << out;
  EXPECT_NE(out.find("60 records"), std::string::npos) << out;
  ASSERT_EQ(RunClearance("decisions show --json --db " + db() + " " +
                             lines[1]["decision_id"].get<std::string>(),
                         &out),
            0)
      << out;
  EXPECT_NE(out.find(lines[1]["account_id"].get<std::string>()),
            std::string::npos);
}

TEST_F(BatchAccountsCli, MalformedLinesAreReportedAndNotStored) {
  const std::string in = WriteInput(
      1, {"", "not json", R"({"account_id": "X-1", "legal_name": "Acme"})",
          R"({"account_id": "X-2", "legal_name": "Acme GmbH", "country": "DE",
              "people": [{"name": "A B", "dob": "yesterday"}]})"});
  const std::string out_path = dir_.File("out.jsonl");
  std::string out;
  EXPECT_EQ(RunClearance("screen accounts --db " + db() + " --in " + in +
                             " --out " + out_path,
                         &out),
            kExitInput)
      << out;
  const std::vector<json> lines = ReadJsonLines(out_path);
  // The blank line is skipped; the JSON object spanning two lines is two
  // bad lines.
  ASSERT_EQ(lines.size(), 3u + 4u);
  EXPECT_EQ(lines[3]["line"], 5);
  EXPECT_NE(lines[3]["error"].get<std::string>().find("line 5"),
            std::string::npos);
  EXPECT_NE(lines[4]["error"].get<std::string>().find("country"),
            std::string::npos)
      << lines[4].dump();
  // Only the three good records are in the trail.
  ASSERT_EQ(RunClearance("audit verify --db " + db(), &out), 0) << out;
  EXPECT_NE(out.find("3 records"), std::string::npos) << out;
}

TEST_F(BatchAccountsCli, DryRunRecordsNothingAndAllowOnlyExitsZero) {
  const std::string path = dir_.File("one.jsonl");
  {
    std::ofstream f(path);
    f << OneLine(CLEARANCE_SOURCE_DIR
                 "/docs/examples/us_university.account.json")
      << "\n";
  }
  std::string out;
  EXPECT_EQ(RunClearance("screen accounts --dry-run --db " + db() + " --in " +
                             path + " --out " + dir_.File("o.jsonl"),
                         &out),
            0)
      << out;
  ASSERT_EQ(RunClearance("audit verify --db " + db(), &out), 0) << out;
  EXPECT_NE(out.find("0 records"), std::string::npos) << out;
  EXPECT_NE(ReadFile(dir_.File("o.jsonl")).find("\"ALLOW\""),
            std::string::npos);
}

TEST_F(BatchAccountsCli, UsageErrors) {
  std::string out;
  EXPECT_EQ(RunClearance("screen accounts --db " + db(), &out), 2) << out;
  EXPECT_EQ(RunClearance("screen accounts --db " + db() + " --in " +
                             dir_.File("absent.jsonl"),
                         &out),
            6)
      << out;
  EXPECT_EQ(RunClearance("screen accounts --threads 0 --db " + db() + " --in " +
                             dir_.File("absent.jsonl"),
                         &out),
            2)
      << out;
  EXPECT_FALSE(fs::exists(dir_.File("absent.jsonl.partial")));
}

}  // namespace
}  // namespace clearance
