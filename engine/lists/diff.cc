#include <algorithm>
#include <map>
#include <string>

#include "engine/lists/lists.h"

namespace clearance::lists {
namespace {

using Values = std::vector<std::string>;

Values Sorted(Values values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

std::string Join(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view part : parts) {
    if (part.empty()) continue;
    if (!out.empty()) out += " | ";
    out += part;
  }
  return out;
}

// Each comparable field of a party rendered as sorted strings, so that a
// change is a difference of sets and reordering is not a change.
std::map<std::string, Values> Render(const Party& party) {
  std::map<std::string, Values> fields;
  fields["type"] = {std::string(PartyTypeName(party.type))};
  Values names;
  for (const Name& n : party.names) {
    names.push_back(Join({n.full, AliasStrengthName(n.strength), n.script}));
  }
  fields["names"] = Sorted(std::move(names));
  Values addresses;
  for (const Address& a : party.addresses) {
    addresses.push_back(
        Join({a.full, a.street, a.city, a.state_province, a.postal_code,
              a.region, a.country.empty() ? a.country_name : a.country}));
  }
  fields["addresses"] = Sorted(std::move(addresses));
  fields["programs"] = Sorted(party.programs);
  Values ids;
  for (const Identifier& id : party.identifiers) {
    ids.push_back(Join({id.type, id.value, id.country, id.currency}));
  }
  fields["identifiers"] = Sorted(std::move(ids));
  fields["dates_of_birth"] = Sorted(party.dates_of_birth);
  fields["places_of_birth"] = Sorted(party.places_of_birth);
  fields["nationalities"] = Sorted(party.nationalities);
  fields["citizenships"] = Sorted(party.citizenships);
  Values relationships;
  for (const Relationship& r : party.relationships) {
    relationships.push_back(Join({r.type, r.other_source_id, r.other_name}));
  }
  fields["relationships"] = Sorted(std::move(relationships));
  fields["remarks"] = party.remarks.empty() ? Values{} : Values{party.remarks};
  Values attributes;
  for (const auto& [k, v] : party.attributes) attributes.push_back(k + "=" + v);
  fields["attributes"] = Sorted(std::move(attributes));
  return fields;
}

std::string PrimaryName(const Party& party) {
  return party.names.empty() ? std::string() : party.names[0].full;
}

}  // namespace

ListDiff DiffLists(const ListDocument& from, const ListDocument& to) {
  std::map<std::string_view, const Party*> old_parties;
  for (const Party& p : from.parties) old_parties[p.source_id] = &p;
  std::map<std::string_view, const Party*> new_parties;
  for (const Party& p : to.parties) new_parties[p.source_id] = &p;

  ListDiff diff;
  for (const auto& [id, party] : new_parties) {
    auto old = old_parties.find(id);
    if (old == old_parties.end()) {
      diff.added.push_back(
          {party->source_id, PrimaryName(*party), party->type});
      continue;
    }
    const auto before = Render(*old->second);
    const auto after = Render(*party);
    PartyChange change{party->source_id, PrimaryName(*party), {}};
    for (const auto& [field, new_values] : after) {
      const Values& old_values = before.at(field);
      if (old_values == new_values) continue;
      FieldChange fc{field, {}, {}};
      std::set_difference(old_values.begin(), old_values.end(),
                          new_values.begin(), new_values.end(),
                          std::back_inserter(fc.removed));
      std::set_difference(new_values.begin(), new_values.end(),
                          old_values.begin(), old_values.end(),
                          std::back_inserter(fc.added));
      change.changes.push_back(std::move(fc));
    }
    if (!change.changes.empty()) diff.changed.push_back(std::move(change));
  }
  for (const auto& [id, party] : old_parties) {
    if (!new_parties.contains(id)) {
      diff.removed.push_back(
          {party->source_id, PrimaryName(*party), party->type});
    }
  }
  return diff;
}

}  // namespace clearance::lists
