// `clearance lists ...`: import, status, diff, show, prune (update lives in
// lists_update.cc).
#include <cstdio>
#include <nlohmann/json.hpp>

#include "engine/cli/cli.h"
#include "engine/cli/import.h"
#include "engine/cli/output.h"
#include "engine/cli/render.h"
#include "engine/lists/lists.h"
#include "engine/store/list_store.h"

namespace clearance::cli {
namespace {

using nlohmann::ordered_json;

const FlagSpec kDbFlag{
    "db", "FILE", "database file (default $CLEARANCE_DB or ./clearance.db)"};
const FlagSpec kJsonFlag{"json", "", "print JSON instead of a table"};

void PrintJson(const ordered_json& j) {
  std::printf("%s\n", j.dump(2).c_str());
}

}  // namespace

// Parses every source first and imports only if all of them parse, so a
// bad file among good ones changes nothing. Each source is then stored in
// its own transaction.
Result<ordered_json> ImportPaths(store::ListStore& db,
                                 const std::vector<std::string>& paths,
                                 bool quiet) {
  auto specs = lists::PlanSources(paths);
  if (!specs) return std::unexpected(specs.error());
  if (specs->empty()) {
    return Fail(ErrorCode::kNotFound, "no list files found in the given paths");
  }
  std::vector<lists::ParsedSource> parsed;
  for (const auto& spec : *specs) {
    Progress progress("parse " + std::string(lists::FormatName(spec.format)));
    lists::ParseOptions options;
    options.progress = [&](std::int64_t done, std::int64_t total) {
      progress.Update(done, total);
    };
    auto source = lists::ParseSource(spec, options);
    progress.Finish();
    if (!source) return std::unexpected(source.error());
    parsed.push_back(*std::move(source));
  }
  ordered_json report = ordered_json::array();
  const std::string now = NowIso8601();
  for (const auto& source : parsed) {
    auto outcome = db.Import(source, now);
    if (!outcome) return std::unexpected(outcome.error());
    for (const auto& warning : source.warnings) {
      if (!quiet)
        std::fprintf(stderr, "clearance: warning: %s\n", warning.c_str());
    }
    for (const auto& version : outcome->versions) {
      ordered_json entry = VersionToJson(version);
      entry["already_imported"] = outcome->already_imported;
      entry["warnings"] = source.warnings.size();
      report.push_back(std::move(entry));
    }
  }
  return report;
}

namespace {

int RunImport(const Args& args) {
  auto db = store::ListStore::Open(DatabasePath(args));
  if (!db) return ReportError(db.error());
  auto report = ImportPaths(**db, args.positionals(), args.Has("json"));
  if (!report) return ReportError(report.error());
  if (args.Has("json")) {
    PrintJson(*report);
    return kExitOk;
  }
  Table table({"LIST", "VERSION", "PUBLISHED", "PARTIES", "RESULT", "SOURCE"});
  table.AlignRight(1);
  table.AlignRight(3);
  for (const auto& v : *report) {
    table.AddRow({v["list"], std::to_string(v["version"].get<long>()),
                  v["published"].get<std::string>().empty()
                      ? "-"
                      : v["published"].get<std::string>(),
                  WithThousands(v["counts"]["parties"].get<long>()),
                  v["already_imported"].get<bool>()
                      ? "already imported (no change)"
                      : "imported",
                  v["source"]});
  }
  std::fputs(table.Render().c_str(), stdout);
  return kExitOk;
}

int RunStatus(const Args& args) {
  auto db = store::ListStore::Open(DatabasePath(args));
  if (!db) return ReportError(db.error());
  auto versions = (*db)->Versions();
  if (!versions) return ReportError(versions.error());
  if (args.Has("json")) {
    ordered_json out = ordered_json::array();
    for (const auto& v : *versions) out.push_back(VersionToJson(v));
    PrintJson(out);
    return kExitOk;
  }
  if (versions->empty()) {
    std::printf(
        "No lists imported yet in %s. Run 'clearance lists import PATH'.\n",
        (*db)->path().c_str());
    return kExitOk;
  }
  Table table({"LIST", "VER", "PUBLISHED", "IMPORTED", "FORMAT", "SHA256",
               "PARTIES", "NAMES", "ADDRESSES", "IDS", "RELATIONS"});
  for (size_t c : {1, 6, 7, 8, 9, 10}) table.AlignRight(c);
  for (const auto& v : *versions) {
    table.AddRow(
        {v.code + (v.latest ? "" : " (old)"), std::to_string(v.id),
         v.published.empty() ? "-" : v.published, v.imported_at, v.format,
         v.sha256.substr(0, 12), WithThousands(v.counts.parties),
         WithThousands(v.counts.names), WithThousands(v.counts.addresses),
         WithThousands(v.counts.identifiers),
         WithThousands(v.counts.relationships)});
  }
  std::fputs(table.Render().c_str(), stdout);
  return kExitOk;
}

int RunDiff(const Args& args) {
  auto db = store::ListStore::Open(DatabasePath(args));
  if (!db) return ReportError(db.error());
  const std::string code = args.GetOr("list", "");
  auto from = (*db)->ResolveVersion(code, args.GetOr("from", ""));
  if (!from) return ReportError(from.error());
  auto to = (*db)->ResolveVersion(code, args.GetOr("to", "latest"));
  if (!to) return ReportError(to.error());
  auto old_list = (*db)->LoadList(from->id);
  if (!old_list) return ReportError(old_list.error());
  auto new_list = (*db)->LoadList(to->id);
  if (!new_list) return ReportError(new_list.error());
  const lists::ListDiff diff = lists::DiffLists(*old_list, *new_list);
  if (args.Has("json")) {
    ordered_json j = DiffToJson(diff);
    j["list"] = code;
    j["from"] = VersionToJson(*from);
    j["to"] = VersionToJson(*to);
    PrintJson(j);
    return kExitOk;
  }
  std::printf("%s: version %lld (%s) -> version %lld (%s)\n", code.c_str(),
              static_cast<long long>(from->id), from->published.c_str(),
              static_cast<long long>(to->id), to->published.c_str());
  std::printf("  %zu added, %zu removed, %zu changed\n", diff.added.size(),
              diff.removed.size(), diff.changed.size());
  const size_t limit = args.Has("all") ? SIZE_MAX : 50;
  auto print_refs = [&](const char* title,
                        const std::vector<lists::PartyRef>& refs) {
    if (refs.empty()) return;
    std::printf("\n%s\n", title);
    Table t({"PARTY", "TYPE", "NAME"});
    for (size_t i = 0; i < refs.size() && i < limit; ++i) {
      t.AddRow({code + ":" + refs[i].source_id,
                std::string(lists::PartyTypeName(refs[i].type)), refs[i].name});
    }
    std::fputs(t.Render().c_str(), stdout);
    if (refs.size() > limit)
      std::printf("  ... %zu more (use --all)\n", refs.size() - limit);
  };
  print_refs("Added", diff.added);
  print_refs("Removed", diff.removed);
  if (!diff.changed.empty()) {
    std::printf("\nChanged\n");
    for (size_t i = 0; i < diff.changed.size() && i < limit; ++i) {
      const auto& c = diff.changed[i];
      std::printf("  %s:%s  %s\n", code.c_str(), c.source_id.c_str(),
                  c.name.c_str());
      for (const auto& f : c.changes) {
        for (const auto& v : f.removed)
          std::printf("    - %s: %s\n", f.field.c_str(), v.c_str());
        for (const auto& v : f.added)
          std::printf("    + %s: %s\n", f.field.c_str(), v.c_str());
      }
    }
    if (diff.changed.size() > limit) {
      std::printf("  ... %zu more (use --all)\n", diff.changed.size() - limit);
    }
  }
  return kExitOk;
}

int RunShow(const Args& args) {
  auto db = store::ListStore::Open(DatabasePath(args));
  if (!db) return ReportError(db.error());
  std::optional<std::int64_t> version;
  if (auto v = args.Get("version")) {
    try {
      version = std::stoll(*v);
    } catch (...) {
      return ReportError(
          Error(ErrorCode::kInvalidArgument,
                "--version expects a version number, got '" + *v + "'"));
    }
  }
  auto party = (*db)->FindParty(args.positionals()[0], version);
  if (!party) return ReportError(party.error());
  if (args.Has("json")) {
    ordered_json j;
    j["list"] = VersionToJson(party->version);
    j["party"] = PartyToJson(party->party);
    PrintJson(j);
    return kExitOk;
  }
  std::fputs(PartyToText(*party).c_str(), stdout);
  return kExitOk;
}

int RunPrune(const Args& args) {
  auto db = store::ListStore::Open(DatabasePath(args));
  if (!db) return ReportError(db.error());
  const std::string before = args.GetOr("before", NowIso8601());
  auto outcome = (*db)->Prune(before, args.Has("dry-run"));
  if (!outcome) return ReportError(outcome.error());
  if (args.Has("json")) {
    ordered_json out = ordered_json::array();
    for (const auto& v : outcome->removed) out.push_back(VersionToJson(v));
    PrintJson(out);
    return kExitOk;
  }
  std::printf("%s %zu old version(s)%s\n",
              args.Has("dry-run") ? "Would remove" : "Removed",
              outcome->removed.size(), outcome->removed.empty() ? "" : ":");
  for (const auto& v : outcome->removed) {
    std::printf("  %s version %lld (published %s, imported %s)\n",
                v.code.c_str(), static_cast<long long>(v.id),
                v.published.c_str(), v.imported_at.c_str());
  }
  return kExitOk;
}

}  // namespace

std::vector<Command> UpdateCommands();

std::vector<Command> ListsCommands() {
  std::vector<Command> commands = {
      {{"lists import",
        "[--db FILE] [--json] PATH...",
        "Import restricted-party list files (format detected from content)",
        "PATH may be a file (also .bz2/.gz/.zip) or a folder, which is "
        "searched\n"
        "recursively; an OFAC legacy CSV set (sdn.csv with add/alt/comments) "
        "is\n"
        "imported as one source. Every source is parsed before anything is\n"
        "stored: if any file is malformed, nothing is imported. Re-importing "
        "a\n"
        "file already held is a no-op that says so.",
        {kDbFlag, kJsonFlag},
        1,
        -1},
       RunImport},
      {{"lists status",
        "[--db FILE] [--json]",
        "Every list version held, with provenance and counts",
        "Shows source, publisher's date, import time, format, sha256 and the\n"
        "counts of parties, names, addresses, identifiers and relationships.",
        {kDbFlag, kJsonFlag},
        0,
        0},
       RunStatus},
      {{"lists diff",
        "[--db FILE] --list NAME --from VERSION [--to VERSION] [--json] "
        "[--all]",
        "Parties added, removed and changed between two versions of a list",
        "VERSION is a version number, a publisher's date (YYYY-MM-DD), an\n"
        "sha256 prefix, or 'latest' (the default for --to).",
        {kDbFlag,
         {"list", "NAME", "list code, e.g. OFAC-SDN"},
         {"from", "VERSION", "older version"},
         {"to", "VERSION", "newer version (default latest)"},
         kJsonFlag,
         {"all", "", "list every change (default: first 50 of each kind)"}},
        0,
        0},
       [](const Args& args) {
         if (!args.Has("list") || !args.Has("from")) {
           std::fprintf(
               stderr,
               "clearance: error: lists diff needs --list and --from\n");
           return kExitUsage;
         }
         return RunDiff(args);
       }},
      {{"lists show",
        "[--db FILE] [--version N] [--json] PARTY_ID",
        "Everything known about one listed party",
        "PARTY_ID is LIST:ID (e.g. OFAC-SDN:36) or a bare ID when it is "
        "unique\n"
        "among the latest versions. All names in every script, addresses,\n"
        "identifiers, programs, dates and relationships are shown.",
        {kDbFlag,
         {"version", "N", "look in this version instead of the latest"},
         kJsonFlag},
        1,
        1},
       RunShow},
      {{"lists prune",
        "[--db FILE] [--before TIME] [--dry-run] [--json]",
        "Remove old list versions (the latest of each list is always kept)",
        "Versions imported before TIME (ISO 8601; default now) that are not "
        "the\n"
        "latest of their list are deleted. Keep versions as long as decisions\n"
        "made under them must be replayable (see docs/lists.md).",
        {kDbFlag,
         {"before", "TIME", "imported before this time"},
         {"dry-run", "", "show what would be removed"},
         kJsonFlag},
        0,
        0},
       RunPrune},
  };
  for (auto& c : UpdateCommands()) commands.push_back(std::move(c));
  return commands;
}

}  // namespace clearance::cli
