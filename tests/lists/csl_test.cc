#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>

#include "engine/lists/csl_record.h"
#include "engine/lists/lists.h"
#include "tests/test_support.h"

namespace clearance::lists {
namespace {

const ListDocument* FindList(const ParsedSource& source,
                             std::string_view code) {
  for (const ListDocument& list : source.lists) {
    if (list.code == code) return &list;
  }
  return nullptr;
}

const Party* FindParty(const ListDocument& list, std::string_view id) {
  for (const Party& party : list.parties) {
    if (party.source_id == id) return &party;
  }
  return nullptr;
}

const Identifier* FindIdentifier(const Party& party, std::string_view type) {
  for (const Identifier& id : party.identifiers) {
    if (id.type == type) return &id;
  }
  return nullptr;
}

bool HasName(const Party& party, std::string_view full) {
  return std::any_of(party.names.begin(), party.names.end(),
                     [&](const Name& n) { return n.full == full; });
}

std::string ErrorOf(Format format, const std::string& path) {
  auto parsed = ParseSource(SourceSpec{format, {path}});
  EXPECT_FALSE(parsed.has_value()) << path << " parsed but should not";
  if (parsed) return "";
  EXPECT_EQ(parsed.error().code(), ErrorCode::kParse)
      << parsed.error().ToString();
  return parsed.error().message();
}

class CslCsv2022 : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string path =
        testing::SharedDataFile("lists/us_csl_2022-04/consolidated.csv");
    if (path.empty()) return;
    present_ = true;
    auto format = DetectFormat(path);
    if (!format || *format != Format::kCslCsv) {
      error_ = format ? "detected as " + std::string(FormatName(*format))
                      : format.error().ToString();
      return;
    }
    auto parsed = ParseSource(SourceSpec{Format::kCslCsv, {path}});
    if (!parsed) {
      error_ = parsed.error().ToString();
      return;
    }
    source_ = new ParsedSource(std::move(*parsed));
  }
  static void TearDownTestSuite() {
    delete source_;
    source_ = nullptr;
  }
  void SetUp() override {
    if (!present_) {
      GTEST_SKIP() << "lists/us_csl_2022-04/consolidated.csv absent";
    }
    ASSERT_NE(source_, nullptr) << error_;
  }
  const ListDocument& List(std::string_view code) {
    const ListDocument* list = FindList(*source_, code);
    EXPECT_NE(list, nullptr) << code;
    static const ListDocument kEmpty;
    return list != nullptr ? *list : kEmpty;
  }

  static bool present_;
  static std::string error_;
  static ParsedSource* source_;
};
bool CslCsv2022::present_ = false;
std::string CslCsv2022::error_;
ParsedSource* CslCsv2022::source_ = nullptr;

TEST_F(CslCsv2022, OneListPerSourceWithTheREADMECounts) {
  // 14,160 rows. Capta entry 15268 is repeated (differing only in
  // source_list_url) and merged, so CAPTA has 53 rows but 52 parties.
  const std::map<std::string, long> kParties = {
      {"CSL-OFAC-SDN", 10026},
      {"BIS-EL", 2001},
      {"STATE-ITAR-DEBARRED", 727},
      {"BIS-DPL", 462},
      {"CSL-OFAC-SSI", 290},
      {"BIS-UVL", 201},
      {"STATE-ISN", 163},
      {"CSL-OFAC-PLC", 78},
      {"BIS-MEU", 71},
      {"CSL-OFAC-CMIC", 68},
      {"CSL-OFAC-CAPTA", 52},
      {"CSL-OFAC-NS-MBS", 17},
      {"CSL-OFAC-FSE", 3},
  };
  ASSERT_EQ(source_->lists.size(), kParties.size());
  long total = 0;
  for (const auto& [code, parties] : kParties) {
    EXPECT_EQ(static_cast<long>(List(code).parties.size()), parties) << code;
    total += static_cast<long>(List(code).parties.size());
  }
  EXPECT_EQ(total + 1, 14160);  // + the merged Capta repeat
  const auto repeat =
      std::count_if(source_->warnings.begin(), source_->warnings.end(),
                    [](const std::string& w) {
                      return w.find("merged") != std::string::npos;
                    });
  EXPECT_EQ(repeat, 1);
  const Party* bank = FindParty(List("CSL-OFAC-CAPTA"), "15268");
  ASSERT_NE(bank, nullptr);
  EXPECT_EQ(bank->names[0].full, "BANK OF KUNLUN CO LTD");
  EXPECT_EQ(bank->addresses.size(), 4u);
}

TEST_F(CslCsv2022, ListMetadata) {
  const ListDocument& el = List("BIS-EL");
  EXPECT_EQ(el.name, "Entity List (EL) - Bureau of Industry and Security");
  EXPECT_EQ(el.publisher,
            "trade.gov Consolidated Screening List (Bureau of Industry and "
            "Security)");
  EXPECT_EQ(el.published, "");
  EXPECT_EQ(List("CSL-OFAC-SDN").publisher,
            "trade.gov Consolidated Screening List (Treasury Department)");
}

TEST_F(CslCsv2022, EntityListAddressCountries) {
  // README: 465 CN, 573 RU, 91 HK, counted as Entity List rows with an
  // address ending in ", CN". A few rows also have an address that is the
  // bare code ("CN"); counting those too gives 467, 576, 95.
  const ListDocument& el = List("BIS-EL");
  auto rows_with = [&](std::string_view code, bool bare_code_counts) {
    return std::count_if(
        el.parties.begin(), el.parties.end(), [&](const Party& party) {
          return std::any_of(party.addresses.begin(), party.addresses.end(),
                             [&](const Address& a) {
                               return a.country_name == code &&
                                      (bare_code_counts || a.full != code);
                             });
        });
  };
  EXPECT_EQ(rows_with("CN", false), 465);
  EXPECT_EQ(rows_with("RU", false), 573);
  EXPECT_EQ(rows_with("HK", false), 91);
  EXPECT_EQ(rows_with("CN", true), 467);
  EXPECT_EQ(rows_with("RU", true), 576);
  EXPECT_EQ(rows_with("HK", true), 95);
}

TEST_F(CslCsv2022, EntityListKeepsLicenseFields) {
  const ListDocument& el = List("BIS-EL");
  const Party* plant =
      FindParty(el, "4398d33e9e93c7477af39f1e0bfffc13ddd47bcc");
  ASSERT_NE(plant, nullptr);
  EXPECT_EQ(plant->names[0].full, "140 Repair Plant JSC");
  EXPECT_EQ(plant->type, PartyType::kUnknown);
  EXPECT_TRUE(HasName(*plant, "Open Joint Stock Company 140 Repair Plant"));
  EXPECT_TRUE(HasName(*plant, "JSC 140 Repair Plant"));  // "and " dropped
  EXPECT_EQ(plant->Attribute("federal_register_notice"), "87 FR 20299");
  EXPECT_EQ(plant->Attribute("start_date"), "2022-04-07");
  EXPECT_EQ(plant->Attribute("license_policy"), "Policy of denial.");
  EXPECT_EQ(plant->Attribute("license_requirement"),
            "For all items subject to the EAR. (See §§734.9(g),3 "
            "746.8(a)(3), and 744.21(b) of the EAR.)");
  ASSERT_EQ(plant->addresses.size(), 1u);
  EXPECT_EQ(plant->addresses[0].country, "BY");
  EXPECT_EQ(plant->addresses[0].full,
            "19 Luysi Chalovskoy St., Borisov, 222512, BY");
  const long with_license =
      std::count_if(el.parties.begin(), el.parties.end(), [](const Party& p) {
        return !p.Attribute("license_requirement").empty() &&
               !p.Attribute("license_policy").empty() &&
               !p.Attribute("federal_register_notice").empty();
      });
  EXPECT_GT(with_license, 1900);
}

TEST_F(CslCsv2022, SdnRecordFields) {
  const ListDocument& sdn = List("CSL-OFAC-SDN");
  const Party* person = FindParty(sdn, "9935");
  ASSERT_NE(person, nullptr);
  EXPECT_EQ(person->type, PartyType::kPerson);
  EXPECT_EQ(person->names[0].full,
            "'ABD AL-RAZZIQ, Abu Sufian al-Salamabi Muhammed Ahmed");
  EXPECT_EQ(person->names[0].strength, AliasStrength::kPrimary);
  EXPECT_EQ(person->names.size(), 15u);  // primary + 14 a.k.a.s
  EXPECT_EQ(person->names[1].strength, AliasStrength::kStrong);
  EXPECT_EQ(person->nationalities, (std::vector<std::string>{"CA", "SD"}));
  EXPECT_EQ(person->dates_of_birth, (std::vector<std::string>{"1962-08-06"}));
  EXPECT_EQ(person->places_of_birth,
            (std::vector<std::string>{"Al-Bawgah, Sudan", "Albaouga, Sudan"}));
  const Identifier* passport = FindIdentifier(*person, "passport");
  ASSERT_NE(passport, nullptr);
  EXPECT_EQ(passport->value, "BC166787");
  EXPECT_EQ(passport->country, "CA");
  EXPECT_EQ(passport->label, "Passport");

  const Party* hajji = FindParty(sdn, "26095");
  ASSERT_NE(hajji, nullptr);
  EXPECT_EQ(hajji->dates_of_birth,
            (std::vector<std::string>{"1967", "1966", "1968"}));

  const Party* asadi = FindParty(sdn, "26860");
  ASSERT_NE(asadi, nullptr);
  EXPECT_EQ(asadi->programs,
            (std::vector<std::string>{"IFSR", "IRGC", "SDGT"}));
  ASSERT_EQ(asadi->relationships.size(), 1u);
  EXPECT_EQ(asadi->relationships[0].type, "Linked To");
  EXPECT_EQ(asadi->relationships[0].other_name,
            "ISLAMIC REVOLUTIONARY GUARD CORPS (IRGC)-QODS FORCE");
  EXPECT_EQ(asadi->Attribute("additional_sanctions_information"),
            "Subject to Secondary Sanctions");
  ASSERT_EQ(asadi->addresses.size(), 1u);
  EXPECT_EQ(asadi->addresses[0].country, "IQ");

  const Party* yasir = FindParty(sdn, "24904");
  ASSERT_NE(yasir, nullptr);
  EXPECT_EQ(yasir->Attribute("gender"), "Male");
  EXPECT_TRUE(yasir->identifiers.empty());
}

TEST_F(CslCsv2022, IdentifierTypesAndDates) {
  const ListDocument& sdn = List("CSL-OFAC-SDN");
  std::map<std::string, long> by_type;
  const Identifier* dated = nullptr;
  for (const Party& party : sdn.parties) {
    for (const Identifier& id : party.identifiers) {
      ++by_type[id.type];
      if (id.value == "K475336") dated = &id;
    }
  }
  // README (advanced XML, 2025) has 745 unique addresses; this 2022 CSL:
  EXPECT_EQ(by_type["crypto_address"],
            278 + 30 + 10 + 9 + 4 + 3 + 3 + 3 + 1 + 1 + 1 + 1 + 1);
  EXPECT_GT(by_type["passport"], 1600);
  EXPECT_GT(by_type["tax_id"], 500);
  EXPECT_GT(by_type["imo"], 400);
  EXPECT_GT(by_type["swift_bic"], 100);
  EXPECT_GT(by_type["lei"], 0);
  EXPECT_GT(by_type["uscc"], 0);
  EXPECT_GT(by_type["email"], 200);
  EXPECT_GT(by_type["website"], 600);
  // "JO, 2014-08-30, 2009-08-31, K475336, Passport": the later date expires.
  ASSERT_NE(dated, nullptr);
  EXPECT_EQ(dated->country, "JO");
  EXPECT_EQ(dated->issued, "2009-08-31");
  EXPECT_EQ(dated->expires, "2014-08-30");

  for (const Party& party : sdn.parties) {
    for (const Identifier& id : party.identifiers) {
      if (id.label == "Digital Currency Address - XBT") {
        EXPECT_EQ(id.type, "crypto_address");
        EXPECT_EQ(id.currency, "XBT");
        EXPECT_FALSE(id.value.empty());
      }
      // A single date's role is unknown: it is in the note, not a field.
      if (id.value == "110364903") {
        EXPECT_EQ(id.country, "MM");
        EXPECT_TRUE(id.issued.empty());
        EXPECT_NE(id.note.find("2017-01-16"), std::string::npos);
      }
    }
  }
}

TEST_F(CslCsv2022, TypesPerList) {
  for (const Party& party : List("BIS-MEU").parties) {
    EXPECT_EQ(party.type, PartyType::kEntity) << party.source_id;
  }
  for (const Party& party : List("STATE-ITAR-DEBARRED").parties) {
    EXPECT_EQ(party.type, PartyType::kUnknown) << party.source_id;
  }
  std::map<PartyType, long> sdn_types;
  for (const Party& party : List("CSL-OFAC-SDN").parties) {
    ++sdn_types[party.type];
  }
  EXPECT_EQ(sdn_types[PartyType::kPerson], 5206);
  EXPECT_EQ(sdn_types[PartyType::kEntity], 4104);
  EXPECT_EQ(sdn_types[PartyType::kVessel], 433);
  EXPECT_EQ(sdn_types[PartyType::kAircraft], 283);
}

TEST_F(CslCsv2022, TextIsCleaned) {
  // The MEU row spells "Xi’an" with U+0092 (a Windows-1252 quote gone
  // through Latin-1) and one name ends in blank lines.
  bool found = false;
  for (const Party& party : List("BIS-MEU").parties) {
    const std::string& name = party.names[0].full;
    EXPECT_EQ(name.find("\xC2\x92"), std::string::npos) << name;
    EXPECT_NE(name.back(), '\n') << name;
    if (name == "CAST Xi\u2019an Spaceflight Engine Factory") found = true;
  }
  EXPECT_TRUE(found);
}

TEST_F(CslCsv2022, DplCopyKeepsOrderFields) {
  const Party* ash =
      FindParty(List("BIS-DPL"), "deb7a1d5743a85c354ca1a2c7f2664e2104b32d7");
  ASSERT_NE(ash, nullptr);
  EXPECT_EQ(ash->names[0].full, "I. ASH");  // leading space trimmed
  EXPECT_EQ(ash->Attribute("start_date"), "2003-06-19");
  EXPECT_EQ(ash->Attribute("end_date"), "2056-06-29");
  EXPECT_EQ(ash->Attribute("standard_order"), "Y");
  ASSERT_EQ(ash->addresses.size(), 1u);
  EXPECT_EQ(ash->addresses[0].country, "US");
}

TEST(CslCsv2025, SameHeaderNewIdOrder) {
  const std::string path = testing::SharedDataFile(
      "lists/us_csl_2022-04/csl_format_sample_2025.csv");
  if (path.empty()) GTEST_SKIP() << "csl_format_sample_2025.csv absent";
  auto parsed = ParseSource(SourceSpec{Format::kCslCsv, {path}});
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  long parties = 0;
  for (const ListDocument& list : parsed->lists) {
    parties += static_cast<long>(list.parties.size());
  }
  EXPECT_EQ(parties, 13);
  const ListDocument* sdn = FindList(*parsed, "CSL-OFAC-SDN");
  ASSERT_NE(sdn, nullptr);
  const Party* rim = FindParty(*sdn, "52291");
  ASSERT_NE(rim, nullptr);
  // "Passport, 836238033, KP": label first in the 2025 layout.
  const Identifier* passport = FindIdentifier(*rim, "passport");
  ASSERT_NE(passport, nullptr);
  EXPECT_EQ(passport->value, "836238033");
  EXPECT_EQ(passport->country, "KP");
  EXPECT_EQ(rim->Attribute("gender"), "Male");
  EXPECT_EQ(rim->Attribute("secondary_sanctions_risk"),
            "North Korea Sanctions Regulations, sections 510.201 and 510.210");
  ASSERT_EQ(rim->addresses.size(), 2u);
  EXPECT_EQ(rim->addresses[1].country, "KP");

  const ListDocument* ssi = FindList(*parsed, "CSL-OFAC-SSI");
  ASSERT_NE(ssi, nullptr);
  const Party* rosneft = FindParty(*ssi, "18300");
  ASSERT_NE(rosneft, nullptr);
  const Identifier* email = FindIdentifier(*rosneft, "email");
  ASSERT_NE(email, nullptr);
  EXPECT_EQ(email->value, "hrm@rosneft-sh.com.cy");
  const Identifier* registration = FindIdentifier(*rosneft, "registration");
  ASSERT_NE(registration, nullptr);
  EXPECT_EQ(registration->value, "C122790");

  const ListDocument* el = FindList(*parsed, "BIS-EL");
  ASSERT_NE(el, nullptr);
  ASSERT_EQ(el->parties.size(), 1u);
  EXPECT_TRUE(HasName(el->parties[0], "CETC Research Institute 13"));
  EXPECT_EQ(el->parties[0].Attribute("federal_register_notice"),
            "83 FR 37423; 87 FR 77505");
  const ListDocument* meu = FindList(*parsed, "BIS-MEU");
  ASSERT_NE(meu, nullptr);
  EXPECT_FALSE(meu->parties[0].Attribute("license_requirement").empty());
}

TEST(CslCsvErrors, MissingColumnIsNamed) {
  const std::string message =
      ErrorOf(Format::kCslCsv, testing::TestDataFile("csl/missing_column.csv"));
  EXPECT_NE(message.find("missing_column.csv line 1"), std::string::npos)
      << message;
  EXPECT_NE(message.find("missing column 'ids'"), std::string::npos) << message;
}

TEST(CslCsvErrors, BadDateNamesLineAndField) {
  const std::string message =
      ErrorOf(Format::kCslCsv, testing::TestDataFile("csl/bad_date.csv"));
  EXPECT_NE(message.find("bad_date.csv line 4: start_date: expected a date "
                         "YYYY-MM-DD, found '04/07/2022'"),
            std::string::npos)
      << message;
}

TEST(CslCsvErrors, WrongFieldCount) {
  const std::string message = ErrorOf(
      Format::kCslCsv, testing::TestDataFile("csl/wrong_field_count.csv"));
  EXPECT_NE(message.find("wrong_field_count.csv line 3: expected 29 fields, "
                         "found 30"),
            std::string::npos)
      << message;
}

TEST(CslCsvErrors, UnterminatedQuote) {
  const std::string message = ErrorOf(
      Format::kCslCsv, testing::TestDataFile("csl/unterminated_quote.csv"));
  EXPECT_NE(message.find("unterminated_quote.csv line 3"), std::string::npos)
      << message;
}

TEST(CslCsvFixture, GoodRowsOfTheBadDateFixture) {
  // The rows before the bad one parse (a copy without the last line).
  testing::TempDir dir;
  std::string content =
      testing::ReadFile(testing::TestDataFile("csl/bad_date.csv"));
  content.erase(content.rfind('\n', content.size() - 2) + 1);
  const std::string path = dir.File("good.csv");
  testing::WriteFile(path, content);
  auto parsed = ParseSource(SourceSpec{Format::kCslCsv, {path}});
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  const ListDocument* sdn = FindList(*parsed, "CSL-OFAC-SDN");
  ASSERT_NE(sdn, nullptr);
  const Party& ali = sdn->parties.at(0);
  EXPECT_EQ(ali.Attribute("gender"), "Male");
  const Identifier* passport = FindIdentifier(ali, "passport");
  ASSERT_NE(passport, nullptr);
  EXPECT_EQ(passport->value, "K000001");
  EXPECT_EQ(passport->country, "AF");
  EXPECT_EQ(passport->issued, "2009-08-31");
  EXPECT_EQ(passport->expires, "2014-08-30");
  EXPECT_EQ(ali.addresses.at(0).country, "AF");
}

// --- JSON ------------------------------------------------------------------

class CslJsonSample : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string path =
        testing::TestDataFile("csl/consolidated_sample.json");
    auto format = DetectFormat(path);
    ASSERT_TRUE(format.has_value()) << format.error().ToString();
    ASSERT_EQ(*format, Format::kCslJson);
    auto parsed = ParseSource(SourceSpec{Format::kCslJson, {path}});
    ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
    source_ = std::move(*parsed);
  }
  ParsedSource source_;
};

TEST_F(CslJsonSample, ListsAndCodes) {
  std::vector<std::string> codes;
  for (const ListDocument& list : source_.lists) codes.push_back(list.code);
  EXPECT_EQ(codes, (std::vector<std::string>{
                       "BIS-DPL", "BIS-EL", "BIS-MEU", "BIS-UVL", "CSL-ENSL",
                       "CSL-OFAC-CMIC", "CSL-OFAC-SDN", "STATE-ISN",
                       "STATE-ITAR-DEBARRED"}));
  const auto unknown = std::count_if(
      source_.warnings.begin(), source_.warnings.end(),
      [](const std::string& w) {
        return w.find(
                   "results[11]: source 'Example New Screening List (ENSL)"
                   " - Department of Examples' is not a known CSL list; "
                   "imported as CSL-ENSL") != std::string::npos;
      });
  EXPECT_EQ(unknown, 1);
  EXPECT_EQ(FindList(source_, "BIS-EL")->parties.size(), 2u);
  EXPECT_EQ(FindList(source_, "CSL-OFAC-SDN")->parties.size(), 3u);
}

TEST_F(CslJsonSample, EntityListRecord) {
  const ListDocument& el = *FindList(source_, "BIS-EL");
  const Party* institute =
      FindParty(el, "e1a7c0ffee0000000000000000000000000000000000000000000001");
  ASSERT_NE(institute, nullptr);
  EXPECT_EQ(institute->Attribute("license_requirement"),
            "For all items subject to the EAR. (See §744.11 of the EAR).");
  EXPECT_EQ(institute->Attribute("license_policy"), "Presumption of denial.");
  EXPECT_EQ(institute->Attribute("federal_register_notice"), "89 FR 12345");
  EXPECT_EQ(institute->Attribute("start_date"), "2024-02-28");
  EXPECT_TRUE(HasName(*institute, "Example Institute 13"));
  ASSERT_EQ(institute->addresses.size(), 2u);
  const Address& beijing = institute->addresses[0];
  EXPECT_EQ(beijing.street, "No. 1 Example Road, Haidian District");
  EXPECT_EQ(beijing.city, "Beijing");
  EXPECT_EQ(beijing.postal_code, "100080");
  EXPECT_EQ(beijing.country, "CN");
  EXPECT_EQ(beijing.full,
            "No. 1 Example Road, Haidian District, Beijing, 100080, CN");
  EXPECT_EQ(institute->addresses[1].country, "HK");
}

TEST_F(CslJsonSample, SdnRecordWithCryptoAddress) {
  const ListDocument& sdn = *FindList(source_, "CSL-OFAC-SDN");
  const Party* kim = FindParty(sdn, "36001");  // entity_number is a number
  ASSERT_NE(kim, nullptr);
  EXPECT_EQ(kim->type, PartyType::kPerson);
  EXPECT_EQ(kim->programs, (std::vector<std::string>{"CYBER2", "DPRK3"}));
  EXPECT_EQ(kim->dates_of_birth,
            (std::vector<std::string>{"1980-05-17", "1979", "1978/1980"}));
  EXPECT_EQ(kim->nationalities, (std::vector<std::string>{"KP"}));
  const Identifier* xbt = FindIdentifier(*kim, "crypto_address");
  ASSERT_NE(xbt, nullptr);
  EXPECT_EQ(xbt->currency, "XBT");
  EXPECT_EQ(xbt->value, "1ExampLeBitc0inAddre55xxxxxxxxxxxx");
  EXPECT_EQ(xbt->label, "Digital Currency Address - XBT");
  const Identifier* passport = FindIdentifier(*kim, "passport");
  ASSERT_NE(passport, nullptr);
  EXPECT_EQ(passport->country, "KP");
  EXPECT_EQ(passport->issued, "2015-03-01");
  EXPECT_EQ(passport->expires, "2020-02-28");
  EXPECT_EQ(kim->Attribute("gender"), "Male");
  ASSERT_EQ(kim->relationships.size(), 1u);
  EXPECT_EQ(kim->relationships[0].other_name,
            "EXAMPLE TRADING COMPANY (ETC) LIMITED");

  const Party* company = FindParty(sdn, "36002");
  ASSERT_NE(company, nullptr);
  EXPECT_NE(FindIdentifier(*company, "uscc"), nullptr);
  EXPECT_NE(FindIdentifier(*company, "lei"), nullptr);
  EXPECT_NE(FindIdentifier(*company, "swift_bic"), nullptr);
  EXPECT_NE(FindIdentifier(*company, "website"), nullptr);
  EXPECT_EQ(company->addresses.at(0).country_name, "China");

  const Party* vessel = FindParty(sdn, "36003");
  ASSERT_NE(vessel, nullptr);
  EXPECT_EQ(vessel->type, PartyType::kVessel);
  EXPECT_EQ(vessel->Attribute("vessel_flag"), "Malta");
  EXPECT_EQ(vessel->Attribute("call_sign"), "9HXM1");
  const Identifier* imo = FindIdentifier(*vessel, "imo");
  ASSERT_NE(imo, nullptr);
  EXPECT_EQ(imo->value, "IMO 9000001");
  EXPECT_NE(FindIdentifier(*vessel, "mmsi"), nullptr);
}

TEST_F(CslJsonSample, OtherLists) {
  const Party& meu = FindList(source_, "BIS-MEU")->parties.at(0);
  EXPECT_EQ(meu.type, PartyType::kEntity);
  const Party& cmic = FindList(source_, "CSL-OFAC-CMIC")->parties.at(0);
  EXPECT_EQ(cmic.Attribute("listing_date_cmic"), "03 Jun 2021");
  const Identifier* isin = FindIdentifier(cmic, "other");
  ASSERT_NE(isin, nullptr);
  EXPECT_EQ(isin->label, "ISIN");
  const Party& dpl = FindList(source_, "BIS-DPL")->parties.at(0);
  EXPECT_EQ(dpl.Attribute("end_date"), "2033-02-15");
  EXPECT_EQ(dpl.remarks, "FR NOTICE ADDED");
}

TEST(CslJsonErrors, MalformedJsonNamesTheLine) {
  const std::string message =
      ErrorOf(Format::kCslJson, testing::TestDataFile("csl/bad_json.json"));
  EXPECT_NE(message.find("bad_json.json line 4: not valid JSON"),
            std::string::npos)
      << message;
}

TEST(CslJsonErrors, BadIdDateNamesThePath) {
  const std::string message = ErrorOf(
      Format::kCslJson, testing::TestDataFile("csl/bad_json_date.json"));
  EXPECT_NE(message.find("bad_json_date.json results[1].ids[0].issue_date: "
                         "expected a date YYYY-MM-DD, found '31 Dec 2020'"),
            std::string::npos)
      << message;
}

TEST(CslIdLabels, Classification) {
  using internal::ClassifyCslIdLabel;
  EXPECT_EQ(ClassifyCslIdLabel("Passport").type, "passport");
  EXPECT_EQ(ClassifyCslIdLabel("Diplomatic Passport").type, "passport");
  EXPECT_EQ(ClassifyCslIdLabel("Tax ID No.").type, "tax_id");
  EXPECT_EQ(ClassifyCslIdLabel("National ID No.").type, "national_id");
  EXPECT_EQ(ClassifyCslIdLabel("Registration Number").type, "registration");
  EXPECT_EQ(ClassifyCslIdLabel("SWIFT/BIC").type, "swift_bic");
  EXPECT_EQ(ClassifyCslIdLabel("Email Address").type, "email");
  EXPECT_EQ(ClassifyCslIdLabel("Phone Number").type, "phone");
  EXPECT_EQ(ClassifyCslIdLabel("Unified Social Credit Code (USCC)").type,
            "uscc");
  const auto eth = ClassifyCslIdLabel("Digital Currency Address - ETH");
  EXPECT_EQ(eth.type, "crypto_address");
  EXPECT_EQ(eth.currency, "ETH");
  const auto gender = ClassifyCslIdLabel("Gender");
  EXPECT_FALSE(gender.is_identifier);
  EXPECT_EQ(gender.type, "gender");
  const auto listing =
      ClassifyCslIdLabel("Listing Date (EO 14024 Directive 2):");
  EXPECT_FALSE(listing.is_identifier);
  EXPECT_EQ(listing.type, "listing_date_eo_14024_directive_2");
  EXPECT_FALSE(ClassifyCslIdLabel("Registration Country").is_identifier);
  const auto unknown = ClassifyCslIdLabel("Chinese Commercial Code");
  EXPECT_TRUE(unknown.is_identifier);
  EXPECT_FALSE(unknown.recognised);
  EXPECT_EQ(unknown.type, "other");
}

}  // namespace
}  // namespace clearance::lists
