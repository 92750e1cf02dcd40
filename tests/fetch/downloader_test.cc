#include "engine/fetch/downloader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
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
using ::testing::StartsWith;

std::string Body(size_t size) {
  std::string body;
  body.reserve(size);
  for (size_t i = 0; i < size; ++i) {
    body.push_back(static_cast<char>('a' + i % 26));
  }
  return body;
}

// Neither the destination nor its .part exists.
void ExpectNoFile(const std::string& dest) {
  EXPECT_FALSE(fs::exists(dest)) << dest;
  EXPECT_FALSE(fs::exists(dest + ".part")) << dest << ".part";
}

TEST(Download, RealListFileArrivesIntactAndIsDetected) {
  const std::string source =
      testing::SharedDataFile("lists/us_csl_2022-04/consolidated.csv");
  if (source.empty())
    GTEST_SKIP() << "shared data absent: CSL consolidated.csv";
  LocalServer server;
  std::string user_agent;
  auto serve = ServeFile(source);
  server.http().Get("/consolidated.csv",
                    [&](const httplib::Request& req, httplib::Response& res) {
                      user_agent = req.get_header_value("User-Agent");
                      serve(req, res);
                    });
  ASSERT_TRUE(server.Start());
  TempDir dir;
  const std::string dest = dir.File("consolidated.csv");

  auto file = Download(server.Url("/consolidated.csv"), dest, TestOptions());

  ASSERT_TRUE(file.has_value()) << file.error().ToString();
  auto expected_sha = crypto::Sha256FileHex(source);
  ASSERT_TRUE(expected_sha.has_value());
  EXPECT_EQ(file->sha256, *expected_sha);
  EXPECT_EQ(file->bytes, static_cast<std::int64_t>(fs::file_size(source)));
  EXPECT_EQ(file->path, dest);
  EXPECT_EQ(file->http_status, 200);
  EXPECT_EQ(file->attempts, 1);
  EXPECT_EQ(file->final_url, server.Url("/consolidated.csv"));
  EXPECT_EQ(file->last_modified, "Wed, 19 Nov 2025 10:00:00 GMT");
  EXPECT_EQ(file->etag, "\"clearance-test\"");
  EXPECT_THAT(user_agent, StartsWith("Clearance/"));
  EXPECT_THAT(user_agent, HasSubstr("(+compliance list update)"));
  EXPECT_EQ(crypto::Sha256FileHex(dest).value_or(""), *expected_sha);
  EXPECT_FALSE(fs::exists(dest + ".part"));
  auto format = lists::DetectFormat(dest);
  ASSERT_TRUE(format.has_value()) << format.error().ToString();
  EXPECT_EQ(*format, lists::Format::kCslCsv);
}

TEST(Download, ExpectedSha256IsAcceptedInAnyCase) {
  const std::string body = Body(10000);
  LocalServer server;
  server.http().Get("/f", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(body, "text/plain");
  });
  ASSERT_TRUE(server.Start());
  TempDir dir;
  DownloadOptions options = TestOptions();
  std::string upper = crypto::Sha256Hex(body);
  for (char& c : upper) c = static_cast<char>(std::toupper(c));
  options.expected_sha256 = upper;

  auto file = Download(server.Url("/f"), dir.File("f"), options);

  ASSERT_TRUE(file.has_value()) << file.error().ToString();
  EXPECT_EQ(file->sha256, crypto::Sha256Hex(body));
  EXPECT_EQ(ReadFile(dir.File("f")), body);
}

TEST(Download, Sha256MismatchIsIntegrityErrorAndKeepsOldFile) {
  LocalServer server;
  std::atomic<int> hits = 0;
  server.http().Get("/f", [&](const httplib::Request&, httplib::Response& res) {
    ++hits;
    res.set_content("tampered content", "text/plain");
  });
  ASSERT_TRUE(server.Start());
  TempDir dir;
  const std::string dest = dir.File("sdn.csv");
  WriteFile(dest, "previous good list");
  DownloadOptions options = TestOptions();
  options.expected_sha256 = crypto::Sha256Hex("the real content");

  auto file = Download(server.Url("/f"), dest, options);

  ASSERT_FALSE(file.has_value());
  EXPECT_EQ(file.error().code(), ErrorCode::kIntegrity);
  EXPECT_THAT(file.error().message(), HasSubstr("sha256 mismatch"));
  EXPECT_THAT(file.error().message(), HasSubstr(server.Url("/f")));
  EXPECT_EQ(hits, 1);  // a mismatch is not retried
  EXPECT_EQ(ReadFile(dest), "previous good list");
  EXPECT_FALSE(fs::exists(dest + ".part"));
}

TEST(Download, MalformedExpectedSha256IsRejectedBeforeAnyRequest) {
  TempDir dir;
  DownloadOptions options = TestOptions();
  options.expected_sha256 = "abc";
  auto file = Download("http://127.0.0.1:9/f", dir.File("f"), options);
  ASSERT_FALSE(file.has_value());
  EXPECT_EQ(file.error().code(), ErrorCode::kInvalidArgument);
}

TEST(Download, ServerErrorsAreRetriedWithBackoffThenSucceed) {
  LocalServer server;
  std::atomic<int> hits = 0;
  server.http().Get("/f", [&](const httplib::Request&, httplib::Response& res) {
    if (++hits <= 2) {
      res.status = 500;
      res.set_content("internal error", "text/plain");
      return;
    }
    res.set_content("the list", "text/plain");
  });
  ASSERT_TRUE(server.Start());
  TempDir dir;
  std::vector<std::chrono::milliseconds> waits;
  DownloadOptions options = TestOptions();
  options.initial_backoff = std::chrono::milliseconds(100);
  options.backoff_multiplier = 3;
  options.sleep = [&](std::chrono::milliseconds wait) {
    waits.push_back(wait);
  };

  auto file = Download(server.Url("/f"), dir.File("f"), options);

  ASSERT_TRUE(file.has_value()) << file.error().ToString();
  EXPECT_EQ(file->attempts, 3);
  EXPECT_EQ(hits, 3);
  EXPECT_EQ(ReadFile(dir.File("f")), "the list");
  EXPECT_EQ(waits, (std::vector<std::chrono::milliseconds>{
                       std::chrono::milliseconds(100),
                       std::chrono::milliseconds(300)}));
}

TEST(Download, BackoffIsCappedAtMaxBackoff) {
  LocalServer server;
  server.http().Get("/f", [](const httplib::Request&, httplib::Response& res) {
    res.status = 502;
  });
  ASSERT_TRUE(server.Start());
  TempDir dir;
  std::vector<std::chrono::milliseconds> waits;
  DownloadOptions options = TestOptions();
  options.max_attempts = 4;
  options.initial_backoff = std::chrono::milliseconds(40);
  options.max_backoff = std::chrono::milliseconds(100);
  options.sleep = [&](std::chrono::milliseconds wait) {
    waits.push_back(wait);
  };

  auto file = Download(server.Url("/f"), dir.File("f"), options);

  ASSERT_FALSE(file.has_value());
  EXPECT_EQ(waits,
            (std::vector<std::chrono::milliseconds>{
                std::chrono::milliseconds(40), std::chrono::milliseconds(80),
                std::chrono::milliseconds(100)}));
}

TEST(Download, PermanentServiceUnavailableFailsAfterMaxAttempts) {
  LocalServer server;
  std::atomic<int> hits = 0;
  server.http().Get("/SDN.CSV",
                    [&](const httplib::Request&, httplib::Response& res) {
                      ++hits;
                      res.status = 503;
                      res.set_content("maintenance", "text/plain");
                    });
  ASSERT_TRUE(server.Start());
  TempDir dir;
  const std::string dest = dir.File("sdn.csv");

  auto file = Download(server.Url("/SDN.CSV"), dest, TestOptions());

  ASSERT_FALSE(file.has_value());
  EXPECT_EQ(file.error().code(), ErrorCode::kNetwork);
  EXPECT_EQ(file.error().message(),
            server.Url("/SDN.CSV") + ": HTTP 503 after 3 attempts");
  EXPECT_EQ(hits, 3);
  ExpectNoFile(dest);
}

TEST(Download, NotFoundIsNotRetried) {
  LocalServer server;
  std::atomic<int> hits = 0;
  server.http().Get("/missing",
                    [&](const httplib::Request&, httplib::Response& res) {
                      ++hits;
                      res.status = 404;
                    });
  ASSERT_TRUE(server.Start());
  TempDir dir;
  const std::string dest = dir.File("f");

  auto file = Download(server.Url("/missing"), dest, TestOptions());

  ASSERT_FALSE(file.has_value());
  EXPECT_EQ(file.error().code(), ErrorCode::kNetwork);
  EXPECT_EQ(file.error().message(),
            server.Url("/missing") + ": HTTP 404 after 1 attempt");
  EXPECT_EQ(hits, 1);
  ExpectNoFile(dest);
}

TEST(Download, TooManyRequestsIsRetried) {
  LocalServer server;
  std::atomic<int> hits = 0;
  server.http().Get("/f", [&](const httplib::Request&, httplib::Response& res) {
    if (++hits == 1) {
      res.status = 429;
      return;
    }
    res.set_content("ok", "text/plain");
  });
  ASSERT_TRUE(server.Start());
  TempDir dir;
  auto file = Download(server.Url("/f"), dir.File("f"), TestOptions());
  ASSERT_TRUE(file.has_value()) << file.error().ToString();
  EXPECT_EQ(file->attempts, 2);
}

TEST(Download, TruncatedBodyIsRetriedAndReported) {
  LocalServer server;
  std::atomic<int> hits = 0;
  const std::string body = Body(5000);
  server.http().Get(
      "/sdn.csv", [&](const httplib::Request&, httplib::Response& res) {
        ++hits;
        // Promises 5000 bytes, sends 1000, then drops the connection.
        res.set_content_provider(
            body.size(), "text/csv",
            [&body](size_t offset, size_t, httplib::DataSink& sink) {
              if (offset == 0) sink.write(body.data(), 1000);
              return false;
            });
      });
  ASSERT_TRUE(server.Start());
  TempDir dir;
  const std::string dest = dir.File("sdn.csv");
  WriteFile(dest, "previous good list");

  auto file = Download(server.Url("/sdn.csv"), dest, TestOptions());

  ASSERT_FALSE(file.has_value());
  EXPECT_EQ(file.error().code(), ErrorCode::kNetwork);
  EXPECT_EQ(file.error().message(),
            server.Url("/sdn.csv") +
                ": truncated: got 1000 of 5000 bytes after 3 attempts");
  EXPECT_EQ(hits, 3);
  EXPECT_EQ(ReadFile(dest), "previous good list");
  EXPECT_FALSE(fs::exists(dest + ".part"));
}

TEST(Download, GarbageBodyDownloadsButIsNotAList) {
  LocalServer server;
  std::string garbage = "\x7f\x01\x02 this is not a sanctions list \xff\xfe";
  garbage += std::string(500, '\x03');
  server.http().Get("/consolidated.csv",
                    [&](const httplib::Request&, httplib::Response& res) {
                      res.set_content(garbage, "text/csv");
                    });
  ASSERT_TRUE(server.Start());
  TempDir dir;
  const std::string dest = dir.File("consolidated.csv");

  auto file = Download(server.Url("/consolidated.csv"), dest, TestOptions());

  // The transfer is fine; recognising the content is the lists module's job.
  ASSERT_TRUE(file.has_value()) << file.error().ToString();
  EXPECT_EQ(file->sha256, crypto::Sha256Hex(garbage));
  auto format = lists::DetectFormat(dest);
  ASSERT_FALSE(format.has_value());
  EXPECT_EQ(format.error().code(), ErrorCode::kUnsupportedFormat);
}

// Sends headers and then one byte every 50 ms until the client goes away
// (or 10 s pass, so that a broken client cannot hang the test).
void ServeSlowly(httplib::Server& http) {
  http.Get("/slow", [](const httplib::Request&, httplib::Response& res) {
    res.set_content_provider(
        1000, "text/plain", [](size_t offset, size_t, httplib::DataSink& sink) {
          if (offset >= 200) return false;
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
          return sink.is_writable() && sink.write("x", 1);
        });
  });
}

TEST(Download, SlowServerBeyondTotalTimeoutFails) {
  LocalServer server;
  ServeSlowly(server.http());
  ASSERT_TRUE(server.Start());
  TempDir dir;
  const std::string dest = dir.File("f");
  DownloadOptions options = TestOptions();
  options.total_timeout = std::chrono::milliseconds(300);
  options.max_attempts = 2;

  const auto start = std::chrono::steady_clock::now();
  auto file = Download(server.Url("/slow"), dest, options);
  const auto elapsed = std::chrono::steady_clock::now() - start;

  ASSERT_FALSE(file.has_value());
  EXPECT_EQ(file.error().code(), ErrorCode::kNetwork);
  EXPECT_THAT(file.error().message(), HasSubstr("timed out"));
  EXPECT_THAT(file.error().message(), HasSubstr("after 2 attempts"));
  EXPECT_LT(elapsed, std::chrono::seconds(5));
  ExpectNoFile(dest);
}

TEST(Download, StalledTransferBelowLowSpeedLimitFails) {
  LocalServer server;
  ServeSlowly(server.http());
  ASSERT_TRUE(server.Start());
  TempDir dir;
  DownloadOptions options = TestOptions();
  options.low_speed_limit_bytes = 1000;
  options.low_speed_time = std::chrono::seconds(1);
  options.max_attempts = 1;

  auto file = Download(server.Url("/slow"), dir.File("f"), options);

  ASSERT_FALSE(file.has_value());
  EXPECT_THAT(file.error().message(), HasSubstr("timed out"));
  ExpectNoFile(dir.File("f"));
}

TEST(Download, RedirectsAreFollowed) {
  LocalServer server;
  server.http().Get("/old",
                    [](const httplib::Request&, httplib::Response& res) {
                      res.set_redirect("/moved", 301);
                    });
  server.http().Get("/moved",
                    [](const httplib::Request&, httplib::Response& res) {
                      res.set_redirect("/current/sdn.xml", 302);
                    });
  server.http().Get("/current/sdn.xml",
                    [](const httplib::Request&, httplib::Response& res) {
                      res.set_content("<list/>", "application/xml");
                    });
  ASSERT_TRUE(server.Start());
  TempDir dir;

  auto file = Download(server.Url("/old"), dir.File("sdn.xml"), TestOptions());

  ASSERT_TRUE(file.has_value()) << file.error().ToString();
  EXPECT_EQ(file->final_url, server.Url("/current/sdn.xml"));
  EXPECT_EQ(file->http_status, 200);
  EXPECT_EQ(ReadFile(dir.File("sdn.xml")), "<list/>");
}

TEST(Download, RedirectLoopStopsAfterMaxRedirects) {
  LocalServer server;
  std::atomic<int> hits = 0;
  server.http().Get("/loop",
                    [&](const httplib::Request&, httplib::Response& res) {
                      ++hits;
                      res.set_redirect("/loop");
                    });
  ASSERT_TRUE(server.Start());
  TempDir dir;

  auto file = Download(server.Url("/loop"), dir.File("f"), TestOptions());

  ASSERT_FALSE(file.has_value());
  EXPECT_THAT(file.error().message(),
              HasSubstr("more than 5 redirects after 1 attempt"));
  EXPECT_EQ(hits, 6);
  ExpectNoFile(dir.File("f"));
}

TEST(Download, RedirectToNonHttpSchemeIsRefused) {
  LocalServer server;
  server.http().Get("/evil",
                    [](const httplib::Request&, httplib::Response& res) {
                      res.set_redirect("file:///etc/hostname");
                    });
  ASSERT_TRUE(server.Start());
  TempDir dir;

  auto file = Download(server.Url("/evil"), dir.File("f"), TestOptions());

  ASSERT_FALSE(file.has_value());
  EXPECT_EQ(file.error().code(), ErrorCode::kNetwork);
  EXPECT_THAT(file.error().message(), HasSubstr("after 1 attempt"));
  ExpectNoFile(dir.File("f"));
}

TEST(Download, OnlyHttpAndHttpsUrlsAreAccepted) {
  TempDir dir;
  for (const std::string url :
       {"file:///etc/hostname", "ftp://127.0.0.1/sdn.csv", "127.0.0.1/x",
        "gopher://127.0.0.1/"}) {
    auto file = Download(url, dir.File("f"), TestOptions());
    ASSERT_FALSE(file.has_value()) << url;
    EXPECT_EQ(file.error().code(), ErrorCode::kInvalidArgument) << url;
    ExpectNoFile(dir.File("f"));
  }
}

TEST(Download, BodyOverMaxBytesIsRejectedFromContentLength) {
  LocalServer server;
  std::atomic<int> hits = 0;
  server.http().Get("/big",
                    [&](const httplib::Request&, httplib::Response& res) {
                      ++hits;
                      res.set_content(Body(1000), "text/plain");
                    });
  ASSERT_TRUE(server.Start());
  TempDir dir;
  DownloadOptions options = TestOptions();
  options.max_bytes = 100;

  auto file = Download(server.Url("/big"), dir.File("f"), options);

  ASSERT_FALSE(file.has_value());
  EXPECT_EQ(file.error().code(), ErrorCode::kNetwork);
  EXPECT_THAT(file.error().message(), HasSubstr("larger than max_bytes 100"));
  EXPECT_EQ(hits, 1);
  ExpectNoFile(dir.File("f"));
}

TEST(Download, ChunkedBodyOverMaxBytesIsRejectedWhileReceiving) {
  LocalServer server;
  server.http().Get(
      "/big", [](const httplib::Request&, httplib::Response& res) {
        res.set_chunked_content_provider(
            "text/plain", [](size_t offset, httplib::DataSink& sink) {
              if (offset >= 100000) {
                sink.done();
                return true;
              }
              const std::string chunk(1000, 'z');
              return sink.write(chunk.data(), chunk.size());
            });
      });
  ASSERT_TRUE(server.Start());
  TempDir dir;
  DownloadOptions options = TestOptions();
  options.max_bytes = 2500;

  auto file = Download(server.Url("/big"), dir.File("f"), options);

  ASSERT_FALSE(file.has_value());
  EXPECT_THAT(file.error().message(), HasSubstr("larger than max_bytes 2500"));
  ExpectNoFile(dir.File("f"));
}

TEST(Download, ChunkedBodyWithinMaxBytesSucceeds) {
  LocalServer server;
  server.http().Get(
      "/chunked", [](const httplib::Request&, httplib::Response& res) {
        res.set_chunked_content_provider(
            "text/plain", [](size_t offset, httplib::DataSink& sink) {
              if (offset >= 3000) {
                sink.done();
                return true;
              }
              const std::string chunk(1000, 'z');
              return sink.write(chunk.data(), chunk.size());
            });
      });
  ASSERT_TRUE(server.Start());
  TempDir dir;

  auto file = Download(server.Url("/chunked"), dir.File("f"), TestOptions());

  ASSERT_TRUE(file.has_value()) << file.error().ToString();
  EXPECT_EQ(file->bytes, 3000);
  EXPECT_EQ(ReadFile(dir.File("f")), std::string(3000, 'z'));
}

TEST(Download, ConnectionRefusedIsRetriedNetworkError) {
  int closed_port = 0;
  {
    LocalServer gone;
    ASSERT_TRUE(gone.Start());
    closed_port = gone.port();
  }
  TempDir dir;
  int sleeps = 0;
  DownloadOptions options = TestOptions();
  options.sleep = [&](std::chrono::milliseconds) { ++sleeps; };
  const std::string url =
      "http://127.0.0.1:" + std::to_string(closed_port) + "/sdn.csv";

  auto file = Download(url, dir.File("f"), options);

  ASSERT_FALSE(file.has_value());
  EXPECT_EQ(file.error().code(), ErrorCode::kNetwork);
  EXPECT_THAT(file.error().message(), StartsWith(url + ": "));
  EXPECT_THAT(file.error().message(), HasSubstr("after 3 attempts"));
  EXPECT_EQ(sleeps, 2);
  ExpectNoFile(dir.File("f"));
}

TEST(Download, MissingDestinationFolderIsNotFound) {
  TempDir dir;
  auto file = Download("http://127.0.0.1:9/f", dir.File("no/such/dir/f"),
                       TestOptions());
  ASSERT_FALSE(file.has_value());
  EXPECT_EQ(file.error().code(), ErrorCode::kNotFound);
}

TEST(Download, ProgressReportsBytesReceived) {
  const std::string body = Body(200000);
  LocalServer server;
  server.http().Get("/f", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(body, "text/plain");
  });
  ASSERT_TRUE(server.Start());
  TempDir dir;
  std::int64_t last_received = 0;
  std::int64_t last_total = 0;
  DownloadOptions options = TestOptions();
  options.on_progress = [&](std::int64_t received, std::int64_t total) {
    EXPECT_GE(received, last_received);
    last_received = received;
    last_total = total;
  };

  auto file = Download(server.Url("/f"), dir.File("f"), options);

  ASSERT_TRUE(file.has_value()) << file.error().ToString();
  EXPECT_EQ(last_received, 200000);
  EXPECT_EQ(last_total, 200000);
}

TEST(Download, ConcurrentDownloadsShareNothing) {
  const std::string body = Body(50000);
  LocalServer server;
  server.http().Get("/f", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(body, "text/plain");
  });
  ASSERT_TRUE(server.Start());
  TempDir dir;
  std::vector<std::thread> threads;
  std::atomic<int> succeeded = 0;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      auto file = Download(server.Url("/f"), dir.File("f" + std::to_string(i)),
                           TestOptions());
      if (file && file->sha256 == crypto::Sha256Hex(body)) ++succeeded;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(succeeded, 4);
}

TEST(RedactUrl, RemovesCredentials) {
  EXPECT_EQ(RedactUrl("https://user:secret@host.example/a@b"),
            "https://host.example/a@b");
  EXPECT_EQ(RedactUrl("https://host.example/x?u=a@b"),
            "https://host.example/x?u=a@b");
  EXPECT_EQ(RedactUrl("not a url"), "not a url");
}

TEST(DefaultUserAgent, NamesClearanceAndPurpose) {
  EXPECT_THAT(DefaultUserAgent(), StartsWith("Clearance/"));
  EXPECT_THAT(DefaultUserAgent(), HasSubstr("(+compliance list update)"));
}

}  // namespace
}  // namespace clearance::fetch
