#include "engine/reference/reference.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/common/embedded.h"

namespace clearance {
// Defined by the clearance_embed(clearance_reference ReferenceTable_<name>
// data/reference/<name>.json) calls in engine/CMakeLists.txt.
const std::vector<EmbeddedFile>& ReferenceTable_countries();
const std::vector<EmbeddedFile>& ReferenceTable_country_groups();
const std::vector<EmbeddedFile>& ReferenceTable_sanctioned_regions();
const std::vector<EmbeddedFile>& ReferenceTable_embargoes();
}  // namespace clearance

namespace clearance::reference {
namespace {

using nlohmann::json;

// The tables are compiled in and tested, so a defect in them is a programmer
// bug, not a runtime condition to recover from.
[[noreturn]] void Die(std::string_view file, const std::string& what) {
  std::fprintf(stderr,
               "clearance: embedded reference table %.*s is malformed: %s\n",
               static_cast<int>(file.size()), file.data(), what.c_str());
  std::abort();
}

std::string Upper(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    out.push_back((c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A')
                                         : c);
  }
  return out;
}

std::string_view TrimAscii(std::string_view s) {
  auto space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
  };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

bool IsIsoDate(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (d[i] < '0' || d[i] > '9') return false;
  }
  const int month = (d[5] - '0') * 10 + (d[6] - '0');
  const int day = (d[8] - '0') * 10 + (d[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

// ISO dates compare correctly as strings; "" bounds are open.
bool InForce(std::string_view date, std::string_view from,
             std::string_view to) {
  return (from.empty() || from <= date) && (to.empty() || date <= to);
}

void AppendUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Decodes one UTF-8 sequence at s[*i]; returns U+FFFD for a malformed one
// and advances *i past what it consumed.
char32_t NextCodePoint(std::string_view s, size_t* i) {
  const auto b = static_cast<unsigned char>(s[*i]);
  int len = 0;
  char32_t cp = 0;
  if (b < 0x80) {
    ++*i;
    return b;
  } else if ((b & 0xE0) == 0xC0) {
    len = 2;
    cp = b & 0x1F;
  } else if ((b & 0xF0) == 0xE0) {
    len = 3;
    cp = b & 0x0F;
  } else if ((b & 0xF8) == 0xF0) {
    len = 4;
    cp = b & 0x07;
  } else {
    ++*i;
    return 0xFFFD;
  }
  if (*i + len > s.size()) {
    ++*i;
    return 0xFFFD;
  }
  for (int k = 1; k < len; ++k) {
    const auto c = static_cast<unsigned char>(s[*i + k]);
    if ((c & 0xC0) != 0x80) {
      ++*i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (c & 0x3F);
  }
  *i += len;
  return cp;
}

// ASCII folding of U+00C0..U+00FF ("" = a separator such as × or ÷).
const char* FoldLatin1(char32_t cp) {
  static constexpr const char* kFold[64] = {
      "a", "a", "a", "a", "a", "a", "ae", "c",   // C0-C7
      "e", "e", "e", "e", "i", "i", "i",  "i",   // C8-CF
      "d", "n", "o", "o", "o", "o", "o",  "",    // D0-D7 (D7 ×)
      "o", "u", "u", "u", "u", "y", "th", "ss",  // D8-DF
      "a", "a", "a", "a", "a", "a", "ae", "c",   // E0-E7
      "e", "e", "e", "e", "i", "i", "i",  "i",   // E8-EF
      "d", "n", "o", "o", "o", "o", "o",  "",    // F0-F7 (F7 ÷)
      "o", "u", "u", "u", "u", "y", "th", "y",   // F8-FF
  };
  return kFold[cp - 0xC0];
}

char32_t LowerCyrillic(char32_t cp) {
  if (cp >= 0x0400 && cp <= 0x040F) return cp + 0x50;
  if (cp >= 0x0410 && cp <= 0x042F) return cp + 0x20;
  if (cp >= 0x0460 && cp <= 0x04FF && cp % 2 == 0) return cp + 1;
  return cp;
}

// The key names are compared by: case-folded (ASCII, Latin-1 with accents
// removed, Cyrillic), split into words at spaces and punctuation, "&" read as
// "and", "st" as "saint", a leading or trailing "the" dropped, then the words
// joined with nothing between them, so that "Korea, North" == "KOREA NORTH"
// and "Cote d'Ivoire" == "Cote d Ivoire" == "Côte d’Ivoire".
std::string FoldKey(std::string_view text) {
  std::vector<std::string> words(1);
  auto end_word = [&words] {
    if (!words.back().empty()) words.emplace_back();
  };
  for (size_t i = 0; i < text.size();) {
    const char32_t cp = NextCodePoint(text, &i);
    if (cp < 0x80) {
      const char c = static_cast<char>(cp);
      if (c >= 'A' && c <= 'Z') {
        words.back().push_back(static_cast<char>(c - 'A' + 'a'));
      } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        words.back().push_back(c);
      } else if (c == '&') {
        end_word();
        words.back() = "and";
        end_word();
      } else {
        end_word();
      }
    } else if (cp >= 0xC0 && cp <= 0xFF) {
      const char* folded = FoldLatin1(cp);
      if (*folded == '\0') {
        end_word();
      } else {
        words.back() += folded;
      }
    } else if (cp < 0xC0 || cp == 0xFFFD || (cp >= 0x2000 && cp <= 0x206F) ||
               cp == 0x3000 || cp == 0xFEFF) {
      end_word();  // Latin-1 symbols, general punctuation, odd spaces.
    } else {
      AppendUtf8(LowerCyrillic(cp), &words.back());
    }
  }
  if (words.back().empty()) words.pop_back();
  if (words.size() > 1 && words.front() == "the") words.erase(words.begin());
  if (words.size() > 1 && words.back() == "the") words.pop_back();
  std::string key;
  // "st" only as a word of a longer name: alone it is Sao Tome's code.
  for (const std::string& w : words) {
    key += (w == "st" && words.size() > 1) ? "saint" : w;
  }
  return key;
}

bool IsAsciiLetters(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return c >= 'a' && c <= 'z'; });
}

// Strict readers over one JSON object: every key must be known and every
// required one present with the right type.
class Reader {
 public:
  Reader(std::string_view file, const json& obj, std::string where,
         std::initializer_list<const char*> allowed)
      : file_(file), obj_(obj), where_(std::move(where)) {
    if (!obj.is_object()) Die(file_, where_ + ": not an object");
    for (const auto& [key, value] : obj.items()) {
      if (std::find_if(allowed.begin(), allowed.end(), [&](const char* a) {
            return key == a;
          }) == allowed.end()) {
        Die(file_, where_ + ": unknown key \"" + key + "\"");
      }
    }
  }

  std::string Str(const char* key, bool non_empty = true) const {
    const auto it = obj_.find(key);
    if (it == obj_.end() || !it->is_string()) {
      Die(file_, where_ + ": \"" + key + "\" missing or not a string");
    }
    std::string value = it->get<std::string>();
    if (non_empty && value.empty()) {
      Die(file_, where_ + ": \"" + key + "\" is empty");
    }
    return value;
  }

  // "" or an ISO date.
  std::string Date(const char* key) const {
    std::string value = Str(key, /*non_empty=*/false);
    if (!value.empty() && !IsIsoDate(value)) {
      Die(file_, where_ + ": \"" + key + "\" is not YYYY-MM-DD: " + value);
    }
    return value;
  }

  bool Bool(const char* key, bool missing_value) const {
    const auto it = obj_.find(key);
    if (it == obj_.end()) return missing_value;
    if (!it->is_boolean()) Die(file_, where_ + ": \"" + key + "\" not a bool");
    return it->get<bool>();
  }

  std::vector<std::string> Strings(const char* key) const {
    const auto it = obj_.find(key);
    if (it == obj_.end() || !it->is_array()) {
      Die(file_, where_ + ": \"" + key + "\" missing or not an array");
    }
    std::vector<std::string> out;
    for (const json& v : *it) {
      if (!v.is_string() || v.get<std::string>().empty()) {
        Die(file_, where_ + ": \"" + key + "\" holds a non-string or \"\"");
      }
      out.push_back(v.get<std::string>());
    }
    return out;
  }

  const json& Array(const char* key) const {
    const auto it = obj_.find(key);
    if (it == obj_.end() || !it->is_array()) {
      Die(file_, where_ + ": \"" + key + "\" missing or not an array");
    }
    return *it;
  }

 private:
  std::string_view file_;
  const json& obj_;
  std::string where_;
};

void CheckRange(std::string_view file, const std::string& where,
                const std::string& from, const std::string& to) {
  if (!from.empty() && !to.empty() && to < from) {
    Die(file,
        where + ": effective_to " + to + " precedes effective_from " + from);
  }
}

struct Tables {
  std::vector<Country> countries;                       // sorted by alpha2
  std::unordered_map<std::string, size_t> by_code;      // "CN", "CHN"
  std::unordered_map<std::string, std::string> by_key;  // FoldKey -> alpha2
  std::vector<GroupMembership> memberships;
  std::unordered_map<std::string, std::vector<size_t>> memberships_of;
  std::vector<DestinationAlias> destination_aliases;
  std::vector<SanctionedRegion> regions;
  std::unordered_map<std::string, std::vector<size_t>> region_by_subdivision;
  std::unordered_map<std::string, std::vector<size_t>> region_by_place;
  std::vector<Embargo> embargoes;
};

json ParseFile(std::string_view name) {
  using Table = const std::vector<EmbeddedFile>& (*)();
  for (Table table :
       {&ReferenceTable_countries, &ReferenceTable_country_groups,
        &ReferenceTable_sanctioned_regions, &ReferenceTable_embargoes}) {
    for (const EmbeddedFile& f : table()) {
      if (f.name != name) continue;
      json doc = json::parse(f.content, nullptr, /*allow_exceptions=*/false);
      if (doc.is_discarded()) Die(name, "not valid JSON");
      return doc;
    }
  }
  Die(name, "not embedded (check clearance_embed in engine/CMakeLists.txt)");
}

void LoadCountries(Tables* t) {
  constexpr std::string_view kFile = "countries.json";
  const json doc = ParseFile(kFile);
  const Reader top(kFile, doc, "top level", {"description", "countries"});
  for (const json& entry : top.Array("countries")) {
    const std::string where =
        "country " + (entry.is_object() ? entry.value("alpha2", "?") : "?");
    const Reader r(
        kFile, entry, where,
        {"alpha2", "alpha3", "name", "aliases", "user_assigned", "note"});
    Country c;
    c.alpha2 = r.Str("alpha2");
    c.alpha3 = r.Str("alpha3");
    c.name = r.Str("name");
    c.aliases = r.Strings("aliases");
    c.user_assigned = r.Bool("user_assigned", false);
    auto upper_letters = [](const std::string& s) {
      return std::all_of(s.begin(), s.end(),
                         [](char ch) { return ch >= 'A' && ch <= 'Z'; });
    };
    if (c.alpha2.size() != 2 || !upper_letters(c.alpha2) ||
        c.alpha3.size() != 3 || !upper_letters(c.alpha3)) {
      Die(kFile, where + ": codes must be 2 and 3 upper-case letters");
    }
    t->countries.push_back(std::move(c));
  }
  std::sort(
      t->countries.begin(), t->countries.end(),
      [](const Country& a, const Country& b) { return a.alpha2 < b.alpha2; });
  for (size_t i = 0; i < t->countries.size(); ++i) {
    const Country& c = t->countries[i];
    for (const std::string& code : {c.alpha2, c.alpha3}) {
      if (!t->by_code.emplace(code, i).second) {
        Die(kFile, "code " + code + " appears twice");
      }
    }
  }
  for (const Country& c : t->countries) {
    std::vector<std::string> spellings = c.aliases;
    spellings.push_back(c.name);
    for (const std::string& spelling : spellings) {
      const std::string key = FoldKey(spelling);
      if (key.empty()) Die(kFile, c.alpha2 + ": alias without letters");
      // A short alias would be read as a code first (CountryCodeFor).
      if (key.size() <= 3 && IsAsciiLetters(key)) {
        const auto code = t->by_code.find(Upper(key));
        if (code != t->by_code.end() &&
            t->countries[code->second].alpha2 != c.alpha2) {
          Die(kFile, c.alpha2 + ": alias \"" + spelling + "\" is the code of " +
                         t->countries[code->second].alpha2);
        }
      }
      const auto [it, inserted] = t->by_key.emplace(key, c.alpha2);
      if (!inserted && it->second != c.alpha2) {
        Die(kFile, "\"" + spelling + "\" names both " + it->second + " and " +
                       c.alpha2);
      }
    }
  }
}

void LoadCountryGroups(Tables* t) {
  constexpr std::string_view kFile = "country_groups.json";
  const json doc = ParseFile(kFile);
  const Reader top(kFile, doc, "top level",
                   {"description", "memberships", "destination_aliases"});
  for (const json& entry : top.Array("memberships")) {
    const std::string where =
        "membership " + (entry.is_object() ? entry.value("group", "?") + "/" +
                                                 entry.value("country", "?")
                                           : std::string("?"));
    const Reader r(kFile, entry, where,
                   {"group", "country", "effective_from", "effective_to",
                    "uncertain", "citation", "note"});
    GroupMembership m;
    m.group = r.Str("group");
    m.country = r.Str("country");
    m.effective_from = r.Date("effective_from");
    m.effective_to = r.Date("effective_to");
    m.uncertain = r.Bool("uncertain", false);
    m.citation = r.Str("citation");
    if (!t->by_code.contains(m.country) || m.country.size() != 2) {
      Die(kFile, where + ": unknown alpha-2 country");
    }
    CheckRange(kFile, where, m.effective_from, m.effective_to);
    // Overlapping rows for one group and country would make the history
    // ambiguous (which citation applies?).
    for (size_t i : t->memberships_of[m.country]) {
      const GroupMembership& o = t->memberships[i];
      if (o.group != m.group) continue;
      const bool disjoint =
          (!o.effective_to.empty() && !m.effective_from.empty() &&
           o.effective_to < m.effective_from) ||
          (!m.effective_to.empty() && !o.effective_from.empty() &&
           m.effective_to < o.effective_from);
      if (!disjoint) Die(kFile, where + ": overlaps another row");
    }
    t->memberships_of[m.country].push_back(t->memberships.size());
    t->memberships.push_back(std::move(m));
  }
  for (const json& entry : top.Array("destination_aliases")) {
    const Reader r(kFile, entry, "destination alias",
                   {"country", "treated_as", "effective_from", "effective_to",
                    "uncertain", "citation"});
    DestinationAlias a;
    a.country = r.Str("country");
    a.treated_as = r.Str("treated_as");
    a.effective_from = r.Date("effective_from");
    a.effective_to = r.Date("effective_to");
    a.uncertain = r.Bool("uncertain", false);
    a.citation = r.Str("citation");
    if (!t->by_code.contains(a.country) || !t->by_code.contains(a.treated_as) ||
        a.country.size() != 2 || a.treated_as.size() != 2 ||
        a.country == a.treated_as) {
      Die(kFile, "destination alias " + a.country + ": bad countries");
    }
    CheckRange(kFile, "destination alias " + a.country, a.effective_from,
               a.effective_to);
    t->destination_aliases.push_back(std::move(a));
  }
}

void LoadRegions(Tables* t) {
  constexpr std::string_view kFile = "sanctioned_regions.json";
  const json doc = ParseFile(kFile);
  const Reader top(kFile, doc, "top level", {"description", "regions"});
  for (const json& entry : top.Array("regions")) {
    const std::string where =
        "region " + (entry.is_object() ? entry.value("id", "?") : "?");
    const Reader r(kFile, entry, where,
                   {"id", "name", "country", "subdivisions", "place_names",
                    "effective_from", "effective_to", "citation", "note"});
    SanctionedRegion region;
    region.id = r.Str("id");
    region.name = r.Str("name");
    region.country = r.Str("country");
    region.subdivisions = r.Strings("subdivisions");
    region.place_names = r.Strings("place_names");
    region.effective_from = r.Date("effective_from");
    region.effective_to = r.Date("effective_to");
    region.citation = r.Str("citation");
    if (!t->by_code.contains(region.country)) {
      Die(kFile, where + ": unknown country");
    }
    CheckRange(kFile, where, region.effective_from, region.effective_to);
    const size_t index = t->regions.size();
    for (const std::string& sub : region.subdivisions) {
      if (sub.rfind(region.country + "-", 0) != 0 || sub != Upper(sub)) {
        Die(kFile,
            where + ": subdivision " + sub + " not of " + region.country);
      }
      t->region_by_subdivision[sub].push_back(index);
    }
    for (const std::string& place : region.place_names) {
      const std::string key = FoldKey(place);
      if (key.empty()) Die(kFile, where + ": place without letters");
      auto& hits = t->region_by_place[key];
      if (std::find(hits.begin(), hits.end(), index) == hits.end()) {
        hits.push_back(index);
      }
    }
    t->regions.push_back(std::move(region));
  }
}

void LoadEmbargoes(Tables* t) {
  constexpr std::string_view kFile = "embargoes.json";
  const json doc = ParseFile(kFile);
  const Reader top(kFile, doc, "top level", {"description", "embargoes"});
  for (const json& entry : top.Array("embargoes")) {
    const std::string where =
        "embargo " + (entry.is_object() ? entry.value("country", "?") : "?");
    const Reader r(
        kFile, entry, where,
        {"country", "name", "ofac_authority", "ofac_from", "ofac_to",
         "ear_authority", "ear_from", "ear_to", "uncertain", "note"});
    Embargo e;
    e.country = r.Str("country");
    e.name = r.Str("name");
    e.ofac_authority = r.Str("ofac_authority", /*non_empty=*/false);
    e.ofac_from = r.Date("ofac_from");
    e.ofac_to = r.Date("ofac_to");
    e.ear_authority = r.Str("ear_authority", /*non_empty=*/false);
    e.ear_from = r.Date("ear_from");
    e.ear_to = r.Date("ear_to");
    e.uncertain = r.Bool("uncertain", false);
    e.note = r.Str("note", /*non_empty=*/false);
    if (!t->by_code.contains(e.country) || e.country.size() != 2) {
      Die(kFile, where + ": unknown alpha-2 country");
    }
    if (e.ofac_authority.empty() && e.ear_authority.empty()) {
      Die(kFile, where + ": neither an OFAC nor an EAR authority");
    }
    CheckRange(kFile, where + " (OFAC)", e.ofac_from, e.ofac_to);
    CheckRange(kFile, where + " (EAR)", e.ear_from, e.ear_to);
    for (const Embargo& other : t->embargoes) {
      if (other.country == e.country) Die(kFile, where + ": listed twice");
    }
    t->embargoes.push_back(std::move(e));
  }
}

const Tables& GetTables() {
  // Function-local static: initialized once, thread-safely; never destroyed
  // so that references handed out stay valid during shutdown.
  static const Tables* const kTables = [] {
    auto* t = new Tables;
    LoadCountries(t);
    LoadCountryGroups(t);
    LoadRegions(t);
    LoadEmbargoes(t);
    return t;
  }();
  return *kTables;
}

bool DirectlyInGroup(const Tables& t, std::string_view group,
                     const std::string& country, std::string_view date) {
  const auto it = t.memberships_of.find(country);
  if (it == t.memberships_of.end()) return false;
  for (size_t i : it->second) {
    const GroupMembership& m = t.memberships[i];
    if (m.group == group && InForce(date, m.effective_from, m.effective_to)) {
      return true;
    }
  }
  return false;
}

void CollectGroups(const Tables& t, const std::string& country,
                   std::string_view date, std::vector<std::string>* out) {
  const auto it = t.memberships_of.find(country);
  if (it == t.memberships_of.end()) return;
  for (size_t i : it->second) {
    const GroupMembership& m = t.memberships[i];
    if (InForce(date, m.effective_from, m.effective_to)) {
      out->push_back(m.group);
    }
  }
}

const Embargo* EmbargoOn(std::string_view country) {
  const std::string code = Upper(TrimAscii(country));
  for (const Embargo& e : GetTables().embargoes) {
    if (e.country == code) return &e;
  }
  return nullptr;
}

bool OfacInForce(const Embargo& e, std::string_view date) {
  return !e.ofac_authority.empty() && InForce(date, e.ofac_from, e.ofac_to);
}

bool EarInForce(const Embargo& e, std::string_view date) {
  return !e.ear_authority.empty() && InForce(date, e.ear_from, e.ear_to);
}

}  // namespace

const std::vector<Country>& Countries() { return GetTables().countries; }

const Country* FindCountry(std::string_view code) {
  const Tables& t = GetTables();
  const auto it = t.by_code.find(Upper(TrimAscii(code)));
  return it == t.by_code.end() ? nullptr : &t.countries[it->second];
}

std::string CountryCodeFor(std::string_view name_or_code) {
  const Tables& t = GetTables();
  const std::string key = FoldKey(name_or_code);
  if (key.empty()) return "";
  if (key.size() <= 3 && IsAsciiLetters(key)) {
    const auto code = t.by_code.find(Upper(key));
    if (code != t.by_code.end()) return t.countries[code->second].alpha2;
  }
  const auto it = t.by_key.find(key);
  return it == t.by_key.end() ? "" : it->second;
}

const std::vector<GroupMembership>& CountryGroupMemberships() {
  return GetTables().memberships;
}

const std::vector<DestinationAlias>& DestinationAliases() {
  return GetTables().destination_aliases;
}

std::string EarDestination(std::string_view country, std::string_view date) {
  std::string code = Upper(TrimAscii(country));
  for (const DestinationAlias& a : GetTables().destination_aliases) {
    if (a.country == code && InForce(date, a.effective_from, a.effective_to)) {
      return a.treated_as;
    }
  }
  return code;
}

bool InCountryGroup(std::string_view group, std::string_view country,
                    std::string_view date) {
  const Tables& t = GetTables();
  const std::string code = Upper(TrimAscii(country));
  if (DirectlyInGroup(t, group, code, date)) return true;
  const std::string destination = EarDestination(code, date);
  return destination != code && DirectlyInGroup(t, group, destination, date);
}

std::vector<std::string> GroupsOf(std::string_view country,
                                  std::string_view date) {
  const Tables& t = GetTables();
  const std::string code = Upper(TrimAscii(country));
  std::vector<std::string> groups;
  CollectGroups(t, code, date, &groups);
  const std::string destination = EarDestination(code, date);
  if (destination != code) CollectGroups(t, destination, date, &groups);
  std::sort(groups.begin(), groups.end());
  groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
  return groups;
}

const std::vector<SanctionedRegion>& SanctionedRegions() {
  return GetTables().regions;
}

const SanctionedRegion* FindSanctionedRegion(std::string_view subdivision,
                                             std::string_view place,
                                             std::string_view date) {
  const Tables& t = GetTables();
  auto first_in_force =
      [&](const std::unordered_map<std::string, std::vector<size_t>>& index,
          const std::string& key) -> const SanctionedRegion* {
    const auto it = index.find(key);
    if (it == index.end()) return nullptr;
    for (size_t i : it->second) {
      const SanctionedRegion& r = t.regions[i];
      if (InForce(date, r.effective_from, r.effective_to)) return &r;
    }
    return nullptr;
  };
  const std::string sub = Upper(TrimAscii(subdivision));
  if (!sub.empty()) {
    if (const SanctionedRegion* r =
            first_in_force(t.region_by_subdivision, sub))
      return r;
  }
  if (const SanctionedRegion* r =
          first_in_force(t.region_by_place, FoldKey(place))) {
    return r;
  }
  // "Simferopol, Crimea": try each comma- or semicolon-separated part.
  size_t start = 0;
  while (start <= place.size()) {
    size_t end = place.find_first_of(",;", start);
    if (end == std::string_view::npos) end = place.size();
    if (start == 0 && end == place.size()) break;  // no separator: done above
    const std::string key = FoldKey(place.substr(start, end - start));
    if (!key.empty()) {
      if (const SanctionedRegion* r = first_in_force(t.region_by_place, key)) {
        return r;
      }
    }
    start = end + 1;
  }
  return nullptr;
}

const std::vector<Embargo>& Embargoes() { return GetTables().embargoes; }

const Embargo* FindEmbargo(std::string_view country, std::string_view date) {
  const Embargo* e = EmbargoOn(country);
  if (e == nullptr) return nullptr;
  return (OfacInForce(*e, date) || EarInForce(*e, date)) ? e : nullptr;
}

bool OfacComprehensiveEmbargo(std::string_view country, std::string_view date) {
  const Embargo* e = EmbargoOn(country);
  return e != nullptr && OfacInForce(*e, date);
}

bool EarEmbargo(std::string_view country, std::string_view date) {
  const Embargo* e = EmbargoOn(country);
  return e != nullptr && EarInForce(*e, date);
}

}  // namespace clearance::reference
