// The S3 integration tests' environment: s3rver (an S3-protocol server from npm) behind
// tests/s3/s3_proxy.py (SigV4 verification, conditional writes, fault injection, request stats),
// both on 127.0.0.1 and started per test (tests/s3/README.md).
//
// Not thread-safe: one test thread drives an S3TestEnv; the servers themselves take any number
// of concurrent client connections.
//
//   auto env = S3TestEnv::Start({.buckets = {"logs"}});
//   ASSERT_NE(env, nullptr);
//   EXPECT_EQ(env->Aws({"s3", "cp", file, "s3://logs/a"}).exit_code, 0);
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "test_util.h"

namespace adxm::testing {

/// What S3TestEnv::Start sets up.
struct S3TestEnvOptions {
  std::vector<std::string> buckets;  // Created empty before the servers answer.
  bool verify_signatures = true;     // The proxy answers 403 to a wrong SigV4 signature.
  bool conditional = true;           // The proxy enforces If-None-Match / If-Match on writes.
};

/// A child process whose stdin we hold and whose first stdout line is `READY <port>`.
class ReadyProcess {
 public:
  /// Spawn `argv` (PATH lookup) with stderr to `log_path`; wait up to 60 s for its READY line.
  /// Return nullptr with `*error` set (including the log) if it exits or stays silent.
  static std::unique_ptr<ReadyProcess> Start(const std::vector<std::string>& argv,
                                             const std::filesystem::path& log_path, std::string* error);
  /// Close its stdin, SIGTERM it and reap it.
  ~ReadyProcess();
  ReadyProcess(const ReadyProcess&) = delete;
  ReadyProcess& operator=(const ReadyProcess&) = delete;

  /// The port from its READY line.
  int port() const { return port_; }

 private:
  ReadyProcess(pid_t pid, int stdin_fd, int stdout_fd) : pid_(pid), stdin_fd_(stdin_fd), stdout_fd_(stdout_fd) {}
  [[nodiscard]] bool ReadReadyLine(std::string* error);

  pid_t pid_;
  int stdin_fd_;   // Write end of its stdin; closing it tells the child to exit.
  int stdout_fd_;  // Read end of its stdout.
  int port_ = 0;
};

/// s3rver + the proxy on loopback, with a scratch directory for data and logs; stops both on
/// destruction. Credentials: access key S3RVER, secret S3RVER, region us-east-1.
class S3TestEnv {
 public:
  /// Start both servers. On failure ADD_FAILURE (with why and the servers' logs) and return nullptr.
  static std::unique_ptr<S3TestEnv> Start(const S3TestEnvOptions& options);

  /// "http://127.0.0.1:<proxy port>": the endpoint clients under test use.
  std::string endpoint() const;
  /// "http://127.0.0.1:<s3rver port>": s3rver directly, bypassing the proxy.
  std::string upstream_endpoint() const;
  /// The proxy's port.
  int port() const { return proxy_->port(); }

  /// The variables an AWS client needs for this env: credentials, region, AWS_ENDPOINT_URL =
  /// endpoint(), no IMDS, no shared config or credentials files.
  EnvVars Env() const;

  /// Run /usr/bin/aws --endpoint-url endpoint() `args`... with Env() (PATH unchanged).
  CommandResult Aws(const std::vector<std::string>& args) const;

  /// Replace the proxy's fault rules with `json_rules` (a JSON list; tests/s3/README.md);
  /// ADD_FAILURE if the proxy rejects them.
  void SetFaults(const std::string& json_rules);

  /// Return the proxy's counters: requests per S3 operation, faults_injected, signature_mismatches.
  /// ADD_FAILURE and return an empty map if the proxy does not answer.
  std::map<std::string, uint64_t> Stats();

  /// Zero the proxy's counters.
  void ResetStats();

  /// The scratch directory holding s3rver's data (data/) and both servers' logs.
  const std::filesystem::path& dir() const { return dir_.path(); }

 private:
  S3TestEnv() = default;
  [[nodiscard]] bool Launch(const S3TestEnvOptions& options, std::string* error);
  std::string Logs() const;

  ScratchDir dir_;
  std::unique_ptr<ReadyProcess> s3rver_;
  std::unique_ptr<ReadyProcess> proxy_;
};

/// Return whether everything the S3 tests run is installed (node, tests/s3/node_modules/s3rver,
/// /usr/bin/aws, /usr/bin/python3 with awscli's botocore); if not, say what is missing in `*why`.
/// scripts/bootstrap installs all of it, so the S3 tests fail (never skip) without it.
bool S3TestsAvailable(std::string* why);

}  // namespace adxm::testing
