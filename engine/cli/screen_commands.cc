// `clearance screen ...` (name, id, names) and `clearance match pairs`:
// screening names and identifiers against the imported lists, batch
// screening of a spreadsheet of names, and scoring arbitrary name pairs.
// JSON shapes and exit codes are documented in docs/cli.md.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "engine/cli/batch_io.h"
#include "engine/cli/cli.h"
#include "engine/cli/output.h"
#include "engine/common/strings.h"
#include "engine/lists/model.h"
#include "engine/match/identifiers.h"
#include "engine/match/matcher.h"
#include "engine/reference/reference.h"

namespace clearance::cli {
namespace {

using nlohmann::ordered_json;

const FlagSpec kDbFlag{
    "db", "FILE", "database file (default $CLEARANCE_DB or ./clearance.db)"};
const FlagSpec kJsonFlag{"json", "", "print JSON instead of a table"};
const FlagSpec kThresholdFlag{
    "threshold", "X", "report hits scoring at least X (0..1, default 0.80)"};
const FlagSpec kLimitFlag{"limit", "N", "at most N hits per name (default 10)"};
const FlagSpec kListsFlag{"lists", "CODE,...",
                          "screen only these lists (default: every list held)"};

// Names from users and lists may hold invalid UTF-8: never let dump() throw.
std::string Dump(const ordered_json& j, int indent = -1) {
  return j.dump(indent, ' ', false, ordered_json::error_handler_t::replace);
}

double Rounded(double x) { return std::round(x * 10000.0) / 10000.0; }

std::string Fixed(double x, int digits) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, x);
  return buffer;
}

std::string Signed(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%+.2f", x);
  return buffer;
}

std::string Trim(std::string_view s) { return std::string(TrimAscii(s)); }

std::vector<std::string> SplitCommas(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    if (std::string t = Trim(item); !t.empty()) out.push_back(std::move(t));
  }
  return out;
}

// --- Option parsing ---------------------------------------------------------

Result<double> ParseThreshold(const Args& args) {
  const auto text = args.Get("threshold");
  if (!text) return match::kDefaultThreshold;
  char* end = nullptr;
  const double value = std::strtod(text->c_str(), &end);
  if (text->empty() || *end != '\0' || !(value >= 0.0 && value <= 1.0)) {
    return Fail(
        ErrorCode::kInvalidArgument,
        "--threshold expects a number from 0 to 1, got '" + *text + "'");
  }
  return value;
}

// "person" / "entity" / "vessel" / "aircraft" (and the synonyms
// lists::ParsePartyType accepts, plus FollowTheMoney schema names).
lists::PartyType TypeFromText(const std::string& text) {
  const std::string t = AsciiLower(Trim(text));
  if (t == "legalentity" || t == "legal entity" || t == "business" ||
      t == "org") {
    return lists::PartyType::kEntity;
  }
  if (t == "airplane" || t == "plane") return lists::PartyType::kAircraft;
  if (t == "ship") return lists::PartyType::kVessel;
  return lists::ParsePartyType(t);
}

bool IsDate(const std::string& dob) {
  auto digits = [&](size_t from, size_t n) {
    for (size_t i = from; i < from + n; ++i) {
      if (dob[i] < '0' || dob[i] > '9') return false;
    }
    return true;
  };
  if (dob.size() == 4) return digits(0, 4);
  if (dob.size() == 7) return digits(0, 4) && dob[4] == '-' && digits(5, 2);
  if (dob.size() == 10) {
    return digits(0, 4) && dob[4] == '-' && digits(5, 2) && dob[7] == '-' &&
           digits(8, 2);
  }
  return false;
}

// Fills the secondary fields of `query` from free text; returns what could
// not be used (empty when all was fine).
std::string FillSecondary(const std::string& type, const std::string& country,
                          const std::string& dob, match::NameQuery& query) {
  std::string problems;
  auto add = [&](const std::string& p) {
    problems += (problems.empty() ? "" : "; ") + p;
  };
  if (!Trim(type).empty()) {
    query.type = TypeFromText(type);
    if (query.type == lists::PartyType::kUnknown) {
      add("unknown type '" + Trim(type) +
          "' (person, entity, vessel or aircraft): ignored");
    }
  }
  if (!Trim(country).empty()) {
    query.country = reference::CountryCodeFor(Trim(country));
    if (query.country.empty())
      add("unknown country '" + Trim(country) + "': ignored");
  }
  if (!Trim(dob).empty()) {
    const std::string d = Trim(dob);
    if (IsDate(d)) {
      query.dob = d;
    } else {
      add("date of birth '" + d +
          "' is not YYYY, YYYY-MM or YYYY-MM-DD: ignored");
    }
  }
  return problems;
}

// --- Opening the matcher ----------------------------------------------------

Result<std::unique_ptr<match::Matcher>> OpenMatcher(const Args& args) {
  const std::string db = DatabasePath(args);
  std::error_code ec;
  if (!std::filesystem::exists(db, ec)) {
    return Fail(ErrorCode::kNotFound,
                "no database at " + db +
                    " (import lists first: clearance lists import --db " + db +
                    " PATH)");
  }
  match::MatcherOptions options;
  if (auto codes = args.Get("lists")) options.lists = SplitCommas(*codes);
  auto matcher = match::Matcher::Open(db, options);
  if (!matcher) return std::unexpected(matcher.error());
  // Screening against nothing would report "no hit" for everyone.
  if ((*matcher)->version_ids().empty()) {
    return Fail(
        ErrorCode::kFailedPrecondition,
        db + " holds no lists to screen against (clearance lists import --db " +
            db + " PATH)");
  }
  return matcher;
}

// --- Rendering hits ---------------------------------------------------------

ordered_json ExplanationToJson(const match::Explanation& e) {
  ordered_json j;
  j["name_score"] = Rounded(e.name_score);
  j["aligned"] = ordered_json::array();
  for (const auto& a : e.aligned) {
    j["aligned"].push_back({{"query", a.query_token},
                            {"listed", a.listed_token},
                            {"how", a.how},
                            {"similarity", Rounded(a.similarity)},
                            {"weight", Rounded(a.weight)}});
  }
  j["unmatched_query"] = e.unmatched_query;
  j["unmatched_listed"] = e.unmatched_listed;
  j["adjustments"] = ordered_json::array();
  for (const auto& [reason, delta] : e.adjustments) {
    j["adjustments"].push_back({{"reason", reason}, {"delta", Rounded(delta)}});
  }
  return j;
}

ordered_json HitToJson(const match::Hit& hit) {
  ordered_json j;
  j["list"] = hit.list;
  j["version"] = hit.version_id;
  j["party_id"] = hit.party_id;
  j["party"] = hit.list + ":" + hit.party_id;
  j["party_name"] = hit.party_name;
  j["party_type"] = lists::PartyTypeName(hit.party_type);
  j["score"] = Rounded(hit.score);
  j["matched_name"] = hit.matched_name;
  j["matched_script"] = hit.matched_script;
  j["strength"] = lists::AliasStrengthName(hit.matched_strength);
  j["identifier_hit"] = hit.identifier_hit;
  if (hit.identifier_hit) {
    j["identifier"] = {{"type", hit.identifier_type},
                       {"value", hit.identifier_value}};
  } else {
    j["explanation"] = ExplanationToJson(hit.explanation);
  }
  j["programs"] = hit.programs;
  return j;
}

ordered_json HitsToJson(const std::vector<match::Hit>& hits) {
  ordered_json out = ordered_json::array();
  for (const auto& h : hits) out.push_back(HitToJson(h));
  return out;
}

// One line a person can read: "zhipu~Zhipu (exact, 1.00), ai~AI (exact, 1.00)".
std::string AlignedText(const match::Explanation& e) {
  std::string out;
  for (const auto& a : e.aligned) {
    if (!out.empty()) out += ", ";
    out += a.query_token + "~" + a.listed_token + " (" + a.how + ", " +
           Fixed(a.similarity, 2) + ")";
  }
  return out.empty() ? "-" : out;
}

std::string JoinList(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : " ") + s;
  return out;
}

void PrintHitsText(const std::vector<match::Hit>& hits) {
  Table table({"#", "SCORE", "PARTY", "TYPE", "MATCHED NAME", "STRENGTH",
               "PRIMARY NAME"});
  table.AlignRight(0);
  table.AlignRight(1);
  for (size_t i = 0; i < hits.size(); ++i) {
    const auto& h = hits[i];
    std::string matched = h.identifier_hit
                              ? h.identifier_type + " " + h.identifier_value
                              : h.matched_name;
    if (!h.identifier_hit && !h.matched_script.empty() &&
        h.matched_script != "Latn") {
      matched += " [" + h.matched_script + "]";
    }
    table.AddRow(
        {std::to_string(i + 1), Fixed(h.score, 3), h.list + ":" + h.party_id,
         std::string(lists::PartyTypeName(h.party_type)), matched,
         h.identifier_hit
             ? "identifier"
             : std::string(lists::AliasStrengthName(h.matched_strength)),
         h.party_name});
  }
  std::fputs(table.Render().c_str(), stdout);
  bool header = false;
  for (size_t i = 0; i < hits.size(); ++i) {
    const auto& h = hits[i];
    if (h.identifier_hit) continue;
    if (!header) {
      std::printf("\nWhy:\n");
      header = true;
    }
    const auto& e = h.explanation;
    std::printf("  %zu. name score %s: %s\n", i + 1,
                Fixed(e.name_score, 3).c_str(), AlignedText(e).c_str());
    if (!e.unmatched_query.empty()) {
      std::printf("     unmatched in query: %s\n",
                  JoinList(e.unmatched_query).c_str());
    }
    if (!e.unmatched_listed.empty()) {
      std::printf("     unmatched in listed name: %s\n",
                  JoinList(e.unmatched_listed).c_str());
    }
    for (const auto& [reason, delta] : e.adjustments) {
      std::printf("     %s %s\n", Signed(delta).c_str(), reason.c_str());
    }
    if (!e.adjustments.empty()) {
      std::printf("     = %s\n", Fixed(h.score, 3).c_str());
    }
  }
}

ordered_json IndexToJson(const match::Matcher& matcher) {
  ordered_json j;
  j["names"] = matcher.name_count();
  j["parties"] = matcher.party_count();
  j["versions"] = matcher.version_ids();
  return j;
}

std::string IndexText(const match::Matcher& matcher) {
  return WithThousands(static_cast<std::int64_t>(matcher.party_count())) +
         " parties, " +
         WithThousands(static_cast<std::int64_t>(matcher.name_count())) +
         " names in " + std::to_string(matcher.version_ids().size()) +
         " list version(s)";
}

// --- screen name ------------------------------------------------------------

int RunScreenName(const Args& args) {
  auto threshold = ParseThreshold(args);
  if (!threshold) return ReportError(threshold.error());
  auto limit = ParsePositive(args, "limit", 10);
  if (!limit) return ReportError(limit.error());
  match::NameQuery query;
  query.name = args.positionals()[0];
  query.threshold = *threshold;
  query.limit = *limit;
  if (auto type = args.Get("type")) {
    query.type = TypeFromText(*type);
    if (query.type == lists::PartyType::kUnknown) {
      return ReportError(
          Error(ErrorCode::kInvalidArgument,
                "--type expects person, entity, vessel or aircraft, got '" +
                    *type + "'"));
    }
  }
  if (auto country = args.Get("country")) {
    query.country = reference::CountryCodeFor(*country);
    if (query.country.empty()) {
      return ReportError(
          Error(ErrorCode::kInvalidArgument,
                "--country expects an ISO country code or name, got '" +
                    *country + "'"));
    }
  }
  if (auto dob = args.Get("dob")) {
    if (!IsDate(*dob)) {
      return ReportError(Error(
          ErrorCode::kInvalidArgument,
          "--dob expects YYYY, YYYY-MM or YYYY-MM-DD, got '" + *dob + "'"));
    }
    query.dob = *dob;
  }
  if (Trim(query.name).empty()) {
    return ReportError(
        Error(ErrorCode::kInvalidArgument, "the name to screen is empty"));
  }
  auto matcher = OpenMatcher(args);
  if (!matcher) return ReportError(matcher.error());
  const std::vector<match::Hit> hits = (*matcher)->ScreenName(query);
  const int code = hits.empty() ? kExitOk : kExitHits;
  if (args.Has("json")) {
    ordered_json j;
    j["query"] = {{"name", query.name},
                  {"type", lists::PartyTypeName(query.type)},
                  {"country", query.country},
                  {"dob", query.dob},
                  {"threshold", query.threshold},
                  {"limit", query.limit}};
    j["index"] = IndexToJson(**matcher);
    j["hits"] = HitsToJson(hits);
    std::printf("%s\n", Dump(j, 2).c_str());
    return code;
  }
  if (hits.empty()) {
    std::printf("No hit at or above %s for \"%s\" (%s).\n",
                Fixed(query.threshold, 2).c_str(), query.name.c_str(),
                IndexText(**matcher).c_str());
    return code;
  }
  std::printf("%zu hit(s) at or above %s for \"%s\" (%s):\n\n", hits.size(),
              Fixed(query.threshold, 2).c_str(), query.name.c_str(),
              IndexText(**matcher).c_str());
  PrintHitsText(hits);
  return code;
}

// --- screen id --------------------------------------------------------------

int RunScreenId(const Args& args) {
  const std::string value = args.positionals()[0];
  if (Trim(value).empty()) {
    return ReportError(Error(ErrorCode::kInvalidArgument,
                             "the identifier to screen is empty"));
  }
  const match::IdentifierGuess guess = match::RecognizeIdentifier(value);
  auto matcher = OpenMatcher(args);
  if (!matcher) return ReportError(matcher.error());
  const std::vector<match::Hit> hits = (*matcher)->ScreenIdentifier(value);
  const int code = hits.empty() ? kExitOk : kExitHits;
  if (args.Has("json")) {
    ordered_json j;
    j["query"] = value;
    j["recognized"] = {{"type", guess.type},
                       {"chains", guess.chains},
                       {"canonical", guess.canonical},
                       {"checksum_valid", guess.checksum_valid},
                       {"note", guess.note}};
    j["index"] = IndexToJson(**matcher);
    j["hits"] = HitsToJson(hits);
    std::printf("%s\n", Dump(j, 2).c_str());
    return code;
  }
  std::printf("identifier: %s\n", value.c_str());
  std::printf("  type:      %s\n", guess.type.c_str());
  if (!guess.chains.empty()) {
    std::printf("  chain(s):  %s\n", JoinList(guess.chains).c_str());
  }
  std::printf("  canonical: %s\n", guess.canonical.c_str());
  std::printf("  checksum:  %s\n",
              guess.checksum_valid ? "valid" : "not verified");
  if (!guess.note.empty()) std::printf("  note:      %s\n", guess.note.c_str());
  std::printf("\n");
  if (hits.empty()) {
    std::printf("No listed party holds this identifier (%s).\n",
                IndexText(**matcher).c_str());
    return code;
  }
  std::printf("%zu exact hit(s):\n\n", hits.size());
  PrintHitsText(hits);
  return code;
}

// --- CSV input for screen names / match pairs -------------------------------

struct InputRow {
  long line = 0;  // 1-based line where the record starts
  std::vector<std::string> fields;
  std::string error;  // non-empty: the record is malformed
};

// Splits `content` into RFC 4180 records. A malformed record (a quote inside
// an unquoted field, text after a closing quote, an unterminated quote)
// becomes a row with `error` set, and reading resumes on the next line, so
// one bad row never stops a batch.
std::vector<InputRow> ReadCsv(std::string_view content) {
  if (content.starts_with("\xEF\xBB\xBF")) content.remove_prefix(3);
  std::vector<InputRow> rows;
  size_t i = 0;
  long line = 1;
  const size_t n = content.size();
  auto skip_to_next_line = [&] {
    while (i < n && content[i] != '\n') ++i;
    if (i < n) {
      ++i;
      ++line;
    }
  };
  while (i < n) {
    InputRow row;
    row.line = line;
    std::string field;
    bool done = false;
    while (!done) {
      if (i < n && content[i] == '"') {
        ++i;
        bool closed = false;
        while (i < n) {
          const char c = content[i++];
          if (c == '"') {
            if (i < n && content[i] == '"') {
              field += '"';
              ++i;
              continue;
            }
            closed = true;
            break;
          }
          if (c == '\n') ++line;
          field += c;
        }
        if (!closed) {
          row.error = "line " + std::to_string(row.line) +
                      ": unterminated quoted field";
          done = true;
          break;
        }
        if (i < n && content[i] == '\r') ++i;
        if (i < n && content[i] != ',' && content[i] != '\n') {
          row.error =
              "line " + std::to_string(line) + ": text after a closing quote";
          skip_to_next_line();
          done = true;
          break;
        }
      } else {
        while (i < n && content[i] != ',' && content[i] != '\n') {
          if (content[i] == '"') {
            row.error = "line " + std::to_string(line) +
                        ": quote inside an unquoted field";
            break;
          }
          field += content[i++];
        }
        if (!row.error.empty()) {
          skip_to_next_line();
          done = true;
          break;
        }
        if (!field.empty() && field.back() == '\r') field.pop_back();
      }
      row.fields.push_back(std::move(field));
      field.clear();
      if (i >= n) {
        done = true;
      } else if (content[i] == ',') {
        ++i;
      } else {  // '\n'
        ++i;
        ++line;
        done = true;
      }
    }
    if (!row.error.empty()) row.fields.clear();
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<InputRow> ReadLines(std::string_view content) {
  if (content.starts_with("\xEF\xBB\xBF")) content.remove_prefix(3);
  std::vector<InputRow> rows;
  long line = 0;
  for (size_t start = 0; start < content.size();) {
    size_t end = content.find('\n', start);
    if (end == std::string_view::npos) end = content.size();
    rows.push_back(
        {++line, {std::string(content.substr(start, end - start))}, ""});
    if (!rows.back().fields[0].empty() &&
        rows.back().fields[0].back() == '\r') {
      rows.back().fields[0].pop_back();
    }
    start = end + 1;
  }
  return rows;
}

// Column index of the first header cell equal to one of `names`, or -1.
int Column(const std::vector<std::string>& header,
           std::initializer_list<const char*> names) {
  for (const char* name : names) {
    for (size_t i = 0; i < header.size(); ++i) {
      if (AsciiLower(Trim(header[i])) == name) return static_cast<int>(i);
    }
  }
  return -1;
}

std::string Cell(const InputRow& row, int column) {
  if (column < 0 || static_cast<size_t>(column) >= row.fields.size()) return "";
  return row.fields[static_cast<size_t>(column)];
}

// --- screen names -----------------------------------------------------------

struct BatchRow {
  long row = 0;   // 1-based data row (the header is not counted)
  long line = 0;  // line in the input file
  std::string error;
  std::string warning;
  match::NameQuery query;
};

int RunScreenNames(const Args& args) {
  auto threshold = ParseThreshold(args);
  if (!threshold) return ReportError(threshold.error());
  auto limit = ParsePositive(args, "limit", 10);
  if (!limit) return ReportError(limit.error());
  const int cores =
      static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  auto threads = ParsePositive(args, "threads", cores);
  if (!threads) return ReportError(threads.error());
  const auto in_path = args.Get("in");
  if (!in_path) {
    return ReportError(
        Error(ErrorCode::kInvalidArgument, "screen names needs --in FILE"));
  }
  auto content = ReadInput(*in_path);
  if (!content) return ReportError(content.error());

  // A CSV header names a `name` column; otherwise one name per line.
  std::vector<BatchRow> rows;
  std::vector<InputRow> first =
      ReadCsv(content->substr(0, content->find('\n')));
  const bool csv = !first.empty() && first[0].error.empty() &&
                   Column(first[0].fields, {"name", "full_name"}) >= 0;
  if (csv) {
    std::vector<InputRow> records = ReadCsv(*content);
    const auto& header = records[0].fields;
    const int name_col = Column(header, {"name", "full_name"});
    const int type_col = Column(header, {"type", "schema"});
    const int country_col = Column(header, {"country", "nationality"});
    const int dob_col = Column(header, {"dob", "date_of_birth"});
    for (size_t r = 1; r < records.size(); ++r) {
      const InputRow& record = records[r];
      BatchRow row;
      row.row = static_cast<long>(r);
      row.line = record.line;
      if (!record.error.empty()) {
        row.error = "invalid CSV: " + record.error;
      } else if (record.fields.size() != header.size()) {
        row.error = "expected " + std::to_string(header.size()) +
                    " fields, found " + std::to_string(record.fields.size());
      }
      row.query.name = Cell(record, name_col);
      row.warning =
          FillSecondary(Cell(record, type_col), Cell(record, country_col),
                        Cell(record, dob_col), row.query);
      rows.push_back(std::move(row));
    }
  } else {
    for (InputRow& record : ReadLines(*content)) {
      BatchRow row;
      row.row = record.line;
      row.line = record.line;
      row.query.name = std::move(record.fields[0]);
      rows.push_back(std::move(row));
    }
  }
  for (BatchRow& row : rows) {
    row.query.threshold = *threshold;
    row.query.limit = *limit;
    if (row.error.empty() && Trim(row.query.name).empty())
      row.error = "empty name";
  }

  auto matcher = OpenMatcher(args);
  if (!matcher) return ReportError(matcher.error());
  auto out = Output::Open(args.Get("out"));
  if (!out) return ReportError(out.error());

  // Rows are screened in chunks by a pool of threads and written in input
  // order after each chunk, so memory stays bounded by the chunk.
  const auto start = std::chrono::steady_clock::now();
  const size_t chunk =
      std::max<size_t>(1024, static_cast<size_t>(*threads) * 64);
  std::vector<std::string> lines;
  long with_hits = 0;
  long errors = 0;
  Progress progress("screen names");
  for (size_t begin = 0; begin < rows.size(); begin += chunk) {
    const size_t end = std::min(rows.size(), begin + chunk);
    lines.assign(end - begin, "");
    std::vector<char> hit(end - begin, 0);
    std::atomic<size_t> next{begin};
    auto work = [&] {
      for (size_t i; (i = next.fetch_add(1)) < end;) {
        const BatchRow& row = rows[i];
        ordered_json j;
        j["row"] = row.row;
        j["line"] = row.line;
        j["query"] = {{"name", row.query.name},
                      {"type", lists::PartyTypeName(row.query.type)},
                      {"country", row.query.country},
                      {"dob", row.query.dob}};
        if (!row.error.empty()) {
          j["error"] = row.error;
        } else {
          const auto hits = (*matcher)->ScreenName(row.query);
          hit[i - begin] = hits.empty() ? 0 : 1;
          j["hits"] = HitsToJson(hits);
        }
        if (!row.warning.empty()) j["warning"] = row.warning;
        lines[i - begin] = Dump(j) + "\n";
      }
    };
    std::vector<std::jthread> pool;
    for (int t = 1; t < *threads && static_cast<size_t>(t) < end - begin; ++t) {
      pool.emplace_back(work);
    }
    work();
    pool.clear();  // joins
    for (size_t k = 0; k < lines.size(); ++k) {
      (*out)->Write(lines[k]);
      with_hits += hit[k];
      if (!rows[begin + k].error.empty()) ++errors;
    }
    progress.Update(static_cast<std::int64_t>(end),
                    static_cast<std::int64_t>(rows.size()));
  }
  progress.Finish();
  if (auto committed = (*out)->Commit(); !committed)
    return ReportError(committed.error());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  std::fprintf(
      stderr,
      "screened %s rows (%s with hits, %s bad) in %.2f s, %s rows/s, %d "
      "thread(s), "
      "threshold %.2f\n",
      WithThousands(static_cast<std::int64_t>(rows.size())).c_str(),
      WithThousands(with_hits).c_str(), WithThousands(errors).c_str(), seconds,
      WithThousands(
          static_cast<std::int64_t>(
              seconds > 0 ? static_cast<double>(rows.size()) / seconds : 0))
          .c_str(),
      *threads, *threshold);
  return with_hits > 0 ? kExitHits : kExitOk;
}

// --- match pairs ------------------------------------------------------------

std::string CsvField(const std::string& value) {
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

int RunMatchPairs(const Args& args) {
  auto threshold = ParseThreshold(args);
  if (!threshold) return ReportError(threshold.error());
  const auto in_path = args.Get("in");
  if (!in_path) {
    return ReportError(
        Error(ErrorCode::kInvalidArgument, "match pairs needs --in FILE"));
  }
  auto content = ReadInput(*in_path);
  if (!content) return ReportError(content.error());
  std::vector<InputRow> records = ReadCsv(*content);
  if (records.empty() || !records[0].error.empty()) {
    return ReportError(
        Error(ErrorCode::kParse,
              *in_path + ": expected a CSV header with name1,name2"));
  }
  const auto& header = records[0].fields;
  const int a_col = Column(header, {"name1"});
  const int b_col = Column(header, {"name2"});
  const int schema_col = Column(header, {"schema", "type"});
  for (auto [col, name] :
       {std::pair{a_col, "name1"}, std::pair{b_col, "name2"}}) {
    if (col < 0) {
      return ReportError(Error(
          ErrorCode::kParse,
          *in_path + ": the header has no '" + std::string(name) + "' column"));
    }
  }
  for (const auto& record : records) {
    if (!record.error.empty()) {
      return ReportError(
          Error(ErrorCode::kParse, *in_path + " " + record.error));
    }
  }
  auto matcher = match::Matcher::FromDocuments({});
  if (!matcher) return ReportError(matcher.error());
  auto out = Output::Open(args.Get("out"));
  if (!out) return ReportError(out.error());
  std::string text;
  for (const auto& h : header) text += CsvField(h) + ",";
  (*out)->Write(text + "score,match\n");
  long matches = 0;
  for (size_t r = 1; r < records.size(); ++r) {
    const InputRow& record = records[r];
    // A blank line (one empty field) is skipped; a short row scores empty
    // names.
    if (record.fields.size() == 1 && record.fields[0].empty()) continue;
    const double score =
        (*matcher)->ScorePair(Cell(record, a_col), Cell(record, b_col),
                              TypeFromText(Cell(record, schema_col)));
    const bool is_match = score >= *threshold;
    matches += is_match ? 1 : 0;
    text.clear();
    for (size_t c = 0; c < header.size(); ++c) {
      text += CsvField(c < record.fields.size() ? record.fields[c] : "") + ",";
    }
    (*out)->Write(text + Fixed(score, 4) + "," + (is_match ? "true" : "false") +
                  "\n");
  }
  if (auto committed = (*out)->Commit(); !committed)
    return ReportError(committed.error());
  std::fprintf(
      stderr, "scored %s pairs, %s at or above %.2f\n",
      WithThousands(static_cast<std::int64_t>(records.size() - 1)).c_str(),
      WithThousands(matches).c_str(), *threshold);
  return kExitOk;
}

const char kExitCodesHelp[] =
    "Exit status: 0 = no hit at or above the threshold, 10 = at least one\n"
    "hit, 2 = bad command line, 3 = bad input file, 4 = database error,\n"
    "6 = no such database or file.";

}  // namespace

std::vector<Command> ScreenCommands() {
  return {
      {{"screen name",
        "[--db FILE] [--type person|entity|vessel|aircraft] [--country CC] "
        "[--dob YYYY[-MM-DD]] "
        "[--limit N] [--threshold X] [--lists CODE,...] [--json] NAME",
        "Screen one name against the lists, best hits first, with why they "
        "matched",
        "NAME may be written in any script (Latin, Chinese, Cyrillic, Arabic, "
        "...).\n"
        "Each hit shows the list, party id, the listed name that matched (any\n"
        "script) and its strength, the score (0..1; the default threshold "
        "0.80\n"
        "is calibrated) and the explanation: which query token lined up with\n"
        "which listed token, how and how closely, what stayed unmatched and "
        "what\n"
        "was added or taken off (alias strength, type, country, date of "
        "birth).\n"
        "--type, --country and --dob refine the score; they never hide a hit "
        "on\n"
        "their own. --json prints {query, index, hits[]} (docs/cli.md).\n\n" +
            std::string(kExitCodesHelp),
        {kDbFlag,
         {"type", "TYPE", "person, entity, vessel or aircraft"},
         {"country", "CC", "country of the party (ISO code or name)"},
         {"dob", "DATE", "date or year of birth (YYYY, YYYY-MM or YYYY-MM-DD)"},
         kLimitFlag,
         kThresholdFlag,
         kListsFlag,
         kJsonFlag},
        1,
        1},
       RunScreenName},
      {{"screen id",
        "[--db FILE] [--lists CODE,...] [--json] VALUE",
        "Screen an identifier or crypto address (exact match)",
        "VALUE is a digital-currency address, LEI, Chinese USCC, IMO number,\n"
        "passport or other document number. It is recognised (type, chain,\n"
        "canonical form, check digits) and looked up exactly in every list:\n"
        "Ethereum hex and bech32 addresses ignore letter case, base58 "
        "addresses\n"
        "do not; document numbers ignore spaces, dashes and dots.\n\n" +
            std::string(kExitCodesHelp),
        {kDbFlag, kListsFlag, kJsonFlag},
        1,
        1},
       RunScreenId},
      {{"screen names",
        "--in FILE [--out FILE] [--threads N] [--db FILE] [--threshold X] "
        "[--limit N] "
        "[--lists CODE,...]",
        "Batch-screen a file of names (one per line, or CSV) to JSON Lines",
        "FILE ('-' = stdin) holds one name per line, or is a CSV file whose\n"
        "header has a 'name' (or 'full_name') column and optionally 'type',\n"
        "'country' (or 'nationality') and 'dob' (or 'date_of_birth').\n"
        "Writes one JSON line per input row, in input order:\n"
        "  {row, line, query{name,type,country,dob}, hits[...]}  or\n"
        "  {row, line, query, error}  for a bad row (the run goes on).\n"
        "A summary (rows, rows with hits, bad rows, time, rows/s) goes to "
        "stderr.\n"
        "--out FILE is written in full or not at all.\n\n" +
            std::string(kExitCodesHelp),
        {{"in", "FILE", "names to screen ('-' = stdin)"},
         {"out", "FILE", "JSON Lines output (default stdout)"},
         {"threads", "N", "worker threads (default: all cores)"},
         kDbFlag,
         kThresholdFlag,
         kLimitFlag,
         kListsFlag},
        0,
        0},
       RunScreenNames},
      {{"match pairs",
        "--in PAIRS.csv [--out SCORES.csv] [--threshold X]",
        "Score pairs of names against each other, without any list",
        "PAIRS.csv has a header with 'name1' and 'name2' and optionally "
        "'schema'\n"
        "(Person, Company, Organization, LegalEntity, Vessel, Airplane). The\n"
        "output repeats every input column and adds 'score' (0..1, 4 "
        "decimals)\n"
        "and 'match' (true when score >= the threshold, default 0.80). This "
        "is\n"
        "how matching quality is measured against judged pairs. Exit status 0\n"
        "when the file was scored, 3 when it is not valid CSV or lacks a "
        "column.",
        {{"in", "FILE", "CSV of name pairs ('-' = stdin)"},
         {"out", "FILE", "CSV with score and match added (default stdout)"},
         kThresholdFlag},
        0,
        0},
       RunMatchPairs},
  };
}

}  // namespace clearance::cli
