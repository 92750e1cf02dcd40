// Streaming input for list parsers: plain files and the wrappers OFAC and
// mirrors ship them in (.bz2, .gz, .xz, .zip), read in chunks through
// libarchive so a 121 MB XML never has to sit in memory.
//
// A .zip must hold exactly one list file (directories and a top-level
// README are ignored); otherwise Open() fails naming the archive.
#ifndef CLEARANCE_ENGINE_LISTS_INPUT_H_
#define CLEARANCE_ENGINE_LISTS_INPUT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "engine/common/error.h"

namespace clearance::lists {

class InputStream {
 public:
  // Opens `path`, unwrapping one layer of compression or a zip container.
  static Result<std::unique_ptr<InputStream>> Open(const std::string& path);
  ~InputStream();
  InputStream(const InputStream&) = delete;
  InputStream& operator=(const InputStream&) = delete;

  // Reads up to `capacity` bytes of unpacked content into `buffer`.
  // Returns 0 at the end; kParse/kIo errors for corrupt or unreadable input.
  Result<size_t> Read(char* buffer, size_t capacity);

  // Reads everything that is left (for small files only).
  Result<std::string> ReadAll();

  // The path given to Open(); for a zip, "archive.zip!/member.xml".
  const std::string& display_name() const { return display_name_; }
  // Size of the file on disk, and how much of it has been consumed, for
  // progress reporting. consumed() never exceeds file_size().
  std::int64_t file_size() const { return file_size_; }
  std::int64_t consumed() const;
  // Bytes of unpacked content returned so far.
  std::int64_t unpacked() const { return unpacked_; }

 private:
  InputStream() = default;
  struct Archive;
  std::unique_ptr<Archive> archive_;
  std::string display_name_;
  std::int64_t file_size_ = 0;
  std::int64_t unpacked_ = 0;
};

// Reads up to `max_bytes` of the unpacked start of `path` for format sniffing.
Result<std::string> PeekContent(const std::string& path, size_t max_bytes);

}  // namespace clearance::lists

#endif  // CLEARANCE_ENGINE_LISTS_INPUT_H_
