// End-to-end `clearance lists update`: the real binary downloads from a real
// HTTP server on 127.0.0.1 serving the real list files, then imports them.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/fetch/local_server.h"
#include "tests/test_support.h"

namespace clearance {
namespace {

using nlohmann::json;
using testing::LocalServer;
using testing::ReadFile;
using testing::RunClearance;
using testing::ServeFile;
using testing::TempDir;
using testing::WriteFile;

std::string Config(const LocalServer& server, const std::string& un_path) {
  json config = {{"include_defaults", false},
                 {"sources",
                  {{{"name", "un"},
                    {"url", server.Url(un_path)},
                    {"file_name", "UN_consolidated.xml"}},
                   {{"name", "dpl"},
                    {"url", server.Url("/dpl.txt")},
                    {"file_name", "dpl.txt"}}}}};
  return config.dump();
}

class ListsUpdate : public ::testing::Test {
 protected:
  void SetUp() override {
    un_ = testing::SharedDataFile(
        "lists/un_consolidated_2026-02/UN_consolidated.xml");
    dpl_ = testing::SharedDataFile("lists/bis_dpl_2023-11/dpl.txt");
    if (un_.empty() || dpl_.empty())
      GTEST_SKIP() << "../shared/data lists absent: skipped";
    server_.http().Get("/UN_consolidated.xml", ServeFile(un_));
    server_.http().Get("/dpl.txt", ServeFile(dpl_));
    server_.http().Get("/broken.xml",
                       [](const httplib::Request&, httplib::Response& res) {
                         res.status = 503;
                       });
    server_.http().Get(
        "/garbage.xml", [](const httplib::Request&, httplib::Response& res) {
          res.set_content("<html>maintenance</html>", "text/html");
        });
    ASSERT_TRUE(server_.Start());
  }

  int Update(const std::string& un_path, const std::string& extra,
             std::string* out) {
    WriteFile(dir_.File("sources.json"), Config(server_, un_path));
    return RunClearance("lists update --db " + dir_.File("t.db") +
                            " --config " + dir_.File("sources.json") +
                            " --no-proxy --attempts 2 --json " + extra,
                        out);
  }

  std::string un_, dpl_;
  LocalServer server_;
  TempDir dir_;
};

TEST_F(ListsUpdate, DownloadsAndImportsThenIsANoOpTheSecondTime) {
  std::string out;
  ASSERT_EQ(Update("/UN_consolidated.xml", "", &out), 0) << out;
  json result = json::parse(out);
  ASSERT_EQ(result["downloads"].size(), 2u);
  EXPECT_TRUE(result["downloads"][0]["ok"].get<bool>());
  ASSERT_EQ(result["imported"].size(), 2u);
  std::set<std::string> lists;
  for (const auto& v : result["imported"]) {
    lists.insert(v["list"].get<std::string>());
    EXPECT_FALSE(v["already_imported"].get<bool>());
  }
  EXPECT_EQ(lists, (std::set<std::string>{"UN-SC", "BIS-DPL"}));

  ASSERT_EQ(Update("/UN_consolidated.xml", "", &out), 0) << out;
  result = json::parse(out);
  for (const auto& v : result["imported"])
    EXPECT_TRUE(v["already_imported"].get<bool>());
}

TEST_F(ListsUpdate, AFailingServerImportsNothing) {
  ASSERT_EQ(
      RunClearance("lists import --db " + dir_.File("t.db") +
                       " " CLEARANCE_SOURCE_DIR "/data/sample/sample_list.json",
                   nullptr),
      0);
  const std::string before = ReadFile(dir_.File("t.db"));
  std::string out;
  EXPECT_EQ(Update("/broken.xml", "", &out), 5) << out;
  EXPECT_NE(out.find("503"), std::string::npos) << out;
  EXPECT_EQ(ReadFile(dir_.File("t.db")), before);

  // --partial imports what did download and still reports the failure.
  EXPECT_EQ(Update("/broken.xml", "--partial", &out), 5) << out;
  json result = json::parse(out);
  ASSERT_EQ(result["imported"].size(), 1u);
  EXPECT_EQ(result["imported"][0]["list"], "BIS-DPL");
}

TEST_F(ListsUpdate, GarbageFromTheServerIsRejectedAndChangesNothing) {
  ASSERT_EQ(
      RunClearance("lists import --db " + dir_.File("t.db") +
                       " " CLEARANCE_SOURCE_DIR "/data/sample/sample_list.json",
                   nullptr),
      0);
  const std::string before = ReadFile(dir_.File("t.db"));
  std::string out;
  EXPECT_EQ(Update("/garbage.xml", "", &out), 3) << out;
  EXPECT_NE(out.find("UN_consolidated.xml"), std::string::npos) << out;
  EXPECT_EQ(ReadFile(dir_.File("t.db")), before);
}

}  // namespace
}  // namespace clearance
