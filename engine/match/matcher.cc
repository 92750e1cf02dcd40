#include "engine/match/matcher.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <unordered_map>

#include "engine/common/strings.h"
#include "engine/match/identifiers.h"
#include "engine/match/name_index.h"
#include "engine/match/scorer.h"
#include "engine/store/list_store.h"
#include "engine/text/normalize.h"

namespace clearance::match {

using internal::Calibrate;
using internal::FormView;
using internal::NameIndex;
using internal::PackedName;
using internal::ScoreForms;

// Candidates ranked below this fraction of the best are not scored.
constexpr float kRankFloor = 0.5f;

struct Matcher::Impl {
  std::unique_ptr<text::NameNormalizer> normalizer;
  NameIndex index;
  std::vector<std::int64_t> version_ids;
};

namespace {

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

std::uint64_t Mix(std::uint64_t h, std::string_view s) {
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return (h ^ 0xff) * 1099511628211ull;
}

// A fingerprint of the normalizer's behaviour, so that a cache built by an
// engine whose normalization differs is not reused.
std::uint64_t NormalizerFingerprint(const text::NameNormalizer& normalizer) {
  static constexpr std::string_view kProbes[] = {
      "Beijing Zhipu Huazhang Technology Co., Ltd.",
      "北京智谱华章科技有限公司",
      "PUTIN, Vladimir Vladimirovich",
      "Владимир Путин ООО",
      "محمد علي",
      "Nguyễn Tấn Dũng",
      "김정은",
      "山田太郎 株式会社",
      "Αλέξανδρος",
      "משה",
      "สมชาย",
      "Moscow Trading OOO",
      "ABDUL RAHMAN Intl Trading GmbH J. Smith 12",
  };
  std::uint64_t h = 1469598103934665603ull;
  for (auto kind : {text::NameKind::kPerson, text::NameKind::kEntity}) {
    for (std::string_view p : kProbes) {
      text::NormalizedName n = normalizer.Normalize(p, kind);
      h = Mix(h, n.script);
      for (const auto& t : n.tokens) {
        h = Mix(h, t.key);
        h = Mix(h, text::PhoneticKey(t.key));
        h = Mix(h, std::string(1, char('0' + int(t.role))));
        h = Mix(h, std::to_string(t.equivalence) + (t.place ? "p" : ""));
      }
      for (const auto& v : n.variants) {
        for (const auto& t : v) h = Mix(h, t.key);
        h = Mix(h, "|");
      }
    }
  }
  return h;
}

struct Scored {
  std::uint32_t name = 0;
  std::uint32_t party = 0;
  std::uint8_t qform = 0;
  std::uint8_t lform = 0;
  double name_score = 0;  // calibrated, before adjustments
  double score = 0;
};

// Best form pair of `query` vs listed name `n`; pairs below `floor` (raw)
// need not be scored exactly (ScoreForms).
double BestFormPair(const NameIndex& index, const PackedName& query,
                    std::uint32_t n, double floor, std::uint8_t* qform,
                    std::uint8_t* lform) {
  const internal::NameRec& nr = index.names()[n];
  double best = 0;
  for (std::size_t q = 0; q < query.forms.size(); ++q) {
    FormView qv = query.Form(q);
    for (std::size_t l = 0; l < nr.form_count; ++l) {
      FormView lv = index.Form(nr.form_begin + std::uint32_t(l));
      lv.person = nr.person != 0;
      double s = ScoreForms(qv, lv, nullptr, floor);
      if (s > best) {
        best = s;
        *qform = std::uint8_t(q);
        *lform = std::uint8_t(l);
        if (s >= 1.0) return s;
      }
    }
  }
  return best;
}

// False for values that no identifier recognizer can accept: every
// identifier is one word (addresses, LEI, USCC) or carries digits ("IMO
// 9123456", LEI and USCC check digits). Most names are several words
// without digits, and skip the recognizers' regular expressions.
bool MayBeIdentifier(std::string_view value) {
  value = TrimAscii(value);
  bool space = false;
  for (char c : value) {
    if (c >= '0' && c <= '9') return true;
    space = space || c == ' ' || c == '\t';
  }
  return !space;
}

bool IdentifierLike(const IdentifierGuess& g) {
  if (g.type == "crypto_address") return true;
  return (g.type == "lei" || g.type == "uscc" || g.type == "imo") &&
         g.checksum_valid;
}

}  // namespace

Matcher::Matcher() : impl_(std::make_unique<Impl>()) {}
Matcher::~Matcher() = default;

Result<std::unique_ptr<Matcher>> Matcher::FromDocuments(
    const std::vector<std::pair<std::int64_t, lists::ListDocument>>& docs,
    const MatcherOptions& options) {
  auto normalizer = text::NameNormalizer::Create();
  if (!normalizer) return std::unexpected(normalizer.error());
  std::unique_ptr<Matcher> m(new Matcher());
  m->impl_->normalizer = std::move(*normalizer);
  std::vector<NameIndex::Input> inputs;
  for (const auto& [id, doc] : docs) {
    if (!options.lists.empty() &&
        std::find(options.lists.begin(), options.lists.end(), doc.code) ==
            options.lists.end()) {
      continue;
    }
    inputs.push_back({id, &doc});
    m->impl_->version_ids.push_back(id);
  }
  m->impl_->index = NameIndex::Build(inputs, *m->impl_->normalizer);
  return m;
}

Result<std::unique_ptr<Matcher>> Matcher::Open(const std::string& db_path,
                                               const MatcherOptions& options) {
  std::error_code ec;
  if (!std::filesystem::exists(db_path, ec)) {
    return Fail(ErrorCode::kNotFound,
                db_path + ": no list store (import lists first)");
  }
  auto store = store::ListStore::Open(db_path);
  if (!store) return std::unexpected(store.error());
  auto versions = (*store)->Versions();
  if (!versions) return std::unexpected(versions.error());
  std::vector<store::ListVersionInfo> selected;
  for (const auto& v : *versions) {
    if (!v.latest) continue;
    if (!options.lists.empty() &&
        std::find(options.lists.begin(), options.lists.end(), v.code) ==
            options.lists.end()) {
      continue;
    }
    selected.push_back(v);
  }
  for (const auto& code : options.lists) {
    bool found = std::any_of(selected.begin(), selected.end(),
                             [&](const auto& v) { return v.code == code; });
    if (!found) {
      return Fail(ErrorCode::kNotFound,
                  db_path + ": list " + code + " has not been imported");
    }
  }
  std::sort(selected.begin(), selected.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });

  auto normalizer = text::NameNormalizer::Create();
  if (!normalizer) return std::unexpected(normalizer.error());
  std::unique_ptr<Matcher> m(new Matcher());
  m->impl_->normalizer = std::move(*normalizer);

  std::uint64_t key =
      Mix(1469598103934665603ull,
          "format " + std::to_string(internal::kIndexFormatVersion));
  key ^= NormalizerFingerprint(*m->impl_->normalizer);
  for (const auto& v : selected) {
    key = Mix(key, v.code + "#" + std::to_string(v.id) + "#" + v.sha256);
    m->impl_->version_ids.push_back(v.id);
  }
  std::string cache_path = options.cache_path.empty() ? db_path + ".match-index"
                                                      : options.cache_path;
  if (options.use_cache) {
    auto loaded = NameIndex::Load(cache_path, key);
    if (loaded) {
      m->impl_->index = std::move(*loaded);
      return m;
    }
  }
  std::vector<std::pair<std::int64_t, lists::ListDocument>> docs;
  for (const auto& v : selected) {
    auto doc = (*store)->LoadList(v.id);
    if (!doc) return std::unexpected(doc.error());
    docs.emplace_back(v.id, std::move(*doc));
  }
  std::vector<NameIndex::Input> inputs;
  for (const auto& [id, doc] : docs) inputs.push_back({id, &doc});
  m->impl_->index = NameIndex::Build(inputs, *m->impl_->normalizer);
  docs.clear();
  if (options.use_cache) {
    // A cache that cannot be written costs only the next start-up time.
    (void)m->impl_->index.Save(cache_path, key);
  }
  return m;
}

std::vector<Hit> Matcher::ScreenIdentifier(const std::string& value) const {
  std::vector<Hit> hits;
  if (value.empty() || value.size() > 512) return hits;
  const NameIndex& ix = impl_->index;
  IdentifierGuess g = RecognizeIdentifier(value);
  std::vector<std::string> forms = {g.canonical};
  for (const auto& chain : g.chains) {
    forms.push_back(CanonicalIdentifier("crypto_address", chain, value));
  }
  for (const char* type :
       {"crypto_address", "lei", "uscc", "imo", "swift_bic", "passport",
        "national_id", "tax_id", "registration", "other"}) {
    forms.push_back(CanonicalIdentifier(type, "", value));
  }
  std::sort(forms.begin(), forms.end());
  forms.erase(std::unique(forms.begin(), forms.end()), forms.end());
  std::set<std::pair<std::uint32_t, const internal::IdRec*>> seen;
  for (const auto& f : forms) {
    if (f.size() < 4) continue;
    auto [begin, end] = ix.FindIdentifier(f);
    for (const internal::IdRec* r = begin; r != end; ++r) {
      if (!seen.insert({r->party, r}).second) continue;
      const internal::PartyRec& p = ix.parties()[r->party];
      Hit h;
      const internal::ListRec& l = ix.lists()[p.list];
      h.list = std::string(ix.Str(l.code_off, l.code_len));
      h.version_id = l.version_id;
      h.party_id = std::string(ix.Str(p.source_id_off, p.source_id_len));
      h.party_type = lists::PartyType(p.type);
      if (p.primary_name != internal::kNoId) {
        const internal::NameRec& n = ix.names()[p.primary_name];
        h.party_name = std::string(ix.Str(n.full_off, n.full_len));
        h.matched_name = h.party_name;
        h.matched_script = std::string(ix.Str(n.script_off, n.script_len));
      }
      h.score = 1.0;
      h.identifier_hit = true;
      h.identifier_type = std::string(ix.Str(r->type_off, r->type_len));
      h.identifier_value = std::string(ix.Str(r->value_off, r->value_len));
      h.explanation.name_score = 0;
      h.explanation.adjustments.emplace_back(
          "identifier " + h.identifier_type + " matches exactly", 1.0);
      std::string_view programs = ix.Str(p.programs_off, p.programs_len);
      while (!programs.empty()) {
        std::size_t nl = programs.find('\n');
        h.programs.emplace_back(programs.substr(0, nl));
        if (nl == std::string_view::npos) break;
        programs.remove_prefix(nl + 1);
      }
      hits.push_back(std::move(h));
    }
  }
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
    return std::tie(a.list, a.party_id, a.identifier_value) <
           std::tie(b.list, b.party_id, b.identifier_value);
  });
  return hits;
}

std::vector<Hit> Matcher::ScreenName(const NameQuery& query) const {
  std::vector<Hit> hits;
  if (query.name.empty() || query.limit <= 0) return hits;
  const NameIndex& ix = impl_->index;

  if (query.name.size() <= 256 && MayBeIdentifier(query.name)) {
    IdentifierGuess g = RecognizeIdentifier(query.name);
    if (IdentifierLike(g)) {
      hits = ScreenIdentifier(query.name);
      if (int(hits.size()) > query.limit) hits.resize(std::size_t(query.limit));
    }
  }

  text::NormalizedName nn =
      impl_->normalizer->Normalize(query.name, KindOf(query.type));
  PackedName pq = ix.Pack(nn, query.type == lists::PartyType::kPerson);
  if (pq.forms.empty()) return hits;

  thread_local std::vector<internal::Candidate> candidates;
  ix.Candidates(pq, &candidates);
  std::vector<Scored> scored;
  // The largest positive adjustment: lets hopeless candidates stop early.
  constexpr double kMaxBonus = 0.05;
  // Candidates far behind the best one in key agreement cannot pass: the
  // best candidate shares most keys with the query, these share little.
  const float rank_floor =
      candidates.empty() ? 0.0f : candidates[0].rank * kRankFloor;
  ix.Prefetch(candidates, rank_floor);
  // The raw name scores that cannot reach the threshold even with the
  // largest bonus: below `raw_floor` (Calibrate is monotone, so bisection
  // finds it; every raw score below it is discarded by the test below).
  double raw_floor = 0.0;
  for (double hi = 1.0; hi - raw_floor > 1e-9;) {
    const double mid = (raw_floor + hi) / 2;
    if (Calibrate(mid) + kMaxBonus >= query.threshold) {
      hi = mid;
    } else {
      raw_floor = mid;
    }
  }
  for (const internal::Candidate& c : candidates) {
    if (c.rank < rank_floor) break;
    Scored s;
    s.name = c.name;
    double raw = BestFormPair(ix, pq, c.name, raw_floor, &s.qform, &s.lform);
    s.name_score = Calibrate(raw);
    if (s.name_score + kMaxBonus < query.threshold) continue;
    const internal::NameRec& nr = ix.names()[c.name];
    s.party = nr.party;
    double adj = internal::SecondaryAdjustments(
        query, ix.Facts(nr.party), lists::AliasStrength(nr.strength), nullptr);
    s.score = std::clamp(s.name_score + adj, 0.0, 1.0);
    if (s.score < query.threshold) continue;
    scored.push_back(s);
  }
  // One hit per party: its best-matching name.
  std::sort(scored.begin(), scored.end(), [](const Scored& a, const Scored& b) {
    return a.party < b.party || (a.party == b.party && a.score > b.score);
  });
  scored.erase(std::unique(scored.begin(), scored.end(),
                           [](const Scored& a, const Scored& b) {
                             return a.party == b.party;
                           }),
               scored.end());
  auto list_code = [&](std::uint32_t party) {
    const internal::ListRec& l = ix.lists()[ix.parties()[party].list];
    return ix.Str(l.code_off, l.code_len);
  };
  auto source_id = [&](std::uint32_t party) {
    const internal::PartyRec& p = ix.parties()[party];
    return ix.Str(p.source_id_off, p.source_id_len);
  };
  std::sort(scored.begin(), scored.end(),
            [&](const Scored& a, const Scored& b) {
              if (a.score != b.score) return a.score > b.score;
              auto la = list_code(a.party), lb = list_code(b.party);
              if (la != lb) return la < lb;
              return source_id(a.party) < source_id(b.party);
            });

  for (const Scored& s : scored) {
    if (int(hits.size()) >= query.limit) break;
    const internal::NameRec& nr = ix.names()[s.name];
    const internal::PartyRec& p = ix.parties()[s.party];
    const internal::ListRec& l = ix.lists()[p.list];
    bool duplicate = false;
    for (const Hit& h : hits) {
      duplicate =
          duplicate || (h.identifier_hit && h.list == list_code(s.party) &&
                        h.party_id == source_id(s.party));
    }
    if (duplicate) continue;
    Hit h;
    h.list = std::string(ix.Str(l.code_off, l.code_len));
    h.version_id = l.version_id;
    h.party_id = std::string(ix.Str(p.source_id_off, p.source_id_len));
    if (p.primary_name != internal::kNoId) {
      const internal::NameRec& primary = ix.names()[p.primary_name];
      h.party_name = std::string(ix.Str(primary.full_off, primary.full_len));
    }
    h.party_type = lists::PartyType(p.type);
    h.matched_name = std::string(ix.Str(nr.full_off, nr.full_len));
    h.matched_script = std::string(ix.Str(nr.script_off, nr.script_len));
    h.matched_strength = lists::AliasStrength(nr.strength);
    h.score = s.score;
    FormView qv = pq.Form(s.qform);
    FormView lv = ix.Form(nr.form_begin + s.lform);
    lv.person = nr.person != 0;
    ScoreForms(qv, lv, &h.explanation);
    h.explanation.name_score = s.name_score;
    internal::SecondaryAdjustments(query, ix.Facts(s.party), h.matched_strength,
                                   &h.explanation);
    std::string_view programs = ix.Str(p.programs_off, p.programs_len);
    while (!programs.empty()) {
      std::size_t nl = programs.find('\n');
      h.programs.emplace_back(programs.substr(0, nl));
      if (nl == std::string_view::npos) break;
      programs.remove_prefix(nl + 1);
    }
    hits.push_back(std::move(h));
  }
  return hits;
}

double Matcher::ScorePair(const std::string& a, const std::string& b,
                          lists::PartyType type,
                          Explanation* explanation) const {
  const NameIndex& ix = impl_->index;
  bool person = type == lists::PartyType::kPerson;
  PackedName pa =
      ix.Pack(impl_->normalizer->Normalize(a, KindOf(type)), person);
  PackedName pb =
      ix.Pack(impl_->normalizer->Normalize(b, KindOf(type)), person);
  double best = 0;
  std::size_t best_a = 0, best_b = 0;
  for (std::size_t i = 0; i < pa.forms.size(); ++i) {
    for (std::size_t j = 0; j < pb.forms.size(); ++j) {
      double s = ScoreForms(pa.Form(i), pb.Form(j), nullptr);
      if (s > best) {
        best = s;
        best_a = i;
        best_b = j;
      }
    }
  }
  double score = Calibrate(best);
  if (explanation != nullptr) {
    *explanation = {};
    if (!pa.forms.empty() && !pb.forms.empty()) {
      ScoreForms(pa.Form(best_a), pb.Form(best_b), explanation);
    }
    explanation->name_score = score;
  }
  return score;
}

std::size_t Matcher::name_count() const { return impl_->index.names().size(); }
std::size_t Matcher::party_count() const {
  return impl_->index.parties().size();
}
std::size_t Matcher::memory_bytes() const {
  return impl_->index.memory_bytes();
}
const std::vector<std::int64_t>& Matcher::version_ids() const {
  return impl_->version_ids;
}

}  // namespace clearance::match
