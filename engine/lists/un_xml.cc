// UN Security Council consolidated list (UN_consolidated.xml, schema
// https://www.un.org/sc/resources/sc-sanctions.xsd), streamed with XmlReader.
//
// Mapping (one ListDocument "UN-SC"):
//  - INDIVIDUAL -> kPerson, ENTITY -> kEntity. source_id is REFERENCE_NUMBER
//    ("QDi.001", the public id the UN cites); DATAID is kept as attribute
//    "dataid" and used as source_id only when REFERENCE_NUMBER is missing.
//  - FIRST_NAME..FOURTH_NAME form the primary name (parts: FIRST_NAME is
//    "given", the others "other": the UN does not say which is the family
//    name). NAME_ORIGINAL_SCRIPT becomes a strong name with its detected
//    script and alias_type "original script".
//  - *_ALIAS: QUALITY "Good" / "a.k.a." / "" -> kStrong, "Low" -> kWeak,
//    "f.k.a." -> kFormerly; alias_type keeps the QUALITY text. Aliases with
//    an empty ALIAS_NAME (the UN writes <ALIAS_NAME/> for "none") are
//    skipped. An alias's DATE_OF_BIRTH / CITY/COUNTRY_OF_BIRTH are added to
//    the party's dates and places of birth.
//  - Dates of birth: DATE, YEAR, or FROM_YEAR/TO_YEAR as "1960/1962". A
//    NOTE or TYPE_OF_DATE "APPROXIMATELY" goes to attribute
//    "date_of_birth_note" because free text ("Nov. 1973") is not ISO.
//  - Documents -> identifiers: "passport" in the type -> "passport",
//    "identi" (identity card, identification number) -> "national_id", else
//    "other". Label is TYPE_OF_DOCUMENT2 when given (more specific).
//  - UN_LIST_TYPE -> programs; COMMENTS1 -> remarks; LISTED_ON, DESIGNATION,
//    TITLE, GENDER, LAST_DAY_UPDATED -> attributes.
//  - Country names map to ISO codes via reference::CountryCodeFor; the text
//    is kept (country_name; attribute "nationality" when unmapped).
#include <algorithm>
#include <cctype>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/strings.h"
#include "engine/lists/parsers.h"
#include "engine/lists/xml_reader.h"
#include "engine/reference/reference.h"
#include "engine/text/script.h"

namespace clearance::lists::internal {
namespace {

// Trims and collapses runs of white space (the UN wraps long values over
// several indented lines) into one space.
std::string Clean(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
    } else {
      if (space) out += ' ';
      space = false;
      out += c;
    }
  }
  return out;
}

// Trims only; keeps the line breaks of free text such as COMMENTS1.
std::string Join(const std::vector<std::string>& values, std::string_view sep) {
  std::string out;
  for (const std::string& value : values) {
    if (value.empty()) continue;
    if (!out.empty()) out += sep;
    out += value;
  }
  return out;
}

void AddUnique(std::vector<std::string>& values, std::string value) {
  if (value.empty()) return;
  if (std::find(values.begin(), values.end(), value) == values.end()) {
    values.push_back(std::move(value));
  }
}

AliasStrength StrengthOfQuality(std::string_view quality) {
  const std::string q = AsciiLower(quality);
  if (q == "low") return AliasStrength::kWeak;
  if (q == "f.k.a.") return AliasStrength::kFormerly;
  return AliasStrength::kStrong;  // "Good", "a.k.a.", or not stated
}

std::string DocumentType(std::string_view type, std::string_view type2) {
  const std::string both =
      AsciiLower(std::string(type) + " " + std::string(type2));
  if (both.find("passport") != std::string::npos ||
      both.find("pasaporte") != std::string::npos ||
      both.find("passeport") != std::string::npos) {
    return "passport";
  }
  if (both.find("identi") != std::string::npos) return "national_id";
  return "other";
}

// Fields of the group element being read (alias, address, date or place of
// birth, document); a field repeated in one group is joined with "; ".
using Fields = std::map<std::string, std::string, std::less<>>;

std::string_view Get(const Fields& fields, std::string_view key) {
  auto it = fields.find(key);
  return it == fields.end() ? std::string_view() : std::string_view(it->second);
}

class UnHandler : public XmlHandlerWithReader {
 public:
  ListDocument document;
  bool saw_root = false;

  void StartElement(std::string_view name,
                    const XmlAttributes& attributes) override {
    path_.emplace_back(name);
    if (path_.size() == 1) {
      if (name != "CONSOLIDATED_LIST") {
        reader->Abort("expected root element CONSOLIDATED_LIST, found " +
                      std::string(name));
        return;
      }
      saw_root = true;
      for (const auto& [key, value] : attributes) {
        if (key == "dateGenerated") document.published = DateOf(value);
      }
      return;
    }
    if (path_.size() == 3 && (name == "INDIVIDUAL" || name == "ENTITY")) {
      in_record_ = true;
      record_line_ = reader->line();
      party_ = Party();
      party_.type =
          name == "INDIVIDUAL" ? PartyType::kPerson : PartyType::kEntity;
      name_parts_.clear();
      data_id_.clear();
      reference_.clear();
      original_script_.clear();
      aliases_.clear();
      designations_.clear();
      titles_.clear();
      return;
    }
    if (in_record_ && path_.size() == 4) group_.clear();
  }

  void EndElement(std::string_view name, std::string_view text) override {
    if (in_record_) {
      if (path_.size() == 3) {
        FinishRecord(name);
      } else if (path_.size() == 4) {
        RecordField(name, text);
      } else if (path_.size() == 5) {
        GroupField(path_[3], name, text);
      }
    }
    path_.pop_back();
  }

 private:
  static std::string DateOf(std::string_view timestamp) {
    std::string date(timestamp.substr(0, 10));
    return date.size() == 10 && date[4] == '-' && date[7] == '-' ? date : "";
  }

  void RecordField(std::string_view name, std::string_view raw) {
    // Group elements (aliases, addresses, ...) arrive here with raw == "".
    const std::string value = Clean(raw);
    if (name == "DATAID") {
      data_id_ = value;
    } else if (name == "REFERENCE_NUMBER") {
      reference_ = value;
    } else if (name == "FIRST_NAME" || name == "SECOND_NAME" ||
               name == "THIRD_NAME" || name == "FOURTH_NAME") {
      if (!value.empty()) name_parts_.emplace_back(name, value);
    } else if (name == "NAME_ORIGINAL_SCRIPT") {
      original_script_ = value;
    } else if (name == "UN_LIST_TYPE") {
      AddUnique(party_.programs, value);
    } else if (name == "COMMENTS1") {
      party_.remarks = TrimAscii(raw);
    } else if (name == "LISTED_ON") {
      if (!value.empty()) party_.attributes.emplace_back("listed_on", value);
    } else if (name == "GENDER") {
      if (!value.empty()) party_.attributes.emplace_back("gender", value);
    } else {
      FinishGroup(name);
    }
  }

  void GroupField(std::string_view group, std::string_view name,
                  std::string_view raw) {
    const std::string value = Clean(raw);
    if (value.empty()) return;
    if (name == "VALUE") {
      if (group == "NATIONALITY") {
        const std::string code = reference::CountryCodeFor(value);
        if (!code.empty()) {
          AddUnique(party_.nationalities, code);
        } else {
          party_.attributes.emplace_back("nationality", value);
        }
      } else if (group == "DESIGNATION") {
        designations_.push_back(value);
      } else if (group == "TITLE") {
        titles_.push_back(value);
      } else if (group == "LAST_DAY_UPDATED") {
        party_.attributes.emplace_back("last_day_updated", value);
      }
      return;
    }
    std::string& field = group_[std::string(name)];
    if (!field.empty()) field += "; ";
    field += value;
  }

  // Called at the end of a direct child of the record that had children.
  void FinishGroup(std::string_view name) {
    const Fields& g = group_;
    if (name == "INDIVIDUAL_ALIAS" || name == "ENTITY_ALIAS") {
      if (Get(g, "ALIAS_NAME").empty()) return;
      Name alias;
      alias.full = std::string(Get(g, "ALIAS_NAME"));
      alias.script = text::DetectScript(alias.full);
      alias.strength = StrengthOfQuality(Get(g, "QUALITY"));
      alias.alias_type = std::string(Get(g, "QUALITY"));
      aliases_.push_back(std::move(alias));
      AddUnique(party_.dates_of_birth, std::string(Get(g, "DATE_OF_BIRTH")));
      AddUnique(party_.places_of_birth,
                Join({std::string(Get(g, "CITY_OF_BIRTH")),
                      std::string(Get(g, "COUNTRY_OF_BIRTH"))},
                     ", "));
    } else if (name == "INDIVIDUAL_ADDRESS" || name == "ENTITY_ADDRESS") {
      Address address;
      address.street = Get(g, "STREET");
      address.city = Get(g, "CITY");
      address.state_province = Get(g, "STATE_PROVINCE");
      address.postal_code = Get(g, "ZIP_CODE");
      address.country_name = Get(g, "COUNTRY");
      address.country = reference::CountryCodeFor(address.country_name);
      address.full = Join({address.street, address.city, address.state_province,
                           address.postal_code, address.country_name},
                          ", ");
      if (!Get(g, "NOTE").empty()) {
        address.full += (address.full.empty() ? "(" : " (") +
                        std::string(Get(g, "NOTE")) + ")";
      }
      if (!address.full.empty()) party_.addresses.push_back(std::move(address));
    } else if (name == "INDIVIDUAL_DATE_OF_BIRTH") {
      std::string date(Get(g, "DATE"));
      if (date.empty()) date = Get(g, "YEAR");
      if (date.empty() && !Get(g, "FROM_YEAR").empty()) {
        date = std::string(Get(g, "FROM_YEAR")) + "/" +
               std::string(Get(g, "TO_YEAR"));
      }
      AddUnique(party_.dates_of_birth, date);
      const std::string type(Get(g, "TYPE_OF_DATE"));
      if (!Get(g, "NOTE").empty() || type == "APPROXIMATELY") {
        party_.attributes.emplace_back(
            "date_of_birth_note",
            Join({type, date, std::string(Get(g, "NOTE"))}, ": "));
      }
    } else if (name == "INDIVIDUAL_PLACE_OF_BIRTH") {
      AddUnique(
          party_.places_of_birth,
          Join({std::string(Get(g, "STREET")), std::string(Get(g, "CITY")),
                std::string(Get(g, "STATE_PROVINCE")),
                std::string(Get(g, "COUNTRY")), std::string(Get(g, "NOTE"))},
               ", "));
    } else if (name == "INDIVIDUAL_DOCUMENT") {
      if (Get(g, "NUMBER").empty()) return;
      Identifier id;
      const std::string_view type = Get(g, "TYPE_OF_DOCUMENT");
      const std::string_view type2 = Get(g, "TYPE_OF_DOCUMENT2");
      id.type = DocumentType(type, type2);
      id.label = std::string(type2.empty() ? type : type2);
      id.value = Get(g, "NUMBER");
      std::string_view country = Get(g, "ISSUING_COUNTRY");
      if (country.empty()) country = Get(g, "COUNTRY_OF_ISSUE");
      id.country = reference::CountryCodeFor(country);
      id.issued = Get(g, "DATE_OF_ISSUE");
      std::vector<std::string> notes;
      if (!country.empty() && id.country.empty()) {
        notes.push_back("issued by " + std::string(country));
      }
      if (!Get(g, "CITY_OF_ISSUE").empty()) {
        notes.push_back("issued in " + std::string(Get(g, "CITY_OF_ISSUE")));
      }
      notes.emplace_back(Get(g, "NOTE"));
      id.note = Join(notes, "; ");
      party_.identifiers.push_back(std::move(id));
    }
  }

  void FinishRecord(std::string_view element) {
    in_record_ = false;
    const std::string where = std::string(element) + " starting at line " +
                              std::to_string(record_line_);
    if (data_id_.empty() && reference_.empty()) {
      reader->Abort(where + ": neither DATAID nor REFERENCE_NUMBER");
      return;
    }
    if (name_parts_.empty()) {
      reader->Abort(where + " (" +
                    (reference_.empty() ? data_id_ : reference_) +
                    "): no FIRST_NAME");
      return;
    }
    party_.source_id = reference_.empty() ? data_id_ : reference_;
    if (!data_id_.empty()) party_.attributes.emplace_back("dataid", data_id_);
    if (!designations_.empty()) {
      party_.attributes.emplace_back("designation", Join(designations_, "; "));
    }
    if (!titles_.empty()) {
      party_.attributes.emplace_back("title", Join(titles_, "; "));
    }
    Name primary;
    primary.strength = AliasStrength::kPrimary;
    std::vector<std::string> values;
    for (const auto& [field, value] : name_parts_) {
      values.push_back(value);
      const char* type = party_.type == PartyType::kEntity ? "entity"
                         : field == "FIRST_NAME"           ? "given"
                                                           : "other";
      primary.parts.push_back({type, value});
    }
    primary.full = Join(values, " ");
    primary.script = text::DetectScript(primary.full);
    party_.names.push_back(std::move(primary));
    if (!original_script_.empty()) {
      Name original;
      original.full = original_script_;
      original.script = text::DetectScript(original_script_);
      original.strength = AliasStrength::kStrong;
      original.alias_type = "original script";
      party_.names.push_back(std::move(original));
    }
    for (Name& alias : aliases_) party_.names.push_back(std::move(alias));
    document.parties.push_back(std::move(party_));
  }

  std::vector<std::string> path_;
  bool in_record_ = false;
  long record_line_ = 0;
  Party party_;
  std::vector<std::pair<std::string, std::string>> name_parts_;
  std::string data_id_;
  std::string reference_;
  std::string original_script_;
  std::vector<Name> aliases_;
  std::vector<std::string> designations_;
  std::vector<std::string> titles_;
  Fields group_;
};

}  // namespace

Result<void> ParseUnXml(const Paths& paths, const ParseOptions& options,
                        ParsedSource& out) {
  UnHandler handler;
  if (auto r = XmlReader::Parse(paths[0], handler, options); !r) return r;
  if (!handler.saw_root) {
    return Fail(ErrorCode::kParse, paths[0] + ": no CONSOLIDATED_LIST element");
  }
  handler.document.code = "UN-SC";
  handler.document.name = "UN Security Council Consolidated List";
  handler.document.publisher = "United Nations Security Council";
  out.lists.push_back(std::move(handler.document));
  return Ok();
}

}  // namespace clearance::lists::internal
