#include "engine/fetch/update.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "engine/crypto/sha256.h"
#include "engine/lists/lists.h"
#include "tests/fetch/local_server.h"
#include "tests/test_support.h"

namespace clearance::fetch {
namespace {

namespace fs = std::filesystem;
using ::clearance::testing::LocalServer;
using ::clearance::testing::ReadFile;
using ::clearance::testing::ServeFile;
using ::clearance::testing::TempDir;
using ::clearance::testing::TestOptions;
using ::clearance::testing::WriteFile;
using ::testing::HasSubstr;

// Serves every file of `dir` at /files/<name>.
void ServeFolder(httplib::Server& http, const fs::path& dir) {
  http.Get(R"(/files/([A-Za-z0-9_.\-]+))",
           [dir](const httplib::Request& req, httplib::Response& res) {
             ServeFile((dir / req.matches[1].str()).string())(req, res);
           });
}

// OFAC's checksum file layout (as in sdn_advanced_checksum.txt).
std::string OfacChecksum(const std::string& file_name, const std::string& hex) {
  return "SHA256(" + file_name + ") = " + hex + "\n";
}

ListSource Source(const std::string& name, const std::string& url,
                  const std::string& file_name,
                  const std::string& checksum_url = "") {
  return ListSource{name, url, checksum_url, file_name, true};
}

TEST(DownloadAll, VerifiesChecksumsAndReportsEachSource) {
  TempDir served;
  const std::string good = "good list content\n";
  const std::string tampered = "tampered list content\n";
  WriteFile(served.File("good.csv"), good);
  WriteFile(served.File("good_checksum.txt"),
            OfacChecksum("good.csv", crypto::Sha256Hex(good)));
  WriteFile(served.File("tampered.csv"), tampered);
  WriteFile(served.File("tampered_checksum.txt"),
            OfacChecksum("tampered.csv", crypto::Sha256Hex("original\n")));
  WriteFile(served.File("plain.csv"), "no checksum published\n");
  WriteFile(served.File("garbled_checksum.txt"), "<html>oops</html>");
  LocalServer server;
  ServeFolder(server.http(), served.path());
  ASSERT_TRUE(server.Start());
  const auto url = [&](const std::string& name) {
    return server.Url("/files/" + name);
  };
  std::vector<ListSource> sources = {
      Source("good", url("good.csv"), "good.csv", url("good_checksum.txt")),
      Source("tampered", url("tampered.csv"), "tampered.csv",
             url("tampered_checksum.txt")),
      Source("plain", url("plain.csv"), "plain.csv"),
      Source("missing", url("missing.csv"), "missing.csv"),
      Source("no-checksum", url("plain.csv"), "no_checksum.csv",
             url("missing_checksum.txt")),
      Source("garbled", url("plain.csv"), "garbled.csv",
             url("garbled_checksum.txt")),
      Source("disabled", url("plain.csv"), "disabled.csv"),
  };
  sources.back().enabled = false;
  TempDir out;
  const std::string dest = (out.path() / "update-1").string();

  auto report = DownloadAll(sources, dest, TestOptions());

  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_EQ(report->dest_dir, dest);
  ASSERT_EQ(report->outcomes.size(), 6u);  // the disabled one is skipped
  EXPECT_FALSE(report->AllSucceeded());
  std::map<std::string, const SourceOutcome*> by_name;
  for (const auto& outcome : report->outcomes) {
    by_name[outcome.source.name] = &outcome;
  }

  const SourceOutcome& ok = *by_name["good"];
  ASSERT_TRUE(ok.ok()) << ok.error->ToString();
  EXPECT_EQ(ok.expected_sha256, crypto::Sha256Hex(good));
  EXPECT_EQ(ok.file->sha256, crypto::Sha256Hex(good));
  EXPECT_EQ(ReadFile(dest + "/good.csv"), good);
  EXPECT_EQ(ok.checksum_path, dest + "/good.csv.checksum.txt");
  EXPECT_TRUE(fs::exists(ok.checksum_path));

  const SourceOutcome& bad = *by_name["tampered"];
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error->code(), ErrorCode::kIntegrity);
  EXPECT_THAT(bad.error->message(), HasSubstr("tampered: "));
  EXPECT_THAT(bad.error->message(), HasSubstr("sha256 mismatch"));
  EXPECT_FALSE(fs::exists(dest + "/tampered.csv"));
  EXPECT_FALSE(fs::exists(dest + "/tampered.csv.part"));

  EXPECT_TRUE(by_name["plain"]->ok());
  EXPECT_EQ(by_name["plain"]->expected_sha256, "");
  EXPECT_EQ(by_name["plain"]->checksum_path, "");

  const SourceOutcome& missing = *by_name["missing"];
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.error->message(),
              HasSubstr(url("missing.csv") + ": HTTP 404 after 1 attempt"));

  const SourceOutcome& no_checksum = *by_name["no-checksum"];
  ASSERT_FALSE(no_checksum.ok());
  EXPECT_THAT(no_checksum.error->message(), HasSubstr("checksum file"));
  EXPECT_THAT(no_checksum.error->message(), HasSubstr("HTTP 404"));
  EXPECT_EQ(no_checksum.checksum_path, "");
  // Without its checksum the list itself is not fetched.
  EXPECT_FALSE(fs::exists(dest + "/no_checksum.csv"));

  const SourceOutcome& garbled = *by_name["garbled"];
  ASSERT_FALSE(garbled.ok());
  EXPECT_EQ(garbled.error->code(), ErrorCode::kParse);
  EXPECT_FALSE(fs::exists(dest + "/garbled.csv"));

  EXPECT_FALSE(fs::exists(dest + "/disabled.csv"));
  std::vector<std::string> failed;
  for (const SourceOutcome* outcome : report->Failed()) {
    failed.push_back(outcome->source.name);
  }
  EXPECT_EQ(failed, (std::vector<std::string>{"tampered", "missing",
                                              "no-checksum", "garbled"}));
  EXPECT_EQ(
      report->DownloadedPaths(),
      (std::vector<std::string>{dest + "/good.csv", dest + "/plain.csv"}));
}

TEST(DownloadAll, RealListsArriveVerifiedAndPlanForImport) {
  const std::string csl =
      testing::SharedDataFile("lists/us_csl_2022-04/consolidated.csv");
  const std::string un = testing::SharedDataFile(
      "lists/un_consolidated_2026-02/UN_consolidated.xml");
  if (csl.empty() || un.empty()) GTEST_SKIP() << "shared data absent";
  TempDir checksums;
  WriteFile(checksums.File("csl_checksum.txt"),
            OfacChecksum("consolidated.csv", *crypto::Sha256FileHex(csl)));
  WriteFile(checksums.File("un_checksum.txt"),
            OfacChecksum("consolidated.xml", *crypto::Sha256FileHex(un)));
  LocalServer server;
  server.http().Get("/csl/consolidated.csv", ServeFile(csl));
  server.http().Get("/un/consolidated.xml", ServeFile(un));
  ServeFolder(server.http(), checksums.path());
  ASSERT_TRUE(server.Start());
  const std::vector<ListSource> sources = {
      Source("trade-gov-csl", server.Url("/csl/consolidated.csv"),
             "csl_consolidated.csv", server.Url("/files/csl_checksum.txt")),
      Source("un-consolidated", server.Url("/un/consolidated.xml"),
             "un_consolidated.xml", server.Url("/files/un_checksum.txt")),
  };
  TempDir out;
  const std::string dest = (out.path() / "update").string();
  std::vector<UpdateProgress::Stage> stages;
  std::int64_t last_received = 0;

  auto report = DownloadAll(
      sources, dest, TestOptions(), [&](const UpdateProgress& event) {
        EXPECT_EQ(event.count, 2u);
        if (event.stage == UpdateProgress::Stage::kReceiving) {
          last_received = event.bytes_received;
          return;
        }
        stages.push_back(event.stage);
      });

  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  ASSERT_TRUE(report->AllSucceeded())
      << report->Failed().front()->error->ToString();
  EXPECT_EQ(
      stages,
      (std::vector<UpdateProgress::Stage>{
          UpdateProgress::Stage::kStarted, UpdateProgress::Stage::kSucceeded,
          UpdateProgress::Stage::kStarted, UpdateProgress::Stage::kSucceeded}));
  EXPECT_EQ(last_received, static_cast<std::int64_t>(fs::file_size(un)));
  // The folder imports as two lists; checksum files are not mistaken for
  // lists.
  auto plan = lists::PlanSources({dest});
  ASSERT_TRUE(plan.has_value()) << plan.error().ToString();
  ASSERT_EQ(plan->size(), 2u);
  std::vector<lists::Format> formats;
  for (const auto& spec : *plan) formats.push_back(spec.format);
  EXPECT_THAT(formats, ::testing::UnorderedElementsAre(lists::Format::kCslCsv,
                                                       lists::Format::kUnXml));
}

TEST(DownloadAll, FailedSourceIsReportedThroughProgress) {
  LocalServer server;
  server.http().Get("/down", [](const httplib::Request&,
                                httplib::Response& res) { res.status = 503; });
  ASSERT_TRUE(server.Start());
  TempDir out;
  std::string failure;
  auto report =
      DownloadAll({Source("down", server.Url("/down"), "down.csv")},
                  (out.path() / "u").string(), TestOptions(),
                  [&](const UpdateProgress& event) {
                    if (event.stage == UpdateProgress::Stage::kFailed) {
                      failure = event.error->message();
                    }
                  });
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_FALSE(report->AllSucceeded());
  EXPECT_EQ(failure,
            "down: " + server.Url("/down") + ": HTTP 503 after 3 attempts");
}

TEST(DownloadAll, RefusesNonEmptyFolder) {
  TempDir out;
  WriteFile(out.File("old.csv"), "x");
  auto report = DownloadAll({Source("a", "http://127.0.0.1:9/a", "a.csv")},
                            out.path().string(), TestOptions());
  ASSERT_FALSE(report.has_value());
  EXPECT_EQ(report.error().code(), ErrorCode::kAlreadyExists);
}

TEST(DownloadAll, AcceptsExistingEmptyFolder) {
  LocalServer server;
  server.http().Get("/a", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("a", "text/plain");
  });
  ASSERT_TRUE(server.Start());
  TempDir out;
  auto report = DownloadAll({Source("a", server.Url("/a"), "a.csv")},
                            out.path().string(), TestOptions());
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_TRUE(report->AllSucceeded());
}

TEST(DownloadAll, NeedsAnEnabledSourceAndDistinctFileNames) {
  TempDir out;
  ListSource off = Source("a", "http://127.0.0.1:9/a", "a.csv");
  off.enabled = false;
  auto none = DownloadAll({off}, (out.path() / "u").string(), TestOptions());
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code(), ErrorCode::kInvalidArgument);

  auto clash = DownloadAll({Source("a", "http://127.0.0.1:9/a", "x.csv"),
                            Source("b", "http://127.0.0.1:9/b", "x.csv")},
                           (out.path() / "u").string(), TestOptions());
  ASSERT_FALSE(clash.has_value());
  EXPECT_EQ(clash.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(fs::exists(out.path() / "u"));
}

}  // namespace
}  // namespace clearance::fetch
