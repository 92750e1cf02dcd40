#include "engine/fetch/update.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <utility>

namespace clearance::fetch {
namespace {

namespace fs = std::filesystem;

// Checksum files are a few lines; anything bigger is not one.
constexpr std::int64_t kMaxChecksumBytes = 64 * 1024;

std::string UrlFileName(const std::string& url) {
  std::string path = url.substr(0, url.find_first_of("?#"));
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

Result<void> PrepareFolder(const std::string& dest_dir) {
  std::error_code ec;
  if (fs::exists(dest_dir, ec)) {
    if (!fs::is_directory(dest_dir, ec)) {
      return Fail(ErrorCode::kAlreadyExists,
                  dest_dir + ": exists and is not a folder");
    }
    if (!fs::is_empty(dest_dir, ec)) {
      return Fail(ErrorCode::kAlreadyExists,
                  dest_dir +
                      ": folder is not empty; updates go into a fresh "
                      "folder");
    }
    return Ok();
  }
  fs::create_directories(dest_dir, ec);
  if (ec) {
    return Fail(ErrorCode::kIo,
                dest_dir + ": cannot create folder: " + ec.message());
  }
  return Ok();
}

// Downloads and parses the checksum for `source`; returns the digest.
Result<std::string> FetchChecksum(const ListSource& source,
                                  const std::string& checksum_path,
                                  DownloadOptions options) {
  options.expected_sha256.reset();
  options.on_progress = nullptr;
  options.max_bytes = std::min(options.max_bytes, kMaxChecksumBytes);
  auto file = Download(source.checksum_url, checksum_path, options);
  if (!file) {
    return std::unexpected(file.error().WithContext("checksum file"));
  }
  std::ifstream in(checksum_path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) {
    return Fail(ErrorCode::kIo, checksum_path + ": cannot read");
  }
  auto digest = ParseChecksumFile(text.str(),
                                  {source.file_name, UrlFileName(source.url)});
  if (!digest) {
    return std::unexpected(
        digest.error().WithContext("checksum file " + source.checksum_url));
  }
  return digest;
}

}  // namespace

bool UpdateReport::AllSucceeded() const {
  for (const auto& outcome : outcomes) {
    if (!outcome.ok()) return false;
  }
  return true;
}

std::vector<const SourceOutcome*> UpdateReport::Failed() const {
  std::vector<const SourceOutcome*> failed;
  for (const auto& outcome : outcomes) {
    if (!outcome.ok()) failed.push_back(&outcome);
  }
  return failed;
}

std::vector<std::string> UpdateReport::DownloadedPaths() const {
  std::vector<std::string> paths;
  for (const auto& outcome : outcomes) {
    if (outcome.ok()) paths.push_back(outcome.file->path);
  }
  return paths;
}

Result<UpdateReport> DownloadAll(const std::vector<ListSource>& sources,
                                 const std::string& dest_dir,
                                 const DownloadOptions& options,
                                 const UpdateProgressCallback& progress) {
  std::vector<const ListSource*> enabled;
  std::set<std::string> file_names;
  for (const auto& source : sources) {
    if (!source.enabled) continue;
    if (source.file_name.empty() ||
        source.file_name.find('/') != std::string::npos ||
        source.file_name.starts_with(".")) {
      return Fail(ErrorCode::kInvalidArgument,
                  "source \"" + source.name + "\": file_name \"" +
                      source.file_name + "\" is not a plain file name");
    }
    if (!file_names.insert(source.file_name).second) {
      return Fail(ErrorCode::kInvalidArgument,
                  "two enabled sources save to \"" + source.file_name + "\"");
    }
    enabled.push_back(&source);
  }
  if (enabled.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "no list source is enabled");
  }
  if (auto prepared = PrepareFolder(dest_dir); !prepared) {
    return std::unexpected(prepared.error());
  }

  UpdateReport report;
  report.dest_dir = dest_dir;
  for (std::size_t i = 0; i < enabled.size(); ++i) {
    const ListSource& source = *enabled[i];
    UpdateProgress event;
    event.source = &source;
    event.index = i;
    event.count = enabled.size();
    const auto emit = [&](UpdateProgress::Stage stage) {
      event.stage = stage;
      if (progress) progress(event);
    };
    emit(UpdateProgress::Stage::kStarted);

    SourceOutcome outcome;
    outcome.source = source;
    const std::string path = (fs::path(dest_dir) / source.file_name).string();
    DownloadOptions source_options = options;
    source_options.expected_sha256.reset();
    source_options.on_progress = nullptr;
    if (progress) {
      source_options.on_progress = [&](std::int64_t received,
                                       std::int64_t total) {
        event.bytes_received = received;
        event.bytes_total = total;
        emit(UpdateProgress::Stage::kReceiving);
      };
    }

    if (!source.checksum_url.empty()) {
      outcome.checksum_path = path + ".checksum.txt";
      auto digest = FetchChecksum(source, outcome.checksum_path, options);
      if (digest) {
        outcome.expected_sha256 = *digest;
        source_options.expected_sha256 = *digest;
      } else {
        outcome.error = digest.error().WithContext(source.name);
        std::error_code ec;
        if (!fs::exists(outcome.checksum_path, ec))
          outcome.checksum_path.clear();
      }
    }
    if (!outcome.error) {
      auto file = Download(source.url, path, source_options);
      if (file) {
        outcome.file = std::move(*file);
      } else {
        outcome.error = file.error().WithContext(source.name);
      }
    }
    if (outcome.error) {
      event.error = &*outcome.error;
      emit(UpdateProgress::Stage::kFailed);
      event.error = nullptr;
    } else {
      emit(UpdateProgress::Stage::kSucceeded);
    }
    report.outcomes.push_back(std::move(outcome));
  }
  return report;
}

}  // namespace clearance::fetch
