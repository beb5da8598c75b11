// Test helper: S3Options for a client of an S3TestEnv (its endpoint and credentials, nothing
// read from the process environment or ~/.aws).
#pragma once

#include "s3/s3_client.h"
#include "s3_test_env.h"

namespace adxm::testing {

inline S3Options S3OptionsFor(const S3TestEnv& env) {
  S3Options options;
  options.region = "us-east-1";
  options.endpoint = env.endpoint();
  options.max_attempts = 3;
  options.base_backoff = std::chrono::milliseconds(5);
  EnvVars vars = env.Env();
  options.credentials.getenv = [vars](const std::string& name) -> std::optional<std::string> {
    for (const auto& [key, value] : vars) {
      if (key == name) return value;
    }
    return std::nullopt;
  };
  return options;
}

}  // namespace adxm::testing
