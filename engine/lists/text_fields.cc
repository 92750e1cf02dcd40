#include "engine/lists/text_fields.h"

#include <cctype>

#include "engine/common/strings.h"
#include "engine/text/script.h"

namespace clearance::lists::internal {
namespace {

bool AllDigits(std::string_view text) {
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return !text.empty();
}

int ToInt(std::string_view digits) {
  int value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

}  // namespace

std::string CleanText(std::string_view text) {
  text = TrimAscii(text);
  std::string utf8 = text::IsValidUtf8(text) ? std::string(text)
                                             : text::Windows1252ToUtf8(text);
  // U+0080..U+009F are C2 80..C2 9F in UTF-8.
  if (utf8.find('\xC2') != std::string::npos) {
    std::string fixed;
    fixed.reserve(utf8.size());
    for (size_t i = 0; i < utf8.size(); ++i) {
      const auto next =
          i + 1 < utf8.size() ? static_cast<unsigned char>(utf8[i + 1]) : 0;
      if (utf8[i] == '\xC2' && next >= 0x80 && next <= 0x9F) {
        fixed += text::Windows1252ToUtf8(std::string(1, utf8[i + 1]));
        ++i;
      } else {
        fixed.push_back(utf8[i]);
      }
    }
    utf8 = std::move(fixed);
  }
  return std::string(TrimAscii(utf8));
}

std::vector<std::string> SplitValues(std::string_view text,
                                     std::string_view separator) {
  std::vector<std::string> values;
  while (!text.empty()) {
    const size_t at = text.find(separator);
    std::string value = CleanText(text.substr(0, at));
    if (!value.empty()) values.push_back(std::move(value));
    if (at == std::string_view::npos) break;
    text.remove_prefix(at + separator.size());
  }
  return values;
}

bool IsIsoDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  const auto year = text.substr(0, 4);
  const auto month = text.substr(5, 2);
  const auto day = text.substr(8, 2);
  if (!AllDigits(year) || !AllDigits(month) || !AllDigits(day)) return false;
  const int m = ToInt(month);
  const int d = ToInt(day);
  return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

std::string UsDateToIso(std::string_view text) {
  const size_t first = text.find('/');
  if (first == std::string_view::npos) return "";
  const size_t second = text.find('/', first + 1);
  if (second == std::string_view::npos) return "";
  const auto month = text.substr(0, first);
  const auto day = text.substr(first + 1, second - first - 1);
  const auto year = text.substr(second + 1);
  if (month.empty() || month.size() > 2 || day.empty() || day.size() > 2 ||
      year.size() != 4 || !AllDigits(month) || !AllDigits(day) ||
      !AllDigits(year)) {
    return "";
  }
  std::string iso(year);
  iso += month.size() == 1 ? "-0" : "-";
  iso += month;
  iso += day.size() == 1 ? "-0" : "-";
  iso += day;
  return IsIsoDate(iso) ? iso : "";
}

std::string Slug(std::string_view text, char joiner) {
  std::string slug;
  bool pending_joiner = false;
  for (unsigned char c : text) {
    if (std::isalnum(c) && c < 0x80) {
      if (pending_joiner && !slug.empty()) slug.push_back(joiner);
      pending_joiner = false;
      slug.push_back(static_cast<char>(std::tolower(c)));
    } else {
      pending_joiner = true;
    }
  }
  return slug;
}

std::string LineRef(const std::string& file, long line) {
  return file + " line " + std::to_string(line);
}

Result<ColumnMap> ColumnMap::Create(const CsvRecord& header,
                                    const std::vector<std::string>& required,
                                    const std::string& file) {
  ColumnMap map;
  for (const std::string& field : header.fields) {
    std::string name = CleanText(field);
    if (map.Find(name) >= 0) {
      return Fail(ErrorCode::kParse, LineRef(file, header.line) + ": column '" +
                                         name +
                                         "' appears twice in the header");
    }
    map.names_.push_back(std::move(name));
  }
  for (const std::string& name : required) {
    if (map.Find(name) < 0) {
      std::string have;
      for (const std::string& n : map.names_) {
        have += (have.empty() ? "" : ", ") + n;
      }
      return Fail(ErrorCode::kParse, LineRef(file, header.line) +
                                         ": missing column '" + name +
                                         "' (header has: " + have + ")");
    }
  }
  return map;
}

int ColumnMap::Find(std::string_view name) const {
  for (size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return static_cast<int>(i);
  }
  return -1;
}

std::string_view ColumnMap::Get(const CsvRecord& record,
                                std::string_view name) const {
  const int index = Find(name);
  if (index < 0 || static_cast<size_t>(index) >= record.fields.size()) {
    return {};
  }
  return record.fields[static_cast<size_t>(index)];
}

}  // namespace clearance::lists::internal
