// The screening facade: raw records -> facts -> rules -> Decision -> audit.
// The fact shapes follow docs/schemas/facts.schema.json; how each fact is
// derived is documented in docs/records.md ("From records to facts").
#include "engine/screening/screening.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/attest/model_verdict.h"
#include "engine/audit/audit_trail.h"
#include "engine/lists/model.h"
#include "engine/match/matcher.h"
#include "engine/ownership/ownership.h"
#include "engine/reference/reference.h"
#include "engine/rules/rules.h"
#include "engine/screening/geoip.h"
#include "engine/screening/replay.h"
#include "engine/store/list_store.h"
#include "engine/store/ownership_store.h"

namespace clearance::screening {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

constexpr const char* kEngineVersion = "0.1.0";
// A name hit counts as a confirmed match (the rules' `confirmed`) at this
// calibrated score on a primary or strong name with no contradicting
// country/type adjustment; below it the hit is a possible match for review.
constexpr double kConfirmScore = 0.95;
// Limits on how far the stored ownership graph is followed upwards from the
// account's declared parents (a request must stay well under 1 ms).
constexpr int kMaxOwnershipDepth = 10;
constexpr size_t kMaxOwnershipEntities = 256;

// True if s[from..] is well-formed UTF-8 (Unicode Table 3-7): what
// nlohmann's serializer copies through unchanged.
bool WellFormedUtf8(std::string_view s, std::size_t from) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  for (std::size_t i = from; i < n;) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (n - i < len || p[i + 1] < lo || p[i + 1] > hi) return false;
    for (std::size_t k = 2; k < len; ++k) {
      if (p[i + k] < 0x80 || p[i + k] > 0xBF) return false;
    }
    i += len;
  }
  return true;
}

// Appends `s` as a JSON string, byte for byte as nlohmann's dump() writes
// it without ensure_ascii. A string that is not well-formed UTF-8 goes
// through nlohmann itself (its error handler replaces the bad bytes).
void AppendJsonString(std::string_view s, std::string* out) {
  // Bytes that are not copied as they are: quote, backslash, controls, and
  // the start of a non-ASCII sequence (checked once per string).
  static constexpr auto kSpecial = [] {
    std::array<bool, 256> special{};
    for (int c = 0; c < 0x20; ++c) special[c] = true;
    for (int c = 0x80; c < 0x100; ++c) special[c] = true;
    special['"'] = special['\\'] = true;
    return special;
  }();
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  const std::size_t start = out->size();
  out->push_back('"');
  bool utf8_checked = false;
  std::size_t copied = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char c = p[i];
    if (!kSpecial[c]) continue;
    if (c >= 0x80) {
      if (!utf8_checked && !WellFormedUtf8(s, i)) {
        out->resize(start);
        *out += json(std::string(s))
                    .dump(-1, ' ', false, json::error_handler_t::replace);
        return;
      }
      utf8_checked = true;
      continue;
    }
    out->append(s.data() + copied, i - copied);
    copied = i + 1;
    switch (c) {
      case '"':
        out->append("\\\"", 2);
        break;
      case '\\':
        out->append("\\\\", 2);
        break;
      case '\b':
        out->append("\\b", 2);
        break;
      case '\t':
        out->append("\\t", 2);
        break;
      case '\n':
        out->append("\\n", 2);
        break;
      case '\f':
        out->append("\\f", 2);
        break;
      case '\r':
        out->append("\\r", 2);
        break;
      default: {
        constexpr char kHex[] = "0123456789abcdef";
        const char escaped[6] = {'\\', 'u',          '0',
                                 '0',  kHex[c >> 4], kHex[c & 15]};
        out->append(escaped, sizeof escaped);
      }
    }
  }
  out->append(s.data() + copied, n - copied);
  out->push_back('"');
}

// Appends `j` exactly as j.dump(-1, ' ', false, replace) would (compact,
// UTF-8 kept, bad UTF-8 replaced), without the serializer's per-character
// state machine: a decision dumps its facts, rule trace and evidence, about
// 15 kB of mostly ASCII, on every call. Floats go through nlohmann (its
// shortest round-trip format).
template <typename Json>
void AppendJson(const Json& j, std::string* out) {
  using nlohmann::detail::value_t;
  switch (j.type()) {
    case value_t::null:
      out->append("null");
      return;
    case value_t::boolean:
      out->append(j.template get<bool>() ? "true" : "false");
      return;
    case value_t::string:
      AppendJsonString(j.template get_ref<const typename Json::string_t&>(),
                       out);
      return;
    case value_t::number_integer:
    case value_t::number_unsigned: {
      char digits[24];
      const auto end = j.type() == value_t::number_integer
                           ? std::to_chars(digits, digits + sizeof digits,
                                           j.template get<std::int64_t>())
                           : std::to_chars(digits, digits + sizeof digits,
                                           j.template get<std::uint64_t>());
      out->append(digits, end.ptr);
      return;
    }
    case value_t::array: {
      out->push_back('[');
      bool first = true;
      for (const Json& v :
           j.template get_ref<const typename Json::array_t&>()) {
        if (!first) out->push_back(',');
        first = false;
        AppendJson(v, out);
      }
      out->push_back(']');
      return;
    }
    case value_t::object: {
      out->push_back('{');
      bool first = true;
      for (const auto& [key, v] :
           j.template get_ref<const typename Json::object_t&>()) {
        if (!first) out->push_back(',');
        first = false;
        AppendJsonString(key, out);
        out->push_back(':');
        AppendJson(v, out);
      }
      out->push_back('}');
      return;
    }
    default:  // floats (and binary/discarded, never made here)
      *out += j.dump(-1, ' ', false, Json::error_handler_t::replace);
  }
}

// j.dump() as the decision records it; `expected_size` reserves room.
std::string Dump(const json& j, std::size_t expected_size = 0) {
  std::string out;
  out.reserve(expected_size);
  AppendJson(j, &out);
  return out;
}
std::string Dump(const ordered_json& j, std::size_t expected_size = 0) {
  std::string out;
  out.reserve(expected_size);
  AppendJson(j, &out);
  return out;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string SystemNow() {
  const std::time_t t =
      std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

bool InD5OrMacau(std::string_view country, std::string_view date) {
  return !country.empty() &&
         (reference::InCountryGroup("D:5", country, date) ||
          reference::InCountryGroup("MACAU", country, date));
}

// Street tokens that say nothing about which street it is.
const std::set<std::string, std::less<>>& AddressStopwords() {
  static const std::set<std::string, std::less<>> kWords = {
      "street",   "st",       "road",  "rd",   "avenue", "ave",     "no",
      "building", "bldg",     "floor", "fl",   "room",   "rm",      "suite",
      "unit",     "district", "the",   "of",   "and",    "lane",    "block",
      "tower",    "park",     "area",  "zone", "city",   "province"};
  return kWords;
}

std::vector<std::string> AddressTokens(std::string_view text) {
  std::vector<std::string> out;
  std::string token;
  auto flush = [&] {
    if (token.size() >= 2 && !AddressStopwords().contains(token) &&
        token.find_first_not_of("0123456789") != std::string::npos) {
      out.push_back(token);
    }
    token.clear();
  };
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      token += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      flush();
    }
  }
  flush();
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// Number of strings in both of two sorted, duplicate-free lists.
size_t CommonCount(const std::vector<std::string>& a,
                   const std::vector<std::string>& b) {
  size_t count = 0;
  for (auto i = a.begin(), j = b.begin(); i != a.end() && j != b.end();) {
    const int c = i->compare(*j);
    if (c < 0) {
      ++i;
    } else if (c > 0) {
      ++j;
    } else {
      ++count;
      ++i;
      ++j;
    }
  }
  return count;
}

struct ListedAddress {
  std::string list;
  std::int64_t version_id = 0;
  std::string party_id, party_name, text;
  std::vector<std::string> tokens;
};

// Nominal characteristics of common accelerators, from the vendors'
// datasheets (TPP = 2 x MacTOPS x bit length, dense; docs/records.md). Used
// only when no attested GPU verdict identifies the model.
struct GpuSpec {
  const char* key;  // lower-case substring of the claimed model
  const char* canonical;
  const char* eccn;
  double tpp;
  double dram_bandwidth;  // GB/s
};
constexpr GpuSpec kGpuSpecs[] = {
    {"b200", "B200", "3A090.a", 36000, 8000},
    {"h200", "H200", "3A090.a", 15832, 4800},
    {"h100", "H100-SXM", "3A090.a", 15832, 3350},
    {"h800", "H800", "3A090.a", 15832, 3350},
    {"a100", "A100", "3A090.a", 4992, 2039},
    {"a800", "A800", "3A090.a", 4992, 2039},
};

const GpuSpec* FindGpu(std::string_view claimed) {
  const std::string lower = Lower(claimed);
  for (const GpuSpec& spec : kGpuSpecs) {
    if (lower.find(spec.key) != std::string::npos) return &spec;
  }
  return nullptr;
}

ordered_json ExplanationJson(const match::Hit& hit) {
  ordered_json aligned = ordered_json::array();
  for (const auto& a : hit.explanation.aligned) {
    aligned.push_back({{"query", a.query_token},
                       {"listed", a.listed_token},
                       {"similarity", a.similarity},
                       {"how", a.how}});
  }
  ordered_json adjustments = ordered_json::array();
  for (const auto& [why, delta] : hit.explanation.adjustments) {
    adjustments.push_back({{"reason", why}, {"delta", delta}});
  }
  ordered_json j = {
      {"list", hit.list},
      {"version_id", hit.version_id},
      {"party_id", hit.party_id},
      {"party_name", hit.party_name},
      {"matched_name", hit.matched_name},
      {"strength", std::string(lists::AliasStrengthName(hit.matched_strength))},
      {"score", hit.score},
      {"identifier_hit", hit.identifier_hit}};
  if (hit.identifier_hit) {
    j["identifier_type"] = hit.identifier_type;
    j["identifier_value"] = hit.identifier_value;
  } else {
    j["name_score"] = hit.explanation.name_score;
    j["aligned"] = std::move(aligned);
    j["unmatched_query"] = hit.explanation.unmatched_query;
    j["unmatched_listed"] = hit.explanation.unmatched_listed;
    j["adjustments"] = std::move(adjustments);
  }
  j["programs"] = hit.programs;
  return j;
}

bool Confirmed(const match::Hit& hit) {
  if (hit.identifier_hit) return true;
  if (hit.score < kConfirmScore) return false;
  if (hit.matched_strength != lists::AliasStrength::kPrimary &&
      hit.matched_strength != lists::AliasStrength::kStrong) {
    return false;
  }
  for (const auto& [why, delta] : hit.explanation.adjustments) {
    if (delta < 0 && why.find("differs") != std::string::npos) return false;
  }
  return true;
}

std::string Fixed(double v, int digits) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, v);
  return buffer;
}

// Families of ownership.aggregate and the list codes whose parties count.
struct Family {
  const char* name;
  std::vector<std::string> lists;
};
const std::vector<Family>& Families() {
  static const std::vector<Family> kFamilies = {
      {"OFAC", {"OFAC-SDN", "CSL-OFAC-SDN"}},
      {"BIS-EL", {"BIS-EL"}},
      {"BIS-MEU", {"BIS-MEU"}},
  };
  return kFamilies;
}

ordered_json VerdictJson(const attest::GpuVerdict& v) {
  auto checks = [](const std::vector<attest::Check>& cs) {
    ordered_json a = ordered_json::array();
    for (const auto& c : cs)
      a.push_back(
          {{"name", c.name}, {"passed", c.passed}, {"detail", c.detail}});
    return a;
  };
  ordered_json evidence = ordered_json::array();
  for (const auto& e : v.evidence)
    evidence.push_back(
        {{"role", e.role}, {"name", e.name}, {"sha256", e.sha256}});
  if (v.source != attest::kVerdictFromEvidence)
    evidence.push_back({{"note", "verdict supplied by caller"}});
  return {{"model",
           {{"level", v.model.level},
            {"claimed_model", v.model.claimed_model},
            {"identified_model", v.model.identified_model},
            {"matches_claim", v.model.matches_claim},
            {"eccn", v.model.eccn},
            {"tpp", v.model.tpp},
            {"reason", v.model.reason},
            {"checks", checks(v.model.checks)}}},
          {"location",
           {{"claim_consistent", v.location.claim_consistent},
            {"excludes_restricted", v.location.excludes_restricted},
            {"possible_countries", v.location.possible_countries},
            {"possible_restricted", v.location.possible_restricted},
            {"feasible_radius_km", v.location.feasible_radius_km},
            {"reason", v.location.reason},
            {"checks", checks(v.location.checks)}}},
          {"source", v.source},
          {"evidence", evidence}};
}

}  // namespace

namespace {

// Appends the JSON text `text` as a value. `canonical`: it is Dump()
// output, which parsing and writing again would reproduce byte for byte,
// so it is copied as it is. Otherwise it is parsed; text that does not
// parse is written as a string when `else_string`, else as null.
void AppendJsonText(const std::string& text, bool canonical, bool else_string,
                    std::string* out) {
  if (canonical && !text.empty()) {
    out->append(text);
    return;
  }
  const ordered_json parsed = ordered_json::parse(text, nullptr, false);
  if (!parsed.is_discarded()) {
    AppendJson(parsed, out);
  } else if (else_string) {
    AppendJsonString(text, out);
  } else {
    out->append("null");
  }
}

// Decision::ToJson's text. Decide() passes `parts_canonical`: the facts,
// trace and evidence details it made are Dump() output and are copied in
// rather than parsed and written again (the same text, without a parse and
// a dump of some 15 kB per recorded decision).
std::string DecisionJson(const Decision& d, bool parts_canonical) {
  std::string out;
  out.reserve(d.facts_json.size() + d.trace_json.size() + 4096);
  auto field = [&](const char* key, const std::string& value) {
    out.push_back(out.empty() ? '{' : ',');
    AppendJsonString(key, &out);
    out.push_back(':');
    AppendJsonString(value, &out);
  };
  field("decision_id", d.decision_id);
  field("kind", d.kind);
  field("account_id", d.account_id);
  field("as_of", d.as_of);
  field("outcome", d.outcome);
  ordered_json fired_json = ordered_json::array();
  for (const FiredRule& f : d.fired) {
    fired_json.push_back({{"id", f.id},
                          {"title", f.title},
                          {"outcome", f.outcome},
                          {"basis", f.basis},
                          {"citation", f.citation},
                          {"explanation", f.explanation},
                          {"uncertain", f.uncertain}});
  }
  out.append(",\"fired\":");
  AppendJson(fired_json, &out);
  out.append(",\"evidence\":[");
  for (size_t i = 0; i < d.evidence.size(); ++i) {
    const Evidence& e = d.evidence[i];
    out.append(i == 0 ? "{\"kind\":" : ",{\"kind\":");
    AppendJsonString(e.kind, &out);
    out.append(",\"subject\":");
    AppendJsonString(e.subject, &out);
    out.append(",\"summary\":");
    AppendJsonString(e.summary, &out);
    out.append(",\"detail\":");
    AppendJsonText(e.detail_json, parts_canonical, /*else_string=*/true, &out);
    out.push_back('}');
  }
  out.append("],\"versions\":");
  AppendJson(ordered_json{{"list_versions", d.versions.list_versions},
                          {"ruleset_hash", d.versions.ruleset_hash},
                          {"geoip_database", d.versions.geoip_database},
                          {"engine_version", d.versions.engine_version}},
             &out);
  out.append(",\"facts\":");
  AppendJsonText(d.facts_json, parts_canonical, /*else_string=*/false, &out);
  out.append(",\"trace\":");
  AppendJsonText(d.trace_json, parts_canonical, /*else_string=*/false, &out);
  out.push_back('}');
  return out;
}

}  // namespace

std::string Decision::ToJson() const {
  return DecisionJson(*this, /*parts_canonical=*/false);
}

struct Screener::Impl {
  ScreenerOptions options;
  std::unique_ptr<match::Matcher> matcher;
  std::shared_ptr<const rules::RuleSet> rules;
  std::unique_ptr<internal::GeoIp> geo;
  std::unique_ptr<audit::AuditTrail> audit;
  std::optional<ownership::OwnershipGraph> stored_graph;
  std::set<std::string, std::less<>> list_codes;
  // country + "|" + lower-case city -> listed addresses there.
  std::unordered_map<std::string, std::vector<ListedAddress>> addresses;

  // Collected while building facts for one request.
  struct Work {
    json facts = json::object();
    json hits = json::array();
    std::vector<Evidence> evidence;
    std::set<std::string> red_flags;
  };

  std::vector<match::Hit> ScreenName(const std::string& name,
                                     lists::PartyType type,
                                     const std::string& country,
                                     const std::string& dob) const {
    match::NameQuery q;
    q.name = name;
    q.type = type;
    q.country = country;
    q.dob = dob;
    q.limit = 5;
    return matcher->ScreenName(q);
  }

  // Records `hits` as facts (unless fact_subject is "") and evidence.
  // Returns whether any was confirmed.
  bool RecordHits(const std::vector<match::Hit>& hits, const std::string& kind,
                  const std::string& fact_subject, const std::string& subject,
                  const std::string& screened, Work* w) const {
    bool any_confirmed = false;
    for (const match::Hit& h : hits) {
      const bool confirmed = Confirmed(h);
      any_confirmed = any_confirmed || confirmed;
      const bool strong =
          h.matched_strength == lists::AliasStrength::kPrimary ||
          h.matched_strength == lists::AliasStrength::kStrong;
      if (!fact_subject.empty()) {
        w->hits.push_back({{"list", h.list},
                           {"party_id", h.party_id},
                           {"score", h.score},
                           {"strength", strong ? "strong" : "weak"},
                           {"kind", kind},
                           {"subject", fact_subject},
                           {"confirmed", confirmed}});
      }
      ordered_json detail = ExplanationJson(h);
      detail["screened"] = screened;
      detail["confirmed"] = confirmed;
      w->evidence.push_back(
          {"list_hit", subject,
           "'" + screened + "' " + (confirmed ? "matches " : "may match ") +
               h.list + " " + h.party_id + " '" + h.party_name + "' (" +
               (h.identifier_hit ? "identifier " + h.identifier_type
                                 : "score " + Fixed(h.score, 2)) +
               ")",
           Dump(detail)});
    }
    return any_confirmed;
  }

  void ScreenAddress(const AddressRecord& a, const std::string& subject,
                     Work* w) const {
    if (a.city.empty() || a.line.empty()) return;
    auto it = addresses.find(a.country + "|" + Lower(a.city));
    if (it == addresses.end()) return;
    const std::vector<std::string> tokens = AddressTokens(a.line);
    if (tokens.size() < 2) return;
    std::set<std::string> seen;
    for (const ListedAddress& listed : it->second) {
      // Street token overlap: at least two tokens and half of the listed
      // street's distinctive tokens (city and country already agree).
      // Counted first: a big city has many listed addresses, few overlap.
      const size_t overlap = CommonCount(tokens, listed.tokens);
      if (overlap < 2 || overlap * 2 < listed.tokens.size()) continue;
      std::vector<std::string> common;
      common.reserve(overlap);
      std::set_intersection(tokens.begin(), tokens.end(), listed.tokens.begin(),
                            listed.tokens.end(), std::back_inserter(common));
      if (!seen.insert(listed.list + ":" + listed.party_id).second) continue;
      const double score = static_cast<double>(common.size()) /
                           static_cast<double>(listed.tokens.size());
      w->hits.push_back({{"list", listed.list},
                         {"party_id", listed.party_id},
                         {"score", std::min(1.0, score)},
                         {"strength", "weak"},
                         {"kind", "address"},
                         {"subject", "account"},
                         {"confirmed", false}});
      ordered_json detail = {
          {"list", listed.list},
          {"version_id", listed.version_id},
          {"party_id", listed.party_id},
          {"party_name", listed.party_name},
          {"listed_address", listed.text},
          {"screened", a.line + ", " + a.city + ", " + a.country},
          {"common_tokens", common},
          {"confirmed", false}};
      w->evidence.push_back({"list_hit", subject,
                             "address shares " + std::to_string(common.size()) +
                                 " street tokens with " + listed.list + " " +
                                 listed.party_id + " '" + listed.party_name +
                                 "' in " + a.city,
                             Dump(detail)});
    }
  }

  void AccountFacts(const AccountRecord& a, const std::string& as_of,
                    Work* w) const;
  void OwnershipFacts(const AccountRecord& a, const std::string& as_of,
                      const std::vector<std::vector<match::Hit>>& parent_hits,
                      Work* w) const;
  Result<Decision> Decide(const AccountRecord& account,
                          const WorkloadRequest* request,
                          const std::optional<attest::GpuVerdict>& gpu,
                          const std::string& as_of);
};

void Screener::Impl::AccountFacts(const AccountRecord& a,
                                  const std::string& as_of, Work* w) const {
  json account = json::object();
  const lists::PartyType self_type = a.type == "person"
                                         ? lists::PartyType::kPerson
                                         : lists::PartyType::kEntity;
  account["legal_name"] = a.legal_name;
  account["type"] = a.type;
  account["country"] = a.country;
  const std::string kyc_country =
      a.addresses.empty() ? a.country : a.addresses.front().country;
  account["kyc_address_country"] = kyc_country;
  // The principal place of business defaults to the country of
  // incorporation when the record does not state it.
  account["hq_country"] = a.hq_country.empty() ? a.country : a.hq_country;
  if (!a.email_domain.empty()) account["email_domain"] = a.email_domain;
  if (!a.phone_country.empty()) account["phone_country"] = a.phone_country;
  account["is_reseller"] = a.is_reseller;
  if (!a.end_user_type.empty()) account["end_user_type"] = a.end_user_type;
  account["is_informed_letter"] = a.is_informed_letter;
  if (a.verified) account["verified"] = *a.verified;
  account["verification_failures"] = a.verification_failures;
  if (a.cip_attested) account["cip_attested"] = *a.cip_attested;
  if (!a.formed_on.empty()) {
    account["age_days"] =
        *rules::ParseDate(as_of) - *rules::ParseDate(a.formed_on);
  }

  // Names of the account itself.
  RecordHits(ScreenName(a.legal_name, self_type, a.country, ""), "name",
             "account", "legal_name", a.legal_name, w);
  for (size_t i = 0; i < a.trade_names.size(); ++i) {
    RecordHits(ScreenName(a.trade_names[i], self_type, a.country, ""), "name",
               "account", "trade_names[" + std::to_string(i) + "]",
               a.trade_names[i], w);
  }
  for (const std::string* id : {&a.lei, &a.registration_number, &a.tax_id}) {
    if (id->empty()) continue;
    RecordHits(matcher->ScreenIdentifier(*id), "identifier", "account",
               id == &a.lei
                   ? "lei"
                   : (id == &a.tax_id ? "tax_id" : "registration_number"),
               *id, w);
  }

  // Addresses: their country/region for the embargo rules, and listed
  // addresses in the same city.
  json address_facts = json::array();
  for (size_t i = 0; i < a.addresses.size(); ++i) {
    const AddressRecord& ad = a.addresses[i];
    json item = {{"country", ad.country}};
    const reference::SanctionedRegion* region = reference::FindSanctionedRegion(
        ad.region, ad.region.empty() ? ad.city : ad.region, as_of);
    if (region == nullptr && !ad.city.empty())
      region = reference::FindSanctionedRegion("", ad.city, as_of);
    if (!ad.region.empty())
      item["region"] = ad.region;
    else if (region != nullptr)
      item["region"] = ad.city;
    if (region != nullptr) {
      w->evidence.push_back(
          {"address", "addresses[" + std::to_string(i) + "]",
           "address lies in " + region->name + " (" + region->citation + ")",
           Dump(ordered_json{{"region", region->id},
                             {"city", ad.city},
                             {"country", ad.country}})});
    }
    address_facts.push_back(std::move(item));
    ScreenAddress(ad, "addresses[" + std::to_string(i) + "]", w);
  }
  account["addresses"] = std::move(address_facts);

  // People: owners and signatories screened as persons.
  json owners = json::array();
  for (size_t i = 0; i < a.people.size(); ++i) {
    const PersonRecord& p = a.people[i];
    const std::string fact_subject =
        p.role == "beneficial_owner" ? "owner" : "signatory";
    const bool listed = RecordHits(
        ScreenName(p.name, lists::PartyType::kPerson, p.country, p.dob), "name",
        fact_subject, "people[" + std::to_string(i) + "]", p.name, w);
    if (p.role == "beneficial_owner") {
      json o = {{"name", p.name}, {"listed", listed}};
      if (!p.country.empty()) o["country"] = p.country;
      if (p.share) o["share"] = *p.share;
      owners.push_back(std::move(o));
    }
  }

  // Related entities: parents and subsidiaries are screened as entities;
  // downstream customers of a reseller too, with their HQ country.
  std::vector<std::vector<match::Hit>> parent_hits(a.related.size());
  json downstream = json::array();
  for (size_t i = 0; i < a.related.size(); ++i) {
    const RelatedEntity& r = a.related[i];
    const std::string subject = "related[" + std::to_string(i) + "]";
    auto hits = ScreenName(r.name, lists::PartyType::kEntity, r.country, "");
    if (r.relation == "parent") {
      const bool listed = RecordHits(hits, "name", "owner", subject, r.name, w);
      if (!r.percent || *r.percent >= 25) {
        json o = {{"name", r.name}, {"listed", listed}};
        const std::string& c = r.hq_country.empty() ? r.country : r.hq_country;
        if (!c.empty()) o["country"] = c;
        if (r.percent) o["share"] = *r.percent;
        owners.push_back(std::move(o));
      }
      parent_hits[i] = std::move(hits);
    } else if (r.relation == "downstream_customer") {
      const bool listed =
          RecordHits(hits, "name", "downstream", subject, r.name, w);
      json c = {{"name", r.name}, {"listed", listed}};
      if (!r.country.empty()) c["country"] = r.country;
      if (!r.hq_country.empty()) c["hq_country"] = r.hq_country;
      if (InD5OrMacau(r.country, as_of) || InD5OrMacau(r.hq_country, as_of)) {
        w->evidence.push_back(
            {"consistency", subject,
             "downstream customer '" + r.name +
                 "' is in or headquartered in D:5/Macau",
             Dump(ordered_json{{"country", r.country},
                               {"hq_country", r.hq_country}})});
      }
      downstream.push_back(std::move(c));
    } else {
      // A listed subsidiary is evidence for review; the facts have no
      // subject for it (the rules look through ownership upwards only).
      RecordHits(hits, "name", "", subject, r.name, w);
    }
  }
  account["beneficial_owners"] = std::move(owners);
  if (a.is_reseller || !downstream.empty())
    account["downstream_customers"] = std::move(downstream);

  // Payments: payer names, instrument/bank countries, crypto addresses.
  json payments = json::array();
  for (size_t i = 0; i < a.payments.size(); ++i) {
    const PaymentRecord& p = a.payments[i];
    const std::string subject = "payments[" + std::to_string(i) + "]";
    json item = {{"method", p.method}};
    const std::string& country =
        p.instrument_country.empty() ? p.bank_country : p.instrument_country;
    if (!country.empty()) item["instrument_country"] = country;
    bool listed = false;
    if (!p.payer_name.empty()) {
      listed = RecordHits(
          ScreenName(p.payer_name, lists::PartyType::kUnknown, country, ""),
          "name", "payment", subject + ".payer_name", p.payer_name, w);
    }
    if (!p.crypto_address.empty()) {
      item["crypto_address"] = p.crypto_address;
      listed = RecordHits(matcher->ScreenIdentifier(p.crypto_address),
                          "identifier", "payment", subject + ".crypto_address",
                          p.crypto_address, w) ||
               listed;
    }
    if (!p.chain.empty()) item["chain"] = p.chain;
    item["listed"] = listed;
    payments.push_back(std::move(item));
    if (!country.empty() && country != kyc_country) {
      w->evidence.push_back({"consistency", subject,
                             "payment instrument country " + country +
                                 " differs from KYC country " + kyc_country,
                             Dump(ordered_json{{"payment_country", country},
                                               {"kyc_country", kyc_country}})});
    }
  }
  w->facts["payments"] = std::move(payments);

  // IP events: pre-resolved fields win; otherwise the geolocation database
  // (MMDB, else Debian's legacy country-only GeoIP.dat; geoip.h).
  json events = json::array();
  for (size_t i = 0; i < a.ip_events.size(); ++i) {
    const IpEvent& e = a.ip_events[i];
    const std::string subject = "ip_events[" + std::to_string(i) + "]";
    std::string country = e.country, region = e.region, city, source = "event";
    if (country.empty()) {
      if (auto geo_result = geo ? geo->Lookup(e.address) : std::nullopt) {
        country = geo_result->country;
        if (region.empty()) region = geo_result->region;
        city = geo_result->city;
        source = geo->source();  // "mmdb" or "geoip_legacy"
      } else {
        source = "unresolved";
      }
    }
    const reference::SanctionedRegion* sanctioned =
        reference::FindSanctionedRegion(region, region.empty() ? city : region,
                                        as_of);
    if (sanctioned == nullptr && !city.empty())
      sanctioned = reference::FindSanctionedRegion("", city, as_of);
    if (region.empty() && sanctioned != nullptr) region = city;
    json item = {{"address", e.address},
                 {"anonymizer", e.anonymizer.empty() ? "none" : e.anonymizer}};
    if (!country.empty()) item["country"] = country;
    if (!region.empty()) item["region"] = region;
    events.push_back(std::move(item));
    ordered_json detail = {
        {"address", e.address}, {"kind", e.kind},
        {"at", e.at},           {"country", country},
        {"region", region},     {"city", city},
        {"source", source},     {"anonymizer", e.anonymizer}};
    std::string summary =
        e.address + " -> " + (country.empty() ? "unknown" : country) +
        (region.empty() ? "" : " " + region) + " (" + source + ")";
    if (sanctioned != nullptr) {
      detail["sanctioned_region"] = sanctioned->id;
      summary += ": " + sanctioned->name;
    }
    w->evidence.push_back({"ip", subject, summary, Dump(detail)});
    if (!country.empty() && country != kyc_country) {
      w->evidence.push_back(
          {"consistency", subject,
           "IP country " + country + " differs from KYC country " + kyc_country,
           Dump(ordered_json{{"ip_country", country},
                             {"kyc_country", kyc_country}})});
    }
  }
  w->facts["ip_events"] = std::move(events);

  // D:5 indicators behind a third-country front (BIS May 2025 guidance):
  // an account outside D:5/Macau with D:5/Macau indicators of two or more
  // kinds is a red flag.
  if (!InD5OrMacau(a.country, as_of) && !InD5OrMacau(a.hq_country, as_of)) {
    std::map<std::string, std::string> indicators;  // kind -> what
    for (const auto& e : w->facts["ip_events"]) {
      if (e.contains("country") &&
          InD5OrMacau(e["country"].get<std::string>(), as_of)) {
        indicators["ip"] = e["address"].get<std::string>() + " in " +
                           e["country"].get<std::string>();
      }
    }
    for (const PaymentRecord& p : a.payments) {
      for (const std::string* c : {&p.instrument_country, &p.bank_country}) {
        if (InD5OrMacau(*c, as_of))
          indicators["payment"] = p.method + " from " + *c;
      }
    }
    if (InD5OrMacau(a.phone_country, as_of))
      indicators["phone"] = a.phone_country;
    const std::string domain = Lower(a.email_domain);
    for (const char* tld : {".cn", ".hk", ".mo"}) {
      if (domain.size() > 3 && domain.ends_with(tld))
        indicators["email"] = a.email_domain;
    }
    for (const PersonRecord& p : a.people) {
      if (InD5OrMacau(p.country, as_of))
        indicators["people"] = p.name + " (" + p.country + ")";
    }
    for (const AddressRecord& ad : a.addresses) {
      if (InD5OrMacau(ad.country, as_of))
        indicators["address"] = ad.city + ", " + ad.country;
    }
    if (!indicators.empty()) {
      ordered_json detail = ordered_json::object();
      for (const auto& [k, v] : indicators) detail[k] = v;
      const bool flag = indicators.size() >= 2;
      if (flag) w->red_flags.insert("d5_indicators_third_country");
      w->evidence.push_back(
          {"consistency", "account",
           std::to_string(indicators.size()) +
               " kind(s) of D:5/Macau indicator for an account in " +
               a.country + (flag ? " (red flag)" : ""),
           Dump(detail)});
    }
  }

  // KYC completeness against the proposed IaaS CIP fields.
  json missing = json::array();
  if (a.legal_name.empty()) missing.push_back("name");
  if (a.addresses.empty()) missing.push_back("address");
  if (a.payments.empty()) missing.push_back("payment");
  if (a.email_domain.empty()) missing.push_back("email");
  if (a.phone_country.empty()) missing.push_back("phone");
  if (a.ip_events.empty()) missing.push_back("ip_log");
  if (a.type == "entity" && account["beneficial_owners"].empty())
    missing.push_back("beneficial_owners");
  if (!missing.empty()) {
    w->evidence.push_back({"kyc", "account",
                           "missing CIP fields: " + Dump(missing),
                           Dump(missing)});
  }
  account["kyc_missing"] = std::move(missing);
  for (const std::string& f : a.red_flags) w->red_flags.insert(f);

  w->facts["account"] = std::move(account);
  OwnershipFacts(a, as_of, parent_hits, w);
}

void Screener::Impl::OwnershipFacts(
    const AccountRecord& a, const std::string& as_of,
    const std::vector<std::vector<match::Hit>>& parent_hits, Work* w) const {
  std::vector<ownership::Entity> entities;
  std::vector<ownership::Holding> holdings;
  std::map<std::string, size_t> index;  // entity id -> position
  auto add_entity = [&](ownership::Entity e) -> ownership::Entity& {
    auto [it, inserted] = index.emplace(e.id, entities.size());
    if (inserted) {
      entities.push_back(std::move(e));
    } else {
      ownership::Entity& have = entities[it->second];
      for (auto& l : e.listings) have.listings.push_back(std::move(l));
      if (have.hq_country.empty()) have.hq_country = e.hq_country;
      if (have.country.empty()) have.country = e.country;
    }
    return entities[it->second];
  };
  const std::string self = "acct:" + a.account_id;
  add_entity({self,
              a.legal_name,
              a.country,
              a.hq_country.empty() ? a.country : a.hq_country,
              {}});

  std::map<std::string, std::string> declared_ids;  // record id -> graph id
  bool any_parent = false;
  std::vector<std::string> frontier;
  for (size_t i = 0; i < a.related.size(); ++i) {
    const RelatedEntity& r = a.related[i];
    if (r.relation != "parent") continue;
    any_parent = true;
    ownership::Entity e;
    e.name = r.name;
    e.country = r.country;
    e.hq_country = r.hq_country.empty() ? r.country : r.hq_country;
    const match::Hit* listed = nullptr;
    for (const match::Hit& h : parent_hits[i]) {
      if (Confirmed(h)) {
        listed = &h;
        e.listings.push_back({h.list, h.party_id, "", ""});
      }
    }
    if (!r.id.empty()) {
      e.id = r.id;
      const size_t colon = r.id.find(':');
      if (colon != std::string::npos &&
          list_codes.contains(std::string_view(r.id).substr(0, colon))) {
        e.listings.push_back(
            {r.id.substr(0, colon), r.id.substr(colon + 1), "", ""});
      }
    } else if (listed != nullptr) {
      e.id = listed->list + ":" + listed->party_id;
    } else {
      e.id = "related:" + std::to_string(i);
    }
    if (!r.id.empty()) declared_ids[r.id] = e.id;
    frontier.push_back(e.id);
    add_entity(std::move(e));
  }
  for (size_t i = 0; i < a.related.size(); ++i) {
    const RelatedEntity& r = a.related[i];
    if (r.relation != "parent") continue;
    // The graph id given to this parent above.
    std::string owner = r.id;
    if (owner.empty()) {
      owner = "related:" + std::to_string(i);
      for (const match::Hit& h : parent_hits[i]) {
        if (Confirmed(h)) {
          owner = h.list + ":" + h.party_id;
          break;
        }
      }
    }
    std::string owned = self;
    if (!r.of.empty() && r.of != a.account_id)
      owned = declared_ids.count(r.of) ? declared_ids[r.of] : r.of;
    ownership::Holding h;
    h.owner = owner;
    h.owned = owned;
    h.percent = r.percent;
    h.source = "account record";
    h.record_ref = "related[" + std::to_string(i) + "]";
    holdings.push_back(std::move(h));
  }
  // Subsidiaries of the account (for the record; they do not change the
  // account's own aggregate).
  for (size_t i = 0; i < a.related.size(); ++i) {
    const RelatedEntity& r = a.related[i];
    if (r.relation != "subsidiary") continue;
    const std::string id = r.id.empty() ? "related:" + std::to_string(i) : r.id;
    add_entity({id,
                r.name,
                r.country,
                r.hq_country.empty() ? r.country : r.hq_country,
                {}});
    holdings.push_back({self, id, r.percent, ownership::HoldingKind::kShares,
                        "account record", "related[" + std::to_string(i) + "]",
                        "", ""});
  }
  // Follow the stored graph upwards from the declared parents.
  if (stored_graph) {
    std::set<std::string> visited;
    for (int depth = 0; depth < kMaxOwnershipDepth && !frontier.empty();
         ++depth) {
      std::vector<std::string> next;
      for (const std::string& id : frontier) {
        if (!visited.insert(id).second ||
            entities.size() >= kMaxOwnershipEntities)
          continue;
        const ownership::Entity* stored = stored_graph->FindEntity(id);
        if (stored == nullptr) continue;
        add_entity(*stored);
        for (const ownership::Holding* h : stored_graph->OwnersOf(id, as_of)) {
          const ownership::Entity* owner = stored_graph->FindEntity(h->owner);
          if (owner == nullptr) continue;
          add_entity(*owner);
          holdings.push_back(*h);
          next.push_back(h->owner);
        }
      }
      frontier = std::move(next);
    }
  }

  json own = {{"aggregate", json::object()}};
  if (!any_parent && holdings.empty()) {
    for (const Family& f : Families()) own["aggregate"][f.name] = 0;
    w->facts["ownership"] = std::move(own);
    return;
  }
  // Drop duplicate holdings (same owner, owned, record) picked up twice.
  std::sort(holdings.begin(), holdings.end(), [](const auto& x, const auto& y) {
    return std::tie(x.owner, x.owned, x.record_ref) <
           std::tie(y.owner, y.owned, y.record_ref);
  });
  holdings.erase(std::unique(holdings.begin(), holdings.end(),
                             [](const auto& x, const auto& y) {
                               return x.owner == y.owner &&
                                      x.owned == y.owned &&
                                      x.record_ref == y.record_ref;
                             }),
                 holdings.end());
  auto graph = ownership::OwnershipGraph::Build(std::move(entities),
                                                std::move(holdings));
  if (!graph) {
    // Declared data the graph refuses (e.g. a parent holding itself): the
    // account cannot be cleared on ownership; say so and hold.
    own["unknown_percentages"] = true;
    w->evidence.push_back(
        {"ownership", "related",
         "ownership data rejected: " + graph.error().message(), "{}"});
    w->red_flags.insert("ownership_data_inconsistent");
    w->facts["ownership"] = std::move(own);
    return;
  }
  auto name_of = [&](const std::string& id) {
    const ownership::Entity* e = graph->FindEntity(id);
    return e != nullptr && !e->name.empty() ? e->name : id;
  };
  json paths = json::array();
  bool unknown = false, controlled = false;
  for (const Family& f : Families()) {
    auto share = graph->AggregateListedShare(self, f.lists, as_of);
    if (!share) continue;
    own["aggregate"][f.name] = share->share;
    if (!share->controlled_by.empty()) controlled = true;
    if (!share->unknown_percentages.empty() &&
        share->share_upper_bound > share->share)
      unknown = true;
    // Evidence only for a family with something to say; the path texts
    // are facts either way.
    const bool evidence = share->share > 0 || !share->controlled_by.empty() ||
                          share->share_upper_bound > 0;
    ordered_json path_json = ordered_json::array();
    for (const ownership::OwnershipPath& p : share->paths) {
      std::string text = name_of(p.entities.front()) + " [" + p.list + "]";
      for (size_t k = 1; k < p.entities.size(); ++k) {
        text += " -" +
                Fixed(k - 1 < p.percents.size() ? p.percents[k - 1] : 0, 2) +
                "%-> " + name_of(p.entities[k]);
      }
      text += " (contributes " + Fixed(p.contribution, 2) + "%)";
      if (evidence) {
        path_json.push_back({{"text", text},
                             {"entities", p.entities},
                             {"percents", p.percents},
                             {"contribution", p.contribution},
                             {"list", p.list}});
      }
      paths.push_back(std::move(text));
    }
    if (!evidence) continue;
    ordered_json detail = {{"family", f.name},
                           {"share", share->share},
                           {"share_upper_bound", share->share_upper_bound},
                           {"controlled_by", share->controlled_by},
                           {"unknown_percentages", share->unknown_percentages}};
    detail["paths"] = std::move(path_json);
    w->evidence.push_back(
        {"ownership", "related",
         std::string(f.name) + " aggregate " + Fixed(share->share, 2) + "%" +
             (share->share_upper_bound > share->share
                  ? " (up to " + Fixed(share->share_upper_bound, 2) +
                        "% with unknown percentages)"
                  : ""),
         Dump(detail)});
  }
  own["controlled_by_listed"] = controlled;
  own["unknown_percentages"] = unknown;
  own["paths"] = std::move(paths);
  if (auto chain = graph->UltimateParent(self, as_of);
      chain && chain->chain.size() > 1) {
    std::string country = chain->hq_country;
    if (country.empty()) {
      if (const ownership::Entity* top =
              graph->FindEntity(chain->ultimate_parent))
        country = top->country;
    }
    if (!country.empty())
      w->facts["account"]["ultimate_parent_country"] = country;
    std::string text;
    for (size_t k = 0; k < chain->chain.size(); ++k)
      text += (k ? " <- " : "") + name_of(chain->chain[k]);
    w->evidence.push_back(
        {"ownership", "related",
         "ultimate parent " + name_of(chain->ultimate_parent) +
             (country.empty() ? "" : " (" + country + ")"),
         Dump(ordered_json{{"chain", chain->chain},
                           {"percents", chain->percents},
                           {"hq_country", country},
                           {"text", text},
                           {"ambiguous", chain->ambiguous}})});
  }
  w->facts["ownership"] = std::move(own);
}

Result<Decision> Screener::Impl::Decide(
    const AccountRecord& account, const WorkloadRequest* request,
    const std::optional<attest::GpuVerdict>& gpu, const std::string& as_of) {
  const auto date = rules::ParseDate(as_of);
  if (!date)
    return Fail(ErrorCode::kInvalidArgument,
                "as_of: expected YYYY-MM-DD, got '" + as_of + "'");
  if (account.account_id.empty() || account.legal_name.empty() ||
      account.country.empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                "account: account_id, legal_name and country are required");
  }
  Work w;
  AccountFacts(account, as_of, &w);
  rules::AppliesTo applies_to = rules::AppliesTo::kRemoteService;
  if (request != nullptr) {
    json wl = {{"count", request->gpu_count},
               {"datacenter_country", request->datacenter_country},
               {"deployment", request->deployment}};
    std::string model = request->gpu_model;
    const GpuSpec* spec = FindGpu(request->gpu_model);
    if (spec != nullptr) {
      model = spec->canonical;
      wl["eccn"] = spec->eccn;
      wl["tpp"] = spec->tpp;
      wl["dram_bandwidth"] = spec->dram_bandwidth;
      wl["designed_for_datacenter"] = true;
    }
    const attest::CatalogEntry* entry =
        spec == nullptr ? attest::GpuCatalog::Builtin().Find(request->gpu_model)
                        : nullptr;
    if (entry != nullptr) {  // a claimed model only the GPU catalog knows
      model = entry->id;
      wl["eccn"] = entry->eccn;
      wl["tpp"] = entry->tpp;
      wl["performance_density"] = entry->performance_density;
      wl["dram_bandwidth"] = entry->memory_bandwidth_gbs;
      wl["designed_for_datacenter"] = entry->datacenter;
    }
    if (gpu && gpu->model.level != "unverified" &&
        !gpu->model.identified_model.empty()) {
      model = gpu->model.identified_model;
      if (!gpu->model.eccn.empty()) wl["eccn"] = gpu->model.eccn;
      if (gpu->model.tpp > 0) wl["tpp"] = gpu->model.tpp;
      if (const attest::CatalogEntry* identified =
              attest::GpuCatalog::Builtin().Find(model)) {
        wl["performance_density"] = identified->performance_density;
        wl["dram_bandwidth"] = identified->memory_bandwidth_gbs;
        wl["designed_for_datacenter"] = identified->datacenter;
      }
    }
    wl["gpu_model"] = model;
    if (!request->declared_end_use.empty())
      wl["declared_end_use"] = request->declared_end_use;
    if (!request->workload_type.empty())
      wl["workload_type"] = request->workload_type;
    if (request->est_training_ops > 0)
      wl["est_training_ops"] = request->est_training_ops;
    if (!request->export_from.empty()) wl["export_from"] = request->export_from;
    wl["datacenter_is_veu"] = request->datacenter_is_veu;
    if (request->cluster_fp64_pflops > 0)
      wl["cluster_fp64_pflops"] = request->cluster_fp64_pflops;
    w.facts["workload"] = std::move(wl);
    w.evidence.push_back(
        {"gpu", "workload",
         request->gpu_model + " -> " + model +
             (w.facts["workload"].contains("eccn")
                  ? " (" + w.facts["workload"]["eccn"].get<std::string>() +
                        (gpu ? ", GPU verdict " + gpu->model.level +
                                   (gpu->source == attest::kVerdictFromEvidence
                                        ? " from evidence"
                                        : ", verdict supplied by caller")
                             : ", nominal datasheet values") +
                        ")"
                  : " (model not in the catalog: ECCN unknown)"),
         Dump(gpu ? VerdictJson(*gpu)
                  : ordered_json{{"claimed", request->gpu_model}})});
    if (gpu) {
      json att = {
          {"model_verdict", gpu->model.level},
          {"model_matches_claim", gpu->model.matches_claim},
          {"location_excludes_restricted", gpu->location.excludes_restricted},
          {"location_claim_consistent", gpu->location.claim_consistent},
          {"possible_restricted", gpu->location.possible_restricted}};
      if (!gpu->model.identified_model.empty())
        att["identified_model"] = gpu->model.identified_model;
      if (!gpu->model.eccn.empty()) att["eccn"] = gpu->model.eccn;
      if (gpu->model.tpp > 0) att["tpp"] = gpu->model.tpp;
      w.facts["attestation"] = std::move(att);
    }
    if (request->deployment != "REMOTE_SERVICE")
      applies_to = rules::AppliesTo::kHardwareTransfer;
  }
  w.facts["hits"] = std::move(w.hits);
  w.facts["red_flags"] =
      json(std::vector<std::string>(w.red_flags.begin(), w.red_flags.end()));
  w.facts["decision"] = {{"date", as_of}};
  w.facts["request"] = {
      {"applies_to", std::string(rules::AppliesToName(applies_to))}};

  auto facts = rules::Facts::FromJson(w.facts);
  if (!facts) return std::unexpected(facts.error().WithContext("facts"));
  auto evaluated = rules->Evaluate(*facts, *date, applies_to);
  if (!evaluated) return std::unexpected(evaluated.error());

  Decision d;
  d.kind = request != nullptr ? "workload" : "account";
  d.account_id = account.account_id;
  d.as_of = as_of;
  d.outcome = std::string(rules::OutcomeName(evaluated->outcome));
  for (const rules::FiredRule& f : evaluated->fired) {
    const rules::Rule& rule = rules->rules()[f.rule_index];
    d.fired.push_back({f.id, rule.title,
                       std::string(rules::OutcomeName(f.outcome)),
                       std::string(rules::BasisName(f.basis)), f.citation,
                       f.explanation, f.uncertain});
  }
  d.evidence = std::move(w.evidence);
  d.versions.list_versions = matcher->version_ids();
  d.versions.ruleset_hash = rules->hash();
  d.versions.geoip_database = geo->description();
  d.versions.engine_version = kEngineVersion;
  d.facts_json = Dump(w.facts, 2048);
  // About 130 bytes per rule in the trace.
  d.trace_json = Dump(rules::DecisionToJson(*rules, *evaluated),
                      1024 + 160 * rules->rules().size());

  if (options.record_decisions) {
    audit::AuditRecord record;
    record.kind = audit::RecordKind::kDecision;
    record.created_at = options.now ? options.now() : SystemNow();
    record.actor = options.actor;
    record.subject = account.account_id;
    record.outcome = d.outcome;
    auto raw = [](const std::string& text, const ordered_json& fallback) {
      ordered_json j = ordered_json::parse(text, nullptr, false);
      return j.is_discarded() ? fallback : j;
    };
    const ordered_json account_json =
        raw(account.raw_json, {{"account_id", account.account_id},
                               {"legal_name", account.legal_name},
                               {"country", account.country},
                               {"note", "record built in code; no raw JSON"}});
    if (request == nullptr) {
      record.input_json = Dump(account_json);
    } else {
      record.input_json = Dump(ordered_json{
          {"account", account_json},
          {"workload",
           raw(request->raw_json, {{"request_id", request->request_id}})},
          {"gpu_verdict", gpu ? VerdictJson(*gpu) : ordered_json(nullptr)},
          {"as_of", as_of}});
    }
    // decision_id is the record's id, "" here.
    record.output_json = DecisionJson(d, /*parts_canonical=*/true);
    auto stored = audit->Append(std::move(record));
    if (!stored)
      return std::unexpected(stored.error().WithContext("audit trail"));
    d.decision_id = stored->id;
  }
  return d;
}

Screener::Screener() : impl_(std::make_unique<Impl>()) {}
Screener::~Screener() = default;

Result<std::unique_ptr<Screener>> Screener::Open(
    const ScreenerOptions& options) {
  std::unique_ptr<Screener> s(new Screener());
  Impl& impl = *s->impl_;
  impl.options = options;
  std::error_code ec;
  if (!std::filesystem::exists(options.db_path, ec)) {
    return Fail(ErrorCode::kNotFound,
                options.db_path + ": no such database (import lists first)");
  }
  std::string rules_dir = options.rules_dir;
  if (rules_dir.empty()) {
    const char* env = std::getenv("CLEARANCE_RULES");
    rules_dir = env != nullptr && *env != '\0' ? env : "rules";
  }
  auto rules = rules::RuleSet::Load(rules_dir);
  if (!rules)
    return std::unexpected(rules.error().WithContext("rules " + rules_dir));
  impl.rules = *rules;

  if (options.list_versions.empty()) {
    match::MatcherOptions match_options;
    auto matcher = match::Matcher::Open(options.db_path, match_options);
    if (!matcher) return std::unexpected(matcher.error());
    impl.matcher = std::move(*matcher);
  } else {
    // Pinned list versions (replay): exactly these, in the order given.
    auto pinned_store = store::ListStore::Open(options.db_path);
    if (!pinned_store) return std::unexpected(pinned_store.error());
    std::vector<std::pair<std::int64_t, lists::ListDocument>> docs;
    std::set<std::int64_t> seen;
    for (const std::int64_t id : options.list_versions) {
      if (!seen.insert(id).second) continue;
      auto doc = (*pinned_store)->LoadList(id);
      if (!doc) {
        return std::unexpected(doc.error().WithContext("pinned list version " +
                                                       std::to_string(id)));
      }
      docs.emplace_back(id, std::move(*doc));
    }
    auto matcher = match::Matcher::FromDocuments(docs);
    if (!matcher) return std::unexpected(matcher.error());
    impl.matcher = std::move(*matcher);
  }

  auto geo = internal::GeoIp::Open(options.geoip_path);
  if (!geo) return std::unexpected(geo.error());
  impl.geo = std::move(*geo);

  auto list_store = store::ListStore::Open(options.db_path);
  if (!list_store) return std::unexpected(list_store.error());
  auto versions = (*list_store)->Versions();
  if (!versions) return std::unexpected(versions.error());
  const std::vector<std::int64_t>& used = impl.matcher->version_ids();
  for (const store::ListVersionInfo& v : *versions) {
    impl.list_codes.insert(v.code);
    if (!options.screen_addresses ||
        std::find(used.begin(), used.end(), v.id) == used.end())
      continue;
    auto doc = (*list_store)->LoadList(v.id);
    if (!doc) return std::unexpected(doc.error());
    for (const lists::Party& p : doc->parties) {
      for (const lists::Address& a : p.addresses) {
        if (a.country.empty() || a.city.empty()) continue;
        std::vector<std::string> tokens =
            AddressTokens(a.street.empty() ? a.full : a.street);
        if (tokens.size() < 2) continue;
        ListedAddress listed{
            doc->code,
            v.id,
            p.source_id,
            p.names.empty() ? p.source_id : p.names.front().full,
            (a.street.empty() ? a.full : a.street) + ", " + a.city,
            std::move(tokens)};
        impl.addresses[a.country + "|" + Lower(a.city)].push_back(
            std::move(listed));
      }
    }
  }

  auto owned = store::OwnershipStore::Open(options.db_path);
  if (!owned) return std::unexpected(owned.error());
  auto data = (*owned)->Load();
  if (!data) return std::unexpected(data.error());
  if (!data->entities.empty()) {
    auto graph = ownership::OwnershipGraph::Build(std::move(data->entities),
                                                  std::move(data->holdings));
    if (!graph)
      return std::unexpected(graph.error().WithContext("stored ownership"));
    impl.stored_graph.emplace(std::move(*graph));
  }

  if (options.record_decisions) {
    auto trail = audit::AuditTrail::Open(options.db_path);
    if (!trail) return std::unexpected(trail.error());
    impl.audit = std::move(*trail);
    // A decision records only its rule set's hash: keep the rules
    // themselves (once per hash, a no-op when held) so that it can be
    // replayed after rules/ changes. Only a screener that records does
    // this: Replay's must never store the rules they load.
    auto snapshot = SnapshotRuleset(options.db_path, *impl.rules,
                                    options.now ? options.now() : SystemNow());
    if (!snapshot) {
      return std::unexpected(
          snapshot.error().WithContext("rule set snapshot of " + rules_dir));
    }
  }
  return s;
}

Result<Decision> Screener::Screen(const AccountRecord& account,
                                  const std::string& as_of) {
  return impl_->Decide(account, nullptr, std::nullopt, as_of);
}

Result<Decision> Screener::ApproveWorkload(
    const AccountRecord& account, const WorkloadRequest& request,
    const std::optional<attest::GpuVerdict>& gpu, const std::string& as_of) {
  return impl_->Decide(account, &request, gpu, as_of);
}

}  // namespace clearance::screening
