// engine/fetch: downloads official list files for `clearance lists update`.
//
// Three layers, each usable alone:
//   Download(url, dest, options)        -> one file, verified, atomically
//                                          placed (this header)
//   LoadSources(config) / DefaultSources -> which files to fetch (sources.h)
//   DownloadAll(sources, dir, options)  -> every enabled source into a fresh
//                                          folder, with per-source outcome
//                                          (update.h)
// Nothing here imports: the CLI composes fetch + lists + store.
//
// Usage:
//   fetch::DownloadOptions options;          // documented defaults below
//   options.expected_sha256 = "36c517bd...";  // optional
//   auto file = fetch::Download(url, "/var/lib/clearance/sdn.xml", options);
//   if (!file) { report(file.error()); }
//
// Guarantees of Download():
//   * The body is written to `<dest>.part`, fsync'ed, checked (length, size
//     limit, sha256) and only then renamed over `dest`; the folder is
//     fsync'ed after the rename. `dest` is therefore either untouched or the
//     complete, verified file; `<dest>.part` never remains after a return.
//   * TLS peer and host verification are always on; only http and https are
//     allowed, for the first URL and for every redirect (at most
//     `max_redirects`).
//   * HTTP statuses >= 400 are errors that name the status; 5xx, 408 and 429
//     are retried, other 4xx are not. Network errors, timeouts and truncated
//     bodies are retried; checksum mismatches, size-limit overruns, local I/O
//     errors and TLS verification failures are not.
//   * Error messages name the URL (credentials removed), what failed and the
//     number of attempts, e.g.
//       "https://host/SDN.CSV: HTTP 503 after 3 attempts"
//       "https://host/SDN.CSV: truncated: got 1000 of 5000 bytes after 3
//        attempts"
//
// Thread safety: Download() is reentrant; concurrent calls share no state
// apart from libcurl's process-wide initialisation, which runs once
// (std::call_once) on first use. Callbacks in DownloadOptions are invoked on
// the calling thread.
#ifndef CLEARANCE_ENGINE_FETCH_DOWNLOADER_H_
#define CLEARANCE_ENGINE_FETCH_DOWNLOADER_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "engine/common/error.h"

namespace clearance::fetch {

// "Clearance/<version> (+compliance list update)".
std::string DefaultUserAgent();

struct DownloadOptions {
  // Limit for establishing the connection (TCP and TLS), per attempt.
  // Default: 30 s.
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(30)};

  // Limit for one whole attempt (connect, redirects, body). Lists are tens
  // of MB on slow government servers, hence generous. Default: 30 min.
  std::chrono::milliseconds total_timeout{std::chrono::minutes(30)};

  // An attempt is abandoned when fewer than `low_speed_limit_bytes` bytes
  // per second arrive for `low_speed_time` (a stalled connection).
  // Default: below 1 KiB/s for 60 s. 0 disables the check.
  std::int64_t low_speed_limit_bytes = 1024;
  std::chrono::seconds low_speed_time{60};

  // Attempts in total (1 = no retry). Default: 3. Values < 1 act as 1.
  int max_attempts = 3;

  // Wait before retry n (n >= 1) is
  //   min(initial_backoff * backoff_multiplier^(n-1), max_backoff).
  // Defaults: 2 s, x2, at most 60 s.
  std::chrono::milliseconds initial_backoff{std::chrono::seconds(2)};
  double backoff_multiplier = 2.0;
  std::chrono::milliseconds max_backoff{std::chrono::seconds(60)};

  // How to wait between attempts. Default (empty): std::this_thread::
  // sleep_for. Tests inject a no-op or a recorder.
  std::function<void(std::chrono::milliseconds)> sleep;

  // A body larger than this is an error (checked against Content-Length
  // before the body, and against the bytes received). Default: 1 GiB.
  std::int64_t max_bytes = std::int64_t{1} << 30;

  // Redirects followed (http/https only). Default: 5.
  int max_redirects = 5;

  // Sent as the User-Agent header. Default: DefaultUserAgent().
  std::string user_agent = DefaultUserAgent();

  // When set (64 hex digits, any case), the body's sha256 must equal it, or
  // the download fails with kIntegrity and `dest` is left untouched.
  std::optional<std::string> expected_sha256;

  // Proxy for all requests. Default (nullopt): libcurl's usual environment
  // variables (https_proxy, no_proxy, ...). "" disables every proxy, which
  // tests use to stay on loopback.
  std::optional<std::string> proxy;

  // CA bundle file for TLS verification. Default (""): the system store.
  // Verification itself cannot be turned off.
  std::string ca_file;

  // Called as bytes arrive: (received, total or -1 when unknown). Empty:
  // no progress reports. Should not throw: an exception abandons the
  // download (kInternal, no retry).
  std::function<void(std::int64_t received, std::int64_t total)> on_progress;
};

struct DownloadedFile {
  std::string path;           // == dest_path
  std::int64_t bytes = 0;     // size of the body as stored
  std::string sha256;         // of the body, 64 lower-case hex digits
  int http_status = 0;        // of the final response, e.g. 200
  int attempts = 0;           // 1 when the first attempt succeeded
  std::string final_url;      // after redirects
  std::string last_modified;  // Last-Modified header, "" if absent
  std::string etag;           // ETag header, "" if absent
};

// Downloads `url` into `dest_path` (see the guarantees above).
// Errors: kInvalidArgument (bad URL or scheme, bad dest, bad expected
// sha256), kNetwork (connection, timeout, HTTP status, truncation, size
// limit, redirects), kIntegrity (sha256 mismatch), kIo (writing dest).
// REQUIRES: the folder of `dest_path` exists; no other download writes to
// the same `dest_path` at the same time (they would share `<dest>.part`).
Result<DownloadedFile> Download(const std::string& url,
                                const std::string& dest_path,
                                const DownloadOptions& options);

// `url` with any "user:password@" removed, for messages and logs.
std::string RedactUrl(const std::string& url);

}  // namespace clearance::fetch

#endif  // CLEARANCE_ENGINE_FETCH_DOWNLOADER_H_
