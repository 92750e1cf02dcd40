// Name normalization for matching (ICU): the one place names are turned into
// comparable tokens, whatever their script.
//
// Pipeline for one name (Normalize):
//   1. NFKC, case folding, control characters and invalid UTF-8 removed;
//      script detected (DetectScript).
//   2. Name-part order: "PUTIN, Vladimir" -> tokens of "Vladimir PUTIN"
//      (person names only; `comma_inverted` records it).
//   3. Script-aware transliteration to Latin: Han -> pinyin (per-syllable;
//      glossary words of company names are translated: 科技 -> technology,
//      有限公司 -> legal form), Cyrillic, Arabic, Hebrew, Greek, Hangul, Kana,
//      Thai; diacritics removed for comparison ("Nguyễn" -> "nguyen") but kept
//      in `surface` for display. Alternative romanizations become `variants`.
//   4. Tokenization on white space and punctuation; abbreviations expanded
//      ("intl" -> "international", "tech" -> "technology"); legal forms in
//      many languages and scripts recognised ("Co., Ltd.", "有限公司",
//      "ООО"/"OOO", "GmbH", "Pte. Ltd.", "LLC", "JSC") and tagged
//      kLegalForm, never deleted; numbers tagged kNumber, single letters
//      kInitial. Tokens carry their given-name group or legal-form family
//      (`equivalence`) and a place-name flag.
//
// Scripts without written vowels or with a romanization far from ICU's
// (Hebrew, Thai) are read through tables of common names first
// (hebrew_names.tsv, thai_names.tsv); other Thai words get ICU's output
// folded towards RTGS ("smchay" -> "somchai").
//
// The normalizer never fails: empty, punctuation-only or invalid input
// gives a name with no tokens. Input longer than kMaxNameBytes is cut at a
// character boundary first, so no query can take more than microseconds.
//
// Thread safety: a NameNormalizer is immutable after Create(); Normalize()
// may be called from many threads at once (ICU transliterators are cloned
// per thread internally).
#ifndef CLEARANCE_ENGINE_TEXT_NORMALIZE_H_
#define CLEARANCE_ENGINE_TEXT_NORMALIZE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/error.h"

namespace clearance::text {

inline constexpr size_t kMaxNameBytes = 1024;

enum class NameKind { kUnknown, kPerson, kEntity };

enum class TokenRole {
  kWord,       // an ordinary name token
  kLegalForm,  // part of a legal form ("co", "ltd", "gmbh", "ooo")
  kNumber,     // digits
  kInitial,    // a single letter ("J." in "John J. Smith")
};

struct NameToken {
  // Comparison key: Latin, lower-case ASCII letters and digits only, after
  // transliteration and abbreviation expansion ("zhipu", "international").
  std::string key;
  // The token as written in the input, for explanations ("智谱", "Intl.").
  std::string surface;
  TokenRole role = TokenRole::kWord;
  // For kLegalForm: the canonical legal form the token belongs to, e.g.
  // "limited liability company" for "OOO", "company limited" for "有限公司".
  std::string legal_form;
  // Equivalence class, 0 = none. kWord: the given-name group of the key
  // (data/reference/given_name_equivalents.tsv: "alexandros" and
  // "alexander" share one). kLegalForm: the legal-form family
  // (legal_form_families.tsv: "OOO", "LLC", "GmbH" share one; "JSC" and
  // "AO" another). Values are only comparable between tokens of one role.
  std::uint16_t equivalence = 0;
  // A place name (data/reference/place_names.tsv and the place entries of
  // han_glossary.tsv: "beijing", "moscow"); company names weigh it less.
  bool place = false;
};

struct NormalizedName {
  std::string original;  // the input (after cutting to kMaxNameBytes)
  std::string script;    // ISO 15924 of the input ("Latn", "Hani", ...)
  NameKind kind = NameKind::kUnknown;
  bool comma_inverted = false;    // "PUTIN, Vladimir" was reordered
  std::vector<NameToken> tokens;  // primary romanization, in name order
  // Other plausible romanizations of the whole name (e.g. Korean reading of
  // Hanja names, Japanese reading of Kanji names, Arabic vowel variants,
  // joined vs separated Chinese syllables). Same token structure. May be
  // empty. At most kMaxVariants.
  std::vector<std::vector<NameToken>> variants;

  // Keys of the non-legal-form tokens joined without spaces: "zhipuhuazhang".
  std::string CompactKey() const;
};

inline constexpr size_t kMaxVariants = 4;

struct NormalizerOptions {
  // Expand abbreviations and translate glossary words (default on).
  bool expand_abbreviations = true;
};

class NameNormalizer {
 public:
  // Builds the ICU transliterators and loads the legal-form table and the
  // glossaries compiled into the binary (data/reference/). Fails only if ICU
  // cannot create a transliterator (a broken ICU install).
  static Result<std::unique_ptr<NameNormalizer>> Create(
      const NormalizerOptions& options = {});
  ~NameNormalizer();

  NormalizedName Normalize(std::string_view utf8,
                           NameKind kind = NameKind::kUnknown) const;

  // Transliterates any script to lower-case ASCII Latin ("Владимир" ->
  // "vladimir"), without tokenizing. Useful for display and tests.
  std::string ToLatin(std::string_view utf8) const;

 private:
  NameNormalizer();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A phonetic key for one Latin token key (lower-case ASCII): a consonant
// skeleton with common sound classes merged (ph/f, ck/k, c/k/q, z/s, dh/d,
// kh/h, ou/u ...), so that "mohammed" and "muhamad" share a key. Used by
// the candidate index and the scorer.
std::string PhoneticKey(std::string_view key);

}  // namespace clearance::text

#endif  // CLEARANCE_ENGINE_TEXT_NORMALIZE_H_
