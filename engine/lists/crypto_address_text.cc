// Per-currency address text files (sanctioned_addresses_<CUR>.txt): one
// address a line; blank lines and lines starting with '#' are ignored.
// PlanSources groups all files of a folder into one spec; the list mapping
// is in crypto_address_list.h.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "engine/lists/crypto_address_list.h"
#include "engine/lists/input.h"
#include "engine/lists/parsers.h"

namespace clearance::lists::internal {

Result<void> ParseCryptoAddressText(const Paths& paths,
                                    const ParseOptions& options,
                                    ParsedSource& out) {
  std::vector<CurrencyAddress> items;
  std::int64_t done = 0;
  std::int64_t total = 0;
  for (const std::string& path : paths) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (!ec) total += static_cast<std::int64_t>(size);
  }
  for (const std::string& path : paths) {
    auto currency = CurrencyOfFile(path);
    if (!currency) return std::unexpected(currency.error());
    auto input = InputStream::Open(path);
    if (!input) return std::unexpected(input.error());
    auto content = (*input)->ReadAll();
    if (!content) return std::unexpected(content.error());
    std::string_view rest = *content;
    if (rest.starts_with("\xEF\xBB\xBF")) rest.remove_prefix(3);
    long line_number = 0;
    while (!rest.empty()) {
      ++line_number;
      const size_t end = rest.find('\n');
      std::string_view line = rest.substr(0, end);
      rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ' ||
                               line.back() == '\t')) {
        line.remove_suffix(1);
      }
      while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
        line.remove_prefix(1);
      }
      if (line.empty() || line.starts_with("#")) continue;
      const std::string address(line);
      if (const std::string problem = AddressProblem(address);
          !problem.empty()) {
        return Fail(ErrorCode::kParse, (*input)->display_name() + " line " +
                                           std::to_string(line_number) + ": " +
                                           problem);
      }
      items.push_back({*currency, address});
    }
    done += (*input)->file_size();
    if (options.progress) options.progress(done, total);
  }
  out.lists.push_back(PerCurrencyAddressList(items));
  return Ok();
}

}  // namespace clearance::lists::internal
