// PhoneticKey: a consonant skeleton with sound classes.
//
// Rules, applied left to right on a lower-case ASCII key:
//  1. Digraphs first: "sch"/"sh"/"ts"/"tz"/"z"/"x" -> s ("x" as "ks"),
//     "ch"/"zh"/"dj"/"j" -> j, "ph"/"f"/"v"/"w" -> f, "ck"/"c"/"k"/"q"/"g"
//     /"gh" -> k, "kh"/"h" -> h, "th"/"dh"/"d"/"t" -> t, "b"/"p" -> b.
//  2. Vowels (a e i o u y) are dropped, except a leading vowel, which becomes
//     "a" (so "osama"/"usama", "eyad"/"iyad" agree).
//  3. "h" after a consonant or at the end of the key is dropped ("allah"/
//     "alla").
//  4. Runs of the same class collapse to one ("mohammed" -> "mhmt").
//  Digits are kept as they are.
// So "mohammed", "muhammad", "mohamed" -> "mhmt"; "vladimir"/"wladimir" ->
// "fltmr"; "khaled"/"khalid" -> "hlt".
#include <string>
#include <string_view>

#include "engine/text/normalize.h"

namespace clearance::text {

namespace {

bool IsVowel(char c) {
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

bool StartsWith(std::string_view s, size_t i, std::string_view p) {
  return s.substr(i, p.size()) == p;
}

}  // namespace

std::string PhoneticKey(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  size_t i = 0;
  auto emit = [&out](char code) {
    if (out.empty() || out.back() != code) out.push_back(code);
  };
  bool first = true;
  while (i < key.size()) {
    const char c = key[i];
    char code = 0;
    size_t used = 1;
    if (c >= '0' && c <= '9') {
      code = c;
    } else if (IsVowel(c) && !(c == 'y' && first && i + 1 < key.size() &&
                               IsVowel(key[i + 1]))) {
      if (first) code = 'a';
    } else if (StartsWith(key, i, "sch")) {
      code = 's', used = 3;
    } else if (StartsWith(key, i, "sh") || StartsWith(key, i, "ts") ||
               StartsWith(key, i, "tz")) {
      code = 's', used = 2;
    } else if (StartsWith(key, i, "ch") || StartsWith(key, i, "zh") ||
               StartsWith(key, i, "dj")) {
      code = 'j', used = 2;
    } else if (StartsWith(key, i, "ph")) {
      code = 'f', used = 2;
    } else if (StartsWith(key, i, "ck") || StartsWith(key, i, "gh")) {
      code = 'k', used = 2;
    } else if (StartsWith(key, i, "kh")) {
      code = 'h', used = 2;
    } else if (StartsWith(key, i, "th") || StartsWith(key, i, "dh")) {
      code = 't', used = 2;
    } else {
      switch (c) {
        case 'b':
        case 'p':
          code = 'b';
          break;
        case 'f':
        case 'v':
        case 'w':
          code = 'f';
          break;
        case 'c':
        case 'k':
        case 'q':
        case 'g':
          code = 'k';
          break;
        case 'd':
        case 't':
          code = 't';
          break;
        case 's':
        case 'z':
          code = 's';
          break;
        case 'x':
          emit('k');
          code = 's';
          break;
        case 'j':
          code = 'j';
          break;
        case 'y':
          code = 'y';
          break;
        case 'h': {
          const bool after_consonant = i > 0 && !IsVowel(key[i - 1]) && !first;
          const bool at_end = i + 1 == key.size();
          if (first || (!after_consonant && !at_end)) code = 'h';
          break;
        }
        default:
          if (c >= 'a' && c <= 'z') code = c;  // l m n r
          break;
      }
    }
    if (code != 0) emit(code);
    if (c >= 'a' && c <= 'z') first = false;
    if (c >= '0' && c <= '9') first = false;
    i += used;
  }
  return out;
}

}  // namespace clearance::text
