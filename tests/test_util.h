// Helpers shared by tests: scratch directories and running the CLI as a subprocess.
#pragma once

#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace adxm::testing {

/// A fresh directory under the system temp dir, removed on destruction.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// Outcome of a finished subprocess.
struct CommandResult {
  int exit_code = -1;  // Exit status, or 128 + signal number.
  std::string out;     // Captured stdout.
  std::string err;     // Captured stderr.
};

/// Run `argv` (argv[0] is an executable path), optionally feeding `stdin_data`, and wait for it.
CommandResult RunCommand(const std::vector<std::string>& argv, const std::string& stdin_data = "");

/// Environment variables (name, value) set for a child on top of the inherited environment.
using EnvVars = std::vector<std::pair<std::string, std::string>>;

/// Run `argv` like RunCommand above with `env` added to (or overriding) the inherited environment.
CommandResult RunCommand(const std::vector<std::string>& argv, const EnvVars& env,
                         const std::string& stdin_data = "");

/// Start `argv` in the background with stdout/stderr sent to `log_path`; return its pid.
int SpawnCommand(const std::vector<std::string>& argv, const std::filesystem::path& log_path);

/// Wait for a spawned process; return its exit status, or 128 + signal number.
int WaitCommand(int pid);

/// Run the adxmetrics CLI built alongside the tests with `args`.
CommandResult RunCli(const std::vector<std::string>& args, const std::string& stdin_data = "");

/// Return a string of the given byte values (0-255), for exact-encoding expectations.
std::string Bytes(std::initializer_list<int> bytes);

/// Return `data` gzip-compressed (libdeflate, `level` 1..12), for building test log objects.
std::string Gzip(std::string_view data, int level = 6);

/// Path of the adxmetrics CLI under test.
std::string CliPath();

/// Path of the source tree (for testdata/ and docs/).
std::filesystem::path SourceDir();

/// Copy the local warehouse `from` to `to` (created) while other processes may read it: readers'
/// snapshot leases (`_adxmetrics/leases/`), which come and go, are left out.
void CopyWarehouse(const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace adxm::testing
