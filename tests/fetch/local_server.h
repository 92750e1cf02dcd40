// An in-process HTTP server on 127.0.0.1 (port chosen by the OS) for the
// fetch tests. Nothing in these tests leaves the loopback interface.
//
// Usage:
//   LocalServer server;
//   server.http().Get("/x", handler);   // register routes first
//   ASSERT_TRUE(server.Start());
//   Download(server.Url("/x"), ...);
// The destructor stops the server and joins its thread.
#ifndef CLEARANCE_TESTS_FETCH_LOCAL_SERVER_H_
#define CLEARANCE_TESTS_FETCH_LOCAL_SERVER_H_

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "engine/fetch/downloader.h"

namespace clearance::testing {

class LocalServer {
 public:
  LocalServer() : server_(std::make_unique<httplib::Server>()) {}
  // HTTPS with the given PEM certificate and key files.
  LocalServer(const std::string& cert_path, const std::string& key_path)
      : server_(std::make_unique<httplib::SSLServer>(cert_path.c_str(),
                                                     key_path.c_str())),
        scheme_("https") {}
  ~LocalServer() { Stop(); }
  LocalServer(const LocalServer&) = delete;
  LocalServer& operator=(const LocalServer&) = delete;

  httplib::Server& http() { return *server_; }

  // Binds 127.0.0.1:0 and serves on a thread; false if binding failed.
  bool Start() {
    if (!server_->is_valid()) return false;
    port_ = server_->bind_to_any_port("127.0.0.1");
    if (port_ <= 0) return false;
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!server_->is_running()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
  }

  void Stop() {
    if (!thread_.joinable()) return;
    server_->stop();
    thread_.join();
  }

  int port() const { return port_; }
  std::string Url(const std::string& path) const {
    return scheme_ + "://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  std::unique_ptr<httplib::Server> server_;
  std::string scheme_ = "http";
  std::thread thread_;
  int port_ = 0;
};

// A handler that streams the file at `path` with its Content-Length, plus
// Last-Modified and ETag headers; 404 if the file cannot be opened.
inline httplib::Server::Handler ServeFile(const std::string& path) {
  return [path](const httplib::Request&, httplib::Response& res) {
    auto in = std::make_shared<std::ifstream>(path, std::ios::binary);
    if (!*in) {
      res.status = 404;
      return;
    }
    in->seekg(0, std::ios::end);
    const auto size = static_cast<size_t>(in->tellg());
    in->seekg(0);
    res.set_header("Last-Modified", "Wed, 19 Nov 2025 10:00:00 GMT");
    res.set_header("ETag", "\"clearance-test\"");
    res.set_content_provider(
        size, "application/octet-stream",
        [in](size_t offset, size_t length, httplib::DataSink& sink) {
          std::vector<char> buffer(std::min<size_t>(length, 64 * 1024));
          in->seekg(static_cast<std::streamoff>(offset));
          in->read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
          const auto got = static_cast<size_t>(in->gcount());
          return got > 0 && sink.write(buffer.data(), got);
        });
  };
}

// Options for tests: loopback only (no proxy from the environment), short
// timeouts, no real waiting between attempts.
inline fetch::DownloadOptions TestOptions() {
  fetch::DownloadOptions options;
  options.proxy = "";
  options.connect_timeout = std::chrono::seconds(5);
  options.total_timeout = std::chrono::seconds(20);
  options.initial_backoff = std::chrono::milliseconds(10);
  options.sleep = [](std::chrono::milliseconds) {};
  return options;
}

}  // namespace clearance::testing

#endif  // CLEARANCE_TESTS_FETCH_LOCAL_SERVER_H_
