// DoD Section 1260H list of Chinese military companies, CSV with the columns
// Name, Clean Name, Alias, Previous Name, Parent Name, Note, Start date,
// End date, Source Url (found by name; Note and Source Url may be absent).
// One list, code "DOD-1260H"; every party is an entity.
//
// The file is cumulative: a company named in several annual tranches has a
// row per tranche (397 rows, 227 companies in the archived copy). Rows whose
// Clean Name has the same letters and digits (case, punctuation and spaces
// ignored: "Co., Ltd" = "Co. Ltd.", "Xi'an" = "Xi’an") are one party:
//  - source_id = "1260H-" + the first 16 hex digits of sha256 of that key;
//  - primary name = the Clean Name of the newest tranche (latest Start
//    date); other spellings of the Clean Name, the raw Name (footnote "*"
//    removed) where it differs, and Alias values are strong a.k.a.s;
//    Previous Name values are f.k.a.s (kFormerly). Alias and Previous Name
//    hold several names separated by ";" (Alias also by "," without a
//    following space: "Knownsec,Beijing Kownsec");
//  - Parent Name -> Relationship{"Subsidiary Of", other_name}, with
//    other_source_id when the parent is itself listed;
//  - attributes: start_date (earliest), end_date (only when every row has
//    one: the latest), listing_date per tranche, source_url per distinct
//    URL, source_rows (rows merged); Note -> remarks (distinct notes, one a
//    line).
// Dates must be YYYY-MM-DD; anything else fails naming line and column.
#include <algorithm>
#include <cctype>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/crypto/sha256.h"
#include "engine/lists/csv_reader.h"
#include "engine/lists/parsers.h"
#include "engine/lists/text_fields.h"
#include "engine/text/script.h"

namespace clearance::lists::internal {
namespace {

struct DodRow {
  long line = 0;
  std::string name;
  std::string clean_name;
  std::vector<std::string> aliases;
  std::vector<std::string> previous_names;
  std::string parent;
  std::string note;
  std::string start_date;
  std::string end_date;
  std::string source_url;
};

// Letters and digits of `name`, lower-cased; the bytes of `name` when it
// has no ASCII letters or digits (a name in Chinese characters only).
std::string MatchKey(std::string_view name) {
  std::string key;
  for (unsigned char c : name) {
    if (c < 0x80 && std::isalnum(c)) {
      key.push_back(static_cast<char>(std::tolower(c)));
    }
  }
  return key.empty() ? std::string(name) : key;
}

std::string SourceId(std::string_view clean_name) {
  return "1260H-" + crypto::Sha256Hex(MatchKey(clean_name)).substr(0, 16);
}

// Splits on ';' and, when `split_tight_commas`, on ',' not followed by a
// space ("Knownsec,Beijing Kownsec"; "Co., Ltd." stays whole).
std::vector<std::string> SplitNames(std::string_view text,
                                    bool split_tight_commas) {
  std::vector<std::string> names;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    const bool end = i == text.size();
    const bool cut = end || text[i] == ';' ||
                     (split_tight_commas && text[i] == ',' &&
                      i + 1 < text.size() && text[i + 1] != ' ');
    if (!cut) continue;
    std::string name = CleanText(text.substr(start, i - start));
    if (!name.empty()) names.push_back(std::move(name));
    start = i + 1;
  }
  return names;
}

void AddName(Party& party, const std::string& full, AliasStrength strength) {
  if (full.empty()) return;
  const std::string key = MatchKey(full);
  for (const Name& name : party.names) {
    if (MatchKey(name.full) == key) return;
  }
  Name name;
  name.full = full;
  name.script = text::DetectScript(full);
  name.strength = strength;
  party.names.push_back(std::move(name));
}

template <typename T>
void AddUnique(std::vector<T>& values, const T& value) {
  if (std::find(values.begin(), values.end(), value) == values.end()) {
    values.push_back(value);
  }
}

}  // namespace

Result<void> ParseDod1260hCsv(const Paths& paths, const ParseOptions& options,
                              ParsedSource& out) {
  auto reader = CsvReader::Open(paths[0]);
  if (!reader) return std::unexpected(reader.error());
  const std::string& file = (*reader)->name();
  CsvRecord row;
  auto more = (*reader)->Next(row);
  if (!more) return std::unexpected(more.error());
  if (!*more) return Fail(ErrorCode::kParse, file + ": empty file");
  auto columns =
      ColumnMap::Create(row,
                        {"Name", "Clean Name", "Alias", "Previous Name",
                         "Parent Name", "Start date", "End date"},
                        file);
  if (!columns) return std::unexpected(columns.error());

  // Rows grouped by company, groups in order of first appearance.
  std::vector<std::vector<DodRow>> companies;
  std::unordered_map<std::string, size_t> by_key;
  for (;;) {
    more = (*reader)->Next(row);
    if (!more) return std::unexpected(more.error());
    if (!*more) break;
    const std::string where = LineRef(file, row.line);
    if (row.fields.size() != columns->size()) {
      return Fail(ErrorCode::kParse,
                  where + ": expected " + std::to_string(columns->size()) +
                      " fields, found " + std::to_string(row.fields.size()));
    }
    auto get = [&](std::string_view name) {
      return CleanText(columns->Get(row, name));
    };
    DodRow r;
    r.line = row.line;
    r.name = get("Name");
    while (!r.name.empty() && r.name.back() == '*') r.name.pop_back();
    r.name = std::string(TrimAscii(r.name));
    r.clean_name = get("Clean Name");
    if (r.clean_name.empty()) r.clean_name = r.name;
    if (r.clean_name.empty()) {
      return Fail(ErrorCode::kParse,
                  where +
                      ": Name: expected a name (Name and Clean Name are "
                      "empty)");
    }
    r.aliases = SplitNames(columns->Get(row, "Alias"), true);
    r.previous_names = SplitNames(columns->Get(row, "Previous Name"), false);
    r.parent = get("Parent Name");
    r.note = get("Note");
    r.start_date = get("Start date");
    r.end_date = get("End date");
    r.source_url = get("Source Url");
    for (const auto& [column, value] :
         {std::pair<const char*, const std::string*>{"Start date",
                                                     &r.start_date},
          {"End date", &r.end_date}}) {
      if (!value->empty() && !IsIsoDate(*value)) {
        return Fail(ErrorCode::kParse, where + ": " + column +
                                           ": expected a date YYYY-MM-DD, "
                                           "found '" +
                                           *value + "'");
      }
    }
    auto [it, inserted] =
        by_key.emplace(MatchKey(r.clean_name), companies.size());
    if (inserted) companies.emplace_back();
    companies[it->second].push_back(std::move(r));
  }
  if (options.progress) {
    options.progress((*reader)->input().consumed(),
                     (*reader)->input().file_size());
  }
  if (companies.empty()) return Fail(ErrorCode::kParse, file + ": no records");

  ListDocument list;
  list.code = "DOD-1260H";
  list.name = "DoD Section 1260H Chinese Military Companies";
  list.publisher = "U.S. Department of Defense";
  for (const std::vector<DodRow>& rows : companies) {
    Party party;
    party.type = PartyType::kEntity;
    // The newest tranche's spelling is the primary name.
    const DodRow& newest = *std::max_element(
        rows.begin(), rows.end(), [](const DodRow& a, const DodRow& b) {
          return a.start_date < b.start_date;
        });
    party.source_id = SourceId(newest.clean_name);
    AddName(party, newest.clean_name, AliasStrength::kPrimary);
    for (const DodRow& r : rows)
      AddName(party, r.clean_name, AliasStrength::kStrong);
    for (const DodRow& r : rows) AddName(party, r.name, AliasStrength::kStrong);
    for (const DodRow& r : rows) {
      for (const std::string& alias : r.aliases) {
        AddName(party, alias, AliasStrength::kStrong);
      }
    }
    for (const DodRow& r : rows) {
      for (const std::string& former : r.previous_names) {
        AddName(party, former, AliasStrength::kFormerly);
      }
    }
    std::vector<std::string> parents, notes, listing_dates, urls;
    std::string start_date, end_date;
    bool all_ended = true;
    for (const DodRow& r : rows) {
      if (!r.parent.empty()) AddUnique(parents, r.parent);
      if (!r.note.empty()) AddUnique(notes, r.note);
      if (!r.start_date.empty()) AddUnique(listing_dates, r.start_date);
      if (!r.source_url.empty()) AddUnique(urls, r.source_url);
      if (!r.start_date.empty() &&
          (start_date.empty() || r.start_date < start_date)) {
        start_date = r.start_date;
      }
      if (r.end_date.empty()) all_ended = false;
      end_date = std::max(end_date, r.end_date);
    }
    for (const std::string& parent : parents) {
      Relationship relationship;
      relationship.type = "Subsidiary Of";
      relationship.other_name = parent;
      if (by_key.contains(MatchKey(parent))) {
        relationship.other_source_id = SourceId(parent);
      }
      party.relationships.push_back(std::move(relationship));
    }
    for (const std::string& note : notes) {
      if (!party.remarks.empty()) party.remarks += "\n";
      party.remarks += note;
    }
    if (!start_date.empty())
      party.attributes.emplace_back("start_date", start_date);
    if (all_ended && !end_date.empty()) {
      party.attributes.emplace_back("end_date", end_date);
    }
    std::sort(listing_dates.begin(), listing_dates.end());
    for (const std::string& date : listing_dates) {
      party.attributes.emplace_back("listing_date", date);
    }
    for (const std::string& url : urls) {
      party.attributes.emplace_back("source_url", url);
    }
    party.attributes.emplace_back("source_rows", std::to_string(rows.size()));
    list.parties.push_back(std::move(party));
  }
  out.lists.push_back(std::move(list));
  return Ok();
}

}  // namespace clearance::lists::internal
