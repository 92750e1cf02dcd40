// Downloads every enabled list source into one fresh folder, for
// `clearance lists update`. Importing is the caller's job: the CLI imports
// the folder (lists::PlanSources + store) only when every source succeeded,
// or the succeeded ones with --partial.
//
// Usage:
//   auto sources = fetch::LoadSources(config_path);
//   auto report = fetch::DownloadAll(*sources, dir, options, on_progress);
//   if (!report) ...;                         // nothing could be attempted
//   if (!report->AllSucceeded()) ...;         // report->Failed() says which
//   import report->DownloadedPaths() ...
//
// Thread safety: reentrant; sources are downloaded one after another on the
// calling thread, which also runs the progress callback.
#ifndef CLEARANCE_ENGINE_FETCH_UPDATE_H_
#define CLEARANCE_ENGINE_FETCH_UPDATE_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/common/error.h"
#include "engine/fetch/downloader.h"
#include "engine/fetch/sources.h"

namespace clearance::fetch {

struct SourceOutcome {
  ListSource source;
  // Set when the list file was downloaded (and matched its checksum).
  std::optional<DownloadedFile> file;
  // Set when it was not: what failed, naming the URL.
  std::optional<Error> error;
  // The digest read from checksum_url; "" when the source has none or the
  // checksum file itself failed.
  std::string expected_sha256;
  // Where the checksum file was saved ("<file_name>.checksum.txt" in the
  // update folder, which lists::PlanSources skips); "" when none.
  std::string checksum_path;

  bool ok() const { return file.has_value(); }
};

struct UpdateReport {
  std::string dest_dir;
  // One per enabled source, in the order given.
  std::vector<SourceOutcome> outcomes;

  bool AllSucceeded() const;
  std::vector<const SourceOutcome*> Failed() const;
  // Paths of the downloaded list files (checksum files excluded), in order.
  std::vector<std::string> DownloadedPaths() const;
};

struct UpdateProgress {
  enum class Stage {
    kStarted,    // about to download source `index`
    kReceiving,  // bytes_received / bytes_total (-1 when unknown) changed
    kSucceeded,  // file saved and verified
    kFailed,     // `error` says why; the next source follows
  };
  Stage stage = Stage::kStarted;
  const ListSource* source = nullptr;  // valid during the call only
  std::size_t index = 0;               // among enabled sources, from 0
  std::size_t count = 0;               // enabled sources
  std::int64_t bytes_received = 0;
  std::int64_t bytes_total = -1;
  const Error* error = nullptr;  // kFailed only; valid during the call only
};
using UpdateProgressCallback = std::function<void(const UpdateProgress&)>;

// Downloads each enabled source to `dest_dir/<file_name>` with `options`
// (its expected_sha256 and on_progress are replaced per source). For a
// source with checksum_url, the checksum file is downloaded first and
// parsed (ParseChecksumFile); the list file must match it (kIntegrity
// otherwise). One source failing does not stop the others: its outcome
// holds the error.
// `dest_dir` must not exist or be an empty folder; it is created (with
// parents). Errors (nothing downloaded): kInvalidArgument when no source is
// enabled or two enabled sources share a file name, kAlreadyExists when
// `dest_dir` is not empty, kIo when it cannot be created.
Result<UpdateReport> DownloadAll(const std::vector<ListSource>& sources,
                                 const std::string& dest_dir,
                                 const DownloadOptions& options,
                                 const UpdateProgressCallback& progress = {});

}  // namespace clearance::fetch

#endif  // CLEARANCE_ENGINE_FETCH_UPDATE_H_
