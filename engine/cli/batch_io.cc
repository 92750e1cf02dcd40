#include "engine/cli/batch_io.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <system_error>

namespace clearance::cli {

Result<std::string> ReadInput(const std::string& path) {
  std::ifstream in;
  std::istream* stream = &std::cin;
  if (path != "-") {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
      return Fail(ErrorCode::kNotFound, path + ": no such file");
    }
    in.open(path, std::ios::binary);
    if (!in) return Fail(ErrorCode::kIo, path + ": cannot be read");
    stream = &in;
  }
  return std::string(std::istreambuf_iterator<char>(*stream),
                     std::istreambuf_iterator<char>());
}

Result<std::unique_ptr<Output>> Output::Open(
    const std::optional<std::string>& path) {
  auto out = std::unique_ptr<Output>(new Output());
  if (!path || *path == "-") {
    out->file_ = stdout;
    return out;
  }
  out->path_ = *path;
  out->partial_ = *path + ".partial";
  out->file_ = std::fopen(out->partial_.c_str(), "wb");
  if (out->file_ == nullptr) {
    return Fail(ErrorCode::kIo, *path + ": cannot be written");
  }
  return out;
}

Output::~Output() {
  if (file_ != nullptr && file_ != stdout) {
    std::fclose(file_);
    std::remove(partial_.c_str());
  }
}

void Output::Write(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), file_);
}

Result<void> Output::Commit() {
  if (file_ == stdout) {
    std::fflush(stdout);
    return Ok();
  }
  const bool ok = std::fclose(file_) == 0;
  file_ = nullptr;
  std::error_code ec;
  if (ok) std::filesystem::rename(partial_, path_, ec);
  if (!ok || ec) {
    std::remove(partial_.c_str());
    return Fail(ErrorCode::kIo, path_ + ": cannot be written");
  }
  return Ok();
}

}  // namespace clearance::cli
