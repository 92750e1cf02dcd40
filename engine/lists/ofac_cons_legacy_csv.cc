// OFAC's legacy CSV set for the consolidated non-SDN lists: cons_prim.csv
// (main), cons_add.csv, cons_alt.csv and cons_comments.csv, in the same
// layout as the SDN set. Programs name the sub-list (SSI, FSE, NS-MBS, CMIC,
// NS-PLC, CAPTA, ...) and are kept as programs.
#include "engine/lists/ofac_common.h"
#include "engine/lists/parsers.h"

namespace clearance::lists::internal {

Result<void> ParseOfacConsLegacyCsv(const Paths& paths,
                                    const ParseOptions& options,
                                    ParsedSource& out) {
  static constexpr OfacLegacyLayout kLayout = {
      .main_file = "cons_prim.csv",
      .address_file = "cons_add.csv",
      .alias_file = "cons_alt.csv",
      .comments_file = "cons_comments.csv",
      .list_code = "OFAC-NONSDN",
      .list_name = "OFAC Consolidated Sanctions List (non-SDN)",
  };
  return ParseOfacLegacySet(paths, options, kLayout, out);
}

}  // namespace clearance::lists::internal
