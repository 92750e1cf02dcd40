// trade.gov Consolidated Screening List, JSON export (download or API):
//
//   {"results": [{"_id" | "id", "source", "entity_number", "type",
//                 "programs": [..], "name", "title",
//                 "addresses": [{"address", "city", "state", "postal_code",
//                                "country"}],
//                 "federal_register_notice", "start_date", "end_date",
//                 "standard_order", "license_requirement", "license_policy",
//                 "call_sign", "vessel_type", "gross_tonnage",
//                 "gross_registered_tonnage", "vessel_flag", "vessel_owner",
//                 "remarks", "source_list_url", "alt_names": [..],
//                 "citizenships": [..], "dates_of_birth": [..],
//                 "nationalities": [..], "places_of_birth": [..],
//                 "source_information_url",
//                 "ids": [{"type", "number", "country", "issue_date",
//                          "expiration_date"}]}, ...],
//    "sources_used": [...], "total": N}
//
// Any field may be null or absent. List fields also accept one string
// ("; "-separated, as in the CSV). The mapping to the model is
// CslListBuilder's (csl_record.h); errors name the file and the JSON path
// ("consolidated.json results[3].ids[0]: expected an object") or, for
// malformed JSON, the line.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/lists/csl_record.h"
#include "engine/lists/input.h"
#include "engine/lists/parsers.h"
#include "engine/lists/text_fields.h"

namespace clearance::lists::internal {
namespace {

using json = nlohmann::json;

// Finds where malformed JSON goes wrong: accepts every event and records the
// byte position of the syntax error.
class ErrorLocator : public nlohmann::json_sax<json> {
 public:
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& error) override {
    position_ = position;
    message_ = error.what();
    return false;
  }
  std::size_t position() const { return position_; }
  const std::string& message() const { return message_; }

 private:
  std::size_t position_ = 0;
  std::string message_;
};

std::string ParseErrorMessage(const std::string& file,
                              const std::string& content) {
  ErrorLocator locator;
  json::sax_parse(content, &locator, json::input_format_t::json, true);
  const size_t end = std::min(locator.position(), content.size());
  const long line =
      1 + static_cast<long>(std::count(
              content.begin(), content.begin() + static_cast<long>(end), '\n'));
  // nlohmann's text: "[json.exception.parse_error.101] parse error at line
  // 3, column 1: syntax error while parsing ..."; keep what follows ": ".
  std::string detail = locator.message();
  const size_t colon = detail.find(": ");
  if (colon != std::string::npos) detail = detail.substr(colon + 2);
  return LineRef(file, line) + ": not valid JSON: " + detail;
}

// The text of a scalar member; "" for absent or null. Numbers are written
// as text (entity_number is sometimes a number).
Result<std::string> Text(const json& object, std::string_view key,
                         const std::string& where) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::string();
  if (it->is_string()) return CleanText(it->get_ref<const std::string&>());
  if (it->is_number_integer()) return std::to_string(it->get<long long>());
  if (it->is_number_unsigned()) {
    return std::to_string(it->get<unsigned long long>());
  }
  return Fail(ErrorCode::kParse, where + "." + std::string(key) +
                                     ": expected a string, found " +
                                     it->type_name());
}

// An array of strings, or one "; "-separated string.
Result<std::vector<std::string>> TextList(const json& object,
                                          std::string_view key,
                                          const std::string& where) {
  std::vector<std::string> values;
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return values;
  if (it->is_string()) {
    return SplitValues(it->get_ref<const std::string&>(), "; ");
  }
  if (!it->is_array()) {
    return Fail(ErrorCode::kParse, where + "." + std::string(key) +
                                       ": expected an array of strings, "
                                       "found " +
                                       it->type_name());
  }
  for (size_t i = 0; i < it->size(); ++i) {
    const json& value = (*it)[i];
    if (value.is_null()) continue;
    if (!value.is_string()) {
      return Fail(ErrorCode::kParse,
                  where + "." + std::string(key) + "[" + std::to_string(i) +
                      "]: expected a string, found " + value.type_name());
    }
    std::string text = CleanText(value.get_ref<const std::string&>());
    if (!text.empty()) values.push_back(std::move(text));
  }
  return values;
}

// An array of objects (`addresses`, `ids`); calls `each(object, where)`.
template <typename Each>
Result<void> ForEachObject(const json& object, std::string_view key,
                           const std::string& where, Each each) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return Ok();
  if (!it->is_array()) {
    return Fail(ErrorCode::kParse, where + "." + std::string(key) +
                                       ": expected an array, found " +
                                       it->type_name());
  }
  for (size_t i = 0; i < it->size(); ++i) {
    const std::string item_where =
        where + "." + std::string(key) + "[" + std::to_string(i) + "]";
    if (!(*it)[i].is_object()) {
      return Fail(ErrorCode::kParse, item_where +
                                         ": expected an object, found " +
                                         std::string((*it)[i].type_name()));
    }
    if (auto r = each((*it)[i], item_where); !r) return r;
  }
  return Ok();
}

Result<void> CheckDate(const std::string& value, const std::string& where) {
  if (value.empty() || IsIsoDate(value)) return Ok();
  return Fail(ErrorCode::kParse,
              where + ": expected a date YYYY-MM-DD, found '" + value + "'");
}

Result<CslRecord> ReadRecord(const json& item, const std::string& where) {
  if (!item.is_object()) {
    return Fail(ErrorCode::kParse, where + ": expected an object, found " +
                                       std::string(item.type_name()));
  }
  CslRecord record;
  record.where = where;
  // Collects the first error of the many Text() calls below.
  std::optional<Error> error;
  auto text = [&](std::string_view key) {
    auto value = Text(item, key, where);
    if (!value) {
      if (!error) error = value.error();
      return std::string();
    }
    return std::move(*value);
  };
  auto list = [&](std::string_view key) {
    auto value = TextList(item, key, where);
    if (!value) {
      if (!error) error = value.error();
      return std::vector<std::string>();
    }
    return std::move(*value);
  };
  record.id = text("_id");
  if (record.id.empty()) record.id = text("id");
  record.source = text("source");
  record.entity_number = text("entity_number");
  record.type = text("type");
  record.name = text("name");
  record.remarks = text("remarks");
  for (std::string_view field : CslAttributeFields()) {
    std::string value = text(field);
    if (!value.empty()) record.attributes.emplace_back(field, std::move(value));
  }
  record.programs = list("programs");
  record.alt_names = list("alt_names");
  record.citizenships = list("citizenships");
  record.dates_of_birth = list("dates_of_birth");
  record.nationalities = list("nationalities");
  record.places_of_birth = list("places_of_birth");
  if (error) return std::unexpected(*error);

  auto addresses = ForEachObject(
      item, "addresses", where,
      [&](const json& object, const std::string& at) -> Result<void> {
        CslAddress address;
        auto get = [&](std::string_view key) {
          auto value = Text(object, key, at);
          if (!value && !error) error = value.error();
          return value ? std::move(*value) : std::string();
        };
        address.street = get("address");
        address.city = get("city");
        address.state = get("state");
        address.postal_code = get("postal_code");
        address.country = get("country");
        if (error) return std::unexpected(*error);
        for (const std::string* part :
             {&address.street, &address.city, &address.state,
              &address.postal_code, &address.country}) {
          if (part->empty()) continue;
          if (!address.full.empty()) address.full += ", ";
          address.full += *part;
        }
        record.addresses.push_back(std::move(address));
        return Ok();
      });
  if (!addresses) return std::unexpected(addresses.error());

  auto ids = ForEachObject(
      item, "ids", where,
      [&](const json& object, const std::string& at) -> Result<void> {
        CslId id;
        auto get = [&](std::string_view key) {
          auto value = Text(object, key, at);
          if (!value && !error) error = value.error();
          return value ? std::move(*value) : std::string();
        };
        id.type = get("type");
        id.number = get("number");
        id.country = get("country");
        id.issued = get("issue_date");
        id.expires = get("expiration_date");
        if (error) return std::unexpected(*error);
        if (auto r = CheckDate(id.issued, at + ".issue_date"); !r) return r;
        if (auto r = CheckDate(id.expires, at + ".expiration_date"); !r) {
          return r;
        }
        if (id.type.empty()) {
          return Fail(ErrorCode::kParse, at + ".type: expected a label");
        }
        record.ids.push_back(std::move(id));
        return Ok();
      });
  if (!ids) return std::unexpected(ids.error());
  return record;
}

}  // namespace

Result<void> ParseCslJson(const Paths& paths, const ParseOptions& options,
                          ParsedSource& out) {
  auto input = InputStream::Open(paths[0]);
  if (!input) return std::unexpected(input.error());
  const std::string file = (*input)->display_name();
  auto content = (*input)->ReadAll();
  if (!content) return std::unexpected(content.error());
  if (options.progress) {
    options.progress((*input)->consumed(), (*input)->file_size());
  }
  const json document = json::parse(*content, nullptr, false);
  if (document.is_discarded()) {
    return Fail(ErrorCode::kParse, ParseErrorMessage(file, *content));
  }
  const json* results = nullptr;
  if (document.is_object()) {
    auto it = document.find("results");
    if (it != document.end()) results = &*it;
  }
  if (results == nullptr || !results->is_array()) {
    return Fail(ErrorCode::kParse,
                file + ": expected an object with a \"results\" array");
  }
  CslListBuilder builder(&out.warnings);
  for (size_t i = 0; i < results->size(); ++i) {
    auto record =
        ReadRecord((*results)[i], file + " results[" + std::to_string(i) + "]");
    if (!record) return std::unexpected(record.error());
    if (auto added = builder.Add(*record); !added) {
      return std::unexpected(added.error());
    }
  }
  if (results->empty()) out.warnings.push_back(file + ": no results");
  out.lists = builder.Finish();
  return Ok();
}

}  // namespace clearance::lists::internal
