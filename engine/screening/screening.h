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
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/attest/verdict.h"
#include "engine/common/error.h"

namespace clearance::screening {

struct PersonRecord {  // beneficial owner, signatory, officer
  std::string name;
  std::string role;  // "beneficial_owner", "signatory", "officer", "director"
  std::string country;          // nationality or residence, ISO alpha-2
  std::string dob;              // "YYYY" or "YYYY-MM-DD"
  std::optional<double> share;  // ownership percent, if an owner
};

struct AddressRecord {
  std::string line;  // free text
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
  std::string id;       // provider's id, or "OFAC-SDN:123" for a listed party
  std::string name;
  std::string relation;  // "parent", "subsidiary", "downstream_customer"
  std::optional<double> percent;  // for parent/subsidiary holdings
  std::string country;
  std::string hq_country;
  // Addition: for a parent, the id of the entity it holds `percent` of
  // ("" = the account itself), so a record can declare a chain of owners.
  std::string of;
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
  std::string end_user_type;  // "company", "university", "military", ...
  std::string declared_end_use;
  // Additions (docs/records.md): CIP and red-flag facts the provider holds.
  std::optional<bool> verified;  // identity verification passed
  int verification_failures = 0;
  std::optional<bool> cip_attested;    // a reseller attested to its CIP
  bool is_informed_letter = false;     // BIS is-informed letter on file
  std::string formed_on;               // company formation date, YYYY-MM-DD
  std::vector<std::string> red_flags;  // declared, e.g. "refuses_end_use"
  std::string raw_json;  // the input as given (stored in the audit trail)
};

struct WorkloadRequest {
  std::string request_id;
  // Addition: the account this workload is for (optional). `screen
  // workload` without --account screens it with the account record of the
  // account's newest decision in the audit trail.
  std::string account_id;
  std::string gpu_model;  // claimed, e.g. "H100 SXM5 80GB"
  int gpu_count = 0;
  std::string datacenter_country;
  std::string deployment = "REMOTE_SERVICE";  // or DEDICATED_HW_ABROAD, HW_SHIP
  std::string declared_end_use;
  std::string workload_type;  // "training", "inference", ...
  double est_training_ops = 0;
  // Additions (docs/records.md).
  std::string export_from;         // "US" for an export, else a reexport
  bool datacenter_is_veu = false;  // destination is a validated end user
  double cluster_fp64_pflops = 0;  // destination system, 0 = unknown
  std::string raw_json;
};

// Parse records; errors name the JSON path ("people[2].dob: expected
// YYYY or YYYY-MM-DD") and no decision is made.
Result<AccountRecord> ParseAccountRecord(const std::string& json,
                                         const std::string& origin);
Result<WorkloadRequest> ParseWorkloadRequest(const std::string& json,
                                             const std::string& origin);

struct FiredRule {
  std::string id, title, outcome, basis, citation, explanation;
  bool uncertain = false;
};

struct Evidence {
  std::string kind;         // "list_hit", "ownership", "ip", "payment", "kyc",
                            // "consistency", "gpu"
  std::string subject;      // what was screened: "legal_name", "people[1]",
                            // "payments[0].crypto_address", ...
  std::string summary;      // one line for people
  std::string detail_json;  // hit explanation, ownership paths, ...
};

struct Versions {
  std::vector<std::int64_t> list_versions;  // list store version ids used
  std::string ruleset_hash;
  std::string geoip_database;  // GeoIp::description(): kind, build date, path
  std::string engine_version;
};

struct Decision {
  std::string decision_id;  // audit record id, e.g. "D-000042"
  std::string kind;         // "account" or "workload"
  std::string account_id;
  std::string as_of;    // decision date
  std::string outcome;  // DENY > LICENSE_REQUIRED > ESCALATE > REPORT > ALLOW
  std::vector<FiredRule> fired;
  std::vector<Evidence> evidence;
  Versions versions;
  std::string facts_json;  // the facts the rules saw
  std::string trace_json;  // the full rule trace
  std::string ToJson() const;
};

struct ScreenerOptions {
  std::string db_path = "clearance.db";
  std::string rules_dir;   // "" = $CLEARANCE_RULES or the built-in rules/
  std::string geoip_path;  // "" = the default (docs/records.md); "off" = none
  // Append to the audit trail; Open() then also snapshots the rule set
  // (SnapshotRuleset, replay.h) so that the decisions can be replayed.
  bool record_decisions = true;
  std::string actor = "api";
  // Pinned list versions (replay); empty = latest of each list.
  std::vector<std::int64_t> list_versions;
  // Addition: the clock for audit timestamps (ISO 8601 UTC); empty = the
  // system clock. Tests inject a fixed one.
  std::function<std::string()> now;
  // Addition: screen addresses against listed addresses (loads every list
  // version once at Open). Default on.
  bool screen_addresses = true;
};

// Open() errors: the database, rule set or GeoIP file cannot be opened
// (kNotFound / kIo / kDatabase / rule load errors); when recording, the
// rule set cannot be snapshotted (SnapshotRuleset's errors, e.g.
// kFailedPrecondition when the rules directory changed while opening). Screen()
// errors: kInvalidArgument for a malformed as_of (YYYY-MM-DD) or record,
// kFailedPrecondition when rule evaluation fails (treat as a hold), the
// audit trail's errors when the decision cannot be stored (then no
// decision is returned). Decision::versions.geoip_database says which
// geolocation database was used ("none: ..." when there is none; events
// then keep their own pre-resolved country/region).
class Screener {
 public:
  static Result<std::unique_ptr<Screener>> Open(const ScreenerOptions& options);
  ~Screener();
  Result<Decision> Screen(const AccountRecord& account,
                          const std::string& as_of);
  Result<Decision> ApproveWorkload(const AccountRecord& account,
                                   const WorkloadRequest& request,
                                   const std::optional<attest::GpuVerdict>& gpu,
                                   const std::string& as_of);

 private:
  Screener();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace clearance::screening

#endif  // CLEARANCE_ENGINE_SCREENING_SCREENING_H_
