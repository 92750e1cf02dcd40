// OFAC ENHANCED_XML: a small hand-written document, and the real
// CONS_ENHANCED.ZIP in ../shared/data/lists.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <string>
#include <vector>

#include "engine/lists/lists.h"
#include "tests/test_support.h"

namespace clearance::lists {
namespace {

const Party* FindParty(const ListDocument& list, const std::string& id) {
  for (const Party& party : list.parties) {
    if (party.source_id == id) return &party;
  }
  return nullptr;
}

const Identifier* FindIdentifier(const Party& party, const std::string& type,
                                 const std::string& value) {
  for (const Identifier& id : party.identifiers) {
    if (id.type == type && id.value == value) return &id;
  }
  return nullptr;
}

const Name* FindName(const Party& party, const std::string& full) {
  for (const Name& name : party.names) {
    if (name.full == full) return &name;
  }
  return nullptr;
}

constexpr char kSmallDocument[] = R"(<?xml version="1.0" encoding="utf-8"?>
<sanctionsData xmlns="https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML">
  <publicationInfo>
    <dataAsOf>2025-03-04T00:00:00</dataAsOf>
    <filters><sanctionsLists><sanctionsList refId="1550">SDN List</sanctionsList></sanctionsLists></filters>
  </publicationInfo>
  <entities>
    <entity id="501">
      <generalInfo>
        <identityId>1</identityId>
        <entityType refId="600">Individual</entityType>
        <remarks>Free text.</remarks>
      </generalInfo>
      <sanctionsLists><sanctionsList refId="1550">SDN List</sanctionsList></sanctionsLists>
      <sanctionsPrograms>
        <sanctionsProgram refId="1">CYBER2</sanctionsProgram>
        <sanctionsProgram refId="2">DPRK3</sanctionsProgram>
      </sanctionsPrograms>
      <names>
        <name id="1">
          <isPrimary>true</isPrimary>
          <isLowQuality>false</isLowQuality>
          <translations>
            <translation id="1">
              <isPrimary>true</isPrimary>
              <script refId="20122">Latin</script>
              <formattedFullName>PARK, Jin Hyok</formattedFullName>
              <nameParts>
                <namePart id="1"><type refId="1520">Last Name</type><value>PARK</value></namePart>
                <namePart id="2"><type refId="1521">First Name</type><value>Jin Hyok</value></namePart>
              </nameParts>
            </translation>
          </translations>
        </name>
        <name id="2">
          <isPrimary>false</isPrimary>
          <aliasType refId="1400">A.K.A.</aliasType>
          <isLowQuality>true</isLowQuality>
          <translations>
            <translation id="2">
              <isPrimary>true</isPrimary>
              <script refId="20122">Latin</script>
              <formattedFullName>PAK JIN HEK</formattedFullName>
            </translation>
          </translations>
        </name>
      </names>
      <addresses>
        <address id="1">
          <country refId="1">North Korea</country>
          <translations>
            <translation id="3">
              <isPrimary>true</isPrimary>
              <addressParts>
                <addressPart id="1"><type refId="1451">ADDRESS1</type><value>1 Street</value></addressPart>
                <addressPart id="2"><type refId="1454">CITY</type><value>Pyongyang</value></addressPart>
              </addressParts>
            </translation>
          </translations>
        </address>
      </addresses>
      <features>
        <feature id="1">
          <type featureTypeId="8">Birthdate</type>
          <value>1984</value>
          <valueDate id="1"><fromDateBegin>1984-01-01</fromDateBegin><toDateEnd>1984-12-31</toDateEnd><isDateRange>false</isDateRange></valueDate>
        </feature>
        <feature id="2">
          <type featureTypeId="345">Digital Currency Address - XBT</type>
          <value>1BcdEfGh</value>
        </feature>
        <feature id="3">
          <type featureTypeId="224">Gender</type>
          <value>Male</value>
        </feature>
      </features>
      <identityDocuments>
        <identityDocument id="1">
          <type refId="1571">Passport</type>
          <documentNumber>290333974</documentNumber>
          <isValid>true</isValid>
          <issuingCountry refId="1">North Korea</issuingCountry>
        </identityDocument>
      </identityDocuments>
      <relationships>
        <relationship id="1">
          <type refId="15002">Acting for or on behalf of</type>
          <relatedEntity entityId="502">CHOSUN EXPO</relatedEntity>
        </relationship>
      </relationships>
    </entity>
    <entity id="502">
      <generalInfo><entityType refId="601">Entity</entityType></generalInfo>
      <sanctionsLists><sanctionsList refId="1550">SDN List</sanctionsList></sanctionsLists>
      <names>
        <name id="3">
          <isPrimary>true</isPrimary>
          <translations>
            <translation id="4">
              <isPrimary>true</isPrimary>
              <formattedFullName>CHOSUN EXPO</formattedFullName>
            </translation>
          </translations>
        </name>
      </names>
    </entity>
  </entities>
</sanctionsData>
)";

TEST(OfacEnhancedXml, ReadsASmallDocument) {
  testing::TempDir dir;
  const std::string path = dir.File("SDN_ENHANCED.XML");
  testing::WriteFile(path, kSmallDocument);
  auto format = DetectFormat(path);
  ASSERT_TRUE(format) << format.error().ToString();
  EXPECT_EQ(*format, Format::kOfacEnhancedXml);
  auto parsed = ParseSource({Format::kOfacEnhancedXml, {path}});
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  ASSERT_EQ(parsed->lists.size(), 1u);
  const ListDocument& list = parsed->lists[0];
  EXPECT_EQ(list.code, "OFAC-SDN");
  EXPECT_EQ(list.published, "2025-03-04");
  ASSERT_EQ(list.parties.size(), 2u);
  const Party& park = list.parties[0];
  EXPECT_EQ(park.source_id, "501");
  EXPECT_EQ(park.type, PartyType::kPerson);
  EXPECT_EQ(park.programs, (std::vector<std::string>{"CYBER2", "DPRK3"}));
  ASSERT_EQ(park.names.size(), 2u);
  EXPECT_EQ(park.names[0].full, "PARK, Jin Hyok");
  EXPECT_EQ(park.names[0].strength, AliasStrength::kPrimary);
  EXPECT_EQ(park.names[0].script, "Latn");
  ASSERT_EQ(park.names[0].parts.size(), 2u);
  EXPECT_EQ(park.names[0].parts[0].type, "family");
  EXPECT_EQ(park.names[0].parts[1].type, "given");
  EXPECT_EQ(park.names[1].strength, AliasStrength::kWeak);
  EXPECT_EQ(park.names[1].alias_type, "A.K.A.");
  ASSERT_EQ(park.addresses.size(), 1u);
  EXPECT_EQ(park.addresses[0].street, "1 Street");
  EXPECT_EQ(park.addresses[0].city, "Pyongyang");
  EXPECT_EQ(park.addresses[0].country_name, "North Korea");
  EXPECT_EQ(park.dates_of_birth, (std::vector<std::string>{"1984"}));
  EXPECT_EQ(park.Attribute("gender"), "Male");
  const Identifier* xbt = FindIdentifier(park, "crypto_address", "1BcdEfGh");
  ASSERT_NE(xbt, nullptr);
  EXPECT_EQ(xbt->currency, "XBT");
  EXPECT_NE(FindIdentifier(park, "passport", "290333974"), nullptr);
  ASSERT_EQ(park.relationships.size(), 1u);
  EXPECT_EQ(park.relationships[0].type, "Acting for or on behalf of");
  EXPECT_EQ(park.relationships[0].other_source_id, "502");
  EXPECT_EQ(park.relationships[0].other_name, "CHOSUN EXPO");
  EXPECT_EQ(park.remarks, "Free text.");
}

TEST(OfacEnhancedXml, EntityWithoutPrimaryNameIsAnError) {
  testing::TempDir dir;
  const std::string path = dir.File("bad.xml");
  testing::WriteFile(path,
                     "<?xml version=\"1.0\"?>\n<sanctionsData>\n<entities>\n"
                     "<entity id=\"7\">\n<generalInfo><entityType>Entity"
                     "</entityType></generalInfo>\n</entity>\n</entities>\n"
                     "</sanctionsData>\n");
  auto parsed = ParseSource({Format::kOfacEnhancedXml, {path}});
  ASSERT_FALSE(parsed);
  EXPECT_NE(parsed.error().message().find("entity 7"), std::string::npos)
      << parsed.error().message();
  EXPECT_NE(parsed.error().message().find("line"), std::string::npos)
      << parsed.error().message();
}

TEST(OfacEnhancedXml, TruncatedDocumentIsAnError) {
  testing::TempDir dir;
  const std::string path = dir.File("truncated.xml");
  std::string text = kSmallDocument;
  text.resize(text.size() / 2);
  testing::WriteFile(path, text);
  auto parsed = ParseSource({Format::kOfacEnhancedXml, {path}});
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code(), ErrorCode::kParse);
}

TEST(OfacEnhancedXmlRealData, ConsEnhancedCounts) {
  const std::string path = testing::SharedDataFile(
      "lists/ofac_nonsdn_consolidated_2025-12/CONS_ENHANCED.ZIP");
  if (path.empty()) GTEST_SKIP() << "CONS_ENHANCED.ZIP absent";
  auto format = DetectFormat(path);
  ASSERT_TRUE(format) << format.error().ToString();
  EXPECT_EQ(*format, Format::kOfacEnhancedXml);
  const auto start = std::chrono::steady_clock::now();
  auto parsed = ParseSource({Format::kOfacEnhancedXml, {path}});
  std::cout << "[ timing ] CONS_ENHANCED.ZIP: "
            << std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - start)
                   .count()
            << " ms\n";
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  ASSERT_EQ(parsed->lists.size(), 1u);
  const ListDocument& list = parsed->lists[0];
  EXPECT_EQ(list.code, "OFAC-NONSDN");
  EXPECT_EQ(list.published, "2025-01-10");
  EXPECT_EQ(list.publisher, "U.S. Treasury OFAC");
  EXPECT_EQ(list.parties.size(), 443u);
  long relationships = 0;
  long weak = 0;
  for (const Party& party : list.parties) {
    relationships += static_cast<long>(party.relationships.size());
    ASSERT_FALSE(party.names.empty());
    EXPECT_EQ(party.names[0].strength, AliasStrength::kPrimary);
    for (const Name& name : party.names) {
      if (name.strength == AliasStrength::kWeak) ++weak;
    }
  }
  EXPECT_EQ(relationships, 283);
  EXPECT_GT(weak, 0);

  const Party* haniya = FindParty(list, "9639");
  ASSERT_NE(haniya, nullptr);
  EXPECT_EQ(haniya->type, PartyType::kPerson);
  EXPECT_EQ(haniya->names[0].full, "HANIYA, Ismail Abdul Salah");
  EXPECT_EQ(haniya->programs, (std::vector<std::string>{"NS-PLC"}));
  EXPECT_EQ(haniya->dates_of_birth, (std::vector<std::string>{"1962"}));
  EXPECT_EQ(haniya->places_of_birth, (std::vector<std::string>{"Shati"}));
  EXPECT_NE(FindName(*haniya, "HANIYYA, Ismaeel"), nullptr);

  // VTB: a Cyrillic translation of the primary name, an LEI with country,
  // and a subsidiary "Owned or Controlled By" it.
  const Party* vtb = FindParty(list, "17013");
  ASSERT_NE(vtb, nullptr);
  EXPECT_EQ(vtb->type, PartyType::kEntity);
  EXPECT_EQ(vtb->names[0].full, "VTB BANK PUBLIC JOINT STOCK COMPANY");
  const Name* cyrillic =
      FindName(*vtb, "БАНК ВТБ ПУБЛИЧНОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО");
  ASSERT_NE(cyrillic, nullptr);
  EXPECT_EQ(cyrillic->script, "Cyrl");
  const Identifier* lei = FindIdentifier(*vtb, "lei", "253400V1H6ART1UQ0N98");
  ASSERT_NE(lei, nullptr);
  EXPECT_TRUE(lei->country == "RU" || lei->note == "Russia");
  const Party* subsidiary = FindParty(list, "17017");
  ASSERT_NE(subsidiary, nullptr);
  bool owned = false;
  for (const Relationship& rel : subsidiary->relationships) {
    if (rel.type == "Owned or Controlled By" &&
        rel.other_source_id == "17013") {
      owned = true;
      EXPECT_EQ(rel.other_name, "VTB BANK PUBLIC JOINT STOCK COMPANY");
    }
  }
  EXPECT_TRUE(owned);
}

}  // namespace
}  // namespace clearance::lists
