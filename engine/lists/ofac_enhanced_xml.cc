// OFAC ENHANCED_XML (CONS_ENHANCED.ZIP, SDN_ENHANCED.ZIP), streamed with
// XmlReader: one <entity> at a time becomes one Party.
//
// Layout (namespace stripped):
//   sanctionsData/publicationInfo/dataAsOf              -> published
//   sanctionsData/publicationInfo/filters/sanctionsLists -> which list
//   sanctionsData/entities/entity[@id]
//     generalInfo/entityType, generalInfo/remarks
//     sanctionsLists/sanctionsList, sanctionsPrograms/sanctionsProgram,
//     sanctionsTypes/sanctionsType, legalAuthorities/legalAuthority
//     names/name (isPrimary, aliasType, isLowQuality)
//       /translations/translation (isPrimary, script, formattedFullName,
//        nameParts/namePart(type, value))
//     addresses/address (country, translations/translation/addressParts)
//     features/feature (type, value, valueDate, comments)
//     identityDocuments/identityDocument (type, documentNumber,
//       issuingCountry, issuingAuthority, isValid)
//     relationships/relationship (type, relatedEntity[@entityId])
#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/common/strings.h"
#include "engine/lists/ofac_common.h"
#include "engine/lists/parsers.h"
#include "engine/lists/xml_reader.h"
#include "engine/text/script.h"

namespace clearance::lists::internal {
namespace {

std::string_view AttributeOf(const XmlAttributes& attributes,
                             std::string_view key) {
  for (const auto& [name, value] : attributes) {
    if (name == key) return value;
  }
  return "";
}

std::string ScriptCode(std::string_view ofac_script, std::string_view full) {
  if (ofac_script == "Latin") return "Latn";
  if (ofac_script == "Cyrillic") return "Cyrl";
  if (ofac_script.starts_with("Chinese")) return "Hani";
  if (ofac_script == "Arabic") return "Arab";
  if (ofac_script == "Korean") return "Hang";
  return text::DetectScript(full);
}

std::string NamePartType(std::string_view ofac_type) {
  if (ofac_type == "Last Name") return "family";
  if (ofac_type == "First Name") return "given";
  if (ofac_type == "Middle Name") return "middle";
  if (ofac_type == "Entity Name") return "entity";
  if (ofac_type == "Vessel Name") return "vessel";
  if (ofac_type == "Aircraft Name") return "aircraft";
  if (ofac_type == "Nickname") return "nickname";
  if (ofac_type == "Patronymic") return "patronymic";
  if (ofac_type == "Matronymic") return "matronymic";
  if (ofac_type == "Maiden Name") return "maiden";
  return "other";
}

PartyType EnhancedPartyType(std::string_view type) {
  if (type == "Individual") return PartyType::kPerson;
  if (type == "Entity") return PartyType::kEntity;
  if (type == "Vessel") return PartyType::kVessel;
  if (type == "Aircraft") return PartyType::kAircraft;
  return PartyType::kUnknown;
}

void AddUnique(std::vector<std::string>& values, std::string value) {
  if (value.empty()) return;
  if (std::find(values.begin(), values.end(), value) == values.end()) {
    values.push_back(std::move(value));
  }
}

class EnhancedHandler : public XmlHandlerWithReader {
 public:
  ListDocument document;
  std::vector<std::string> filter_lists;  // publicationInfo/filters
  long sdn_list_entities = 0;             // entities on "SDN List"

  void StartElement(std::string_view name,
                    const XmlAttributes& attributes) override {
    stack_.emplace_back(name);
    if (name == "entity" && Parent() == "entities") {
      party_ = Party();
      in_entity_ = true;
      entity_line_ = reader->line();
      party_.source_id = std::string(AttributeOf(attributes, "id"));
      return;
    }
    if (!in_entity_) return;
    if (name == "name" && Parent() == "names") {
      name_ = PendingName();
    } else if (name == "translation" && Parent() == "translations") {
      translation_ = Name();
      translation_primary_ = false;
      ofac_script_.clear();
      parts_.clear();
      address_parts_ = Address();
      streets_.clear();
    } else if (name == "namePart") {
      part_ = NamePart();
    } else if (name == "addressPart") {
      part_type_.clear();
      part_value_.clear();
    } else if (name == "address" && Parent() == "addresses") {
      address_ = Address();
      have_address_ = false;
    } else if (name == "feature" && Parent() == "features") {
      feature_ = Feature();
    } else if (name == "identityDocument") {
      document_ = Identifier();
      document_label_.clear();
    } else if (name == "relationship") {
      relationship_ = Relationship();
    } else if (name == "relatedEntity") {
      relationship_.other_source_id =
          std::string(AttributeOf(attributes, "entityId"));
    }
  }

  void EndElement(std::string_view name, std::string_view raw) override {
    const std::string_view text = TrimAscii(raw);
    const std::string_view parent = Parent();
    if (!in_entity_) {
      if (name == "dataAsOf") {
        document.published = std::string(text.substr(0, 10));
      } else if (name == "sanctionsList" && parent == "sanctionsLists") {
        filter_lists.emplace_back(text);
      }
      stack_.pop_back();
      return;
    }
    if (name == "entity" && parent == "entities") {
      FinishEntity();
    } else if (parent == "generalInfo") {
      if (name == "entityType") party_.type = EnhancedPartyType(text);
      if (name == "remarks") party_.remarks = std::string(text);
    } else if (name == "sanctionsList" && parent == "sanctionsLists") {
      if (text == "SDN List") on_sdn_list_ = true;
      party_.attributes.emplace_back("sanctions_list", std::string(text));
    } else if (name == "sanctionsProgram") {
      AddUnique(party_.programs, std::string(text));
    } else if (name == "sanctionsType") {
      party_.attributes.emplace_back("sanctions_type", std::string(text));
    } else if (name == "legalAuthority") {
      party_.attributes.emplace_back("legal_authority", std::string(text));
    } else if (InName()) {
      EndNameElement(name, text);
    } else if (InAddress()) {
      EndAddressElement(name, text);
    } else if (InFeature()) {
      EndFeatureElement(name, text);
    } else if (InDocument()) {
      EndDocumentElement(name, text);
    } else if (name == "relationship") {
      if (relationship_.type.empty() || relationship_.other_source_id.empty()) {
        Abort("relationship without type or related entity");
      }
      party_.relationships.push_back(std::move(relationship_));
    } else if (parent == "relationship") {
      if (name == "type") relationship_.type = std::string(text);
      if (name == "relatedEntity") relationship_.other_name = std::string(text);
    }
    stack_.pop_back();
  }

 private:
  struct PendingName {
    bool primary = false;
    bool low_quality = false;
    std::string alias_type;
    std::vector<Name> translations;  // primary translation first
  };
  struct Feature {
    std::string type;
    std::string value;
    std::string from_date;  // valueDate/fromDateBegin
    std::string to_date;    // valueDate/toDateEnd
    bool range = false;
    std::string comments;
  };

  std::string_view Parent() const {
    return stack_.size() >= 2 ? std::string_view(stack_[stack_.size() - 2])
                              : std::string_view();
  }
  bool Inside(std::string_view element) const {
    return std::find(stack_.begin(), stack_.end(), element) != stack_.end();
  }
  bool InName() const { return Inside("names"); }
  bool InAddress() const { return Inside("addresses"); }
  bool InFeature() const { return Inside("features"); }
  bool InDocument() const { return Inside("identityDocuments"); }

  void Abort(const std::string& message) {
    reader->Abort("entity " + party_.source_id + " (from line " +
                  std::to_string(entity_line_) + "): " + message);
  }

  void EndNameElement(std::string_view name, std::string_view text) {
    const std::string_view parent = Parent();
    if (parent == "name") {
      if (name == "isPrimary") name_.primary = text == "true";
      if (name == "isLowQuality") name_.low_quality = text == "true";
      if (name == "aliasType") name_.alias_type = std::string(text);
    } else if (parent == "translation") {
      if (name == "isPrimary") translation_primary_ = text == "true";
      if (name == "script") ofac_script_ = std::string(text);
      if (name == "formattedFullName") translation_.full = std::string(text);
    } else if (parent == "namePart") {
      if (name == "type") part_.type = NamePartType(text);
      if (name == "value") part_.value = std::string(text);
    } else if (name == "namePart") {
      if (!part_.value.empty()) parts_.push_back(std::move(part_));
    } else if (name == "translation") {
      if (translation_.full.empty()) {
        Abort("name translation without formattedFullName");
        return;
      }
      translation_.script = ScriptCode(ofac_script_, translation_.full);
      translation_.parts = std::move(parts_);
      auto& list = name_.translations;
      if (translation_primary_) {
        list.insert(list.begin(), std::move(translation_));
      } else {
        list.push_back(std::move(translation_));
      }
    } else if (name == "name" && parent == "names") {
      AliasStrength strength = AliasStrength::kStrong;
      if (name_.primary) {
        strength = AliasStrength::kPrimary;
      } else if (name_.low_quality) {
        strength = AliasStrength::kWeak;
      } else if (name_.alias_type == "F.K.A.") {
        strength = AliasStrength::kFormerly;
      }
      for (Name& translation : name_.translations) {
        translation.strength = strength;
        translation.alias_type = name_.primary ? "" : name_.alias_type;
        if (name_.primary) {
          primary_names_.push_back(std::move(translation));
        } else {
          other_names_.push_back(std::move(translation));
        }
      }
    }
  }

  void EndAddressElement(std::string_view name, std::string_view text) {
    const std::string_view parent = Parent();
    if (name == "country" && parent == "address") {
      address_.country_name = std::string(text);
      address_.country = OfacCountryCode(text);
      have_address_ = true;
    } else if (parent == "translation" && name == "isPrimary") {
      translation_primary_ = text == "true";
    } else if (parent == "addressPart") {
      if (name == "type") part_type_ = std::string(text);
      if (name == "value") part_value_ = std::string(text);
    } else if (name == "addressPart") {
      if (part_value_.empty()) return;
      if (part_type_.starts_with("ADDRESS")) {
        streets_.push_back(part_value_);
      } else if (part_type_ == "CITY") {
        address_parts_.city = part_value_;
      } else if (part_type_ == "STATE/PROVINCE") {
        address_parts_.state_province = part_value_;
      } else if (part_type_ == "POSTAL CODE") {
        address_parts_.postal_code = part_value_;
      } else if (part_type_ == "REGION") {
        address_parts_.region = part_value_;
      }
    } else if (name == "translation") {
      // Only the primary (Latin) translation of an address is kept.
      if (!translation_primary_) return;
      std::string street;
      for (const std::string& line : streets_) {
        if (!street.empty()) street += ", ";
        street += line;
      }
      address_.street = std::move(street);
      address_.city = address_parts_.city;
      address_.state_province = address_parts_.state_province;
      address_.postal_code = address_parts_.postal_code;
      address_.region = address_parts_.region;
      if (!address_.street.empty() || !address_.city.empty() ||
          !address_.state_province.empty() || !address_.postal_code.empty() ||
          !address_.region.empty()) {
        have_address_ = true;
      }
    } else if (name == "address" && parent == "addresses") {
      if (!have_address_) return;  // an address element with nothing in it
      for (const std::string* part :
           {&address_.street, &address_.city, &address_.state_province,
            &address_.postal_code, &address_.region, &address_.country_name}) {
        if (part->empty()) continue;
        if (!address_.full.empty()) address_.full += ", ";
        address_.full += *part;
      }
      party_.addresses.push_back(std::move(address_));
    }
  }

  void EndFeatureElement(std::string_view name, std::string_view text) {
    const std::string_view parent = Parent();
    if (parent == "feature") {
      if (name == "type") feature_.type = std::string(text);
      if (name == "value") feature_.value = std::string(text);
      if (name == "comments") feature_.comments = std::string(text);
    } else if (parent == "valueDate") {
      if (name == "fromDateBegin") feature_.from_date = std::string(text);
      if (name == "toDateEnd") feature_.to_date = std::string(text);
      if (name == "isDateRange") feature_.range = text == "true";
    } else if (name == "feature" && parent == "features") {
      AddFeature();
    }
  }

  void AddFeature() {
    if (feature_.type.empty()) {
      Abort("feature without a type");
      return;
    }
    const OfacLabel label = ClassifyOfacLabel(feature_.type);
    const std::string& value = feature_.value;
    switch (label.kind) {
      case OfacLabel::Kind::kDateOfBirth: {
        std::string date = NormalizeOfacDate(value);
        if (date.empty() && !feature_.from_date.empty()) {
          date = feature_.range && !feature_.to_date.empty()
                     ? feature_.from_date + "/" + feature_.to_date
                     : feature_.from_date;
        }
        if (date.empty()) {
          party_.attributes.emplace_back("date_of_birth", value);
        } else {
          AddUnique(party_.dates_of_birth, std::move(date));
        }
        break;
      }
      case OfacLabel::Kind::kPlaceOfBirth:
        AddUnique(party_.places_of_birth, value);
        break;
      case OfacLabel::Kind::kNationality:
      case OfacLabel::Kind::kCitizenship: {
        const bool nationality = label.kind == OfacLabel::Kind::kNationality;
        std::string code = OfacCountryCode(value);
        if (code.empty()) {
          party_.attributes.emplace_back(
              nationality ? "nationality" : "citizenship", value);
        } else {
          AddUnique(nationality ? party_.nationalities : party_.citizenships,
                    std::move(code));
        }
        break;
      }
      case OfacLabel::Kind::kIdentifier:
      case OfacLabel::Kind::kCryptoAddress: {
        Identifier id;
        id.type = label.type;
        id.label = std::string(TrimAscii(feature_.type));
        id.value = value;
        id.currency = label.currency;
        id.note = feature_.comments;
        party_.identifiers.push_back(std::move(id));
        break;
      }
      case OfacLabel::Kind::kAttribute: {
        std::string text = value;
        if (text.empty() && !feature_.from_date.empty()) {
          text = feature_.from_date;
        }
        party_.attributes.emplace_back(label.type, std::move(text));
        break;
      }
    }
  }

  void EndDocumentElement(std::string_view name, std::string_view text) {
    const std::string_view parent = Parent();
    if (parent == "identityDocument") {
      if (name == "type") document_label_ = std::string(text);
      if (name == "documentNumber") document_.value = std::string(text);
      if (name == "issuingCountry") {
        document_.country = OfacCountryCode(text);
        if (document_.country.empty() && !text.empty()) {
          AppendNote(std::string(text));
        }
      }
      if (name == "issuingAuthority")
        AppendNote("issued by " + std::string(text));
      if (name == "isValid" && text == "false") AppendNote("not valid");
      if (name == "issueDate")
        document_.issued = std::string(text.substr(0, 10));
      if (name == "expirationDate") {
        document_.expires = std::string(text.substr(0, 10));
      }
    } else if (name == "identityDocument") {
      if (document_label_.empty() || document_.value.empty()) {
        Abort("identityDocument without type or documentNumber");
        return;
      }
      const OfacLabel label = ClassifyOfacLabel(document_label_);
      document_.type =
          label.kind == OfacLabel::Kind::kIdentifier ? label.type : "other";
      document_.label = document_label_;
      party_.identifiers.push_back(std::move(document_));
    }
  }

  void AppendNote(const std::string& note) {
    if (!document_.note.empty()) document_.note += "; ";
    document_.note += note;
  }

  void FinishEntity() {
    in_entity_ = false;
    if (party_.source_id.empty()) {
      Abort("entity without an id");
      return;
    }
    if (primary_names_.empty()) {
      Abort("entity without a primary name");
      return;
    }
    party_.names = std::move(primary_names_);
    for (Name& other : other_names_) party_.names.push_back(std::move(other));
    primary_names_.clear();
    other_names_.clear();
    if (on_sdn_list_) ++sdn_list_entities;
    on_sdn_list_ = false;
    document.parties.push_back(std::move(party_));
  }

  std::vector<std::string> stack_;
  bool in_entity_ = false;
  long entity_line_ = 0;
  bool on_sdn_list_ = false;
  Party party_;
  // Names.
  PendingName name_;
  Name translation_;
  bool translation_primary_ = false;
  std::string ofac_script_;
  NamePart part_;
  std::vector<NamePart> parts_;
  std::vector<Name> primary_names_;
  std::vector<Name> other_names_;
  // Addresses.
  Address address_;
  Address address_parts_;
  std::vector<std::string> streets_;
  std::string part_type_;
  std::string part_value_;
  bool have_address_ = false;
  // Features, documents, relationships.
  Feature feature_;
  Identifier document_;
  std::string document_label_;
  Relationship relationship_;
};

}  // namespace

Result<void> ParseOfacEnhancedXml(const Paths& paths,
                                  const ParseOptions& options,
                                  ParsedSource& out) {
  EnhancedHandler handler;
  if (auto r = XmlReader::Parse(paths[0], handler, options); !r) return r;
  ListDocument& document = handler.document;
  if (document.parties.empty()) {
    return Fail(ErrorCode::kParse,
                paths[0] +
                    ": no <entity> elements; not an OFAC ENHANCED_XML "
                    "export, or an empty one");
  }
  // SDN_ENHANCED holds the SDN list (its filter, or every entity on "SDN
  // List"); CONS_ENHANCED holds the consolidated non-SDN lists.
  const auto& filters = handler.filter_lists;
  const bool sdn =
      std::find(filters.begin(), filters.end(), "SDN List") != filters.end() ||
      (filters.empty() &&
       handler.sdn_list_entities == static_cast<long>(document.parties.size()));
  document.code = sdn ? "OFAC-SDN" : "OFAC-NONSDN";
  document.name =
      sdn ? "OFAC Specially Designated Nationals and Blocked Persons"
          : "OFAC Consolidated Sanctions List (non-SDN)";
  document.publisher = "U.S. Treasury OFAC";
  out.lists.push_back(std::move(document));
  return Ok();
}

}  // namespace clearance::lists::internal
