#include "engine/lists/model.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "engine/common/strings.h"

namespace clearance::lists {
std::string_view PartyTypeName(PartyType type) {
  switch (type) {
    case PartyType::kPerson:
      return "person";
    case PartyType::kEntity:
      return "entity";
    case PartyType::kVessel:
      return "vessel";
    case PartyType::kAircraft:
      return "aircraft";
    case PartyType::kUnknown:
      return "unknown";
  }
  return "unknown";
}

PartyType ParsePartyType(std::string_view text) {
  const std::string t = AsciiLower(text);
  if (t == "person" || t == "individual") return PartyType::kPerson;
  if (t == "entity" || t == "organization" || t == "company") {
    return PartyType::kEntity;
  }
  if (t == "vessel") return PartyType::kVessel;
  if (t == "aircraft") return PartyType::kAircraft;
  return PartyType::kUnknown;
}

std::string_view AliasStrengthName(AliasStrength strength) {
  switch (strength) {
    case AliasStrength::kPrimary:
      return "primary";
    case AliasStrength::kStrong:
      return "strong";
    case AliasStrength::kFormerly:
      return "formerly";
    case AliasStrength::kWeak:
      return "weak";
  }
  return "strong";
}

AliasStrength ParseAliasStrength(std::string_view text) {
  const std::string t = AsciiLower(text);
  if (t == "primary") return AliasStrength::kPrimary;
  if (t == "formerly" || t == "f.k.a.") return AliasStrength::kFormerly;
  if (t == "weak") return AliasStrength::kWeak;
  return AliasStrength::kStrong;
}

std::string_view Party::Attribute(std::string_view key) const {
  for (const auto& [k, v] : attributes) {
    if (k == key) return v;
  }
  return {};
}

ListCounts CountOf(const ListDocument& document) {
  ListCounts counts;
  counts.parties = static_cast<long>(document.parties.size());
  for (const Party& party : document.parties) {
    counts.names += static_cast<long>(party.names.size());
    counts.addresses += static_cast<long>(party.addresses.size());
    counts.identifiers += static_cast<long>(party.identifiers.size());
    counts.relationships += static_cast<long>(party.relationships.size());
  }
  return counts;
}

}  // namespace clearance::lists
