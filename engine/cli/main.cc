// The `clearance` program. All logic lives in engine/cli (tested); this is
// the only code that tests do not share.
#include <cstdio>
#include <exception>

#include "engine/cli/cli.h"

int main(int argc, char** argv) {
  try {
    return clearance::cli::RunCli(argc, argv);
  } catch (const std::exception& e) {
    // Last resort: library code below us threw. Report, never crash.
    std::fprintf(stderr, "clearance: internal error: %s\n", e.what());
    return 1;
  }
}
