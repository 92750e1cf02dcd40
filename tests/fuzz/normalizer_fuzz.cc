// Fuzzes the name normalizer: any bytes, under every NameKind, must give a
// name within the documented bounds, without crashing or hanging.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "engine/text/normalize.h"

using clearance::text::NameKind;
using clearance::text::NameNormalizer;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const NameNormalizer* normalizer = [] {
    auto created = NameNormalizer::Create();
    if (!created) std::abort();
    return created->release();
  }();
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  for (NameKind kind :
       {NameKind::kUnknown, NameKind::kPerson, NameKind::kEntity}) {
    const auto name = normalizer->Normalize(input, kind);
    if (name.original.size() > clearance::text::kMaxNameBytes) std::abort();
    if (name.variants.size() > clearance::text::kMaxVariants) std::abort();
    for (const auto& token : name.tokens) {
      if (token.key.empty()) std::abort();
      for (char c : token.key) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) std::abort();
      }
      (void)clearance::text::PhoneticKey(token.key);
    }
    (void)name.CompactKey();
  }
  (void)normalizer->ToLatin(input);
  return 0;
}
