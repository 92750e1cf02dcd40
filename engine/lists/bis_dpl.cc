// BIS Denied Persons List, tab-separated dpl.txt: a header row and quoted
// fields Name, Street_Address, City, State, Country, Postal_Code,
// Effective_Date, Expiration_Date, Standard_Order, Last_Update, Action,
// FR_Citation (found by name). One list, code "BIS-DPL".
//
// The file has no id column and repeats a denial order once per address. A
// party is one order: rows with the same name (upper-cased, white space
// collapsed) and the same Effective_Date are merged into one party holding
// every distinct address. FR_Citation and Action are not part of the key:
// rows of one order differ in them by typing slips ("88 F.R.30078" vs
// "88 F.R. 30078"). source_id = "DPL-" + the first 16 hex digits of
// sha256("<normalized name>|<effective date ISO>"), stable across releases
// for as long as the order stands. The attributes (effective_date,
// expiration_date, standard_order, last_update, action, fr_citation, all
// dates ISO) come from the order's most recently updated row; merged rows
// that disagree on expiration_date or standard_order give a warning.
// "source_rows" counts the rows merged into the party.
//
// ListDocument.published is the newest Last_Update, leaving out mistyped
// ones (the 2023-11 file has "1023-11-01" and "3033-09-30"): before 1950 or
// more than a year after the newest Effective_Date; those are warned about
// and kept verbatim in the party's attributes. Dates are MM/DD/YYYY
// (Last_Update: YYYY-MM-DD); anything else fails naming line and column.
#include <algorithm>
#include <cctype>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/crypto/sha256.h"
#include "engine/lists/csv_reader.h"
#include "engine/lists/parsers.h"
#include "engine/lists/text_fields.h"
#include "engine/reference/reference.h"
#include "engine/text/script.h"

namespace clearance::lists::internal {
namespace {

struct DplRow {
  long line = 0;
  std::string effective_date;
  std::string expiration_date;
  std::string standard_order;
  std::string last_update;
  std::string action;
  std::string fr_citation;
};

struct DplOrder {
  Party party;
  DplRow newest;  // the most recently updated row
  long rows = 0;
};

std::string NormalizeName(std::string_view name) {
  std::string out;
  bool space = false;
  for (unsigned char c : TrimAscii(name)) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(static_cast<char>(c < 0x80 ? std::toupper(c) : c));
  }
  return out;
}

}  // namespace

Result<void> ParseBisDplText(const Paths& paths, const ParseOptions& options,
                             ParsedSource& out) {
  auto reader = CsvReader::Open(paths[0], '\t');
  if (!reader) return std::unexpected(reader.error());
  const std::string& file = (*reader)->name();
  CsvRecord row;
  auto more = (*reader)->Next(row);
  if (!more) return std::unexpected(more.error());
  if (!*more) return Fail(ErrorCode::kParse, file + ": empty file");
  auto columns = ColumnMap::Create(
      row,
      {"Name", "Street_Address", "City", "State", "Country", "Postal_Code",
       "Effective_Date", "Expiration_Date", "Standard_Order", "Last_Update",
       "Action", "FR_Citation"},
      file);
  if (!columns) return std::unexpected(columns.error());

  std::vector<DplOrder> orders;
  std::unordered_map<std::string, size_t> by_key;
  std::string newest_effective;
  std::vector<std::pair<std::string, std::string>> updates;  // where, date
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
    // MM/DD/YYYY -> ISO; "" allowed only when `optional`.
    auto date = [&](std::string_view column,
                    bool optional) -> Result<std::string> {
      const std::string text = get(column);
      if (text.empty() && optional) return text;
      std::string iso = UsDateToIso(text);
      if (iso.empty()) {
        return Fail(ErrorCode::kParse, where + ": " + std::string(column) +
                                           ": expected a date MM/DD/YYYY, "
                                           "found '" +
                                           text + "'");
      }
      return iso;
    };
    const std::string name = get("Name");
    if (name.empty()) {
      return Fail(ErrorCode::kParse, where + ": Name: expected a name");
    }
    DplRow fields;
    fields.line = row.line;
    auto effective = date("Effective_Date", false);
    if (!effective) return std::unexpected(effective.error());
    fields.effective_date = *effective;
    auto expiration = date("Expiration_Date", true);
    if (!expiration) return std::unexpected(expiration.error());
    fields.expiration_date = *expiration;
    fields.last_update = get("Last_Update");
    if (!fields.last_update.empty() && !IsIsoDate(fields.last_update)) {
      std::string iso = UsDateToIso(fields.last_update);
      if (iso.empty()) {
        return Fail(ErrorCode::kParse, where +
                                           ": Last_Update: expected a date "
                                           "YYYY-MM-DD, found '" +
                                           fields.last_update + "'");
      }
      fields.last_update = std::move(iso);
    }
    if (!fields.last_update.empty()) {
      updates.emplace_back(where, fields.last_update);
    }
    newest_effective = std::max(newest_effective, fields.effective_date);
    fields.standard_order = get("Standard_Order");
    fields.action = get("Action");
    fields.fr_citation = get("FR_Citation");

    Address address;
    address.street = get("Street_Address");
    address.city = get("City");
    address.state_province = get("State");
    address.postal_code = get("Postal_Code");
    address.country_name = get("Country");
    address.country = address.country_name.size() == 2
                          ? address.country_name
                          : reference::CountryCodeFor(address.country_name);
    for (const std::string* part :
         {&address.street, &address.city, &address.state_province,
          &address.postal_code, &address.country_name}) {
      if (part->empty()) continue;
      if (!address.full.empty()) address.full += ", ";
      address.full += *part;
    }

    const std::string key = NormalizeName(name) + "|" + fields.effective_date;
    auto [it, inserted] = by_key.emplace(key, orders.size());
    if (inserted) {
      DplOrder order;
      order.party.source_id = "DPL-" + crypto::Sha256Hex(key).substr(0, 16);
      Name primary;
      primary.full = name;
      primary.script = text::DetectScript(name);
      order.party.names.push_back(std::move(primary));
      order.newest = fields;
      orders.push_back(std::move(order));
    }
    DplOrder& order = orders[it->second];
    ++order.rows;
    if (!inserted) {
      if (fields.expiration_date != order.newest.expiration_date ||
          fields.standard_order != order.newest.standard_order) {
        out.warnings.push_back(
            where + ": same order as line " +
            std::to_string(order.newest.line) +
            " but Expiration_Date/Standard_Order differ ('" +
            fields.expiration_date + "'/'" + fields.standard_order + "' vs '" +
            order.newest.expiration_date + "'/'" + order.newest.standard_order +
            "'); kept the most recently "
            "updated row's");
      }
      if (fields.last_update > order.newest.last_update) {
        order.newest = fields;
      }
    }
    auto& addresses = order.party.addresses;
    const bool known_address =
        std::any_of(addresses.begin(), addresses.end(),
                    [&](const Address& a) { return a.full == address.full; });
    if (!address.full.empty() && !known_address) {
      addresses.push_back(std::move(address));
    }
    if (options.progress && rows % 256 == 0) {
      options.progress((*reader)->input().consumed(),
                       (*reader)->input().file_size());
    }
  }
  if (rows == 0) return Fail(ErrorCode::kParse, file + ": no records");
  const std::string latest_plausible =
      std::to_string(std::stoi(newest_effective.substr(0, 4)) + 1) +
      newest_effective.substr(4);
  std::string published;
  for (const auto& [where, date] : updates) {
    if (date < "1950" || date > latest_plausible) {
      out.warnings.push_back(where + ": Last_Update: '" + date +
                             "' looks mistyped; kept as published, not "
                             "used as the list date");
    } else {
      published = std::max(published, date);
    }
  }

  ListDocument list;
  list.code = "BIS-DPL";
  list.name = "BIS Denied Persons List";
  list.publisher = "U.S. Commerce BIS";
  list.published = published;
  list.parties.reserve(orders.size());
  for (DplOrder& order : orders) {
    Party& party = order.party;
    const DplRow& r = order.newest;
    for (const auto& [key, value] : {std::pair<const char*, const std::string*>{
                                         "effective_date", &r.effective_date},
                                     {"expiration_date", &r.expiration_date},
                                     {"standard_order", &r.standard_order},
                                     {"last_update", &r.last_update},
                                     {"action", &r.action},
                                     {"fr_citation", &r.fr_citation}}) {
      if (!value->empty()) party.attributes.emplace_back(key, *value);
    }
    party.attributes.emplace_back("source_rows", std::to_string(order.rows));
    list.parties.push_back(std::move(party));
  }
  out.lists.push_back(std::move(list));
  return Ok();
}

}  // namespace clearance::lists::internal
