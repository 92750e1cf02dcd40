// `clearance lists update`: download the official files, then import them.
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "engine/cli/cli.h"
#include "engine/cli/import.h"
#include "engine/cli/output.h"
#include "engine/fetch/update.h"

namespace clearance::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

// A fresh folder for this update next to the database:
// <db dir>/clearance-downloads/<UTC time>.
std::string DefaultDownloadDir(const std::string& db_path) {
  std::string stamp = NowIso8601();
  for (char& c : stamp) {
    if (c == ':') c = '-';
  }
  fs::path base = fs::path(db_path).parent_path();
  if (base.empty()) base = ".";
  fs::path dir = base / "clearance-downloads" / stamp;
  for (int n = 2; fs::exists(dir); ++n) {
    dir = base / "clearance-downloads" / (stamp + "-" + std::to_string(n));
  }
  return dir.string();
}

int RunUpdate(const Args& args) {
  auto sources = fetch::LoadSources(args.Get("config"));
  if (!sources) return ReportError(sources.error());
  auto timeout = ParsePositive(args, "timeout", 1800);
  if (!timeout) return ReportError(timeout.error());
  auto attempts = ParsePositive(args, "attempts", 3);
  if (!attempts) return ReportError(attempts.error());

  const std::string db_path = DatabasePath(args);
  auto db = store::ListStore::Open(db_path);
  if (!db) return ReportError(db.error());

  fetch::DownloadOptions options;
  options.total_timeout = std::chrono::seconds(*timeout);
  options.max_attempts = *attempts;
  if (args.Has("no-proxy")) options.proxy = "";
  const std::string dir = args.GetOr("dir", DefaultDownloadDir(db_path));
  const bool json_out = args.Has("json");

  std::unique_ptr<Progress> bar;
  auto report = fetch::DownloadAll(
      *sources, dir, options, [&](const fetch::UpdateProgress& p) {
        using Stage = fetch::UpdateProgress::Stage;
        if (p.stage == Stage::kStarted) {
          bar = std::make_unique<Progress>("download " + p.source->name);
        } else if (p.stage == Stage::kReceiving && bar) {
          bar->Update(p.bytes_received, p.bytes_total);
        } else if (bar) {
          bar->Finish();
          if (!json_out) {
            std::fprintf(
                stderr, "%s %s\n",
                p.stage == Stage::kSucceeded ? "downloaded" : "FAILED    ",
                p.source->name.c_str());
          }
        }
      });
  if (!report) return ReportError(report.error());

  ordered_json downloads = ordered_json::array();
  for (const auto& outcome : report->outcomes) {
    ordered_json d{{"source", outcome.source.name},
                   {"url", outcome.source.url}};
    if (outcome.file) {
      d["ok"] = true;
      d["path"] = outcome.file->path;
      d["bytes"] = outcome.file->bytes;
      d["sha256"] = outcome.file->sha256;
      d["attempts"] = outcome.file->attempts;
      d["checksum_verified"] = !outcome.expected_sha256.empty();
    } else {
      d["ok"] = false;
      d["error"] = outcome.error ? outcome.error->message() : "unknown";
    }
    downloads.push_back(std::move(d));
  }
  const bool all_ok = report->AllSucceeded();
  const bool any_ok = !report->DownloadedPaths().empty();
  ordered_json result{{"download_dir", report->dest_dir},
                      {"downloads", downloads}};
  int exit_code = kExitOk;
  if (!all_ok && !args.Has("partial")) {
    result["imported"] = ordered_json::array();
    result["error"] =
        "some downloads failed; nothing imported (use --partial to import the "
        "rest)";
    exit_code = kExitNetwork;
  } else if (any_ok) {
    auto imported = ImportPaths(**db, {report->dest_dir}, json_out);
    if (!imported) {
      if (json_out) {
        result["error"] = imported.error().message();
        std::printf("%s\n", result.dump(2).c_str());
      }
      return ReportError(imported.error());
    }
    result["imported"] = *imported;
    if (!all_ok) exit_code = kExitNetwork;
  }
  if (json_out) {
    std::printf("%s\n", result.dump(2).c_str());
  } else {
    Table table({"SOURCE", "RESULT", "BYTES", "SHA256"});
    table.AlignRight(2);
    for (const auto& d : downloads) {
      table.AddRow(
          {d["source"],
           d["ok"].get<bool>() ? "downloaded"
                               : "FAILED: " + d["error"].get<std::string>(),
           d["ok"].get<bool>() ? WithThousands(d["bytes"].get<std::int64_t>())
                               : "",
           d["ok"].get<bool>() ? d["sha256"].get<std::string>().substr(0, 12)
                               : ""});
    }
    std::fputs(table.Render().c_str(), stdout);
    if (result.contains("imported")) {
      for (const auto& v : result["imported"]) {
        std::printf(
            "%s version %lld: %s\n", v["list"].get<std::string>().c_str(),
            static_cast<long long>(v["version"].get<std::int64_t>()),
            v["already_imported"].get<bool>() ? "already imported (no change)"
                                              : "imported");
      }
    }
    if (result.contains("error")) {
      std::fprintf(stderr, "clearance: error: %s\n",
                   result["error"].get<std::string>().c_str());
    }
  }
  return exit_code;
}

}  // namespace

std::vector<Command> UpdateCommands() {
  return {
      {{"lists update",
        "[--db FILE] [--config FILE] [--dir DIR] [--partial] [--timeout S] "
        "[--attempts N] [--json]",
        "Download the official list files and import them",
        "Downloads every enabled source (default: OFAC SDN advanced XML, OFAC\n"
        "non-SDN enhanced XML, trade.gov CSL, UN consolidated list; see\n"
        "docs/lists.md for the config file) into a fresh folder, verifying\n"
        "sizes and, where configured, checksums, with timeouts and retries.\n"
        "Only when every download succeeded are the files imported (each list\n"
        "atomically; unchanged files are no-ops). --partial imports what did\n"
        "download and still exits 5 if anything failed.",
        {{"db", "FILE",
          "database file (default $CLEARANCE_DB or ./clearance.db)"},
         {"config", "FILE", "JSON file adjusting the download sources"},
         {"dir", "DIR",
          "download folder (default: a new folder next to the database)"},
         {"partial", "",
          "import the files that did download even if others failed"},
         {"timeout", "S",
          "limit for one download attempt in seconds (default 1800)"},
         {"attempts", "N", "attempts per file (default 3)"},
         {"no-proxy", "", "ignore proxy environment variables"},
         {"json", "", "print JSON"}},
        0,
        0},
       RunUpdate},
  };
}

}  // namespace clearance::cli
