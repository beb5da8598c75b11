#include "s3_test_env.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace adxm::testing {
namespace {

constexpr char kAwsCli[] = "/usr/bin/aws";  // Debian's awscli, not a pyenv shim earlier on PATH.
constexpr char kPython[] = "/usr/bin/python3";
constexpr std::chrono::seconds kReadyTimeout{60};  // Generous: a shared 2-core machine.

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::filesystem::path S3Dir() { return SourceDir() / "tests" / "s3"; }

}  // namespace

std::unique_ptr<ReadyProcess> ReadyProcess::Start(const std::vector<std::string>& argv,
                                                  const std::filesystem::path& log_path, std::string* error) {
  int stdin_pipe[2], stdout_pipe[2];
  // O_CLOEXEC: no other child (an aws run) inherits our ends and keeps the pipes open.
  if (::pipe2(stdin_pipe, O_CLOEXEC) != 0 || ::pipe2(stdout_pipe, O_CLOEXEC) != 0) {
    *error = std::string("pipe: ") + std::strerror(errno);
    return nullptr;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, stdin_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&actions, stdout_pipe[1], 1);
  posix_spawn_file_actions_addopen(&actions, 2, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int spawn_error = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(stdin_pipe[0]);
  ::close(stdout_pipe[1]);
  if (spawn_error != 0) {
    ::close(stdin_pipe[1]);
    ::close(stdout_pipe[0]);
    *error = argv[0] + ": spawn failed: " + std::strerror(spawn_error);
    return nullptr;
  }
  std::unique_ptr<ReadyProcess> process(new ReadyProcess(pid, stdin_pipe[1], stdout_pipe[0]));
  if (!process->ReadReadyLine(error)) {
    std::string command;
    for (const auto& arg : argv) command += (command.empty() ? "" : " ") + arg;
    *error = command + ": " + *error;
    return nullptr;
  }
  return process;
}

bool ReadyProcess::ReadReadyLine(std::string* error) {
  auto deadline = std::chrono::steady_clock::now() + kReadyTimeout;
  std::string line;
  while (line.empty() || line.back() != '\n') {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd readable{.fd = stdout_fd_, .events = POLLIN, .revents = 0};
    int ready = left.count() > 0 ? ::poll(&readable, 1, static_cast<int>(left.count())) : 0;
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      *error = "no READY line within " + std::to_string(kReadyTimeout.count()) + " s";
      return false;
    }
    char byte;
    ssize_t got = ::read(stdout_fd_, &byte, 1);
    if (got <= 0) {
      *error = "exited before its READY line (stdout so far: '" + line + "')";
      return false;
    }
    line.push_back(byte);
  }
  if (std::sscanf(line.c_str(), "READY %d", &port_) != 1 || port_ <= 0) {
    *error = "unexpected first line '" + line + "'";
    return false;
  }
  return true;
}

ReadyProcess::~ReadyProcess() {
  ::close(stdin_fd_);
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  ::close(stdout_fd_);
}

std::unique_ptr<S3TestEnv> S3TestEnv::Start(const S3TestEnvOptions& options) {
  std::string error;
  if (!S3TestsAvailable(&error)) {
    ADD_FAILURE() << "S3 tests need what scripts/bootstrap installs: " << error;
    return nullptr;
  }
  std::unique_ptr<S3TestEnv> env(new S3TestEnv());
  if (!env->Launch(options, &error)) {
    ADD_FAILURE() << "S3 test env: " << error << "\n" << env->Logs();
    return nullptr;
  }
  return env;
}

bool S3TestEnv::Launch(const S3TestEnvOptions& options, std::string* error) {
  std::filesystem::create_directory(dir() / "data");
  // The legacy provider: s3rver's continuation tokens use DES, which OpenSSL 3 hides without it
  // (every paginated ListObjectsV2 would answer 500).
  std::vector<std::string> s3rver = {"node", "--openssl-legacy-provider", (S3Dir() / "s3rver_main.mjs").string(),
                                     "--dir", (dir() / "data").string()};
  for (const auto& bucket : options.buckets) {
    s3rver.push_back("--bucket");
    s3rver.push_back(bucket);
  }
  s3rver_ = ReadyProcess::Start(s3rver, dir() / "s3rver.log", error);
  if (!s3rver_) return false;
  std::vector<std::string> proxy = {kPython, (S3Dir() / "s3_proxy.py").string(), "--upstream", upstream_endpoint()};
  if (options.verify_signatures) {
    proxy.insert(proxy.end(), {"--verify-signatures", "--access-key", "S3RVER", "--secret-key", "S3RVER"});
  }
  if (options.conditional) proxy.push_back("--conditional");
  proxy_ = ReadyProcess::Start(proxy, dir() / "proxy.log", error);
  return proxy_ != nullptr;
}

std::string S3TestEnv::Logs() const {
  return "s3rver log:\n" + ReadFile(dir() / "s3rver.log") + "proxy log:\n" + ReadFile(dir() / "proxy.log");
}

std::string S3TestEnv::endpoint() const { return "http://127.0.0.1:" + std::to_string(proxy_->port()); }

std::string S3TestEnv::upstream_endpoint() const {
  return "http://127.0.0.1:" + std::to_string(s3rver_->port());
}

EnvVars S3TestEnv::Env() const {
  return {{"AWS_ACCESS_KEY_ID", "S3RVER"},
          {"AWS_SECRET_ACCESS_KEY", "S3RVER"},
          {"AWS_REGION", "us-east-1"},
          {"AWS_DEFAULT_REGION", "us-east-1"},
          {"AWS_ENDPOINT_URL", endpoint()},
          {"AWS_EC2_METADATA_DISABLED", "true"},
          {"AWS_CONFIG_FILE", "/dev/null"},
          {"AWS_SHARED_CREDENTIALS_FILE", "/dev/null"},
          {"AWS_PAGER", ""}};
}

CommandResult S3TestEnv::Aws(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {kAwsCli, "--endpoint-url", endpoint()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv, Env());
}

void S3TestEnv::SetFaults(const std::string& json_rules) {
  httplib::Client client("127.0.0.1", proxy_->port());
  auto response = client.Post("/__proxy/faults", json_rules, "application/json");
  if (!response || response->status != 200) {
    ADD_FAILURE() << "setting proxy faults " << json_rules << ": "
                  << (response ? std::to_string(response->status) + " " + response->body : "no answer");
  }
}

std::map<std::string, uint64_t> S3TestEnv::Stats() {
  httplib::Client client("127.0.0.1", proxy_->port());
  auto response = client.Get("/__proxy/stats");
  if (!response || response->status != 200) {
    ADD_FAILURE() << "proxy stats: " << (response ? std::to_string(response->status) : "no answer");
    return {};
  }
  return nlohmann::json::parse(response->body).get<std::map<std::string, uint64_t>>();
}

void S3TestEnv::ResetStats() {
  httplib::Client client("127.0.0.1", proxy_->port());
  auto response = client.Post("/__proxy/stats/reset");
  if (!response || response->status != 200) ADD_FAILURE() << "resetting proxy stats failed";
}

bool S3TestsAvailable(std::string* why) {
  std::vector<std::string> missing;
  if (RunCommand({"node", "--version"}).exit_code != 0) missing.push_back("node (on PATH)");
  if (!std::filesystem::exists(S3Dir() / "node_modules" / "s3rver" / "package.json")) {
    missing.push_back("tests/s3/node_modules/s3rver (npm ci in tests/s3)");
  }
  if (::access(kAwsCli, X_OK) != 0) missing.push_back(kAwsCli);
  if (RunCommand({kPython, "-c", "import awscli, botocore.auth"}).exit_code != 0) {
    missing.push_back(std::string(kPython) + " with awscli's botocore (Debian package awscli)");
  }
  std::string list;
  for (const auto& item : missing) list += (list.empty() ? "" : ", ") + item;
  if (why != nullptr) *why = "missing: " + list;
  return missing.empty();
}

}  // namespace adxm::testing
