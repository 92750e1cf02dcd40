// `clearance screen accounts --in FILE.jsonl`: the batch audit compliance
// staff run over the whole customer base. Every account record (one JSON
// object per line, docs/records.md) is screened through the facade on a pool
// of threads and recorded in the audit trail (concurrent appends are group
// committed: one fsync for many decisions); one JSON line per input line
// comes out, in input order. docs/cli.md documents the output and exit codes.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "engine/cli/batch_io.h"
#include "engine/cli/cli.h"
#include "engine/cli/output.h"
#include "engine/common/strings.h"
#include "engine/screening/screening.h"

#ifndef CLEARANCE_SOURCE_DIR
#define CLEARANCE_SOURCE_DIR "."
#endif

namespace clearance::cli {
namespace {

using nlohmann::ordered_json;

constexpr std::string_view kOutcomes[] = {"DENY", "LICENSE_REQUIRED",
                                          "ESCALATE", "REPORT", "ALLOW"};

struct Line {
  long number = 0;  // 1-based line in the input
  std::string text;
};

// Non-blank lines of a JSON Lines document (a UTF-8 BOM and CR are dropped).
std::vector<Line> JsonLines(std::string_view content) {
  if (content.starts_with("\xEF\xBB\xBF")) content.remove_prefix(3);
  std::vector<Line> lines;
  long number = 0;
  for (size_t start = 0; start < content.size();) {
    size_t end = content.find('\n', start);
    if (end == std::string_view::npos) end = content.size();
    std::string_view text = content.substr(start, end - start);
    ++number;
    if (!TrimAscii(text).empty()) lines.push_back({number, std::string(text)});
    start = end + 1;
  }
  return lines;
}

// One output line: the decision's summary (or everything with --full).
ordered_json Summary(const screening::Decision& d, bool full) {
  if (full) {
    return ordered_json::parse(d.ToJson(), nullptr, false);
  }
  ordered_json fired = ordered_json::array();
  for (const screening::FiredRule& r : d.fired) {
    fired.push_back(
        {{"id", r.id}, {"outcome", r.outcome}, {"citation", r.citation}});
  }
  return {{"decision_id", d.decision_id},
          {"outcome", d.outcome},
          {"fired", std::move(fired)},
          {"evidence", d.evidence.size()}};
}

int RunScreenAccounts(const Args& args) {
  const auto in_path = args.Get("in");
  if (!in_path) {
    return ReportError(Error(ErrorCode::kInvalidArgument,
                             "screen accounts needs --in FILE (JSON Lines, "
                             "one account record per line; - for stdin)"));
  }
  const int cores =
      static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  auto threads = ParsePositive(args, "threads", cores, 1024);
  if (!threads) return ReportError(threads.error());
  const std::string as_of = args.GetOr("as-of", NowIso8601().substr(0, 10));
  const bool full = args.Has("full");

  auto content = ReadInput(*in_path);
  if (!content) return ReportError(content.error());
  const std::vector<Line> lines = JsonLines(*content);

  screening::ScreenerOptions options;
  options.db_path = DatabasePath(args);
  if (auto dir = args.Get("rules")) {
    options.rules_dir = *dir;
  } else if (const char* env = std::getenv("CLEARANCE_RULES"); env && *env) {
    options.rules_dir = env;
  } else {
    options.rules_dir = std::string(CLEARANCE_SOURCE_DIR) + "/rules";
  }
  options.geoip_path = args.GetOr("geoip", "");
  options.record_decisions = !args.Has("dry-run");
  const char* user = std::getenv("USER");
  options.actor =
      std::string("cli:") + (user != nullptr ? user : "unknown") + ":batch";
  options.now = [] { return NowIso8601(); };  // honours $CLEARANCE_NOW
  auto screener = screening::Screener::Open(options);
  if (!screener) return ReportError(screener.error());
  auto out = Output::Open(args.Get("out"));
  if (!out) return ReportError(out.error());

  // Screened in chunks by a pool of threads and written in input order
  // after each chunk; a database failure stops the run (what was decided
  // before it is recorded and written).
  const auto start = std::chrono::steady_clock::now();
  const size_t chunk =
      std::max<size_t>(256, static_cast<size_t>(*threads) * 32);
  std::map<std::string, long, std::less<>> by_outcome;
  long bad = 0;
  std::optional<Error> fatal;
  Progress progress("screen accounts");
  size_t done = 0;
  for (size_t begin = 0; begin < lines.size() && !fatal; begin += chunk) {
    const size_t end = std::min(lines.size(), begin + chunk);
    std::vector<std::string> results(end - begin);
    std::vector<std::string> outcomes(end - begin);
    std::atomic<size_t> next{begin};
    std::atomic<bool> stop{false};
    std::mutex fatal_mutex;
    auto work = [&] {
      for (size_t i; !stop && (i = next.fetch_add(1)) < end;) {
        const Line& line = lines[i];
        ordered_json j;
        j["line"] = line.number;
        const std::string origin =
            *in_path + " line " + std::to_string(line.number);
        auto account = screening::ParseAccountRecord(line.text, origin);
        if (!account) {
          j["error"] = account.error().message();
        } else {
          j["account_id"] = account->account_id;
          auto decision = (*screener)->Screen(*account, as_of);
          if (!decision) {
            const ErrorCode code = decision.error().code();
            if (code == ErrorCode::kInvalidArgument ||
                code == ErrorCode::kParse) {
              j["error"] = decision.error().message();
            } else {
              // The trail or the rules failed: not this record's fault.
              std::lock_guard lock(fatal_mutex);
              if (!fatal) fatal = decision.error().WithContext(origin);
              stop = true;
              continue;
            }
          } else {
            j.update(Summary(*decision, full));
            outcomes[i - begin] = decision->outcome;
          }
        }
        results[i - begin] =
            j.dump(-1, ' ', false, ordered_json::error_handler_t::replace) +
            "\n";
      }
    };
    std::vector<std::jthread> pool;
    for (int t = 1; t < *threads && static_cast<size_t>(t) < end - begin; ++t) {
      pool.emplace_back(work);
    }
    work();
    pool.clear();  // joins
    for (size_t k = 0; k < results.size(); ++k) {
      if (results[k].empty()) continue;  // not reached after a failure
      (*out)->Write(results[k]);
      if (outcomes[k].empty()) {
        ++bad;
      } else {
        ++by_outcome[outcomes[k]];
      }
      ++done;
    }
    progress.Update(static_cast<std::int64_t>(end),
                    static_cast<std::int64_t>(lines.size()));
  }
  progress.Finish();
  if (auto committed = (*out)->Commit(); !committed) {
    return ReportError(committed.error());
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();

  Table table({"outcome", "accounts"});
  table.AlignRight(1);
  long held = 0;
  for (std::string_view outcome : kOutcomes) {
    auto it = by_outcome.find(outcome);
    const long n = it == by_outcome.end() ? 0 : it->second;
    if (outcome != "ALLOW" && outcome != "REPORT") held += n;
    table.AddRow({std::string(outcome), WithThousands(n)});
  }
  table.AddRow({"bad record (nothing stored)", WithThousands(bad)});
  std::fprintf(stderr, "%s", table.Render().c_str());
  std::fprintf(
      stderr,
      "screened %s of %s records as of %s in %.2f s (%s accounts/s, %d "
      "thread(s))%s\n",
      WithThousands(static_cast<std::int64_t>(done)).c_str(),
      WithThousands(static_cast<std::int64_t>(lines.size())).c_str(),
      as_of.c_str(), seconds,
      WithThousands(static_cast<std::int64_t>(
                        seconds > 0 ? static_cast<double>(done) / seconds : 0))
          .c_str(),
      *threads,
      options.record_decisions ? "; decisions recorded in the audit trail"
                               : "; --dry-run: nothing recorded");
  if (fatal) return ReportError(*fatal);
  if (bad > 0) return kExitInput;
  return held > 0 ? kExitHits : kExitOk;
}

}  // namespace

std::vector<Command> BatchScreenCommands() {
  return {
      {{"screen accounts",
        "--in FILE.jsonl [--out FILE] [--threads N] [--as-of DATE] "
        "[--full] [--dry-run] [--db FILE] [--rules DIR] [--geoip FILE]",
        "Batch-screen account records (JSON Lines) on all cores; every "
        "decision recorded",
        "Reads one account record per line (docs/records.md, schema "
        "docs/schemas/account.schema.json; blank lines are skipped) and\n"
        "screens each as `screen account` does, on --threads worker threads, "
        "recording every decision\nin the audit trail (concurrent decisions "
        "are committed together: one fsync for many).\n\n"
        "Writes one JSON line per record, in input order, to --out FILE "
        "(written to FILE.partial and\nrenamed when done) or stdout:\n"
        "  {\"line\":N,\"account_id\":...,\"decision_id\":\"D-000042\","
        "\"outcome\":\"DENY\",\n   \"fired\":[{\"id\":...,\"outcome\":...,"
        "\"citation\":...}],\"evidence\":3}\n"
        "or, for a malformed record, {\"line\":N,\"error\":\"line N: "
        "people[2].dob: expected YYYY or YYYY-MM-DD\"}\n"
        "(nothing is stored for it). --full writes each whole decision "
        "instead of the summary.\nA table of outcomes goes to stderr; a "
        "progress bar too, on a terminal.\n\n"
        "Exit codes: 0 every record screened, all ALLOW or REPORT; 10 at "
        "least one decision held\n(DENY, LICENSE_REQUIRED or ESCALATE); 3 at "
        "least one malformed record (the others were\nscreened and written); "
        "4 the audit trail failed (the run stops; decisions before it are\n"
        "recorded and written); 2 bad command line.",
        {{"in", "FILE",
          "account records, one JSON object per line (- = stdin)"},
         {"out", "FILE", "write JSON Lines here (default stdout)"},
         {"threads", "N", "worker threads (default: all cores)"},
         {"as-of", "DATE", "decision date YYYY-MM-DD (default: today, UTC)"},
         {"full", "", "write whole decisions, not summaries"},
         {"dry-run", "", "decide but record nothing in the audit trail"},
         {"db", "FILE",
          "database file (default $CLEARANCE_DB or ./clearance.db)"},
         {"rules", "DIR",
          "rule set (default $CLEARANCE_RULES or the built-in rules/)"},
         {"geoip", "FILE",
          "IP geolocation database (MMDB, or legacy .dat; default: "
          "/usr/share/GeoIP; off = none)"}},
        0,
        0},
       RunScreenAccounts},
  };
}

}  // namespace clearance::cli
