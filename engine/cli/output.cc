#include "engine/cli/output.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>

namespace clearance::cli {

int ExitCodeFor(const Error& error) {
  switch (error.code()) {
    case ErrorCode::kInvalidArgument:
      return kExitUsage;
    case ErrorCode::kParse:
    case ErrorCode::kUnsupportedFormat:
      return kExitInput;
    case ErrorCode::kDatabase:
      return kExitDatabase;
    case ErrorCode::kNetwork:
      return kExitNetwork;
    case ErrorCode::kNotFound:
      return kExitNotFound;
    case ErrorCode::kIntegrity:
      return kExitIntegrity;
    default:
      return kExitFailure;
  }
}

int ReportError(const Error& error) {
  std::fprintf(stderr, "clearance: error: %s\n", error.message().c_str());
  return ExitCodeFor(error);
}

namespace {

// Decodes one code point; advances i. Invalid bytes count as one column.
char32_t NextCodePoint(std::string_view s, size_t& i) {
  const auto c = static_cast<unsigned char>(s[i]);
  int len = c < 0x80         ? 1
            : (c >> 5) == 6  ? 2
            : (c >> 4) == 14 ? 3
            : (c >> 3) == 30 ? 4
                             : 1;
  if (i + len > s.size()) len = 1;
  char32_t cp = len == 1 ? c : (c & (0x7F >> len));
  for (int k = 1; k < len; ++k) {
    cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  }
  i += len;
  return cp;
}

bool IsWide(char32_t cp) {
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
         (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
         (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

bool IsZeroWidth(char32_t cp) {
  return (cp >= 0x0300 && cp <= 0x036F) || cp == 0x200B || cp == 0x200C ||
         cp == 0x200D || (cp >= 0x064B && cp <= 0x065F);
}

}  // namespace

int DisplayWidth(std::string_view utf8) {
  int width = 0;
  for (size_t i = 0; i < utf8.size();) {
    const char32_t cp = NextCodePoint(utf8, i);
    width += IsZeroWidth(cp) ? 0 : IsWide(cp) ? 2 : 1;
  }
  return width;
}

Table::Table(std::vector<std::string> headers)
    : headers_(std::move(headers)), right_(headers_.size(), false) {}

void Table::AddRow(std::vector<std::string> cells) {
  cells.resize(headers_.size());
  rows_.push_back(std::move(cells));
}

void Table::AlignRight(size_t index) {
  if (index < right_.size()) right_[index] = true;
}

std::string Table::Render() const {
  std::vector<int> widths(headers_.size());
  for (size_t c = 0; c < headers_.size(); ++c) {
    widths[c] = DisplayWidth(headers_[c]);
    for (const auto& row : rows_)
      widths[c] = std::max(widths[c], DisplayWidth(row[c]));
  }
  auto render_row = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (size_t c = 0; c < cells.size(); ++c) {
      const int pad = widths[c] - DisplayWidth(cells[c]);
      if (right_[c]) line.append(pad, ' ');
      line += cells[c];
      if (!right_[c] && c + 1 < cells.size()) line.append(pad, ' ');
      if (c + 1 < cells.size()) line += "  ";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    return line + "\n";
  };
  std::string out = render_row(headers_);
  std::vector<std::string> rule;
  for (int w : widths) rule.push_back(std::string(static_cast<size_t>(w), '-'));
  out += render_row(rule);
  for (const auto& row : rows_) out += render_row(row);
  return out;
}

std::string WithThousands(std::int64_t value) {
  std::string digits = std::to_string(value < 0 ? -value : value);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return value < 0 ? "-" + out : out;
}

Progress::Progress(std::string label)
    : label_(std::move(label)),
      enabled_(::isatty(STDERR_FILENO) == 1 &&
               std::getenv("CLEARANCE_NO_PROGRESS") == nullptr),
      start_(std::chrono::steady_clock::now()) {}

Progress::~Progress() { Finish(); }

void Progress::Update(std::int64_t done, std::int64_t total) {
  if (!enabled_ || finished_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(100) && done < total) return;
  last_draw_ = now;
  const double fraction =
      total > 0
          ? std::clamp(static_cast<double>(done) / static_cast<double>(total),
                       0.0, 1.0)
          : 0.0;
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(fraction * kWidth);
  const double seconds = std::chrono::duration<double>(now - start_).count();
  std::string bar(static_cast<size_t>(filled), '#');
  bar.append(static_cast<size_t>(kWidth - filled), '.');
  std::fprintf(stderr, "\r%-28.28s [%s] %3d%%  %.1fs", label_.c_str(),
               bar.c_str(), static_cast<int>(fraction * 100), seconds);
  std::fflush(stderr);
}

void Progress::Finish() {
  if (!enabled_ || finished_) return;
  finished_ = true;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
}

std::string NowIso8601() {
  if (const char* fixed = std::getenv("CLEARANCE_NOW"); fixed && *fixed) {
    return fixed;
  }
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

}  // namespace clearance::cli
