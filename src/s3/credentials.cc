#include "s3/credentials.h"

#include <sys/wait.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <vector>

#include "base/civil_time.h"
#include "s3/aws_config.h"
#include "s3/http.h"
#include "s3/xml.h"

namespace adxm {
namespace {

using Clock = std::chrono::system_clock;

std::string TrimSpace(std::string text) {
  const auto not_space = [](char c) { return c != ' ' && c != '\n' && c != '\r' && c != '\t'; };
  text.erase(text.begin(), std::find_if(text.begin(), text.end(), not_space));
  text.erase(std::find_if(text.rbegin(), text.rend(), not_space).base(), text.end());
  return text;
}

struct UrlParts {
  std::string scheme;
  std::string host;  // With ":port" when given.
};

UrlParts SplitUrl(std::string_view url) {
  UrlParts parts;
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return parts;
  parts.scheme = std::string(url.substr(0, scheme_end));
  std::string_view rest = url.substr(scheme_end + 3);
  parts.host = std::string(rest.substr(0, rest.find('/')));
  return parts;
}

// The container endpoint may be plain HTTP only on loopback or the ECS/EKS link-local addresses.
bool AllowedContainerHost(const UrlParts& url) {
  if (url.scheme == "https") return true;
  std::string host = url.host;
  if (host.rfind('[', 0) == 0) {
    host = host.substr(1, host.find(']') - 1);
  } else if (size_t colon = host.rfind(':'); colon != std::string::npos) {
    host.resize(colon);
  }
  return host == "localhost" || host.rfind("127.", 0) == 0 || host == "::1" || host == "169.254.170.2" ||
         host == "169.254.170.23" || host == "fd00:ec2::23";
}

// Read credentials from a JSON document (container, instance metadata, credential_process).
// Messages name `what` and the missing field, never the document.
Result<AwsCredentials> CredentialsFromJson(std::string_view text, const std::string& what,
                                           const char* token_field) {
  const auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) return Status::Corruption(what + ": the reply is not a JSON object");
  const auto field = [&json](const char* name) {
    auto it = json.find(name);
    return it != json.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  AwsCredentials credentials{field("AccessKeyId"), field("SecretAccessKey"), field(token_field), {}};
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
    return Status::Corruption(what + ": the reply lacks AccessKeyId or SecretAccessKey");
  }
  if (std::string expiration = field("Expiration"); !expiration.empty()) {
    credentials.expiration = ParseAwsTime(expiration);
    if (!credentials.expiration) return Status::Corruption(what + ": Expiration is not an ISO 8601 UTC time");
  }
  return credentials;
}

}  // namespace

std::optional<Clock::time_point> ParseAwsTime(std::string_view text) {
  int year, month, day, hour, minute, second, consumed = 0;
  const std::string copy(text);
  if (std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &month, &day, &hour, &minute, &second,
                  &consumed) != 6) {
    return std::nullopt;
  }
  std::string_view rest = text.substr(static_cast<size_t>(consumed));
  if (!rest.empty() && rest.front() == '.') {  // Fractional seconds: ignored.
    rest.remove_prefix(1);
    while (!rest.empty() && rest.front() >= '0' && rest.front() <= '9') rest.remove_prefix(1);
  }
  if (rest != "Z" && rest != "+00:00" && rest != "z") return std::nullopt;
  const int64_t seconds = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
                          hour * 3600 + minute * 60 + second;
  return Clock::time_point(std::chrono::seconds(seconds));
}

// One source of the chain: a name for messages and a way to (re)fetch its credentials.
struct CredentialProvider::Source {
  std::string name;
  std::function<Result<AwsCredentials>()> fetch;
};

// Walks the chain. Used under the provider's mutex only.
class CredentialProvider::Resolver {
 public:
  Resolver(const CredentialOptions& options, std::unique_ptr<HttpClient> http)
      : options_(options), http_(std::move(http)) {}

  /// Find the first source with credentials and fetch them.
  Result<std::pair<Source, AwsCredentials>> Resolve();

 private:
  std::string Env(const std::string& name) const {
    if (options_.getenv) return options_.getenv(name).value_or("");
    const char* value = std::getenv(name.c_str());
    return value == nullptr ? "" : value;
  }
  Clock::time_point Now() const { return options_.now ? options_.now() : Clock::now(); }
  std::string Region() const;
  Status LoadFiles();

  Result<AwsCredentials> FromEnvironment() const;
  Result<AwsCredentials> StaticKeys(const ProfileSettings& settings, const std::string& where) const;
  Result<AwsCredentials> CredentialProcess(const std::string& profile, const std::string& command) const;
  Result<AwsCredentials> AssumeRoleProfile(const std::string& profile, int depth);
  Result<AwsCredentials> SourceOfRole(const std::string& profile, const ProfileSettings& settings, int depth);
  Result<AwsCredentials> WebIdentity(const std::string& role_arn, const std::string& token_file,
                                     const std::string& session_name);
  Result<AwsCredentials> Sts(const std::string& action, const QueryParams& params, const AwsCredentials* signer);
  Result<AwsCredentials> Container();
  Result<AwsCredentials> InstanceMetadata();
  Result<HttpResponse> ImdsGet(const std::string& path);
  Status RefreshImdsToken();

  CredentialOptions options_;
  std::unique_ptr<HttpClient> http_;
  AwsConfigFiles files_;
  std::string profile_;         // The profile in use.
  const ProfileSettings* settings_ = nullptr;  // Its settings, if the files have it.
  std::string imds_token_;      // Empty: none yet, or IMDSv1 (the service refused tokens).
  Clock::time_point imds_token_expiry_{};
};

std::string CredentialProvider::Resolver::Region() const {
  if (!options_.region.empty()) return options_.region;
  for (const char* name : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    if (std::string value = Env(name); !value.empty()) return value;
  }
  if (settings_ != nullptr && !Setting(*settings_, "region").empty()) return Setting(*settings_, "region");
  return "us-east-1";
}

Status CredentialProvider::Resolver::LoadFiles() {
  const std::string home = Env("HOME");
  std::string credentials_path = Env("AWS_SHARED_CREDENTIALS_FILE");
  if (credentials_path.empty()) credentials_path = home + "/.aws/credentials";
  std::string config_path = Env("AWS_CONFIG_FILE");
  if (config_path.empty()) config_path = home + "/.aws/config";
  ADXM_ASSIGN_OR_RETURN(files_, AwsConfigFiles::Load(credentials_path, config_path));
  const bool named = !options_.profile.empty() || !Env("AWS_PROFILE").empty();
  profile_ = !options_.profile.empty() ? options_.profile : named ? Env("AWS_PROFILE") : "default";
  settings_ = files_.Find(profile_);
  if (named && settings_ == nullptr) {
    return Status::NotFound("AWS profile '" + profile_ + "' is in neither " + credentials_path + " nor " + config_path);
  }
  return Status::OK();
}

Result<AwsCredentials> CredentialProvider::Resolver::FromEnvironment() const {
  AwsCredentials credentials{Env("AWS_ACCESS_KEY_ID"), Env("AWS_SECRET_ACCESS_KEY"), Env("AWS_SESSION_TOKEN"), {}};
  if (credentials.session_token.empty()) credentials.session_token = Env("AWS_SECURITY_TOKEN");
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
    return Status::InvalidArgument("environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together");
  }
  return credentials;
}

Result<AwsCredentials> CredentialProvider::Resolver::StaticKeys(const ProfileSettings& settings,
                                                                const std::string& where) const {
  AwsCredentials credentials{Setting(settings, "aws_access_key_id"), Setting(settings, "aws_secret_access_key"),
                             Setting(settings, "aws_session_token"), {}};
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
    return Status::InvalidArgument(where + ": aws_access_key_id and aws_secret_access_key must be set together");
  }
  return credentials;
}

Result<AwsCredentials> CredentialProvider::Resolver::CredentialProcess(const std::string& profile,
                                                                       const std::string& command) const {
  const std::string what = "profile " + profile + ": credential_process";
  // The CLI runs the command itself; the shell gives the same word splitting and quoting. Its
  // stderr goes to ours, as the CLI's does; its stdout (the secrets) is only parsed.
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return Status::IoError(what + ": cannot start the command");
  std::string output;
  char buffer[4096];
  for (size_t got; (got = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0;) output.append(buffer, got);
  const int status = ::pclose(pipe);
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Status::Unavailable(what + ": the command failed (exit status " +
                               std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")");
  }
  const auto json = nlohmann::json::parse(output, nullptr, false);
  const auto version = json.is_object() ? json.find("Version") : json.end();
  if (json.is_object() && (version == json.end() || !version->is_number_integer() || *version != 1)) {
    return Status::Corruption(what + ": the output's Version is not 1");
  }
  return CredentialsFromJson(output, what, "SessionToken");
}

Result<AwsCredentials> CredentialProvider::Resolver::SourceOfRole(const std::string& profile,
                                                                  const ProfileSettings& settings, int depth) {
  const std::string source_profile = Setting(settings, "source_profile");
  const std::string credential_source = Setting(settings, "credential_source");
  if (!source_profile.empty()) {
    const ProfileSettings* source = files_.Find(source_profile);
    if (source == nullptr) {
      return Status::NotFound("profile " + profile + ": source_profile '" + source_profile + "' does not exist");
    }
    // A source profile may itself assume a role (role chaining), unless it names itself.
    if (!Setting(*source, "role_arn").empty() && source_profile != profile) {
      return AssumeRoleProfile(source_profile, depth + 1);
    }
    if (!Setting(*source, "credential_process").empty() && Setting(*source, "aws_access_key_id").empty()) {
      return CredentialProcess(source_profile, Setting(*source, "credential_process"));
    }
    return StaticKeys(*source, "profile " + source_profile);
  }
  if (credential_source == "Environment") return FromEnvironment();
  if (credential_source == "EcsContainer") return Container();
  if (credential_source == "Ec2InstanceMetadata") return InstanceMetadata();
  if (!credential_source.empty()) {
    return Status::InvalidArgument("profile " + profile + ": unknown credential_source '" + credential_source + "'");
  }
  return Status::InvalidArgument("profile " + profile + ": role_arn needs source_profile or credential_source");
}

Result<AwsCredentials> CredentialProvider::Resolver::AssumeRoleProfile(const std::string& profile, int depth) {
  if (depth > 8) return Status::InvalidArgument("profile " + profile + ": source_profile chain is cyclic or too long");
  const ProfileSettings* settings = files_.Find(profile);
  if (settings == nullptr) return Status::NotFound("AWS profile '" + profile + "' does not exist");
  if (!Setting(*settings, "mfa_serial").empty()) {
    return Status::InvalidArgument("profile " + profile + ": mfa_serial needs an interactive prompt; not supported");
  }
  ADXM_ASSIGN_OR_RETURN(AwsCredentials source, SourceOfRole(profile, *settings, depth));
  std::string session_name = Setting(*settings, "role_session_name");
  if (session_name.empty()) {
    session_name = "adxmetrics-" + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                                      Now().time_since_epoch()).count());
  }
  QueryParams params = {{"RoleArn", Setting(*settings, "role_arn")}, {"RoleSessionName", session_name}};
  if (std::string id = Setting(*settings, "external_id"); !id.empty()) params.emplace_back("ExternalId", id);
  if (std::string seconds = Setting(*settings, "duration_seconds"); !seconds.empty()) {
    params.emplace_back("DurationSeconds", seconds);
  }
  return Sts("AssumeRole", params, &source);
}

Result<AwsCredentials> CredentialProvider::Resolver::WebIdentity(const std::string& role_arn,
                                                                 const std::string& token_file,
                                                                 const std::string& session_name) {
  std::FILE* file = std::fopen(token_file.c_str(), "rb");
  if (file == nullptr) return Status::IoError("web identity token file " + token_file + ": cannot open");
  std::string token;
  char buffer[4096];
  for (size_t got; (got = std::fread(buffer, 1, sizeof(buffer), file)) > 0;) token.append(buffer, got);
  std::fclose(file);
  token = TrimSpace(token);
  if (token.empty()) return Status::InvalidArgument("web identity token file " + token_file + " is empty");
  std::string name = session_name;
  if (name.empty()) {
    name = "adxmetrics-" + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                              Now().time_since_epoch()).count());
  }
  return Sts("AssumeRoleWithWebIdentity",
             {{"RoleArn", role_arn}, {"RoleSessionName", name}, {"WebIdentityToken", token}}, nullptr);
}

Result<AwsCredentials> CredentialProvider::Resolver::Sts(const std::string& action, const QueryParams& params,
                                                         const AwsCredentials* signer) {
  std::string endpoint = Env("AWS_ENDPOINT_URL_STS");
  if (endpoint.empty()) endpoint = Env("AWS_ENDPOINT_URL");
  const std::string region = Region();
  if (endpoint.empty()) endpoint = "https://sts." + region + ".amazonaws.com";
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  const std::string role_arn = params.front().second;
  const std::string what = "STS " + action + " " + role_arn + " at " + endpoint;
  QueryParams form = params;
  form.emplace_back("Action", action);
  form.emplace_back("Version", "2011-06-15");
  HttpRequest request{.method = "POST", .url = endpoint + "/", .body = CanonicalQueryString(form),
                      .connect_timeout = options_.sts_timeout, .timeout = options_.sts_timeout};
  request.headers = {{"Host", SplitUrl(endpoint).host},
                     {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  if (signer != nullptr) {
    SigV4Request to_sign{.method = "POST", .path = "/", .headers = request.headers,
                         .payload_hash = Sha256Hex(request.body)};
    const SigV4Scope scope{region, "sts", std::chrono::floor<std::chrono::seconds>(Now())};
    SigV4Signature signature = SignRequest(to_sign, *signer, scope);
    request.headers.insert(request.headers.end(), signature.headers_to_add.begin(), signature.headers_to_add.end());
  }
  ADXM_ASSIGN_OR_RETURN(HttpResponse response, http_->Send(request));
  auto leaves = FlattenXml(response.body);
  if (response.status != 200) {
    std::string detail = leaves.ok() ? FindXmlText(*leaves, "Error/Code") + ": " + FindXmlText(*leaves, "Error/Message")
                                     : std::string("(no error document)");
    Status status(response.status == 403 ? StatusCode::kPermissionDenied : StatusCode::kUnavailable,
                  what + ": HTTP " + std::to_string(response.status) + " " + detail);
    return status;
  }
  if (!leaves.ok()) return leaves.status().WithContext(what);
  AwsCredentials credentials{FindXmlText(*leaves, "Credentials/AccessKeyId"),
                             FindXmlText(*leaves, "Credentials/SecretAccessKey"),
                             FindXmlText(*leaves, "Credentials/SessionToken"),
                             ParseAwsTime(FindXmlText(*leaves, "Credentials/Expiration"))};
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty() || !credentials.expiration) {
    return Status::Corruption(what + ": the reply lacks Credentials");
  }
  return credentials;
}

Result<AwsCredentials> CredentialProvider::Resolver::Container() {
  std::string url = Env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
  if (std::string relative = Env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"); !relative.empty()) {
    url = "http://169.254.170.2" + relative;
  } else if (!AllowedContainerHost(SplitUrl(url))) {
    return Status::InvalidArgument("container credentials: AWS_CONTAINER_CREDENTIALS_FULL_URI " + url +
                                   " must use https or a loopback or ECS/EKS address");
  }
  HttpRequest request{.url = url, .connect_timeout = options_.metadata_timeout, .timeout = 3 * options_.metadata_timeout};
  std::string token;
  if (std::string token_file = Env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"); !token_file.empty()) {
    std::FILE* file = std::fopen(token_file.c_str(), "rb");
    if (file == nullptr) return Status::IoError("container credentials: cannot open token file " + token_file);
    char buffer[4096];
    for (size_t got; (got = std::fread(buffer, 1, sizeof(buffer), file)) > 0;) token.append(buffer, got);
    std::fclose(file);
    token = TrimSpace(token);
  } else {
    token = Env("AWS_CONTAINER_AUTHORIZATION_TOKEN");
  }
  if (!token.empty()) request.headers.emplace_back("Authorization", token);
  const std::string what = "container credentials from " + url;
  ADXM_ASSIGN_OR_RETURN(HttpResponse response, http_->Send(request));
  if (response.status != 200) return Status::Unavailable(what + ": HTTP " + std::to_string(response.status));
  return CredentialsFromJson(response.body, what, "Token");
}

Status CredentialProvider::Resolver::RefreshImdsToken() {
  std::string endpoint = Env("AWS_EC2_METADATA_SERVICE_ENDPOINT");
  if (endpoint.empty()) endpoint = "http://169.254.169.254";
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  HttpRequest request{.method = "PUT", .url = endpoint + "/latest/api/token",
                      .connect_timeout = options_.metadata_timeout, .timeout = 3 * options_.metadata_timeout};
  request.headers = {{"X-aws-ec2-metadata-token-ttl-seconds", std::to_string(options_.imds_token_ttl.count())}};
  ADXM_ASSIGN_OR_RETURN(HttpResponse response, http_->Send(request));
  imds_token_.clear();
  if (response.status == 403 || response.status == 404 || response.status == 405) {
    return Status::OK();  // No IMDSv2 here: the CLI falls back to IMDSv1 requests without a token.
  }
  if (response.status != 200 || response.body.empty()) {
    return Status::Unavailable("instance metadata " + endpoint + ": token request answered HTTP " +
                               std::to_string(response.status));
  }
  imds_token_ = response.body;
  imds_token_expiry_ = Now() + options_.imds_token_ttl;
  return Status::OK();
}

Result<HttpResponse> CredentialProvider::Resolver::ImdsGet(const std::string& path) {
  std::string endpoint = Env("AWS_EC2_METADATA_SERVICE_ENDPOINT");
  if (endpoint.empty()) endpoint = "http://169.254.169.254";
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  // Renew the session token a minute before it expires, and once more if the service says 401.
  if (imds_token_.empty() || Now() + std::chrono::seconds(60) >= imds_token_expiry_) {
    ADXM_RETURN_IF_ERROR(RefreshImdsToken());
  }
  for (int attempt = 0;; ++attempt) {
    HttpRequest request{.url = endpoint + path, .connect_timeout = options_.metadata_timeout,
                        .timeout = 3 * options_.metadata_timeout};
    if (!imds_token_.empty()) request.headers.emplace_back("X-aws-ec2-metadata-token", imds_token_);
    ADXM_ASSIGN_OR_RETURN(HttpResponse response, http_->Send(request));
    if (response.status == 401 && attempt == 0) {
      ADXM_RETURN_IF_ERROR(RefreshImdsToken());
      continue;
    }
    if (response.status != 200) {
      return Status::Unavailable("instance metadata " + endpoint + path + ": HTTP " + std::to_string(response.status));
    }
    return response;
  }
}

Result<AwsCredentials> CredentialProvider::Resolver::InstanceMetadata() {
  const std::string base = "/latest/meta-data/iam/security-credentials/";
  ADXM_ASSIGN_OR_RETURN(HttpResponse roles, ImdsGet(base));
  const std::string role = TrimSpace(roles.body.substr(0, roles.body.find('\n')));
  if (role.empty()) return Status::NotFound("instance metadata: the instance has no IAM role");
  ADXM_ASSIGN_OR_RETURN(HttpResponse document, ImdsGet(base + role));
  const auto json = nlohmann::json::parse(document.body, nullptr, false);
  const auto code = json.is_object() ? json.find("Code") : json.end();
  if (json.is_object() && code != json.end() && (!code->is_string() || *code != "Success")) {
    return Status::Unavailable("instance metadata: role " + role + ": the reply's Code is not Success");
  }
  return CredentialsFromJson(document.body, "instance metadata role " + role, "Token");
}

Result<std::pair<CredentialProvider::Source, AwsCredentials>> CredentialProvider::Resolver::Resolve() {
  ADXM_RETURN_IF_ERROR(LoadFiles());
  std::vector<Source> chain;
  const bool env_keys = !Env("AWS_ACCESS_KEY_ID").empty() || !Env("AWS_SECRET_ACCESS_KEY").empty();
  if (options_.profile.empty() && env_keys) chain.push_back({"environment", [this] { return FromEnvironment(); }});
  const std::string profile = profile_;
  const std::string where = "profile " + profile;
  if (settings_ != nullptr && !Setting(*settings_, "role_arn").empty()) {
    if (std::string token_file = Setting(*settings_, "web_identity_token_file"); !token_file.empty()) {
      chain.push_back({where + ": web identity", [this, token_file] {
                         return WebIdentity(Setting(*settings_, "role_arn"), token_file,
                                            Setting(*settings_, "role_session_name"));
                       }});
    } else {
      chain.push_back({where + ": assume role", [this, profile] { return AssumeRoleProfile(profile, 0); }});
    }
  }
  if (!Env("AWS_WEB_IDENTITY_TOKEN_FILE").empty() && !Env("AWS_ROLE_ARN").empty()) {
    chain.push_back({"web identity (environment)", [this] {
                       return WebIdentity(Env("AWS_ROLE_ARN"), Env("AWS_WEB_IDENTITY_TOKEN_FILE"),
                                          Env("AWS_ROLE_SESSION_NAME"));
                     }});
  }
  if (settings_ != nullptr) {
    const ProfileSettings* in_credentials = files_.FindInCredentialsFile(profile);
    const auto has_keys = [](const ProfileSettings* s) {
      return s != nullptr && (!Setting(*s, "aws_access_key_id").empty() || !Setting(*s, "aws_secret_access_key").empty());
    };
    if (has_keys(in_credentials)) {
      chain.push_back({where + ": credentials file", [this, in_credentials, where] {
                         return StaticKeys(*in_credentials, where + " (credentials file)");
                       }});
    }
    if (std::string command = Setting(*settings_, "credential_process"); !command.empty()) {
      chain.push_back({where + ": credential_process", [this, profile, command] { return CredentialProcess(profile, command); }});
    }
    if (!has_keys(in_credentials) && has_keys(settings_)) {
      chain.push_back({where + ": config file", [this, where] { return StaticKeys(*settings_, where + " (config file)"); }});
    }
  }
  if (!Env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").empty() || !Env("AWS_CONTAINER_CREDENTIALS_FULL_URI").empty()) {
    chain.push_back({"container", [this] { return Container(); }});
  }
  std::string disabled = Env("AWS_EC2_METADATA_DISABLED");
  for (char& c : disabled) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const bool imds = disabled != "true";
  if (imds) chain.push_back({"instance metadata", [this] { return InstanceMetadata(); }});

  for (size_t source_idx = 0; source_idx < chain.size(); ++source_idx) {
    Result<AwsCredentials> credentials = chain[source_idx].fetch();
    if (credentials.ok()) return std::make_pair(std::move(chain[source_idx]), std::move(credentials).value());
    // Every source but instance metadata is in the chain only when configured: its failure is
    // the answer. Instance metadata failing means there is no source at all.
    const bool last_is_imds = imds && source_idx + 1 == chain.size();
    if (!last_is_imds) return credentials.status().WithContext("AWS credentials (" + chain[source_idx].name + ")");
    return Status::NotFound("no AWS credentials found (environment, profile " + profile +
                            ", web identity, container, instance metadata); instance metadata: " +
                            credentials.status().message());
  }
  return Status::NotFound("no AWS credentials found (environment, profile " + profile +
                          ", web identity, container; instance metadata disabled)");
}

CredentialProvider::CredentialProvider(CredentialOptions options) : options_(std::move(options)) {}
CredentialProvider::~CredentialProvider() = default;

Result<std::unique_ptr<CredentialProvider>> CredentialProvider::Make(CredentialOptions options) {
  ADXM_ASSIGN_OR_RETURN(std::unique_ptr<HttpClient> http, HttpClient::Make());
  std::unique_ptr<CredentialProvider> provider(new CredentialProvider(options));
  MutexLock lock(&provider->mutex_);
  provider->resolver_ = std::make_unique<Resolver>(options, std::move(http));
  return provider;
}

Result<AwsCredentials> CredentialProvider::Get() {
  MutexLock lock(&mutex_);
  const Clock::time_point now = options_.now ? options_.now() : Clock::now();
  const auto fresh = [&](const AwsCredentials& credentials) {
    return !credentials.expiration || now + options_.refresh_window < *credentials.expiration;
  };
  if (cached_ && fresh(*cached_)) return *cached_;
  Result<AwsCredentials> credentials = Status::Internal("unset");
  if (source_) {
    credentials = source_->fetch();
  } else {
    auto resolved = resolver_->Resolve();
    if (resolved.ok()) {
      source_ = std::make_unique<Source>(std::move(resolved->first));
      credentials = std::move(resolved->second);
    } else {
      credentials = resolved.status();
    }
  }
  if (!credentials.ok()) {
    // A failed refresh keeps serving credentials that have not expired yet.
    if (cached_ && (!cached_->expiration || now < *cached_->expiration)) return *cached_;
    return credentials.status();
  }
  cached_ = std::move(credentials).value();
  return *cached_;
}

std::string CredentialProvider::source() const {
  MutexLock lock(&mutex_);
  return source_ ? source_->name : "";
}

}  // namespace adxm
