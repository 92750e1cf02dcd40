// Output helpers for people and machines: aligned text tables (UTF-8 and
// East Asian width aware), a progress bar that draws only on a terminal,
// and the exit codes scripts rely on (docs/cli.md).
#ifndef CLEARANCE_ENGINE_CLI_OUTPUT_H_
#define CLEARANCE_ENGINE_CLI_OUTPUT_H_

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/error.h"

namespace clearance::cli {

// Exit codes (stable; documented in docs/cli.md).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;    // operation failed (generic)
inline constexpr int kExitUsage = 2;      // bad command line
inline constexpr int kExitInput = 3;      // bad input file or record
inline constexpr int kExitDatabase = 4;   // database error
inline constexpr int kExitNetwork = 5;    // download failed
inline constexpr int kExitNotFound = 6;   // named party/version/file absent
inline constexpr int kExitIntegrity = 7;  // checksum / chain mismatch
// Screening ran and found at least one hit at or above the threshold
// (`screen ...`); 0 means it ran and found none.
inline constexpr int kExitHits = 10;

// Maps an error to its exit code.
int ExitCodeFor(const Error& error);

// Prints "clearance: error: <message>" to stderr and returns the exit code.
int ReportError(const Error& error);

// Display width of UTF-8 text in terminal columns (CJK wide = 2).
int DisplayWidth(std::string_view utf8);

class Table {
 public:
  explicit Table(std::vector<std::string> headers);
  void AddRow(std::vector<std::string> cells);
  // Right-aligns column `index` (numbers).
  void AlignRight(size_t index);
  std::string Render() const;
  bool empty() const { return rows_.empty(); }

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<bool> right_;
};

// "18,367"
std::string WithThousands(std::int64_t value);

// A progress bar on stderr, drawn only when stderr is a terminal and
// CLEARANCE_NO_PROGRESS is unset; otherwise silent.
class Progress {
 public:
  explicit Progress(std::string label);
  ~Progress();
  void Update(std::int64_t done, std::int64_t total);
  void Finish();

 private:
  std::string label_;
  bool enabled_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

// The current time as ISO 8601 UTC ("2026-11-22T10:00:00Z"). Honors
// $CLEARANCE_NOW (same format) so that tests are deterministic.
std::string NowIso8601();

}  // namespace clearance::cli

#endif  // CLEARANCE_ENGINE_CLI_OUTPUT_H_
