// CredentialProvider: AWS credentials found the way the AWS CLI finds them, cached, and refreshed
// before they expire.
//
// The chain, first match wins (botocore's order):
//   1. environment: AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN); skipped when
//      a profile is given explicitly (--profile), as the CLI does;
//   2. the profile (options.profile, else AWS_PROFILE, else "default") in the shared files
//      (AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE, default ~/.aws/credentials and ~/.aws/config):
//      role_arn + source_profile / credential_source (STS AssumeRole, signed with the source's
//      keys), role_arn + web_identity_token_file (STS AssumeRoleWithWebIdentity);
//   3. web identity from the environment: AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN;
//   4. the profile's keys in the credentials file, then its credential_process, then its keys in
//      the config file;
//   5. ECS/EKS container credentials: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (169.254.170.2) or
//      _FULL_URI, with AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE / _TOKEN;
//   6. EC2 instance metadata, IMDSv2 (AWS_EC2_METADATA_SERVICE_ENDPOINT, AWS_EC2_METADATA_DISABLED).
// STS is reached at AWS_ENDPOINT_URL_STS, else AWS_ENDPOINT_URL, else https://sts.<region>.amazonaws.com.
// Temporary credentials are refreshed `refresh_window` (5 minutes) before they expire, from the
// source that first supplied them. Secrets never appear in a Status message: errors name the
// source, profile, file or URL and the service's error code.
// Thread-safety: Get() may be called from several threads at once.
// Example:
//   ADXM_ASSIGN_OR_RETURN(auto provider, CredentialProvider::Make({.profile = "ingest"}));
//   ADXM_ASSIGN_OR_RETURN(AwsCredentials credentials, provider->Get());
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "base/status.h"
#include "base/thread_annotations.h"
#include "s3/sigv4.h"

namespace adxm {

class HttpClient;

/// Where to look for credentials; every field defaults to what the AWS CLI does.
struct CredentialOptions {
  std::string profile;  // Explicit profile (--profile); empty: AWS_PROFILE, else "default".
  std::string region;   // Region for STS; empty: AWS_REGION, AWS_DEFAULT_REGION, the profile's, us-east-1.
  // Environment lookup (tests inject one); unset: the process environment.
  std::function<std::optional<std::string>(const std::string&)> getenv;
  // The clock that decides expiry (tests inject one); unset: the system clock.
  std::function<std::chrono::system_clock::time_point()> now;
  std::chrono::seconds refresh_window{300};       // Refresh temporary credentials this long before expiry.
  std::chrono::seconds imds_token_ttl{21600};     // IMDSv2 session token lifetime requested.
  std::chrono::milliseconds metadata_timeout{1000};  // ECS and IMDS requests (the CLI's 1 s).
  std::chrono::milliseconds sts_timeout{10000};      // STS requests.
};

/// Resolves, caches and refreshes credentials.
class CredentialProvider {
 public:
  ~CredentialProvider();
  CredentialProvider(const CredentialProvider&) = delete;
  CredentialProvider& operator=(const CredentialProvider&) = delete;

  /// Make a provider; nothing is looked up until Get().
  static Result<std::unique_ptr<CredentialProvider>> Make(CredentialOptions options = {});

  /// Return valid credentials: the cached ones, or freshly resolved ones when none are cached or
  /// they expire within the refresh window. A failed refresh keeps serving unexpired credentials.
  /// NotFound when no source has credentials; other codes when a source failed.
  Result<AwsCredentials> Get();

  /// Name the source of the cached credentials ("environment", "profile dev: credential_process",
  /// "container", "instance metadata"...), or "" before the first successful Get().
  std::string source() const;

 private:
  struct Source;
  class Resolver;
  explicit CredentialProvider(CredentialOptions options);

  CredentialOptions options_;
  mutable Mutex mutex_;
  std::unique_ptr<Resolver> resolver_ ADXM_GUARDED_BY(mutex_);
  std::unique_ptr<Source> source_ ADXM_GUARDED_BY(mutex_);  // The source that answered first.
  std::optional<AwsCredentials> cached_ ADXM_GUARDED_BY(mutex_);
};

/// Parse an AWS timestamp ("2024-01-02T03:04:05Z", fractional seconds and "+00:00" allowed).
std::optional<std::chrono::system_clock::time_point> ParseAwsTime(std::string_view text);

}  // namespace adxm
