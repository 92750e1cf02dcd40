#include "engine/lists/input.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <filesystem>
#include <string>

namespace clearance::lists {

struct InputStream::Archive {
  struct archive* handle = nullptr;
  ~Archive() {
    if (handle != nullptr) archive_read_free(handle);
  }
};

namespace {

bool IsIgnorableMember(const std::string& name) {
  if (name.empty() || name.back() == '/') return true;
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return lower.starts_with("__macosx/") || lower.ends_with("readme.txt") ||
         lower.ends_with(".ds_store");
}

}  // namespace

Result<std::unique_ptr<InputStream>> InputStream::Open(
    const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) {
    return Fail(ErrorCode::kIo, path + ": cannot open: " + ec.message());
  }
  std::unique_ptr<InputStream> stream(new InputStream());
  stream->file_size_ = static_cast<std::int64_t>(size);
  stream->display_name_ = path;
  stream->archive_ = std::make_unique<Archive>();
  struct archive* a = archive_read_new();
  stream->archive_->handle = a;
  archive_read_support_filter_all(a);
  archive_read_support_format_zip(a);
  archive_read_support_format_raw(a);
  if (archive_read_open_filename(a, path.c_str(), 1 << 16) != ARCHIVE_OK) {
    return Fail(ErrorCode::kIo, path + ": cannot open: " +
                                    std::string(archive_error_string(a)
                                                    ? archive_error_string(a)
                                                    : "unknown error"));
  }
  struct archive_entry* entry = nullptr;
  for (;;) {
    const int rc = archive_read_next_header(a, &entry);
    if (rc == ARCHIVE_EOF) {
      return Fail(ErrorCode::kParse, path + ": archive holds no list file");
    }
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
      const char* why = archive_error_string(a);
      return Fail(ErrorCode::kParse,
                  path + ": unreadable archive: " + (why ? why : "unknown"));
    }
    if (archive_format(a) == ARCHIVE_FORMAT_RAW) break;
    const char* member = archive_entry_pathname(entry);
    const std::string name = member ? member : "";
    if (IsIgnorableMember(name)) continue;
    stream->display_name_ = path + "!/" + name;
    break;
  }
  return stream;
}

InputStream::~InputStream() = default;

std::int64_t InputStream::consumed() const {
  const la_int64_t read = archive_filter_bytes(archive_->handle, -1);
  return std::min<std::int64_t>(std::max<la_int64_t>(read, 0), file_size_);
}

Result<size_t> InputStream::Read(char* buffer, size_t capacity) {
  const la_ssize_t n = archive_read_data(archive_->handle, buffer, capacity);
  if (n < 0) {
    const char* why = archive_error_string(archive_->handle);
    return Fail(ErrorCode::kParse,
                display_name_ + ": corrupt or truncated compressed data: " +
                    (why ? why : "unknown error"));
  }
  unpacked_ += n;
  return static_cast<size_t>(n);
}

Result<std::string> InputStream::ReadAll() {
  std::string out;
  char buffer[1 << 16];
  for (;;) {
    auto n = Read(buffer, sizeof buffer);
    if (!n) return std::unexpected(n.error());
    if (*n == 0) break;
    out.append(buffer, *n);
  }
  return out;
}

Result<std::string> PeekContent(const std::string& path, size_t max_bytes) {
  auto stream = InputStream::Open(path);
  if (!stream) return std::unexpected(stream.error());
  std::string out(max_bytes, '\0');
  size_t filled = 0;
  while (filled < max_bytes) {
    auto n = (*stream)->Read(out.data() + filled, max_bytes - filled);
    if (!n) return std::unexpected(n.error());
    if (*n == 0) break;
    filled += *n;
  }
  out.resize(filled);
  return out;
}

}  // namespace clearance::lists
