#include "engine/fetch/downloader.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>
#include <utility>

#include "engine/common/strings.h"
#include "engine/crypto/sha256.h"

#if LIBCURL_VERSION_NUM < 0x075500
#error "engine/fetch needs libcurl >= 7.85 (CURLOPT_PROTOCOLS_STR)"
#endif

namespace clearance::fetch {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kClearanceVersion = "0.1.0";
constexpr const char* kAllowedProtocols = "http,https";

bool IsHex64(std::string_view text) {
  return text.size() == 64 &&
         std::all_of(text.begin(), text.end(),
                     [](unsigned char c) { return std::isxdigit(c) != 0; });
}

// libcurl's global state is initialised once per process; the first caller
// pays for it. curl_global_init is not thread-safe by itself, hence the once.
Result<void> EnsureCurlInitialized() {
  static std::once_flag once;
  static CURLcode init_rc = CURLE_OK;
  std::call_once(once, [] { init_rc = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (init_rc != CURLE_OK) {
    return Fail(ErrorCode::kInternal,
                std::string("libcurl initialisation failed: ") +
                    curl_easy_strerror(init_rc));
  }
  return Ok();
}

// What one attempt produced. On failure `error` holds what failed without
// the URL or attempt count; Download() adds those.
struct Attempt {
  bool ok = false;
  bool retryable = false;
  ErrorCode code = ErrorCode::kNetwork;
  std::string what;
  DownloadedFile file;
};

Attempt Failed(ErrorCode code, bool retryable, std::string what) {
  Attempt attempt;
  attempt.code = code;
  attempt.retryable = retryable;
  attempt.what = std::move(what);
  return attempt;
}

// State shared with libcurl's C callbacks during one attempt.
struct Transfer {
  int fd = -1;
  crypto::Sha256 hasher;
  std::int64_t received = 0;
  std::int64_t max_bytes = 0;
  // Of the latest response (reset at each status line, so after redirects
  // they describe the final response).
  int status = 0;
  std::int64_t content_length = -1;
  std::string last_modified;
  std::string etag;
  // Why a callback stopped the transfer.
  bool http_error = false;
  bool too_large = false;
  int write_errno = 0;
  bool callback_failed = false;
  const std::function<void(std::int64_t, std::int64_t)>* on_progress = nullptr;
};

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t length = size * count;
  const std::string_view line = TrimAscii(std::string_view(data, length));
  if (line.starts_with("HTTP/")) {
    // A new response (1xx, a redirect, or the final one).
    transfer->status = 0;
    transfer->content_length = -1;
    transfer->last_modified.clear();
    transfer->etag.clear();
    const size_t space = line.find(' ');
    if (space != std::string_view::npos) {
      int status = 0;
      for (char c : line.substr(space + 1, 3)) {
        if (c < '0' || c > '9') break;
        status = status * 10 + (c - '0');
      }
      transfer->status = status;
    }
    return length;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return length;
  const std::string name = AsciiLower(TrimAscii(line.substr(0, colon)));
  const std::string_view value = TrimAscii(line.substr(colon + 1));
  if (name == "content-length") {
    std::int64_t parsed = 0;
    bool valid = !value.empty();
    for (char c : value) {
      if (c < '0' || c > '9' || parsed > (INT64_MAX - 9) / 10) {
        valid = false;
        break;
      }
      parsed = parsed * 10 + (c - '0');
    }
    transfer->content_length = valid ? parsed : -1;
  } else if (name == "last-modified") {
    transfer->last_modified = std::string(value);
  } else if (name == "etag") {
    transfer->etag = std::string(value);
  }
  return length;
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t length = size * count;
  if (transfer->status >= 400) {
    // An error page: the status is the result, the body is not worth
    // waiting for.
    transfer->http_error = true;
    return 0;
  }
  if (transfer->status >= 300) return length;  // a redirect's body
  if (transfer->received + static_cast<std::int64_t>(length) >
      transfer->max_bytes) {
    transfer->too_large = true;
    return 0;
  }
  size_t written = 0;
  while (written < length) {
    const ssize_t n = ::write(transfer->fd, data + written, length - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      transfer->write_errno = errno;
      return 0;
    }
    written += static_cast<size_t>(n);
  }
  transfer->hasher.Update(std::string_view(data, length));
  transfer->received += static_cast<std::int64_t>(length);
  return length;
}

int OnProgress(void* user, curl_off_t total, curl_off_t now, curl_off_t,
               curl_off_t) {
  auto* transfer = static_cast<Transfer*>(user);
  if (transfer->status >= 300 || now == 0) return 0;
  try {
    (*transfer->on_progress)(static_cast<std::int64_t>(now),
                             total > 0 ? static_cast<std::int64_t>(total) : -1);
  } catch (...) {
    transfer->callback_failed = true;
    return 1;  // aborts the transfer
  }
  return 0;
}

// Removes `<dest>.part` on every path that does not rename it.
class PartFile {
 public:
  explicit PartFile(std::string path) : path_(std::move(path)) {}
  ~PartFile() {
    Close();
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  PartFile(const PartFile&) = delete;
  PartFile& operator=(const PartFile&) = delete;

  Result<int> Open() {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) {
      return Fail(ErrorCode::kIo,
                  "cannot create " + path_ + ": " + std::strerror(errno));
    }
    return fd_;
  }
  // fsync + close, then rename over `dest`.
  Result<void> Commit(const std::string& dest) {
    if (::fsync(fd_) != 0) {
      return Fail(ErrorCode::kIo,
                  "cannot sync " + path_ + ": " + std::strerror(errno));
    }
    const int fd = std::exchange(fd_, -1);
    if (::close(fd) != 0) {
      return Fail(ErrorCode::kIo,
                  "cannot close " + path_ + ": " + std::strerror(errno));
    }
    if (::rename(path_.c_str(), dest.c_str()) != 0) {
      return Fail(ErrorCode::kIo, "cannot rename " + path_ + " to " + dest +
                                      ": " + std::strerror(errno));
    }
    path_.clear();
    return Ok();
  }

 private:
  void Close() {
    if (fd_ >= 0) ::close(std::exchange(fd_, -1));
  }
  std::string path_;
  int fd_ = -1;
};

// Makes the rename durable. Best effort: the file itself is complete and
// synced; some file systems do not support fsync on folders.
void SyncDirectory(const std::string& file_path) {
  fs::path dir = fs::path(file_path).parent_path();
  if (dir.empty()) dir = ".";
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};

bool IsRetryableStatus(int status) {
  return status >= 500 || status == 408 || status == 429;
}

bool IsRetryableCurlError(CURLcode rc) {
  switch (rc) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_TOO_MANY_REDIRECTS:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_FILESIZE_EXCEEDED:
    case CURLE_OUT_OF_MEMORY:
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_NOT_BUILT_IN:
    case CURLE_UNKNOWN_OPTION:
      return false;
    default:
      return true;
  }
}

std::string CurlWhat(CURLcode rc, const char* error_buffer) {
  std::string what = curl_easy_strerror(rc);
  if (error_buffer[0] != '\0') {
    what += " (";
    what += TrimAscii(error_buffer);
    what += ")";
  }
  return what;
}

std::string TruncatedWhat(std::int64_t got, std::int64_t expected) {
  return "truncated: got " + std::to_string(got) + " of " +
         std::to_string(expected) + " bytes";
}

Attempt TryOnce(const std::string& url, const std::string& dest_path,
                const DownloadOptions& options,
                const std::optional<std::string>& expected_sha256) {
  PartFile part(dest_path + ".part");
  auto fd = part.Open();
  if (!fd) return Failed(fd.error().code(), false, fd.error().message());

  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl)
    return Failed(ErrorCode::kInternal, false, "curl_easy_init failed");
  CURL* handle = curl.get();

  Transfer transfer;
  transfer.fd = *fd;
  transfer.max_bytes = options.max_bytes;
  char error_buffer[CURL_ERROR_SIZE] = {};

  const auto millis = [](std::chrono::milliseconds value) {
    return static_cast<long>(std::max<std::int64_t>(value.count(), 1));
  };
  // Every option below is supported by the libcurl we require; a failing
  // setopt would only mean "out of memory", which perform() reports too.
  curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, kAllowedProtocols);
  curl_easy_setopt(handle, CURLOPT_REDIR_PROTOCOLS_STR, kAllowedProtocols);
  curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(handle, CURLOPT_MAXREDIRS,
                   static_cast<long>(std::max(options.max_redirects, 0)));
  curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options.ca_file.empty()) {
    curl_easy_setopt(handle, CURLOPT_CAINFO, options.ca_file.c_str());
  }
  if (options.proxy.has_value()) {
    curl_easy_setopt(handle, CURLOPT_PROXY, options.proxy->c_str());
  }
  // Status is checked by OnBody / after perform, so that the error names it.
  curl_easy_setopt(handle, CURLOPT_FAILONERROR, 0L);
  curl_easy_setopt(handle, CURLOPT_USERAGENT, options.user_agent.c_str());
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS,
                   millis(options.connect_timeout));
  curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, millis(options.total_timeout));
  if (options.low_speed_limit_bytes > 0 && options.low_speed_time.count() > 0) {
    curl_easy_setopt(handle, CURLOPT_LOW_SPEED_LIMIT,
                     static_cast<long>(options.low_speed_limit_bytes));
    curl_easy_setopt(handle, CURLOPT_LOW_SPEED_TIME,
                     static_cast<long>(options.low_speed_time.count()));
  }
  curl_easy_setopt(handle, CURLOPT_MAXFILESIZE_LARGE,
                   static_cast<curl_off_t>(options.max_bytes));
  curl_easy_setopt(handle, CURLOPT_TCP_KEEPALIVE, 1L);
  // No Accept-Encoding: Content-Length then counts the bytes we store, and
  // the sha256 is of the file as published.
  curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(handle, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &transfer);
  if (options.on_progress) {
    transfer.on_progress = &options.on_progress;
    curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, &OnProgress);
    curl_easy_setopt(handle, CURLOPT_XFERINFODATA, &transfer);
    curl_easy_setopt(handle, CURLOPT_NOPROGRESS, 0L);
  }

  const CURLcode rc = curl_easy_perform(handle);

  long response_code = 0;
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &response_code);
  const int status =
      response_code != 0 ? static_cast<int>(response_code) : transfer.status;
  const std::string max_text = std::to_string(options.max_bytes);

  if (transfer.http_error || (rc == CURLE_OK && status >= 300)) {
    if (status >= 300 && status < 400) {
      return Failed(ErrorCode::kNetwork, false,
                    "HTTP " + std::to_string(status) +
                        " redirect without a usable Location");
    }
    return Failed(ErrorCode::kNetwork, IsRetryableStatus(status),
                  "HTTP " + std::to_string(status));
  }
  if (transfer.write_errno != 0) {
    return Failed(ErrorCode::kIo, false,
                  "cannot write " + dest_path +
                      ".part: " + std::strerror(transfer.write_errno));
  }
  if (transfer.too_large || rc == CURLE_FILESIZE_EXCEEDED) {
    std::string what = "larger than max_bytes " + max_text;
    if (transfer.content_length >= 0) {
      what +=
          " (Content-Length " + std::to_string(transfer.content_length) + ")";
    }
    return Failed(ErrorCode::kNetwork, false, what);
  }
  if (transfer.callback_failed) {
    return Failed(ErrorCode::kInternal, false,
                  "progress callback threw; download abandoned");
  }
  if (rc == CURLE_PARTIAL_FILE) {
    return Failed(
        ErrorCode::kNetwork, true,
        transfer.content_length >= 0
            ? TruncatedWhat(transfer.received, transfer.content_length)
            : "truncated: " + CurlWhat(rc, error_buffer));
  }
  if (rc == CURLE_OPERATION_TIMEDOUT) {
    return Failed(ErrorCode::kNetwork, true,
                  "timed out: " + CurlWhat(rc, error_buffer));
  }
  if (rc == CURLE_TOO_MANY_REDIRECTS) {
    return Failed(
        ErrorCode::kNetwork, false,
        "more than " + std::to_string(options.max_redirects) + " redirects");
  }
  if (rc == CURLE_UNSUPPORTED_PROTOCOL) {
    return Failed(ErrorCode::kNetwork, false,
                  "refused: only http and https are allowed, also for "
                  "redirects (" +
                      std::string(TrimAscii(error_buffer)) + ")");
  }
  if (rc != CURLE_OK) {
    return Failed(ErrorCode::kNetwork, IsRetryableCurlError(rc),
                  CurlWhat(rc, error_buffer));
  }
  if (status < 200) {
    return Failed(
        ErrorCode::kNetwork, true,
        "no HTTP response status (got " + std::to_string(status) + ")");
  }
  if (transfer.content_length >= 0 &&
      transfer.received != transfer.content_length) {
    return Failed(ErrorCode::kNetwork, true,
                  TruncatedWhat(transfer.received, transfer.content_length));
  }

  Attempt attempt;
  attempt.file.path = dest_path;
  attempt.file.bytes = transfer.received;
  attempt.file.sha256 = transfer.hasher.FinishHex();
  attempt.file.http_status = status;
  attempt.file.last_modified = transfer.last_modified;
  attempt.file.etag = transfer.etag;
  char* effective_url = nullptr;
  curl_easy_getinfo(handle, CURLINFO_EFFECTIVE_URL, &effective_url);
  attempt.file.final_url = effective_url != nullptr ? effective_url : url;

  if (expected_sha256.has_value() && attempt.file.sha256 != *expected_sha256) {
    return Failed(ErrorCode::kIntegrity, false,
                  "sha256 mismatch: expected " + *expected_sha256 + ", got " +
                      attempt.file.sha256 + " (" +
                      std::to_string(transfer.received) + " bytes)");
  }
  if (auto committed = part.Commit(dest_path); !committed) {
    return Failed(committed.error().code(), false, committed.error().message());
  }
  SyncDirectory(dest_path);
  attempt.ok = true;
  return attempt;
}

std::string AttemptsText(int attempts) {
  return attempts == 1 ? "1 attempt" : std::to_string(attempts) + " attempts";
}

}  // namespace

std::string DefaultUserAgent() {
  return "Clearance/" + std::string(kClearanceVersion) +
         " (+compliance list update)";
}

std::string RedactUrl(const std::string& url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return url;
  const size_t authority_start = scheme_end + 3;
  size_t authority_end = url.find_first_of("/?#", authority_start);
  if (authority_end == std::string::npos) authority_end = url.size();
  const size_t at = url.rfind('@', authority_end);
  if (at == std::string::npos || at < authority_start) return url;
  return url.substr(0, authority_start) + url.substr(at + 1);
}

Result<DownloadedFile> Download(const std::string& url,
                                const std::string& dest_path,
                                const DownloadOptions& options) {
  const std::string shown_url = RedactUrl(url);
  const std::string scheme = AsciiLower(url.substr(0, url.find("://")));
  if (url.find("://") == std::string::npos ||
      (scheme != "http" && scheme != "https")) {
    return Fail(ErrorCode::kInvalidArgument,
                shown_url + ": only http:// and https:// URLs are allowed");
  }
  if (dest_path.empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                shown_url + ": empty destination path");
  }
  std::error_code ec;
  if (fs::is_directory(dest_path, ec)) {
    return Fail(ErrorCode::kInvalidArgument,
                dest_path + ": is a folder, expected a file path");
  }
  fs::path dir = fs::path(dest_path).parent_path();
  if (!dir.empty() && !fs::is_directory(dir, ec)) {
    return Fail(ErrorCode::kNotFound,
                dest_path + ": folder " + dir.string() + " does not exist");
  }
  std::optional<std::string> expected;
  if (options.expected_sha256.has_value()) {
    const std::string_view given = TrimAscii(*options.expected_sha256);
    if (!IsHex64(given)) {
      return Fail(ErrorCode::kInvalidArgument,
                  shown_url +
                      ": expected sha256 must be 64 hex digits, got \"" +
                      *options.expected_sha256 + "\"");
    }
    expected = AsciiLower(given);
  }
  if (auto init = EnsureCurlInitialized(); !init) {
    return std::unexpected(init.error());
  }

  const int max_attempts = std::max(options.max_attempts, 1);
  double backoff_ms = static_cast<double>(options.initial_backoff.count());
  for (int attempt_number = 1;; ++attempt_number) {
    Attempt attempt = TryOnce(url, dest_path, options, expected);
    if (attempt.ok) {
      attempt.file.attempts = attempt_number;
      return std::move(attempt.file);
    }
    if (!attempt.retryable || attempt_number >= max_attempts) {
      return Fail(attempt.code, shown_url + ": " + attempt.what + " after " +
                                    AttemptsText(attempt_number));
    }
    const auto wait =
        std::chrono::milliseconds(static_cast<std::int64_t>(std::min(
            backoff_ms, static_cast<double>(options.max_backoff.count()))));
    try {
      if (options.sleep) {
        options.sleep(wait);
      } else {
        std::this_thread::sleep_for(wait);
      }
    } catch (...) {
      return Fail(ErrorCode::kInternal,
                  shown_url + ": sleep function threw between attempts");
    }
    backoff_ms *= std::max(options.backoff_multiplier, 1.0);
  }
}

}  // namespace clearance::fetch
