#include "engine/cli/render.h"

#include "engine/cli/output.h"

namespace clearance::cli {

using nlohmann::ordered_json;

namespace {

void PutIf(ordered_json& j, const char* key, const std::string& value) {
  if (!value.empty()) j[key] = value;
}

std::string JoinNonEmpty(std::initializer_list<std::string_view> parts,
                         std::string_view sep) {
  std::string out;
  for (auto p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

}  // namespace

ordered_json PartyToJson(const lists::Party& party) {
  ordered_json j;
  j["id"] = party.source_id;
  j["type"] = lists::PartyTypeName(party.type);
  j["names"] = ordered_json::array();
  for (const auto& n : party.names) {
    ordered_json name;
    name["full"] = n.full;
    name["strength"] = lists::AliasStrengthName(n.strength);
    PutIf(name, "script", n.script);
    PutIf(name, "alias_type", n.alias_type);
    PutIf(name, "language", n.language);
    if (!n.parts.empty()) {
      name["parts"] = ordered_json::array();
      for (const auto& p : n.parts)
        name["parts"].push_back({{"type", p.type}, {"value", p.value}});
    }
    j["names"].push_back(std::move(name));
  }
  j["addresses"] = ordered_json::array();
  for (const auto& a : party.addresses) {
    ordered_json addr;
    PutIf(addr, "full", a.full);
    PutIf(addr, "street", a.street);
    PutIf(addr, "city", a.city);
    PutIf(addr, "state_province", a.state_province);
    PutIf(addr, "postal_code", a.postal_code);
    PutIf(addr, "region", a.region);
    PutIf(addr, "country", a.country);
    PutIf(addr, "country_name", a.country_name);
    j["addresses"].push_back(std::move(addr));
  }
  j["identifiers"] = ordered_json::array();
  for (const auto& id : party.identifiers) {
    ordered_json i;
    i["type"] = id.type;
    i["value"] = id.value;
    PutIf(i, "label", id.label);
    PutIf(i, "country", id.country);
    PutIf(i, "currency", id.currency);
    PutIf(i, "issued", id.issued);
    PutIf(i, "expires", id.expires);
    PutIf(i, "note", id.note);
    j["identifiers"].push_back(std::move(i));
  }
  j["programs"] = party.programs;
  j["dates_of_birth"] = party.dates_of_birth;
  j["places_of_birth"] = party.places_of_birth;
  j["nationalities"] = party.nationalities;
  j["citizenships"] = party.citizenships;
  j["relationships"] = ordered_json::array();
  for (const auto& r : party.relationships) {
    ordered_json rel;
    rel["type"] = r.type;
    PutIf(rel, "other_id", r.other_source_id);
    PutIf(rel, "other_name", r.other_name);
    PutIf(rel, "note", r.note);
    j["relationships"].push_back(std::move(rel));
  }
  j["remarks"] = party.remarks;
  ordered_json attributes = ordered_json::object();
  for (const auto& [k, v] : party.attributes) {
    if (attributes.contains(k)) {
      attributes[k] = attributes[k].get<std::string>() + "; " + v;
    } else {
      attributes[k] = v;
    }
  }
  j["attributes"] = std::move(attributes);
  return j;
}

ordered_json VersionToJson(const store::ListVersionInfo& v) {
  ordered_json j;
  j["version"] = v.id;
  j["list"] = v.code;
  j["name"] = v.name;
  j["publisher"] = v.publisher;
  j["published"] = v.published;
  j["format"] = v.format;
  j["source"] = v.source_path;
  j["sha256"] = v.sha256;
  j["parser_version"] = v.parser_version;
  j["imported_at"] = v.imported_at;
  j["latest"] = v.latest;
  j["counts"] = {{"parties", v.counts.parties},
                 {"names", v.counts.names},
                 {"addresses", v.counts.addresses},
                 {"identifiers", v.counts.identifiers},
                 {"relationships", v.counts.relationships}};
  return j;
}

ordered_json DiffToJson(const lists::ListDiff& diff) {
  auto refs = [](const std::vector<lists::PartyRef>& parties) {
    ordered_json out = ordered_json::array();
    for (const auto& p : parties) {
      out.push_back({{"id", p.source_id},
                     {"name", p.name},
                     {"type", lists::PartyTypeName(p.type)}});
    }
    return out;
  };
  ordered_json j;
  j["summary"] = {{"added", diff.added.size()},
                  {"removed", diff.removed.size()},
                  {"changed", diff.changed.size()}};
  j["added"] = refs(diff.added);
  j["removed"] = refs(diff.removed);
  j["changed"] = ordered_json::array();
  for (const auto& c : diff.changed) {
    ordered_json change{{"id", c.source_id}, {"name", c.name}};
    change["fields"] = ordered_json::array();
    for (const auto& f : c.changes) {
      change["fields"].push_back(
          {{"field", f.field}, {"removed", f.removed}, {"added", f.added}});
    }
    j["changed"].push_back(std::move(change));
  }
  return j;
}

std::string PartyToText(const store::StoredParty& stored) {
  const lists::Party& p = stored.party;
  std::string out;
  const std::string primary = p.names.empty() ? "(no name)" : p.names[0].full;
  out += stored.version.code + ":" + p.source_id + "  " + primary + "\n";
  out += "  type:      " + std::string(lists::PartyTypeName(p.type)) + "\n";
  out += "  list:      " + stored.version.name + " (version " +
         std::to_string(stored.version.id) + ", published " +
         (stored.version.published.empty() ? "n/a" : stored.version.published) +
         ")\n";
  if (!p.programs.empty()) {
    std::string programs;
    for (const auto& pr : p.programs)
      programs += (programs.empty() ? "" : ", ") + pr;
    out += "  programs:  " + programs + "\n";
  }
  auto section = [&](const char* title, const Table& table) {
    if (table.empty()) return;
    out += "\n" + std::string(title) + "\n";
    std::string rendered = table.Render();
    size_t start = 0;
    while (start < rendered.size()) {
      const size_t end = rendered.find('\n', start);
      out += "  " + rendered.substr(start, end - start) + "\n";
      start = end + 1;
    }
  };
  Table names({"NAME", "STRENGTH", "SCRIPT", "TYPE"});
  for (const auto& n : p.names) {
    names.AddRow({n.full, std::string(lists::AliasStrengthName(n.strength)),
                  n.script, n.alias_type});
  }
  section("Names", names);
  Table addresses({"ADDRESS", "COUNTRY"});
  for (const auto& a : p.addresses) {
    std::string line = a.full.empty()
                           ? JoinNonEmpty({a.street, a.city, a.state_province,
                                           a.postal_code, a.region},
                                          ", ")
                           : a.full;
    addresses.AddRow({line, a.country.empty() ? a.country_name : a.country});
  }
  section("Addresses", addresses);
  Table ids({"TYPE", "VALUE", "COUNTRY", "DETAIL"});
  for (const auto& id : p.identifiers) {
    ids.AddRow({id.type, id.value, id.country,
                JoinNonEmpty({id.currency, id.label,
                              id.issued.empty() ? "" : "issued " + id.issued,
                              id.expires.empty() ? "" : "expires " + id.expires,
                              id.note},
                             "; ")});
  }
  section("Identifiers", ids);
  Table facts({"FACT", "VALUE"});
  for (const auto& d : p.dates_of_birth) facts.AddRow({"date of birth", d});
  for (const auto& d : p.places_of_birth) facts.AddRow({"place of birth", d});
  for (const auto& d : p.nationalities) facts.AddRow({"nationality", d});
  for (const auto& d : p.citizenships) facts.AddRow({"citizenship", d});
  for (const auto& [k, v] : p.attributes) facts.AddRow({k, v});
  section("Facts", facts);
  Table rels({"RELATIONSHIP", "PARTY", "NAME"});
  for (const auto& r : p.relationships) {
    rels.AddRow({r.type,
                 r.other_source_id.empty()
                     ? ""
                     : stored.version.code + ":" + r.other_source_id,
                 r.other_name});
  }
  section("Relationships", rels);
  if (!p.remarks.empty()) out += "\nRemarks\n  " + p.remarks + "\n";
  return out;
}

}  // namespace clearance::cli
