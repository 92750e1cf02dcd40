#include "engine/match/name_index.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>
#include <type_traits>
#include <unordered_map>

#include "engine/match/identifiers.h"

namespace clearance::match::internal {
namespace {

// Contribution of one matched key to a candidate's rank, by key kind.
constexpr float kTokenKeyFactor = 1.0f;
constexpr float kPhoneticKeyFactor = 0.5f;
constexpr float kGramKeyFactor = 0.2f;
constexpr float kLegalFormFactor = 0.1f;
constexpr std::size_t kChunk = 4096;

// Generic words of company names and name particles. IDF finds them in a
// large index; this cap keeps them light in small lists too (and in
// ScorePair, which has no index).
constexpr float kGenericWeightCap = 0.35f;
bool IsGenericWord(std::string_view key) {
  static constexpr std::string_view kWords[] = {
      "al",          "bin",          "ibn",
      "abu",         "el",           "company",
      "group",       "trading",      "international",
      "technology",  "technologies", "global",
      "general",     "holding",      "holdings",
      "industrial",  "industries",   "industry",
      "services",    "service",      "enterprise",
      "enterprises", "import",       "export",
      "investment",  "investments",  "development",
      "resources",   "commercial",   "national",
      "trade",       "management",   "solutions",
      "systems",     "engineering",  "construction",
      "electronics", "and",          "of",
      "the",         "de",
  };
  for (std::string_view w : kWords) {
    if (w == key) return true;
  }
  return false;
}

// A place name ("Beijing", "Moscow") says little about which company it is.
constexpr float kPlaceFactor = 0.4f;

float TokenWeight(float key_weight, std::string_view key, std::uint8_t role,
                  std::uint16_t group, bool person) {
  float w = key_weight;
  if (IsGenericWord(key)) w = std::min(w, kGenericWeightCap);
  if (role == kRoleLegalForm) w *= kLegalFormFactor;
  if (!person && role == kRoleWord && (group & kPlaceBit) != 0) {
    w *= kPlaceFactor;
  }
  return w;
}

// Dictionary key of a given-name group ("e" keys).
std::string EquivalenceKey(std::uint16_t group) {
  return std::to_string(group & kGroupMask);
}

std::uint16_t GroupOf(const text::NameToken& t) {
  std::uint16_t g = t.equivalence & kGroupMask;
  if (t.place) g |= kPlaceBit;
  return g;
}

float KindFactor(char kind) {
  switch (kind) {
    case 't':
      return kTokenKeyFactor;
    case 'p':
    case 'e':
      return kPhoneticKeyFactor;
    default:
      return kGramKeyFactor;
  }
}

std::uint8_t RoleOf(text::TokenRole role) {
  switch (role) {
    case text::TokenRole::kLegalForm:
      return kRoleLegalForm;
    case text::TokenRole::kNumber:
      return kRoleNumber;
    case text::TokenRole::kInitial:
      return kRoleInitial;
    case text::TokenRole::kWord:
      break;
  }
  return kRoleWord;
}

text::NameKind KindOf(lists::PartyType type) {
  switch (type) {
    case lists::PartyType::kPerson:
      return text::NameKind::kPerson;
    case lists::PartyType::kEntity:
    case lists::PartyType::kVessel:
    case lists::PartyType::kAircraft:
      return text::NameKind::kEntity;
    case lists::PartyType::kUnknown:
      break;
  }
  return text::NameKind::kUnknown;
}

std::string CompactOf(const std::vector<text::NameToken>& tokens) {
  std::string out;
  for (const auto& t : tokens) {
    if (t.role != text::TokenRole::kLegalForm) out += t.key;
  }
  return out;
}

// The token sequences of a normalized name: primary, then variants.
template <typename Fn>
void ForEachForm(const text::NormalizedName& n, Fn&& fn) {
  if (!n.tokens.empty()) fn(n.tokens, n.CompactKey());
  std::size_t used = 0;
  for (const auto& v : n.variants) {
    if (v.empty() || used++ >= text::kMaxVariants) continue;
    if (v.size() == n.tokens.size()) {
      bool same = true;
      for (std::size_t i = 0; i < v.size() && same; ++i) {
        same = v[i].key == n.tokens[i].key;
      }
      if (same) continue;
    }
    fn(v, CompactOf(v));
  }
}

// Trigrams of a compact key (the whole key when shorter than 3).
template <typename Fn>
void ForEachGram(std::string_view compact, Fn&& fn) {
  if (compact.empty()) return;
  if (compact.size() < 3) {
    fn(compact);
    return;
  }
  for (std::size_t i = 0; i + 3 <= compact.size(); ++i) {
    fn(compact.substr(i, 3));
  }
}

std::uint64_t Fnv1a(const void* data, std::size_t size,
                    std::uint64_t h = 1469598103934665603ull) {
  const auto* p = static_cast<const unsigned char*>(data);
  // Eight bytes at a time, then the tail: fast enough for ~100 MB files.
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, p + i, 8);
    h = (h ^ w) * 1099511628211ull;
    h ^= h >> 29;
  }
  for (; i < size; ++i) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

class Builder {
 public:
  explicit Builder(std::string* pool) : pool_(pool) {}

  std::uint32_t Intern(std::string_view s) {
    auto it = interned_.find(std::string(s));
    if (it != interned_.end()) return it->second;
    auto off = std::uint32_t(pool_->size());
    pool_->append(s);
    interned_.emplace(std::string(s), off);
    return off;
  }
  // Temporary key id for kind + text.
  std::uint32_t KeyId(char kind, std::string_view text) {
    std::string k(1, kind);
    k.append(text);
    auto [it, inserted] =
        key_ids_.try_emplace(k, std::uint32_t(key_strs_.size()));
    if (inserted) key_strs_.push_back(std::move(k));
    return it->second;
  }
  const std::vector<std::string>& key_strs() const { return key_strs_; }
  std::string Phonetic(const std::string& key) {
    auto it = phonetic_.find(key);
    if (it != phonetic_.end()) return it->second;
    std::string p = text::PhoneticKey(key);
    if (p.size() > 255) p.resize(255);
    phonetic_.emplace(key, p);
    return p;
  }

 private:
  std::string* pool_;
  std::unordered_map<std::string, std::uint32_t> interned_;
  std::unordered_map<std::string, std::uint32_t> key_ids_;
  std::vector<std::string> key_strs_;
  std::unordered_map<std::string, std::string> phonetic_;
};

// --- cache file -------------------------------------------------------------

constexpr char kMagic[8] = {'C', 'L', 'R', 'M', 'I', 'D', 'X', '1'};

struct FileHeader {
  char magic[8];
  std::uint32_t format = 0;
  std::uint32_t reserved = 0;
  std::uint64_t key = 0;
  std::uint64_t payload_size = 0;
  std::uint64_t checksum = 0;
};

template <typename T>
void PutVector(std::string* out, const std::vector<T>& v) {
  static_assert(std::is_trivially_copyable_v<T>);
  std::uint64_t bytes = v.size() * sizeof(T);
  out->append(reinterpret_cast<const char*>(&bytes), sizeof(bytes));
  out->append(reinterpret_cast<const char*>(v.data()), bytes);
}

template <typename T>
bool GetVector(std::string_view* in, std::vector<T>* v) {
  std::uint64_t bytes = 0;
  if (in->size() < sizeof(bytes)) return false;
  std::memcpy(&bytes, in->data(), sizeof(bytes));
  in->remove_prefix(sizeof(bytes));
  if (bytes > in->size() || bytes % sizeof(T) != 0) return false;
  v->resize(bytes / sizeof(T));
  // An empty vector's data() may be null, which memcpy must not get.
  if (bytes > 0) std::memcpy(v->data(), in->data(), bytes);
  in->remove_prefix(bytes);
  return true;
}

}  // namespace

FormView PackedName::Form(std::size_t i) const {
  const FormRec& f = forms[i];
  FormView v;
  v.pool = pool.data();
  v.tokens = tokens.data() + f.tok_begin;
  v.count = f.tok_count;
  v.compact = std::string_view(pool.data() + f.compact_off, f.compact_len);
  v.person = person;
  if (masks.size() == tokens.size()) v.masks = masks.data() + f.tok_begin;
  return v;
}

NameIndex NameIndex::Build(const std::vector<Input>& inputs,
                           const text::NameNormalizer& normalizer,
                           unsigned threads) {
  NameIndex ix;
  Builder b(&ix.pool_);
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());

  struct Job {
    const lists::Name* name;
    text::NameKind kind;
    std::uint32_t party;
  };
  std::vector<Job> jobs;
  for (const Input& in : inputs) {
    const lists::ListDocument& doc = *in.document;
    ListRec lr;
    lr.version_id = in.version_id;
    lr.code_off = b.Intern(doc.code);
    lr.code_len = std::uint32_t(doc.code.size());
    auto list_index = std::uint32_t(ix.lists_.size());
    ix.lists_.push_back(lr);
    for (const lists::Party& p : doc.parties) {
      auto party_index = std::uint32_t(ix.parties_.size());
      PartyRec pr;
      pr.list = list_index;
      pr.source_id_off = b.Intern(p.source_id);
      pr.source_id_len = std::uint32_t(p.source_id.size());
      std::string programs;
      for (const auto& prog : p.programs) {
        if (!programs.empty()) programs += '\n';
        programs += prog;
      }
      pr.programs_off = b.Intern(programs);
      pr.programs_len = std::uint32_t(programs.size());
      std::string countries;
      auto add_country = [&](const std::string& c) {
        if (c.size() != 2) return;
        for (std::size_t i = 0; i < countries.size(); i += 2) {
          if (countries.compare(i, 2, c) == 0) return;
        }
        countries += c;
      };
      for (const auto& a : p.addresses) add_country(a.country);
      for (const auto& c : p.nationalities) add_country(c);
      for (const auto& c : p.citizenships) add_country(c);
      pr.countries_off = b.Intern(countries);
      pr.countries_len = std::uint32_t(countries.size());
      pr.dob_begin = std::uint32_t(ix.dobs_.size());
      for (const auto& d : p.dates_of_birth) {
        std::uint16_t from = 0, to = 0;
        if (ParseYearRange(d, &from, &to) && pr.dob_count < 64) {
          ix.dobs_.push_back({from, to});
          ++pr.dob_count;
        }
      }
      pr.type = std::uint8_t(p.type);
      pr.primary_name = std::uint32_t(-1);
      ix.parties_.push_back(pr);
      for (const auto& id : p.identifiers) {
        std::string canonical =
            CanonicalIdentifier(id.type, id.currency, id.value);
        if (canonical.size() < 4) continue;
        IdRec r;
        r.canonical_off = b.Intern(canonical);
        r.canonical_len = std::uint32_t(canonical.size());
        r.type_off = b.Intern(id.type);
        r.type_len = std::uint32_t(id.type.size());
        r.value_off = b.Intern(id.value);
        r.value_len = std::uint32_t(id.value.size());
        r.party = party_index;
        ix.ids_.push_back(r);
      }
      for (const auto& n : p.names) {
        jobs.push_back({&n, KindOf(p.type), party_index});
      }
    }
  }

  // Normalize in chunks (bounded memory), in parallel; intern serially.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> postings;  // key, name
  std::vector<float> name_mass;
  std::vector<std::uint32_t> name_keys;
  std::vector<text::NormalizedName> normalized(kChunk);
  for (std::size_t start = 0; start < jobs.size(); start += kChunk) {
    std::size_t count = std::min(kChunk, jobs.size() - start);
    unsigned nthreads =
        std::min<unsigned>(threads, unsigned((count + 63) / 64));
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < nthreads; ++t) {
      pool.emplace_back([&, t] {
        for (std::size_t i = t; i < count; i += nthreads) {
          const Job& j = jobs[start + i];
          normalized[i] = normalizer.Normalize(j.name->full, j.kind);
        }
      });
    }
    for (auto& th : pool) th.join();
    for (std::size_t i = 0; i < count; ++i) {
      const Job& j = jobs[start + i];
      const text::NormalizedName& nn = normalized[i];
      auto name_index = std::uint32_t(ix.names_.size());
      PartyRec& pr = ix.parties_[j.party];
      if (pr.primary_name == std::uint32_t(-1)) pr.primary_name = name_index;
      NameRec nr;
      nr.party = j.party;
      nr.full_off = b.Intern(j.name->full);
      nr.full_len = std::uint32_t(j.name->full.size());
      std::string_view script = j.name->script.empty()
                                    ? std::string_view(nn.script)
                                    : std::string_view(j.name->script);
      if (script.size() > 255) script = script.substr(0, 255);
      nr.script_off = b.Intern(script);
      nr.script_len = std::uint8_t(script.size());
      nr.strength = std::uint8_t(j.name->strength);
      nr.person = j.kind == text::NameKind::kPerson;
      nr.form_begin = std::uint32_t(ix.forms_.size());
      name_keys.clear();
      ForEachForm(nn, [&](const std::vector<text::NameToken>& toks,
                          const std::string& compact) {
        FormRec fr;
        fr.tok_begin = std::uint32_t(ix.tokens_.size());
        std::string_view c = std::string_view(compact).substr(
            0, std::min<std::size_t>(compact.size(), 0xffff));
        fr.compact_off = b.Intern(c);
        fr.compact_len = std::uint16_t(c.size());
        for (const auto& t : toks) {
          if (fr.tok_count >= kMaxTokens) break;
          if (t.key.empty() || t.key.size() > 0xffff) continue;
          PackedToken pt;
          pt.key_off = b.Intern(t.key);
          pt.key_len = std::uint16_t(t.key.size());
          std::string_view surface = std::string_view(t.surface).substr(
              0, std::min<std::size_t>(t.surface.size(), 0xffff));
          pt.surface_off = b.Intern(surface);
          pt.surface_len = std::uint16_t(surface.size());
          std::string ph = b.Phonetic(t.key);
          pt.phonetic_off = b.Intern(ph);
          pt.phonetic_len = std::uint8_t(ph.size());
          pt.role = RoleOf(t.role);
          pt.group = GroupOf(t);
          pt.key_id = b.KeyId('t', t.key);
          name_keys.push_back(pt.key_id);
          if (ph.size() >= 2) {
            pt.phonetic_id = b.KeyId('p', ph);
            name_keys.push_back(pt.phonetic_id);
          }
          if (t.role == text::TokenRole::kWord && t.equivalence != 0) {
            // Equivalent given names meet in candidate generation too.
            name_keys.push_back(b.KeyId('e', EquivalenceKey(t.equivalence)));
          }
          ix.tokens_.push_back(pt);
          ++fr.tok_count;
        }
        ForEachGram(c, [&](std::string_view g) {
          name_keys.push_back(b.KeyId('g', g));
        });
        if (fr.tok_count > 0 && nr.form_count < 255) {
          ix.forms_.push_back(fr);
          ++nr.form_count;
        } else {
          ix.tokens_.resize(fr.tok_begin);
        }
      });
      std::sort(name_keys.begin(), name_keys.end());
      name_keys.erase(std::unique(name_keys.begin(), name_keys.end()),
                      name_keys.end());
      for (std::uint32_t k : name_keys) postings.emplace_back(k, name_index);
      ix.names_.push_back(nr);
    }
  }
  normalized.clear();

  // Sort the dictionary; remap temporary key ids to dictionary positions.
  const auto& strs = b.key_strs();
  std::vector<std::uint32_t> order(strs.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t c) {
    return strs[a] < strs[c];
  });
  std::vector<std::uint32_t> remap(strs.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) remap[order[i]] = i;
  std::vector<std::uint32_t> df(strs.size(), 0);
  for (auto& [k, n] : postings) {
    k = remap[k];
    ++df[k];
  }
  std::sort(postings.begin(), postings.end());
  double total_names = double(std::max<std::size_t>(1, ix.names_.size()));
  ix.max_idf_ = float(std::log(1.0 + total_names));
  ix.keys_.resize(strs.size());
  std::size_t p = 0;
  for (std::uint32_t i = 0; i < order.size(); ++i) {
    KeyRec& kr = ix.keys_[i];
    const std::string& s = strs[order[i]];
    kr.str_off = b.Intern(s);
    kr.str_len = std::uint16_t(std::min<std::size_t>(s.size(), 0xffff));
    kr.post_begin = std::uint32_t(p);
    kr.post_count = df[i];
    p += df[i];
    kr.weight =
        float(std::log(1.0 + total_names / std::max(1u, df[i])) / ix.max_idf_);
  }
  ix.postings_.resize(postings.size());
  for (std::size_t i = 0; i < postings.size(); ++i) {
    ix.postings_[i] = postings[i].second;
  }
  postings.clear();
  postings.shrink_to_fit();

  for (PackedToken& t : ix.tokens_) {
    t.key_id = remap[t.key_id];
    if (t.phonetic_id != kNoId) t.phonetic_id = remap[t.phonetic_id];
  }
  for (const NameRec& nr : ix.names_) {
    for (std::uint32_t f = 0; f < nr.form_count; ++f) {
      const FormRec& fr = ix.forms_[nr.form_begin + f];
      for (std::uint32_t i = 0; i < fr.tok_count; ++i) {
        PackedToken& t = ix.tokens_[fr.tok_begin + i];
        t.weight =
            TokenWeight(ix.keys_[t.key_id].weight, ix.Str(t.key_off, t.key_len),
                        t.role, t.group, nr.person != 0);
      }
    }
  }
  // Name mass for cosine-like candidate ranking.
  name_mass.assign(ix.names_.size(), 0.0f);
  for (std::uint32_t k = 0; k < ix.keys_.size(); ++k) {
    const KeyRec& kr = ix.keys_[k];
    float w = kr.weight * KindFactor(ix.pool_[kr.str_off]);
    for (std::uint32_t i = 0; i < kr.post_count; ++i) {
      name_mass[ix.postings_[kr.post_begin + i]] += w;
    }
  }
  for (std::size_t i = 0; i < ix.names_.size(); ++i) {
    ix.names_[i].norm = std::sqrt(std::max(name_mass[i], 1e-3f));
  }
  // Shortest names first in every posting list, so that a capped list keeps
  // the names a query of common words is most likely to mean.
  for (const KeyRec& kr : ix.keys_) {
    auto begin = ix.postings_.begin() + kr.post_begin;
    std::sort(begin, begin + kr.post_count,
              [&](std::uint32_t a, std::uint32_t c) {
                float na = ix.names_[a].norm, nc = ix.names_[c].norm;
                return na < nc || (na == nc && a < c);
              });
  }
  std::sort(ix.ids_.begin(), ix.ids_.end(),
            [&](const IdRec& a, const IdRec& c) {
              return ix.Str(a.canonical_off, a.canonical_len) <
                     ix.Str(c.canonical_off, c.canonical_len);
            });
  ix.pool_.shrink_to_fit();
  ix.FillDerived();
  return ix;
}

namespace {
std::uint64_t KeyHash(char kind, std::string_view key) {
  std::uint64_t h =
      (1469598103934665603ull ^ std::uint8_t(kind)) * 1099511628211ull;
  for (unsigned char c : key) h = (h ^ c) * 1099511628211ull;
  return h ^ (h >> 29);
}
}  // namespace

std::uint32_t NameIndex::FindKey(char kind, std::string_view key) const {
  if (!key_slots_.empty()) {
    // Open addressing over every key (FillDerived): one probe on average.
    const std::size_t mask = key_slots_.size() - 1;
    for (std::size_t i = KeyHash(kind, key) & mask;; i = (i + 1) & mask) {
      std::uint32_t k = key_slots_[i];
      if (k == kNoId) return kNoId;
      std::string_view s = Str(keys_[k].str_off, keys_[k].str_len);
      if (s.size() == key.size() + 1 && s[0] == kind && s.substr(1) == key) {
        return k;
      }
    }
  }
  return FindKeySorted(kind, key);
}

std::uint32_t NameIndex::FindKeySorted(char kind, std::string_view key) const {
  std::size_t lo = 0, hi = keys_.size();
  auto less = [&](const KeyRec& k) {  // k < (kind, key)
    std::string_view s = Str(k.str_off, k.str_len);
    if (s.empty()) return true;
    if (s[0] != kind)
      return static_cast<unsigned char>(s[0]) <
             static_cast<unsigned char>(kind);
    return s.substr(1) < key;
  };
  while (lo < hi) {
    std::size_t mid = (lo + hi) / 2;
    if (less(keys_[mid])) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (lo < keys_.size()) {
    std::string_view s = Str(keys_[lo].str_off, keys_[lo].str_len);
    if (!s.empty() && s[0] == kind && s.substr(1) == key) {
      return std::uint32_t(lo);
    }
  }
  return kNoId;
}

PackedName NameIndex::Pack(const text::NormalizedName& name,
                           bool person) const {
  PackedName out;
  out.person = person;
  auto append = [&](std::string_view s) {
    auto off = std::uint32_t(out.pool.size());
    out.pool.append(s);
    return off;
  };
  ForEachForm(name, [&](const std::vector<text::NameToken>& toks,
                        const std::string& compact) {
    FormRec fr;
    fr.tok_begin = std::uint32_t(out.tokens.size());
    std::string_view c = std::string_view(compact).substr(
        0, std::min<std::size_t>(compact.size(), 0xffff));
    fr.compact_off = append(c);
    fr.compact_len = std::uint16_t(c.size());
    for (const auto& t : toks) {
      if (fr.tok_count >= kMaxTokens) break;
      if (t.key.empty() || t.key.size() > 0xffff) continue;
      PackedToken pt;
      pt.key_off = append(t.key);
      pt.key_len = std::uint16_t(t.key.size());
      std::string_view surface = std::string_view(t.surface).substr(
          0, std::min<std::size_t>(t.surface.size(), 0xffff));
      pt.surface_off = append(surface);
      pt.surface_len = std::uint16_t(surface.size());
      std::string ph = text::PhoneticKey(t.key);
      if (ph.size() > 255) ph.resize(255);
      pt.phonetic_off = append(ph);
      pt.phonetic_len = std::uint8_t(ph.size());
      pt.role = RoleOf(t.role);
      pt.group = GroupOf(t);
      pt.key_id = FindKey('t', t.key);
      pt.phonetic_id = ph.size() >= 2 ? FindKey('p', ph) : kNoId;
      pt.weight =
          TokenWeight(pt.key_id != kNoId ? keys_[pt.key_id].weight : 1.0f,
                      t.key, pt.role, pt.group, person);
      out.tokens.push_back(pt);
      out.masks.push_back(LetterMask(t.key));
      ++fr.tok_count;
    }
    if (fr.tok_count > 0 && out.forms.size() < 1 + text::kMaxVariants) {
      out.forms.push_back(fr);
    } else {
      out.tokens.resize(fr.tok_begin);
      out.masks.resize(fr.tok_begin);
    }
  });
  return out;
}

void NameIndex::Candidates(const PackedName& query,
                           std::vector<Candidate>* out) const {
  out->clear();
  if (names_.empty() || query.forms.empty()) return;
  thread_local std::vector<float> acc;
  thread_local std::vector<std::uint32_t> touched;
  thread_local std::vector<std::pair<std::uint32_t, float>> qkeys;
  if (acc.size() < names_.size()) acc.resize(names_.size(), 0.0f);
  if (touched.size() < kMaxVisited + 1) touched.resize(kMaxVisited + 1);
  std::size_t touched_count = 0;
  qkeys.clear();
  for (std::size_t f = 0; f < query.forms.size(); ++f) {
    FormView v = query.Form(f);
    for (std::size_t i = 0; i < v.count; ++i) {
      const PackedToken& t = v.tokens[i];
      float legal = t.role == kRoleLegalForm ? kLegalFormFactor : 1.0f;
      if (t.key_id != kNoId) qkeys.emplace_back(t.key_id, legal);
      if (t.phonetic_id != kNoId) qkeys.emplace_back(t.phonetic_id, legal);
      if (t.role == kRoleWord && (t.group & kGroupMask) != 0) {
        std::uint32_t e = FindKey('e', EquivalenceKey(t.group));
        if (e != kNoId) qkeys.emplace_back(e, 1.0f);
      }
    }
    ForEachGram(v.compact, [&](std::string_view g) {
      std::uint32_t k = FindGram(g);
      if (k != kNoId && keys_[k].post_count <= kMaxGramPostings) {
        qkeys.emplace_back(k, 1.0f);
      }
    });
  }
  std::sort(qkeys.begin(), qkeys.end());
  qkeys.erase(std::unique(qkeys.begin(), qkeys.end(),
                          [](const auto& a, const auto& c) {
                            return a.first == c.first;
                          }),
              qkeys.end());
  std::sort(qkeys.begin(), qkeys.end(), [&](const auto& a, const auto& c) {
    return keys_[a.first].post_count < keys_[c.first].post_count;
  });
  std::size_t spent = 0, token_spent = 0;
  // Plain pointers: through the thread_local vectors the compiler reloads
  // their data pointers at every store.
  float* const acc_p = acc.data();
  std::uint32_t* const touched_p = touched.data();
  const float* const inv_norm_p = inv_norm_.data();
  for (const auto& [k, factor] : qkeys) {
    const KeyRec& kr = keys_[k];
    // The rarest key always counts (capped, for queries of only very common
    // words); later keys only while the budget lasts.
    // The query's own token and phonetic keys always count (long lists cut
    // at kTokenPostingCap: postings are stored shortest name first); other
    // keys, rarest first, while kPostingBudget lasts.
    std::uint32_t count = kr.post_count;
    const bool token_key = pool_[kr.str_off] == 't' || pool_[kr.str_off] == 'p';
    if (token_key) {
      count = std::min<std::uint32_t>(count, kTokenPostingCap);
    } else if (spent + count > kPostingBudget) {
      continue;
    }
    if (token_spent + spent + count > kMaxVisited) continue;
    if (token_key) {
      token_spent += count;
    } else {
      spent += count;
    }
    float w = kr.weight * KindFactor(pool_[kr.str_off]) * factor;
    const std::uint32_t* p = postings_.data() + kr.post_begin;
    // Branch-free: the slot is written always and kept when new.
    for (std::uint32_t i = 0; i < count; ++i) {
      float& a = acc_p[p[i]];
      touched_p[touched_count] = p[i];
      touched_count += a == 0.0f;
      a += w;
    }
  }
  // Keep the best kMaxCandidates in a heap whose front is the worst kept.
  auto by_rank = [](const Candidate& a, const Candidate& c) {
    return a.rank > c.rank || (a.rank == c.rank && a.name < c.name);
  };
  out->reserve(kMaxCandidates);
  // Once the heap is full, a name whose accumulated weight times the
  // largest 1/norm of any name cannot beat the worst kept one is skipped
  // without reading its own 1/norm (rounding is monotone, so the bound is
  // exact and the result the same).
  float worst_kept = 0.0f;
  for (std::size_t t = 0; t < touched_count; ++t) {
    const std::uint32_t n = touched_p[t];
    const float a = acc_p[n];
    acc_p[n] = 0.0f;
    if (out->size() == kMaxCandidates && a * max_inv_norm_ < worst_kept) {
      continue;
    }
    Candidate c{n, a * inv_norm_p[n]};
    if (out->size() < kMaxCandidates) {
      out->push_back(c);
      if (out->size() == kMaxCandidates) {
        std::make_heap(out->begin(), out->end(), by_rank);
        worst_kept = out->front().rank;
      }
    } else if (by_rank(c, out->front())) {
      std::pop_heap(out->begin(), out->end(), by_rank);
      out->back() = c;
      std::push_heap(out->begin(), out->end(), by_rank);
      worst_kept = out->front().rank;
    }
  }
  std::sort(out->begin(), out->end(), by_rank);
}

namespace {
// Index of a 3-gram of [a-z0-9] in a dense table, or -1.
int GramSlot(std::string_view g) {
  if (g.size() != 3) return -1;
  int slot = 0;
  for (char c : g) {
    int v;
    if (c >= 'a' && c <= 'z') {
      v = c - 'a';
    } else if (c >= '0' && c <= '9') {
      v = 26 + (c - '0');
    } else {
      return -1;
    }
    slot = slot * 36 + v;
  }
  return slot;
}
constexpr int kGramSlots = 36 * 36 * 36;
}  // namespace

void NameIndex::FillDerived() {
  token_masks_.resize(tokens_.size());
  for (std::size_t i = 0; i < tokens_.size(); ++i) {
    token_masks_[i] = LetterMask(Str(tokens_[i].key_off, tokens_[i].key_len));
  }
  inv_norm_.resize(names_.size());
  max_inv_norm_ = 0.0f;
  for (std::size_t i = 0; i < names_.size(); ++i) {
    inv_norm_[i] = 1.0f / names_[i].norm;
    max_inv_norm_ = std::max(max_inv_norm_, inv_norm_[i]);
  }
  gram_keys_.assign(kGramSlots, kNoId);
  for (std::uint32_t k = 0; k < keys_.size(); ++k) {
    std::string_view s = Str(keys_[k].str_off, keys_[k].str_len);
    if (s[0] != 'g') continue;
    int slot = GramSlot(s.substr(1));
    if (slot >= 0) gram_keys_[std::size_t(slot)] = k;
  }
  std::size_t slots = 16;
  while (slots < keys_.size() * 2) slots *= 2;
  key_slots_.assign(slots, kNoId);
  for (std::uint32_t k = 0; k < keys_.size(); ++k) {
    std::string_view s = Str(keys_[k].str_off, keys_[k].str_len);
    if (s.empty()) continue;
    std::size_t i = KeyHash(s[0], s.substr(1)) & (slots - 1);
    while (key_slots_[i] != kNoId) i = (i + 1) & (slots - 1);
    key_slots_[i] = k;
  }
}

std::uint32_t NameIndex::FindGram(std::string_view gram) const {
  int slot = GramSlot(gram);
  if (slot >= 0 && !gram_keys_.empty()) return gram_keys_[std::size_t(slot)];
  return FindKey('g', gram);
}

void NameIndex::Prefetch(const std::vector<Candidate>& candidates,
                         float rank_floor) const {
  // Each level's addresses come from the level before; the loads of one
  // level are independent across candidates, so the CPU overlaps them.
  std::size_t n = 0;
  while (n < candidates.size() && candidates[n].rank >= rank_floor) ++n;
  for (std::size_t i = 0; i < n; ++i) {
    __builtin_prefetch(&names_[candidates[i].name]);
  }
  for (std::size_t i = 0; i < n; ++i) {
    const NameRec& nr = names_[candidates[i].name];
    __builtin_prefetch(&forms_[nr.form_begin]);
    __builtin_prefetch(&parties_[nr.party]);
  }
  for (std::size_t i = 0; i < n; ++i) {
    const NameRec& nr = names_[candidates[i].name];
    for (std::uint32_t f = 0; f < nr.form_count; ++f) {
      const FormRec& fr = forms_[nr.form_begin + f];
      __builtin_prefetch(&tokens_[fr.tok_begin]);
      __builtin_prefetch(&tokens_[fr.tok_begin + fr.tok_count - 1]);
      __builtin_prefetch(&token_masks_[fr.tok_begin]);
      __builtin_prefetch(pool_.data() + fr.compact_off);
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    const NameRec& nr = names_[candidates[i].name];
    for (std::uint32_t f = 0; f < nr.form_count; ++f) {
      const FormRec& fr = forms_[nr.form_begin + f];
      for (std::uint32_t t = 0; t < fr.tok_count; ++t) {
        __builtin_prefetch(pool_.data() + tokens_[fr.tok_begin + t].key_off);
      }
    }
  }
}

FormView NameIndex::Form(std::uint32_t form) const {
  const FormRec& f = forms_[form];
  FormView v;
  v.pool = pool_.data();
  v.tokens = tokens_.data() + f.tok_begin;
  v.count = f.tok_count;
  v.compact = Str(f.compact_off, f.compact_len);
  v.masks = token_masks_.data() + f.tok_begin;
  return v;
}

PartyFacts NameIndex::Facts(std::uint32_t party) const {
  const PartyRec& p = parties_[party];
  PartyFacts f;
  f.type = lists::PartyType(p.type);
  f.dob_years = dobs_.data() + p.dob_begin;
  f.dob_count = p.dob_count;
  f.countries = Str(p.countries_off, p.countries_len);
  return f;
}

std::pair<const IdRec*, const IdRec*> NameIndex::FindIdentifier(
    std::string_view canonical) const {
  auto range = std::equal_range(
      ids_.begin(), ids_.end(), canonical, [&](const auto& a, const auto& c) {
        auto str = [&](const auto& x) -> std::string_view {
          if constexpr (std::is_same_v<std::decay_t<decltype(x)>, IdRec>) {
            return Str(x.canonical_off, x.canonical_len);
          } else {
            return x;
          }
        };
        return str(a) < str(c);
      });
  if (range.first == range.second) return {nullptr, nullptr};
  return {ids_.data() + (range.first - ids_.begin()),
          ids_.data() + (range.second - ids_.begin())};
}

std::size_t NameIndex::memory_bytes() const {
  return pool_.capacity() + lists_.capacity() * sizeof(ListRec) +
         parties_.capacity() * sizeof(PartyRec) +
         names_.capacity() * sizeof(NameRec) +
         forms_.capacity() * sizeof(FormRec) +
         tokens_.capacity() * sizeof(PackedToken) +
         keys_.capacity() * sizeof(KeyRec) +
         postings_.capacity() * sizeof(std::uint32_t) +
         dobs_.capacity() * sizeof(dobs_[0]) + ids_.capacity() * sizeof(IdRec) +
         inv_norm_.capacity() * sizeof(float) +
         gram_keys_.capacity() * sizeof(std::uint32_t) +
         key_slots_.capacity() * sizeof(std::uint32_t) +
         token_masks_.capacity() * sizeof(std::uint64_t);
}

Result<void> NameIndex::Save(const std::string& path, std::uint64_t key) const {
  std::string payload;
  payload.reserve(memory_bytes() + 256);
  std::vector<char> pool(pool_.begin(), pool_.end());
  PutVector(&payload, pool);
  PutVector(&payload, lists_);
  PutVector(&payload, parties_);
  PutVector(&payload, names_);
  PutVector(&payload, forms_);
  PutVector(&payload, tokens_);
  PutVector(&payload, keys_);
  PutVector(&payload, postings_);
  PutVector(&payload, dobs_);
  PutVector(&payload, ids_);
  std::vector<float> extra = {max_idf_};
  PutVector(&payload, extra);

  FileHeader h;
  std::memcpy(h.magic, kMagic, sizeof(kMagic));
  h.format = kIndexFormatVersion;
  h.key = key;
  h.payload_size = payload.size();
  h.checksum = Fnv1a(payload.data(), payload.size());

  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Fail(ErrorCode::kIo, tmp + ": cannot create index cache");
    out.write(reinterpret_cast<const char*>(&h), sizeof(h));
    out.write(payload.data(), std::streamsize(payload.size()));
    out.flush();
    if (!out) {
      std::error_code ec;
      std::filesystem::remove(tmp, ec);
      return Fail(ErrorCode::kIo, tmp + ": cannot write index cache");
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    return Fail(ErrorCode::kIo,
                path + ": cannot replace index cache: " + ec.message());
  }
  return Ok();
}

Result<NameIndex> NameIndex::Load(const std::string& path, std::uint64_t key) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr)
    return Fail(ErrorCode::kNotFound, path + ": no index cache");
  FileHeader h;
  bool ok = std::fread(&h, sizeof(h), 1, f) == 1;
  if (!ok || std::memcmp(h.magic, kMagic, sizeof(kMagic)) != 0 ||
      h.format != kIndexFormatVersion || h.key != key ||
      h.payload_size > (std::uint64_t(1) << 34)) {
    std::fclose(f);
    return Fail(ErrorCode::kIntegrity, path + ": stale or foreign index cache");
  }
  std::string payload(h.payload_size, '\0');
  ok = std::fread(payload.data(), 1, payload.size(), f) == payload.size();
  std::fclose(f);
  if (!ok || Fnv1a(payload.data(), payload.size()) != h.checksum) {
    return Fail(ErrorCode::kIntegrity, path + ": corrupt index cache");
  }
  NameIndex ix;
  std::string_view in(payload);
  std::vector<char> pool;
  std::vector<float> extra;
  ok = GetVector(&in, &pool) && GetVector(&in, &ix.lists_) &&
       GetVector(&in, &ix.parties_) && GetVector(&in, &ix.names_) &&
       GetVector(&in, &ix.forms_) && GetVector(&in, &ix.tokens_) &&
       GetVector(&in, &ix.keys_) && GetVector(&in, &ix.postings_) &&
       GetVector(&in, &ix.dobs_) && GetVector(&in, &ix.ids_) &&
       GetVector(&in, &extra) && extra.size() == 1 && in.empty();
  if (!ok) return Fail(ErrorCode::kIntegrity, path + ": truncated index cache");
  ix.pool_.assign(pool.begin(), pool.end());
  ix.max_idf_ = extra[0];
  // Bounds checks, so that a damaged file with a valid checksum (or a bug)
  // cannot make queries read outside the arrays.
  const std::size_t pool_size = ix.pool_.size();
  auto in_pool = [&](std::uint64_t off, std::uint64_t len) {
    return off + len <= pool_size;
  };
  for (const auto& l : ix.lists_) ok = ok && in_pool(l.code_off, l.code_len);
  for (const auto& p : ix.parties_) {
    ok = ok && p.list < ix.lists_.size() &&
         in_pool(p.source_id_off, p.source_id_len) &&
         in_pool(p.programs_off, p.programs_len) &&
         in_pool(p.countries_off, p.countries_len) &&
         std::uint64_t(p.dob_begin) + p.dob_count <= ix.dobs_.size() &&
         (p.primary_name == kNoId || p.primary_name < ix.names_.size());
  }
  for (const auto& n : ix.names_) {
    ok = ok && n.party < ix.parties_.size() &&
         in_pool(n.full_off, n.full_len) &&
         in_pool(n.script_off, n.script_len) &&
         std::uint64_t(n.form_begin) + n.form_count <= ix.forms_.size() &&
         n.norm > 0;
  }
  for (const auto& fr : ix.forms_) {
    ok = ok &&
         std::uint64_t(fr.tok_begin) + fr.tok_count <= ix.tokens_.size() &&
         fr.tok_count <= kMaxTokens && in_pool(fr.compact_off, fr.compact_len);
  }
  for (const auto& t : ix.tokens_) {
    ok = ok && in_pool(t.key_off, t.key_len) &&
         in_pool(t.surface_off, t.surface_len) &&
         in_pool(t.phonetic_off, t.phonetic_len) && t.role <= kRoleInitial &&
         (t.key_id == kNoId || t.key_id < ix.keys_.size()) &&
         (t.phonetic_id == kNoId || t.phonetic_id < ix.keys_.size());
  }
  for (const auto& k : ix.keys_) {
    ok = ok && k.str_len > 0 && in_pool(k.str_off, k.str_len) &&
         std::uint64_t(k.post_begin) + k.post_count <= ix.postings_.size();
  }
  for (std::uint32_t p : ix.postings_) ok = ok && p < ix.names_.size();
  for (const auto& r : ix.ids_) {
    ok = ok && r.party < ix.parties_.size() &&
         in_pool(r.canonical_off, r.canonical_len) &&
         in_pool(r.type_off, r.type_len) && in_pool(r.value_off, r.value_len);
  }
  if (!ok) {
    return Fail(ErrorCode::kIntegrity, path + ": inconsistent index cache");
  }
  ix.FillDerived();
  return ix;
}

}  // namespace clearance::match::internal
