#include "engine/text/normalize.h"

#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "engine/common/embedded.h"
#include "engine/text/script.h"

namespace clearance {
// Defined by clearance_embed (engine/CMakeLists.txt): data/reference/*.tsv.
const std::vector<EmbeddedFile>& TextTables();
}  // namespace clearance

namespace clearance::text {

namespace {

// ---------------------------------------------------------------- helpers

void AppendUtf8(std::string& out, UChar32 c) {
  char buffer[4];
  int32_t n = 0;
  U8_APPEND_UNSAFE(reinterpret_cast<uint8_t*>(buffer), n, c);
  out.append(buffer, static_cast<size_t>(n));
}

std::string ToUtf8(std::u32string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t c : s) AppendUtf8(out, static_cast<UChar32>(c));
  return out;
}

std::u32string ToU32(std::string_view utf8) {
  std::u32string out;
  const auto* s = reinterpret_cast<const uint8_t*>(utf8.data());
  const int32_t length = static_cast<int32_t>(utf8.size());
  int32_t i = 0;
  while (i < length) {
    UChar32 c = 0;
    U8_NEXT(s, i, length, c);
    if (c >= 0) out.push_back(static_cast<char32_t>(c));
  }
  return out;
}

std::u32string ToU32(const icu::UnicodeString& u) {
  std::u32string out;
  out.reserve(static_cast<size_t>(u.length()));
  for (int32_t i = 0; i < u.length();) {
    const UChar32 c = u.char32At(i);
    out.push_back(static_cast<char32_t>(c));
    i += U16_LENGTH(c);
  }
  return out;
}

icu::UnicodeString ToUnicode(std::u32string_view s) {
  icu::UnicodeString u;
  for (char32_t c : s) u.append(static_cast<UChar32>(c));
  return u;
}

std::string LowerAlnum(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c >= 'A' && c <= 'Z')
      out.push_back(static_cast<char>(c - 'A' + 'a'));
    else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
      out.push_back(c);
  }
  return out;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    const size_t pos = s.find(sep, start);
    out.push_back(s.substr(start, pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// Rows of a TSV table, comments and blank lines skipped.
std::vector<std::vector<std::string_view>> TsvRows(std::string_view content) {
  std::vector<std::vector<std::string_view>> rows;
  for (std::string_view line : Split(content, '\n')) {
    line = Trim(line);
    if (line.empty() || line.front() == '#') continue;
    rows.push_back(Split(line, '\t'));
  }
  return rows;
}

std::string_view TableContent(std::string_view name) {
  for (const auto& file : TextTables()) {
    if (file.name == name) return file.content;
  }
  return {};
}

enum class ScriptClass {
  kNone,
  kLatin,
  kHan,
  kKana,
  kHangul,
  kCyrillic,
  kArabic,
  kHebrew,
  kThai,
  kOther
};

ScriptClass ClassOf(UChar32 c) {
  if (c < 0x80) {
    return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
               ? ScriptClass::kLatin
               : ScriptClass::kNone;
  }
  UErrorCode status = U_ZERO_ERROR;
  const UScriptCode script = uscript_getScript(c, &status);
  if (U_FAILURE(status)) return ScriptClass::kNone;
  switch (script) {
    case USCRIPT_COMMON:
    case USCRIPT_INHERITED:
    case USCRIPT_UNKNOWN:
      return ScriptClass::kNone;
    case USCRIPT_LATIN:
      return ScriptClass::kLatin;
    case USCRIPT_HAN:
      return ScriptClass::kHan;
    case USCRIPT_HIRAGANA:
    case USCRIPT_KATAKANA:
      return ScriptClass::kKana;
    case USCRIPT_HANGUL:
      return ScriptClass::kHangul;
    case USCRIPT_CYRILLIC:
      return ScriptClass::kCyrillic;
    case USCRIPT_ARABIC:
      return ScriptClass::kArabic;
    case USCRIPT_HEBREW:
      return ScriptClass::kHebrew;
    case USCRIPT_THAI:
      return ScriptClass::kThai;
    default:
      return ScriptClass::kOther;
  }
}

bool IsApostrophe(UChar32 c) {
  return c == '\'' || c == 0x2019 || c == 0x2018 || c == 0x02BC || c == '`' ||
         c == 0x00B4 || c == 0x02BB;
}

// Latin letters without a canonical decomposition.
const char* LatinSpecial(UChar32 c) {
  switch (c) {
    case 0x00DF:
      return "ss";  // ß
    case 0x00E6:
      return "ae";  // æ
    case 0x0153:
      return "oe";  // œ
    case 0x00F8:
      return "o";  // ø
    case 0x0111:
      return "d";  // đ
    case 0x00F0:
      return "d";  // ð
    case 0x00FE:
      return "th";  // þ
    case 0x0142:
      return "l";  // ł
    case 0x0131:
      return "i";  // ı
    case 0x014B:
      return "ng";  // ŋ
    case 0x0127:
      return "h";  // ħ
    case 0x0259:
      return "a";  // ə
    case 0x0138:
      return "k";  // ĸ
    case 0x0140:
      return "l";  // ŀ
    case 0x0167:
      return "t";  // ŧ
    case 0x01A1:
      return "o";  // ơ (also decomposes; kept for safety)
    case 0x01B0:
      return "u";  // ư
    case 0x0292:
      return "z";  // ʒ
    default:
      return nullptr;
  }
}

// ------------------------------------------------------------ token model

struct Tok {
  std::string key;
  std::string surface;
  std::string folded;  // case-folded original script form
  TokenRole role = TokenRole::kWord;
  std::string legal_form;
  bool fixed = false;  // role decided by the Han segmenter
};

using TokList = std::vector<Tok>;

// One piece of the name with its alternative romanizations; option 0 is the
// primary one.
struct Segment {
  std::vector<TokList> options;
};

struct Word {
  std::u32string text;
  ScriptClass script = ScriptClass::kNone;
  bool comma_after = false;
  bool ampersand = false;
};

enum class Where { kAny, kEdge, kStart, kEntity };

struct LegalForm {
  std::vector<std::pair<std::string, std::string>> seq;  // (key, folded)
  std::string canonical;
  Where where = Where::kAny;
};

struct HanWord {
  std::vector<std::string> english;  // translated keys (word, place)
  std::string legal_form;            // non-empty for legal forms
  bool place = false;
};

struct Tables {
  std::vector<LegalForm> legal_forms;
  std::unordered_map<std::string, std::vector<size_t>> legal_by_first;
  std::unordered_set<std::string> single_legal;  // one-token forms, not kEntity
  std::unordered_map<std::string, std::string> abbreviations;
  std::unordered_map<std::u32string, HanWord> han_words;
  size_t max_han_len = 1;
  std::unordered_map<std::u32string, std::string> ja_family, ja_given,
      zh_family2;
  size_t max_ja_family = 1;
  std::unordered_map<char32_t, std::vector<std::string>> ko_hanja, ko_syllable;
  std::unordered_map<std::u32string, std::vector<std::string>> arabic;
  std::unordered_map<std::u32string, std::vector<std::string>> hebrew, thai;
  std::unordered_map<std::string, std::uint16_t> given_groups;
  std::unordered_map<std::string, std::uint16_t> legal_families;
  std::unordered_set<std::string> places;
};

// ICU's Thai-Latin output (ISO 11940, ASCII-folded: "smchay") towards the
// usual RTGS-style spelling ("somchai"): the inherent vowel "o" between an
// initial consonant and a following consonant that does not form a
// cluster (only at the start of the word), final "ay" -> "ai", "aw" -> "ao".
std::string ThaiFold(std::string_view key) {
  auto vowel = [](char c) {
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
  };
  auto cluster = [](char a, char b) {
    if (b == 'h') return a == 'k' || a == 'p' || a == 't' || a == 'c';
    if (b == 'r' || b == 'l') return a == 'k' || a == 'p' || a == 't';
    return a == 'n' && b == 'g';
  };
  std::string out(key);
  if (key.size() >= 3 && !vowel(key[0]) && !vowel(key[1]) && key[0] != 'y' &&
      key[0] != 'w' && !cluster(key[0], key[1])) {
    out.insert(1, 1, 'o');
  }
  if (out.size() >= 3 && out.ends_with("ay"))
    out.replace(out.size() - 2, 2, "ai");
  if (out.size() >= 3 && out.ends_with("aw"))
    out.replace(out.size() - 2, 2, "ao");
  return out;
}

std::atomic<uint64_t> next_normalizer_id{1};

}  // namespace

// ---------------------------------------------------------------- Impl

struct NameNormalizer::Impl {
  NormalizerOptions options;
  uint64_t id = 0;
  const icu::Normalizer2* nfkc = nullptr;
  const icu::Normalizer2* nfd = nullptr;
  // Prototypes, cloned per thread (ICU transliterators are not thread-safe).
  std::unique_ptr<icu::Transliterator> any_latin, bgn, han;
  Tables tables;

  struct PerThread {
    std::unique_ptr<icu::Transliterator> any_latin, bgn, han;
    std::unordered_map<char32_t, std::string> pinyin;
  };
  PerThread& Thread() const;

  // Pipeline pieces.
  std::u32string Clean(std::string_view utf8) const;
  std::vector<Word> SplitWords(const std::u32string& text, NameKind kind) const;
  void Reorder(std::vector<Word>& words, NameKind kind, bool* inverted) const;
  std::string FoldedUtf8(std::u32string_view w) const;
  std::string LatinKey(std::u32string_view folded) const;
  std::string Translit(icu::Transliterator& t, std::u32string_view w) const;
  const std::string& Pinyin(char32_t c) const;
  std::vector<Segment> WordSegments(const std::vector<Word>& words, size_t* i,
                                    NameKind kind, bool han_person) const;
  void HanSegments(const std::u32string& w, bool person,
                   std::vector<Segment>* out) const;
  void HangulSegments(const std::u32string& w, bool person,
                      std::vector<Segment>* out) const;
  std::string CyrillicSimple(std::u32string_view folded) const;
  void Tag(TokList& toks, NameKind kind) const;
  std::vector<NameToken> Finish(TokList toks) const;
  std::vector<NameToken> FinishTokens(TokList toks) const;

  void LoadTables();
  TokList TokenizeForm(std::string_view form) const;
};

NameNormalizer::Impl::PerThread& NameNormalizer::Impl::Thread() const {
  thread_local std::unordered_map<uint64_t, std::unique_ptr<PerThread>> cache;
  auto& slot = cache[id];
  if (!slot) {
    slot = std::make_unique<PerThread>();
    slot->any_latin.reset(any_latin->clone());
    slot->bgn.reset(bgn->clone());
    slot->han.reset(han->clone());
  }
  return *slot;
}

// NFKC, invalid UTF-8 and unassigned/format characters dropped, controls
// turned into spaces. Input already cut to kMaxNameBytes.
std::u32string NameNormalizer::Impl::Clean(std::string_view utf8) const {
  std::u32string out;
  out.reserve(utf8.size());
  bool ascii = true;
  const auto* s = reinterpret_cast<const uint8_t*>(utf8.data());
  const int32_t length = static_cast<int32_t>(utf8.size());
  int32_t i = 0;
  while (i < length) {
    UChar32 c = 0;
    U8_NEXT(s, i, length, c);
    if (c < 0 || c == 0xFFFD) continue;
    if (c < 0x80) {
      out.push_back(c < 0x20 || c == 0x7F ? U' ' : static_cast<char32_t>(c));
      continue;
    }
    const int8_t type = u_charType(c);
    if (type == U_CONTROL_CHAR) {
      out.push_back(U' ');
      continue;
    }
    if (type == U_FORMAT_CHAR || type == U_UNASSIGNED || type == U_SURROGATE ||
        type == U_PRIVATE_USE_CHAR) {
      continue;
    }
    ascii = false;
    out.push_back(static_cast<char32_t>(c));
  }
  if (ascii) return out;
  UErrorCode status = U_ZERO_ERROR;
  const icu::UnicodeString normalized = nfkc->normalize(ToUnicode(out), status);
  if (U_FAILURE(status)) return out;
  return ToU32(normalized);
}

std::vector<Word> NameNormalizer::Impl::SplitWords(const std::u32string& text,
                                                   NameKind kind) const {
  std::vector<Word> raw;
  Word current;
  auto flush = [&] {
    if (!current.text.empty()) raw.push_back(std::move(current));
    current = Word();
  };
  for (char32_t c32 : text) {
    const auto c = static_cast<UChar32>(c32);
    if (IsApostrophe(c)) continue;
    if (c == ',' || c == 0x3001 || c == 0xFF64) {
      flush();
      if (!raw.empty()) raw.back().comma_after = true;
      continue;
    }
    if (c == '.') {
      current.text.push_back(U'.');
      continue;
    }
    if (c == '&') {
      flush();
      Word amp;
      amp.text = U"&";
      amp.ampersand = true;
      raw.push_back(std::move(amp));
      continue;
    }
    const bool letter_or_digit = u_isalnum(c) ||
                                 u_charType(c) == U_NON_SPACING_MARK ||
                                 u_charType(c) == U_COMBINING_SPACING_MARK ||
                                 u_charType(c) == U_ENCLOSING_MARK;
    if (!letter_or_digit) {
      flush();
      continue;
    }
    const ScriptClass cls = ClassOf(c);
    if (cls != ScriptClass::kNone) {
      const bool cjk_pair =
          (cls == ScriptClass::kHan && current.script == ScriptClass::kKana) ||
          (cls == ScriptClass::kKana && current.script == ScriptClass::kHan);
      if (cjk_pair) {
        current.script = ScriptClass::kKana;
      } else if (current.script != ScriptClass::kNone &&
                 current.script != cls) {
        flush();
      }
      if (current.script == ScriptClass::kNone) current.script = cls;
    }
    current.text.push_back(c32);
  }
  flush();

  // Dots: "S.A." / "o.o." / "L.L.C." join into one word; other dots split.
  std::vector<Word> words;
  for (Word& w : raw) {
    if (w.text.find(U'.') == std::u32string::npos) {
      words.push_back(std::move(w));
      continue;
    }
    std::vector<std::u32string> pieces;
    size_t start = 0;
    while (start <= w.text.size()) {
      size_t pos = w.text.find(U'.', start);
      if (pos == std::u32string::npos) pos = w.text.size();
      if (pos > start) pieces.push_back(w.text.substr(start, pos - start));
      start = pos + 1;
    }
    bool all_short = pieces.size() >= 2;
    for (const auto& p : pieces) all_short = all_short && p.size() <= 2;
    if (kind != NameKind::kPerson && all_short) {
      std::u32string joined;
      for (const auto& p : pieces) joined += p;
      pieces = {joined};
    }
    for (size_t k = 0; k < pieces.size(); ++k) {
      Word piece;
      piece.text = std::move(pieces[k]);
      piece.script = w.script;
      if (piece.script == ScriptClass::kNone) {
        for (char32_t c : piece.text) {
          const ScriptClass cls = ClassOf(static_cast<UChar32>(c));
          if (cls != ScriptClass::kNone) {
            piece.script = cls;
            break;
          }
        }
      }
      piece.comma_after = w.comma_after && k + 1 == pieces.size();
      words.push_back(std::move(piece));
    }
    if (pieces.empty() && w.comma_after && !words.empty())
      words.back().comma_after = true;
  }
  return words;
}

// "PUTIN, Vladimir Vladimirovich" -> "Vladimir Vladimirovich PUTIN".
void NameNormalizer::Impl::Reorder(std::vector<Word>& words, NameKind kind,
                                   bool* inverted) const {
  if (kind == NameKind::kEntity || words.size() < 2) return;
  size_t commas = 0;
  size_t first_comma = words.size();
  for (size_t i = 0; i < words.size(); ++i) {
    if (words[i].comma_after && i + 1 < words.size()) {
      ++commas;
      if (first_comma == words.size()) first_comma = i;
    }
  }
  if (commas == 0) return;
  const size_t before = first_comma + 1;
  const size_t after = words.size() - before;
  if (kind == NameKind::kUnknown) {
    if (commas != 1 || before > 3 || after > 3) return;
    for (const Word& w : words) {
      if (w.ampersand) return;
      for (char32_t c : w.text) {
        if (u_isdigit(static_cast<UChar32>(c))) return;
      }
      if (tables.single_legal.contains(LatinKey(ToU32(FoldedUtf8(w.text)))))
        return;
      const std::string key = LatinKey(ToU32(FoldedUtf8(w.text)));
      if (tables.legal_by_first.contains(key) ||
          tables.abbreviations.contains(key)) {
        return;
      }
    }
  }
  std::vector<Word> reordered;
  for (size_t i = before; i < words.size(); ++i) reordered.push_back(words[i]);
  for (size_t i = 0; i < before; ++i) reordered.push_back(words[i]);
  for (Word& w : reordered) w.comma_after = false;
  words = std::move(reordered);
  *inverted = true;
}

std::string NameNormalizer::Impl::FoldedUtf8(std::u32string_view w) const {
  std::string out;
  out.reserve(w.size());
  for (char32_t c : w) {
    if (c < 0x80) {
      out.push_back(
          static_cast<char>(c >= U'A' && c <= U'Z' ? c - U'A' + U'a' : c));
    } else {
      AppendUtf8(out, u_foldCase(static_cast<UChar32>(c), U_FOLD_CASE_DEFAULT));
    }
  }
  return out;
}

// Latin (with diacritics) to a key: decomposition, marks dropped.
std::string NameNormalizer::Impl::LatinKey(std::u32string_view folded) const {
  std::string out;
  out.reserve(folded.size());
  for (char32_t c32 : folded) {
    const auto c = static_cast<UChar32>(c32);
    if (c < 0x80) {
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
        out.push_back(static_cast<char>(c));
      else if (c >= 'A' && c <= 'Z')
        out.push_back(static_cast<char>(c - 'A' + 'a'));
      continue;
    }
    if (const char* special = LatinSpecial(c)) {
      out += special;
      continue;
    }
    icu::UnicodeString decomposition;
    if (!nfd->getDecomposition(c, decomposition)) continue;
    for (int32_t i = 0; i < decomposition.length();) {
      const UChar32 d = decomposition.char32At(i);
      i += U16_LENGTH(d);
      if (d < 0x80) {
        const UChar32 lower = u_tolower(d);
        if ((lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9')) {
          out.push_back(static_cast<char>(lower));
        }
      } else if (const char* sp = LatinSpecial(u_tolower(d))) {
        out += sp;
      }
    }
  }
  return out;
}

std::string NameNormalizer::Impl::Translit(icu::Transliterator& t,
                                           std::u32string_view w) const {
  icu::UnicodeString u = ToUnicode(w);
  t.transliterate(u);
  std::string utf8;
  u.toUTF8String(utf8);
  return LatinKey(ToU32(utf8));
}

const std::string& NameNormalizer::Impl::Pinyin(char32_t c) const {
  PerThread& thread = Thread();
  auto it = thread.pinyin.find(c);
  if (it != thread.pinyin.end()) return it->second;
  if (thread.pinyin.size() > 50000) thread.pinyin.clear();
  std::string key = Translit(*thread.han, std::u32string(1, c));
  return thread.pinyin.emplace(c, std::move(key)).first->second;
}

std::string NameNormalizer::Impl::CyrillicSimple(
    std::u32string_view folded) const {
  static const std::unordered_map<char32_t, const char*> kMap = {
      {U'а', "a"},  {U'б', "b"},    {U'в', "v"},  {U'г', "g"},  {U'д', "d"},
      {U'е', "e"},  {U'ё', "e"},    {U'ж', "zh"}, {U'з', "z"},  {U'и', "i"},
      {U'й', "y"},  {U'к', "k"},    {U'л', "l"},  {U'м', "m"},  {U'н', "n"},
      {U'о', "o"},  {U'п', "p"},    {U'р', "r"},  {U'с', "s"},  {U'т', "t"},
      {U'у', "u"},  {U'ф', "f"},    {U'х', "kh"}, {U'ц', "ts"}, {U'ч', "ch"},
      {U'ш', "sh"}, {U'щ', "shch"}, {U'ъ', ""},   {U'ы', "y"},  {U'ь', ""},
      {U'э', "e"},  {U'ю', "yu"},   {U'я', "ya"}, {U'і', "i"},  {U'ї', "yi"},
      {U'є', "ye"}, {U'ґ', "g"},    {U'ў', "u"},  {U'қ', "k"},  {U'ғ', "g"},
      {U'ң', "n"},  {U'ү', "u"},    {U'ұ', "u"},  {U'һ', "h"},  {U'ә', "a"},
      {U'ө', "o"}};
  std::string out;
  for (size_t i = 0; i < folded.size(); ++i) {
    const char32_t c = folded[i];
    const bool word_end = i + 2 == folded.size();
    if (word_end && (c == U'и' || c == U'ы') && folded[i + 1] == U'й') {
      out += "y";
      ++i;
      continue;
    }
    auto it = kMap.find(c);
    if (it != kMap.end()) {
      out += it->second;
    } else if (c < 0x80) {
      out += LowerAlnum(std::string(1, static_cast<char>(c)));
    }
  }
  return out;
}

namespace {

Tok MakeTok(std::string key, std::string surface, std::string folded) {
  Tok t;
  t.key = std::move(key);
  t.surface = std::move(surface);
  t.folded = std::move(folded);
  return t;
}

}  // namespace

void NameNormalizer::Impl::HanSegments(const std::u32string& w, bool person,
                                       std::vector<Segment>* out) const {
  const Tables& t = tables;
  if (person) {
    size_t family_len = 1;
    if (w.size() >= 3 && t.zh_family2.contains(w.substr(0, 2))) family_len = 2;
    family_len = std::min(family_len, w.size());
    Segment seg;
    TokList primary, split;
    std::string family;
    for (size_t i = 0; i < family_len; ++i) family += Pinyin(w[i]);
    primary.push_back(MakeTok(family, ToUtf8(w.substr(0, family_len)),
                              ToUtf8(w.substr(0, family_len))));
    split.push_back(primary.back());
    if (family_len < w.size()) {
      std::string given;
      for (size_t i = family_len; i < w.size(); ++i) {
        given += Pinyin(w[i]);
        std::u32string one(1, w[i]);
        split.push_back(MakeTok(Pinyin(w[i]), ToUtf8(one), ToUtf8(one)));
      }
      const std::string surface = ToUtf8(w.substr(family_len));
      primary.push_back(MakeTok(given, surface, surface));
    }
    seg.options.push_back(primary);
    // Japanese reading: family name from the glossary + given name.
    for (size_t len = std::min(t.max_ja_family, w.size()); len >= 1; --len) {
      auto fam = t.ja_family.find(w.substr(0, len));
      if (fam == t.ja_family.end()) continue;
      TokList ja;
      const std::string fs = ToUtf8(w.substr(0, len));
      ja.push_back(MakeTok(fam->second, fs, fs));
      if (len < w.size()) {
        auto given = t.ja_given.find(w.substr(len));
        if (given == t.ja_given.end()) continue;
        const std::string gs = ToUtf8(w.substr(len));
        ja.push_back(MakeTok(given->second, gs, gs));
      }
      seg.options.push_back(std::move(ja));
      break;
    }
    // Sino-Korean reading of Hanja names.
    bool covered = true;
    for (char32_t c : w) covered = covered && t.ko_hanja.contains(c);
    if (covered && w.size() >= 2) {
      TokList ko;
      for (char32_t c : w) {
        std::u32string one(1, c);
        ko.push_back(
            MakeTok(t.ko_hanja.at(c).front(), ToUtf8(one), ToUtf8(one)));
      }
      seg.options.push_back(std::move(ko));
    }
    if (split.size() > primary.size()) seg.options.push_back(std::move(split));
    out->push_back(std::move(seg));
    return;
  }

  // Entity: glossary words longest first, remaining runs joined.
  TokList primary, split, pinyin_only;
  std::u32string run;
  auto flush_run = [&] {
    if (run.empty()) return;
    std::string joined;
    for (char32_t c : run) {
      const std::string& py = Pinyin(c);
      joined += py;
      const std::string one = ToUtf8(std::u32string(1, c));
      split.push_back(MakeTok(py, one, one));
    }
    const std::string surface = ToUtf8(run);
    primary.push_back(MakeTok(joined, surface, surface));
    pinyin_only.push_back(primary.back());
    run.clear();
  };
  size_t i = 0;
  while (i < w.size()) {
    const HanWord* hit = nullptr;
    size_t hit_len = 0;
    for (size_t len = std::min(t.max_han_len, w.size() - i); len >= 2; --len) {
      auto it = t.han_words.find(w.substr(i, len));
      if (it != t.han_words.end()) {
        hit = &it->second;
        hit_len = len;
        break;
      }
    }
    if (hit == nullptr) {
      run.push_back(w[i]);
      ++i;
      continue;
    }
    flush_run();
    const std::u32string word = w.substr(i, hit_len);
    const std::string surface = ToUtf8(word);
    std::string py;
    for (char32_t c : word) py += Pinyin(c);
    if (!hit->legal_form.empty()) {
      Tok tok = MakeTok(py, surface, surface);
      tok.role = TokenRole::kLegalForm;
      tok.legal_form = hit->legal_form;
      tok.fixed = true;
      primary.push_back(tok);
      split.push_back(tok);
      pinyin_only.push_back(tok);
    } else {
      for (const std::string& e : hit->english) {
        primary.push_back(MakeTok(e, surface, surface));
        split.push_back(primary.back());
      }
      pinyin_only.push_back(MakeTok(py, surface, surface));
    }
    i += hit_len;
  }
  flush_run();
  Segment seg;
  seg.options.push_back(primary);
  if (split.size() != primary.size()) seg.options.push_back(split);
  seg.options.push_back(pinyin_only);
  out->push_back(std::move(seg));
}

void NameNormalizer::Impl::HangulSegments(const std::u32string& w, bool person,
                                          std::vector<Segment>* out) const {
  PerThread& thread = Thread();
  const std::string folded = FoldedUtf8(w);
  const std::string surface = ToUtf8(w);
  Segment seg;
  if (!person || w.size() < 2 || w.size() > 4) {
    seg.options.push_back(
        {MakeTok(Translit(*thread.any_latin, w), surface, folded)});
    out->push_back(std::move(seg));
    return;
  }
  // Person: family syllable + given name (Revised Romanization from ICU),
  // then customary spellings from the syllable table.
  const std::string family_surface = ToUtf8(w.substr(0, 1));
  const std::string given_surface = ToUtf8(w.substr(1));
  TokList rr = {MakeTok(Translit(*thread.any_latin, w.substr(0, 1)),
                        family_surface, family_surface),
                MakeTok(Translit(*thread.any_latin, w.substr(1)), given_surface,
                        given_surface)};
  bool covered = true;
  for (char32_t c : w) covered = covered && tables.ko_syllable.contains(c);
  if (!covered) {
    seg.options.push_back(std::move(rr));
    out->push_back(std::move(seg));
    return;
  }
  auto spelled = [&](size_t choice, bool join_given) {
    TokList toks;
    std::string given;
    for (size_t i = 0; i < w.size(); ++i) {
      const auto& options = tables.ko_syllable.at(w[i]);
      const std::string& s = options[std::min(choice, options.size() - 1)];
      const std::string one = ToUtf8(w.substr(i, 1));
      if (i == 0 || !join_given) {
        toks.push_back(MakeTok(s, one, one));
      } else {
        given += s;
      }
    }
    if (join_given)
      toks.push_back(MakeTok(given, given_surface, given_surface));
    return toks;
  };
  seg.options.push_back(spelled(0, false));  // kim jong un
  seg.options.push_back(spelled(0, true));   // kim jongun
  seg.options.push_back(std::move(rr));      // gim jeongeun
  seg.options.push_back(spelled(1, false));  // gim jung eun
  out->push_back(std::move(seg));
}

std::vector<Segment> NameNormalizer::Impl::WordSegments(
    const std::vector<Word>& words, size_t* index, NameKind kind,
    bool han_person) const {
  std::vector<Segment> out;
  const Word& word = words[*index];
  const std::u32string& w = word.text;
  ++*index;
  if (word.ampersand) {
    Tok t = MakeTok("and", "&", "&");
    out.push_back(Segment{{{t}}});
    return out;
  }
  const std::string surface = ToUtf8(w);
  bool ascii = true;
  for (char32_t c : w) ascii = ascii && c < 0x80;
  if (ascii) {
    const std::string key = LowerAlnum(surface);
    out.push_back(Segment{{{MakeTok(key, surface, key)}}});
    return out;
  }
  const std::string folded = FoldedUtf8(w);
  const std::u32string folded32 = ToU32(folded);
  switch (word.script) {
    case ScriptClass::kLatin:
    case ScriptClass::kNone:
      out.push_back(Segment{{{MakeTok(LatinKey(folded32), surface, folded)}}});
      return out;
    case ScriptClass::kHan:
      HanSegments(w, han_person, &out);
      return out;
    case ScriptClass::kHangul:
      HangulSegments(w, kind != NameKind::kEntity, &out);
      return out;
    case ScriptClass::kCyrillic: {
      Segment seg;
      seg.options.push_back(
          {MakeTok(Translit(*Thread().bgn, w), surface, folded)});
      std::string simple = CyrillicSimple(folded32);
      if (simple != seg.options[0][0].key) {
        seg.options.push_back({MakeTok(std::move(simple), surface, folded)});
      }
      out.push_back(std::move(seg));
      return out;
    }
    case ScriptClass::kArabic: {
      // Harakat, tatweel removed for the lookup.
      std::u32string bare;
      for (char32_t c : folded32) {
        if (c == 0x0640 ||
            u_charType(static_cast<UChar32>(c)) == U_NON_SPACING_MARK)
          continue;
        bare.push_back(c);
      }
      const std::vector<std::string>* spellings = nullptr;
      std::string pair_surface = surface;
      if (*index < words.size() &&
          words[*index].script == ScriptClass::kArabic) {
        auto it = tables.arabic.find(bare + U" " + words[*index].text);
        if (it != tables.arabic.end()) {
          spellings = &it->second;
          pair_surface += " " + ToUtf8(words[*index].text);
          ++*index;
        }
      }
      if (spellings == nullptr) {
        auto it = tables.arabic.find(bare);
        if (it != tables.arabic.end()) spellings = &it->second;
      }
      Segment seg;
      if (spellings != nullptr) {
        for (const std::string& s : *spellings) {
          TokList toks;
          for (std::string_view part : Split(s, ' ')) {
            toks.push_back(MakeTok(std::string(part), pair_surface, folded));
          }
          seg.options.push_back(std::move(toks));
        }
      } else if (bare.size() > 3 && bare.substr(0, 2) == U"ال") {
        const std::u32string rest = bare.substr(2);
        auto it = tables.arabic.find(rest);
        std::string rest_key = it != tables.arabic.end()
                                   ? it->second.front()
                                   : Translit(*Thread().any_latin, rest);
        seg.options.push_back({MakeTok("al", surface, folded),
                               MakeTok(rest_key, surface, folded)});
        if (it != tables.arabic.end()) {
          for (size_t k = 1; k < it->second.size(); ++k) {
            seg.options.push_back({MakeTok("al", surface, folded),
                                   MakeTok(it->second[k], surface, folded)});
          }
        }
      } else {
        seg.options.push_back(
            {MakeTok(Translit(*Thread().any_latin, bare), surface, folded)});
      }
      out.push_back(std::move(seg));
      return out;
    }
    case ScriptClass::kHebrew:
    case ScriptClass::kThai: {
      // Niqqud and Thai tone/vowel marks are not removed: the tables list
      // the written forms as usually written (without niqqud).
      std::u32string bare;
      for (char32_t c : folded32) {
        if (word.script == ScriptClass::kHebrew &&
            u_charType(static_cast<UChar32>(c)) == U_NON_SPACING_MARK)
          continue;
        bare.push_back(c);
      }
      const auto& table =
          word.script == ScriptClass::kHebrew ? tables.hebrew : tables.thai;
      Segment seg;
      if (auto it = table.find(bare); it != table.end()) {
        for (const std::string& spelling : it->second) {
          seg.options.push_back({MakeTok(spelling, surface, folded)});
        }
      } else {
        std::string icu = Translit(*Thread().any_latin, w);
        if (word.script == ScriptClass::kThai) {
          std::string rtgs = ThaiFold(icu);
          seg.options.push_back({MakeTok(rtgs, surface, folded)});
          if (rtgs != icu)
            seg.options.push_back({MakeTok(icu, surface, folded)});
        } else {
          seg.options.push_back({MakeTok(icu, surface, folded)});
        }
      }
      out.push_back(std::move(seg));
      return out;
    }
    case ScriptClass::kKana:
    case ScriptClass::kOther:
      out.push_back(Segment{
          {{MakeTok(Translit(*Thread().any_latin, w), surface, folded)}}});
      return out;
  }
  return out;
}

namespace {

bool Matches(const Tok& tok,
             const std::pair<std::string, std::string>& element) {
  return (!element.first.empty() && tok.key == element.first) ||
         (!element.second.empty() && tok.folded == element.second);
}

}  // namespace

void NameNormalizer::Impl::Tag(TokList& toks, NameKind kind) const {
  if (kind != NameKind::kPerson) {
    // Up to three passes so that "edge" forms next to other legal forms are
    // found ("Foo GmbH & Co. KG", "PT Foo Tbk").
    for (int pass = 0; pass < 3; ++pass) {
      bool changed = false;
      size_t i = 0;
      while (i < toks.size()) {
        if (toks[i].role == TokenRole::kLegalForm) {
          ++i;
          continue;
        }
        const LegalForm* best = nullptr;
        for (const std::string* probe : {&toks[i].key, &toks[i].folded}) {
          auto it = tables.legal_by_first.find(*probe);
          if (it == tables.legal_by_first.end()) continue;
          for (size_t index : it->second) {
            const LegalForm& form = tables.legal_forms[index];
            if (best != nullptr && best->seq.size() >= form.seq.size())
              continue;
            const size_t end = i + form.seq.size();
            if (end > toks.size()) continue;
            bool ok = true;
            for (size_t k = 0; k < form.seq.size() && ok; ++k) {
              ok = Matches(toks[i + k], form.seq[k]) &&
                   toks[i + k].role != TokenRole::kLegalForm;
            }
            if (!ok) continue;
            const bool at_start = i == 0;
            const bool at_end = end == toks.size();
            const bool next_to_legal =
                (i > 0 && toks[i - 1].role == TokenRole::kLegalForm) ||
                (end < toks.size() && toks[end].role == TokenRole::kLegalForm);
            switch (form.where) {
              case Where::kAny:
                break;
              case Where::kEdge:  // suffixes: "Foo AG", not "Ag Processing"
                ok = at_end || next_to_legal;
                break;
              case Where::kStart:
                ok = at_start || at_end || next_to_legal;
                break;
              case Where::kEntity:
                ok = kind == NameKind::kEntity && (at_end || next_to_legal);
                break;
            }
            if (ok) best = &form;
          }
        }
        if (best == nullptr) {
          ++i;
          continue;
        }
        for (size_t k = 0; k < best->seq.size(); ++k) {
          toks[i + k].role = TokenRole::kLegalForm;
          toks[i + k].legal_form = best->canonical;
        }
        i += best->seq.size();
        changed = true;
      }
      if (!changed) break;
    }
  }
  for (Tok& tok : toks) {
    if (tok.role == TokenRole::kLegalForm) continue;
    if (options.expand_abbreviations) {
      auto it = tables.abbreviations.find(tok.key);
      if (it != tables.abbreviations.end()) tok.key = it->second;
    }
    if (!tok.key.empty() &&
        std::all_of(tok.key.begin(), tok.key.end(),
                    [](char c) { return c >= '0' && c <= '9'; })) {
      tok.role = TokenRole::kNumber;
    } else if (tok.key.size() == 1) {
      tok.role = TokenRole::kInitial;
    }
  }
}

std::vector<NameToken> NameNormalizer::Impl::Finish(TokList toks) const {
  std::vector<NameToken> out = FinishTokens(std::move(toks));
  for (NameToken& t : out) {
    if (t.role == TokenRole::kLegalForm) {
      auto it = tables.legal_families.find(t.legal_form);
      if (it != tables.legal_families.end()) t.equivalence = it->second;
    } else if (t.role == TokenRole::kWord) {
      auto it = tables.given_groups.find(t.key);
      if (it != tables.given_groups.end()) t.equivalence = it->second;
      t.place = tables.places.contains(t.key);
    }
  }
  return out;
}

std::vector<NameToken> NameNormalizer::Impl::FinishTokens(TokList toks) const {
  std::vector<NameToken> out;
  out.reserve(toks.size());
  for (Tok& t : toks) {
    if (t.key.empty()) continue;
    // Multi-word expansions ("research institute") become separate tokens.
    if (t.key.find(' ') != std::string::npos) {
      for (std::string_view part : Split(t.key, ' ')) {
        if (part.empty()) continue;
        out.push_back(
            NameToken{std::string(part), t.surface, t.role, t.legal_form});
      }
      continue;
    }
    out.push_back(NameToken{std::move(t.key), std::move(t.surface), t.role,
                            std::move(t.legal_form)});
  }
  return out;
}

// A legal-form string from the table, tokenized like a name.
TokList NameNormalizer::Impl::TokenizeForm(std::string_view form) const {
  std::vector<Word> words = SplitWords(Clean(form), NameKind::kEntity);
  TokList toks;
  size_t i = 0;
  while (i < words.size()) {
    for (Segment& seg : WordSegments(words, &i, NameKind::kEntity, false)) {
      for (Tok& t : seg.options[0]) toks.push_back(std::move(t));
    }
  }
  return toks;
}

void NameNormalizer::Impl::LoadTables() {
  Tables& t = tables;
  for (const auto& row : TsvRows(TableContent("name_abbreviations.tsv"))) {
    if (row.size() >= 2)
      t.abbreviations.emplace(std::string(row[0]), std::string(Trim(row[1])));
  }
  for (const auto& row : TsvRows(TableContent("han_glossary.tsv"))) {
    if (row.size() < 3) continue;
    HanWord word;
    word.place = row[1] == "place";
    for (std::string_view part : Split(row[2], ' ')) {
      if (!part.empty()) word.english.emplace_back(part);
    }
    const std::u32string han = ToU32(row[0]);
    t.max_han_len = std::max(t.max_han_len, han.size());
    t.han_words.emplace(han, std::move(word));
  }
  for (const auto& row : TsvRows(TableContent("name_readings.tsv"))) {
    if (row.size() < 3) continue;
    const std::u32string written = ToU32(row[1]);
    std::vector<std::string> readings;
    for (std::string_view r : Split(row[2], '|')) readings.emplace_back(r);
    if (written.empty() || readings.empty()) continue;
    if (row[0] == "ja_family") {
      t.ja_family.emplace(written, readings[0]);
      t.max_ja_family = std::max(t.max_ja_family, written.size());
    } else if (row[0] == "ja_given") {
      t.ja_given.emplace(written, readings[0]);
    } else if (row[0] == "zh_family2") {
      t.zh_family2.emplace(written, readings[0]);
    } else if (row[0] == "ko_hanja") {
      t.ko_hanja.emplace(written[0], readings);
    } else if (row[0] == "ko_syllable") {
      t.ko_syllable.emplace(written[0], readings);
    }
  }
  for (const auto& row : TsvRows(TableContent("arabic_names.tsv"))) {
    if (row.size() < 2) continue;
    std::vector<std::string> spellings;
    for (std::string_view s : Split(row[1], '|')) spellings.emplace_back(s);
    t.arabic.emplace(ToU32(row[0]), std::move(spellings));
  }
  for (const char* file : {"hebrew_names.tsv", "thai_names.tsv"}) {
    auto& table =
        std::string_view(file) == "hebrew_names.tsv" ? t.hebrew : t.thai;
    for (const auto& row : TsvRows(TableContent(file))) {
      if (row.size() < 2) continue;
      std::vector<std::string> spellings;
      for (std::string_view sp : Split(row[1], '|')) {
        sp = Trim(sp);
        if (!sp.empty()) spellings.emplace_back(sp);
      }
      if (!spellings.empty())
        table.emplace(ToU32(row[0]), std::move(spellings));
    }
  }
  // Group ids start at 1 in file order (0 = no group).
  std::uint16_t group = 0;
  for (const auto& row : TsvRows(TableContent("given_name_equivalents.tsv"))) {
    if (row.size() < 2) continue;
    ++group;
    for (std::string_view form : Split(row[1], '|')) {
      form = Trim(form);
      if (!form.empty()) t.given_groups.emplace(std::string(form), group);
    }
  }
  std::uint16_t family = 0;
  for (const auto& row : TsvRows(TableContent("legal_form_families.tsv"))) {
    if (row.size() < 2) continue;
    ++family;
    for (std::string_view canonical : Split(row[1], '|')) {
      canonical = Trim(canonical);
      if (!canonical.empty())
        t.legal_families.emplace(std::string(canonical), family);
    }
  }
  for (const auto& row : TsvRows(TableContent("place_names.tsv"))) {
    if (!row.empty() && !Trim(row[0]).empty()) t.places.emplace(Trim(row[0]));
  }
  for (const auto& [han, word] : t.han_words) {
    if (!word.place) continue;
    for (const std::string& key : word.english) t.places.insert(key);
  }
  for (const auto& row : TsvRows(TableContent("legal_forms.tsv"))) {
    if (row.size() < 4) continue;
    const std::string canonical(row[0]);
    Where where = Where::kAny;
    if (row[1] == "edge") where = Where::kEdge;
    if (row[1] == "start") where = Where::kStart;
    if (row[1] == "entity") where = Where::kEntity;
    for (std::string_view form : Split(row[3], '|')) {
      form = Trim(form);
      if (form.empty()) continue;
      const std::u32string form32 = ToU32(form);
      bool all_han = true;
      for (char32_t c : form32)
        all_han =
            all_han && ClassOf(static_cast<UChar32>(c)) == ScriptClass::kHan;
      if (all_han) {
        HanWord word;
        word.legal_form = canonical;
        t.max_han_len = std::max(t.max_han_len, form32.size());
        t.han_words[form32] = std::move(word);
        continue;
      }
      TokList toks = TokenizeForm(form);
      if (toks.empty()) continue;
      LegalForm lf;
      lf.canonical = canonical;
      lf.where = where;
      bool usable = true;
      for (const Tok& tok : toks) {
        if (tok.key.empty() && tok.folded.empty()) usable = false;
        lf.seq.emplace_back(tok.key, tok.folded);
      }
      if (!usable) continue;
      if (lf.seq.size() == 1 && where != Where::kEntity)
        t.single_legal.insert(lf.seq[0].first);
      const size_t index = t.legal_forms.size();
      t.legal_forms.push_back(std::move(lf));
      const auto& first = t.legal_forms.back().seq[0];
      t.legal_by_first[first.first].push_back(index);
      if (first.second != first.first)
        t.legal_by_first[first.second].push_back(index);
    }
  }
}

// ---------------------------------------------------------------- public

NameNormalizer::NameNormalizer() : impl_(std::make_unique<Impl>()) {}
NameNormalizer::~NameNormalizer() = default;

Result<std::unique_ptr<NameNormalizer>> NameNormalizer::Create(
    const NormalizerOptions& options) {
  std::unique_ptr<NameNormalizer> n(new NameNormalizer());
  Impl& impl = *n->impl_;
  impl.options = options;
  impl.id = next_normalizer_id.fetch_add(1);
  UErrorCode status = U_ZERO_ERROR;
  impl.nfkc = icu::Normalizer2::getNFKCInstance(status);
  if (U_FAILURE(status))
    return Fail(ErrorCode::kInternal, "ICU NFKC unavailable");
  impl.nfd = icu::Normalizer2::getNFDInstance(status);
  if (U_FAILURE(status))
    return Fail(ErrorCode::kInternal, "ICU NFD unavailable");
  auto make = [](const char* id,
                 std::unique_ptr<icu::Transliterator>* out) -> Result<void> {
    UErrorCode st = U_ZERO_ERROR;
    out->reset(icu::Transliterator::createInstance(
        icu::UnicodeString::fromUTF8(id), UTRANS_FORWARD, st));
    if (U_FAILURE(st) || *out == nullptr) {
      return Fail(ErrorCode::kInternal,
                  std::string("ICU transliterator '") + id +
                      "' unavailable: " + u_errorName(st));
    }
    return Ok();
  };
  if (auto r = make("Any-Latin; Latin-ASCII", &impl.any_latin); !r)
    return std::unexpected(r.error());
  if (auto r = make("Russian-Latin/BGN; Latin-ASCII", &impl.bgn); !r)
    return std::unexpected(r.error());
  if (auto r = make("Han-Latin; Latin-ASCII", &impl.han); !r)
    return std::unexpected(r.error());
  impl.LoadTables();
  return n;
}

NormalizedName NameNormalizer::Normalize(std::string_view utf8,
                                         NameKind kind) const {
  NormalizedName name;
  size_t cut = std::min(utf8.size(), kMaxNameBytes);
  if (cut < utf8.size()) {
    while (cut > 0 && (static_cast<unsigned char>(utf8[cut]) & 0xC0) == 0x80)
      --cut;
  }
  name.original = std::string(utf8.substr(0, cut));
  name.kind = kind;
  name.script = DetectScript(name.original);
  const Impl& impl = *impl_;

  std::vector<Word> words = impl.SplitWords(impl.Clean(name.original), kind);
  impl.Reorder(words, kind, &name.comma_inverted);

  // Han runs of 2-4 characters with no glossary word read as a person name
  // when the kind is unknown.
  bool han_person = kind == NameKind::kPerson;
  if (kind == NameKind::kUnknown) {
    size_t han_chars = 0;
    bool only_han = !words.empty();
    bool glossary = false;
    for (const Word& w : words) {
      if (w.script != ScriptClass::kHan) {
        only_han = false;
        continue;
      }
      han_chars += w.text.size();
      for (size_t i = 0; i < w.text.size(); ++i) {
        for (size_t len = 2;
             len <= impl.tables.max_han_len && i + len <= w.text.size();
             ++len) {
          if (impl.tables.han_words.contains(w.text.substr(i, len)))
            glossary = true;
        }
      }
    }
    han_person = only_han && !glossary && han_chars >= 2 && han_chars <= 4;
  }

  std::vector<Segment> segments;
  size_t i = 0;
  while (i < words.size()) {
    for (Segment& seg : impl.WordSegments(words, &i, kind, han_person)) {
      segments.push_back(std::move(seg));
    }
  }

  size_t max_options = 1;
  for (const Segment& seg : segments)
    max_options = std::max(max_options, seg.options.size());
  auto assemble = [&](size_t choice) {
    TokList toks;
    for (const Segment& seg : segments) {
      const TokList& option =
          seg.options[std::min(choice, seg.options.size() - 1)];
      toks.insert(toks.end(), option.begin(), option.end());
    }
    impl.Tag(toks, kind == NameKind::kUnknown && han_person ? NameKind::kPerson
                                                            : kind);
    return impl.Finish(std::move(toks));
  };
  name.tokens = assemble(0);
  auto same = [](const std::vector<NameToken>& a,
                 const std::vector<NameToken>& b) {
    if (a.size() != b.size()) return false;
    for (size_t k = 0; k < a.size(); ++k) {
      if (a[k].key != b[k].key) return false;
    }
    return true;
  };
  for (size_t choice = 1;
       choice < max_options && name.variants.size() < kMaxVariants; ++choice) {
    std::vector<NameToken> variant = assemble(choice);
    if (variant.empty() || same(variant, name.tokens)) continue;
    bool duplicate = false;
    for (const auto& v : name.variants)
      duplicate = duplicate || same(v, variant);
    if (!duplicate) name.variants.push_back(std::move(variant));
  }
  return name;
}

std::string NameNormalizer::ToLatin(std::string_view utf8) const {
  const NormalizedName name = Normalize(utf8);
  std::string out;
  for (const NameToken& t : name.tokens) {
    if (!out.empty()) out.push_back(' ');
    out += t.key;
  }
  return out;
}

std::string NormalizedName::CompactKey() const {
  std::string out;
  for (const NameToken& t : tokens) {
    if (t.role != TokenRole::kLegalForm) out += t.key;
  }
  return out;
}

}  // namespace clearance::text
