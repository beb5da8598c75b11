#include "test_util.h"

#include <fcntl.h>
#include <libdeflate.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include "warehouse/layout.h"

namespace adxm::testing {

ScratchDir::ScratchDir() {
  std::random_device rd;
  auto base = std::filesystem::temp_directory_path();
  for (;;) {
    path_ = base / ("adxm-test-" + std::to_string(rd()) + std::to_string(rd()));
    if (std::filesystem::create_directory(path_)) break;
  }
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

namespace {

std::string Slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Return the inherited environment as NAME=value entries, with `env` added or overriding.
std::vector<std::string> MergeEnvironment(const EnvVars& env) {
  std::vector<std::string> merged;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    std::string_view name = text.substr(0, text.find('='));
    bool overridden = std::any_of(env.begin(), env.end(), [&](const auto& var) { return var.first == name; });
    if (!overridden) merged.emplace_back(text);
  }
  for (const auto& [name, value] : env) merged.push_back(name + "=" + value);
  return merged;
}

}  // namespace

CommandResult RunCommand(const std::vector<std::string>& argv, const std::string& stdin_data) {
  return RunCommand(argv, EnvVars{}, stdin_data);
}

CommandResult RunCommand(const std::vector<std::string>& argv, const EnvVars& env,
                         const std::string& stdin_data) {
  // Capture through files rather than pipes: no deadlock on large outputs, no polling.
  ScratchDir io;
  auto in_path = io.path() / "in", out_path = io.path() / "out", err_path = io.path() / "err";
  std::ofstream(in_path, std::ios::binary) << stdin_data;
  // Built before fork: the child only dups and execs.
  std::vector<std::string> environment = MergeEnvironment(env);
  std::vector<char*> envp;
  for (auto& entry : environment) envp.push_back(entry.data());
  envp.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    int in = ::open(in_path.c_str(), O_RDONLY);
    int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    std::vector<char*> args;
    for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    ::execvpe(args[0], args.data(), envp.data());  // PATH lookup for tools: node, python3, setpriv.
    std::fprintf(stderr, "exec %s failed: %s\n", args[0], std::strerror(errno));
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = Slurp(out_path);
  result.err = Slurp(err_path);
  return result;
}

int SpawnCommand(const std::vector<std::string>& argv, const std::filesystem::path& log_path) {
  pid_t pid = ::fork();
  if (pid == 0) {
    int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int null_in = ::open("/dev/null", O_RDONLY);
    ::dup2(null_in, 0);
    ::dup2(log, 1);
    ::dup2(log, 2);
    std::vector<char*> args;
    for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());  // PATH lookup for tools: node, python3, setpriv.
    ::_exit(127);
  }
  return pid;
}

int WaitCommand(int pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int byte : bytes) out.push_back(static_cast<char>(byte));
  return out;
}

std::string Gzip(std::string_view data, int level) {
  libdeflate_compressor* compressor = libdeflate_alloc_compressor(level);
  std::string out(libdeflate_gzip_compress_bound(compressor, data.size()), '\0');
  out.resize(libdeflate_gzip_compress(compressor, data.data(), data.size(), out.data(), out.size()));
  libdeflate_free_compressor(compressor);
  return out;
}

std::string CliPath() { return ADXM_CLI_PATH; }

std::filesystem::path SourceDir() { return ADXM_SOURCE_DIR; }

void CopyWarehouse(const std::filesystem::path& from, const std::filesystem::path& to) {
  namespace fs = std::filesystem;
  const fs::path leases = fs::path(WarehouseLayout::kLeasePrefix).parent_path();  // _adxmetrics/leases
  fs::create_directories(to);
  for (auto it = fs::recursive_directory_iterator(from); it != fs::recursive_directory_iterator(); ++it) {
    const fs::path relative = it->path().lexically_relative(from);
    if (relative == leases) {
      it.disable_recursion_pending();
    } else if (it->is_directory()) {
      fs::create_directories(to / relative);
    } else {
      fs::copy_file(it->path(), to / relative);
    }
  }
}

CommandResult RunCli(const std::vector<std::string>& args, const std::string& stdin_data) {
  std::vector<std::string> argv = {CliPath()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv, stdin_data);
}

}  // namespace adxm::testing
