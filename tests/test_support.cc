#include "tests/test_support.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

namespace clearance::testing {

std::string SharedDataDir() {
  const char* env = std::getenv("CLEARANCE_SHARED_DATA");
  std::string dir = env && *env ? env : CLEARANCE_SOURCE_DIR "/../shared/data";
  return std::filesystem::is_directory(dir) ? dir : "";
}

std::string SharedDataFile(const std::string& relative) {
  const std::string dir = SharedDataDir();
  if (dir.empty()) return "";
  const std::string path = dir + "/" + relative;
  return std::filesystem::exists(path) ? path : "";
}

std::string TestDataFile(const std::string& relative) {
  return CLEARANCE_SOURCE_DIR "/tests/testdata/" + relative;
}

TempDir::TempDir() {
  std::random_device rd;
  path_ = std::filesystem::temp_directory_path() /
          ("clearance_test_" + std::to_string(::getpid()) + "_" +
           std::to_string(rd()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

int RunClearance(const std::string& args, std::string* output) {
  const std::string command =
      std::string(CLEARANCE_BINARY_DIR "/clearance ") + args + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return -1;
  std::string out;
  char buffer[4096];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) {
    out.append(buffer, n);
  }
  const int status = ::pclose(pipe);
  if (output != nullptr) *output = std::move(out);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace clearance::testing
