#include "engine/ownership/importers.h"

#include <expat.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>

#include "engine/common/strings.h"

namespace clearance::ownership {
namespace {

using nlohmann::json;

std::string Str(std::string_view s) { return std::string(s); }

// "2012-11-29T00:00:00.000Z" -> "2012-11-29"; "" stays "".
std::string DatePart(std::string_view text) {
  text = TrimAscii(text);
  return Str(text.substr(0, std::min<std::size_t>(10, text.size())));
}

bool IsIsoDate(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (d[i] < '0' || d[i] > '9') return false;
  }
  const int month = (d[5] - '0') * 10 + (d[6] - '0');
  const int day = (d[8] - '0') * 10 + (d[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

// Parses "60", "60.5", "60%"; "" or "unknown" -> nullopt. Range checked by
// ValidateBatch.
Result<std::optional<double>> ParsePercent(std::string_view text,
                                           std::string_view where) {
  text = TrimAscii(text);
  if (text.empty() || AsciiLower(text) == "unknown") {
    return std::optional<double>();
  }
  if (text.back() == '%') text = TrimAscii(text.substr(0, text.size() - 1));
  double value = 0;
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() ||
      !std::isfinite(value)) {
    return Fail(ErrorCode::kParse,
                Str(where) + ": percent \"" + Str(text) +
                    "\" is not a number (use 0..100, empty or \"unknown\")");
  }
  return std::optional<double>(value);
}

Result<HoldingKind> ParseKind(std::string_view text, std::string_view where) {
  const std::string kind = AsciiLower(TrimAscii(text));
  if (kind.empty() || kind == "shares") return HoldingKind::kShares;
  if (kind == "voting") return HoldingKind::kVoting;
  if (kind == "control") return HoldingKind::kControl;
  if (kind == "nominee") return HoldingKind::kNominee;
  return Fail(ErrorCode::kParse,
              Str(where) + ": kind \"" + Str(text) +
                  "\" is not one of shares, voting, control, nominee");
}

// Collects entities by id, merging fields (first non-empty value wins).
class EntitySet {
 public:
  Entity& Touch(const std::string& id) {
    auto [it, inserted] = index_.try_emplace(id, entities_.size());
    if (inserted) {
      entities_.push_back(Entity{});
      entities_.back().id = id;
    }
    return entities_[it->second];
  }
  void Merge(const Entity& e) {
    Entity& into = Touch(e.id);
    if (into.name.empty()) into.name = e.name;
    if (into.country.empty()) into.country = e.country;
    if (into.hq_country.empty()) into.hq_country = e.hq_country;
    for (const Listing& l : e.listings) into.listings.push_back(l);
  }
  bool Has(const std::string& id) const { return index_.contains(id); }
  std::vector<Entity> Take() { return std::move(entities_); }

 private:
  std::vector<Entity> entities_;
  std::unordered_map<std::string, std::size_t> index_;
};

// --- CSV ---------------------------------------------------------------------

// RFC 4180 records with the line each starts on.
struct CsvRecord {
  long line = 0;
  std::vector<std::string> fields;
};

Result<std::vector<CsvRecord>> ReadCsv(std::string_view file,
                                       std::string_view content) {
  if (content.starts_with("\xEF\xBB\xBF")) content.remove_prefix(3);
  std::vector<CsvRecord> out;
  long line = 1;
  std::size_t i = 0;
  while (i < content.size()) {
    CsvRecord record;
    record.line = line;
    std::string field;
    bool in_quotes = false;
    bool quoted = false;
    bool done = false;
    while (!done) {
      if (i >= content.size()) {
        if (in_quotes) {
          return Fail(ErrorCode::kParse, Str(file) + " line " +
                                             std::to_string(record.line) +
                                             ": unterminated quoted field");
        }
        record.fields.push_back(std::move(field));
        done = true;
        break;
      }
      const char c = content[i++];
      if (in_quotes) {
        if (c == '"') {
          if (i < content.size() && content[i] == '"') {
            field += '"';
            ++i;
          } else {
            in_quotes = false;
          }
        } else {
          if (c == '\n') ++line;
          field += c;
        }
        continue;
      }
      if (c == '"') {
        if (!field.empty() || quoted) {
          return Fail(ErrorCode::kParse, Str(file) + " line " +
                                             std::to_string(line) +
                                             ": quote inside a field");
        }
        in_quotes = quoted = true;
      } else if (c == ',') {
        record.fields.push_back(std::move(field));
        field.clear();
        quoted = false;
      } else if (c == '\r' && i < content.size() && content[i] == '\n') {
        // CRLF: the '\n' ends the record.
      } else if (c == '\n') {
        ++line;
        record.fields.push_back(std::move(field));
        done = true;
      } else {
        field += c;
      }
    }
    const bool blank =
        record.fields.size() == 1 && TrimAscii(record.fields[0]).empty();
    if (!blank) out.push_back(std::move(record));
  }
  return out;
}

// --- XML (expat) -----------------------------------------------------------

// Calls `end(path, text)` at each element end with the local-name path from
// the root and the element's trimmed text. Errors name the file and line.
class XmlWalker {
 public:
  using EndFn = std::function<Result<void>(const std::vector<std::string>&,
                                           std::string_view text, long line)>;

  static Result<void> Walk(std::string_view file, std::string_view content,
                           const EndFn& end) {
    XmlWalker w;
    w.end_ = &end;
    XML_Parser parser = XML_ParserCreateNS(nullptr, '|');
    if (parser == nullptr) {
      return Fail(ErrorCode::kInternal, "expat: out of memory");
    }
    w.parser_ = parser;
    XML_SetUserData(parser, &w);
    XML_SetElementHandler(parser, &XmlWalker::OnStart, &XmlWalker::OnEnd);
    XML_SetCharacterDataHandler(parser, &XmlWalker::OnText);
    // Fed in slices: expat takes an int length.
    constexpr std::size_t kChunk = 1 << 20;
    std::size_t pos = 0;
    bool ok = true;
    do {
      const std::size_t n = std::min(kChunk, content.size() - pos);
      const bool last = pos + n >= content.size();
      ok = XML_Parse(parser, content.data() + pos, static_cast<int>(n),
                     last ? 1 : 0) == XML_STATUS_OK;
      pos += n;
      if (!ok || last) break;
    } while (true);
    Result<void> result = Ok();
    if (!w.error_.empty()) {
      result = Fail(w.error_code_, w.error_);
    } else if (!ok) {
      result = Fail(
          ErrorCode::kParse,
          Str(file) + " line " +
              std::to_string(XML_GetCurrentLineNumber(parser)) +
              ": malformed XML: " + XML_ErrorString(XML_GetErrorCode(parser)));
    }
    XML_ParserFree(parser);
    return result;
  }

 private:
  static std::string LocalName(const char* name) {
    std::string_view n(name);
    const std::size_t bar = n.rfind('|');
    return Str(bar == std::string_view::npos ? n : n.substr(bar + 1));
  }
  static void OnStart(void* data, const char* name, const char**) {
    auto* w = static_cast<XmlWalker*>(data);
    w->path_.push_back(LocalName(name));
    w->text_.emplace_back();
  }
  static void OnText(void* data, const char* s, int len) {
    auto* w = static_cast<XmlWalker*>(data);
    if (!w->text_.empty())
      w->text_.back().append(s, static_cast<std::size_t>(len));
  }
  static void OnEnd(void* data, const char*) {
    auto* w = static_cast<XmlWalker*>(data);
    if (w->error_.empty()) {
      auto r = (*w->end_)(w->path_, TrimAscii(w->text_.back()),
                          static_cast<long>(XML_GetCurrentLineNumber(
                              static_cast<XML_Parser>(w->parser_))));
      if (!r) {
        w->error_ = r.error().message();
        w->error_code_ = r.error().code();
        XML_StopParser(static_cast<XML_Parser>(w->parser_), XML_FALSE);
      }
    }
    w->path_.pop_back();
    w->text_.pop_back();
  }

  const EndFn* end_ = nullptr;
  void* parser_ = nullptr;
  std::vector<std::string> path_;
  std::vector<std::string> text_;
  std::string error_;
  ErrorCode error_code_ = ErrorCode::kParse;
};

bool EndsWith(const std::vector<std::string>& path,
              std::initializer_list<std::string_view> tail) {
  if (path.size() < tail.size()) return false;
  auto it = path.end() - static_cast<long>(tail.size());
  for (std::string_view t : tail) {
    if (*it++ != t) return false;
  }
  return true;
}

// The first element name of an XML document (local name), "" if none.
std::string RootElement(std::string_view content) {
  std::size_t pos = 0;
  while ((pos = content.find('<', pos)) != std::string_view::npos) {
    ++pos;
    if (pos < content.size() && (content[pos] == '?' || content[pos] == '!')) {
      continue;
    }
    std::size_t end = pos;
    while (end < content.size() && content[end] != ' ' && content[end] != '>' &&
           content[end] != '\n' && content[end] != '\r' &&
           content[end] != '\t' && content[end] != '/') {
      ++end;
    }
    std::string_view name = content.substr(pos, end - pos);
    const std::size_t colon = name.find(':');
    if (colon != std::string_view::npos) name.remove_prefix(colon + 1);
    return Str(name);
  }
  return "";
}

std::string LeiId(std::string_view lei) { return "LEI:" + Str(TrimAscii(lei)); }

// ISO alpha-2 from "US", "US-MA" (jurisdiction codes), lower/upper case.
std::string CountryOf(std::string_view code) {
  code = TrimAscii(code);
  if (code.size() < 2) return "";
  if (code.size() > 2 && code[2] != '-') return "";
  return AsciiUpper(code.substr(0, 2));
}

std::string JsonText(const json& object, const char* key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

}  // namespace

std::string_view RecordFormatName(RecordFormat format) {
  switch (format) {
    case RecordFormat::kProviderCsv:
      return "provider-csv";
    case RecordFormat::kProviderJson:
      return "provider-json";
    case RecordFormat::kGleifRr:
      return "gleif-rr";
    case RecordFormat::kGleifLei:
      return "gleif-lei";
    case RecordFormat::kBods:
      return "bods";
    case RecordFormat::kListRelationships:
      return "list-relationships";
  }
  return "unknown";
}

bool IsListedPartyId(std::string_view id) {
  const std::size_t colon = id.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 >= id.size()) {
    return false;
  }
  const std::string_view code = id.substr(0, colon);
  bool dash = false;
  char previous = '-';
  for (char c : code) {
    if (c == '-') {
      if (previous == '-') return false;
      dash = true;
    } else if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
      return false;
    }
    previous = c;
  }
  return dash && previous != '-';
}

Result<RecordFormat> DetectRecordFormat(std::string_view file,
                                        std::string_view content) {
  std::string_view head = TrimAscii(content.substr(0, 4096));
  if (head.starts_with("\xEF\xBB\xBF")) head = TrimAscii(head.substr(3));
  if (head.starts_with("<")) {
    const std::string root = RootElement(content.substr(0, 4096));
    if (root == "RelationshipData") return RecordFormat::kGleifRr;
    if (root == "LEIData") return RecordFormat::kGleifLei;
    if (root == "ReportingExceptionData") {
      return Fail(ErrorCode::kUnsupportedFormat,
                  Str(file) +
                      ": GLEIF reporting exceptions (repex) say why a parent "
                      "is not reported; they carry no ownership and are not "
                      "imported");
    }
    return Fail(ErrorCode::kUnsupportedFormat,
                Str(file) + ": XML with root element <" + root +
                    ">, not GLEIF relationship (RelationshipData) or LEI "
                    "(LEIData) records");
  }
  if (head.starts_with("[")) {
    if (head.find("\"statementType\"") != std::string_view::npos ||
        head.find("\"statementID\"") != std::string_view::npos ||
        head == "[]") {
      return RecordFormat::kBods;
    }
    return Fail(ErrorCode::kUnsupportedFormat,
                Str(file) +
                    ": a JSON array without BODS statements (statementID, "
                    "statementType)");
  }
  if (head.starts_with("{")) return RecordFormat::kProviderJson;
  const std::size_t eol = head.find('\n');
  const std::string first_line = AsciiLower(head.substr(0, eol));
  if (first_line.find("owner") != std::string::npos &&
      first_line.find("owned") != std::string::npos &&
      first_line.find(',') != std::string::npos) {
    return RecordFormat::kProviderCsv;
  }
  return Fail(ErrorCode::kUnsupportedFormat,
              Str(file) +
                  ": not an ownership record file (expected a CSV with the "
                  "header owner,owned,percent,kind,source,valid_from,valid_to, "
                  "provider JSON, GLEIF RR/LEI XML or BODS JSON)");
}

Result<RecordBatch> ParseRecords(std::string_view file,
                                 std::string_view content) {
  auto format = DetectRecordFormat(file, content);
  if (!format) return std::unexpected(format.error());
  switch (*format) {
    case RecordFormat::kProviderCsv:
      return ParseProviderCsv(file, content);
    case RecordFormat::kProviderJson:
      return ParseProviderJson(file, content);
    case RecordFormat::kGleifRr:
      return ParseGleifRr(file, content);
    case RecordFormat::kGleifLei:
      return ParseGleifLei(file, content);
    case RecordFormat::kBods:
      return ParseBods(file, content);
    case RecordFormat::kListRelationships:
      break;
  }
  return Fail(ErrorCode::kInternal, "unexpected record format");
}

// --- Provider CSV
// --------------------------------------------------------------

Result<RecordBatch> ParseProviderCsv(std::string_view file,
                                     std::string_view content) {
  auto records = ReadCsv(file, content);
  if (!records) return std::unexpected(records.error());
  if (records->empty()) {
    return Fail(ErrorCode::kParse, Str(file) +
                                       ": empty file (expected the "
                                       "header owner,owned,percent,"
                                       "kind,source,valid_from,"
                                       "valid_to)");
  }
  static const std::set<std::string> kKnown = {
      "owner",           "owned",      "percent",          "kind",
      "source",          "valid_from", "valid_to",         "owner_name",
      "owner_country",   "owned_name", "owner_hq_country", "owned_country",
      "owned_hq_country"};
  std::map<std::string, std::size_t> column;
  const CsvRecord& header = records->front();
  for (std::size_t i = 0; i < header.fields.size(); ++i) {
    const std::string name = AsciiLower(TrimAscii(header.fields[i]));
    if (!kKnown.contains(name)) {
      return Fail(ErrorCode::kParse,
                  Str(file) + " line 1: unknown column \"" + name +
                      "\" (columns: owner,owned,percent,kind,source,"
                      "valid_from,valid_to, optional owner_name, "
                      "owner_country, owner_hq_country, owned_name, "
                      "owned_country, owned_hq_country)");
    }
    if (!column.emplace(name, i).second) {
      return Fail(ErrorCode::kParse,
                  Str(file) + " line 1: column \"" + name + "\" appears twice");
    }
  }
  for (const char* required : {"owner", "owned", "percent"}) {
    if (!column.contains(required)) {
      return Fail(ErrorCode::kParse,
                  Str(file) + " line 1: missing column \"" + required + "\"");
    }
  }
  RecordBatch batch;
  batch.file = Str(file);
  batch.format = RecordFormat::kProviderCsv;
  EntitySet entities;
  for (std::size_t r = 1; r < records->size(); ++r) {
    const CsvRecord& rec = (*records)[r];
    const std::string where = Str(file) + " line " + std::to_string(rec.line);
    if (rec.fields.size() != header.fields.size()) {
      return Fail(ErrorCode::kParse,
                  where + ": expected " + std::to_string(header.fields.size()) +
                      " fields, found " + std::to_string(rec.fields.size()));
    }
    auto get = [&](const char* name) -> std::string {
      auto it = column.find(name);
      return it == column.end() ? std::string()
                                : Str(TrimAscii(rec.fields[it->second]));
    };
    Holding h;
    h.owner = get("owner");
    h.owned = get("owned");
    if (h.owner.empty() || h.owned.empty()) {
      return Fail(ErrorCode::kInvalidArgument,
                  where + ": owner and owned must both be given");
    }
    auto percent = ParsePercent(get("percent"), where);
    if (!percent) return std::unexpected(percent.error());
    h.percent = *percent;
    auto kind = ParseKind(get("kind"), where);
    if (!kind) return std::unexpected(kind.error());
    h.kind = *kind;
    h.source = get("source").empty() ? "provider" : get("source");
    h.record_ref = where;
    h.valid_from = get("valid_from");
    h.valid_to = get("valid_to");
    for (const auto& [role, id] :
         {std::pair<std::string, std::string>{"owner", h.owner},
          {"owned", h.owned}}) {
      Entity e;
      e.id = id;
      e.name = get((role + "_name").c_str());
      e.country = AsciiUpper(get((role + "_country").c_str()));
      e.hq_country = AsciiUpper(get((role + "_hq_country").c_str()));
      entities.Merge(e);
    }
    batch.holdings.push_back(std::move(h));
  }
  batch.entities = entities.Take();
  if (auto valid = ValidateBatch(batch); !valid) {
    return std::unexpected(valid.error());
  }
  return batch;
}

// --- Provider JSON
// -------------------------------------------------------------

Result<RecordBatch> ParseProviderJson(std::string_view file,
                                      std::string_view content) {
  const json doc = json::parse(content, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Fail(ErrorCode::kParse,
                Str(file) +
                    ": not valid JSON (expected an object with "
                    "\"entities\" and \"holdings\")");
  }
  RecordBatch batch;
  batch.file = Str(file);
  batch.format = RecordFormat::kProviderJson;
  EntitySet entities;
  auto text_field = [&](const json& o, const char* key,
                        const std::string& where) -> Result<std::string> {
    auto it = o.find(key);
    if (it == o.end() || it->is_null()) return std::string();
    if (!it->is_string()) {
      return Fail(ErrorCode::kParse,
                  where + ": \"" + key + "\" must be a string");
    }
    return Str(TrimAscii(it->get<std::string>()));
  };
  if (doc.contains("entities")) {
    const json& list = doc["entities"];
    if (!list.is_array()) {
      return Fail(ErrorCode::kParse, Str(file) +
                                         ": \"entities\" must be an "
                                         "array");
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string where =
          Str(file) + " entities[" + std::to_string(i) + "]";
      const json& o = list[i];
      if (!o.is_object()) {
        return Fail(ErrorCode::kParse, where + ": must be an object");
      }
      Entity e;
      for (auto [key, out] : {std::pair<const char*, std::string*>{"id", &e.id},
                              {"name", &e.name},
                              {"country", &e.country},
                              {"hq_country", &e.hq_country}}) {
        auto v = text_field(o, key, where);
        if (!v) return std::unexpected(v.error());
        *out = *v;
      }
      if (e.id.empty()) {
        return Fail(ErrorCode::kInvalidArgument, where + ": \"id\" is missing");
      }
      if (entities.Has(e.id)) {
        return Fail(ErrorCode::kInvalidArgument,
                    where + ": entity \"" + e.id + "\" is declared twice");
      }
      e.country = AsciiUpper(e.country);
      e.hq_country = AsciiUpper(e.hq_country);
      if (o.contains("listed_as")) {
        const json& listed = o["listed_as"];
        if (!listed.is_array()) {
          return Fail(ErrorCode::kParse,
                      where + ": \"listed_as\" must be an array");
        }
        for (std::size_t j = 0; j < listed.size(); ++j) {
          const std::string lw =
              where + ".listed_as[" + std::to_string(j) + "]";
          if (!listed[j].is_object()) {
            return Fail(ErrorCode::kParse, lw + ": must be an object");
          }
          Listing l;
          for (auto [key, out] :
               {std::pair<const char*, std::string*>{"list", &l.list},
                {"party_id", &l.party_id},
                {"listed_from", &l.listed_from},
                {"listed_to", &l.listed_to}}) {
            auto v = text_field(listed[j], key, lw);
            if (!v) return std::unexpected(v.error());
            *out = *v;
          }
          if (l.list.empty() || l.party_id.empty()) {
            return Fail(ErrorCode::kInvalidArgument,
                        lw + ": \"list\" and \"party_id\" are required");
          }
          e.listings.push_back(std::move(l));
        }
      }
      entities.Merge(e);
    }
  }
  if (doc.contains("holdings")) {
    const json& list = doc["holdings"];
    if (!list.is_array()) {
      return Fail(ErrorCode::kParse, Str(file) +
                                         ": \"holdings\" must be an "
                                         "array");
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string where =
          Str(file) + " holdings[" + std::to_string(i) + "]";
      const json& o = list[i];
      if (!o.is_object()) {
        return Fail(ErrorCode::kParse, where + ": must be an object");
      }
      Holding h;
      std::string kind;
      for (auto [key, out] :
           {std::pair<const char*, std::string*>{"owner", &h.owner},
            {"owned", &h.owned},
            {"kind", &kind},
            {"source", &h.source},
            {"valid_from", &h.valid_from},
            {"valid_to", &h.valid_to}}) {
        auto v = text_field(o, key, where);
        if (!v) return std::unexpected(v.error());
        *out = *v;
      }
      if (h.owner.empty() || h.owned.empty()) {
        return Fail(ErrorCode::kInvalidArgument,
                    where + ": \"owner\" and \"owned\" are required");
      }
      if (auto p = o.find("percent"); p != o.end() && !p->is_null()) {
        if (p->is_number()) {
          h.percent = p->get<double>();
        } else if (p->is_string()) {
          auto parsed = ParsePercent(p->get<std::string>(), where);
          if (!parsed) return std::unexpected(parsed.error());
          h.percent = *parsed;
        } else {
          return Fail(ErrorCode::kParse,
                      where +
                          ": \"percent\" must be a number, null or "
                          "\"unknown\"");
        }
      }
      auto k = ParseKind(kind, where);
      if (!k) return std::unexpected(k.error());
      h.kind = *k;
      if (h.source.empty()) h.source = "provider";
      h.record_ref = where;
      batch.holdings.push_back(std::move(h));
    }
  }
  batch.entities = entities.Take();
  if (auto valid = ValidateBatch(batch); !valid) {
    return std::unexpected(valid.error());
  }
  return batch;
}

// --- GLEIF relationship records ----------------------------------------------

Result<RecordBatch> ParseGleifRr(std::string_view file,
                                 std::string_view content) {
  RecordBatch batch;
  batch.file = Str(file);
  batch.format = RecordFormat::kGleifRr;
  EntitySet entities;
  std::map<std::string, long> skipped_types;

  struct Current {
    long line = 0;
    std::string start, end, type, status, registration_status;
    std::string period_start, period_end, period_type;
    std::string relationship_from, relationship_to;
    std::string quantifier_amount, quantifier_units;
    std::optional<double> percent;
  } cur;
  long record_index = 0;

  auto finish = [&](long line) -> Result<void> {
    ++record_index;
    const std::string where = Str(file) + " line " + std::to_string(cur.line) +
                              " (relationship record " +
                              std::to_string(record_index) + ")";
    if (cur.start.empty() || cur.end.empty()) {
      return Fail(ErrorCode::kParse,
                  where + ": StartNode or EndNode NodeID missing");
    }
    (void)line;
    if (cur.registration_status == "ANNULLED") {
      batch.warnings.push_back(where + ": annulled record skipped");
      return Ok();
    }
    const bool direct = cur.type == "IS_DIRECTLY_CONSOLIDATED_BY";
    const bool ultimate = cur.type == "IS_ULTIMATELY_CONSOLIDATED_BY";
    if (!direct && !ultimate) {
      ++skipped_types[cur.type];
      return Ok();
    }
    if (cur.status == "INACTIVE" && cur.relationship_to.empty()) {
      batch.warnings.push_back(
          where + ": INACTIVE relationship without an end date skipped");
      return Ok();
    }
    const std::string child = LeiId(cur.start);
    const std::string parent = LeiId(cur.end);
    entities.Touch(child);
    entities.Touch(parent);
    const std::string ref =
        where + " " + cur.start + " " + cur.type + " " + cur.end;
    if (direct) {
      Holding h;
      h.owner = parent;
      h.owned = child;
      h.percent = cur.percent;
      h.kind = HoldingKind::kShares;
      h.source = "gleif-rr";
      h.record_ref = ref;
      h.valid_from = cur.relationship_from;
      h.valid_to = cur.relationship_to;
      batch.holdings.push_back(std::move(h));
    } else {
      batch.ultimate_parents.push_back(
          {child, parent, ref, cur.relationship_from, cur.relationship_to});
    }
    return Ok();
  };

  auto walked = XmlWalker::Walk(
      file, content,
      [&](const std::vector<std::string>& path, std::string_view text,
          long line) -> Result<void> {
        const std::string& name = path.back();
        if (cur.line == 0) cur.line = line;
        if (EndsWith(path, {"StartNode", "NodeID"})) {
          cur.start = Str(text);
        } else if (EndsWith(path, {"EndNode", "NodeID"})) {
          cur.end = Str(text);
        } else if (EndsWith(path, {"Relationship", "RelationshipType"})) {
          cur.type = Str(text);
        } else if (EndsWith(path, {"Relationship", "RelationshipStatus"})) {
          cur.status = Str(text);
        } else if (EndsWith(path, {"Registration", "RegistrationStatus"})) {
          cur.registration_status = Str(text);
        } else if (EndsWith(path, {"RelationshipPeriod", "StartDate"})) {
          cur.period_start = DatePart(text);
        } else if (EndsWith(path, {"RelationshipPeriod", "EndDate"})) {
          cur.period_end = DatePart(text);
        } else if (EndsWith(path, {"RelationshipPeriod", "PeriodType"})) {
          cur.period_type = Str(text);
        } else if (name == "RelationshipPeriod") {
          if (cur.period_type == "RELATIONSHIP_PERIOD") {
            cur.relationship_from = cur.period_start;
            cur.relationship_to = cur.period_end;
          }
          cur.period_start.clear();
          cur.period_end.clear();
          cur.period_type.clear();
        } else if (EndsWith(path,
                            {"RelationshipQuantifier", "QuantifierAmount"})) {
          cur.quantifier_amount = Str(text);
        } else if (EndsWith(path,
                            {"RelationshipQuantifier", "QuantifierUnits"})) {
          cur.quantifier_units = Str(text);
        } else if (name == "RelationshipQuantifier") {
          if (cur.quantifier_units == "PERCENTAGE" &&
              !cur.quantifier_amount.empty()) {
            auto p = ParsePercent(cur.quantifier_amount,
                                  Str(file) + " line " + std::to_string(line));
            if (!p) return std::unexpected(p.error());
            cur.percent = *p;
          }
          cur.quantifier_amount.clear();
          cur.quantifier_units.clear();
        } else if (name == "RelationshipRecord") {
          auto done = finish(line);
          cur = Current{};
          return done;
        }
        return Ok();
      });
  if (!walked) return std::unexpected(walked.error());
  if (!skipped_types.empty()) {
    std::string what;
    for (const auto& [type, count] : skipped_types) {
      if (!what.empty()) what += ", ";
      what += std::to_string(count) + " " + type;
    }
    batch.warnings.push_back(Str(file) +
                             ": relationship records that carry no ownership "
                             "were not imported: " +
                             what);
  }
  batch.entities = entities.Take();
  if (auto valid = ValidateBatch(batch); !valid) {
    return std::unexpected(valid.error());
  }
  return batch;
}

// --- GLEIF LEI records
// ---------------------------------------------------------

Result<RecordBatch> ParseGleifLei(std::string_view file,
                                  std::string_view content) {
  RecordBatch batch;
  batch.file = Str(file);
  batch.format = RecordFormat::kGleifLei;
  EntitySet entities;
  Entity cur;
  auto walked = XmlWalker::Walk(
      file, content,
      [&](const std::vector<std::string>& path, std::string_view text,
          long line) -> Result<void> {
        if (EndsWith(path, {"LEIRecord", "LEI"})) {
          cur.id = LeiId(text);
        } else if (EndsWith(path, {"Entity", "LegalName"})) {
          cur.name = Str(text);
        } else if (EndsWith(path, {"Entity", "LegalAddress", "Country"})) {
          cur.country = CountryOf(text);
        } else if (EndsWith(path,
                            {"Entity", "HeadquartersAddress", "Country"})) {
          cur.hq_country = CountryOf(text);
        } else if (path.back() == "LEIRecord") {
          if (cur.id == "LEI:") {
            return Fail(ErrorCode::kParse, Str(file) + " line " +
                                               std::to_string(line) +
                                               ": LEIRecord without LEI");
          }
          entities.Merge(cur);
          cur = Entity{};
        }
        return Ok();
      });
  if (!walked) return std::unexpected(walked.error());
  batch.entities = entities.Take();
  return batch;
}

// --- BODS
// ----------------------------------------------------------------------

Result<RecordBatch> ParseBods(std::string_view file, std::string_view content) {
  const json doc = json::parse(content, nullptr, false);
  if (doc.is_discarded() || !doc.is_array()) {
    return Fail(ErrorCode::kParse,
                Str(file) +
                    ": not valid JSON (expected an array of BODS "
                    "statements)");
  }
  RecordBatch batch;
  batch.file = Str(file);
  batch.format = RecordFormat::kBods;
  EntitySet entities;
  std::unordered_map<std::string, std::string> id_of_statement;

  // Pass 1: entity and person statements.
  for (std::size_t i = 0; i < doc.size(); ++i) {
    const json& s = doc[i];
    const std::string where = Str(file) + " statement " + std::to_string(i);
    if (!s.is_object()) {
      return Fail(ErrorCode::kParse, where + ": must be an object");
    }
    const std::string type = JsonText(s, "statementType");
    const std::string statement_id = JsonText(s, "statementID");
    if (statement_id.empty()) {
      return Fail(ErrorCode::kParse, where + ": statementID missing");
    }
    if (type != "entityStatement" && type != "personStatement") continue;
    Entity e;
    e.id = "BODS:" + statement_id;
    if (type == "entityStatement") {
      e.name = JsonText(s, "name");
      if (s.contains("identifiers") && s["identifiers"].is_array()) {
        for (const json& id : s["identifiers"]) {
          if (JsonText(id, "scheme") == "XI-LEI" &&
              !JsonText(id, "id").empty()) {
            e.id = LeiId(JsonText(id, "id"));
          }
        }
      }
      if (s.contains("incorporatedInJurisdiction")) {
        e.country =
            CountryOf(JsonText(s["incorporatedInJurisdiction"], "code"));
      }
    } else if (s.contains("names") && s["names"].is_array() &&
               !s["names"].empty()) {
      e.name = JsonText(s["names"][0], "fullName");
    }
    if (s.contains("addresses") && s["addresses"].is_array()) {
      for (const json& a : s["addresses"]) {
        const std::string kind = JsonText(a, "type");
        const std::string country = CountryOf(JsonText(a, "country"));
        if (kind == "registered" && e.country.empty()) e.country = country;
        if (kind == "business" && e.hq_country.empty()) e.hq_country = country;
      }
    }
    id_of_statement[statement_id] = e.id;
    entities.Merge(e);
  }

  // Pass 2: ownership-or-control statements.
  for (std::size_t i = 0; i < doc.size(); ++i) {
    const json& s = doc[i];
    if (JsonText(s, "statementType") != "ownershipOrControlStatement") continue;
    const std::string statement_id = JsonText(s, "statementID");
    const std::string where = Str(file) + " statement " + std::to_string(i) +
                              " (" + statement_id + ")";
    auto party = [&](const char* role) -> std::optional<std::string> {
      if (!s.contains(role)) return std::nullopt;
      const json& p = s[role];
      std::string ref = JsonText(p, "describedByEntityStatement");
      if (ref.empty()) ref = JsonText(p, "describedByPersonStatement");
      if (ref.empty()) return std::nullopt;
      auto it = id_of_statement.find(ref);
      if (it != id_of_statement.end()) return it->second;
      // BODS is a stream: the statement may be published in another file.
      // Kept as an unnamed entity, with a warning, rather than dropped.
      const std::string id = "BODS:" + ref;
      if (!entities.Has(id)) {
        batch.warnings.push_back(where + ": " + role + " statement " + ref +
                                 " is not in this file; kept as an unnamed "
                                 "entity " +
                                 id);
      }
      entities.Touch(id);
      return id;
    };
    const auto subject = party("subject");
    const auto owner = party("interestedParty");
    if (!subject || !owner) {
      batch.warnings.push_back(where +
                               ": subject or interested party unspecified; "
                               "skipped");
      continue;
    }
    if (!s.contains("interests") || !s["interests"].is_array()) continue;
    const json& interests = s["interests"];
    for (std::size_t j = 0; j < interests.size(); ++j) {
      const json& in = interests[j];
      const std::string type = JsonText(in, "type");
      const std::string ref = where + " interest " + std::to_string(j) + " " +
                              (type.empty() ? "?" : type);
      Holding h;
      h.owner = *owner;
      h.owned = *subject;
      h.source = "bods";
      h.record_ref = ref;
      h.valid_from = DatePart(JsonText(in, "startDate"));
      h.valid_to = DatePart(JsonText(in, "endDate"));
      if (type == "shareholding") {
        h.kind = HoldingKind::kShares;
      } else if (type == "voting-rights") {
        h.kind = HoldingKind::kVoting;
      } else if (type == "unknown-interest") {
        h.kind = HoldingKind::kShares;  // unknown: never silently 0%
      } else {
        // appointment-of-board, other-influence-or-control, senior managing
        // official, trusts, rights by contract, ...: control, not ownership.
        h.kind = HoldingKind::kControl;
      }
      if (in.contains("share") && in["share"].is_object()) {
        const json& share = in["share"];
        auto number = [&](const char* key) -> std::optional<double> {
          auto it = share.find(key);
          if (it == share.end() || !it->is_number()) return std::nullopt;
          return it->get<double>();
        };
        if (auto exact = number("exact")) {
          h.percent = exact;
        } else if (auto max = number("maximum")) {
          // A range: the upper bound, the conservative reading for the 50%
          // rules; the record_ref keeps the range.
          h.percent = max;
          h.record_ref += " (range " +
                          std::to_string(number("minimum").value_or(0)) + ".." +
                          std::to_string(*max) + ", upper bound used)";
        } else if (auto min = number("minimum")) {
          h.percent = min;
          h.record_ref += " (at least, lower bound used)";
        }
      }
      const std::string level = JsonText(in, "interestLevel");
      if (level == "indirect" && h.kind != HoldingKind::kControl) {
        // An indirect interest summarizes a chain whose links are stated on
        // their own; counting it as a direct edge would count twice.
        h.kind = HoldingKind::kControl;
        h.record_ref +=
            " (indirect interest: reported as control, not "
            "counted)";
      }
      batch.holdings.push_back(std::move(h));
    }
  }
  batch.entities = entities.Take();
  if (auto valid = ValidateBatch(batch); !valid) {
    return std::unexpected(valid.error());
  }
  return batch;
}

// --- Validation ------------------------------------------------------------

Result<void> ValidateBatch(RecordBatch& batch) {
  auto check_dates = [](const std::string& ref, const std::string& from,
                        const std::string& to) -> Result<void> {
    for (const std::string* d : {&from, &to}) {
      if (!d->empty() && !IsIsoDate(*d)) {
        return Fail(ErrorCode::kInvalidArgument,
                    ref + ": date \"" + *d + "\" is not YYYY-MM-DD");
      }
    }
    if (!from.empty() && !to.empty() && from > to) {
      return Fail(ErrorCode::kInvalidArgument,
                  ref + ": valid_from " + from + " is after valid_to " + to);
    }
    return Ok();
  };
  for (const Holding& h : batch.holdings) {
    if (h.percent && (*h.percent < 0 || *h.percent > 100)) {
      return Fail(ErrorCode::kInvalidArgument,
                  h.record_ref + ": percent " + std::to_string(*h.percent) +
                      " is outside 0..100 (" + h.owner + " -> " + h.owned +
                      ")");
    }
    if (h.owner == h.owned) {
      return Fail(ErrorCode::kInvalidArgument,
                  h.record_ref + ": " + h.owner + " cannot own itself");
    }
    if (auto d = check_dates(h.record_ref, h.valid_from, h.valid_to); !d) {
      return d;
    }
  }
  for (const UltimateParentRecord& u : batch.ultimate_parents) {
    if (auto d = check_dates(u.record_ref, u.valid_from, u.valid_to); !d) {
      return d;
    }
  }
  for (const Entity& e : batch.entities) {
    for (const Listing& l : e.listings) {
      if (auto d = check_dates(e.id + " listing " + l.list + ":" + l.party_id,
                               l.listed_from, l.listed_to);
          !d) {
        return d;
      }
    }
  }
  // Owners' shares of one kind summing past 100% on some date: checked on
  // each date a holding starts (sums only change there).
  std::map<std::pair<std::string, HoldingKind>, std::vector<const Holding*>>
      by_owned;
  for (const Holding& h : batch.holdings) {
    if (h.percent && h.kind != HoldingKind::kControl) {
      by_owned[{h.owned, h.kind}].push_back(&h);
    }
  }
  std::set<std::string> existing(batch.warnings.begin(), batch.warnings.end());
  for (const auto& [key, holdings] : by_owned) {
    if (holdings.size() < 2) continue;
    for (const Holding* at : holdings) {
      const std::string& date = at->valid_from;
      double sum = 0;
      for (const Holding* h : holdings) {
        const bool started = h->valid_from.empty() || h->valid_from <= date;
        const bool not_ended =
            h->valid_to.empty() || (!date.empty() && h->valid_to >= date);
        if (started && not_ended) sum += *h->percent;
      }
      if (sum > 100.0 + 1e-9) {
        std::string message =
            batch.file + ": owners' " + Str(HoldingKindName(key.second)) +
            " of " + key.first + " sum to " + std::to_string(sum) + "%" +
            (date.empty() ? "" : " on " + date) +
            ", past 100% (data error; shares are used as given)";
        if (existing.insert(message).second) {
          batch.warnings.push_back(std::move(message));
        }
        break;
      }
    }
  }
  return Ok();
}

}  // namespace clearance::ownership
