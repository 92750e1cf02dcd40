// engine/reference: reference tables the project compiles itself from public
// facts (data/reference/*.json, embedded into the binary at build time):
// ISO 3166 countries with the spellings lists use, EAR country groups with
// effective dates, and comprehensively sanctioned regions (Crimea, DNR, LNR).
//
// Sources and dates for every entry are in data/reference/README.md and
// docs/lists.md. The tables are parsed once, on first use, and are
// immutable afterwards. Thread safety: all functions are thread-safe.
#ifndef CLEARANCE_ENGINE_REFERENCE_REFERENCE_H_
#define CLEARANCE_ENGINE_REFERENCE_REFERENCE_H_

#include <string>
#include <string_view>
#include <vector>

namespace clearance::reference {

struct Country {
  std::string alpha2;  // "CN"
  std::string alpha3;  // "CHN"
  std::string name;    // "China"
  std::vector<std::string> aliases;  // "PEOPLE'S REPUBLIC OF CHINA", "PRC", ...
};

// All ISO 3166-1 countries (plus XK Kosovo as lists use it), by alpha2.
const std::vector<Country>& Countries();

// Looks up an ISO alpha-2 or alpha-3 code (case-insensitive); nullptr if none.
const Country* FindCountry(std::string_view code);

// Maps a code or a country name as lists write it ("CUBA", "Korea, North",
// "Burma", "Iran (Islamic Republic of)", "Russian Federation", "UK") to an
// ISO alpha-2 code; "" when the text names no known country.
std::string CountryCodeFor(std::string_view name_or_code);

// A membership of a country in an EAR country group over a date range.
struct GroupMembership {
  std::string group;           // "D:1", "D:4", "D:5", "E:1", "E:2", "A:5", "A:6", "MACAU", ...
  std::string country;         // ISO alpha-2
  std::string effective_from;  // ISO date, "" = since before records
  std::string effective_to;    // ISO date inclusive, "" = open
  bool uncertain = false;      // [U] in regulations.md: confirm with counsel
  std::string citation;        // e.g. "89 FR 40369 (Cyprus removed from D:5)"
};

const std::vector<GroupMembership>& CountryGroupMemberships();

// True if `country` (alpha-2) is in `group` on `date` (ISO "YYYY-MM-DD").
bool InCountryGroup(std::string_view group, std::string_view country,
                    std::string_view date);

// Every group `country` is in on `date`, sorted.
std::vector<std::string> GroupsOf(std::string_view country,
                                  std::string_view date);

// A region under a comprehensive embargo though its country is not.
struct SanctionedRegion {
  std::string id;       // "CRIMEA", "DNR", "LNR"
  std::string name;     // "Crimea region of Ukraine"
  std::string country;  // "UA"
  // ISO 3166-2 subdivision codes that make up the region ("UA-43", "UA-40").
  std::vector<std::string> subdivisions;
  // Names (and spellings) by which addresses and geolocation refer to it.
  std::vector<std::string> place_names;
  std::string effective_from;
  std::string effective_to;
  std::string citation;
};

const std::vector<SanctionedRegion>& SanctionedRegions();

// The sanctioned region containing ISO 3166-2 `subdivision` ("UA-43") or
// named by `place` ("Sevastopol", "Donetsk"), in force on `date`; nullptr
// if none.
const SanctionedRegion* FindSanctionedRegion(std::string_view subdivision,
                                             std::string_view place,
                                             std::string_view date);

}  // namespace clearance::reference

#endif  // CLEARANCE_ENGINE_REFERENCE_REFERENCE_H_
