// Fuzzes every list parser: the first byte picks the format, the rest is the
// file content. A parser may reject input with an Error; it must never
// crash, hang, leak or read out of bounds.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "engine/lists/lists.h"

using clearance::lists::Format;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  static const Format kFormats[] = {Format::kOfacAdvancedXml,
                                    Format::kOfacLegacyCsv,
                                    Format::kOfacConsLegacyCsv,
                                    Format::kOfacEnhancedXml,
                                    Format::kCslCsv,
                                    Format::kCslJson,
                                    Format::kBisDplText,
                                    Format::kUnXml,
                                    Format::kDod1260hCsv,
                                    Format::kCryptoAddressText,
                                    Format::kCryptoAddressJson,
                                    Format::kClearanceJson};
  const Format format =
      kFormats[data[0] % (sizeof kFormats / sizeof kFormats[0])];
  static const std::string dir = [] {
    char tmpl[] = "/tmp/clearance_fuzz_XXXXXX";
    return std::string(mkdtemp(tmpl));
  }();
  // Names that the parsers expect for their format.
  std::string name = "input.dat";
  if (format == Format::kOfacLegacyCsv) name = "sdn.csv";
  if (format == Format::kOfacConsLegacyCsv) name = "cons_prim.csv";
  if (format == Format::kCryptoAddressText)
    name = "sanctioned_addresses_XBT.txt";
  if (format == Format::kCryptoAddressJson)
    name = "sanctioned_addresses_ETH.json";
  const std::string path = dir + "/" + name;
  if (FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(data + 1, 1, size - 1, f);
    std::fclose(f);
  }
  auto result = clearance::lists::ParseSource({format, {path}});
  (void)result;
  // Detection must not crash either.
  auto detected = clearance::lists::DetectFormat(path);
  (void)detected;
  return 0;
}
