// UN Security Council consolidated list XML: mapping on a small synthetic
// fixture, errors on malformed fixtures, and counts on the real 2026-02 file.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>

#include "engine/lists/lists.h"
#include "tests/test_support.h"

namespace clearance::lists {
namespace {

Result<ParsedSource> ParseFile(const std::string& path) {
  auto format = DetectFormat(path);
  if (!format) return std::unexpected(format.error());
  EXPECT_EQ(*format, Format::kUnXml);
  return ParseSource({Format::kUnXml, {path}});
}

const Party* FindParty(const ListDocument& list, const std::string& id) {
  for (const Party& party : list.parties) {
    if (party.source_id == id) return &party;
  }
  return nullptr;
}

TEST(UnXml, MapsIndividualFields) {
  auto parsed = ParseFile(testing::TestDataFile("un/small.xml"));
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  ASSERT_EQ(parsed->lists.size(), 1u);
  const ListDocument& list = parsed->lists[0];
  EXPECT_EQ(list.code, "UN-SC");
  EXPECT_EQ(list.name, "UN Security Council Consolidated List");
  EXPECT_EQ(list.publisher, "United Nations Security Council");
  EXPECT_EQ(list.published, "2026-02-27");
  ASSERT_EQ(list.parties.size(), 2u);

  const Party* p = FindParty(list, "QDi.900");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->type, PartyType::kPerson);
  EXPECT_EQ(p->Attribute("dataid"), "1000001");
  EXPECT_EQ(p->Attribute("listed_on"), "2001-10-06");
  EXPECT_EQ(p->Attribute("gender"), "Male");
  EXPECT_EQ(p->Attribute("title"), "Mullah");
  EXPECT_EQ(p->Attribute("designation"), "Commander; Financier");
  EXPECT_EQ(p->Attribute("nationality"), "Atlantis");  // no ISO code
  EXPECT_EQ(p->remarks, "Synthetic test record.\nSecond line.");
  EXPECT_EQ(p->programs, std::vector<std::string>{"Al-Qaida"});

  // Primary, original script, then the three non-empty aliases.
  ASSERT_EQ(p->names.size(), 5u);
  EXPECT_EQ(p->names[0].full, "SAMPLE PERSON AL-TESTI");
  EXPECT_EQ(p->names[0].strength, AliasStrength::kPrimary);
  EXPECT_EQ(p->names[0].script, "Latn");
  ASSERT_EQ(p->names[0].parts.size(), 3u);
  EXPECT_EQ(p->names[0].parts[0].type, "given");
  EXPECT_EQ(p->names[0].parts[0].value, "SAMPLE");
  EXPECT_EQ(p->names[1].full, "سمبل برسون");
  EXPECT_EQ(p->names[1].script, "Arab");
  EXPECT_EQ(p->names[1].alias_type, "original script");
  EXPECT_EQ(p->names[2].full, "Abu Sample");
  EXPECT_EQ(p->names[2].strength, AliasStrength::kStrong);
  EXPECT_EQ(p->names[3].full, "The Tester");
  EXPECT_EQ(p->names[3].strength, AliasStrength::kWeak);
  EXPECT_EQ(p->names[4].strength, AliasStrength::kFormerly);

  EXPECT_EQ(p->dates_of_birth,
            (std::vector<std::string>{"1970-01-02", "1969-05-06", "1966/1968",
                                      "1965"}));
  EXPECT_EQ(p->Attribute("date_of_birth_note"), "APPROXIMATELY: 1965");
  EXPECT_EQ(p->places_of_birth,
            std::vector<std::string>{"Testville, Atlantis"});

  ASSERT_EQ(p->addresses.size(), 1u);
  EXPECT_EQ(p->addresses[0].street, "1 Test Street");
  EXPECT_EQ(p->addresses[0].city, "Testville");
  EXPECT_EQ(p->addresses[0].country_name, "Atlantis");
  EXPECT_EQ(p->addresses[0].full,
            "1 Test Street, Testville, Atlantis (as of 2020)");

  ASSERT_EQ(p->identifiers.size(), 3u);
  EXPECT_EQ(p->identifiers[0].type, "passport");
  EXPECT_EQ(p->identifiers[0].value, "P0000001");
  EXPECT_EQ(p->identifiers[0].issued, "2010-01-01");
  EXPECT_EQ(p->identifiers[1].type, "national_id");
  EXPECT_EQ(p->identifiers[1].label, "Ration card no.");
  EXPECT_EQ(p->identifiers[2].type, "other");
  EXPECT_EQ(p->identifiers[2].note, "expired");
}

TEST(UnXml, MapsEntity) {
  auto parsed = ParseFile(testing::TestDataFile("un/small.xml"));
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  const Party* e = FindParty(parsed->lists[0], "KPe.900");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->type, PartyType::kEntity);
  ASSERT_EQ(e->names.size(), 2u);
  EXPECT_EQ(e->names[0].full, "SAMPLE TRADING COMPANY");
  ASSERT_EQ(e->names[0].parts.size(), 1u);
  EXPECT_EQ(e->names[0].parts[0].type, "entity");
  EXPECT_EQ(e->names[1].full, "STC");
  EXPECT_EQ(e->names[1].alias_type, "a.k.a.");
  ASSERT_EQ(e->addresses.size(), 1u);  // the empty ENTITY_ADDRESS is skipped
  EXPECT_EQ(e->addresses[0].full, "Sample City");
  EXPECT_TRUE(e->remarks.empty());
}

TEST(UnXml, TruncatedFileFailsWithLine) {
  auto parsed = ParseFile(testing::TestDataFile("un/truncated.xml"));
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code(), ErrorCode::kParse);
  EXPECT_NE(parsed.error().message().find("truncated.xml line "),
            std::string::npos)
      << parsed.error().message();
  EXPECT_NE(parsed.error().message().find("malformed XML"), std::string::npos);
}

TEST(UnXml, RecordWithoutNameFails) {
  auto parsed = ParseFile(testing::TestDataFile("un/missing_name.xml"));
  ASSERT_FALSE(parsed);
  EXPECT_NE(parsed.error().message().find(
                "missing_name.xml line 7: INDIVIDUAL starting at line 4 "
                "(QDi.901): no FIRST_NAME"),
            std::string::npos)
      << parsed.error().message();
}

TEST(UnXml, RecordWithoutIdFails) {
  auto parsed = ParseFile(testing::TestDataFile("un/missing_id.xml"));
  ASSERT_FALSE(parsed);
  EXPECT_NE(parsed.error().message().find(
                "INDIVIDUAL starting at line 4: neither DATAID nor "
                "REFERENCE_NUMBER"),
            std::string::npos)
      << parsed.error().message();
}

TEST(UnXml, RealConsolidatedList) {
  const std::string path = testing::SharedDataFile(
      "lists/un_consolidated_2026-02/UN_consolidated.xml");
  if (path.empty()) GTEST_SKIP() << "UN consolidated list absent";
  auto plan = PlanSources({path});
  ASSERT_TRUE(plan) << plan.error().ToString();
  ASSERT_EQ(plan->size(), 1u);
  EXPECT_EQ((*plan)[0].format, Format::kUnXml);
  auto parsed = ParseSource((*plan)[0]);
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  ASSERT_EQ(parsed->lists.size(), 1u);
  const ListDocument& list = parsed->lists[0];
  EXPECT_EQ(list.published, "2026-02-27");
  long individuals = 0, entities = 0, aliases = 0, original = 0;
  std::map<std::string, long> original_scripts;
  for (const Party& party : list.parties) {
    individuals += party.type == PartyType::kPerson;
    entities += party.type == PartyType::kEntity;
    EXPECT_FALSE(party.names.empty());
    EXPECT_FALSE(party.names[0].full.empty()) << party.source_id;
    for (const Name& name : party.names) {
      if (name.alias_type == "original script") {
        ++original;
        ++original_scripts[name.script];
      } else if (name.strength != AliasStrength::kPrimary) {
        ++aliases;
      }
    }
  }
  EXPECT_EQ(individuals, 730);
  EXPECT_EQ(entities, 273);
  // The data README counts 3,043 alias elements; 291 of them are empty
  // placeholders (<ALIAS_NAME/>), which carry no name.
  EXPECT_EQ(aliases, 3043 - 291);
  EXPECT_EQ(original, 378);
  // One "original script" name is in Latin letters (JAMAAH ANSHARUT DAULAH).
  EXPECT_EQ(original_scripts, (std::map<std::string, long>{
                                  {"Arab", 366}, {"Cyrl", 11}, {"Latn", 1}}));
  const Party* first = FindParty(list, "CDi.001");
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->names[0].full, "ERIC BADEGE");
  EXPECT_EQ(first->Attribute("dataid"), "6907993");
  EXPECT_EQ(first->dates_of_birth, std::vector<std::string>{"1971"});
}

}  // namespace
}  // namespace clearance::lists
