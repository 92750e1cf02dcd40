// Renders list-store objects for people (text) and machines (JSON). The
// JSON shape of a party is the Clearance list format (docs/lists.md), so a
// `lists show --json` party can be pasted into a Clearance list file.
#ifndef CLEARANCE_ENGINE_CLI_RENDER_H_
#define CLEARANCE_ENGINE_CLI_RENDER_H_

#include <nlohmann/json.hpp>
#include <string>

#include "engine/lists/lists.h"
#include "engine/store/list_store.h"

namespace clearance::cli {

nlohmann::ordered_json PartyToJson(const lists::Party& party);
nlohmann::ordered_json VersionToJson(const store::ListVersionInfo& version);
nlohmann::ordered_json DiffToJson(const lists::ListDiff& diff);

std::string PartyToText(const store::StoredParty& stored);

}  // namespace clearance::cli

#endif  // CLEARANCE_ENGINE_CLI_RENDER_H_
