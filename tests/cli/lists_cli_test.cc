// End-to-end tests of `clearance lists ...` through the real binary and a
// real SQLite file, plus the acceptance checks on the real lists.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/store/list_store.h"
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

std::string Db(const TempDir& dir) { return "--db " + dir.File("t.db") + " "; }

json RunJson(const std::string& args, int expected_code = 0) {
  std::string out;
  const int code = RunClearance(args + " --json", &out);
  EXPECT_EQ(code, expected_code) << out;
  const json parsed = json::parse(out, nullptr, false);
  EXPECT_FALSE(parsed.is_discarded()) << out;
  return parsed;
}

TEST(ListsCli, EveryCommandHasHelp) {
  for (const char* command : {"lists import", "lists status", "lists diff",
                              "lists show", "lists prune", "lists update"}) {
    std::string out;
    EXPECT_EQ(RunClearance(std::string(command) + " --help", &out), 0)
        << command;
    EXPECT_NE(out.find("usage: clearance " + std::string(command)),
              std::string::npos)
        << out;
  }
  std::string out;
  EXPECT_EQ(RunClearance("--help", &out), 0);
  EXPECT_NE(out.find("lists import"), std::string::npos);
}

TEST(ListsCli, UsageErrorsExitWithTwo) {
  std::string out;
  EXPECT_EQ(RunClearance("no-such-command", &out), 2);
  EXPECT_NE(out.find("unknown command"), std::string::npos);
  EXPECT_EQ(RunClearance("lists import --bogus x", &out), 2);
  EXPECT_NE(out.find("--bogus"), std::string::npos);
  EXPECT_EQ(RunClearance("lists import", &out), 2);
}

TEST(ListsCli, ImportSampleThenStatusShowAndReimport) {
  TempDir dir;
  json imported = RunJson("lists import " + Db(dir) + kSample);
  ASSERT_EQ(imported.size(), 1u);
  EXPECT_EQ(imported[0]["list"], "SAMPLE-RPL");
  EXPECT_FALSE(imported[0]["already_imported"].get<bool>());
  const long parties = imported[0]["counts"]["parties"];
  EXPECT_GE(parties, 24);

  json status = RunJson("lists status " + Db(dir));
  ASSERT_EQ(status.size(), 1u);
  EXPECT_EQ(status[0]["counts"]["parties"], parties);
  EXPECT_EQ(status[0]["sha256"].get<std::string>().size(), 64u);

  // Re-import: a no-op that says so, and the database file is unchanged.
  const std::string before = ReadFile(dir.File("t.db"));
  std::string out;
  ASSERT_EQ(RunClearance("lists import " + Db(dir) + kSample, &out), 0) << out;
  EXPECT_NE(out.find("already imported"), std::string::npos) << out;
  EXPECT_EQ(ReadFile(dir.File("t.db")), before);

  // The Chinese-script name of the sample Entity-List-style party is shown.
  ASSERT_EQ(
      RunClearance("lists show " + Db(dir) + "SAMPLE-RPL:SAMPLE-0001", &out), 0)
      << out;
  EXPECT_NE(out.find("北京智谱华章科技有限公司"), std::string::npos) << out;
  EXPECT_NE(out.find("Hani"), std::string::npos) << out;
}

TEST(ListsCli, BadFileLeavesDatabaseByteForByteUnchanged) {
  TempDir dir;
  ASSERT_EQ(RunClearance("lists import " + Db(dir) + kSample, nullptr), 0);
  const std::string before = ReadFile(dir.File("t.db"));
  ASSERT_FALSE(before.empty());

  // A truncated copy of the sample list, alongside a good new file.
  const std::string sample = ReadFile(kSample);
  WriteFile(dir.File("truncated.json"), sample.substr(0, sample.size() / 2));
  std::string modified = sample;
  modified.replace(modified.find("SAMPLE-RPL"), 10, "SAMPLE-TWO");
  WriteFile(dir.File("good.json"), modified);
  std::string out;
  EXPECT_EQ(RunClearance("lists import " + Db(dir) + dir.File("good.json") +
                             " " + dir.File("truncated.json"),
                         &out),
            3)
      << out;
  EXPECT_NE(out.find("truncated.json"), std::string::npos) << out;
  EXPECT_EQ(ReadFile(dir.File("t.db")), before);

  // Garbage and empty files, and an unknown format.
  WriteFile(dir.File("garbage.xml"),
            "<?xml version=\"1.0\"?><Sanctions xmlns=\"x\"><Date");
  WriteFile(dir.File("empty.csv"), "");
  WriteFile(dir.File("unknown.txt"), "hello world\n");
  for (const char* name : {"garbage.xml", "empty.csv", "unknown.txt"}) {
    EXPECT_EQ(RunClearance("lists import " + Db(dir) + dir.File(name), &out), 3)
        << name << out;
    EXPECT_NE(out.find(name), std::string::npos) << out;
    EXPECT_EQ(ReadFile(dir.File("t.db")), before) << name;
  }
  EXPECT_EQ(
      RunClearance("lists import " + Db(dir) + dir.File("missing.csv"), &out),
      6)
      << out;
}

TEST(ListsCli, DiffBetweenTwoVersions) {
  TempDir dir;
  ASSERT_EQ(RunClearance("lists import " + Db(dir) + kSample, nullptr), 0);
  // Version 2: drop the last party, rename one alias, add a program.
  json doc = json::parse(ReadFile(kSample));
  doc["published"] = "2099-01-01";
  const std::string removed_id = doc["parties"].back()["id"];
  doc["parties"].erase(doc["parties"].size() - 1);
  doc["parties"][0]["programs"].push_back("TEST-PROGRAM");
  json added = doc["parties"][1];
  added["id"] = "NEW-1";
  doc["parties"].push_back(added);
  WriteFile(dir.File("v2.json"), doc.dump());
  ASSERT_EQ(
      RunClearance("lists import " + Db(dir) + dir.File("v2.json"), nullptr),
      0);

  json diff = RunJson("lists diff " + Db(dir) +
                      "--list SAMPLE-RPL --from 1 --to latest");
  EXPECT_EQ(diff["summary"]["added"], 1);
  EXPECT_EQ(diff["summary"]["removed"], 1);
  EXPECT_EQ(diff["summary"]["changed"], 1);
  EXPECT_EQ(diff["added"][0]["id"], "NEW-1");
  EXPECT_EQ(diff["removed"][0]["id"], removed_id);
  EXPECT_EQ(diff["changed"][0]["fields"][0]["field"], "programs");
  EXPECT_EQ(diff["changed"][0]["fields"][0]["added"][0], "TEST-PROGRAM");

  // Both versions are kept; prune removes the old one only.
  json status = RunJson("lists status " + Db(dir));
  EXPECT_EQ(status.size(), 2u);
  json pruned =
      RunJson("lists prune " + Db(dir) + "--before 2100-01-01T00:00:00Z");
  ASSERT_EQ(pruned.size(), 1u);
  EXPECT_EQ(pruned[0]["version"], 1);
  EXPECT_EQ(RunJson("lists status " + Db(dir)).size(), 1u);

  std::string out;
  EXPECT_EQ(RunClearance(
                "lists diff " + Db(dir) + "--list SAMPLE-RPL --from 99", &out),
            6)
      << out;
  EXPECT_EQ(RunClearance("lists show " + Db(dir) + "SAMPLE-RPL:NO-SUCH", &out),
            6)
      << out;
}

// A truncated or corrupted copy of the real 121 MB SDN list (compressed)
// fails with a message naming it and leaves the database unchanged.
TEST(ListsCliRealData, TruncatedOrCorruptedSdnLeavesDatabaseUnchanged) {
  const std::string sdn = testing::SharedDataFile(
      "lists/ofac_sdn_advanced_2025-11-19/sdn_advanced.xml.bz2");
  if (sdn.empty())
    GTEST_SKIP() << "../shared/data SDN advanced XML absent: skipped";
  TempDir dir;
  ASSERT_EQ(RunClearance("lists import " + Db(dir) + kSample, nullptr), 0);
  const std::string before = ReadFile(dir.File("t.db"));
  const std::string bytes = ReadFile(sdn);
  WriteFile(dir.File("truncated.xml.bz2"), bytes.substr(0, bytes.size() / 2));
  std::string corrupted = bytes;
  corrupted[corrupted.size() / 3] ^= 0x5a;
  WriteFile(dir.File("corrupted.xml.bz2"), corrupted);
  std::string out;
  for (const char* name : {"truncated.xml.bz2", "corrupted.xml.bz2"}) {
    EXPECT_EQ(RunClearance("lists import " + Db(dir) + dir.File(name), &out), 3)
        << name << out;
    EXPECT_NE(out.find(name), std::string::npos) << out;
    EXPECT_EQ(ReadFile(dir.File("t.db")), before) << name;
  }
}

// The acceptance check of the list-store issue: every list file in
// ../shared/data/lists imports, and the counts match the data README.
TEST(ListsCliRealData, ImportsEveryListWithPublishedCounts) {
  const std::string lists_dir = testing::SharedDataFile("lists");
  if (lists_dir.empty())
    GTEST_SKIP() << "../shared/data/lists absent: real-data check skipped";
  TempDir dir;
  std::string out;
  ASSERT_EQ(
      RunClearance("lists import " + Db(dir) + lists_dir + " >/dev/null", &out),
      0)
      << out;
  json status = RunJson("lists status " + Db(dir));
  std::map<std::string, json> latest_by_list;
  std::multimap<std::string, json> all_by_list;
  for (const auto& v : status) {
    all_by_list.emplace(v["list"], v);
    if (v["latest"].get<bool>()) latest_by_list[v["list"]] = v;
  }
  // OFAC SDN: the advanced XML (2025-11-19) is the newest OFAC-SDN version.
  bool saw_advanced = false;
  for (auto [it, end] = all_by_list.equal_range("OFAC-SDN"); it != end; ++it) {
    if (it->second["format"] == "ofac-advanced-xml") {
      saw_advanced = true;
      EXPECT_EQ(it->second["counts"]["parties"], 18367);
      EXPECT_EQ(it->second["published"], "2025-11-19");
    }
    if (it->second["source"].get<std::string>().find("2021-07") !=
        std::string::npos) {
      EXPECT_EQ(it->second["counts"]["parties"], 8976);
      // add.csv has 13,837 rows; 2,397 of them are "-0-" in every field
      // and are not stored as addresses.
      EXPECT_EQ(it->second["counts"]["addresses"], 13837 - 2397);
    }
    if (it->second["source"].get<std::string>().find("2024-05") !=
        std::string::npos) {
      EXPECT_EQ(it->second["counts"]["parties"], 14965);
    }
  }
  EXPECT_TRUE(saw_advanced);
  // The version of a list that came from a given file (the folder also
  // holds a 13-row 2025 CSL sample, a newer version of the same lists).
  auto from_file = [&](const std::string& list, const std::string& file) {
    for (auto [it, end] = all_by_list.equal_range(list); it != end; ++it) {
      if (it->second["source"].get<std::string>().ends_with(file))
        return it->second;
    }
    ADD_FAILURE() << list << " from " << file << " not imported";
    return json::object();
  };
  EXPECT_EQ(from_file("BIS-EL", "consolidated.csv")["counts"]["parties"], 2001);
  EXPECT_EQ(
      from_file("STATE-ITAR-DEBARRED", "consolidated.csv")["counts"]["parties"],
      727);
  EXPECT_EQ(from_file("BIS-UVL", "consolidated.csv")["counts"]["parties"], 201);
  EXPECT_EQ(from_file("BIS-MEU", "consolidated.csv")["counts"]["parties"], 71);
  EXPECT_EQ(from_file("CSL-OFAC-SDN", "consolidated.csv")["counts"]["parties"],
            10026);
  EXPECT_EQ(from_file("UN-SC", "UN_consolidated.xml")["counts"]["parties"],
            730 + 273);
  EXPECT_EQ(from_file("OFAC-NONSDN", "cons_prim.csv")["counts"]["parties"],
            442);
  EXPECT_EQ(from_file("OFAC-NONSDN", "CONS_ENHANCED.ZIP")["counts"]["parties"],
            443);
  EXPECT_EQ(from_file("OFAC-SDN-CRYPTO",
                      "sanctioned-addresses.json")["counts"]["parties"],
            94);

  // Crypto addresses and ownership links in the advanced XML.
  auto store = store::ListStore::Open(dir.File("t.db"));
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  auto version = (*store)->ResolveVersion("OFAC-SDN", "2025-11-19");
  ASSERT_TRUE(version.has_value()) << version.error().ToString();
  auto sdn = (*store)->LoadList(version->id);
  ASSERT_TRUE(sdn.has_value()) << sdn.error().ToString();
  long crypto = 0, owned = 0;
  std::string chinese_party;
  for (const auto& party : sdn->parties) {
    for (const auto& id : party.identifiers)
      crypto += id.type == "crypto_address";
    for (const auto& r : party.relationships)
      owned += r.type == "Owned or Controlled By";
    for (const auto& n : party.names) {
      if (n.script == "Hani" && chinese_party.empty())
        chinese_party = party.source_id;
    }
  }
  EXPECT_EQ(crypto, 761);
  EXPECT_EQ(owned, 3718);

  // `lists show` prints an SDN party's Chinese-character name.
  ASSERT_FALSE(chinese_party.empty());
  ASSERT_EQ(RunClearance("lists show " + Db(dir) + "--version " +
                             std::to_string(version->id) +
                             " OFAC-SDN:" + chinese_party,
                         &out),
            0)
      << out;
  EXPECT_NE(out.find("Hani"), std::string::npos) << out;

  // Importing the same folder again changes nothing.
  const std::string before = ReadFile(dir.File("t.db"));
  json again = RunJson("lists import " + Db(dir) + lists_dir);
  for (const auto& v : again)
    EXPECT_TRUE(v["already_imported"].get<bool>()) << v.dump();
  EXPECT_EQ(ReadFile(dir.File("t.db")), before);
}

}  // namespace
}  // namespace clearance
