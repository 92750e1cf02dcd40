// `clearance lists update`: download the official files, then import them.
#include "engine/cli/cli.h"

namespace clearance::cli {

std::vector<Command> UpdateCommands() { return {}; }

}  // namespace clearance::cli
