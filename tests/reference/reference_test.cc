// Tests for engine/reference: ISO lookups, list spellings, EAR country groups
// as of a date, sanctioned regions and embargoes, and coverage of the country
// names the real lists in ../shared/data use (the names are extracted into
// this file, so the test needs no data files).
#include "engine/reference/reference.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

namespace clearance::reference {
namespace {

TEST(Countries, AllIsoCountriesPlusKosovo) {
  const std::vector<Country>& all = Countries();
  EXPECT_EQ(all.size(), 250u);  // 249 ISO 3166-1 entries + XK
  std::set<std::string> alpha2, alpha3;
  for (const Country& c : all) {
    EXPECT_TRUE(alpha2.insert(c.alpha2).second) << c.alpha2;
    EXPECT_TRUE(alpha3.insert(c.alpha3).second) << c.alpha3;
    EXPECT_FALSE(c.name.empty()) << c.alpha2;
    EXPECT_EQ(c.user_assigned, c.alpha2 == "XK") << c.alpha2;
  }
  EXPECT_TRUE(std::is_sorted(
      all.begin(), all.end(),
      [](const Country& a, const Country& b) { return a.alpha2 < b.alpha2; }));
}

TEST(Countries, FindByAlpha2AndAlpha3) {
  ASSERT_NE(FindCountry("CN"), nullptr);
  EXPECT_EQ(FindCountry("CN")->alpha3, "CHN");
  ASSERT_NE(FindCountry("chn"), nullptr);
  EXPECT_EQ(FindCountry("chn")->alpha2, "CN");
  ASSERT_NE(FindCountry(" xkx "), nullptr);
  EXPECT_EQ(FindCountry(" xkx ")->alpha2, "XK");
  EXPECT_EQ(FindCountry("GBR")->alpha2, "GB");
  EXPECT_EQ(FindCountry("UK"), nullptr);  // an alias, not a code
  EXPECT_EQ(FindCountry("China"), nullptr);
  EXPECT_EQ(FindCountry(""), nullptr);
}

TEST(CountryCodeFor, EveryNameAliasAndCodeRoundTrips) {
  for (const Country& c : Countries()) {
    EXPECT_EQ(CountryCodeFor(c.alpha2), c.alpha2);
    EXPECT_EQ(CountryCodeFor(c.alpha3), c.alpha2);
    EXPECT_EQ(CountryCodeFor(c.name), c.alpha2) << c.name;
    for (const std::string& alias : c.aliases) {
      EXPECT_EQ(CountryCodeFor(alias), c.alpha2) << alias;
    }
  }
}

TEST(CountryCodeFor, CodesAndNames) {
  EXPECT_EQ(CountryCodeFor("CU"), "CU");
  EXPECT_EQ(CountryCodeFor("cub"), "CU");
  EXPECT_EQ(CountryCodeFor("CUBA"), "CU");
  EXPECT_EQ(CountryCodeFor("  Cuba\t"), "CU");
  EXPECT_EQ(CountryCodeFor("Germany"), "DE");
  EXPECT_EQ(CountryCodeFor("ST"), "ST");  // not "Saint"
  EXPECT_EQ(CountryCodeFor("St. Lucia"), "LC");
}

TEST(CountryCodeFor, ListSpellings) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"Korea, North", "KP"},
      {"KOREA, NORTH", "KP"},
      {"korea north", "KP"},
      {"North Korea", "KP"},
      {"Democratic People's Republic of Korea", "KP"},
      {"DPRK", "KP"},
      {"Korea, South", "KR"},
      {"Republic of Korea", "KR"},
      {"Burma", "MM"},
      {"Myanmar", "MM"},
      {"Iran", "IR"},
      {"Iran, Islamic Republic of", "IR"},
      {"Iran (Islamic Republic of)", "IR"},
      {"Russia", "RU"},
      {"Russian Federation", "RU"},
      {"Syria", "SY"},
      {"Syrian Arab Republic", "SY"},
      {"China", "CN"},
      {"People's Republic of China", "CN"},
      {"PRC", "CN"},
      {"Hong Kong", "HK"},
      {"China, Hong Kong Special Administrative Region", "HK"},
      {"Macau", "MO"},
      {"Macao", "MO"},
      {"Taiwan", "TW"},
      {"UK", "GB"},
      {"U.K.", "GB"},
      {"United Kingdom", "GB"},
      {"Great Britain", "GB"},
      {"USA", "US"},
      {"United States", "US"},
      {"U.S.", "US"},
      {"Vietnam", "VN"},
      {"Viet Nam", "VN"},
      {"Venezuela", "VE"},
      {"Bolivia", "BO"},
      {"Laos", "LA"},
      {"Lao People's Democratic Republic", "LA"},
      {"Lao Peoples Democratic Republic", "LA"},
      {"Moldova", "MD"},
      {"Tanzania", "TZ"},
      {"Congo, Democratic Republic of the", "CD"},
      {"Democratic Republic of the Congo", "CD"},
      {"Congo, Republic of the", "CG"},
      {"Congo", "CG"},
      {"Cote d'Ivoire", "CI"},
      {"Cote d Ivoire", "CI"},
      {"Côte d'Ivoire", "CI"},
      {"CÔTE D’IVOIRE", "CI"},
      {"Ivory Coast", "CI"},
      {"Turkey", "TR"},
      {"Türkiye", "TR"},
      {"Czechia", "CZ"},
      {"Czech Republic", "CZ"},
      {"Palestinian Territories", "PS"},
      {"West Bank", "PS"},
      {"Region: Gaza", "PS"},
      {"Kosovo", "XK"},
      {"Curacao", "CW"},
      {"Curaçao", "CW"},
      {"Bosnia and Herzegovina", "BA"},
      {"Bosnia & Herzegovina", "BA"},
      {"Micronesia", "FM"},
      {"Saint Kitts and Nevis", "KN"},
      {"St. Kitts & Nevis", "KN"},
      {"The Bahamas", "BS"},
      {"Bahamas, The", "BS"},
      {"Bahamas", "BS"},
      {"The Gambia", "GM"},
      {"Brunei", "BN"},
      {"Cabo Verde", "CV"},
      {"Cape Verde", "CV"},
      {"Eswatini", "SZ"},
      {"Swaziland", "SZ"},
      {"North Macedonia", "MK"},
      {"Macedonia", "MK"},
      {"Holy See", "VA"},
      {"Vatican", "VA"},
      {"Niger", "NE"},
      {"Nigeria", "NG"},
      {"Guinea", "GN"},
      {"Equatorial Guinea", "GQ"},
      {"Sudan", "SD"},
      {"South Sudan", "SS"},
      {"Dominica", "DM"},
      {"Dominican Republic", "DO"},
  };
  for (const auto& [name, code] : cases) {
    EXPECT_EQ(CountryCodeFor(name), code) << name;
  }
}

TEST(CountryCodeFor, UnknownAndNonCountries) {
  for (const char* text :
       {"", "  ", "Atlantis", "Korea", "-0-", "undetermined", "None Identified",
        "Crimea", "Region: Crimea", "Netherlands Antilles", "Kashmir",
        "Region: Kafia Kingi", "NM", "ZZZ"}) {
    EXPECT_EQ(CountryCodeFor(text), "") << text;
  }
}

TEST(CountryGroups, MembershipsAreWellFormed) {
  for (const GroupMembership& m : CountryGroupMemberships()) {
    EXPECT_NE(FindCountry(m.country), nullptr) << m.group << " " << m.country;
    EXPECT_FALSE(m.citation.empty()) << m.group << " " << m.country;
  }
}

TEST(CountryGroups, CyprusLeftD5OnMay30_2024) {
  EXPECT_TRUE(InCountryGroup("D:5", "CY", "2024-05-01"));
  EXPECT_TRUE(InCountryGroup("D:5", "CY", "2024-05-29"));
  EXPECT_FALSE(InCountryGroup("D:5", "CY", "2024-05-30"));
  EXPECT_FALSE(InCountryGroup("D:5", "CY", "2024-06-01"));
}

TEST(CountryGroups, CambodiaLeftD5OnFeb3_2026ButStaysD1) {
  EXPECT_TRUE(InCountryGroup("D:5", "KH", "2026-01-15"));
  EXPECT_TRUE(InCountryGroup("D:5", "KH", "2026-02-02"));
  EXPECT_FALSE(InCountryGroup("D:5", "KH", "2026-02-03"));
  EXPECT_FALSE(InCountryGroup("D:5", "KH", "2026-03-01"));
  EXPECT_TRUE(InCountryGroup("D:1", "KH", "2026-03-01"));
  bool removal_uncertain = false;
  for (const GroupMembership& m : CountryGroupMemberships()) {
    if (m.group == "D:5" && m.country == "KH") {
      EXPECT_EQ(m.effective_to, "2026-02-02");
      removal_uncertain = m.uncertain;
    }
  }
  EXPECT_TRUE(removal_uncertain);  // [S] in regulations.md
}

TEST(CountryGroups, UaeMovesFromD4ToA5OnJul10_2026Uncertain) {
  EXPECT_TRUE(InCountryGroup("D:4", "AE", "2026-07-09"));
  EXPECT_FALSE(InCountryGroup("A:5", "AE", "2026-07-09"));
  EXPECT_FALSE(InCountryGroup("D:4", "AE", "2026-07-10"));
  EXPECT_TRUE(InCountryGroup("A:5", "AE", "2026-07-10"));
  for (const GroupMembership& m : CountryGroupMemberships()) {
    if (m.country == "AE") {
      EXPECT_TRUE(m.uncertain) << m.group;
    }
  }
}

TEST(CountryGroups, ChinaAndHongKongAlwaysD5) {
  for (const char* date : {"2015-01-01", "2024-05-01", "2026-11-01"}) {
    EXPECT_TRUE(InCountryGroup("D:5", "CN", date)) << date;
    EXPECT_TRUE(InCountryGroup("D:5", "HK", date)) << date;
    EXPECT_TRUE(InCountryGroup("D:5", "hk", date)) << date;
    EXPECT_TRUE(InCountryGroup("D:1", "HK", date)) << date;
    EXPECT_TRUE(InCountryGroup("D:4", "HK", date)) << date;
  }
  EXPECT_EQ(EarDestination("HK", "2026-01-01"), "CN");
  EXPECT_EQ(EarDestination("mo", "2026-01-01"), "MO");
  EXPECT_EQ(GroupsOf("HK", "2026-01-01"), GroupsOf("CN", "2026-01-01"));
}

TEST(CountryGroups, MacauIsSeparateFromChina) {
  EXPECT_TRUE(InCountryGroup("MACAU", "MO", "2026-01-01"));
  EXPECT_FALSE(InCountryGroup("MACAU", "MO", "2022-12-31"));
  EXPECT_FALSE(InCountryGroup("D:5", "MO", "2026-01-01"));
  EXPECT_TRUE(InCountryGroup("D:1", "MO", "2026-01-01"));
  EXPECT_FALSE(InCountryGroup("MACAU", "CN", "2026-01-01"));
  EXPECT_FALSE(InCountryGroup("MACAU", "HK", "2026-01-01"));
}

TEST(CountryGroups, EGroups) {
  EXPECT_TRUE(InCountryGroup("E:2", "CU", "2026-01-01"));
  EXPECT_FALSE(InCountryGroup("E:1", "CU", "2026-01-01"));
  EXPECT_TRUE(InCountryGroup("E:1", "IR", "2026-01-01"));
  EXPECT_TRUE(InCountryGroup("E:1", "KP", "2026-01-01"));
  EXPECT_TRUE(InCountryGroup("E:1", "SY", "2026-01-01"));
}

TEST(CountryGroups, GroupsOfIsSorted) {
  EXPECT_EQ(GroupsOf("CN", "2026-01-01"),
            (std::vector<std::string>{"D:1", "D:4", "D:5"}));
  EXPECT_EQ(GroupsOf("CY", "2024-06-01"), (std::vector<std::string>{"A:6"}));
  EXPECT_EQ(GroupsOf("CY", "2024-05-01"),
            (std::vector<std::string>{"A:6", "D:5"}));
  EXPECT_TRUE(GroupsOf("ZZ", "2026-01-01").empty());
  EXPECT_FALSE(InCountryGroup("D:9", "CN", "2026-01-01"));
}

TEST(CountryGroups, AiDiffusionTier1IsMarkedUncertain) {
  EXPECT_TRUE(InCountryGroup("AI-DIFFUSION-TIER1", "JP", "2025-06-01"));
  EXPECT_FALSE(InCountryGroup("AI-DIFFUSION-TIER1", "JP", "2025-01-12"));
  EXPECT_FALSE(InCountryGroup("AI-DIFFUSION-TIER1", "IN", "2025-06-01"));
  for (const GroupMembership& m : CountryGroupMemberships()) {
    if (m.group == "AI-DIFFUSION-TIER1") {
      EXPECT_TRUE(m.uncertain) << m.country;
    }
  }
}

TEST(SanctionedRegions, CrimeaBySubdivisionAndPlace) {
  const SanctionedRegion* r = FindSanctionedRegion("UA-43", "", "2026-01-01");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->id, "CRIMEA");
  EXPECT_EQ(r->country, "UA");
  r = FindSanctionedRegion("ua-40", "", "2026-01-01");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->id, "CRIMEA");
  for (const char* place :
       {"Sevastopol", "SEVASTOPOL", "Севастополь", "СЕВАСТОПОЛЬ", "Simferopol",
        "Крым", "Region: Crimea", "Simferopol, Crimea", "Kerch; Ukraine"}) {
    r = FindSanctionedRegion("", place, "2026-01-01");
    ASSERT_NE(r, nullptr) << place;
    EXPECT_EQ(r->id, "CRIMEA") << place;
  }
  EXPECT_EQ(FindSanctionedRegion("UA-43", "", "2014-12-18"), nullptr);
  EXPECT_NE(FindSanctionedRegion("UA-43", "", "2014-12-19"), nullptr);
}

TEST(SanctionedRegions, DnrAndLnrFromFeb21_2022) {
  EXPECT_EQ(FindSanctionedRegion("UA-14", "", "2022-02-20"), nullptr);
  EXPECT_EQ(FindSanctionedRegion("", "Donetsk", "2022-02-20"), nullptr);
  const SanctionedRegion* r = FindSanctionedRegion("UA-14", "", "2022-02-21");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->id, "DNR");
  r = FindSanctionedRegion("", "Донецк", "2024-01-01");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->id, "DNR");
  r = FindSanctionedRegion("UA-09", "", "2024-01-01");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->id, "LNR");
  r = FindSanctionedRegion("", "Lugansk", "2024-01-01");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->id, "LNR");
}

TEST(SanctionedRegions, RestOfUkraineAndSubstringsDoNotMatch) {
  EXPECT_EQ(FindSanctionedRegion("UA-30", "Kyiv", "2026-01-01"), nullptr);
  EXPECT_EQ(FindSanctionedRegion("", "Ukraine", "2026-01-01"), nullptr);
  EXPECT_EQ(FindSanctionedRegion("", "Kerchester", "2026-01-01"), nullptr);
  EXPECT_EQ(FindSanctionedRegion("", "", "2026-01-01"), nullptr);
  EXPECT_EQ(FindSanctionedRegion("", ",;", "2026-01-01"), nullptr);
}

TEST(SanctionedRegions, PlaceNamesAreUnambiguous) {
  for (const SanctionedRegion& region : SanctionedRegions()) {
    for (const std::string& place : region.place_names) {
      const SanctionedRegion* r = FindSanctionedRegion("", place, "2026-01-01");
      ASSERT_NE(r, nullptr) << place;
      EXPECT_EQ(r->id, region.id) << place;
      // A place name must never be read as a country.
      EXPECT_EQ(CountryCodeFor(place), "") << place;
    }
  }
}

TEST(Embargoes, SyriaOfacEmbargoEndedJun30_2025EarContinues) {
  EXPECT_TRUE(OfacComprehensiveEmbargo("SY", "2025-06-01"));
  EXPECT_TRUE(OfacComprehensiveEmbargo("SY", "2025-06-30"));
  EXPECT_FALSE(OfacComprehensiveEmbargo("SY", "2025-07-01"));
  EXPECT_FALSE(OfacComprehensiveEmbargo("SY", "2025-08-01"));
  EXPECT_TRUE(EarEmbargo("SY", "2025-08-01"));
  const Embargo* e = FindEmbargo("sy", "2025-08-01");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->ofac_to, "2025-06-30");
}

TEST(Embargoes, CubaIranNorthKoreaOngoing) {
  for (const char* cc : {"CU", "IR", "KP"}) {
    EXPECT_TRUE(OfacComprehensiveEmbargo(cc, "2026-11-01")) << cc;
    EXPECT_TRUE(EarEmbargo(cc, "2026-11-01")) << cc;
    EXPECT_NE(FindEmbargo(cc, "2026-11-01"), nullptr) << cc;
  }
  EXPECT_EQ(FindEmbargo("RU", "2026-11-01"), nullptr);
  EXPECT_FALSE(OfacComprehensiveEmbargo("UA", "2026-11-01"));
  EXPECT_EQ(Embargoes().size(), 4u);
}

// Country values used by the real lists in ../shared/data/lists, extracted
// once (2026) and stored here so the test runs without the data.

// OFAC's own country reference table (sdn_advanced.xml of 2025-11-19,
// <CountryValues>) with the ISO2 code OFAC gives each: an independent oracle.
const std::vector<std::pair<std::string, std::string>> kOfacCountryValues = {
    {"Afghanistan", "AF"},
    {"Albania", "AL"},
    {"Algeria", "DZ"},
    {"Angola", "AO"},
    {"Antigua and Barbuda", "AG"},
    {"Argentina", "AR"},
    {"Armenia", "AM"},
    {"Aruba", "AW"},
    {"Australia", "AU"},
    {"Austria", "AT"},
    {"Azerbaijan", "AZ"},
    {"Bahamas, The", "BS"},
    {"Bahrain", "BH"},
    {"Bangladesh", "BD"},
    {"Barbados", "BB"},
    {"Belarus", "BY"},
    {"Belgium", "BE"},
    {"Belize", "BZ"},
    {"Benin", "BJ"},
    {"Bermuda", "BM"},
    {"Bolivia", "BO"},
    {"Bosnia and Herzegovina", "BA"},
    {"Brazil", "BR"},
    {"Brunei", "BN"},
    {"Bulgaria", "BG"},
    {"Burkina Faso", "BF"},
    {"Burma", "MM"},
    {"Cabo Verde", "CV"},
    {"Cambodia", "KH"},
    {"Canada", "CA"},
    {"Cayman Islands", "KY"},
    {"Central African Republic", "CF"},
    {"Chile", "CL"},
    {"China", "CN"},
    {"Colombia", "CO"},
    {"Comoros", "KM"},
    {"Congo, Democratic Republic of the", "CD"},
    {"Congo, Republic of the", "CG"},
    {"Costa Rica", "CR"},
    {"Cote d Ivoire", "CI"},
    {"Croatia", "HR"},
    {"Cuba", "CU"},
    {"Cyprus", "CY"},
    {"Czech Republic", "CZ"},
    {"Denmark", "DK"},
    {"Djibouti", "DJ"},
    {"Dominica", "DM"},
    {"Dominican Republic", "DO"},
    {"Ecuador", "EC"},
    {"Egypt", "EG"},
    {"El Salvador", "SV"},
    {"Equatorial Guinea", "GQ"},
    {"Eritrea", "ER"},
    {"Estonia", "EE"},
    {"Ethiopia", "ET"},
    {"Fiji", "FJ"},
    {"Finland", "FI"},
    {"France", "FR"},
    {"Georgia", "GE"},
    {"Germany", "DE"},
    {"Ghana", "GH"},
    {"Gibraltar", "GI"},
    {"Greece", "GR"},
    {"Guatemala", "GT"},
    {"Guinea", "GN"},
    {"Guinea-Bissau", "GW"},
    {"Guyana", "GY"},
    {"Haiti", "HT"},
    {"Honduras", "HN"},
    {"Hong Kong", "HK"},
    {"Hungary", "HU"},
    {"Iceland", "IS"},
    {"India", "IN"},
    {"Indonesia", "ID"},
    {"Iran", "IR"},
    {"Iraq", "IQ"},
    {"Ireland", "IE"},
    {"Israel", "IL"},
    {"Italy", "IT"},
    {"Jamaica", "JM"},
    {"Japan", "JP"},
    {"Jersey", "JE"},
    {"Jordan", "JO"},
    {"Kazakhstan", "KZ"},
    {"Kenya", "KE"},
    {"Korea, North", "KP"},
    {"Korea, South", "KR"},
    {"Kuwait", "KW"},
    {"Kyrgyzstan", "KG"},
    {"Laos", "LA"},
    {"Latvia", "LV"},
    {"Lebanon", "LB"},
    {"Liberia", "LR"},
    {"Libya", "LY"},
    {"Liechtenstein", "LI"},
    {"Lithuania", "LT"},
    {"Luxembourg", "LU"},
    {"Macau", "MO"},
    {"Malaysia", "MY"},
    {"Maldives", "MV"},
    {"Mali", "ML"},
    {"Malta", "MT"},
    {"Man, Isle of", "IM"},
    {"Marshall Islands", "MH"},
    {"Mauritania", "MR"},
    {"Mauritius", "MU"},
    {"Mexico", "MX"},
    {"Moldova", "MD"},
    {"Monaco", "MC"},
    {"Mongolia", "MN"},
    {"Montenegro", "ME"},
    {"Morocco", "MA"},
    {"Mozambique", "MZ"},
    {"Namibia", "NA"},
    {"Netherlands", "NL"},
    {"New Zealand", "NZ"},
    {"Nicaragua", "NI"},
    {"Niger", "NE"},
    {"Nigeria", "NG"},
    {"North Macedonia, The Republic of", "MK"},
    {"Norway", "NO"},
    {"Oman", "OM"},
    {"Pakistan", "PK"},
    {"Palau", "PW"},
    {"Palestinian", "PS"},
    {"Panama", "PA"},
    {"Paraguay", "PY"},
    {"Peru", "PE"},
    {"Philippines", "PH"},
    {"Poland", "PL"},
    {"Portugal", "PT"},
    {"Qatar", "QA"},
    {"Romania", "RO"},
    {"Russia", "RU"},
    {"Rwanda", "RW"},
    {"Saint Kitts and Nevis", "KN"},
    {"Saint Vincent and the Grenadines", "VC"},
    {"Samoa", "WS"},
    {"San Marino", "SM"},
    {"Saudi Arabia", "SA"},
    {"Senegal", "SN"},
    {"Serbia", "RS"},
    {"Seychelles", "SC"},
    {"Sierra Leone", "SL"},
    {"Singapore", "SG"},
    {"Slovakia", "SK"},
    {"Slovenia", "SI"},
    {"Somalia", "SO"},
    {"South Africa", "ZA"},
    {"South Sudan", "SS"},
    {"Spain", "ES"},
    {"Sri Lanka", "LK"},
    {"Sudan", "SD"},
    {"Suriname", "SR"},
    {"Sweden", "SE"},
    {"Switzerland", "CH"},
    {"Syria", "SY"},
    {"Taiwan", "TW"},
    {"Tajikistan", "TJ"},
    {"Tanzania", "TZ"},
    {"Thailand", "TH"},
    {"The Gambia", "GM"},
    {"Trinidad and Tobago", "TT"},
    {"Tunisia", "TN"},
    {"Turkey", "TR"},
    {"Turkmenistan", "TM"},
    {"Uganda", "UG"},
    {"Ukraine", "UA"},
    {"United Arab Emirates", "AE"},
    {"United Kingdom", "GB"},
    {"United States", "US"},
    {"Uruguay", "UY"},
    {"Uzbekistan", "UZ"},
    {"Vanuatu", "VU"},
    {"Venezuela", "VE"},
    {"Vietnam", "VN"},
    {"Virgin Islands, British", "VG"},
    {"Yemen", "YE"},
    {"Zambia", "ZM"},
    {"Zimbabwe", "ZW"}};

TEST(ListCoverage, OfacCountryValuesMapToOfacIso2) {
  for (const auto& [name, iso2] : kOfacCountryValues) {
    EXPECT_EQ(CountryCodeFor(name), iso2) << name;
  }
}

// Names the lists use with no ISO2 given by OFAC, or from other lists (UN
// consolidated XML nationality/country values, CSL vessel flags, OFAC
// non-SDN enhanced XML, legacy CSV address countries and remarks), with the
// code they must map to.
TEST(ListCoverage, OtherListNames) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      // OFAC values without an ISO2 attribute.
      {"Kosovo", "XK"},
      {"Region: Gaza", "PS"},
      {"Region: Northern Mali", "ML"},
      {"West Bank", "PS"},
      // UN consolidated list.
      {"British Virgin Islands", "VG"},
      {"Burundi", "BI"},
      {"Cameroon", "CM"},
      {"Chad", "TD"},
      {"China, Hong Kong Special Administrative Region", "HK"},
      {"Cook Islands", "CK"},
      {"Democratic People's Republic of Korea", "KP"},
      {"Democratic Republic of the Congo", "CD"},
      {"Gabon", "GA"},
      {"Guernsey", "GG"},
      {"Iran (Islamic Republic of)", "IR"},
      {"Myanmar", "MM"},
      {"Russian Federation", "RU"},
      {"State of Palestine", "PS"},
      {"Syrian Arab Republic", "SY"},
      {"Togo", "TG"},
      {"Türkiye", "TR"},
      {"United Kingdom of Great Britain and Northern Ireland", "GB"},
      {"United Republic of Tanzania", "TZ"},
      {"United States of America", "US"},
      {"Viet Nam", "VN"},
      // CSL vessel flags, DPL country column.
      {"St. Kitts & Nevis", "KN"},
      {"St. Kitts and Nevis", "KN"},
      {"St. Vincent and the Grenadines", "VC"},
      {"PRC", "CN"},
      // Legacy CSV remarks.
      {"possibly Palestinian", ""},
      {"Palestinian", "PS"},
      {"North Macedonia, The Republic of", "MK"},
      {"Man, Isle of", "IM"},
      {"Virgin Islands, British", "VG"},
  };
  for (const auto& [name, code] : cases) {
    EXPECT_EQ(CountryCodeFor(name), code) << name;
  }
}

// Values the lists use that name no single country: placeholders, historic
// or disputed areas, and Crimea (a sanctioned region, not a country). "na"
// (UN: not available) is a placeholder that CountryCodeFor would read as
// Namibia's code, so list parsers drop it first; "NM" in the DPL country
// column is a U.S. state (New Mexico), not an ISO code.
TEST(ListCoverage, NonCountryValues) {
  for (const char* text :
       {"-0-", "undetermined", "None Identified", "Netherlands Antilles",
        "Kashmir", "Region: Kafia Kingi", "Region: Crimea", "NM"}) {
    EXPECT_EQ(CountryCodeFor(text), "") << text;
  }
  const SanctionedRegion* r =
      FindSanctionedRegion("", "Region: Crimea", "2025-11-19");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->id, "CRIMEA");
}

// ISO alpha-2 codes in CSL citizenship/nationality/address fields and the DPL.
TEST(ListCoverage, ListAlpha2Codes) {
  const std::vector<std::string> codes = {
      "AE", "AF", "AL", "AM", "AO", "AR", "AT", "AU", "BA", "BB", "BD", "BE",
      "BG", "BH", "BO", "BR", "BY", "CA", "CD", "CF", "CH", "CM", "CN", "CO",
      "CR", "CU", "CV", "CY", "DE", "DO", "DZ", "EC", "EG", "ER", "ES", "ET",
      "FI", "FR", "GB", "GE", "GH", "GM", "GN", "GQ", "GR", "GT", "GW", "HK",
      "HN", "HT", "ID", "IE", "IL", "IN", "IQ", "IR", "IT", "JO", "KE", "KG",
      "KH", "KM", "KN", "KP", "KW", "KZ", "LB", "LI", "LR", "LU", "LV", "LY",
      "MA", "MD", "ME", "ML", "MM", "MR", "MT", "MV", "MX", "MY", "MZ", "NE",
      "NG", "NI", "NL", "NO", "NZ", "OM", "PA", "PE", "PH", "PK", "PS", "PY",
      "QA", "RS", "RU", "RW", "SA", "SD", "SE", "SG", "SI", "SK", "SL", "SN",
      "SO", "SS", "SV", "SY", "TD", "TH", "TJ", "TN", "TR", "TT", "TW", "TZ",
      "UA", "UG", "US", "UZ", "VE", "VN", "XK", "YE", "ZA", "ZW"};
  for (const std::string& code : codes) {
    EXPECT_EQ(CountryCodeFor(code), code) << code;
  }
}

}  // namespace
}  // namespace clearance::reference
