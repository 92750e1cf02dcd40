// OFAC's legacy SDN CSV set: sdn.csv (main), add.csv, alt.csv and
// sdn_comments.csv. The reading is shared with the non-SDN consolidated set
// (ofac_cons_legacy_csv.cc); see ofac_common.h.
#include "engine/lists/ofac_common.h"
#include "engine/lists/parsers.h"

namespace clearance::lists::internal {

Result<void> ParseOfacLegacyCsv(const Paths& paths, const ParseOptions& options,
                                ParsedSource& out) {
  static constexpr OfacLegacyLayout kLayout = {
      .main_file = "sdn.csv",
      .address_file = "add.csv",
      .alias_file = "alt.csv",
      .comments_file = "sdn_comments.csv",
      .list_code = "OFAC-SDN",
      .list_name = "OFAC Specially Designated Nationals and Blocked Persons",
  };
  return ParseOfacLegacySet(paths, options, kLayout, out);
}

}  // namespace clearance::lists::internal
