// Internal to engine/match: the candidate index over every listed name.
//
// Layout (all flat arrays of PODs plus one string pool, so that the whole
// index is written to and read from the cache file section by section):
//   lists_    one per indexed list version (code, version id)
//   parties_  party facts for hits and secondary adjustments
//   names_    every Name of every party, with its normalized forms
//   forms_    token runs (primary romanization + variants) and compact keys
//   tokens_   PackedToken (scorer.h), rarity-weighted
//   keys_     sorted dictionary of match keys: token keys ("t"), phonetic
//             keys ("p") and character 3-grams of compact keys ("g"), each
//             with an IDF weight and a posting range
//   postings_ name ids per key (each name once per key)
//   ids_      canonical identifiers -> party, sorted by canonical form
//
// Candidate generation scores the postings of the query's keys by IDF
// (rarest keys first, common keys skipped once kPostingBudget is spent),
// normalizes by the name's own key mass (cosine-like) and keeps the best
// kMaxCandidates names for full scoring. No query scans all names.
//
// Thread safety: immutable after Build()/Load(); Candidates() uses
// thread-local scratch space.
#ifndef CLEARANCE_ENGINE_MATCH_NAME_INDEX_H_
#define CLEARANCE_ENGINE_MATCH_NAME_INDEX_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/common/error.h"
#include "engine/lists/model.h"
#include "engine/match/scorer.h"
#include "engine/text/normalize.h"

namespace clearance::match::internal {

inline constexpr std::size_t kMaxCandidates = 24;
inline constexpr std::size_t kPostingBudget = 4000;
// Postings visited for one query token key at most, and in all.
inline constexpr std::uint32_t kTokenPostingCap = 3000;
inline constexpr std::size_t kMaxVisited = 16000;
// 3-grams in more names than this do not select candidates.
inline constexpr std::uint32_t kMaxGramPostings = 1000;
// Bump when the layout or the meaning of any field changes.
inline constexpr std::uint32_t kIndexFormatVersion = 4;

struct ListRec {
  std::int64_t version_id = 0;
  std::uint32_t code_off = 0;
  std::uint32_t code_len = 0;
};

struct PartyRec {
  std::uint32_t list = 0;  // index into lists_
  std::uint32_t source_id_off = 0;
  std::uint32_t source_id_len = 0;
  std::uint32_t primary_name = 0;  // index into names_
  std::uint32_t programs_off = 0;  // programs joined by '\n'
  std::uint32_t programs_len = 0;
  std::uint32_t countries_off = 0;  // alpha-2 codes concatenated
  std::uint32_t countries_len = 0;
  std::uint32_t dob_begin = 0;  // index into dobs_
  std::uint16_t dob_count = 0;
  std::uint8_t type = 0;  // lists::PartyType
  std::uint8_t reserved = 0;
};

struct NameRec {
  std::uint32_t party = 0;
  std::uint32_t form_begin = 0;
  std::uint32_t full_off = 0;
  std::uint32_t full_len = 0;
  std::uint32_t script_off = 0;
  float norm = 1.0f;  // sqrt of the name's key mass (candidate ranking)
  std::uint8_t script_len = 0;
  std::uint8_t form_count = 0;
  std::uint8_t strength = 0;  // lists::AliasStrength
  std::uint8_t person = 0;
};

struct FormRec {
  std::uint32_t tok_begin = 0;
  std::uint32_t compact_off = 0;
  std::uint16_t tok_count = 0;
  std::uint16_t compact_len = 0;
};

struct KeyRec {
  std::uint32_t str_off = 0;  // kind byte + key text
  std::uint32_t post_begin = 0;
  std::uint32_t post_count = 0;
  std::uint16_t str_len = 0;
  std::uint16_t reserved = 0;
  float weight = 0;  // IDF normalized to (0, 1]
};

struct IdRec {
  std::uint32_t canonical_off = 0;
  std::uint32_t canonical_len = 0;
  std::uint32_t type_off = 0;
  std::uint32_t type_len = 0;
  std::uint32_t value_off = 0;
  std::uint32_t value_len = 0;
  std::uint32_t party = 0;
};

// A normalized query: its forms packed against a small private pool.
struct PackedName {
  std::string pool;
  std::vector<PackedToken> tokens;
  std::vector<std::uint64_t> masks;  // LetterMask per token
  std::vector<FormRec> forms;
  bool person = false;
  FormView Form(std::size_t i) const;
};

struct Candidate {
  std::uint32_t name = 0;
  float rank = 0;
};

class NameIndex {
 public:
  // One list version to index.
  struct Input {
    std::int64_t version_id = 0;
    const lists::ListDocument* document = nullptr;
  };

  // Normalizes and indexes every name of every party (parallel over
  // `threads`; 0 = hardware concurrency).
  static NameIndex Build(const std::vector<Input>& inputs,
                         const text::NameNormalizer& normalizer,
                         unsigned threads = 0);

  // Cache file I/O. `key` identifies the inputs (versions, format, engine);
  // Load fails (kNotFound/kIntegrity) on a missing, corrupt or stale file.
  Result<void> Save(const std::string& path, std::uint64_t key) const;
  static Result<NameIndex> Load(const std::string& path, std::uint64_t key);

  // Packs a normalized name (query side): weights from the dictionary.
  PackedName Pack(const text::NormalizedName& name, bool person) const;

  // The best candidate names for `query`, best first.
  void Candidates(const PackedName& query, std::vector<Candidate>* out) const;

  // Starts loading the records of the candidates ranked at or above
  // `rank_floor` (names, forms, tokens, token text) into the cache, so
  // that scoring them does not wait for one cache miss after another.
  void Prefetch(const std::vector<Candidate>& candidates,
                float rank_floor) const;

  FormView Form(std::uint32_t form) const;
  PartyFacts Facts(std::uint32_t party) const;
  std::string_view Str(std::uint32_t off, std::size_t len) const {
    return {pool_.data() + off, len};
  }

  const std::vector<ListRec>& lists() const { return lists_; }
  const std::vector<PartyRec>& parties() const { return parties_; }
  const std::vector<NameRec>& names() const { return names_; }
  // Party ids of identifiers whose canonical form equals `canonical`.
  std::pair<const IdRec*, const IdRec*> FindIdentifier(
      std::string_view canonical) const;
  std::size_t memory_bytes() const;

 private:
  // Dictionary lookup: index into keys_ or kNoId.
  std::uint32_t FindKey(char kind, std::string_view key) const;
  // The same by binary search over keys_ (before FillDerived).
  std::uint32_t FindKeySorted(char kind, std::string_view key) const;
  // FindKey('g', gram) through the dense 3-gram table.
  std::uint32_t FindGram(std::string_view gram) const;
  // Arrays derived from the stored ones after Build() or Load().
  void FillDerived();

  std::string pool_;
  std::vector<ListRec> lists_;
  std::vector<PartyRec> parties_;
  std::vector<NameRec> names_;
  std::vector<FormRec> forms_;
  std::vector<PackedToken> tokens_;
  std::vector<KeyRec> keys_;
  std::vector<std::uint32_t> postings_;
  std::vector<YearRange> dobs_;
  std::vector<IdRec> ids_;
  float max_idf_ = 1.0f;         // IDF of a key seen once (weight 1)
  std::vector<float> inv_norm_;  // 1 / names_[i].norm, dense for ranking
  float max_inv_norm_ = 0.0f;    // the largest of inv_norm_
  std::vector<std::uint32_t> gram_keys_;    // [a-z0-9]^3 -> key id
  std::vector<std::uint32_t> key_slots_;    // hash of (kind, key) -> key id
  std::vector<std::uint64_t> token_masks_;  // LetterMask per tokens_ entry
};

}  // namespace clearance::match::internal

#endif  // CLEARANCE_ENGINE_MATCH_NAME_INDEX_H_
