#include "engine/rules/json_reader.h"

#include <cstdint>
#include <cstdlib>
#include <string>

namespace clearance::rules::internal {
namespace {

class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  Result<PositionedJson> Run() {
    PositionedJson out;
    offsets_ = &out.offsets;
    SkipSpace();
    if (!ParseValue("", &out.value)) return Failure();
    SkipSpace();
    if (pos_ != text_.size()) {
      Expect("end of input");
      return Failure();
    }
    return out;
  }

 private:
  std::unexpected<Error> Failure() {
    const TextPos p = PositionOf(text_, error_offset_);
    return Fail(ErrorCode::kParse, std::to_string(p.line) + ":" +
                                       std::to_string(p.column) + ": " +
                                       error_);
  }

  bool Expect(std::string what) {
    if (error_.empty()) {
      error_offset_ = pos_;
      error_ = "invalid JSON: expected " + what;
      if (pos_ >= text_.size()) {
        error_ += ", found end of input";
      } else {
        error_ += std::string(", found '") + text_[pos_] + "'";
      }
    }
    return false;
  }

  void SkipSpace() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\n' || text_[pos_] == '\t' ||
            text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool ParseValue(const std::string& pointer, nlohmann::json* out) {
    if (++depth_ > 200) return Expect("less nesting");
    (*offsets_)[pointer] = pos_;
    bool ok = ParseValueInner(pointer, out);
    --depth_;
    return ok;
  }

  static std::string Escape(const std::string& key) {
    std::string out;
    for (char c : key) {
      if (c == '~') {
        out += "~0";
      } else if (c == '/') {
        out += "~1";
      } else {
        out += c;
      }
    }
    return out;
  }

  bool ParseValueInner(const std::string& pointer, nlohmann::json* out) {
    if (pos_ >= text_.size()) return Expect("a value");
    const char c = text_[pos_];
    if (c == '{') {
      ++pos_;
      *out = nlohmann::json::object();
      SkipSpace();
      if (pos_ < text_.size() && text_[pos_] == '}') {
        ++pos_;
        return true;
      }
      while (true) {
        SkipSpace();
        if (pos_ >= text_.size() || text_[pos_] != '"') {
          return Expect("a string key");
        }
        const size_t key_offset = pos_;
        std::string key;
        if (!ParseString(&key)) return false;
        if (out->contains(key)) {
          pos_ = key_offset;
          return Expect("no duplicate key \"" + key + "\"");
        }
        SkipSpace();
        if (pos_ >= text_.size() || text_[pos_] != ':') return Expect("':'");
        ++pos_;
        SkipSpace();
        nlohmann::json child;
        if (!ParseValue(pointer + "/" + Escape(key), &child)) return false;
        (*out)[key] = std::move(child);
        SkipSpace();
        if (pos_ < text_.size() && text_[pos_] == ',') {
          ++pos_;
          continue;
        }
        if (pos_ < text_.size() && text_[pos_] == '}') {
          ++pos_;
          return true;
        }
        return Expect("',' or '}'");
      }
    }
    if (c == '[') {
      ++pos_;
      *out = nlohmann::json::array();
      SkipSpace();
      if (pos_ < text_.size() && text_[pos_] == ']') {
        ++pos_;
        return true;
      }
      for (size_t i = 0;; ++i) {
        SkipSpace();
        nlohmann::json child;
        if (!ParseValue(pointer + "/" + std::to_string(i), &child)) {
          return false;
        }
        out->push_back(std::move(child));
        SkipSpace();
        if (pos_ < text_.size() && text_[pos_] == ',') {
          ++pos_;
          continue;
        }
        if (pos_ < text_.size() && text_[pos_] == ']') {
          ++pos_;
          return true;
        }
        return Expect("',' or ']'");
      }
    }
    if (c == '"') {
      std::string s;
      if (!ParseString(&s)) return false;
      *out = std::move(s);
      return true;
    }
    if (text_.substr(pos_).starts_with("true")) {
      pos_ += 4;
      *out = true;
      return true;
    }
    if (text_.substr(pos_).starts_with("false")) {
      pos_ += 5;
      *out = false;
      return true;
    }
    if (text_.substr(pos_).starts_with("null")) {
      pos_ += 4;
      *out = nullptr;
      return true;
    }
    if (c == '-' || (c >= '0' && c <= '9')) return ParseNumber(out);
    return Expect("a value");
  }

  bool ParseNumber(nlohmann::json* out) {
    const size_t start = pos_;
    bool is_float = false;
    if (text_[pos_] == '-') ++pos_;
    auto digits = [&] {
      const size_t from = pos_;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
        ++pos_;
      }
      return pos_ > from;
    };
    if (!digits()) return Expect("a digit");
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      is_float = true;
      if (!digits()) return Expect("a digit after '.'");
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      is_float = true;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) {
        ++pos_;
      }
      if (!digits()) return Expect("an exponent");
    }
    const std::string number(text_.substr(start, pos_ - start));
    if (!is_float && number.size() < 18) {
      *out = std::strtoll(number.c_str(), nullptr, 10);
    } else {
      *out = std::strtod(number.c_str(), nullptr);
    }
    return true;
  }

  static void AppendUtf8(std::uint32_t cp, std::string* out) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  bool Hex4(std::uint32_t* cp) {
    if (pos_ + 4 > text_.size()) return Expect("4 hex digits");
    *cp = 0;
    for (int i = 0; i < 4; ++i) {
      const char h = text_[pos_];
      *cp <<= 4;
      if (h >= '0' && h <= '9') {
        *cp |= static_cast<std::uint32_t>(h - '0');
      } else if (h >= 'a' && h <= 'f') {
        *cp |= static_cast<std::uint32_t>(h - 'a' + 10);
      } else if (h >= 'A' && h <= 'F') {
        *cp |= static_cast<std::uint32_t>(h - 'A' + 10);
      } else {
        return Expect("a hex digit");
      }
      ++pos_;
    }
    return true;
  }

  bool ParseString(std::string* out) {
    ++pos_;  // opening quote
    while (true) {
      if (pos_ >= text_.size()) return Expect("'\"' closing the string");
      const char c = text_[pos_];
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (static_cast<unsigned char>(c) < 0x20) {
        return Expect("no control character in a string (use \\n)");
      }
      if (c != '\\') {
        out->push_back(c);
        ++pos_;
        continue;
      }
      ++pos_;
      if (pos_ >= text_.size()) return Expect("an escape");
      const char e = text_[pos_++];
      switch (e) {
        case '"':
          out->push_back('"');
          break;
        case '\\':
          out->push_back('\\');
          break;
        case '/':
          out->push_back('/');
          break;
        case 'b':
          out->push_back('\b');
          break;
        case 'f':
          out->push_back('\f');
          break;
        case 'n':
          out->push_back('\n');
          break;
        case 'r':
          out->push_back('\r');
          break;
        case 't':
          out->push_back('\t');
          break;
        case 'u': {
          std::uint32_t cp = 0;
          if (!Hex4(&cp)) return false;
          if (cp >= 0xD800 && cp < 0xDC00 &&
              text_.substr(pos_).starts_with("\\u")) {
            pos_ += 2;
            std::uint32_t low = 0;
            if (!Hex4(&low)) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          AppendUtf8(cp, out);
          break;
        }
        default:
          --pos_;
          return Expect("a valid escape");
      }
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
  int depth_ = 0;
  std::map<std::string, size_t, std::less<>>* offsets_ = nullptr;
  std::string error_;
  size_t error_offset_ = 0;
};

}  // namespace

Result<PositionedJson> ReadPositionedJson(std::string_view text) {
  return Reader(text).Run();
}

TextPos PositionOf(std::string_view text, size_t offset) {
  TextPos p;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++p.line;
      p.column = 1;
    } else {
      ++p.column;
    }
  }
  return p;
}

size_t OffsetInString(std::string_view text, size_t quote_offset,
                      size_t decoded_offset) {
  size_t pos = quote_offset + 1;
  size_t decoded = 0;
  while (pos < text.size() && text[pos] != '"' && decoded < decoded_offset) {
    if (text[pos] == '\\' && pos + 1 < text.size()) {
      if (text[pos + 1] == 'u') {
        pos += 6;
        decoded += 1;  // approximate: one UTF-8 unit per \u escape
      } else {
        pos += 2;
        decoded += 1;
      }
    } else {
      ++pos;
      ++decoded;
    }
  }
  return pos;
}

}  // namespace clearance::rules::internal
