// Clearance's own list format: mapping, strictness (errors name the JSON
// path), and the synthetic demo list data/sample/sample_list.json.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "engine/lists/lists.h"
#include "tests/test_support.h"

namespace clearance::lists {
namespace {

Result<ParsedSource> ParseFile(const std::string& path) {
  auto format = DetectFormat(path);
  if (!format) return std::unexpected(format.error());
  EXPECT_EQ(*format, Format::kClearanceJson);
  return ParseSource({Format::kClearanceJson, {path}});
}

Result<ParsedSource> ParseText(const std::string& content) {
  testing::TempDir dir;
  const std::string path = dir.File("list.json");
  testing::WriteFile(path, content);
  return ParseFile(path);
}

std::string ErrorOf(const std::string& fixture) {
  auto parsed = ParseFile(testing::TestDataFile("clearance_json/" + fixture));
  EXPECT_FALSE(parsed) << fixture << " parsed";
  return parsed ? "" : parsed.error().message();
}

const Party* FindParty(const ListDocument& list, const std::string& id) {
  for (const Party& party : list.parties) {
    if (party.source_id == id) return &party;
  }
  return nullptr;
}

TEST(ClearanceJson, MapsAllFields) {
  auto parsed = ParseFile(testing::TestDataFile("clearance_json/minimal.json"));
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  ASSERT_EQ(parsed->lists.size(), 1u);
  const ListDocument& list = parsed->lists[0];
  EXPECT_EQ(list.code, "TEST-LIST");
  EXPECT_EQ(list.name, "Test list");
  EXPECT_EQ(list.publisher, "Clearance tests");
  EXPECT_EQ(list.published, "2026-01-02");
  ASSERT_EQ(list.parties.size(), 2u);
  const Party& e = list.parties[0];
  EXPECT_EQ(e.source_id, "T-1");
  EXPECT_EQ(e.type, PartyType::kEntity);
  ASSERT_EQ(e.names.size(), 3u);
  EXPECT_EQ(e.names[0].strength, AliasStrength::kPrimary);
  EXPECT_EQ(e.names[0].script, "Latn");  // detected
  EXPECT_EQ(e.names[1].script, "Hani");  // detected
  EXPECT_EQ(e.names[1].alias_type, "a.k.a.");
  EXPECT_EQ(e.names[2].strength, AliasStrength::kFormerly);
  ASSERT_EQ(e.names[2].parts.size(), 1u);
  EXPECT_EQ(e.names[2].parts[0].type, "entity");
  ASSERT_EQ(e.addresses.size(), 1u);
  EXPECT_EQ(e.addresses[0].country, "CN");
  EXPECT_EQ(e.addresses[0].full, "1 Example Road, Beijing");
  ASSERT_EQ(e.identifiers.size(), 1u);
  EXPECT_EQ(e.identifiers[0].type, "lei");
  EXPECT_EQ(e.programs, std::vector<std::string>{"TEST"});
  EXPECT_EQ(e.remarks, "Test party.");
  EXPECT_EQ(e.Attribute("license_policy"), "Presumption of denial.");
  const Party& p = list.parties[1];
  EXPECT_EQ(p.type, PartyType::kPerson);
  EXPECT_EQ(p.dates_of_birth.size(), 4u);
  EXPECT_EQ(p.nationalities, std::vector<std::string>{"GB"});
  ASSERT_EQ(p.relationships.size(), 1u);
  EXPECT_EQ(p.relationships[0].other_source_id, "T-1");
}

TEST(ClearanceJson, UnknownFieldNamesThePath) {
  EXPECT_NE(ErrorOf("unknown_field.json")
                .find("unknown_field.json: parties[1].names[0]: unknown "
                      "field 'fulll'"),
            std::string::npos)
      << ErrorOf("unknown_field.json");
}

TEST(ClearanceJson, MissingIdNamesThePath) {
  EXPECT_NE(ErrorOf("missing_id.json")
                .find("parties[1]: missing required field 'id'"),
            std::string::npos)
      << ErrorOf("missing_id.json");
}

TEST(ClearanceJson, MissingCodeFails) {
  EXPECT_NE(ErrorOf("missing_code.json").find("missing required field 'code'"),
            std::string::npos);
}

TEST(ClearanceJson, PartyWithoutNamesFails) {
  EXPECT_NE(ErrorOf("no_names.json")
                .find("parties[0]: missing required field 'names'"),
            std::string::npos)
      << ErrorOf("no_names.json");
}

TEST(ClearanceJson, DuplicatePartyIdsFail) {
  EXPECT_NE(ErrorOf("duplicate_ids.json").find("duplicate party id 'T-1'"),
            std::string::npos)
      << ErrorOf("duplicate_ids.json");
}

TEST(ClearanceJson, RelationshipToUnknownIdFails) {
  EXPECT_NE(ErrorOf("dangling_relationship.json")
                .find("parties[1].relationships[0].other_id: no party with "
                      "id 'T-9' in this list"),
            std::string::npos)
      << ErrorOf("dangling_relationship.json");
}

TEST(ClearanceJson, RejectsBadValuesWithPaths) {
  const std::string head =
      R"({"clearance_list": 1, "code": "X", "parties": [{"id": "A", )";
  struct Case {
    std::string party_rest;
    std::string expected;
  };
  const Case cases[] = {
      {R"("names": [{"full": "A", "strength": "alias"}]}]})",
       "parties[0].names[0].strength: expected primary, strong, formerly or "
       "weak"},
      {R"("names": [{"full": "A"}, {"full": "B", "strength": "primary"}]}]})",
       "parties[0].names[1].strength: only names[0] is primary"},
      {R"("names": [{"full": "A"}], "type": "company-ish"}]})",
       "parties[0].type: expected entity, person"},
      {R"("names": [{"full": "A"}], "dates_of_birth": ["12/03/1970"]}]})",
       "parties[0].dates_of_birth[0]: expected an ISO date"},
      {R"("names": [{"full": "A"}], "nationalities": ["China"]}]})",
       "parties[0].nationalities[0]: expected an ISO 3166-1 alpha-2 code"},
      {R"("names": [{"full": "A"}], "identifiers": [{"type": "ssn", "value": "1"}]}]})",
       "parties[0].identifiers[0].type: unknown identifier type 'ssn'"},
      {R"("names": [{"full": 7}]}]})",
       "parties[0].names[0].full: expected a string"},
      {R"("names": [{"full": "A"}], "attributes": {"k": 1}}]})",
       "parties[0].attributes.k: expected a string"},
      {R"("names": [{"full": "A"}]}]} trailing)", "malformed JSON"},
  };
  for (const Case& c : cases) {
    auto parsed = ParseText(head + c.party_rest);
    ASSERT_FALSE(parsed) << c.party_rest;
    EXPECT_NE(parsed.error().message().find(c.expected), std::string::npos)
        << parsed.error().message();
  }
}

TEST(ClearanceJson, RejectsOtherVersions) {
  auto parsed =
      ParseText(R"({"clearance_list": 2, "code": "X", "parties": []})");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code(), ErrorCode::kUnsupportedFormat);
}

TEST(ClearanceJson, SampleListParses) {
  const std::string path =
      std::string(CLEARANCE_SOURCE_DIR) + "/data/sample/sample_list.json";
  auto parsed = ParseFile(path);
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  const ListDocument& list = parsed->lists[0];
  EXPECT_EQ(list.code, "SAMPLE-RPL");
  EXPECT_EQ(list.name, "Clearance sample restricted-party list (synthetic)");
  EXPECT_EQ(list.publisher, "Clearance project (synthetic demo data)");
  EXPECT_GE(list.parties.size(), 30u);
  EXPECT_LE(list.parties.size(), 40u);

  const Party* zhipu = FindParty(list, "SAMPLE-0001");
  ASSERT_NE(zhipu, nullptr);
  EXPECT_EQ(zhipu->names[0].full,
            "Beijing Zhipu Huazhang Technology Co., Ltd.");
  bool hani = false, aka = false;
  for (const Name& name : zhipu->names) {
    hani = hani ||
           (name.full == "北京智谱华章科技有限公司" && name.script == "Hani");
    aka = aka ||
          (name.full == "Zhipu AI" && name.strength == AliasStrength::kStrong);
  }
  EXPECT_TRUE(hani);
  EXPECT_TRUE(aka);
  ASSERT_FALSE(zhipu->addresses.empty());
  EXPECT_EQ(zhipu->addresses[0].country, "CN");
  EXPECT_EQ(zhipu->addresses[0].city, "Beijing");
  EXPECT_FALSE(zhipu->Attribute("license_requirement").empty());
  EXPECT_FALSE(zhipu->Attribute("license_policy").empty());
  EXPECT_FALSE(zhipu->Attribute("federal_register_notice").empty());
  EXPECT_NE(zhipu->remarks.find("SAMPLE DATA"), std::string::npos);

  // The Hong Kong subsidiary is owned by the Beijing parent.
  bool owned = false;
  for (const Party& party : list.parties) {
    for (const Relationship& r : party.relationships) {
      owned = owned ||
              (r.type == "Owned or Controlled By" &&
               r.other_source_id == "SAMPLE-0001" && !party.addresses.empty() &&
               party.addresses[0].country == "HK");
    }
  }
  EXPECT_TRUE(owned);

  // Every kind the demo is meant to show is there.
  std::set<std::string> scripts, id_types;
  long vessels = 0, people_with_dob = 0;
  for (const Party& party : list.parties) {
    for (const Name& name : party.names) scripts.insert(name.script);
    for (const Identifier& id : party.identifiers) id_types.insert(id.type);
    vessels += party.type == PartyType::kVessel;
    people_with_dob +=
        party.type == PartyType::kPerson && !party.dates_of_birth.empty();
  }
  for (const char* script : {"Latn", "Hani", "Cyrl", "Arab"}) {
    EXPECT_TRUE(scripts.contains(script)) << script;
  }
  for (const char* type : {"imo", "crypto_address", "lei", "uscc"}) {
    EXPECT_TRUE(id_types.contains(type)) << type;
  }
  EXPECT_GE(vessels, 1);
  EXPECT_GE(people_with_dob, 3);
}

}  // namespace
}  // namespace clearance::lists
