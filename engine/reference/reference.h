// engine/reference: reference tables the project compiles itself from public
// facts (data/reference/*.json, embedded into the binary at build time):
// ISO 3166 countries with the spellings lists use, EAR country groups with
// effective dates, comprehensively sanctioned regions (Crimea, DNR, LNR) and
// comprehensively embargoed countries (Cuba, Iran, North Korea, Syria).
//
// Sources and dates for every entry are in data/reference/README.md and
// docs/lists.md. Entries that regulations.md marks [U] or [S] carry
// `uncertain = true`: have counsel confirm them before relying on them.
//
// The tables are parsed once, on first use, and are immutable afterwards;
// returned references and pointers stay valid for the life of the program.
// A malformed embedded table is a build defect: the first call aborts with a
// message naming the file and entry (the tables are tested).
// Thread safety: all functions are thread-safe.
//
// Dates are ISO "YYYY-MM-DD" strings. REQUIRES: every `date` argument is one;
// ranges are inclusive at both ends, "" meaning "since before records" (from)
// or "open" (to).
//
// Usage:
//   std::string cc = CountryCodeFor("Korea, North");        // "KP"
//   InCountryGroup("D:5", cc, "2026-03-01");                 // true
//   FindSanctionedRegion("", "Sevastopol", "2026-03-01");    // CRIMEA
//   OfacComprehensiveEmbargo("SY", "2025-08-01");            // false
#ifndef CLEARANCE_ENGINE_REFERENCE_REFERENCE_H_
#define CLEARANCE_ENGINE_REFERENCE_REFERENCE_H_

#include <string>
#include <string_view>
#include <vector>

namespace clearance::reference {

struct Country {
  std::string alpha2;                // "CN"
  std::string alpha3;                // "CHN"
  std::string name;                  // "China"
  std::vector<std::string> aliases;  // "People's Republic of China", "PRC", ...
  // True for codes outside ISO 3166-1 that lists use anyway (XK Kosovo).
  bool user_assigned = false;
};

// All ISO 3166-1 countries (plus XK Kosovo as lists use it), by alpha2.
const std::vector<Country>& Countries();

// Looks up an ISO alpha-2 or alpha-3 code (case-insensitive); nullptr if none.
const Country* FindCountry(std::string_view code);

// Maps a code or a country name as lists write it ("CUBA", "Korea, North",
// "Burma", "Iran (Islamic Republic of)", "Russian Federation", "UK") to an
// ISO alpha-2 code; "" when the text names no known country.
//
// Matching ignores case, Latin-1 accents ("Côte" == "Cote"), spaces and
// punctuation ("KOREA, NORTH" == "korea north"), a leading or trailing "The"
// ("Bahamas, The") and reads "&" as "and" and "St." as "Saint". Text of two
// or three letters is read as an ISO code first, so callers must drop list
// placeholders before calling ("na" in the UN list would read as Namibia;
// "-0-" and "undetermined" map to "").
//
// Regions are not countries: "Crimea" / "Region: Crimea" map to "" here; use
// FindSanctionedRegion. Historic or disputed names with no single country
// ("Netherlands Antilles", "Kashmir", "Region: Kafia Kingi") map to "".
std::string CountryCodeFor(std::string_view name_or_code);

// A membership of a country in an EAR country group over a date range.
struct GroupMembership {
  std::string group;    // "D:1", "D:4", "D:5", "E:1", "E:2", "A:5", "A:6",
                        // "MACAU", "AI-DIFFUSION-TIER1"
  std::string country;  // ISO alpha-2
  std::string effective_from;  // ISO date, "" = since before records
  std::string effective_to;    // ISO date inclusive, "" = open
  bool uncertain = false;  // [U]/[S] in regulations.md: confirm with counsel
  std::string citation;    // e.g. "89 FR 40369 (Cyprus removed from D:5)"
};

const std::vector<GroupMembership>& CountryGroupMemberships();

// A destination the EAR treats as part of another country for country-group
// purposes. Today one entry: Hong Kong (HK) is China (CN) for EAR purposes
// (regulations.md §2.2). Macau (MO) is not: it is its own destination and
// the pseudo-group "MACAU" names it for the advanced-computing rules.
struct DestinationAlias {
  std::string country;         // "HK"
  std::string treated_as;      // "CN"
  std::string effective_from;  // "" = since before records
  std::string effective_to;    // "" = open
  bool uncertain = false;
  std::string citation;
};

const std::vector<DestinationAlias>& DestinationAliases();

// The country whose EAR country-group memberships `country` (alpha-2,
// case-insensitive) takes on `date`: "CN" for "HK", else `country`
// upper-cased.
std::string EarDestination(std::string_view country, std::string_view date);

// True if `country` (alpha-2, case-insensitive) is in `group` on `date`,
// directly or through its EarDestination ("HK" is in D:5 because "CN" is).
// Unknown groups and countries are simply not members.
bool InCountryGroup(std::string_view group, std::string_view country,
                    std::string_view date);

// Every group `country` is in on `date` (with the same HK rule), sorted.
std::vector<std::string> GroupsOf(std::string_view country,
                                  std::string_view date);

// A region under a comprehensive embargo though its country is not.
struct SanctionedRegion {
  std::string id;       // "CRIMEA", "DNR", "LNR"
  std::string name;     // "Crimea region of Ukraine"
  std::string country;  // "UA"
  // ISO 3166-2 subdivision codes that make up the region ("UA-43", "UA-40").
  // DNR and LNR are mapped to whole oblasts (UA-14, UA-09): a deliberate,
  // conservative over-approximation (data/reference/README.md).
  std::vector<std::string> subdivisions;
  // Names (and spellings, Latin and Cyrillic) by which addresses and
  // geolocation refer to it.
  std::vector<std::string> place_names;
  std::string effective_from;
  std::string effective_to;
  std::string citation;
};

const std::vector<SanctionedRegion>& SanctionedRegions();

// The sanctioned region containing ISO 3166-2 `subdivision` ("UA-43",
// case-insensitive) or named by `place` ("Sevastopol", "Донецк"), in force
// on `date`; nullptr if none. Either argument may be "". `place` matches a
// listed name as a whole, after the normalization CountryCodeFor uses (plus
// Cyrillic case folding), or any of its comma- or semicolon-separated parts
// ("Simferopol, Crimea"); it is not a substring search.
const SanctionedRegion* FindSanctionedRegion(std::string_view subdivision,
                                             std::string_view place,
                                             std::string_view date);

// A country under a comprehensive embargo: the OFAC programme and the EAR
// regime (15 CFR part 746) have separate dates. Syria's OFAC comprehensive
// embargo ended 2025-06-30 while its EAR licence regime continues.
struct Embargo {
  std::string country;  // "SY"
  std::string name;     // "Syria"
  std::string
      ofac_authority;     // "Syrian Sanctions Regulations, 31 CFR part 542 ..."
                          // "" = no OFAC comprehensive programme
  std::string ofac_from;  // "" = since before records
  std::string ofac_to;    // "2025-06-30"; "" = open
  std::string ear_authority;  // "15 CFR § 746.9 ..."; "" = no EAR embargo
  std::string ear_from;
  std::string ear_to;
  bool uncertain = false;
  std::string note;
};

const std::vector<Embargo>& Embargoes();

// The embargo on `country` (alpha-2, case-insensitive) with its OFAC or its
// EAR part in force on `date`; nullptr if neither is.
const Embargo* FindEmbargo(std::string_view country, std::string_view date);

// True if the OFAC comprehensive embargo on `country` is in force on `date`.
bool OfacComprehensiveEmbargo(std::string_view country, std::string_view date);

// True if the EAR embargo regime (part 746) on `country` is in force on
// `date`.
bool EarEmbargo(std::string_view country, std::string_view date);

}  // namespace clearance::reference

#endif  // CLEARANCE_ENGINE_REFERENCE_REFERENCE_H_
