// OFAC legacy CSV sets (SDN and non-SDN consolidated): synthetic fixtures in
// tests/testdata/ofac_legacy/ and the real files in ../shared/data/lists.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "engine/lists/lists.h"
#include "engine/lists/ofac_common.h"
#include "tests/test_support.h"

namespace clearance::lists {
namespace {

namespace fs = std::filesystem;

// The files of the set in `dir` that exist, main file first.
std::vector<std::string> SetIn(const std::string& dir,
                               const std::vector<std::string>& members) {
  std::vector<std::string> paths;
  for (const std::string& member : members) {
    const std::string path = dir + "/" + member;
    if (fs::exists(path)) paths.push_back(path);
  }
  return paths;
}

std::vector<std::string> SdnSet(const std::string& dir) {
  return SetIn(dir, {"sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"});
}

Result<ParsedSource> ParseTimed(const SourceSpec& spec, const char* what) {
  const auto start = std::chrono::steady_clock::now();
  auto parsed = ParseSource(spec);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - start)
                      .count();
  std::cout << "[ timing ] " << what << ": " << ms << " ms\n";
  return parsed;
}

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

const Relationship* FindLink(const Party& party, const std::string& other) {
  for (const Relationship& rel : party.relationships) {
    if (rel.other_name == other) return &rel;
  }
  return nullptr;
}

bool Contains(const std::vector<std::string>& values, const std::string& v) {
  return std::find(values.begin(), values.end(), v) != values.end();
}

// Counts over a document.
struct Tally {
  long parties = 0;
  long primary = 0;
  long alt_names = 0;  // names from alt.csv (A.K.A./F.K.A./N.K.A., not weak)
  long weak = 0;
  long addresses = 0;
  long crypto = 0;
  long linked = 0;
  long linked_resolved = 0;
};

Tally TallyOf(const ListDocument& list) {
  Tally t;
  for (const Party& party : list.parties) {
    ++t.parties;
    for (const Name& name : party.names) {
      if (name.strength == AliasStrength::kPrimary) ++t.primary;
      if (name.strength == AliasStrength::kWeak) ++t.weak;
      if (name.strength == AliasStrength::kStrong ||
          name.strength == AliasStrength::kFormerly) {
        ++t.alt_names;
      }
    }
    t.addresses += static_cast<long>(party.addresses.size());
    for (const Identifier& id : party.identifiers) {
      if (id.type == "crypto_address") ++t.crypto;
    }
    for (const Relationship& rel : party.relationships) {
      if (rel.type != "Linked To") continue;
      ++t.linked;
      if (!rel.other_source_id.empty()) ++t.linked_resolved;
    }
  }
  return t;
}

// --- Dates ------------------------------------------------------------------

TEST(OfacDate, NormalizesOfacSpellings) {
  using internal::NormalizeOfacDate;
  EXPECT_EQ(NormalizeOfacDate("01 Jan 1962"), "1962-01-01");
  EXPECT_EQ(NormalizeOfacDate("3 Sep 1970"), "1970-09-03");
  EXPECT_EQ(NormalizeOfacDate("Dec 1975"), "1975-12");
  EXPECT_EQ(NormalizeOfacDate("1962"), "1962");
  EXPECT_EQ(NormalizeOfacDate("circa 1962"), "1962");
  EXPECT_EQ(NormalizeOfacDate("1960 to 1962"), "1960/1962");
  EXPECT_EQ(NormalizeOfacDate("01 Jan 1960 to 31 Dec 1962"),
            "1960-01-01/1962-12-31");
  EXPECT_EQ(NormalizeOfacDate("circa 1979-1982"), "1979/1982");
  EXPECT_EQ(NormalizeOfacDate("2010-05-03"), "2010-05-03");
  EXPECT_EQ(NormalizeOfacDate("unknown"), "");
  EXPECT_EQ(NormalizeOfacDate("32 Foo 1962"), "");
}

TEST(OfacLabel, ClassifiesIdentifiersAndFeatures) {
  using internal::ClassifyOfacLabel;
  using Kind = internal::OfacLabel::Kind;
  EXPECT_EQ(ClassifyOfacLabel("Passport").type, "passport");
  EXPECT_EQ(ClassifyOfacLabel("Tax ID No.").type, "tax_id");
  EXPECT_EQ(ClassifyOfacLabel("Legal Entity Number").type, "lei");
  EXPECT_EQ(ClassifyOfacLabel("Unified Social Credit Code (USCC)").type,
            "uscc");
  EXPECT_EQ(ClassifyOfacLabel("Vessel Registration Identification IMO").type,
            "imo");
  EXPECT_EQ(ClassifyOfacLabel("SWIFT/BIC").type, "swift_bic");
  const auto crypto = ClassifyOfacLabel("Digital Currency Address - USDT");
  EXPECT_EQ(crypto.kind, Kind::kCryptoAddress);
  EXPECT_EQ(crypto.currency, "USDT");
  EXPECT_EQ(ClassifyOfacLabel("Birthdate").kind, Kind::kDateOfBirth);
  EXPECT_EQ(ClassifyOfacLabel("Nationality Country").kind, Kind::kNationality);
  const auto risk = ClassifyOfacLabel("Secondary sanctions risk:");
  EXPECT_EQ(risk.kind, Kind::kAttribute);
  EXPECT_EQ(risk.type, "secondary_sanctions_risk");
  EXPECT_EQ(ClassifyOfacLabel("Listing Date (EO 14024 Directive 2):").type,
            "listing_date_eo_14024_directive_2");
}

// --- Synthetic set -----------------------------------------------------------

class SyntheticSet : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string dir = testing::TestDataFile("ofac_legacy/synthetic");
    auto parsed = ParseSource({Format::kOfacLegacyCsv, SdnSet(dir)});
    ASSERT_TRUE(parsed) << parsed.error().ToString();
    ASSERT_EQ(parsed->lists.size(), 1u);
    list_ = std::move(parsed->lists[0]);
  }
  ListDocument list_;
};

TEST_F(SyntheticSet, ReadsTheListAndTheParties) {
  EXPECT_EQ(list_.code, "OFAC-SDN");
  EXPECT_EQ(list_.publisher, "U.S. Treasury OFAC");
  EXPECT_EQ(list_.published, "");  // legacy CSV states no date
  ASSERT_EQ(list_.parties.size(), 4u);
  const Party* ship_co = FindParty(list_, "100");
  ASSERT_NE(ship_co, nullptr);
  EXPECT_EQ(ship_co->type, PartyType::kEntity);
  EXPECT_EQ(ship_co->programs, (std::vector<std::string>{"IRAN", "SDGT"}));
  EXPECT_EQ(ship_co->names[0].full, "EXAMPLE SHIPPING CO., LTD.");
  EXPECT_EQ(ship_co->names[0].strength, AliasStrength::kPrimary);
  EXPECT_EQ(ship_co->names[0].script, "Latn");
  // One real address; the all "-0-" row carries nothing.
  ASSERT_EQ(ship_co->addresses.size(), 1u);
  EXPECT_EQ(ship_co->addresses[0].street, "Room 1, 2 Harbour Road");
  EXPECT_EQ(ship_co->addresses[0].city, "Hong Kong");
  EXPECT_EQ(ship_co->addresses[0].country_name, "China");
  const Name* fka = FindName(*ship_co, "OLD SHIPPING CO");
  ASSERT_NE(fka, nullptr);
  EXPECT_EQ(fka->strength, AliasStrength::kFormerly);
  EXPECT_EQ(fka->alias_type, "F.K.A.");
  const Name* nka = FindName(*ship_co, "NEW SHIPPING CO");
  ASSERT_NE(nka, nullptr);
  EXPECT_EQ(nka->strength, AliasStrength::kStrong);
  EXPECT_EQ(nka->alias_type, "N.K.A.");
  const Name* weak = FindName(*ship_co, "EXSHIP");
  ASSERT_NE(weak, nullptr);
  EXPECT_EQ(weak->strength, AliasStrength::kWeak);

  const Party* vessel = FindParty(list_, "102");
  ASSERT_NE(vessel, nullptr);
  EXPECT_EQ(vessel->type, PartyType::kVessel);
  EXPECT_EQ(vessel->Attribute("call_sign"), "9ABC1");
  EXPECT_EQ(vessel->Attribute("vessel_type"), "Crude Oil Tanker");
  EXPECT_EQ(vessel->Attribute("tonnage"), "150,000");
  EXPECT_EQ(vessel->Attribute("vessel_flag"), "Panama");
  EXPECT_NE(FindIdentifier(*vessel, "imo", "9123456"), nullptr);
  EXPECT_NE(FindIdentifier(*vessel, "mmsi", "123456789"), nullptr);
}

TEST_F(SyntheticSet, ExtractsRemarkFacts) {
  const Party* doe = FindParty(list_, "101");
  ASSERT_NE(doe, nullptr);
  EXPECT_EQ(doe->type, PartyType::kPerson);
  ASSERT_GE(doe->names[0].parts.size(), 2u);
  EXPECT_EQ(doe->names[0].parts[0].type, "family");
  EXPECT_EQ(doe->names[0].parts[0].value, "DOE");
  EXPECT_EQ(doe->names[0].parts[1].type, "given");
  EXPECT_EQ(doe->names[0].parts[1].value, "John");
  EXPECT_EQ(doe->dates_of_birth,
            (std::vector<std::string>{"1962-01-01", "1960/1962", "1958"}));
  EXPECT_EQ(doe->places_of_birth, (std::vector<std::string>{"Baghdad, Iraq"}));
  EXPECT_EQ(doe->Attribute("gender"), "Male");
  const Identifier* passport = FindIdentifier(*doe, "passport", "A1234567");
  ASSERT_NE(passport, nullptr);
  // The country code comes from engine/reference; the published name is
  // kept in the note when it cannot be mapped.
  EXPECT_TRUE(passport->country == "IQ" ||
              (passport->country.empty() && passport->note == "Iraq"));
  EXPECT_EQ(passport->issued, "2010-02-02");
  EXPECT_EQ(passport->expires, "2020-02-01");
  EXPECT_NE(FindIdentifier(*doe, "national_id", "99-88"), nullptr);
  EXPECT_NE(FindIdentifier(*doe, "tax_id", "123456"), nullptr);
  const Identifier* xbt = FindIdentifier(*doe, "crypto_address",
                                         "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa");
  ASSERT_NE(xbt, nullptr);
  EXPECT_EQ(xbt->currency, "XBT");
  const Identifier* eth = FindIdentifier(
      *doe, "crypto_address", "0x00000000000000000000000000000000000000aa");
  ASSERT_NE(eth, nullptr);
  EXPECT_EQ(eth->currency, "ETH");
  const Name* weak = FindName(*doe, "THE DOE");
  ASSERT_NE(weak, nullptr);
  EXPECT_EQ(weak->strength, AliasStrength::kWeak);
  EXPECT_EQ(weak->alias_type, "A.K.A.");

  const Party* ship_co = FindParty(list_, "100");
  ASSERT_NE(ship_co, nullptr);
  EXPECT_NE(FindIdentifier(*ship_co, "website", "www.example.test"), nullptr);
  EXPECT_NE(FindIdentifier(*ship_co, "email", "ops@example.test"), nullptr);
  EXPECT_NE(FindIdentifier(*ship_co, "uscc", "91110000MA0000000X"), nullptr);
  EXPECT_NE(FindIdentifier(*ship_co, "lei", "5493001KJTIIGC8Y1R12"), nullptr);
  EXPECT_EQ(ship_co->Attribute("organization_established_date"), "12 Mar 2001");
  EXPECT_EQ(ship_co->Attribute("additional_sanctions_information"),
            "Subject to Secondary Sanctions");
  EXPECT_NE(FindParty(list_, "103"), nullptr);
  EXPECT_NE(FindIdentifier(*FindParty(list_, "103"), "swift_bic", "ACMEXX22"),
            nullptr);
}

TEST_F(SyntheticSet, ResolvesLinkedToByPrimaryName) {
  const Party* ship_co = FindParty(list_, "100");
  const Party* doe = FindParty(list_, "101");
  ASSERT_NE(ship_co, nullptr);
  ASSERT_NE(doe, nullptr);
  // The sentence stop at the end of the remarks is not part of the name.
  const Relationship* to_doe = FindLink(*ship_co, "DOE, John");
  ASSERT_NE(to_doe, nullptr);
  EXPECT_EQ(to_doe->type, "Linked To");
  EXPECT_EQ(to_doe->other_source_id, "101");
  const Relationship* to_co = FindLink(*doe, "EXAMPLE SHIPPING CO., LTD.");
  ASSERT_NE(to_co, nullptr);
  EXPECT_EQ(to_co->other_source_id, "100");
  const Relationship* nobody = FindLink(*doe, "NOBODY LISTED");
  ASSERT_NE(nobody, nullptr);
  EXPECT_EQ(nobody->other_source_id, "");
  // sdn_comments.csv continues the remarks: its "Linked To: ACME S.A." ends
  // the text, and the stop that belongs to "S.A." is restored.
  const Relationship* acme = FindLink(*doe, "ACME S.A.");
  ASSERT_NE(acme, nullptr);
  EXPECT_EQ(acme->other_source_id, "103");
  EXPECT_TRUE(doe->remarks.ends_with("a.k.a. 'THE DOE'; Linked To: ACME S.A."))
      << doe->remarks;
}

// --- Malformed input
// ----------------------------------------------------------

TEST(OfacLegacyCsv, WrongFieldCountNamesFileAndLine) {
  const std::string dir =
      testing::TestDataFile("ofac_legacy/wrong_field_count");
  auto parsed = ParseSource({Format::kOfacLegacyCsv, SdnSet(dir)});
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code(), ErrorCode::kParse);
  EXPECT_NE(parsed.error().message().find("sdn.csv line 2: expected 12 fields, "
                                          "found 11"),
            std::string::npos)
      << parsed.error().message();
}

TEST(OfacLegacyCsv, UnterminatedQuoteNamesFileAndLine) {
  const std::string dir =
      testing::TestDataFile("ofac_legacy/unterminated_quote");
  auto parsed = ParseSource({Format::kOfacLegacyCsv, SdnSet(dir)});
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code(), ErrorCode::kParse);
  EXPECT_NE(parsed.error().message().find("sdn.csv line 2"), std::string::npos)
      << parsed.error().message();
}

TEST(OfacLegacyCsv, DanglingAddressIsAnError) {
  const std::string dir = testing::TestDataFile("ofac_legacy/dangling_address");
  auto parsed = ParseSource({Format::kOfacLegacyCsv, SdnSet(dir)});
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code(), ErrorCode::kParse);
  EXPECT_NE(parsed.error().message().find("add.csv line 2: address for "
                                          "ent_num 99999"),
            std::string::npos)
      << parsed.error().message();
}

TEST(OfacLegacyCsv, NonNumericIdIsAnError) {
  testing::TempDir dir;
  testing::WriteFile(dir.File("sdn.csv"),
                     "X1,\"NAME\",-0- ,\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"
                     "-0- ,-0- \r\n");
  auto parsed = ParseSource({Format::kOfacLegacyCsv, {dir.File("sdn.csv")}});
  ASSERT_FALSE(parsed);
  EXPECT_NE(parsed.error().message().find("sdn.csv line 1: ent_num 'X1' is not "
                                          "a number"),
            std::string::npos)
      << parsed.error().message();
}

TEST(OfacLegacyCsv, DecodesWindows1252) {
  const std::string dir = testing::TestDataFile("ofac_legacy/windows1252");
  auto parsed = ParseSource({Format::kOfacLegacyCsv, SdnSet(dir)});
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  const ListDocument& list = parsed->lists[0];
  ASSERT_EQ(list.parties.size(), 2u);
  EXPECT_EQ(list.parties[0].names[0].full, "CAF\xC3\x89 DE LA PAIX S.A.");
  const Name* weak = FindName(list.parties[0], "LE CAF\xC3\x89");
  ASSERT_NE(weak, nullptr);
  EXPECT_EQ(weak->strength, AliasStrength::kWeak);
  EXPECT_EQ(list.parties[1].names[0].full, "M\xC3\x9CLLER, J\xC3\xBCrgen");
  EXPECT_EQ(list.parties[1].names[0].parts[0].value, "M\xC3\x9CLLER");
}

// --- Real data
// ----------------------------------------------------------------

TEST(OfacLegacyCsvRealData, Sdn2021SetCounts) {
  const std::string main =
      testing::SharedDataFile("lists/ofac_sdn_legacy_csv_2021-07/sdn.csv");
  if (main.empty()) GTEST_SKIP() << "ofac_sdn_legacy_csv_2021-07 absent";
  const auto paths = SdnSet(fs::path(main).parent_path().string());
  ASSERT_EQ(paths.size(), 4u);
  auto parsed = ParseTimed({Format::kOfacLegacyCsv, paths}, "SDN 2021-07 set");
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  ASSERT_EQ(parsed->lists.size(), 1u);
  const ListDocument& list = parsed->lists[0];
  EXPECT_EQ(list.code, "OFAC-SDN");
  const Tally t = TallyOf(list);
  EXPECT_EQ(t.parties, 8976);
  EXPECT_EQ(t.primary, 8976);
  EXPECT_EQ(t.alt_names, 11910);  // every alt.csv row
  // add.csv has 13,837 rows; 2,397 of them are "-0-" in every field (no
  // known address) and add nothing.
  EXPECT_EQ(t.addresses, 13837 - 2397);
  EXPECT_TRUE(parsed->warnings.empty());  // sdn_comments.csv continues all

  // sdn_comments.csv continues a remark cut mid-word: "a.k.a. 'snowsjo" +
  // "hn'; Linked To: LAZARUS GROUP."
  const Party* tian = FindParty(list, "28263");
  ASSERT_NE(tian, nullptr);
  const Name* weak = FindName(*tian, "snowsjohn");
  ASSERT_NE(weak, nullptr);
  EXPECT_EQ(weak->strength, AliasStrength::kWeak);
  const Relationship* lazarus = FindLink(*tian, "LAZARUS GROUP");
  ASSERT_NE(lazarus, nullptr);
  EXPECT_EQ(lazarus->other_source_id, "27307");
  const Party* cuba = FindParty(list, "306");
  ASSERT_NE(cuba, nullptr);
  EXPECT_EQ(cuba->names[0].full, "BANCO NACIONAL DE CUBA");
  ASSERT_FALSE(cuba->addresses.empty());
  EXPECT_EQ(cuba->addresses[0].city, "Zurich CH-8022");
}

TEST(OfacLegacyCsvRealData, Sdn2024RemarksFacts) {
  const std::string main =
      testing::SharedDataFile("lists/ofac_sdn_csv_2024-05/sdn.csv");
  if (main.empty()) GTEST_SKIP() << "ofac_sdn_csv_2024-05 absent";
  auto plan = PlanSources({main});
  ASSERT_TRUE(plan) << plan.error().ToString();
  ASSERT_EQ(plan->size(), 1u);
  ASSERT_EQ((*plan)[0].paths.size(), 1u);  // sdn.csv alone
  auto parsed = ParseTimed((*plan)[0], "SDN 2024-05 sdn.csv");
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  const ListDocument& list = parsed->lists[0];
  const Tally t = TallyOf(list);
  EXPECT_EQ(t.parties, 14965);
  // The remarks name 295 digital currency addresses; one of them, the last
  // fact of ent_num 39593, is cut off by OFAC's 1,000-character cell limit
  // ("alt. Digital Currency Address - XBT " and nothing more) and would be
  // continued in sdn_comments.csv, which this release lacks. The parser
  // extracts the 294 complete ones and warns about the 18 cut cells.
  long labelled = 0;
  for (const Party& party : list.parties) {
    for (size_t at = party.remarks.find("Digital Currency Address - ");
         at != std::string::npos;
         at = party.remarks.find("Digital Currency Address - ", at + 1)) {
      ++labelled;
    }
  }
  EXPECT_EQ(labelled, 295);
  EXPECT_EQ(t.crypto, 294);
  EXPECT_EQ(parsed->warnings.size(), 18u);
  EXPECT_TRUE(
      std::any_of(parsed->warnings.begin(), parsed->warnings.end(),
                  [](const std::string& w) {
                    return w.find("sdn.csv line ") != std::string::npos &&
                           w.find("ent_num 39593 ") != std::string::npos;
                  }));
  EXPECT_EQ(t.linked, 6375);
  // All but those naming no listed party, or a primary name two parties
  // share.
  EXPECT_GT(t.linked_resolved, 6300);
  std::cout << "[ info   ] Linked To resolved: " << t.linked_resolved << " of "
            << t.linked << "; weak aliases: " << t.weak << "\n";

  // Crypto address with its currency.
  const Party* oko = FindParty(list, "48432");
  ASSERT_NE(oko, nullptr);
  const Identifier* eth = FindIdentifier(
      *oko, "crypto_address", "0x19F8f2B0915Daa12a3f5C9CF01dF9E24D53794F7");
  ASSERT_NE(eth, nullptr);
  EXPECT_EQ(eth->currency, "ETH");
  EXPECT_EQ(eth->label, "Digital Currency Address - ETH");

  // Passport with country and expiry; Linked To resolved by name.
  const Party* bulygin = FindParty(list, "48774");
  ASSERT_NE(bulygin, nullptr);
  EXPECT_EQ(bulygin->type, PartyType::kPerson);
  EXPECT_EQ(bulygin->programs,
            (std::vector<std::string>{"NPWMD", "RUSSIA-EO14024"}));
  EXPECT_EQ(bulygin->dates_of_birth, (std::vector<std::string>{"1973-08-02"}));
  EXPECT_EQ(bulygin->Attribute("gender"), "Male");
  const Identifier* passport =
      FindIdentifier(*bulygin, "passport", "750041312");
  ASSERT_NE(passport, nullptr);
  EXPECT_TRUE(passport->country == "RU" ||
              (passport->country.empty() && passport->note == "Russia"));
  EXPECT_EQ(passport->expires, "2024-05-31");
  EXPECT_NE(FindIdentifier(*bulygin, "tax_id", "502907154264"), nullptr);
  const Relationship* inteller = FindLink(*bulygin, "INTELLER LLC");
  ASSERT_NE(inteller, nullptr);
  EXPECT_EQ(inteller->other_source_id, "48762");
  EXPECT_TRUE(Contains(bulygin->nationalities, "RU") ||
              bulygin->Attribute("nationality") == "Russia");

  // Weak a.k.a. from the remarks.
  const Party* saddam = FindParty(list, "7843");
  ASSERT_NE(saddam, nullptr);
  const Name* abu_ali = FindName(*saddam, "ABU ALI");
  ASSERT_NE(abu_ali, nullptr);
  EXPECT_EQ(abu_ali->strength, AliasStrength::kWeak);
  EXPECT_EQ(saddam->dates_of_birth, (std::vector<std::string>{"1937-04-28"}));
  EXPECT_EQ(saddam->places_of_birth,
            (std::vector<std::string>{"al-Awja, near Tikrit, Iraq"}));
  const Party* circa = FindParty(list, "8598");
  ASSERT_NE(circa, nullptr);
  EXPECT_EQ(circa->dates_of_birth, (std::vector<std::string>{"1962"}));
}

TEST(OfacConsLegacyCsvRealData, NonSdnSetCounts) {
  const std::string main = testing::SharedDataFile(
      "lists/ofac_nonsdn_consolidated_2025-12/cons_prim.csv");
  if (main.empty()) GTEST_SKIP() << "ofac_nonsdn_consolidated_2025-12 absent";
  auto plan = PlanSources({main});
  ASSERT_TRUE(plan) << plan.error().ToString();
  ASSERT_EQ(plan->size(), 1u);
  EXPECT_EQ((*plan)[0].format, Format::kOfacConsLegacyCsv);
  ASSERT_EQ((*plan)[0].paths.size(), 4u);
  auto parsed = ParseTimed((*plan)[0], "non-SDN consolidated legacy set");
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  const ListDocument& list = parsed->lists[0];
  EXPECT_EQ(list.code, "OFAC-NONSDN");
  EXPECT_EQ(list.name, "OFAC Consolidated Sanctions List (non-SDN)");
  const Tally t = TallyOf(list);
  EXPECT_EQ(t.parties, 442);
  EXPECT_EQ(t.alt_names, 1073);
  // cons_add.csv has 574 rows; 52 are "-0-" in every field.
  EXPECT_EQ(t.addresses, 574 - 52);
  EXPECT_TRUE(parsed->warnings.empty());
  const Party* haniya = FindParty(list, "9639");
  ASSERT_NE(haniya, nullptr);
  EXPECT_EQ(haniya->programs, (std::vector<std::string>{"NS-PLC"}));
  EXPECT_EQ(haniya->dates_of_birth, (std::vector<std::string>{"1962"}));
  EXPECT_EQ(haniya->places_of_birth, (std::vector<std::string>{"Shati"}));
}

}  // namespace
}  // namespace clearance::lists
