// OFAC SDN ADVANCED_XML: hand-written fixtures for the mapping and the
// errors, the real 2025-11-19 file for the counts in shared/data/README.md.
#include "engine/lists/ofac_advanced_xml.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "engine/lists/lists.h"
#include "engine/lists/parsers.h"
#include "tests/test_support.h"

namespace clearance::lists {
namespace {

using internal::OfacAdvancedStats;
using internal::ReadOfacAdvancedXml;

std::string Fixture(const std::string& name) {
  return testing::TestDataFile("ofac_advanced/" + name);
}

const Party* FindParty(const ListDocument& document, const std::string& id) {
  for (const Party& party : document.parties) {
    if (party.source_id == id) return &party;
  }
  return nullptr;
}

const Name* FindName(const Party& party, const std::string& full) {
  for (const Name& name : party.names) {
    if (name.full == full) return &name;
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

// --- Hand-written fixtures ------------------------------------------------

TEST(OfacAdvancedXml, MinimalDocumentMapsEverySection) {
  std::vector<std::string> warnings;
  OfacAdvancedStats stats;
  auto document =
      ReadOfacAdvancedXml(Fixture("minimal.xml"), {}, &warnings, &stats);
  ASSERT_TRUE(document.has_value()) << document.error().ToString();
  EXPECT_EQ(document->code, "OFAC-SDN");
  EXPECT_EQ(document->name,
            "OFAC Specially Designated Nationals and Blocked Persons List");
  EXPECT_EQ(document->publisher, "U.S. Treasury OFAC");
  EXPECT_EQ(document->published, "2025-11-19");
  ASSERT_EQ(document->parties.size(), 2u);
  EXPECT_TRUE(warnings.empty());
  EXPECT_EQ(stats.aliases, 4);
  EXPECT_EQ(stats.documented_names, 5);
  EXPECT_EQ(stats.locations, 2);
  EXPECT_EQ(stats.id_documents, 2);
  EXPECT_EQ(stats.relationships, 1);
  EXPECT_EQ(stats.name_parts_by_script["Latn"], 6);
  EXPECT_EQ(stats.name_parts_by_script["Hani"], 2);

  const Party& person = document->parties[0];
  EXPECT_EQ(person.source_id, "100");
  EXPECT_EQ(person.type, PartyType::kPerson);
  ASSERT_EQ(person.names.size(), 4u);
  // The primary alias's "Primary Latin" name comes first, whatever the order
  // in the file.
  EXPECT_EQ(person.names[0].full, "YAN Xiaobing");
  EXPECT_EQ(person.names[0].strength, AliasStrength::kPrimary);
  EXPECT_EQ(person.names[0].script, "Latn");
  EXPECT_EQ(person.names[0].alias_type, "Name");
  ASSERT_EQ(person.names[0].parts.size(), 2u);
  EXPECT_EQ(person.names[0].parts[0].type, "family");
  EXPECT_EQ(person.names[0].parts[0].value, "YAN");
  EXPECT_EQ(person.names[0].parts[1].type, "given");
  const Name* han = FindName(person, "颜晓兵");
  ASSERT_NE(han, nullptr);
  EXPECT_EQ(han->script, "Hani");
  EXPECT_EQ(han->strength, AliasStrength::kStrong);
  const Name* weak = FindName(person, "ZHOU William");
  ASSERT_NE(weak, nullptr);
  EXPECT_EQ(weak->strength, AliasStrength::kWeak);
  EXPECT_EQ(weak->alias_type, "A.K.A.");
  const Name* former = FindName(person, "YEN");
  ASSERT_NE(former, nullptr);
  EXPECT_EQ(former->strength, AliasStrength::kFormerly);
  EXPECT_EQ(former->alias_type, "F.K.A.");

  EXPECT_EQ(person.dates_of_birth, std::vector<std::string>{"1960/1962"});
  EXPECT_EQ(person.nationalities, std::vector<std::string>{"PK"});
  EXPECT_EQ(person.Attribute("gender"), "Male");
  EXPECT_NE(person.remarks.find("Circa 1961"), std::string::npos);
  const Identifier* crypto = FindIdentifier(
      person, "crypto_address", "12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h");
  ASSERT_NE(crypto, nullptr);
  EXPECT_EQ(crypto->currency, "XBT");
  EXPECT_EQ(crypto->label, "Digital Currency Address - XBT");
  const Identifier* passport = FindIdentifier(person, "passport", "AM5421691");
  ASSERT_NE(passport, nullptr);
  EXPECT_EQ(passport->label, "Passport");
  EXPECT_EQ(passport->country, "PK");
  EXPECT_EQ(passport->expires, "2013-08-11");
  EXPECT_EQ(passport->issued, "");
  EXPECT_EQ(person.programs, std::vector<std::string>{"SDGT"});
  EXPECT_EQ(person.Attribute("list"), "SDN List");
  EXPECT_EQ(person.Attribute("entry_date"), "2019-03-05");

  const Party& entity = document->parties[1];
  EXPECT_EQ(entity.source_id, "200");
  EXPECT_EQ(entity.type, PartyType::kEntity);
  ASSERT_EQ(entity.names.size(), 1u);
  EXPECT_EQ(entity.names[0].full, "ACME TRADING CO.");
  EXPECT_EQ(entity.names[0].parts[0].type, "entity");
  EXPECT_EQ(entity.remarks, "all offices worldwide");
  ASSERT_EQ(entity.addresses.size(), 1u);
  const Address& address = entity.addresses[0];
  EXPECT_EQ(address.street, "Calle 23 No. 55");
  EXPECT_EQ(address.city, "Havana");  // the primary value, not "La Habana"
  EXPECT_EQ(address.country, "CU");
  EXPECT_EQ(address.country_name, "Cuba");
  EXPECT_EQ(address.full, "Calle 23 No. 55, Havana, Cuba");
  EXPECT_EQ(entity.Attribute("organization_established_date"), "1991-11");
  EXPECT_EQ(entity.Attribute("feature:Equity Ticker"), "ACME:HAV");
  const Identifier* lei = FindIdentifier(entity, "lei", "549300ABCDEF12345678");
  ASSERT_NE(lei, nullptr);
  EXPECT_EQ(lei->label, "Legal Entity Number");
  EXPECT_EQ(entity.programs, (std::vector<std::string>{"CUBA", "SDGT"}));
  ASSERT_EQ(entity.relationships.size(), 1u);
  EXPECT_EQ(entity.relationships[0].type, "Owned or Controlled By");
  EXPECT_EQ(entity.relationships[0].other_source_id, "100");
  EXPECT_EQ(entity.relationships[0].other_name, "YAN Xiaobing");
  EXPECT_TRUE(person.relationships.empty());
}

TEST(OfacAdvancedXml, ParseSourceFillsOneList) {
  ParsedSource out;
  auto parsed =
      internal::ParseOfacAdvancedXml({Fixture("minimal.xml")}, {}, out);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  ASSERT_EQ(out.lists.size(), 1u);
  EXPECT_EQ(out.lists[0].parties.size(), 2u);
}

struct BadFixture {
  const char* file;
  const char* line;  // "line N" expected in the message
  const char* what;  // a phrase expected in the message
};

class OfacAdvancedXmlErrors : public ::testing::TestWithParam<BadFixture> {};

TEST_P(OfacAdvancedXmlErrors, FailNamingFileAndLine) {
  const BadFixture& bad = GetParam();
  std::vector<std::string> warnings;
  OfacAdvancedStats stats;
  auto document = ReadOfacAdvancedXml(Fixture(bad.file), {}, &warnings, &stats);
  ASSERT_FALSE(document.has_value()) << bad.file << " parsed";
  const std::string message = document.error().message();
  EXPECT_EQ(document.error().code(), ErrorCode::kParse) << message;
  EXPECT_NE(message.find(bad.file), std::string::npos) << message;
  EXPECT_NE(message.find(bad.line), std::string::npos) << message;
  EXPECT_NE(message.find(bad.what), std::string::npos) << message;
  EXPECT_TRUE(warnings.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, OfacAdvancedXmlErrors,
    ::testing::Values(
        BadFixture{"truncated.xml", "line 238", "malformed XML"},
        BadFixture{"not_well_formed.xml", "line 98", "malformed XML"},
        BadFixture{"missing_fixed_ref.xml",
                   "line 234:", "DistinctParty without FixedRef"},
        BadFixture{"dangling_alias_type.xml",
                   "line 176:", "AliasTypeID=\"1499\" refers to no AliasType"},
        BadFixture{"dangling_location.xml",
                   "line 252:", "LocationID=\"26\" refers to no Location"},
        BadFixture{"dangling_identity.xml",
                   "line 136:", "IdentityID=\"7777\" refers to no Identity"},
        BadFixture{"unknown_profile.xml",
                   "line 283:", "To-ProfileID=\"999\" refers to no Profile"}),
    [](const ::testing::TestParamInfo<BadFixture>& info) {
      std::string name = info.param.file;
      name = name.substr(0, name.find('.'));
      std::erase(name, '_');
      return name;
    });

TEST(OfacAdvancedXml, MissingFileIsAnError) {
  auto document =
      ReadOfacAdvancedXml(Fixture("no_such_file.xml"), {}, nullptr, nullptr);
  ASSERT_FALSE(document.has_value());
  EXPECT_NE(document.error().message().find("no_such_file.xml"),
            std::string::npos);
}

TEST(OfacAdvancedXml, SeveralPathsAreRejected) {
  ParsedSource out;
  auto parsed = internal::ParseOfacAdvancedXml(
      {Fixture("minimal.xml"), Fixture("minimal.xml")}, {}, out);
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(out.lists.empty());
}

// --- The real list ----------------------------------------------------------

class OfacAdvancedXmlRealData : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string path = testing::SharedDataFile(
        "lists/ofac_sdn_advanced_2025-11-19/sdn_advanced.xml.bz2");
    if (path.empty()) return;
    stats_ = new OfacAdvancedStats();
    long progress_calls = 0;
    ParseOptions options;
    options.progress = [&](std::int64_t, std::int64_t) { ++progress_calls; };
    auto document = ReadOfacAdvancedXml(path, options, &warnings_, stats_);
    if (!document) {
      error_ = new std::string(document.error().ToString());
      return;
    }
    document_ = new ListDocument(std::move(*document));
    progress_calls_ = progress_calls;
  }
  static void TearDownTestSuite() {
    delete document_;
    delete stats_;
    delete error_;
    document_ = nullptr;
    stats_ = nullptr;
    error_ = nullptr;
  }
  void SetUp() override {
    if (document_ == nullptr && error_ == nullptr) {
      GTEST_SKIP() << "shared data lists/ofac_sdn_advanced_2025-11-19 absent";
    }
    ASSERT_EQ(error_, nullptr) << *error_;
  }

  static ListDocument* document_;
  static OfacAdvancedStats* stats_;
  static std::string* error_;
  static std::vector<std::string> warnings_;
  static long progress_calls_;
};

ListDocument* OfacAdvancedXmlRealData::document_ = nullptr;
OfacAdvancedStats* OfacAdvancedXmlRealData::stats_ = nullptr;
std::string* OfacAdvancedXmlRealData::error_ = nullptr;
std::vector<std::string> OfacAdvancedXmlRealData::warnings_;
long OfacAdvancedXmlRealData::progress_calls_ = 0;

TEST_F(OfacAdvancedXmlRealData, HeaderAndParties) {
  EXPECT_EQ(document_->code, "OFAC-SDN");
  EXPECT_EQ(document_->published, "2025-11-19");
  EXPECT_GE(progress_calls_, 3);  // about one per MiB of the .bz2
  EXPECT_TRUE(warnings_.empty()) << warnings_.front();
  ASSERT_EQ(document_->parties.size(), 18367u);
  std::map<PartyType, long> by_type;
  std::set<std::string> ids;
  for (const Party& party : document_->parties) {
    ++by_type[party.type];
    ids.insert(party.source_id);
  }
  EXPECT_EQ(ids.size(), 18367u);
  EXPECT_EQ(by_type[PartyType::kEntity], 9359);
  EXPECT_EQ(by_type[PartyType::kPerson], 7303);
  EXPECT_EQ(by_type[PartyType::kVessel], 1370);
  EXPECT_EQ(by_type[PartyType::kAircraft], 335);
  EXPECT_EQ(by_type[PartyType::kUnknown], 0);
  EXPECT_EQ(stats_->distinct_parties, 18367);
}

TEST_F(OfacAdvancedXmlRealData, Names) {
  // README: 42,777 aliases. One Name per DocumentedName: an alias written in
  // Latin and in Chinese script is two Names.
  EXPECT_EQ(stats_->aliases, 42777);
  EXPECT_EQ(stats_->documented_names, 48482);
  long names = 0;
  std::map<std::string, long> parts_by_script;
  for (const Party& party : document_->parties) {
    names += static_cast<long>(party.names.size());
    ASSERT_FALSE(party.names.empty()) << party.source_id;
    EXPECT_EQ(party.names[0].strength, AliasStrength::kPrimary)
        << party.source_id;
    EXPECT_EQ(std::count_if(party.names.begin(), party.names.end(),
                            [](const Name& n) {
                              return n.strength == AliasStrength::kPrimary;
                            }),
              1)
        << party.source_id;
    for (const Name& name : party.names) {
      EXPECT_FALSE(name.full.empty()) << party.source_id;
      parts_by_script[name.script] += static_cast<long>(name.parts.size());
    }
  }
  EXPECT_EQ(names, 48482);
  // README counts name parts (NamePartValue) by script: Chinese 755
  // (Simplified 530 + Traditional 225), Cyrillic 7,219, Arabic 1,980.
  EXPECT_EQ(stats_->name_parts_by_script["Hani"], 755);
  EXPECT_EQ(stats_->name_parts_by_script["Cyrl"], 7219);
  EXPECT_EQ(stats_->name_parts_by_script["Arab"], 1980);
  // A DocumentedName never mixes scripts, so the Names agree.
  EXPECT_EQ(parts_by_script["Hani"], 755);
  EXPECT_EQ(parts_by_script["Cyrl"], 7219);
  EXPECT_EQ(parts_by_script["Arab"], 1980);
}

TEST_F(OfacAdvancedXmlRealData, LocationsAndAddresses) {
  EXPECT_EQ(stats_->locations, 22409);
  long addresses = 0;
  long with_country = 0;
  for (const Party& party : document_->parties) {
    addresses += static_cast<long>(party.addresses.size());
    for (const Address& address : party.addresses) {
      if (!address.country.empty()) ++with_country;
      // OFAC's Country "undetermined" means unknown, not a country name.
      EXPECT_NE(address.country_name, "undetermined");
    }
  }
  // 22,074 "Location" features; the other Locations are nationalities,
  // places of issue, and the like.
  EXPECT_EQ(addresses, 22074);
  EXPECT_GT(with_country, 20000);
}

TEST_F(OfacAdvancedXmlRealData, IdentityDocuments) {
  EXPECT_EQ(stats_->id_documents, 21078);
  std::map<std::string, long> by_type;
  long uscc_labelled = 0;
  for (const Party& party : document_->parties) {
    for (const Identifier& id : party.identifiers) {
      ++by_type[id.type];
      if (id.label == "Unified Social Credit Code (USCC)") ++uscc_labelled;
    }
  }
  EXPECT_EQ(by_type["lei"], 172);
  EXPECT_EQ(uscc_labelled, 237);
  // Plus 8 "United Social Credit Code Certificate (USCCC)".
  EXPECT_EQ(by_type["uscc"], 245);
  EXPECT_EQ(by_type["passport"], 2506 + 23 + 1 + 1);  // 4 passport kinds
  EXPECT_EQ(by_type["mmsi"], 646);
  EXPECT_EQ(by_type["imo"], 1372);  // of 1,377 Vessel Registration IDs
}

TEST_F(OfacAdvancedXmlRealData, DigitalCurrencyAddresses) {
  long addresses = 0;
  std::set<std::string> unique;
  std::set<std::string> parties;
  for (const Party& party : document_->parties) {
    for (const Identifier& id : party.identifiers) {
      if (id.type != "crypto_address") continue;
      ++addresses;
      unique.insert(id.value);
      parties.insert(party.source_id);
      EXPECT_FALSE(id.currency.empty());
      EXPECT_EQ(id.label, "Digital Currency Address - " + id.currency);
    }
  }
  EXPECT_EQ(addresses, 761);
  EXPECT_EQ(unique.size(), 745u);
  EXPECT_EQ(parties.size(), 79u);
}

TEST_F(OfacAdvancedXmlRealData, RelationshipsAndPrograms) {
  EXPECT_EQ(stats_->relationships, 8194);
  long relationships = 0;
  long owned = 0;
  std::set<std::string> programs;
  std::set<std::string> ids;
  for (const Party& party : document_->parties) ids.insert(party.source_id);
  for (const Party& party : document_->parties) {
    for (const Relationship& r : party.relationships) {
      ++relationships;
      if (r.type == "Owned or Controlled By") ++owned;
      EXPECT_TRUE(ids.contains(r.other_source_id)) << r.other_source_id;
      EXPECT_FALSE(r.other_name.empty());
    }
    programs.insert(party.programs.begin(), party.programs.end());
  }
  EXPECT_EQ(relationships, 8194);
  EXPECT_EQ(owned, 3718);
  EXPECT_EQ(programs.size(), 73u);
  EXPECT_TRUE(programs.contains("SDGT"));
  EXPECT_TRUE(programs.contains("RUSSIA-EO14024"));
}

TEST_F(OfacAdvancedXmlRealData, ChineseNameIsHani) {
  const Party* yan = FindParty(*document_, "25308");
  ASSERT_NE(yan, nullptr);
  EXPECT_EQ(yan->type, PartyType::kPerson);
  EXPECT_EQ(yan->names[0].full, "YAN Xiaobing");
  const Name* simplified = FindName(*yan, "颜晓兵");
  ASSERT_NE(simplified, nullptr);
  EXPECT_EQ(simplified->script, "Hani");
  const Name* traditional = FindName(*yan, "顏曉兵");
  ASSERT_NE(traditional, nullptr);
  EXPECT_EQ(traditional->script, "Hani");
  const Name* weak = FindName(*yan, "ZHOU William");
  ASSERT_NE(weak, nullptr);
  EXPECT_EQ(weak->strength, AliasStrength::kWeak);
  const Identifier* xbt = FindIdentifier(*yan, "crypto_address",
                                         "12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h");
  ASSERT_NE(xbt, nullptr);
  EXPECT_EQ(xbt->currency, "XBT");
}

TEST_F(OfacAdvancedXmlRealData, KnownParties) {
  const Party* aero = FindParty(*document_, "36");
  ASSERT_NE(aero, nullptr);
  EXPECT_EQ(aero->type, PartyType::kEntity);
  EXPECT_EQ(aero->names[0].full, "AEROCARIBBEAN AIRLINES");
  const Name* aka = FindName(*aero, "AERO-CARIBBEAN");
  ASSERT_NE(aka, nullptr);
  EXPECT_EQ(aka->strength, AliasStrength::kStrong);
  EXPECT_EQ(aka->alias_type, "A.K.A.");
  ASSERT_EQ(aero->addresses.size(), 1u);
  EXPECT_EQ(aero->addresses[0].city, "Havana");
  EXPECT_EQ(aero->addresses[0].country, "CU");
  EXPECT_EQ(aero->programs, std::vector<std::string>{"CUBA"});

  const Party* bnc = FindParty(*document_, "306");
  ASSERT_NE(bnc, nullptr);
  EXPECT_EQ(bnc->names[0].full, "BANCO NACIONAL DE CUBA");
  const Name* weak = FindName(*bnc, "BNC");
  ASSERT_NE(weak, nullptr);
  EXPECT_EQ(weak->strength, AliasStrength::kWeak);

  const Party* barakzai = FindParty(*document_, "15007");
  ASSERT_NE(barakzai, nullptr);
  EXPECT_EQ(barakzai->type, PartyType::kPerson);
  EXPECT_EQ(barakzai->names[0].full, "BARAKZAI Haji Abdul Sattar");
  const Identifier* passport =
      FindIdentifier(*barakzai, "passport", "AM5421691");
  ASSERT_NE(passport, nullptr);
  EXPECT_EQ(passport->country, "PK");
  EXPECT_EQ(passport->expires, "2013-08-11");
  EXPECT_NE(FindIdentifier(*barakzai, "national_id", "5420250161699"), nullptr);

  const Party* abbas = FindParty(*document_, "2674");
  ASSERT_NE(abbas, nullptr);
  EXPECT_EQ(abbas->names[0].full, "ABBAS Abu");
  EXPECT_EQ(abbas->dates_of_birth, std::vector<std::string>{"1948-12-10"});

  // Profile 13124 is "Owned or Controlled By" 13128.
  const Party* owned = FindParty(*document_, "13124");
  ASSERT_NE(owned, nullptr);
  const auto it = std::find_if(
      owned->relationships.begin(), owned->relationships.end(),
      [](const Relationship& r) { return r.other_source_id == "13128"; });
  ASSERT_NE(it, owned->relationships.end());
  EXPECT_EQ(it->type, "Owned or Controlled By");
  const Party* owner = FindParty(*document_, "13128");
  ASSERT_NE(owner, nullptr);
  EXPECT_EQ(it->other_name, owner->names[0].full);
}

}  // namespace
}  // namespace clearance::lists
