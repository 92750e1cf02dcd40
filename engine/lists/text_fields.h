// Internal: small helpers for the text fields of tabular list files (CSL
// CSV/JSON, BIS Denied Persons, DoD 1260H): cleaning published values,
// splitting multi-valued fields, checking and converting dates, and mapping
// header names to column positions.
//
// Thread safety: all functions are reentrant.
#ifndef CLEARANCE_ENGINE_LISTS_TEXT_FIELDS_H_
#define CLEARANCE_ENGINE_LISTS_TEXT_FIELDS_H_

#include <string>
#include <string_view>
#include <vector>

#include "engine/common/error.h"
#include "engine/common/strings.h"
#include "engine/lists/csv_reader.h"

namespace clearance::lists::internal {

// Strips ASCII white space (space, tab, CR, LF, FF, VT) at both ends.

// A published value made fit to store: bytes that are not UTF-8 are read as
// Windows-1252, C1 control characters (U+0080..U+009F, Windows-1252 bytes
// that went through a Latin-1 conversion, e.g. "Xi\u0092an") become the
// Windows-1252 character they stood for, and white space is trimmed.
std::string CleanText(std::string_view text);

// Splits `text` on `separator`, cleans each part and drops empty ones.
std::vector<std::string> SplitValues(std::string_view text,
                                     std::string_view separator);

// True for "YYYY-MM-DD" with a month 01..12 and a day 01..31.
bool IsIsoDate(std::string_view text);

// "MM/DD/YYYY" (one- or two-digit month and day) -> "YYYY-MM-DD";
// "" when `text` is not of that form.
std::string UsDateToIso(std::string_view text);

// Lower-case ASCII letters and digits of `text`, each run of anything else
// replaced by `joiner` (none at either end): "Listing Date (EO 14024):" ->
// "listing_date_eo_14024" with joiner '_'.
std::string Slug(std::string_view text, char joiner);

// "<file> line <n>", the prefix of every row-level message.
std::string LineRef(const std::string& file, long line);

// Maps the header row of a tabular file to column positions, by name.
class ColumnMap {
 public:
  // Fails (kParse, "<file> line <n>: missing column 'X' (header has: ...)")
  // when a name in `required` is absent. Names are compared exactly after
  // trimming; a duplicated header name fails too.
  static Result<ColumnMap> Create(const CsvRecord& header,
                                  const std::vector<std::string>& required,
                                  const std::string& file);

  // Column index of `name`, or -1 when the header does not have it.
  int Find(std::string_view name) const;
  // The field of `record` in column `name`, "" when the column is absent.
  std::string_view Get(const CsvRecord& record, std::string_view name) const;
  // Header names in file order.
  const std::vector<std::string>& names() const { return names_; }
  size_t size() const { return names_.size(); }

 private:
  std::vector<std::string> names_;
};

}  // namespace clearance::lists::internal

#endif  // CLEARANCE_ENGINE_LISTS_TEXT_FIELDS_H_
