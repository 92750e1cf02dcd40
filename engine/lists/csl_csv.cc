// trade.gov Consolidated Screening List, CSV download (consolidated.csv).
//
// Columns are found by header name, not position. The 2022 file and the
// 2025 sample have the same 29 names (_id, source, entity_number, type,
// programs, name, title, addresses, ..., alt_names, citizenships,
// dates_of_birth, nationalities, places_of_birth, source_information_url,
// ids); what changed between them is the order inside each `ids` entry:
//   2022: "[country, ][date, [date, ]]number, label"  ("CA, BC166787,
//   Passport") 2025: "label, number[, country]"                  ("Passport,
//   836238033, KP")
// Each entry's order is told from which end holds a known label (see
// ClassifyCslIdLabel); an entry with no known label at either end takes the
// order of the entry before it (the 2022 order at the start of the file).
//
// Multi-valued fields are separated by "; ". An address is
// "street, city, state, postal code, COUNTRY" with empty parts left out, so
// only the trailing country (a code, or a name reference maps) is split
// off; the rest stays in Address.full. Of two dates in an id the later is
// the expiry; a single date's role is not stated, so it goes to
// Identifier.note.
//
// The mapping to the model is CslListBuilder's (csl_record.h).
#include <algorithm>
#include <string>
#include <vector>

#include "engine/lists/csl_record.h"
#include "engine/lists/csv_reader.h"
#include "engine/lists/parsers.h"
#include "engine/lists/text_fields.h"
#include "engine/reference/reference.h"

namespace clearance::lists::internal {
namespace {

constexpr std::string_view kSeparator = "; ";

bool IsUpperCode(std::string_view text) {
  return text.size() == 2 && text[0] >= 'A' && text[0] <= 'Z' &&
         text[1] >= 'A' && text[1] <= 'Z';
}

std::vector<std::string_view> SplitParts(std::string_view text) {
  std::vector<std::string_view> parts;
  for (;;) {
    const size_t at = text.find(", ");
    parts.push_back(TrimAscii(text.substr(0, at)));
    if (at == std::string_view::npos) break;
    text.remove_prefix(at + 2);
  }
  return parts;
}

std::string Join(const std::vector<std::string_view>& parts, size_t begin,
                 size_t end) {
  std::string out;
  for (size_t i = begin; i < end; ++i) {
    if (i > begin) out += ", ";
    out += parts[i];
  }
  return out;
}

CslAddress ParseAddress(const std::string& text) {
  CslAddress address;
  address.full = text;
  std::string_view last = text;
  const size_t comma = last.rfind(", ");
  if (comma != std::string_view::npos) last.remove_prefix(comma + 2);
  last = TrimAscii(last);
  if (IsUpperCode(last) || !reference::CountryCodeFor(last).empty()) {
    address.country = std::string(last);
  }
  return address;
}

// Parses one `ids` entry. `label_last` is the order of the previous entry
// and is updated.
CslId ParseId(std::string_view text, bool& label_last) {
  std::vector<std::string_view> parts = SplitParts(text);
  CslId id;
  if (parts.size() == 1) {
    id.type = std::string(parts[0]);
    return id;
  }
  const bool first_known = ClassifyCslIdLabel(parts.front()).recognised;
  const bool last_known = ClassifyCslIdLabel(parts.back()).recognised;
  if (first_known != last_known) label_last = last_known;
  size_t begin = 0;
  size_t end = parts.size();
  if (label_last) {
    id.type = std::string(parts[--end]);
  } else {
    id.type = std::string(parts[begin++]);
  }
  if (!ClassifyCslIdLabel(id.type).is_identifier) {
    id.number = Join(parts, begin, end);  // a fact: keep the whole value
    return id;
  }
  std::vector<std::string> dates;
  if (label_last) {
    if (end - begin >= 2 && IsUpperCode(parts[begin])) {
      id.country = std::string(parts[begin++]);
    }
    while (end - begin >= 2 && IsIsoDate(parts[begin])) {
      dates.emplace_back(parts[begin++]);
    }
  } else {
    while (end - begin >= 2 && IsIsoDate(parts[end - 1])) {
      dates.emplace_back(parts[--end]);
    }
    if (end - begin >= 2 && IsUpperCode(parts[end - 1])) {
      id.country = std::string(parts[--end]);
    }
    while (end - begin >= 2 && IsIsoDate(parts[end - 1])) {
      dates.emplace_back(parts[--end]);
    }
  }
  id.number = Join(parts, begin, end);
  if (dates.size() == 1) {
    id.undetermined_date = dates[0];
  } else if (dates.size() >= 2) {
    const auto [earliest, latest] =
        std::minmax_element(dates.begin(), dates.end());
    id.issued = *earliest;
    id.expires = *latest;
  }
  return id;
}

}  // namespace

Result<void> ParseCslCsv(const Paths& paths, const ParseOptions& options,
                         ParsedSource& out) {
  auto reader = CsvReader::Open(paths[0]);
  if (!reader) return std::unexpected(reader.error());
  const std::string& file = (*reader)->name();
  CsvRecord row;
  auto more = (*reader)->Next(row);
  if (!more) return std::unexpected(more.error());
  if (!*more) return Fail(ErrorCode::kParse, file + ": empty file");
  // Without these a record would silently lose its identity or its names,
  // addresses and identifiers; the others may come and go.
  static const std::vector<std::string> kRequired = {
      "_id",  "source",    "entity_number", "type", "programs",
      "name", "addresses", "alt_names",     "ids"};
  static const std::vector<std::string_view> kOptional = {
      "remarks", "citizenships", "dates_of_birth", "nationalities",
      "places_of_birth"};
  auto columns = ColumnMap::Create(row, kRequired, file);
  if (!columns) return std::unexpected(columns.error());
  for (const std::string& name : columns->names()) {
    const auto& attrs = CslAttributeFields();
    const bool known =
        std::find(kRequired.begin(), kRequired.end(), name) !=
            kRequired.end() ||
        std::find(attrs.begin(), attrs.end(), name) != attrs.end() ||
        std::find(kOptional.begin(), kOptional.end(), name) != kOptional.end();
    if (!known) {
      out.warnings.push_back(LineRef(file, row.line) + ": column '" + name +
                             "' not known; ignored");
    }
  }

  CslListBuilder builder(&out.warnings);
  bool label_last = true;
  long rows = 0;
  for (;;) {
    more = (*reader)->Next(row);
    if (!more) return std::unexpected(more.error());
    if (!*more) break;
    ++rows;
    const std::string where = LineRef(file, row.line);
    if (row.fields.size() != columns->size()) {
      return Fail(ErrorCode::kParse,
                  where + ": expected " + std::to_string(columns->size()) +
                      " fields, found " + std::to_string(row.fields.size()));
    }
    auto get = [&](std::string_view name) {
      return CleanText(columns->Get(row, name));
    };
    auto list = [&](std::string_view name) {
      return SplitValues(columns->Get(row, name), kSeparator);
    };
    CslRecord record;
    record.where = where;
    record.id = get("_id");
    record.source = get("source");
    record.entity_number = get("entity_number");
    record.type = get("type");
    record.name = get("name");
    record.remarks = get("remarks");
    for (std::string_view field : CslAttributeFields()) {
      std::string value = get(field);
      if (!value.empty())
        record.attributes.emplace_back(field, std::move(value));
    }
    record.programs = list("programs");
    record.alt_names = list("alt_names");
    record.citizenships = list("citizenships");
    record.dates_of_birth = list("dates_of_birth");
    record.nationalities = list("nationalities");
    record.places_of_birth = list("places_of_birth");
    for (const std::string& text : list("addresses")) {
      record.addresses.push_back(ParseAddress(text));
    }
    for (const std::string& text : list("ids")) {
      record.ids.push_back(ParseId(text, label_last));
    }
    if (auto added = builder.Add(record); !added) {
      return std::unexpected(added.error());
    }
    if (options.progress && rows % 1024 == 0) {
      options.progress((*reader)->input().consumed(),
                       (*reader)->input().file_size());
    }
  }
  if (rows == 0) return Fail(ErrorCode::kParse, file + ": no records");
  out.lists = builder.Finish();
  return Ok();
}

}  // namespace clearance::lists::internal
