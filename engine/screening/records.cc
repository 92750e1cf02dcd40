// Strict readers for the account record and the workload request
// (docs/records.md, docs/schemas/account.schema.json and
// workload.schema.json). Every error names the origin and the JSON path.
#include <arpa/inet.h>

#include <cmath>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>

#include "engine/reference/reference.h"
#include "engine/rules/rules.h"
#include "engine/screening/screening.h"

namespace clearance::screening {
namespace {

using nlohmann::json;

class Reader {
 public:
  explicit Reader(std::string origin) : origin_(std::move(origin)) {}

  std::unexpected<Error> Bad(const std::string& path,
                             const std::string& what) const {
    return std::unexpected<Error>(
        Error(ErrorCode::kInvalidArgument,
              origin_ + ": " + (path.empty() ? "(root)" : path) + ": " + what));
  }

  static std::string Join(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
  }

  // Checks that `object` is an object with only `allowed` keys and all of
  // `required`.
  Result<void> Keys(const json& object, const std::string& path,
                    std::initializer_list<std::string_view> allowed,
                    std::initializer_list<std::string_view> required) const {
    if (!object.is_object()) return Bad(path, "expected an object");
    for (const auto& [key, value] : object.items()) {
      bool known = key == "$schema";
      for (std::string_view a : allowed) known = known || key == a;
      if (!known) return Bad(path, "unknown field '" + key + "'");
    }
    for (std::string_view r : required) {
      if (!object.contains(r) || object.at(std::string(r)).is_null()) {
        return Bad(Join(path, r), "required field missing");
      }
    }
    return Ok();
  }

  Result<void> String(const json& object, const std::string& path,
                      std::string_view key, std::string* out) const {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return Ok();
    if (!it->is_string()) return Bad(Join(path, key), "expected a string");
    *out = it->get<std::string>();
    return Ok();
  }

  Result<void> NonEmpty(const json& object, const std::string& path,
                        std::string_view key, std::string* out) const {
    if (auto r = String(object, path, key, out); !r) return r;
    if (object.contains(key) &&
        out->find_first_not_of(" \t\r\n") == std::string::npos) {
      return Bad(Join(path, key), "must not be empty");
    }
    return Ok();
  }

  Result<void> Country(const json& object, const std::string& path,
                       std::string_view key, std::string* out) const {
    if (auto r = String(object, path, key, out); !r) return r;
    if (out->empty()) return Ok();
    if (out->size() != 2 || reference::FindCountry(*out) == nullptr ||
        (*out)[0] < 'A' || (*out)[0] > 'Z' || (*out)[1] < 'A' ||
        (*out)[1] > 'Z') {
      return Bad(Join(path, key),
                 "expected an ISO 3166-1 alpha-2 code in upper case, got '" +
                     *out + "'");
    }
    return Ok();
  }

  Result<void> Enum(const json& object, const std::string& path,
                    std::string_view key,
                    std::initializer_list<std::string_view> values,
                    std::string* out) const {
    if (auto r = String(object, path, key, out); !r) return r;
    if (!object.contains(key) || object.at(std::string(key)).is_null())
      return Ok();
    std::string expected;
    for (std::string_view v : values) {
      if (*out == v) return Ok();
      expected += (expected.empty() ? "" : ", ") + std::string(v);
    }
    return Bad(Join(path, key),
               "expected one of " + expected + ", got '" + *out + "'");
  }

  Result<void> Bool(const json& object, const std::string& path,
                    std::string_view key, bool* out) const {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return Ok();
    if (!it->is_boolean())
      return Bad(Join(path, key), "expected true or false");
    *out = it->get<bool>();
    return Ok();
  }

  Result<void> OptBool(const json& object, const std::string& path,
                       std::string_view key, std::optional<bool>* out) const {
    bool value = false;
    if (auto r = Bool(object, path, key, &value); !r) return r;
    if (object.contains(key) && !object.at(std::string(key)).is_null())
      *out = value;
    return Ok();
  }

  Result<void> Number(const json& object, const std::string& path,
                      std::string_view key, double low, double high,
                      std::optional<double>* out) const {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return Ok();
    if (!it->is_number()) return Bad(Join(path, key), "expected a number");
    const double v = it->get<double>();
    if (!std::isfinite(v) || v < low || v > high) {
      return Bad(Join(path, key),
                 "expected a number from " + Fmt(low) + " to " + Fmt(high));
    }
    *out = v;
    return Ok();
  }

  Result<void> Date(const json& object, const std::string& path,
                    std::string_view key, bool year_allowed,
                    std::string* out) const {
    if (auto r = String(object, path, key, out); !r) return r;
    if (out->empty()) return Ok();
    const bool year = out->size() == 4 &&
                      out->find_first_not_of("0123456789") == std::string::npos;
    if ((year && year_allowed) || rules::ParseDate(*out)) return Ok();
    return Bad(Join(path, key), year_allowed ? "expected YYYY or YYYY-MM-DD"
                                             : "expected YYYY-MM-DD");
  }

  Result<const json*> Array(const json& object, const std::string& path,
                            std::string_view key) const {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return nullptr;
    if (!it->is_array()) return Bad(Join(path, key), "expected an array");
    return &*it;
  }

  static std::string Fmt(double v) {
    json j = v;
    return j.dump();
  }

 private:
  std::string origin_;
};

#define CLEARANCE_TRY(expr)                                 \
  do {                                                      \
    auto clearance_try_result = (expr);                     \
    if (!clearance_try_result)                              \
      return std::unexpected(clearance_try_result.error()); \
  } while (false)

bool ValidIp(const std::string& text) {
  unsigned char buffer[16];
  return inet_pton(AF_INET, text.c_str(), buffer) == 1 ||
         inet_pton(AF_INET6, text.c_str(), buffer) == 1;
}

bool ValidTimestamp(const std::string& text) {
  // YYYY-MM-DD, optionally followed by THH:MM[:SS[.fff]] and a zone.
  if (text.size() < 10 || !rules::ParseDate(text.substr(0, 10))) return false;
  if (text.size() == 10) return true;
  return text[10] == 'T' && text.size() >= 16 &&
         std::isdigit(static_cast<unsigned char>(text[11])) && text[13] == ':';
}

Result<json> ParseObject(const std::string& text, const std::string& origin) {
  json root = json::parse(text, nullptr, false);
  if (root.is_discarded()) {
    // Re-parse with exceptions only to learn the position of the error.
    try {
      const json again = json::parse(text);
      (void)again;
    } catch (const json::parse_error& e) {
      return Fail(ErrorCode::kParse, origin + ": not valid JSON: " + e.what());
    }
    return Fail(ErrorCode::kParse, origin + ": not valid JSON");
  }
  if (!root.is_object())
    return Fail(ErrorCode::kParse, origin + ": expected a JSON object");
  return root;
}

}  // namespace

Result<AccountRecord> ParseAccountRecord(const std::string& text,
                                         const std::string& origin) {
  auto parsed = ParseObject(text, origin);
  if (!parsed) return std::unexpected(parsed.error());
  const json& root = *parsed;
  Reader r(origin);
  AccountRecord a;
  a.raw_json = text;
  CLEARANCE_TRY(r.Keys(root, "",
                       {"account_id",
                        "legal_name",
                        "trade_names",
                        "type",
                        "country",
                        "hq_country",
                        "registration_number",
                        "lei",
                        "tax_id",
                        "addresses",
                        "people",
                        "related",
                        "payments",
                        "ip_events",
                        "email_domain",
                        "phone_country",
                        "is_reseller",
                        "end_user_type",
                        "declared_end_use",
                        "verified",
                        "verification_failures",
                        "cip_attested",
                        "is_informed_letter",
                        "formed_on",
                        "red_flags"},
                       {"account_id", "legal_name", "country"}));
  CLEARANCE_TRY(r.NonEmpty(root, "", "account_id", &a.account_id));
  CLEARANCE_TRY(r.NonEmpty(root, "", "legal_name", &a.legal_name));
  CLEARANCE_TRY(r.Enum(root, "", "type", {"entity", "person"}, &a.type));
  if (a.type.empty()) a.type = "entity";
  CLEARANCE_TRY(r.Country(root, "", "country", &a.country));
  CLEARANCE_TRY(r.Country(root, "", "hq_country", &a.hq_country));
  CLEARANCE_TRY(
      r.String(root, "", "registration_number", &a.registration_number));
  CLEARANCE_TRY(r.String(root, "", "lei", &a.lei));
  CLEARANCE_TRY(r.String(root, "", "tax_id", &a.tax_id));
  CLEARANCE_TRY(r.String(root, "", "email_domain", &a.email_domain));
  CLEARANCE_TRY(r.Country(root, "", "phone_country", &a.phone_country));
  CLEARANCE_TRY(r.Bool(root, "", "is_reseller", &a.is_reseller));
  CLEARANCE_TRY(
      r.Enum(root, "", "end_user_type",
             {"company", "university", "research_institute", "government",
              "military", "military_intelligence", "defense_soe", "police",
              "intelligence", "wmd", "person", "nonprofit"},
             &a.end_user_type));
  CLEARANCE_TRY(r.String(root, "", "declared_end_use", &a.declared_end_use));
  CLEARANCE_TRY(r.OptBool(root, "", "verified", &a.verified));
  std::optional<double> failures;
  CLEARANCE_TRY(
      r.Number(root, "", "verification_failures", 0, 1000, &failures));
  if (failures) {
    if (*failures != std::floor(*failures))
      return r.Bad("verification_failures", "expected a whole number");
    a.verification_failures = static_cast<int>(*failures);
  }
  CLEARANCE_TRY(r.OptBool(root, "", "cip_attested", &a.cip_attested));
  CLEARANCE_TRY(r.Bool(root, "", "is_informed_letter", &a.is_informed_letter));
  CLEARANCE_TRY(r.Date(root, "", "formed_on", false, &a.formed_on));

  auto strings = [&](std::string_view key,
                     std::vector<std::string>* out) -> Result<void> {
    auto array = r.Array(root, "", key);
    if (!array) return std::unexpected(array.error());
    if (*array == nullptr) return Ok();
    for (size_t i = 0; i < (*array)->size(); ++i) {
      const json& v = (**array)[i];
      const std::string path = std::string(key) + "[" + std::to_string(i) + "]";
      if (!v.is_string() || v.get<std::string>().empty())
        return r.Bad(path, "expected a non-empty string");
      out->push_back(v.get<std::string>());
    }
    return Ok();
  };
  CLEARANCE_TRY(strings("trade_names", &a.trade_names));
  CLEARANCE_TRY(strings("red_flags", &a.red_flags));

  auto addresses = r.Array(root, "", "addresses");
  if (!addresses) return std::unexpected(addresses.error());
  if (*addresses) {
    for (size_t i = 0; i < (*addresses)->size(); ++i) {
      const json& o = (**addresses)[i];
      const std::string path = "addresses[" + std::to_string(i) + "]";
      AddressRecord ad;
      CLEARANCE_TRY(
          r.Keys(o, path, {"line", "city", "region", "country"}, {"country"}));
      CLEARANCE_TRY(r.String(o, path, "line", &ad.line));
      CLEARANCE_TRY(r.String(o, path, "city", &ad.city));
      CLEARANCE_TRY(r.String(o, path, "region", &ad.region));
      CLEARANCE_TRY(r.Country(o, path, "country", &ad.country));
      a.addresses.push_back(std::move(ad));
    }
  }

  auto people = r.Array(root, "", "people");
  if (!people) return std::unexpected(people.error());
  if (*people) {
    for (size_t i = 0; i < (*people)->size(); ++i) {
      const json& o = (**people)[i];
      const std::string path = "people[" + std::to_string(i) + "]";
      PersonRecord p;
      CLEARANCE_TRY(r.Keys(o, path, {"name", "role", "country", "dob", "share"},
                           {"name", "role"}));
      CLEARANCE_TRY(r.NonEmpty(o, path, "name", &p.name));
      CLEARANCE_TRY(r.Enum(
          o, path, "role",
          {"beneficial_owner", "signatory", "officer", "director"}, &p.role));
      CLEARANCE_TRY(r.Country(o, path, "country", &p.country));
      CLEARANCE_TRY(r.Date(o, path, "dob", true, &p.dob));
      CLEARANCE_TRY(r.Number(o, path, "share", 0, 100, &p.share));
      a.people.push_back(std::move(p));
    }
  }

  auto related = r.Array(root, "", "related");
  if (!related) return std::unexpected(related.error());
  if (*related) {
    std::set<std::string> ids;
    for (size_t i = 0; i < (*related)->size(); ++i) {
      const json& o = (**related)[i];
      const std::string path = "related[" + std::to_string(i) + "]";
      RelatedEntity e;
      CLEARANCE_TRY(r.Keys(
          o, path,
          {"id", "name", "relation", "percent", "country", "hq_country", "of"},
          {"name", "relation"}));
      CLEARANCE_TRY(r.String(o, path, "id", &e.id));
      CLEARANCE_TRY(r.NonEmpty(o, path, "name", &e.name));
      CLEARANCE_TRY(r.Enum(o, path, "relation",
                           {"parent", "subsidiary", "downstream_customer"},
                           &e.relation));
      CLEARANCE_TRY(r.Number(o, path, "percent", 0, 100, &e.percent));
      CLEARANCE_TRY(r.Country(o, path, "country", &e.country));
      CLEARANCE_TRY(r.Country(o, path, "hq_country", &e.hq_country));
      CLEARANCE_TRY(r.String(o, path, "of", &e.of));
      if (!e.id.empty() && !ids.insert(e.id).second)
        return r.Bad(path + ".id", "duplicate id '" + e.id + "'");
      if (!e.of.empty() && e.relation != "parent")
        return r.Bad(path + ".of",
                     "only a parent may name the entity it holds");
      a.related.push_back(std::move(e));
    }
    for (size_t i = 0; i < a.related.size(); ++i) {
      const std::string& of = a.related[i].of;
      if (!of.empty() && of != a.account_id && !ids.contains(of)) {
        return r.Bad(
            "related[" + std::to_string(i) + "].of",
            "names no related entity id and not the account_id: '" + of + "'");
      }
    }
  }

  auto payments = r.Array(root, "", "payments");
  if (!payments) return std::unexpected(payments.error());
  if (*payments) {
    for (size_t i = 0; i < (*payments)->size(); ++i) {
      const json& o = (**payments)[i];
      const std::string path = "payments[" + std::to_string(i) + "]";
      PaymentRecord p;
      CLEARANCE_TRY(r.Keys(o, path,
                           {"method", "payer_name", "instrument_country",
                            "bank_country", "crypto_address", "chain"},
                           {"method"}));
      CLEARANCE_TRY(r.Enum(o, path, "method",
                           {"card", "wire", "crypto", "invoice", "voucher"},
                           &p.method));
      CLEARANCE_TRY(r.String(o, path, "payer_name", &p.payer_name));
      CLEARANCE_TRY(
          r.Country(o, path, "instrument_country", &p.instrument_country));
      CLEARANCE_TRY(r.Country(o, path, "bank_country", &p.bank_country));
      CLEARANCE_TRY(r.String(o, path, "crypto_address", &p.crypto_address));
      CLEARANCE_TRY(r.String(o, path, "chain", &p.chain));
      if (p.method == "crypto" && p.crypto_address.empty()) {
        return r.Bad(path + ".crypto_address",
                     "required when method is crypto");
      }
      a.payments.push_back(std::move(p));
    }
  }

  auto events = r.Array(root, "", "ip_events");
  if (!events) return std::unexpected(events.error());
  if (*events) {
    for (size_t i = 0; i < (*events)->size(); ++i) {
      const json& o = (**events)[i];
      const std::string path = "ip_events[" + std::to_string(i) + "]";
      IpEvent e;
      CLEARANCE_TRY(r.Keys(
          o, path, {"address", "kind", "at", "country", "region", "anonymizer"},
          {"address"}));
      CLEARANCE_TRY(r.String(o, path, "address", &e.address));
      if (!ValidIp(e.address))
        return r.Bad(
            path + ".address",
            "expected an IPv4 or IPv6 address, got '" + e.address + "'");
      CLEARANCE_TRY(r.Enum(o, path, "kind",
                           {"signup", "console_login", "api", "admin"},
                           &e.kind));
      CLEARANCE_TRY(r.String(o, path, "at", &e.at));
      if (!e.at.empty() && !ValidTimestamp(e.at))
        return r.Bad(path + ".at", "expected an ISO 8601 timestamp");
      CLEARANCE_TRY(r.Country(o, path, "country", &e.country));
      CLEARANCE_TRY(r.String(o, path, "region", &e.region));
      CLEARANCE_TRY(r.Enum(o, path, "anonymizer",
                           {"none", "vpn", "proxy", "tor", "hosting"},
                           &e.anonymizer));
      a.ip_events.push_back(std::move(e));
    }
  }
  return a;
}

Result<WorkloadRequest> ParseWorkloadRequest(const std::string& text,
                                             const std::string& origin) {
  auto parsed = ParseObject(text, origin);
  if (!parsed) return std::unexpected(parsed.error());
  const json& root = *parsed;
  Reader r(origin);
  WorkloadRequest w;
  w.raw_json = text;
  CLEARANCE_TRY(
      r.Keys(root, "",
             {"request_id", "account_id", "gpu_model", "gpu_count",
              "datacenter_country", "deployment", "declared_end_use",
              "workload_type", "est_training_ops", "export_from",
              "datacenter_is_veu", "cluster_fp64_pflops"},
             {"request_id", "gpu_model", "gpu_count", "datacenter_country"}));
  CLEARANCE_TRY(r.NonEmpty(root, "", "request_id", &w.request_id));
  CLEARANCE_TRY(r.String(root, "", "account_id", &w.account_id));
  CLEARANCE_TRY(r.NonEmpty(root, "", "gpu_model", &w.gpu_model));
  std::optional<double> count;
  CLEARANCE_TRY(r.Number(root, "", "gpu_count", 1, 1e7, &count));
  if (*count != std::floor(*count))
    return r.Bad("gpu_count", "expected a whole number");
  w.gpu_count = static_cast<int>(*count);
  CLEARANCE_TRY(
      r.Country(root, "", "datacenter_country", &w.datacenter_country));
  CLEARANCE_TRY(r.Enum(root, "", "deployment",
                       {"REMOTE_SERVICE", "DEDICATED_HW_ABROAD", "HW_SHIP"},
                       &w.deployment));
  if (w.deployment.empty()) w.deployment = "REMOTE_SERVICE";
  CLEARANCE_TRY(r.String(root, "", "declared_end_use", &w.declared_end_use));
  CLEARANCE_TRY(
      r.Enum(root, "", "workload_type",
             {"training", "fine_tuning", "inference", "analysis", "rendering",
              "hpc", "managed_enterprise_software", "managed_design_software",
              "it_consulting", "it_support"},
             &w.workload_type));
  std::optional<double> ops;
  CLEARANCE_TRY(r.Number(root, "", "est_training_ops", 0, 1e40, &ops));
  w.est_training_ops = ops.value_or(0);
  CLEARANCE_TRY(r.Country(root, "", "export_from", &w.export_from));
  CLEARANCE_TRY(r.Bool(root, "", "datacenter_is_veu", &w.datacenter_is_veu));
  std::optional<double> pflops;
  CLEARANCE_TRY(r.Number(root, "", "cluster_fp64_pflops", 0, 1e9, &pflops));
  w.cluster_fp64_pflops = pflops.value_or(0);
  return w;
}

}  // namespace clearance::screening
