// End-to-end tests of `clearance screen ...` and `clearance match pairs`
// through the real binary, against the synthetic sample list imported into
// a temporary database.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/test_support.h"

namespace clearance {
namespace {

using nlohmann::json;
using testing::ReadFile;
using testing::RunClearance;
using testing::TempDir;
using testing::WriteFile;

const std::string kSample =
    CLEARANCE_SOURCE_DIR "/data/sample/sample_list.json";
constexpr int kExitHits = 10;

// Single-quotes `s` for the shell.
std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

class ScreenCli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string out;
    ASSERT_EQ(RunClearance("lists import --db " + db() + " " + kSample, &out),
              0)
        << out;
  }
  std::string db() const { return dir_.File("t.db"); }
  std::string Db() const { return " --db " + db() + " "; }

  // Runs a command with --json; checks the exit code and parses stdout.
  json RunJson(const std::string& args, int expected_code) {
    std::string out;
    const int code = RunClearance(args + Db() + "--json", &out);
    EXPECT_EQ(code, expected_code) << args << "\n" << out;
    const json parsed = json::parse(out, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << out;
    return parsed;
  }

  static std::vector<std::string> PartiesOf(const json& result) {
    std::vector<std::string> parties;
    if (!result.is_object() || !result.contains("hits")) return parties;
    for (const auto& hit : result["hits"]) parties.push_back(hit["party"]);
    return parties;
  }

  TempDir dir_;
};

TEST(ScreenCliHelp, EveryCommandHasHelp) {
  for (const char* command :
       {"screen name", "screen id", "screen names", "match pairs"}) {
    std::string out;
    EXPECT_EQ(RunClearance(std::string(command) + " --help", &out), 0)
        << command;
    EXPECT_NE(out.find("usage: clearance " + std::string(command)),
              std::string::npos)
        << out;
  }
  std::string out;
  EXPECT_EQ(RunClearance("--help", &out), 0);
  EXPECT_NE(out.find("screen name"), std::string::npos) << out;
  EXPECT_NE(out.find("match pairs"), std::string::npos) << out;
  EXPECT_EQ(RunClearance("screen --help", &out), 0);
  EXPECT_NE(out.find("screen names"), std::string::npos) << out;
}

TEST_F(ScreenCli, LatinAliasAndChineseNameFindTheSameParty) {
  for (const char* name : {"Zhipu AI", "北京智谱华章科技有限公司",
                           "Beijing Zhipu Huazhang Technology Co., Ltd."}) {
    const json result = RunJson("screen name " + Quote(name), kExitHits);
    const auto parties = PartiesOf(result);
    ASSERT_FALSE(parties.empty()) << name;
    EXPECT_EQ(parties[0], "SAMPLE-RPL:SAMPLE-0001") << name << "\n"
                                                    << result.dump(2);
    const json& top = result["hits"][0];
    EXPECT_GE(top["score"].get<double>(), 0.80);
    EXPECT_FALSE(top["matched_name"].get<std::string>().empty());
    EXPECT_FALSE(top["explanation"]["aligned"].empty()) << top.dump(2);
    for (const auto& hit : result["hits"]) {
      EXPECT_GE(hit["score"].get<double>(), 0.80);
    }
  }
  // The table for people names the party and explains the match.
  std::string out;
  ASSERT_EQ(RunClearance("screen name " + Quote("Zhipu AI") + Db(), &out),
            kExitHits);
  EXPECT_NE(out.find("SAMPLE-RPL:SAMPLE-0001"), std::string::npos) << out;
  EXPECT_NE(out.find("Why:"), std::string::npos) << out;
  EXPECT_NE(out.find("~"), std::string::npos) << out;
}

TEST_F(ScreenCli, NonsenseNameHasNoHitAndExitsZero) {
  const json result = RunJson("screen name " + Quote("Qwxzvbt Plokmnjuyhg"), 0);
  EXPECT_TRUE(result["hits"].empty()) << result.dump(2);
  std::string out;
  EXPECT_EQ(
      RunClearance("screen name " + Quote("Qwxzvbt Plokmnjuyhg") + Db(), &out),
      0);
  EXPECT_NE(out.find("No hit"), std::string::npos) << out;
}

TEST_F(ScreenCli, SecondaryFieldsAreAcceptedAndValidated) {
  const json result = RunJson("screen name " + Quote("Zhipu AI") +
                                  " --type entity --country CN --limit 1",
                              kExitHits);
  ASSERT_EQ(result["hits"].size(), 1u);
  EXPECT_EQ(result["query"]["country"], "CN");
  std::string out;
  EXPECT_EQ(RunClearance("screen name x --type planet" + Db(), &out), 2) << out;
  EXPECT_EQ(RunClearance("screen name x --dob 12/1960" + Db(), &out), 2) << out;
  EXPECT_EQ(RunClearance("screen name x --threshold 2" + Db(), &out), 2) << out;
  EXPECT_EQ(RunClearance("screen name x --limit 0" + Db(), &out), 2) << out;
  EXPECT_EQ(RunClearance("screen name x --country Atlantis" + Db(), &out), 2)
      << out;
}

TEST_F(ScreenCli, MissingDatabaseIsNotFound) {
  std::string out;
  EXPECT_EQ(RunClearance("screen name x --db " + dir_.File("none.db"), &out), 6)
      << out;
  EXPECT_NE(out.find("none.db"), std::string::npos) << out;
}

// Identifiers of the sample list, read from the file so the test follows it.
std::vector<std::pair<std::string, std::string>> SampleIdentifiers(
    const std::string& type) {
  std::vector<std::pair<std::string, std::string>> out;  // party id, value
  const json doc = json::parse(ReadFile(kSample));
  for (const auto& party : doc["parties"]) {
    if (!party.contains("identifiers")) continue;
    for (const auto& id : party["identifiers"]) {
      if (id["type"] == type) out.emplace_back(party["id"], id["value"]);
    }
  }
  return out;
}

std::string Upper(std::string s) {
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return s;
}

TEST_F(ScreenCli, IdentifiersFindTheirParty) {
  auto addresses = SampleIdentifiers("crypto_address");
  auto leis = SampleIdentifiers("lei");
  ASSERT_GE(addresses.size(), 2u);
  ASSERT_FALSE(leis.empty());
  std::vector<std::pair<std::string, std::string>> cases = addresses;
  cases.insert(cases.end(), leis.begin(), leis.end());
  for (const auto& [party, value] : cases) {
    const json result = RunJson("screen id " + Quote(value), kExitHits);
    const auto parties = PartiesOf(result);
    ASSERT_FALSE(parties.empty()) << value;
    EXPECT_EQ(parties[0], "SAMPLE-RPL:" + party) << value;
    EXPECT_TRUE(result["hits"][0]["identifier_hit"].get<bool>());
    EXPECT_NE(result["recognized"]["type"], "unknown") << value;
  }
  // Ethereum hex and bech32 addresses ignore letter case.
  for (const auto& [party, value] : addresses) {
    std::string changed = value;
    if (value.starts_with("0x")) {
      changed = "0x" + Upper(value.substr(2));
    } else if (value.starts_with("bc1")) {
      changed = Upper(value);
    } else {
      continue;
    }
    const json result = RunJson("screen id " + Quote(changed), kExitHits);
    const auto parties = PartiesOf(result);
    ASSERT_FALSE(parties.empty()) << changed;
    EXPECT_EQ(parties[0], "SAMPLE-RPL:" + party) << changed;
  }
  // A valid LEI that nobody holds: recognised, no hit.
  const json none = RunJson("screen id 5493001KJTIIGC8Y1R12", 0);
  EXPECT_EQ(none["recognized"]["type"], "lei");
  EXPECT_TRUE(none["hits"].empty());
}

std::vector<json> JsonLines(const std::string& text) {
  std::vector<json> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with("{")) continue;  // the summary, when stderr is merged
    lines.push_back(json::parse(line, nullptr, false));
    EXPECT_FALSE(lines.back().is_discarded()) << line;
  }
  return lines;
}

TEST_F(ScreenCli, BatchCsvKeepsOrderAndReportsBadRowsInLine) {
  WriteFile(dir_.File("in.csv"),
            "id,name,type,country,dob\n"
            "1,Zhipu AI,entity,CN,\n"
            "2,Qwxzvbt Plokmnjuyhg,person,,1970\n"
            "3,bad \"quote,person,,\n"
            "4,,person,,\n"
            "5,北京智谱华章科技有限公司,,China,\n"
            "6,\"Zhipu, AI\",,,\n");
  std::string out;
  ASSERT_EQ(
      RunClearance("screen names --in " + dir_.File("in.csv") + " --out " +
                       dir_.File("out.jsonl") + " --threads 3" + Db(),
                   &out),
      kExitHits)
      << out;
  EXPECT_NE(out.find("screened 6 rows"), std::string::npos) << out;
  const auto lines = JsonLines(ReadFile(dir_.File("out.jsonl")));
  ASSERT_EQ(lines.size(), 6u);
  for (size_t i = 0; i < lines.size(); ++i) EXPECT_EQ(lines[i]["row"], i + 1);
  EXPECT_EQ(PartiesOf(lines[0]).at(0), "SAMPLE-RPL:SAMPLE-0001");
  EXPECT_EQ(lines[0]["query"]["type"], "entity");
  EXPECT_TRUE(lines[1]["hits"].empty());
  EXPECT_EQ(lines[1]["query"]["dob"], "1970");
  EXPECT_TRUE(lines[2].contains("error")) << lines[2].dump();
  EXPECT_TRUE(lines[3].contains("error")) << lines[3].dump();
  EXPECT_EQ(PartiesOf(lines[4]).at(0), "SAMPLE-RPL:SAMPLE-0001");
  EXPECT_EQ(lines[4]["query"]["country"], "CN");
  EXPECT_EQ(lines[5]["query"]["name"], "Zhipu, AI");
}

TEST_F(ScreenCli, BatchPlainListToStdout) {
  std::string names;
  for (int i = 0; i < 300; ++i) {
    names +=
        (i % 3 == 0 ? "Zhipu AI" : "Qwxzvbt Plokmnjuy " + std::to_string(i)) +
        "\n";
  }
  WriteFile(dir_.File("names.txt"), names);
  std::string out;
  ASSERT_EQ(RunClearance("screen names --in " + dir_.File("names.txt") + Db() +
                             " 2>/dev/null",
                         &out),
            kExitHits);
  const auto lines = JsonLines(out);
  ASSERT_EQ(lines.size(), 300u);
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(lines[i]["row"], i + 1);
    EXPECT_EQ(lines[i]["hits"].empty(), i % 3 != 0) << lines[i].dump();
  }
  // Nothing that matches: exit 0.
  WriteFile(dir_.File("none.txt"), "Qwxzvbt Plokmnjuy\n");
  EXPECT_EQ(
      RunClearance("screen names --in " + dir_.File("none.txt") + Db(), &out),
      0)
      << out;
  EXPECT_EQ(
      RunClearance("screen names --in " + dir_.File("absent.txt") + Db(), &out),
      6)
      << out;
  EXPECT_EQ(RunClearance("screen names" + Db(), &out), 2) << out;
}

TEST(MatchPairsCli, WritesScoreAndMatchColumns) {
  TempDir dir;
  WriteFile(dir.File("pairs.csv"),
            "name1,name2,schema\n"
            "Vladimir Putin,\"PUTIN, Vladimir\",Person\n"
            "Beijing Zhipu Huazhang Technology Co. "
            "Ltd.,北京智谱华章科技有限公司,Company\n"
            "Anna Schmidt,Juan Carlos Ortega,Person\n");
  std::string out;
  ASSERT_EQ(RunClearance("match pairs --in " + dir.File("pairs.csv") +
                             " --out " + dir.File("scores.csv"),
                         &out),
            0)
      << out;
  const std::string scores = ReadFile(dir.File("scores.csv"));
  std::istringstream in(scores);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 4u) << scores;
  EXPECT_EQ(lines[0], "name1,name2,schema,score,match");
  EXPECT_TRUE(
      lines[1].starts_with("Vladimir Putin,\"PUTIN, Vladimir\",Person,"))
      << lines[1];
  EXPECT_TRUE(lines[1].ends_with(",true")) << lines[1];
  EXPECT_TRUE(lines[3].ends_with(",false")) << lines[3];

  // A missing column is named.
  WriteFile(dir.File("bad.csv"), "first,name2\na,b\n");
  EXPECT_EQ(RunClearance("match pairs --in " + dir.File("bad.csv"), &out), 3)
      << out;
  EXPECT_NE(out.find("name1"), std::string::npos) << out;
}

TEST_F(ScreenCli, BadInputNeverCrashes) {
  std::string out;
  EXPECT_EQ(RunClearance("screen name ''" + Db(), &out), 2) << out;
  EXPECT_EQ(RunClearance("screen id ''" + Db(), &out), 2) << out;
  const std::vector<std::string> names = {
      "\xff\xfe\xfd broken utf-8 \xc3",
      std::string(10 * 1024, 'a'),
      "Zhipu " + std::string(10 * 1024, 'x') + " AI",
      "...,,,;;;---",
      "Co., Ltd. LLC GmbH",
      "\x01\x02\x1b[31m name \x7f",
      "Zhipu 智谱 Путин محمد",
  };
  for (const auto& name : names) {
    const int code =
        RunClearance("screen name " + Quote(name) + Db() + "--json", &out);
    EXPECT_TRUE(code == 0 || code == kExitHits)
        << code << " " << out.substr(0, 300);
    EXPECT_FALSE(json::parse(out, nullptr, false).is_discarded())
        << out.substr(0, 300);
    const int id_code = RunClearance("screen id " + Quote(name) + Db(), &out);
    EXPECT_TRUE(id_code == 0 || id_code == kExitHits)
        << id_code << " " << out.substr(0, 300);
  }
  // The same names in a batch: every row answered.
  std::string batch;
  for (const auto& name : names) batch += name + "\n";
  WriteFile(dir_.File("bad.txt"), batch);
  const int code = RunClearance("screen names --in " + dir_.File("bad.txt") +
                                    " --out " + dir_.File("bad.jsonl") + Db(),
                                &out);
  EXPECT_TRUE(code == 0 || code == kExitHits) << out;
  EXPECT_EQ(JsonLines(ReadFile(dir_.File("bad.jsonl"))).size(), names.size());
}

}  // namespace
}  // namespace clearance
