// `clearance ownership ...`: import, explain, scan (docs/ownership.md,
// "Commands").
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "engine/cli/cli.h"
#include "engine/cli/output.h"
#include "engine/match/matcher.h"
#include "engine/ownership/importers.h"
#include "engine/ownership/ownership.h"
#include "engine/reference/reference.h"
#include "engine/store/list_store.h"
#include "engine/store/ownership_store.h"

namespace clearance::cli {
namespace {

using nlohmann::ordered_json;
using ownership::Entity;
using ownership::Holding;
using ownership::OwnershipGraph;
using ownership::ShareResult;

const FlagSpec kDbFlag{
    "db", "FILE", "database file (default $CLEARANCE_DB or ./clearance.db)"};
const FlagSpec kJsonFlag{"json", "", "print JSON instead of text"};
const FlagSpec kAsOfFlag{"as-of", "DATE",
                         "evaluate holdings, listings and rules on this date "
                         "(YYYY-MM-DD; default today)"};
const FlagSpec kListsFlag{
    "lists", "CODES",
    "comma-separated list codes whose parties count as restricted owners "
    "(default OFAC-SDN,BIS-EL,BIS-MEU)"};
const FlagSpec kAffiliatesFlag{
    "affiliates-after", "STATUS",
    "BIS Affiliates rule status after the suspension ends on 2026-11-09: "
    "active, suspended or unknown (default active)"};

constexpr std::size_t kMaxWarningsShown = 20;

void PrintJson(const ordered_json& j) {
  std::printf("%s\n", j.dump(2).c_str());
}

// Record errors (bad percent, unknown id, ...) are input errors (exit 3),
// not usage errors.
int ReportImportError(const Error& error) {
  if (error.code() == ErrorCode::kInvalidArgument) {
    std::fprintf(stderr, "clearance: error: %s\n", error.message().c_str());
    return kExitInput;
  }
  return ReportError(error);
}

std::string Percent(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f", value);
  std::string s = buffer;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s + "%";
}

std::vector<std::string> SplitCodes(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string code; std::getline(in, code, ',');) {
    code.erase(0, code.find_first_not_of(' '));
    code.erase(code.find_last_not_of(' ') + 1);
    if (!code.empty()) out.push_back(code);
  }
  return out;
}

bool ValidDate(const std::string& d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (d[i] < '0' || d[i] > '9') return false;
  }
  return true;
}

// --- import ------------------------------------------------------------------

int RunImport(const Args& args) {
  const bool from_lists = args.Has("from-lists");
  if (args.positionals().empty() && !from_lists) {
    std::fprintf(stderr,
                 "clearance: error: ownership import needs FILE... or "
                 "--from-lists\n");
    return kExitUsage;
  }
  const std::string path = DatabasePath(args);
  auto lists = store::ListStore::Open(path);
  if (!lists) return ReportError(lists.error());
  // Everything is read and checked before anything is stored.
  std::vector<ownership::RecordBatch> batches;
  for (const std::string& file : args.positionals()) {
    auto batch = store::ReadRecordFile(file);
    if (!batch) return ReportImportError(batch.error());
    if (auto linked = store::LinkListedParties(*batch, **lists); !linked) {
      return ReportImportError(linked.error());
    }
    batches.push_back(*std::move(batch));
  }
  if (from_lists) {
    std::vector<std::string> codes = args.GetAll("list");
    if (codes.empty()) codes = {"OFAC-SDN"};
    for (const std::string& code : codes) {
      auto batch = store::ListRelationshipRecords(**lists, code);
      if (!batch) return ReportImportError(batch.error());
      batches.push_back(*std::move(batch));
    }
  }
  auto owned = store::OwnershipStore::Open(path);
  if (!owned) return ReportError(owned.error());
  auto outcomes = (*owned)->Import(batches, NowIso8601());
  if (!outcomes) return ReportImportError(outcomes.error());

  ordered_json report = ordered_json::array();
  for (std::size_t i = 0; i < outcomes->size(); ++i) {
    const auto& o = (*outcomes)[i];
    const auto& b = batches[i];
    ordered_json entry;
    entry["file"] = o.batch.file;
    entry["format"] = o.batch.format;
    entry["sha256"] = o.batch.sha256;
    entry["batch"] = o.batch.id;
    entry["already_imported"] = o.already_imported;
    entry["entities"] = b.entities.size();
    entry["holdings"] = b.holdings.size();
    entry["ultimate_parents"] = b.ultimate_parents.size();
    entry["replaced"] = o.replaced;
    entry["warnings"] = b.warnings;
    report.push_back(std::move(entry));
    if (!args.Has("json") && !o.already_imported) {
      for (std::size_t w = 0; w < b.warnings.size(); ++w) {
        if (w == kMaxWarningsShown) {
          std::fprintf(stderr, "clearance: warning: ... %zu more warnings\n",
                       b.warnings.size() - w);
          break;
        }
        std::fprintf(stderr, "clearance: warning: %s\n", b.warnings[w].c_str());
      }
    }
  }
  if (args.Has("json")) {
    PrintJson(report);
    return kExitOk;
  }
  Table table({"FILE", "FORMAT", "ENTITIES", "HOLDINGS", "RESULT"});
  table.AlignRight(2);
  table.AlignRight(3);
  for (const auto& e : report) {
    table.AddRow({e["file"].get<std::string>(), e["format"].get<std::string>(),
                  WithThousands(e["entities"].get<std::int64_t>()),
                  WithThousands(e["holdings"].get<std::int64_t>()),
                  e["already_imported"].get<bool>()
                      ? "already imported (no change)"
                      : "imported"});
  }
  std::fputs(table.Render().c_str(), stdout);
  for (const auto& b : batches) {
    if (b.format == ownership::RecordFormat::kListRelationships) {
      std::printf(
          "%s: %zu \"Owned or Controlled By\" links stored as control with "
          "unknown percentage (the list publishes no percentages and does not "
          "tell ownership from control; both parties are listed)\n",
          b.file.c_str(), b.holdings.size());
    }
  }
  return kExitOk;
}

// --- explain / scan shared ---------------------------------------------------

struct Loaded {
  OwnershipGraph graph;
  store::OwnershipData data;
};

Result<Loaded> LoadGraph(const Args& args) {
  auto owned = store::OwnershipStore::Open(DatabasePath(args));
  if (!owned) return std::unexpected(owned.error());
  auto data = (*owned)->Load();
  if (!data) return std::unexpected(data.error());
  auto graph = OwnershipGraph::Build(data->entities, data->holdings);
  if (!graph) return std::unexpected(graph.error());
  return Loaded{*std::move(graph), *std::move(data)};
}

struct Options {
  std::string as_of;
  std::vector<std::string> lists;
  ownership::AffiliatesRuleConfig affiliates;
};

Result<Options> ReadOptions(const Args& args) {
  Options o;
  o.as_of = args.GetOr("as-of", NowIso8601().substr(0, 10));
  if (!ValidDate(o.as_of)) {
    return Fail(ErrorCode::kInvalidArgument,
                "--as-of expects YYYY-MM-DD, got '" + o.as_of + "'");
  }
  o.lists = SplitCodes(args.GetOr("lists", "OFAC-SDN,BIS-EL,BIS-MEU"));
  if (o.lists.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "--lists names no list codes");
  }
  o.affiliates.after_suspension = args.GetOr("affiliates-after", "active");
  const std::string& a = o.affiliates.after_suspension;
  if (a != "active" && a != "suspended" && a != "unknown") {
    return Fail(
        ErrorCode::kInvalidArgument,
        "--affiliates-after expects active, suspended or unknown, got '" + a +
            "'");
  }
  return o;
}

std::vector<std::string> WithPrefix(const std::vector<std::string>& lists,
                                    std::string_view prefix) {
  std::vector<std::string> out;
  for (const auto& l : lists) {
    if (l.starts_with(prefix)) out.push_back(l);
  }
  return out;
}

bool InForce(const ownership::Listing& l, std::string_view date) {
  return (l.listed_from.empty() || l.listed_from <= date) &&
         (l.listed_to.empty() || date <= l.listed_to);
}

std::vector<std::string> ListingsOn(const Entity* e, std::string_view date) {
  std::vector<std::string> out;
  if (e == nullptr) return out;
  for (const auto& l : e->listings) {
    if (InForce(l, date)) out.push_back(l.list + ":" + l.party_id);
  }
  return out;
}

// OFAC 50% rule outcome (regulations.md A2).
std::string OfacOutcome(const ShareResult& r) {
  if (r.listed_directly) return "blocked (listed)";
  if (r.blocked) return "blocked (50% or more owned by blocked persons)";
  if (r.share >= 25) return "escalate (25-50% owned by blocked persons)";
  if (!r.controlled_by.empty()) {
    return "control only: escalate (blocked persons control without "
           "ownership; not blocked by the 50% rule)";
  }
  if (r.blocked_upper_bound) {
    return "escalate (a blocked owner's percentage is unknown and could reach "
           "50%)";
  }
  return "clear";
}

// BIS Affiliates rule outcome (regulations.md B2).
std::string AffiliatesOutcome(const ShareResult& r, const std::string& status) {
  if (r.listed_directly) return "listed itself (Entity List / MEU rules apply)";
  if (r.share >= 50) {
    if (status == "active") {
      return "license required (Affiliates rule active; 50% or more owned by "
             "listed parties)";
    }
    if (status == "suspended") {
      return "escalate (Affiliates rule suspended; 50%-owned affiliate of a "
             "listed party remains a red flag)";
    }
    return "escalate (Affiliates rule status unknown on this date)";
  }
  if (r.blocked_upper_bound) {
    return "escalate (red flag 29: a listed owner's percentage is unknown)";
  }
  return "not covered (below 50%)";
}

ordered_json ShareJson(const ShareResult& r) {
  ordered_json j;
  j["share"] = r.share;
  j["share_upper_bound"] = r.share_upper_bound;
  j["blocked"] = r.blocked;
  j["listed_directly"] = r.listed_directly;
  ordered_json paths = ordered_json::array();
  for (const auto& p : r.paths) {
    paths.push_back({{"entities", p.entities},
                     {"percents", p.percents},
                     {"contribution", p.contribution},
                     {"listed_owner", p.listed_owner},
                     {"list", p.list}});
  }
  j["paths"] = paths;
  j["paths_truncated"] = r.paths_truncated;
  j["controlled_by"] = r.controlled_by;
  j["unknown_percentages"] = r.unknown_percentages;
  j["cycles"] = r.cycles;
  j["warnings"] = r.warnings;
  return j;
}

std::string NameOf(const OwnershipGraph& g, const std::string& id) {
  const Entity* e = g.FindEntity(id);
  return e && !e->name.empty() ? e->name : "";
}

// The owners tree, depth first, with cycle and depth guards.
ordered_json OwnersTree(const OwnershipGraph& g, const std::string& id,
                        const std::string& date, std::vector<std::string>& path,
                        int depth) {
  ordered_json owners = ordered_json::array();
  constexpr int kMaxDepth = 12;
  for (const Holding* h : g.OwnersOf(id, date)) {
    ordered_json node;
    node["id"] = h->owner;
    node["name"] = NameOf(g, h->owner);
    node["percent"] =
        h->percent ? ordered_json(*h->percent) : ordered_json(nullptr);
    node["kind"] = std::string(ownership::HoldingKindName(h->kind));
    node["listed"] = ListingsOn(g.FindEntity(h->owner), date);
    node["source"] = h->source;
    node["record_ref"] = h->record_ref;
    if (std::find(path.begin(), path.end(), h->owner) != path.end()) {
      node["cycle"] = true;
      node["owners"] = ordered_json::array();
    } else if (depth >= kMaxDepth) {
      node["truncated"] = true;
      node["owners"] = ordered_json::array();
    } else {
      path.push_back(h->owner);
      node["owners"] = OwnersTree(g, h->owner, date, path, depth + 1);
      path.pop_back();
    }
    owners.push_back(std::move(node));
  }
  return owners;
}

void PrintTree(const ordered_json& owners, const std::string& indent) {
  for (std::size_t i = 0; i < owners.size(); ++i) {
    const auto& n = owners[i];
    const bool last = i + 1 == owners.size();
    std::string pct = n["percent"].is_null()
                          ? std::string("unknown %")
                          : Percent(n["percent"].get<double>());
    std::string line = indent + (last ? "`- " : "|- ") + pct + " " +
                       n["kind"].get<std::string>() + "  " +
                       n["id"].get<std::string>();
    if (!n["name"].get<std::string>().empty()) {
      line += "  " + n["name"].get<std::string>();
    }
    if (!n["listed"].empty()) {
      line += "  [LISTED:";
      for (const auto& l : n["listed"]) line += " " + l.get<std::string>();
      line += "]";
    }
    if (n.contains("cycle")) line += "  (cycle: already on this chain)";
    if (n.contains("truncated")) line += "  (deeper owners not shown)";
    line += "  <" + n["record_ref"].get<std::string>() + ">";
    std::printf("%s\n", line.c_str());
    PrintTree(n["owners"], indent + (last ? "   " : "|  "));
  }
}

// --- explain
// -------------------------------------------------------------------

int RunExplain(const Args& args) {
  auto options = ReadOptions(args);
  if (!options) return ReportError(options.error());
  auto loaded = LoadGraph(args);
  if (!loaded) return ReportError(loaded.error());
  const OwnershipGraph& g = loaded->graph;
  const std::string id = args.positionals()[0];
  const Entity* entity = g.FindEntity(id);
  if (entity == nullptr) {
    return ReportError(Error(
        ErrorCode::kNotFound,
        "no entity \"" + id +
            "\" in the ownership records (ids look like acct:NAME, "
            "LEI:..., OFAC-SDN:36; import records with 'clearance ownership "
            "import')"));
  }
  const std::string& date = options->as_of;
  auto all = g.AggregateListedShare(id, options->lists, date);
  if (!all) return ReportError(all.error());
  const auto ofac_lists = WithPrefix(options->lists, "OFAC-");
  const auto bis_lists = [&] {
    std::vector<std::string> out;
    for (const auto& l : options->lists) {
      if (l == "BIS-EL" || l == "BIS-MEU") out.push_back(l);
    }
    return out;
  }();
  std::optional<ShareResult> ofac, bis;
  if (!ofac_lists.empty()) {
    auto r = g.AggregateListedShare(id, ofac_lists, date);
    if (!r) return ReportError(r.error());
    ofac = *r;
  }
  if (!bis_lists.empty()) {
    auto r = g.AggregateListedShare(id, bis_lists, date);
    if (!r) return ReportError(r.error());
    bis = *r;
  }
  const std::string rule_status =
      ownership::AffiliatesRuleStatus(date, options->affiliates);
  auto parent = g.UltimateParent(id, date);
  if (!parent) return ReportError(parent.error());
  const std::string hq = parent->hq_country;
  const bool d5_or_macau =
      !hq.empty() && (hq == "MO" || reference::InCountryGroup("D:5", hq, date));
  // GLEIF's own ultimate-consolidation records, where imported.
  std::vector<std::string> gleif_ultimate;
  for (const auto& u : loaded->data.ultimate_parents) {
    if (u.entity == id && (u.valid_from.empty() || u.valid_from <= date) &&
        (u.valid_to.empty() || date <= u.valid_to)) {
      gleif_ultimate.push_back(u.ultimate_parent);
    }
  }

  std::vector<std::string> path{id};
  const ordered_json tree = OwnersTree(g, id, date, path, 0);

  ordered_json j;
  j["entity"] = {{"id", entity->id},
                 {"name", entity->name},
                 {"country", entity->country},
                 {"hq_country", entity->hq_country},
                 {"listed", ListingsOn(entity, date)}};
  j["as_of"] = date;
  j["lists"] = options->lists;
  j["owners"] = tree;
  j["aggregate"] = ShareJson(*all);
  if (ofac) {
    ordered_json o = ShareJson(*ofac);
    o["lists"] = ofac_lists;
    o["outcome"] = OfacOutcome(*ofac);
    j["ofac_50_percent_rule"] = o;
  }
  if (bis) {
    ordered_json b = ShareJson(*bis);
    b["lists"] = bis_lists;
    b["rule_status"] = rule_status;
    b["after_suspension_config"] = options->affiliates.after_suspension;
    b["outcome"] = AffiliatesOutcome(*bis, rule_status);
    j["bis_affiliates_rule"] = b;
  }
  j["ultimate_parent"] = {{"id", parent->ultimate_parent},
                          {"name", NameOf(g, parent->ultimate_parent)},
                          {"chain", parent->chain},
                          {"percents", parent->percents},
                          {"hq_country", hq},
                          {"d5_or_macau", d5_or_macau},
                          {"ambiguous", parent->ambiguous},
                          {"cycle", parent->cycle},
                          {"gleif_ultimate_parents", gleif_ultimate}};
  if (args.Has("json")) {
    PrintJson(j);
    return kExitOk;
  }

  std::printf("%s  %s\n", entity->id.c_str(), entity->name.c_str());
  std::printf("  country %s, HQ %s; as of %s\n",
              entity->country.empty() ? "?" : entity->country.c_str(),
              entity->hq_country.empty() ? "?" : entity->hq_country.c_str(),
              date.c_str());
  for (const auto& l : ListingsOn(entity, date)) {
    std::printf("  LISTED itself: %s\n", l.c_str());
  }
  std::printf("\nOwners (percent, kind, id, name, listing, record):\n");
  if (tree.empty()) {
    std::printf("  (no owners recorded)\n");
  } else {
    PrintTree(tree, "  ");
  }
  std::string codes;
  for (const auto& l : options->lists) codes += (codes.empty() ? "" : ",") + l;
  std::printf("\nAggregate listed share (%s): %s", codes.c_str(),
              Percent(all->share).c_str());
  if (all->share_upper_bound > all->share) {
    std::printf(" (up to %s if unknown percentages are 100%%)",
                Percent(all->share_upper_bound).c_str());
  }
  std::printf("\n");
  for (const auto& p : all->paths) {
    std::string chain;
    for (std::size_t i = 0; i < p.entities.size(); ++i) {
      if (i > 0) chain += " -" + Percent(p.percents[i - 1]) + "-> ";
      chain += p.entities[i];
    }
    std::printf("  %s: %s [%s]\n", Percent(p.contribution).c_str(),
                chain.c_str(), p.list.c_str());
  }
  for (const auto& c : all->controlled_by) {
    std::printf("  control without ownership: %s\n", c.c_str());
  }
  for (const auto& u : all->unknown_percentages) {
    std::printf("  unknown percentage: %s\n", u.c_str());
  }
  for (const auto& c : all->cycles) std::printf("  cycle: %s\n", c.c_str());
  for (const auto& w : all->warnings) std::printf("  warning: %s\n", w.c_str());
  if (ofac) {
    std::printf("\nOFAC 50%% rule (%s): %s -> %s\n", ofac_lists.front().c_str(),
                Percent(ofac->share).c_str(), OfacOutcome(*ofac).c_str());
  }
  if (bis) {
    std::printf(
        "BIS Affiliates rule (BIS-EL/BIS-MEU owners): %s on %s "
        "(after 2026-11-09 configured %s); %s -> %s\n",
        rule_status.c_str(), date.c_str(),
        options->affiliates.after_suspension.c_str(),
        Percent(bis->share).c_str(),
        AffiliatesOutcome(*bis, rule_status).c_str());
  }
  std::string chain;
  for (const auto& c : parent->chain)
    chain += (chain.empty() ? "" : " -> ") + c;
  std::printf("Ultimate parent: %s %s, HQ %s%s\n",
              parent->ultimate_parent.c_str(),
              NameOf(g, parent->ultimate_parent).c_str(),
              hq.empty() ? "unknown" : hq.c_str(),
              hq.empty() ? ""
                         : (d5_or_macau ? " (D:5 or Macau: the worldwide "
                                          "headquarters test applies)"
                                        : " (not D:5 or Macau)"));
  std::printf(
      "  chain: %s%s%s\n", chain.c_str(),
      parent->ambiguous ? " (no single majority owner at some level)" : "",
      parent->cycle ? " (stopped at a cycle)" : "");
  for (const auto& u : gleif_ultimate) {
    std::printf("  GLEIF ultimate consolidating parent: %s %s\n", u.c_str(),
                NameOf(g, u).c_str());
  }
  return kExitOk;
}

// --- scan
// ----------------------------------------------------------------------

int RunScan(const Args& args) {
  auto options = ReadOptions(args);
  if (!options) return ReportError(options.error());
  const std::string format = args.GetOr("format", "csv");
  if (format != "csv" && format != "json") {
    return ReportError(
        Error(ErrorCode::kInvalidArgument,
              "--format expects csv or json, got '" + format + "'"));
  }
  auto loaded = LoadGraph(args);
  if (!loaded) return ReportError(loaded.error());
  const OwnershipGraph& g = loaded->graph;
  const auto results = g.ScanAll(options->lists, options->as_of);
  ordered_json rows = ordered_json::array();
  for (const ShareResult& r : results) {
    if (r.listed_directly || r.share < 25) continue;
    const Entity* e = g.FindEntity(r.entity);
    std::set<std::string> owners;
    for (const auto& p : r.paths) owners.insert(p.listed_owner);
    std::string top;
    if (!r.paths.empty()) {
      const auto& p = r.paths.front();
      for (std::size_t i = 0; i < p.entities.size(); ++i) {
        if (i > 0) top += " -" + Percent(p.percents[i - 1]) + "-> ";
        top += p.entities[i];
      }
    }
    rows.push_back({{"entity", r.entity},
                    {"name", e ? e->name : ""},
                    {"country", e ? e->country : ""},
                    {"hq_country", e ? e->hq_country : ""},
                    {"share", r.share},
                    {"outcome", r.share >= 50 ? "blocked" : "escalate"},
                    {"listed_owners",
                     std::vector<std::string>(owners.begin(), owners.end())},
                    {"path", top}});
  }
  std::string out;
  if (format == "json") {
    out = rows.dump(2) + "\n";
  } else {
    auto quote = [](const std::string& s) {
      if (s.find_first_of(",\"\n") == std::string::npos) return s;
      std::string q = "\"";
      for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
      return q + "\"";
    };
    out = "entity,name,country,hq_country,share,outcome,listed_owners,path\n";
    for (const auto& r : rows) {
      std::string owners;
      for (const auto& o : r["listed_owners"]) {
        owners += (owners.empty() ? "" : ";") + o.get<std::string>();
      }
      char share[32];
      std::snprintf(share, sizeof share, "%.4g", r["share"].get<double>());
      out += quote(r["entity"]) + "," + quote(r["name"]) + "," +
             quote(r["country"]) + "," + quote(r["hq_country"]) + "," + share +
             "," + r["outcome"].get<std::string>() + "," + quote(owners) + "," +
             quote(r["path"]) + "\n";
    }
  }
  if (auto file = args.Get("out")) {
    std::ofstream f(*file, std::ios::binary | std::ios::trunc);
    f << out;
    if (!f) {
      return ReportError(Error(ErrorCode::kIo, *file + ": cannot write"));
    }
  } else {
    std::fputs(out.c_str(), stdout);
  }
  std::fprintf(stderr,
               "scanned %zu entities: %zu at or above 50%%, %zu "
               "between 25%% and 50%% (as of %s)\n",
               g.entity_count(),
               static_cast<std::size_t>(std::count_if(
                   rows.begin(), rows.end(),
                   [](const auto& r) { return r["outcome"] == "blocked"; })),
               static_cast<std::size_t>(std::count_if(
                   rows.begin(), rows.end(),
                   [](const auto& r) { return r["outcome"] == "escalate"; })),
               options->as_of.c_str());
  return kExitOk;
}

// --- link --------------------------------------------------------------------

// Candidates from this score up to the threshold are reported for review,
// never applied.
constexpr double kReviewFloor = 0.70;

double Round2(double value) { return std::round(value * 100) / 100; }

std::string Score2(double score) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%.2f", score);
  return buffer;
}

// The matcher's explanation as provenance (compact JSON text).
std::string ExplanationText(const match::Hit& hit) {
  ordered_json j;
  if (hit.identifier_hit) {
    j["identifier"] = {{"type", hit.identifier_type},
                       {"value", hit.identifier_value}};
    return j.dump();
  }
  const match::Explanation& e = hit.explanation;
  j["name_score"] = Round2(e.name_score);
  j["aligned"] = ordered_json::array();
  for (const auto& a : e.aligned) {
    j["aligned"].push_back({{"query", a.query_token},
                            {"listed", a.listed_token},
                            {"how", a.how},
                            {"similarity", Round2(a.similarity)}});
  }
  j["unmatched_query"] = e.unmatched_query;
  j["unmatched_listed"] = e.unmatched_listed;
  j["adjustments"] = ordered_json::array();
  for (const auto& [reason, delta] : e.adjustments) {
    j["adjustments"].push_back({{"reason", reason}, {"delta", Round2(delta)}});
  }
  return j.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

int RunLink(const Args& args) {
  double threshold = match::kDefaultThreshold;
  if (auto text = args.Get("threshold")) {
    double value = 0;
    const auto [end, ec] =
        std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc() || end != text->data() + text->size() ||
        !(value > 0 && value <= 1)) {
      return ReportError(
          Error(ErrorCode::kInvalidArgument,
                "--threshold: '" + *text + "' is not a score in (0, 1]"));
    }
    threshold = value;
  }
  const std::vector<std::string> codes = SplitCodes(args.GetOr("lists", ""));
  const std::string path = DatabasePath(args);
  auto lists = store::ListStore::Open(path);
  if (!lists) return ReportError(lists.error());
  auto owned = store::OwnershipStore::Open(path);
  if (!owned) return ReportError(owned.error());
  auto data = (*owned)->Load();
  if (!data) return ReportError(data.error());
  match::MatcherOptions matcher_options;
  matcher_options.lists = codes;
  auto matcher = match::Matcher::Open(path, matcher_options);
  if (!matcher) return ReportError(matcher.error());

  // The listed party's dates, as `ownership import` takes them.
  auto party_dates = [&](const std::string& list, const std::string& id,
                         store::OwnershipLink& link) {
    auto party = (*lists)->FindParty(list + ":" + id);
    if (!party) return;
    const std::string from(party->party.Attribute("start_date"));
    const std::string to(party->party.Attribute("end_date"));
    if (ValidDate(from.substr(0, 10))) link.listed_from = from.substr(0, 10);
    if (ValidDate(to.substr(0, 10))) link.listed_to = to.substr(0, 10);
  };

  const std::string now = NowIso8601();
  std::vector<store::OwnershipLink> links;
  std::size_t screened = 0;
  for (const Entity& e : data->entities) {
    if (ownership::IsListedPartyId(e.id) || e.name.empty()) continue;
    ++screened;
    std::vector<match::Hit> hits;
    // An LEI in the id is an identifier: its hits are exact.
    if (e.id.starts_with("LEI:")) {
      hits = (*matcher)->ScreenIdentifier(e.id.substr(4));
    }
    match::NameQuery query;
    query.name = e.name;
    query.country = e.country;
    query.threshold = std::min(kReviewFloor, threshold);
    for (match::Hit& h : (*matcher)->ScreenName(query)) {
      hits.push_back(std::move(h));
    }
    for (const match::Hit& h : hits) {
      store::OwnershipLink link;
      link.entity_id = e.id;
      link.list = h.list;
      link.party_id = h.party_id;
      link.party_name = h.party_name;
      link.matched_name = h.identifier_hit
                              ? h.identifier_type + " " + h.identifier_value
                              : h.matched_name;
      link.score = h.identifier_hit ? 1.0 : std::clamp(h.score, 0.0, 1.0);
      link.method =
          h.identifier_hit ? "identifier:" + h.identifier_type : "name";
      link.explanation = ExplanationText(h);
      link.applied = h.identifier_hit || link.score >= threshold;
      link.threshold = threshold;
      link.list_version = h.version_id;
      party_dates(h.list, h.party_id, link);
      links.push_back(std::move(link));
    }
  }
  // Per entity the identifier hits come first, then name hits best first:
  // ReplaceLinks keeps the first link of a key, the best one.

  store::LinkReplaceOutcome outcome;
  const bool dry_run = args.Has("dry-run");
  if (!dry_run) {
    auto replaced = (*owned)->ReplaceLinks(codes, links, now);
    if (!replaced) return ReportError(replaced.error());
    outcome = *replaced;
  }

  std::size_t applied = 0;
  for (const auto& l : links) applied += l.applied;
  if (args.Has("json")) {
    ordered_json j;
    j["entities_screened"] = screened;
    j["threshold"] = threshold;
    j["review_floor"] = kReviewFloor;
    j["lists"] = codes;
    j["dry_run"] = dry_run;
    j["links"] = ordered_json::array();
    for (const auto& l : links) {
      j["links"].push_back(
          {{"entity", l.entity_id},
           {"party", l.list + ":" + l.party_id},
           {"party_name", l.party_name},
           {"matched", l.matched_name},
           {"score", Round2(l.score)},
           {"method", l.method},
           {"status", l.applied ? "applied" : "review"},
           {"listed_from", l.listed_from},
           {"listed_to", l.listed_to},
           {"explanation",
            ordered_json::parse(l.explanation, nullptr, false)}});
    }
    j["applied"] = applied;
    j["review"] = links.size() - applied;
    if (!dry_run) {
      j["stored"] = {{"added", outcome.added},
                     {"changed", outcome.changed},
                     {"unchanged", outcome.unchanged},
                     {"removed", outcome.removed}};
    }
    PrintJson(j);
    return kExitOk;
  }
  Table table({"ENTITY", "NAME", "PARTY", "LISTED NAME", "SCORE", "STATUS"});
  table.AlignRight(4);
  std::map<std::string, const Entity*> by_id;
  for (const Entity& e : data->entities) by_id[e.id] = &e;
  for (const auto& l : links) {
    table.AddRow({l.entity_id, by_id[l.entity_id]->name,
                  l.list + ":" + l.party_id, l.matched_name, Score2(l.score),
                  l.applied ? "applied" : "review"});
  }
  if (!links.empty()) std::fputs(table.Render().c_str(), stdout);
  std::printf(
      "%zu entities screened: %zu linked at or above %s, %zu for review "
      "(%.2f-%s, not applied)%s\n",
      screened, applied, Score2(threshold).c_str(), links.size() - applied,
      kReviewFloor, Score2(threshold).c_str(),
      dry_run ? "; dry run, nothing stored" : "");
  if (!dry_run) {
    std::printf(
        "stored: %lld added, %lld changed, %lld unchanged, %lld removed\n",
        static_cast<long long>(outcome.added),
        static_cast<long long>(outcome.changed),
        static_cast<long long>(outcome.unchanged),
        static_cast<long long>(outcome.removed));
  }
  return kExitOk;
}

}  // namespace

std::vector<Command> OwnershipCommands() {
  return {
      {{"ownership import",
        "[--db FILE] [--json] [--from-lists [--list CODE]...] [FILE...]",
        "Import ownership records (provider CSV/JSON, GLEIF, BODS, list links)",
        "FILE formats are detected from content: provider CSV (header\n"
        "owner,owned,percent,kind,source,valid_from,valid_to) or JSON\n"
        "({\"entities\":[...],\"holdings\":[...]}), GLEIF relationship (RR)\n"
        "or LEI XML, Open Ownership BODS JSON. Ids like OFAC-SDN:36 or\n"
        "BIS-EL:ID name listed parties and are checked against the list\n"
        "store. --from-lists imports the \"Owned or Controlled By\" links of\n"
        "the latest OFAC-SDN (or each --list CODE). Every file is read and\n"
        "checked first and all are stored in one transaction: a bad record\n"
        "(named by file and line) imports nothing. Re-importing a file\n"
        "already held is a no-op.",
        {kDbFlag,
         kJsonFlag,
         {"from-lists", "", "import the ownership links published in lists"},
         {"list", "CODE", "with --from-lists: list code (default OFAC-SDN)",
          true}},
        0,
        -1},
       RunImport},
      {{"ownership explain",
        "[--db FILE] [--as-of DATE] [--lists CODES] [--affiliates-after "
        "STATUS] [--json] ENTITY",
        "Owners of an entity down to listed parties, aggregate share, rules",
        "Shows the owners tree with percentages (which owners are listed and\n"
        "on which list), the aggregate share held by listed parties with the\n"
        "chain behind each contribution, the OFAC 50% rule outcome (blocked,\n"
        "escalate at 25-50%, control only, clear), the BIS Affiliates rule's\n"
        "status on DATE and its outcome for BIS-EL/BIS-MEU owners, and the\n"
        "ultimate parent with its headquarters country (D:5 or Macau?).",
        {kDbFlag, kAsOfFlag, kListsFlag, kAffiliatesFlag, kJsonFlag},
        1,
        1},
       RunExplain},
      {{"ownership scan",
        "[--db FILE] [--as-of DATE] [--lists CODES] [--format csv|json] "
        "[--out FILE]",
        "Every entity 50% or more owned by listed parties, and 25-50%",
        "Computes the aggregate listed share of every entity and writes\n"
        "those at or above 50% (outcome blocked) and between 25% and 50%\n"
        "(outcome escalate), excluding parties listed themselves. CSV\n"
        "columns: entity,name,country,hq_country,share,outcome,\n"
        "listed_owners,path.",
        {kDbFlag,
         kAsOfFlag,
         kListsFlag,
         {"format", "FORMAT", "csv (default) or json"},
         {"out", "FILE", "write to FILE instead of stdout"}},
        0,
        0},
       RunScan},
      {{"ownership link",
        "[--db FILE] [--threshold X] [--lists CODES] [--dry-run] [--json]",
        "Link provider entities to listed parties with the matcher",
        "Screens the name (and country) of every entity in the ownership\n"
        "records that is not itself a listed-party id against the lists\n"
        "held (or --lists CODES) and records each hit at or above the\n"
        "threshold (default 0.80; an LEI id matching a listed identifier is\n"
        "exact) as a listing of the entity, with the score and the matcher's\n"
        "explanation as provenance: `ownership explain` and `ownership scan`\n"
        "then count it. Hits from 0.70 up to the threshold are stored and\n"
        "shown as \"review\" and never applied. A run restates the links of\n"
        "the lists it screened (links no longer found are removed), so\n"
        "re-running is a no-op. --dry-run shows the links without storing.",
        {kDbFlag,
         {"threshold", "X", "score to link at (default 0.80)"},
         {"lists", "CODES",
          "comma-separated list codes to screen against (default every list "
          "held)"},
         {"dry-run", "", "show the links, store nothing"},
         kJsonFlag},
        0,
        0},
       RunLink},
  };
}

}  // namespace clearance::cli
