// Helpers shared by every test binary: where the real data lives, temporary
// directories, running the built `clearance` program.
#ifndef CLEARANCE_TESTS_TEST_SUPPORT_H_
#define CLEARANCE_TESTS_TEST_SUPPORT_H_

#include <filesystem>
#include <string>

namespace clearance::testing {

// $CLEARANCE_SHARED_DATA (set by CTest from the CMake cache), else
// <source>/../shared/data. Returns "" if that folder does not exist.
std::string SharedDataDir();

// SharedDataDir() + "/" + relative, or "" if that file does not exist.
// Use with: if (path.empty()) GTEST_SKIP() << "...absent";
std::string SharedDataFile(const std::string& relative);

// <source>/tests/testdata/<relative>.
std::string TestDataFile(const std::string& relative);

// A fresh empty directory, removed when the object is destroyed.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string File(const std::string& name) const {
    return (path_ / name).string();
  }

 private:
  std::filesystem::path path_;
};

// Writes `content` to `path` (binary).
void WriteFile(const std::string& path, const std::string& content);
// Reads a whole file (binary); "" if it cannot be read.
std::string ReadFile(const std::string& path);

// Runs the built clearance binary with `args` (shell-quoted by the caller),
// capturing stdout and stderr together. Returns the exit code.
int RunClearance(const std::string& args, std::string* output);

}  // namespace clearance::testing

#endif  // CLEARANCE_TESTS_TEST_SUPPORT_H_
