// Internal to the CLI: the import step shared by `lists import` and
// `lists update`.
#ifndef CLEARANCE_ENGINE_CLI_IMPORT_H_
#define CLEARANCE_ENGINE_CLI_IMPORT_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/common/error.h"
#include "engine/store/list_store.h"

namespace clearance::cli {

// Plans and parses every source under `paths` before storing any; then
// stores each source in its own transaction. Returns one JSON object per
// list version (see docs/cli.md, `lists import --json`). Warnings go to
// stderr unless `quiet`.
Result<nlohmann::ordered_json> ImportPaths(
    store::ListStore& db, const std::vector<std::string>& paths, bool quiet);

}  // namespace clearance::cli

#endif  // CLEARANCE_ENGINE_CLI_IMPORT_H_
