// engine/screening: the one call a cloud provider makes. It takes what the
// provider knows about a customer (and a requested workload), gathers every
// fact (list hits on names, addresses and identifiers; ownership look-through;
// IP geolocation; payment screening; reseller downstream customers; KYC
// completeness), applies the rules in force on the decision date, and
// returns a Decision a compliance officer can defend years later. Every
// decision is appended to the audit trail (engine/audit).
//
//   auto screener = Screener::Open({.db_path = "clearance.db"});
//   auto account = ParseAccountRecord(json_text, "acme.json");
//   auto decision = (*screener)->Screen(*account, "2026-03-01");
//
// Record formats (JSON; schema in docs/schemas/account.schema.json and
// workload.schema.json, documented with examples in docs/records.md).
//
// Thread safety: Screen/ApproveWorkload may be called concurrently.
#ifndef CLEARANCE_ENGINE_SCREENING_SCREENING_H_
#define CLEARANCE_ENGINE_SCREENING_SCREENING_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/attest/verdict.h"
#include "engine/common/error.h"

namespace clearance::screening {

struct PersonRecord {  // beneficial owner, signatory, officer
  std::string name;
  std::string role;     // "beneficial_owner", "signatory", "officer", "director"
  std::string country;  // nationality or residence, ISO alpha-2
  std::string dob;      // "YYYY" or "YYYY-MM-DD"
  std::optional<double> share;  // ownership percent, if an owner
};

struct AddressRecord {
  std::string line;     // free text
  std::string city;
  std::string region;   // e.g. "Crimea", ISO 3166-2 "UA-43"
  std::string country;  // ISO alpha-2
};

struct IpEvent {
  std::string address;  // IPv4/IPv6
  std::string kind;     // "signup", "console_login", "api", "admin"
  std::string at;       // ISO 8601
  // Optional pre-resolved data (else geolocated by Clearance):
  std::string country, region, anonymizer;
};

struct PaymentRecord {
  std::string method;  // "card", "wire", "crypto", "invoice"
  std::string payer_name;
  std::string instrument_country;  // card BIN / bank country
  std::string bank_country;
  std::string crypto_address;
  std::string chain;
};

struct RelatedEntity {  // parent, subsidiary, downstream customer
  std::string id;        // provider's id, or "OFAC-SDN:123" for a listed party
  std::string name;
  std::string relation;  // "parent", "subsidiary", "downstream_customer"
  std::optional<double> percent;  // for parent/subsidiary holdings
  std::string country;
  std::string hq_country;
};

struct AccountRecord {
  std::string account_id;
  std::string legal_name;
  std::vector<std::string> trade_names;
  std::string type = "entity";  // "entity" or "person"
  std::string country;          // of incorporation / residence
  std::string hq_country;
  std::string registration_number, lei, tax_id;
  std::vector<AddressRecord> addresses;
  std::vector<PersonRecord> people;
  std::vector<RelatedEntity> related;
  std::vector<PaymentRecord> payments;
  std::vector<IpEvent> ip_events;
  std::string email_domain, phone_country;
  bool is_reseller = false;
  std::string end_user_type;   // "company", "university", "military", ...
  std::string declared_end_use;
  std::string raw_json;        // the input as given (stored in the audit trail)
};

struct WorkloadRequest {
  std::string request_id;
  std::string gpu_model;       // claimed, e.g. "H100 SXM5 80GB"
  int gpu_count = 0;
  std::string datacenter_country;
  std::string deployment = "REMOTE_SERVICE";  // or DEDICATED_HW_ABROAD, HW_SHIP
  std::string declared_end_use;
  std::string workload_type;   // "training", "inference", ...
  double est_training_ops = 0;
  std::string raw_json;
};

// Parse records; errors name the JSON path ("people[2].dob: expected
// YYYY or YYYY-MM-DD") and no decision is made.
Result<AccountRecord> ParseAccountRecord(const std::string& json, const std::string& origin);
Result<WorkloadRequest> ParseWorkloadRequest(const std::string& json, const std::string& origin);

struct FiredRule {
  std::string id, title, outcome, basis, citation, explanation;
  bool uncertain = false;
};

struct Evidence {
  std::string kind;     // "list_hit", "ownership", "ip", "payment", "kyc", "consistency", "gpu"
  std::string subject;  // what was screened: "legal_name", "people[1]", "payments[0].crypto_address", ...
  std::string summary;  // one line for people
  std::string detail_json;  // hit explanation, ownership paths, ...
};

struct Versions {
  std::vector<std::int64_t> list_versions;  // list store version ids used
  std::string ruleset_hash;
  std::string geoip_database;  // name + build date of the MMDB
  std::string engine_version;
};

struct Decision {
  std::string decision_id;   // audit record id, e.g. "D-000042"
  std::string kind;          // "account" or "workload"
  std::string account_id;
  std::string as_of;         // decision date
  std::string outcome;       // DENY > LICENSE_REQUIRED > ESCALATE > REPORT > ALLOW
  std::vector<FiredRule> fired;
  std::vector<Evidence> evidence;
  Versions versions;
  std::string facts_json;    // the facts the rules saw
  std::string trace_json;    // the full rule trace
  std::string ToJson() const;
};

struct ScreenerOptions {
  std::string db_path = "clearance.db";
  std::string rules_dir;      // "" = $CLEARANCE_RULES or the built-in rules/
  std::string geoip_path;     // "" = Debian geoip-database default
  bool record_decisions = true;  // append to the audit trail
  std::string actor = "api";
  // Pinned list versions (replay); empty = latest of each list.
  std::vector<std::int64_t> list_versions;
};

class Screener {
 public:
  static Result<std::unique_ptr<Screener>> Open(const ScreenerOptions& options);
  ~Screener();
  Result<Decision> Screen(const AccountRecord& account, const std::string& as_of);
  Result<Decision> ApproveWorkload(const AccountRecord& account, const WorkloadRequest& request,
                                   const std::optional<attest::GpuVerdict>& gpu,
                                   const std::string& as_of);

 private:
  Screener();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace clearance::screening

#endif  // CLEARANCE_ENGINE_SCREENING_SCREENING_H_
