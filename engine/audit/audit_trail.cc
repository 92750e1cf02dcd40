#include "engine/audit/audit_trail.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <utility>

#include "engine/crypto/sha256.h"
#include "engine/store/audit_store.h"

namespace clearance::audit {
namespace {

using store::AuditRow;
using store::AuditStore;

constexpr std::string_view kHashDomain = "clearance-audit-v1";

// Most records one group commit takes (bounds one transaction's size and
// the latency of the callers that wait for it).
constexpr std::size_t kMaxGroupRecords = 1024;

bool IsDecision(RecordKind kind) { return kind == RecordKind::kDecision; }

std::string MakeId(RecordKind kind, std::int64_t seq) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%c-%06lld", IsDecision(kind) ? 'D' : 'A',
                static_cast<long long>(seq));
  return buf;
}

void HashField(crypto::Sha256& h, std::string_view field) {
  std::array<char, 8> len;
  std::uint64_t n = field.size();
  for (int i = 7; i >= 0; --i) {
    len[static_cast<std::size_t>(i)] = static_cast<char>(n & 0xff);
    n >>= 8;
  }
  h.Update(std::string_view(len.data(), len.size()));
  h.Update(field);
}

AuditRow ToRow(const AuditRecord& r) {
  AuditRow row;
  row.seq = r.seq;
  row.id = r.id;
  row.kind = std::string(RecordKindName(r.kind));
  row.created_at = r.created_at;
  row.actor = r.actor;
  row.subject = r.subject;
  row.refers_to = r.refers_to;
  row.outcome = r.outcome;
  row.reason = r.reason;
  row.input_json = r.input_json;
  row.output_json = r.output_json;
  row.prev_hash = r.prev_hash;
  row.record_hash = r.record_hash;
  return row;
}

// REQUIRES: row.kind is a known kind name (checked by the caller).
AuditRecord FromRow(AuditRow row) {
  AuditRecord r;
  r.seq = row.seq;
  r.id = std::move(row.id);
  r.kind = RecordKindFromName(row.kind).value_or(RecordKind::kDecision);
  r.created_at = std::move(row.created_at);
  r.actor = std::move(row.actor);
  r.subject = std::move(row.subject);
  r.refers_to = std::move(row.refers_to);
  r.outcome = std::move(row.outcome);
  r.reason = std::move(row.reason);
  r.input_json = std::move(row.input_json);
  r.output_json = std::move(row.output_json);
  r.prev_hash = std::move(row.prev_hash);
  r.record_hash = std::move(row.record_hash);
  return r;
}

Result<AuditRecord> RecordFromRow(AuditRow row) {
  if (!RecordKindFromName(row.kind)) {
    return Fail(
        ErrorCode::kIntegrity,
        "audit record " + row.id + ": unknown kind \"" + row.kind + "\"");
  }
  return FromRow(std::move(row));
}

std::string Describe(const AuditRecord& r, std::size_t index) {
  return "audit record " + std::to_string(index + 1) + " (" +
         std::string(RecordKindName(r.kind)) + ", subject \"" + r.subject +
         "\")";
}

// CanonicalJson in one pass, without building a document: nlohmann::json
// parse + dump costs ~200 us for a 5 KB decision, more than the whole
// durable append budget (5,000/s). Output is byte-identical to
// nlohmann::json::parse(text).dump(-1, ' ', false, strict) (tested against
// it in tests/audit/audit_trail_test.cc): keys sorted bytewise, the last of
// duplicate keys kept, strings re-escaped as nlohmann does, numbers other
// than plain integers formatted by nlohmann itself.
class Canonicalizer {
 public:
  explicit Canonicalizer(std::string_view in) : in_(in) {}

  bool Run(std::string& out) {
    if (in_.starts_with("\xEF\xBB\xBF")) pos_ = 3;  // a BOM, as nlohmann
    SkipSpace();
    if (!Value(out, 0)) return false;
    SkipSpace();
    if (pos_ != in_.size()) return Error("unexpected text after the value");
    return true;
  }
  const std::string& error() const { return error_; }
  std::size_t error_at() const { return pos_; }

 private:
  static constexpr int kMaxDepth = 512;

  bool Error(std::string what) {
    if (error_.empty()) error_ = std::move(what);
    return false;
  }
  void SkipSpace() {
    while (pos_ < in_.size() && (in_[pos_] == ' ' || in_[pos_] == '\n' ||
                                 in_[pos_] == '\r' || in_[pos_] == '\t')) {
      ++pos_;
    }
  }
  bool Literal(std::string_view word, std::string& out) {
    if (in_.substr(pos_, word.size()) != word) return Error("invalid literal");
    pos_ += word.size();
    out += word;
    return true;
  }

  bool Value(std::string& out, int depth) {
    if (depth > kMaxDepth) return Error("nested deeper than 512");
    if (pos_ >= in_.size()) return Error("unexpected end of input");
    switch (in_[pos_]) {
      case '{':
        return Object(out, depth);
      case '[':
        return Array(out, depth);
      case '"': {
        std::string text;
        if (!String(text)) return false;
        Escape(text, out);
        return true;
      }
      case 't':
        return Literal("true", out);
      case 'f':
        return Literal("false", out);
      case 'n':
        return Literal("null", out);
      default:
        return Number(out);
    }
  }

  bool Object(std::string& out, int depth) {
    struct Member {
      std::string key;
      std::size_t begin, end;  // "key":value in out
    };
    const std::size_t start = out.size();
    ++pos_;
    out += '{';
    std::vector<Member> members;
    SkipSpace();
    if (pos_ < in_.size() && in_[pos_] == '}') {
      ++pos_;
      out += '}';
      return true;
    }
    while (true) {
      SkipSpace();
      if (pos_ >= in_.size() || in_[pos_] != '"') {
        return Error("expected a string key");
      }
      Member m;
      if (!String(m.key)) return false;
      if (!members.empty()) out += ',';
      m.begin = out.size();
      Escape(m.key, out);
      out += ':';
      SkipSpace();
      if (pos_ >= in_.size() || in_[pos_] != ':') return Error("expected ':'");
      ++pos_;
      SkipSpace();
      if (!Value(out, depth + 1)) return false;
      m.end = out.size();
      members.push_back(std::move(m));
      SkipSpace();
      if (pos_ < in_.size() && in_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < in_.size() && in_[pos_] == '}') {
        ++pos_;
        break;
      }
      return Error("expected ',' or '}'");
    }
    out += '}';
    bool sorted = true;
    for (std::size_t i = 1; i < members.size() && sorted; ++i) {
      sorted = members[i - 1].key < members[i].key;
    }
    if (sorted) return true;
    // Reorder: sort by key (stable, so duplicates stay in input order) and
    // keep the last of each duplicate, as nlohmann::json does.
    std::vector<std::size_t> order(members.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) {
                       return members[a].key < members[b].key;
                     });
    std::string object = "{";
    for (std::size_t i = 0; i < order.size(); ++i) {
      if (i + 1 < order.size() &&
          members[order[i]].key == members[order[i + 1]].key) {
        continue;
      }
      if (object.size() > 1) object += ',';
      const Member& m = members[order[i]];
      object.append(out, m.begin, m.end - m.begin);
    }
    object += '}';
    out.resize(start);
    out += object;
    return true;
  }

  bool Array(std::string& out, int depth) {
    ++pos_;
    out += '[';
    SkipSpace();
    if (pos_ < in_.size() && in_[pos_] == ']') {
      ++pos_;
      out += ']';
      return true;
    }
    while (true) {
      SkipSpace();
      if (!Value(out, depth + 1)) return false;
      SkipSpace();
      if (pos_ < in_.size() && in_[pos_] == ',') {
        ++pos_;
        out += ',';
        continue;
      }
      if (pos_ < in_.size() && in_[pos_] == ']') {
        ++pos_;
        out += ']';
        return true;
      }
      return Error("expected ',' or ']'");
    }
  }

  static bool Digit(char c) { return c >= '0' && c <= '9'; }

  bool Number(std::string& out) {
    const std::size_t start = pos_;
    if (pos_ < in_.size() && in_[pos_] == '-') ++pos_;
    if (pos_ >= in_.size() || !Digit(in_[pos_])) {
      return Error("invalid value");
    }
    if (in_[pos_] == '0') {
      ++pos_;
    } else {
      while (pos_ < in_.size() && Digit(in_[pos_])) ++pos_;
    }
    bool plain = true;
    if (pos_ < in_.size() && in_[pos_] == '.') {
      plain = false;
      ++pos_;
      if (pos_ >= in_.size() || !Digit(in_[pos_])) {
        return Error("expected a digit after '.'");
      }
      while (pos_ < in_.size() && Digit(in_[pos_])) ++pos_;
    }
    if (pos_ < in_.size() && (in_[pos_] == 'e' || in_[pos_] == 'E')) {
      plain = false;
      ++pos_;
      if (pos_ < in_.size() && (in_[pos_] == '+' || in_[pos_] == '-')) ++pos_;
      if (pos_ >= in_.size() || !Digit(in_[pos_])) {
        return Error("expected a digit in the exponent");
      }
      while (pos_ < in_.size() && Digit(in_[pos_])) ++pos_;
    }
    const std::string_view token = in_.substr(start, pos_ - start);
    // Integers of up to 18 digits are written back as read by nlohmann
    // ("-0" aside); anything else is formatted by nlohmann itself.
    if (plain && token.size() <= 18 && token != "-0") {
      out += token;
      return true;
    }
    nlohmann::json number = nlohmann::json::parse(token, nullptr, false);
    if (number.is_discarded()) return Error("invalid number");
    out += number.dump();
    return true;
  }

  bool Hex4(std::uint32_t& v) {
    if (pos_ + 4 > in_.size()) return Error("incomplete \\u escape");
    v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = in_[pos_++];
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= static_cast<std::uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        v |= static_cast<std::uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        v |= static_cast<std::uint32_t>(c - 'A' + 10);
      } else {
        return Error("invalid \\u escape");
      }
    }
    return true;
  }

  static void AppendUtf8(std::uint32_t cp, std::string& out) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  // Length of the valid UTF-8 sequence at `p` (RFC 3629: no overlongs, no
  // surrogates, at most U+10FFFF), 0 if invalid.
  std::size_t Utf8Length(std::size_t p) const {
    auto byte = [&](std::size_t i) -> unsigned {
      return p + i < in_.size() ? static_cast<unsigned char>(in_[p + i])
                                : 0x100u;
    };
    auto cont = [&](std::size_t i) { return (byte(i) & 0xC0) == 0x80; };
    const unsigned b0 = byte(0);
    if (b0 >= 0xC2 && b0 <= 0xDF) return cont(1) ? 2 : 0;
    if (b0 >= 0xE0 && b0 <= 0xEF) {
      const unsigned b1 = byte(1);
      if (b0 == 0xE0 && (b1 < 0xA0 || b1 > 0xBF)) return 0;
      if (b0 == 0xED && (b1 < 0x80 || b1 > 0x9F)) return 0;
      return cont(1) && cont(2) ? 3 : 0;
    }
    if (b0 >= 0xF0 && b0 <= 0xF4) {
      const unsigned b1 = byte(1);
      if (b0 == 0xF0 && (b1 < 0x90 || b1 > 0xBF)) return 0;
      if (b0 == 0xF4 && (b1 < 0x80 || b1 > 0x8F)) return 0;
      return cont(1) && cont(2) && cont(3) ? 4 : 0;
    }
    return 0;
  }

  // Decodes the string at pos_ (which is '"') into UTF-8 `text`.
  bool String(std::string& text) {
    ++pos_;
    while (true) {
      if (pos_ >= in_.size()) return Error("unterminated string");
      const unsigned char c = static_cast<unsigned char>(in_[pos_]);
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c < 0x20) return Error("control character in a string");
      if (c == '\\') {
        if (++pos_ >= in_.size()) return Error("unterminated string");
        const char e = in_[pos_++];
        switch (e) {
          case '"':
            text += '"';
            break;
          case '\\':
            text += '\\';
            break;
          case '/':
            text += '/';
            break;
          case 'b':
            text += '\b';
            break;
          case 'f':
            text += '\f';
            break;
          case 'n':
            text += '\n';
            break;
          case 'r':
            text += '\r';
            break;
          case 't':
            text += '\t';
            break;
          case 'u': {
            std::uint32_t cp = 0;
            if (!Hex4(cp)) return false;
            if (cp >= 0xDC00 && cp <= 0xDFFF) {
              return Error("lone low surrogate");
            }
            if (cp >= 0xD800 && cp <= 0xDBFF) {
              std::uint32_t low = 0;
              if (in_.substr(pos_, 2) != "\\u") {
                return Error("high surrogate without a low one");
              }
              pos_ += 2;
              if (!Hex4(low)) return false;
              if (low < 0xDC00 || low > 0xDFFF) {
                return Error("high surrogate without a low one");
              }
              cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            }
            AppendUtf8(cp, text);
            break;
          }
          default:
            return Error("invalid escape");
        }
        continue;
      }
      if (c < 0x80) {
        text += static_cast<char>(c);
        ++pos_;
        continue;
      }
      const std::size_t n = Utf8Length(pos_);
      if (n == 0) return Error("invalid UTF-8");
      text.append(in_, pos_, n);
      pos_ += n;
    }
  }

  // As nlohmann::json::dump with ensure_ascii = false.
  static void Escape(std::string_view text, std::string& out) {
    static constexpr char kHex[] = "0123456789abcdef";
    out += '"';
    for (const char ch : text) {
      const unsigned char c = static_cast<unsigned char>(ch);
      switch (c) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\b':
          out += "\\b";
          break;
        case '\f':
          out += "\\f";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        default:
          if (c < 0x20) {
            out += "\\u00";
            out += kHex[c >> 4];
            out += kHex[c & 0xF];
          } else {
            out += ch;
          }
      }
    }
    out += '"';
  }

  std::string_view in_;
  std::size_t pos_ = 0;
  std::string error_;
};

// ----- Retention helpers -----------------------------------------------------

bool Digits(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) return false;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

int Number(std::string_view s, std::size_t pos, std::size_t n) {
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) v = v * 10 + (s[i] - '0');
  return v;
}

bool LeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  return m == 2 && LeapYear(y) ? 29 : kDays[m - 1];
}

// A UTC time as "YYYY-MM-DDTHH:MM:SSZ" from "YYYY-MM-DD" (midnight) or that
// form itself; nullopt for anything else or an impossible date.
std::optional<std::string> NormalizeTime(std::string_view t) {
  if (t.size() != 10 && t.size() != 20) return std::nullopt;
  if (!Digits(t, 0, 4) || t[4] != '-' || !Digits(t, 5, 2) || t[7] != '-' ||
      !Digits(t, 8, 2)) {
    return std::nullopt;
  }
  const int y = Number(t, 0, 4), m = Number(t, 5, 2), d = Number(t, 8, 2);
  if (m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, m)) return std::nullopt;
  if (t.size() == 10) return std::string(t) + "T00:00:00Z";
  if (t[10] != 'T' || !Digits(t, 11, 2) || t[13] != ':' || !Digits(t, 14, 2) ||
      t[16] != ':' || !Digits(t, 17, 2) || t[19] != 'Z' ||
      Number(t, 11, 2) > 23 || Number(t, 14, 2) > 59 || Number(t, 17, 2) > 60) {
    return std::nullopt;
  }
  return std::string(t);
}

// `time` (normalized) minus whole years; 29 February becomes 28 February in
// a common year (the earlier day: retention errs on keeping).
std::string MinusYears(const std::string& time, int years) {
  const int y = Number(time, 0, 4) - years;
  const int m = Number(time, 5, 2);
  int d = Number(time, 8, 2);
  d = std::min(d, DaysInMonth(y, m));
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", std::max(y, 0), m, d);
  return buf + time.substr(10);
}

// The sortable "YYYY-MM-DDTHH:MM:SS" of a record's created_at; nullopt when
// it does not start with an ISO 8601 date and time (or is a bare date).
std::optional<std::string> SortableCreatedAt(std::string_view created_at) {
  if (created_at.size() == 10) {
    auto t = NormalizeTime(created_at);
    if (!t) return std::nullopt;
    return t->substr(0, 19);
  }
  if (created_at.size() < 19) return std::nullopt;
  auto t = NormalizeTime(std::string(created_at.substr(0, 19)) + "Z");
  if (!t) return std::nullopt;
  return t->substr(0, 19);
}

// The seq a decision id "D-000123" names (ids are MakeId of seq, which
// Verify checks); nullopt for anything else.
std::optional<std::int64_t> DecisionSeq(std::string_view id) {
  if (id.size() < 3 || id[0] != 'D' || id[1] != '-') return std::nullopt;
  std::int64_t seq = 0;
  auto [p, ec] = std::from_chars(id.data() + 2, id.data() + id.size(), seq);
  if (ec != std::errc() || p != id.data() + id.size() || seq < 1) {
    return std::nullopt;
  }
  return seq;
}

// What a purge_checkpoint record's input_json holds about the range.
struct CheckpointRange {
  std::int64_t first_seq = 0, last_seq = 0;
  std::string last_record_hash;
};

std::optional<CheckpointRange> ReadCheckpoint(const AuditRow& row) {
  const nlohmann::json j =
      nlohmann::json::parse(row.input_json, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  auto first = j.find("first_seq");
  auto last = j.find("last_seq");
  auto hash = j.find("last_record_hash");
  if (first == j.end() || last == j.end() || hash == j.end() ||
      !first->is_number_integer() || !last->is_number_integer() ||
      !hash->is_string()) {
    return std::nullopt;
  }
  CheckpointRange r{first->get<std::int64_t>(), last->get<std::int64_t>(),
                    hash->get<std::string>()};
  if (r.first_seq < 1 || r.last_seq < r.first_seq || r.last_seq >= row.seq ||
      r.last_record_hash.size() != 64) {
    return std::nullopt;
  }
  return r;
}

}  // namespace

std::string_view RecordKindName(RecordKind kind) {
  switch (kind) {
    case RecordKind::kDecision:
      return "decision";
    case RecordKind::kClearHit:
      return "clear_hit";
    case RecordKind::kOverride:
      return "override";
    case RecordKind::kSecondApproval:
      return "second_approval";
    case RecordKind::kPurgeCheckpoint:
      return "purge_checkpoint";
  }
  return "unknown";
}

std::optional<RecordKind> RecordKindFromName(std::string_view name) {
  for (RecordKind k :
       {RecordKind::kDecision, RecordKind::kClearHit, RecordKind::kOverride,
        RecordKind::kSecondApproval, RecordKind::kPurgeCheckpoint}) {
    if (RecordKindName(k) == name) return k;
  }
  return std::nullopt;
}

Review ReviewActions(const AuditRecord& decision,
                     const std::vector<AuditRecord>& actions) {
  Review review;
  review.effective_outcome = decision.outcome;
  std::map<std::string, const AuditRecord*> overrides;
  for (const AuditRecord& a : actions) {
    if (a.refers_to == decision.id && a.kind == RecordKind::kOverride) {
      overrides[a.id] = &a;
    }
  }
  for (const AuditRecord& a : actions) {
    if (a.refers_to != decision.id || a.kind != RecordKind::kSecondApproval) {
      continue;
    }
    const nlohmann::json input =
        nlohmann::json::parse(a.input_json, nullptr, false);
    if (!input.is_object() || !input.contains("override") ||
        !input["override"].is_string()) {
      continue;
    }
    const std::string id = input["override"].get<std::string>();
    auto it = overrides.find(id);
    if (it == overrides.end() || it->second->seq > a.seq ||
        it->second->actor == a.actor) {
      continue;  // names no earlier override of this decision, or same eyes
    }
    review.approvals.emplace(id, a.id);  // the first approval counts
  }
  const AuditRecord* latest = nullptr;
  for (const auto& [id, o] : overrides) {
    if (review.approvals.contains(id) && (!latest || o->seq > latest->seq)) {
      latest = o;
    }
  }
  if (latest != nullptr) {
    review.effective_outcome = latest->outcome;
    review.effective_by = latest->id;
  }
  return review;
}

Result<std::string> CanonicalJson(const std::string& json) {
  std::string out;
  out.reserve(json.size());
  Canonicalizer c(json);
  if (!c.Run(out)) {
    return Fail(ErrorCode::kParse, "not valid JSON at byte " +
                                       std::to_string(c.error_at()) + ": " +
                                       c.error());
  }
  return out;
}

std::string ComputeRecordHash(const AuditRecord& r) {
  crypto::Sha256 h;
  HashField(h, kHashDomain);
  HashField(h, r.prev_hash);
  HashField(h, std::to_string(r.seq));
  HashField(h, r.id);
  HashField(h, RecordKindName(r.kind));
  HashField(h, r.created_at);
  HashField(h, r.actor);
  HashField(h, r.subject);
  HashField(h, r.refers_to);
  HashField(h, r.outcome);
  HashField(h, r.reason);
  HashField(h, r.input_json);
  HashField(h, r.output_json);
  return h.FinishHex();
}

// Group commit: callers queue their records; the first caller that finds no
// commit in progress becomes the leader, takes everything queued (up to
// kMaxGroupRecords) and commits it in one transaction while later callers
// queue behind it; when it is done it wakes them, and one of those leads
// the next group. Every caller returns only after its own group committed.
struct AuditTrail::Impl {
  std::string path;
  AuditOptions options;

  struct Pending {
    std::vector<AuditRecord>* records;
    std::optional<Error> error;
    bool done = false;
  };
  std::mutex queue_mu;
  std::condition_variable queue_cv;
  std::deque<Pending*> queue;
  bool committing = false;
  std::unique_ptr<AuditStore> writer;  // used by the leader only

  // Read connections, one per concurrent reader, reused.
  mutable std::mutex readers_mu;
  mutable std::vector<std::unique_ptr<AuditStore>> readers;

  struct Lease {
    const Impl* impl;
    std::unique_ptr<AuditStore> store;
    Lease(const Impl* i, std::unique_ptr<AuditStore> s)
        : impl(i), store(std::move(s)) {}
    Lease(Lease&&) = default;
    ~Lease() {
      if (store) {
        std::lock_guard lock(impl->readers_mu);
        impl->readers.push_back(std::move(store));
      }
    }
    AuditStore* operator->() const { return store.get(); }
  };
  Result<Lease> Reader() const {
    {
      std::lock_guard lock(readers_mu);
      if (!readers.empty()) {
        Lease lease(this, std::move(readers.back()));
        readers.pop_back();
        return lease;
      }
    }
    auto opened = AuditStore::Open(path);
    if (!opened) return std::unexpected(opened.error());
    return Lease(this, std::move(*opened));
  }

  // Commits the records of `group` in one transaction.
  Result<void> CommitGroup(const std::vector<Pending*>& group) {
    std::vector<AuditRow> rows;
    for (const Pending* p : group) {
      for (const AuditRecord& r : *p->records) rows.push_back(ToRow(r));
    }
    auto stored =
        writer->Append(std::move(rows),
                       [&](const store::AuditHead& head,
                           std::vector<AuditRow>& to_seal) -> Result<void> {
                         std::int64_t seq = head.seq;
                         std::string prev = head.record_hash;
                         std::size_t i = 0;
                         for (Pending* p : group) {
                           for (AuditRecord& r : *p->records) {
                             r.seq = ++seq;
                             r.id = MakeId(r.kind, r.seq);
                             r.prev_hash = prev;
                             r.record_hash = ComputeRecordHash(r);
                             prev = r.record_hash;
                             AuditRow& row = to_seal[i++];
                             row.seq = r.seq;
                             row.id = r.id;
                             row.prev_hash = r.prev_hash;
                             row.record_hash = r.record_hash;
                           }
                         }
                         return Ok();
                       });
    if (!stored) return std::unexpected(stored.error());
    return Ok();
  }

  // Queues `records` and returns once they are committed (or failed).
  Result<void> Enqueue(std::vector<AuditRecord>& records) {
    Pending mine{&records, std::nullopt, false};
    std::unique_lock lock(queue_mu);
    queue.push_back(&mine);
    while (true) {
      queue_cv.wait(lock, [&] { return mine.done || !committing; });
      if (mine.done) break;
      // Lead one group: the queue's oldest entries, FIFO, at least one. If
      // earlier entries fill the group, this caller leads or joins a later
      // one (the loop).
      committing = true;
      std::vector<Pending*> group;
      std::size_t count = 0;
      while (!queue.empty() &&
             (group.empty() ||
              count + queue.front()->records->size() <= kMaxGroupRecords)) {
        count += queue.front()->records->size();
        group.push_back(queue.front());
        queue.pop_front();
      }
      lock.unlock();
      Result<void> committed = CommitGroup(group);
      lock.lock();
      for (Pending* p : group) {
        if (!committed) p->error = committed.error();
        p->done = true;
      }
      committing = false;
      queue_cv.notify_all();
    }
    if (mine.error) return std::unexpected(*mine.error);
    return Ok();
  }

  // Runs `write` as if it were a commit group of its own: no group commits
  // while it runs, and appends queue behind it. A write from another
  // connection of this process (the purge) then never contends with the
  // group commits for SQLite's lock, where a stream of appends could keep
  // it waiting past the busy timeout.
  template <typename F>
  auto Exclusive(F&& write) {
    std::unique_lock lock(queue_mu);
    queue_cv.wait(lock, [&] { return !committing; });
    committing = true;
    lock.unlock();
    auto result = write();
    lock.lock();
    committing = false;
    queue_cv.notify_all();
    return result;
  }

  // Checks and canonicalizes one record before it is queued.
  Result<void> Prepare(AuditRecord& r, std::size_t index) const {
    const std::string where = Describe(r, index);
    if (r.kind == RecordKind::kPurgeCheckpoint) {
      return Fail(ErrorCode::kInvalidArgument,
                  where + ": purge checkpoints are written by Purge only");
    }
    if (r.created_at.empty()) {
      return Fail(ErrorCode::kInvalidArgument, where + ": created_at is empty");
    }
    if (IsDecision(r.kind)) {
      if (r.outcome.empty()) {
        return Fail(ErrorCode::kInvalidArgument,
                    where + ": a decision needs an outcome");
      }
    } else {
      if (r.kind == RecordKind::kOverride && r.reason.empty()) {
        return Fail(ErrorCode::kInvalidArgument,
                    where + ": an override needs a reason");
      }
      if (r.refers_to.empty()) {
        return Fail(ErrorCode::kInvalidArgument,
                    where + ": an action needs refers_to (a decision id)");
      }
      auto reader = Reader();
      if (!reader) return std::unexpected(reader.error());
      auto target = (*reader)->FindById(r.refers_to);
      if (!target) return std::unexpected(target.error());
      if (!*target ||
          (*target)->kind != RecordKindName(RecordKind::kDecision)) {
        return Fail(ErrorCode::kNotFound, where + ": refers_to \"" +
                                              r.refers_to +
                                              "\" is not a stored decision");
      }
    }
    for (std::string* json : {&r.input_json, &r.output_json}) {
      if (json->empty()) continue;
      auto canonical = CanonicalJson(*json);
      if (!canonical) {
        return std::unexpected(canonical.error().WithContext(
            where +
            (json == &r.input_json ? ": input_json" : ": output_json")));
      }
      *json = std::move(*canonical);
    }
    return Ok();
  }
};

AuditTrail::AuditTrail() : impl_(std::make_unique<Impl>()) {}
AuditTrail::~AuditTrail() = default;

Result<std::unique_ptr<AuditTrail>> AuditTrail::Open(
    const std::string& db_path, const AuditOptions& options) {
  if (options.retention_years < 1) {
    return Fail(ErrorCode::kInvalidArgument,
                "audit retention must be at least 1 year (EAR part 762: 5, "
                "OFAC 31 CFR 501.601: 10), got " +
                    std::to_string(options.retention_years));
  }
  auto writer = AuditStore::Open(db_path);
  if (!writer) return std::unexpected(writer.error());
  std::unique_ptr<AuditTrail> trail(new AuditTrail());
  trail->impl_->path = db_path;
  trail->impl_->options = options;
  trail->impl_->writer = std::move(*writer);
  return trail;
}

Result<AuditRecord> AuditTrail::Append(AuditRecord record) {
  std::vector<AuditRecord> one;
  one.push_back(std::move(record));
  auto stored = AppendBatch(std::move(one));
  if (!stored) return std::unexpected(stored.error());
  return std::move(stored->front());
}

Result<std::vector<AuditRecord>> AuditTrail::AppendBatch(
    std::vector<AuditRecord> records) {
  if (records.empty()) return records;
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (auto ok = impl_->Prepare(records[i], i); !ok) {
      return std::unexpected(ok.error());
    }
  }
  if (auto committed = impl_->Enqueue(records); !committed) {
    return std::unexpected(committed.error());
  }
  return records;
}

Result<AuditRecord> AuditTrail::Get(const std::string& id) const {
  auto reader = impl_->Reader();
  if (!reader) return std::unexpected(reader.error());
  auto row = (*reader)->FindById(id);
  if (!row) return std::unexpected(row.error());
  if (!*row) {
    return Fail(ErrorCode::kNotFound, "no audit record \"" + id + "\"");
  }
  return RecordFromRow(std::move(**row));
}

Result<std::vector<AuditRecord>> AuditTrail::List(
    const std::string& subject, int limit,
    std::optional<RecordKind> kind) const {
  auto reader = impl_->Reader();
  if (!reader) return std::unexpected(reader.error());
  auto rows = (*reader)->List(
      subject, kind ? RecordKindName(*kind) : std::string_view(), limit);
  if (!rows) return std::unexpected(rows.error());
  std::vector<AuditRecord> out;
  out.reserve(rows->size());
  for (AuditRow& row : *rows) {
    auto r = RecordFromRow(std::move(row));
    if (!r) return std::unexpected(r.error());
    out.push_back(std::move(*r));
  }
  return out;
}

Result<std::vector<AuditRecord>> AuditTrail::ActionsFor(
    const std::string& decision_id) const {
  auto reader = impl_->Reader();
  if (!reader) return std::unexpected(reader.error());
  auto rows = (*reader)->ReferringTo(decision_id);
  if (!rows) return std::unexpected(rows.error());
  std::vector<AuditRecord> out;
  for (AuditRow& row : *rows) {
    auto r = RecordFromRow(std::move(row));
    if (!r) return std::unexpected(r.error());
    out.push_back(std::move(*r));
  }
  return out;
}

Result<void> AuditTrail::ForEach(
    const std::function<bool(const AuditRecord&)>& visit) const {
  auto reader = impl_->Reader();
  if (!reader) return std::unexpected(reader.error());
  std::optional<Error> bad;
  auto head = (*reader)->ForEach([&](const AuditRow& row) {
    auto r = RecordFromRow(row);
    if (!r) {
      bad = r.error();
      return false;
    }
    return visit(*r);
  });
  if (!head) return std::unexpected(head.error());
  if (bad) return std::unexpected(*bad);
  return {};
}

Result<AuditHead> AuditTrail::Head() const {
  auto reader = impl_->Reader();
  if (!reader) return std::unexpected(reader.error());
  auto head = (*reader)->Head();
  if (!head) return std::unexpected(head.error());
  return AuditHead{head->seq, head->record_hash};
}

namespace {

// Called for every record that verified, in seq order.
using VerifiedRow = std::function<void(const AuditRow&, RecordKind)>;

// The chain walk of Verify (see the header), in one read snapshot of
// `store`. Calls `verified` (if set) for each record that checks out and
// stores the snapshot's recorded head in `*snapshot_head` (if set).
Result<VerifyReport> VerifyChain(AuditStore& store, const AuditHead& anchor,
                                 const VerifiedRow& verified,
                                 store::AuditHead* snapshot_head) {
  VerifyReport report;
  auto broken = [&](std::int64_t seq, std::string id, std::string problem) {
    report.ok = false;
    report.first_broken_seq = seq;
    report.first_broken_id = std::move(id);
    report.problem = std::move(problem);
  };
  std::int64_t expected = 0;  // 0 until the first record
  std::string prev_hash;
  // The first record held. After a purge (seq > 1) its prev_hash is vouched
  // for by a checkpoint later in the chain: `linked` until then is false.
  std::int64_t first = 0;
  std::string first_id, first_prev_hash;
  bool linked = true;
  bool anchor_seen = anchor.seq <= 0;
  std::string anchor_purged_by;
  auto head = store.ForEach([&](const AuditRow& row) {
    ++report.records;
    if (expected == 0) {
      expected = first = report.first_seq = row.seq;
      first_id = row.id;
      if (row.seq > 1) {
        linked = false;
        first_prev_hash = prev_hash = row.prev_hash;
      } else if (row.seq < 1) {
        broken(row.seq, row.id,
               "seq " + std::to_string(row.seq) + " (seqs start at 1)");
        return false;
      }
    }
    if (row.seq != expected) {
      broken(expected, "",
             "seq gap (record " + std::to_string(expected) +
                 " missing; the next record is " + row.id + ", seq " +
                 std::to_string(row.seq) + ")");
      return false;
    }
    const std::optional<RecordKind> kind = RecordKindFromName(row.kind);
    if (!kind) {
      broken(row.seq, row.id, "unknown kind \"" + row.kind + "\"");
      return false;
    }
    if (row.prev_hash != prev_hash) {
      broken(row.seq, row.id,
             row.seq == 1
                 ? std::string("prev_hash of the first record is not empty")
                 : "prev_hash does not match record " +
                       std::to_string(row.seq - 1) +
                       "'s record_hash (a record was removed, reordered or "
                       "rewritten)");
      return false;
    }
    AuditRecord r = FromRow(row);
    if (ComputeRecordHash(r) != row.record_hash) {
      broken(row.seq, row.id, "record_hash does not match content");
      return false;
    }
    if (row.id != MakeId(*kind, row.seq)) {
      broken(row.seq, row.id,
             "id does not match seq and kind (expected " +
                 MakeId(*kind, row.seq) + ")");
      return false;
    }
    if (*kind == RecordKind::kPurgeCheckpoint) {
      const std::optional<CheckpointRange> range = ReadCheckpoint(row);
      if (!range) {
        broken(row.seq, row.id,
               "purge checkpoint input_json does not hold a valid range "
               "(first_seq <= last_seq < its own seq, last_record_hash)");
        return false;
      }
      const std::string removed = std::to_string(range->first_seq) + ".." +
                                  std::to_string(range->last_seq);
      if (range->last_seq >= first) {
        broken(row.seq, row.id,
               "purge checkpoint says records " + removed +
                   " were removed, but record " + std::to_string(first) +
                   " is held");
        return false;
      }
      if (!linked && range->last_seq == first - 1) {
        if (range->last_record_hash != first_prev_hash) {
          broken(first, first_id,
                 "prev_hash does not match the record_hash that purge "
                 "checkpoint " +
                     row.id + " holds for the last removed record " +
                     std::to_string(range->last_seq) +
                     " (a record was removed, reordered or rewritten)");
          return false;
        }
        linked = true;
        report.purge_checkpoint = row.id;
        if (anchor.seq > 0 && anchor.seq < first) {
          if (anchor.seq != range->last_seq) {
            anchor_purged_by = row.id;
          } else if (range->last_record_hash != anchor.record_hash) {
            broken(anchor.seq, "",
                   "record " + std::to_string(anchor.seq) +
                       " was purged; purge checkpoint " + row.id +
                       " holds its record_hash as " + range->last_record_hash +
                       ", which differs from the anchored head " +
                       anchor.record_hash);
            return false;
          } else {
            anchor_seen = true;
          }
        }
      }
    }
    if (row.seq == anchor.seq) {
      anchor_seen = true;
      if (row.record_hash != anchor.record_hash) {
        broken(
            row.seq, row.id,
            "record_hash differs from the anchored head " + anchor.record_hash);
        return false;
      }
    }
    if (verified) verified(row, *kind);
    prev_hash = row.record_hash;
    ++expected;
    return true;
  });
  if (!head) return std::unexpected(head.error());
  if (snapshot_head != nullptr) *snapshot_head = *head;
  if (!report.ok) return report;
  const std::int64_t last = expected == 0 ? 0 : expected - 1;
  if (!linked) {
    broken(first, first_id,
           "records before seq " + std::to_string(first) +
               " are missing and no purge checkpoint covers them (its "
               "prev_hash " +
               first_prev_hash + " is vouched for by no checkpoint)");
  } else if (head->seq < 0) {
    broken(last, "", "the audit_head row is missing (the table was edited)");
  } else if (head->seq > last) {
    broken(last + 1, "",
           "record " + std::to_string(last + 1) +
               " missing: the recorded head is seq " +
               std::to_string(head->seq) +
               " (the newest records were removed)");
  } else if (head->seq < last || head->record_hash != prev_hash) {
    broken(last, "",
           "the recorded head (seq " + std::to_string(head->seq) +
               ") does not name the last record (seq " + std::to_string(last) +
               ")");
  } else if (!anchor_seen && !anchor_purged_by.empty()) {
    broken(anchor.seq, "",
           "record " + std::to_string(anchor.seq) +
               " of the anchored head was purged under retention (the chain "
               "now starts at seq " +
               std::to_string(first) + "; purge checkpoint " +
               anchor_purged_by +
               " vouches for the link to the removed records), so the anchor "
               "can no longer be checked: use a head exported after the "
               "purge");
    report.anchor_purged_by = anchor_purged_by;
  } else if (!anchor_seen) {
    broken(last + 1, "",
           "record " + std::to_string(anchor.seq) +
               " of the anchored head is missing (the chain ends at seq " +
               std::to_string(last) + ")");
  }
  return report;
}

}  // namespace

Result<VerifyReport> AuditTrail::Verify() const {
  return Verify(AuditHead{0, ""});
}

Result<VerifyReport> AuditTrail::Verify(const AuditHead& anchor) const {
  auto reader = impl_->Reader();
  if (!reader) return std::unexpected(reader.error());
  return VerifyChain(*reader->store, anchor, nullptr, nullptr);
}

Result<PurgeReport> AuditTrail::Purge(const std::string& before,
                                      const std::string& now,
                                      const PurgeOptions& options) {
  const std::optional<std::string> cutoff = NormalizeTime(before);
  if (!cutoff) {
    return Fail(ErrorCode::kInvalidArgument,
                "purge: the cutoff '" + before +
                    "' is not a UTC date or time (YYYY-MM-DD or "
                    "YYYY-MM-DDTHH:MM:SSZ)");
  }
  const std::optional<std::string> clock = NormalizeTime(now);
  if (!clock) {
    return Fail(ErrorCode::kInvalidArgument,
                "purge: the current time '" + now +
                    "' is not YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ");
  }
  PurgeReport report;
  report.dry_run = options.dry_run;
  report.before = *cutoff;
  report.retention_years = impl_->options.retention_years;
  report.latest_cutoff = MinusYears(*clock, report.retention_years);
  if (report.before > report.latest_cutoff) {
    return Fail(ErrorCode::kFailedPrecondition,
                "purge: the cutoff " + report.before +
                    " is within the retention period: records are kept " +
                    std::to_string(report.retention_years) + " years, so at " +
                    *clock + " only records created before " +
                    report.latest_cutoff +
                    " may be purged; nothing was purged");
  }
  const std::string cutoff_key = report.before.substr(0, 19);

  // Plan in one read snapshot, verifying the chain as it is walked: the
  // prefix older than the cutoff, and every reference an action makes.
  struct Ref {
    std::int64_t seq;     // the referring record
    std::int64_t target;  // the seq of the decision it refers to
  };
  std::vector<Ref> refs;
  std::vector<RecordKind> kinds;  // of the records older than the cutoff
  std::int64_t first = 0, older_end = 0;
  bool prefix_open = true;
  auto reader = impl_->Reader();
  if (!reader) return std::unexpected(reader.error());
  store::AuditHead head;
  auto verified = VerifyChain(
      *reader->store, AuditHead{0, ""},
      [&](const AuditRow& row, RecordKind kind) {
        if (first == 0) first = row.seq;
        if (prefix_open) {
          const std::optional<std::string> created =
              SortableCreatedAt(row.created_at);
          if (created && *created < cutoff_key) {
            older_end = row.seq;
            kinds.push_back(kind);
          } else {
            prefix_open = false;
            report.kept_from_seq = row.seq;
            report.kept_from_id = row.id;
            report.stop_reason = created ? "created " + row.created_at +
                                               ", not before the cutoff"
                                         : "its created_at '" + row.created_at +
                                               "' is not a UTC date and time";
          }
        }
        if (!row.refers_to.empty()) {
          // An unreadable reference keeps everything (it cannot be placed).
          refs.push_back({row.seq, DecisionSeq(row.refers_to).value_or(0)});
        }
      },
      &head);
  if (!verified) return std::unexpected(verified.error());
  if (!verified->ok) {
    const std::string who =
        verified->first_broken_id.empty()
            ? "seq " + std::to_string(verified->first_broken_seq.value_or(0))
            : verified->first_broken_id;
    return Fail(ErrorCode::kIntegrity,
                "purge: the audit trail does not verify (at " + who + ": " +
                    verified->problem +
                    "); a broken trail is never purged, as that could remove "
                    "the evidence: investigate it first");
  }
  if (first == 0) {
    report.stop_reason = "the audit trail is empty";
    return report;
  }
  if (prefix_open) {
    report.stop_reason =
        "every record held was created before the cutoff (the checkpoint "
        "will be the only record)";
  }

  // A kept record's reference keeps its decision, and so every record from
  // that decision on: shrink the prefix until no kept record refers into it.
  std::int64_t end = older_end;
  if (!refs.empty()) {
    std::vector<std::size_t> min_at(refs.size());  // argmin of target[i..]
    for (std::size_t i = refs.size(); i-- > 0;) {
      min_at[i] =
          i + 1 < refs.size() && refs[min_at[i + 1]].target < refs[i].target
              ? min_at[i + 1]
              : i;
    }
    while (end >= first) {
      const auto it = std::upper_bound(
          refs.begin(), refs.end(), end,
          [](std::int64_t e, const Ref& r) { return e < r.seq; });
      if (it == refs.end()) break;
      const Ref& blocker =
          refs[min_at[static_cast<std::size_t>(it - refs.begin())]];
      if (blocker.target > end) break;
      end = std::max<std::int64_t>(blocker.target, first) - 1;
      report.kept_from_seq = end + 1;
      report.kept_from_id =
          MakeId(kinds[static_cast<std::size_t>(end + 1 - first)], end + 1);
      report.stop_reason = "referred to by " +
                           MakeId(RecordKind::kOverride, blocker.seq) +
                           ", which is kept";
    }
  }
  if (end < first) return report;

  report.first_seq = first;
  report.last_seq = end;
  report.removed = end - first + 1;
  report.first_id = MakeId(kinds.front(), first);
  report.last_id = MakeId(kinds[static_cast<std::size_t>(end - first)], end);
  for (RecordKind k :
       {RecordKind::kDecision, RecordKind::kClearHit, RecordKind::kOverride,
        RecordKind::kSecondApproval, RecordKind::kPurgeCheckpoint}) {
    const auto n = std::count(
        kinds.begin(),
        kinds.begin() + static_cast<std::ptrdiff_t>(report.removed), k);
    if (n > 0) report.removed_by_kind.emplace_back(RecordKindName(k), n);
  }
  auto last_row = (*reader)->FindBySeq(end);
  if (!last_row) return std::unexpected(last_row.error());
  auto first_row = (*reader)->FindBySeq(first);
  if (!first_row) return std::unexpected(first_row.error());
  if (!*last_row || !*first_row) {
    return Fail(ErrorCode::kFailedPrecondition,
                "purge: the audit trail changed while the purge was planned "
                "(another purge?); nothing was purged: run it again");
  }
  report.last_record_hash = (*last_row)->record_hash;
  if (options.dry_run) return report;

  AuditRecord checkpoint;
  checkpoint.kind = RecordKind::kPurgeCheckpoint;
  checkpoint.created_at = *clock;
  checkpoint.actor = options.actor;
  checkpoint.reason = "retention: records created before " + report.before +
                      " (retention " + std::to_string(report.retention_years) +
                      " years)";
  nlohmann::json by_kind = nlohmann::json::object();
  for (const auto& [name, n] : report.removed_by_kind) by_kind[name] = n;
  auto input = CanonicalJson(nlohmann::json{
      {"before", report.before},
      {"first_seq", report.first_seq},
      {"last_seq", report.last_seq},
      {"first_id", report.first_id},
      {"last_id", report.last_id},
      {"first_prev_hash", (*first_row)->prev_hash},
      {"last_record_hash", report.last_record_hash},
      {"records", report.removed},
      {"retention_years", report.retention_years},
      {"latest_cutoff",
       report.latest_cutoff}}.dump());
  auto output = CanonicalJson(nlohmann::json{
      {"removed", report.removed},
      {"removed_by_kind",
       by_kind}}.dump());
  if (!input || !output) {
    return Fail(ErrorCode::kInternal, "purge: checkpoint JSON");
  }
  checkpoint.input_json = std::move(*input);
  checkpoint.output_json = std::move(*output);

  store::AuditPurge purge;
  purge.first_seq = report.first_seq;
  purge.last_seq = report.last_seq;
  purge.last_record_hash = report.last_record_hash;
  purge.planned_through_seq = head.seq;
  auto stored = impl_->Exclusive([&] {
    return (*reader)->Purge(
        purge, ToRow(checkpoint),
        [&](const store::AuditHead& now_head,
            std::vector<AuditRow>& rows) -> Result<void> {
          checkpoint.seq = now_head.seq + 1;
          checkpoint.id = MakeId(checkpoint.kind, checkpoint.seq);
          checkpoint.prev_hash = now_head.record_hash;
          checkpoint.record_hash = ComputeRecordHash(checkpoint);
          rows.front() = ToRow(checkpoint);
          return Ok();
        });
  });
  if (!stored) return std::unexpected(stored.error());
  report.checkpoint = std::move(checkpoint);
  return report;
}

}  // namespace clearance::audit
