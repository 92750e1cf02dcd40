// Input and output of the batch commands (`screen names`, `screen
// accounts`, `match pairs`): whole input files or stdin, and an output sink
// that never leaves a plausible-looking half file behind.
#ifndef CLEARANCE_ENGINE_CLI_BATCH_IO_H_
#define CLEARANCE_ENGINE_CLI_BATCH_IO_H_

#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "engine/common/error.h"

namespace clearance::cli {

// The whole content of `path`, or of stdin for "-". kNotFound for a missing
// file, kIo for an unreadable one.
Result<std::string> ReadInput(const std::string& path);

// An output sink: --out FILE (written to FILE.partial, then renamed by
// Commit(), so a crashed run never leaves a plausible-looking half file) or
// stdout ("-" or no path). Destroying an uncommitted file sink removes the
// partial file. Not thread-safe: write from one thread.
class Output {
 public:
  static Result<std::unique_ptr<Output>> Open(
      const std::optional<std::string>& path);
  ~Output();
  void Write(const std::string& text);
  Result<void> Commit();

 private:
  Output() = default;
  FILE* file_ = nullptr;
  std::string path_;
  std::string partial_;
};

}  // namespace clearance::cli

#endif  // CLEARANCE_ENGINE_CLI_BATCH_IO_H_
