#include "s3/credentials.h"
#include "s3/fake_http_server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <map>
#include <thread>

#include "base/civil_time.h"
#include "base/file_util.h"
#include "test_util.h"

namespace adxm {
namespace {

using Clock = std::chrono::system_clock;
using std::chrono::minutes;
using testing::FakeHttpServer;

Clock::time_point At(int year, unsigned month, unsigned day, int hour = 0, int minute = 0) {
  return Clock::time_point(std::chrono::seconds(DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60));
}


// A test's world: an environment (HOME in a scratch folder, instance metadata off unless a test
// turns it on) and a clock.
class Chain {
 public:
  Chain() {
    env["HOME"] = dir.path().string();
    env["AWS_EC2_METADATA_DISABLED"] = "true";
  }
  std::filesystem::path Write(const std::string& name, const std::string& text) {
    const auto path = dir.path() / name;
    EXPECT_TRUE(WriteFile(path, text, false).ok());
    return path;
  }
  std::unique_ptr<CredentialProvider> Provider(CredentialOptions options = {}) {
    options.getenv = [this](const std::string& name) -> std::optional<std::string> {
      auto it = env.find(name);
      if (it == env.end()) return std::nullopt;
      return it->second;
    };
    options.now = [this] { return now.load(); };
    auto provider = CredentialProvider::Make(std::move(options));
    EXPECT_TRUE(provider.ok());
    return std::move(provider).value();
  }

  testing::ScratchDir dir;
  std::map<std::string, std::string> env;
  std::atomic<Clock::time_point> now{At(2030, 1, 1)};
};

std::string StsReply(const std::string& action, const std::string& key, const std::string& expiration) {
  return "<" + action + "Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><" + action +
         "Result><Credentials><AccessKeyId>" + key + "</AccessKeyId><SecretAccessKey>sts-secret-" + key +
         "</SecretAccessKey><SessionToken>sts-token-" + key + "</SessionToken><Expiration>" + expiration +
         "</Expiration></Credentials></" + action + "Result></" + action + "Response>";
}

TEST(CredentialTimeTest, ParsesAwsTimestamps) {
  EXPECT_EQ(ParseAwsTime("2030-01-01T01:02:00Z"), At(2030, 1, 1, 1, 2));
  EXPECT_EQ(ParseAwsTime("2030-01-01T01:02:00.123Z"), At(2030, 1, 1, 1, 2));
  EXPECT_EQ(ParseAwsTime("2030-01-01T01:02:00+00:00"), At(2030, 1, 1, 1, 2));
  EXPECT_FALSE(ParseAwsTime("2030-01-01 01:02").has_value());
  EXPECT_FALSE(ParseAwsTime("2030-01-01T01:02:00+02:00").has_value());
}

TEST(CredentialEnvTest, EnvironmentKeysWithSessionToken) {
  Chain chain;
  chain.env["AWS_ACCESS_KEY_ID"] = "ENVKEY";
  chain.env["AWS_SECRET_ACCESS_KEY"] = "env-secret";
  chain.env["AWS_SESSION_TOKEN"] = "env-token";
  auto provider = chain.Provider();
  auto credentials = provider->Get();
  ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
  EXPECT_EQ(credentials->access_key_id, "ENVKEY");
  EXPECT_EQ(credentials->session_token, "env-token");
  EXPECT_EQ(provider->source(), "environment");
}

TEST(CredentialEnvTest, HalfAKeyPairIsAnError) {
  Chain chain;
  chain.env["AWS_ACCESS_KEY_ID"] = "ENVKEY";
  auto credentials = chain.Provider()->Get();
  ASSERT_FALSE(credentials.ok());
  EXPECT_EQ(credentials.status().code(), StatusCode::kInvalidArgument);
}

TEST(CredentialProfileTest, ProfilesFromBothSharedFiles) {
  Chain chain;
  chain.env["AWS_SHARED_CREDENTIALS_FILE"] = chain.Write("creds", "# comment\n[default]\naws_access_key_id = DEFKEY\n"
                                                                   "aws_secret_access_key = def-secret\n"
                                                                   "[dev]\naws_access_key_id=DEVKEY\n"
                                                                   "aws_secret_access_key=dev-secret\n"
                                                                   "aws_session_token=dev-token\n").string();
  chain.env["AWS_CONFIG_FILE"] = chain.Write("config", "[profile dev]\nregion = eu-west-1\ns3 =\n  addressing_style = path\n"
                                                       "[profile cfg]\naws_access_key_id = CFGKEY\n"
                                                       "aws_secret_access_key = cfg-secret\n"
                                                       "[cfg]\naws_access_key_id = NOT-A-PROFILE\n").string();
  EXPECT_EQ(chain.Provider()->Get()->access_key_id, "DEFKEY");
  chain.env["AWS_PROFILE"] = "dev";
  auto dev = chain.Provider();
  EXPECT_EQ(dev->Get()->session_token, "dev-token");
  EXPECT_EQ(dev->source(), "profile dev: credentials file");
  auto cfg = chain.Provider({.profile = "cfg"});
  EXPECT_EQ(cfg->Get()->access_key_id, "CFGKEY");  // "[cfg]" in the config file is not a profile.
  EXPECT_EQ(cfg->source(), "profile cfg: config file");
}

TEST(CredentialProfileTest, DefaultFilesLiveUnderHome) {
  Chain chain;
  ASSERT_TRUE(CreateDirs(chain.dir.path() / ".aws").ok());
  chain.Write(".aws/credentials", "[default]\naws_access_key_id = HOMEKEY\naws_secret_access_key = home-secret\n");
  EXPECT_EQ(chain.Provider()->Get()->access_key_id, "HOMEKEY");
}

TEST(CredentialProfileTest, ExplicitProfileSkipsTheEnvironmentButAwsProfileDoesNot) {
  Chain chain;
  chain.env["AWS_SHARED_CREDENTIALS_FILE"] =
      chain.Write("creds", "[dev]\naws_access_key_id=DEVKEY\naws_secret_access_key=dev-secret\n").string();
  chain.env["AWS_ACCESS_KEY_ID"] = "ENVKEY";
  chain.env["AWS_SECRET_ACCESS_KEY"] = "env-secret";
  EXPECT_EQ(chain.Provider({.profile = "dev"})->Get()->access_key_id, "DEVKEY");
  chain.env["AWS_PROFILE"] = "dev";
  EXPECT_EQ(chain.Provider()->Get()->access_key_id, "ENVKEY");
}

TEST(CredentialProfileTest, MissingProfileIsNotFound) {
  Chain chain;
  auto credentials = chain.Provider({.profile = "nope"})->Get();
  ASSERT_FALSE(credentials.ok());
  EXPECT_EQ(credentials.status().code(), StatusCode::kNotFound);
  EXPECT_NE(credentials.status().message().find("'nope'"), std::string::npos);
}

TEST(CredentialProfileTest, NothingConfiguredIsNotFound) {
  Chain chain;
  auto credentials = chain.Provider()->Get();
  ASSERT_FALSE(credentials.ok());
  EXPECT_EQ(credentials.status().code(), StatusCode::kNotFound);
}

// A credential_process script: each run bumps a counter and prints keys PROCKEY<n> expiring at
// 01:00, 02:00... of 2030-01-01; `fail_from` > 0 makes runs from that one on fail.
std::string ProcessScript(Chain& chain, int fail_from = 0) {
  const auto counter = chain.dir.path() / "runs";
  const auto script = chain.Write("process.sh",
      "#!/bin/sh\nn=$(( $(cat '" + counter.string() + "' 2>/dev/null || echo 0) + 1 ))\necho $n > '" +
      counter.string() + "'\n" + (fail_from > 0 ? "[ $n -ge " + std::to_string(fail_from) + " ] && exit 3\n" : "") +
      "printf '{\"Version\": 1, \"AccessKeyId\": \"PROCKEY%s\", \"SecretAccessKey\": \"proc-secret\", "
      "\"SessionToken\": \"proc-token\", \"Expiration\": \"2030-01-01T0%s:00:00Z\"}' $n $n\n");
  return "sh '" + script.string() + "'";
}

TEST(CredentialProcessTest, ReadsItsJsonAndRefreshesFiveMinutesBeforeExpiry) {
  Chain chain;
  chain.env["AWS_CONFIG_FILE"] = chain.Write("config", "[default]\ncredential_process = " + ProcessScript(chain) + "\n").string();
  auto provider = chain.Provider();
  EXPECT_EQ(provider->Get()->access_key_id, "PROCKEY1");
  EXPECT_EQ(provider->source(), "profile default: credential_process");
  chain.now = At(2030, 1, 1, 0, 54);  // Six minutes left: cached.
  EXPECT_EQ(provider->Get()->access_key_id, "PROCKEY1");
  chain.now = At(2030, 1, 1, 0, 56);  // Four minutes left: refreshed.
  auto refreshed = provider->Get();
  EXPECT_EQ(refreshed->access_key_id, "PROCKEY2");
  EXPECT_EQ(refreshed->expiration, At(2030, 1, 1, 2));
}

TEST(CredentialProcessTest, FailedRefreshServesUnexpiredCredentialsThenFails) {
  Chain chain;
  chain.env["AWS_CONFIG_FILE"] =
      chain.Write("config", "[default]\ncredential_process = " + ProcessScript(chain, 2) + "\n").string();
  auto provider = chain.Provider();
  EXPECT_EQ(provider->Get()->access_key_id, "PROCKEY1");
  chain.now = At(2030, 1, 1, 0, 58);
  EXPECT_EQ(provider->Get()->access_key_id, "PROCKEY1");  // Refresh failed, still valid for 2 minutes.
  chain.now = At(2030, 1, 1, 1, 1);
  auto expired = provider->Get();
  ASSERT_FALSE(expired.ok());
  EXPECT_NE(expired.status().message().find("profile default: credential_process"), std::string::npos);
  EXPECT_NE(expired.status().message().find("exit status 3"), std::string::npos);
}

TEST(CredentialStsTest, AssumeRoleIsSignedWithTheSourceProfileKeys) {
  FakeHttpServer sts;
  std::string seen_authorization, seen_body;
  sts.server().Post("/", [&](const httplib::Request& request, httplib::Response& response) {
    seen_authorization = request.get_header_value("Authorization");
    seen_body = request.body;
    response.set_content(StsReply("AssumeRole", "ROLEKEY", "2030-01-01T01:00:00Z"), "text/xml");
  });
  sts.Start();
  Chain chain;
  chain.env["AWS_ENDPOINT_URL_STS"] = sts.url();
  chain.env["AWS_ENDPOINT_URL"] = "http://127.0.0.1:1";  // The STS-specific endpoint wins.
  chain.env["AWS_SHARED_CREDENTIALS_FILE"] =
      chain.Write("creds", "[base]\naws_access_key_id=BASEKEY\naws_secret_access_key=base-secret\n").string();
  chain.env["AWS_CONFIG_FILE"] =
      chain.Write("config", "[profile ingest]\nregion = us-west-2\nrole_arn = arn:aws:iam::123456789012:role/ingest\n"
                            "source_profile = base\nrole_session_name = nightly\nexternal_id = ext-1\n").string();
  auto provider = chain.Provider({.profile = "ingest"});
  auto credentials = provider->Get();
  ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
  EXPECT_EQ(credentials->access_key_id, "ROLEKEY");
  EXPECT_EQ(credentials->session_token, "sts-token-ROLEKEY");
  EXPECT_EQ(credentials->expiration, At(2030, 1, 1, 1));
  EXPECT_EQ(provider->source(), "profile ingest: assume role");
  EXPECT_NE(seen_authorization.find("Credential=BASEKEY/20300101/us-west-2/sts/aws4_request"), std::string::npos);
  for (const char* part : {"Action=AssumeRole", "RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fingest",
                           "RoleSessionName=nightly", "ExternalId=ext-1", "Version=2011-06-15"}) {
    EXPECT_NE(seen_body.find(part), std::string::npos) << part << " in " << seen_body;
  }
}

TEST(CredentialStsTest, WebIdentityFromTheEnvironmentIsUnsigned) {
  FakeHttpServer sts;
  std::string seen_body;
  bool signed_request = true;
  sts.server().Post("/", [&](const httplib::Request& request, httplib::Response& response) {
    signed_request = request.has_header("Authorization");
    seen_body = request.body;
    response.set_content(StsReply("AssumeRoleWithWebIdentity", "WEBKEY", "2030-01-01T01:00:00Z"), "text/xml");
  });
  sts.Start();
  Chain chain;
  chain.env["AWS_ENDPOINT_URL"] = sts.url();
  chain.env["AWS_WEB_IDENTITY_TOKEN_FILE"] = chain.Write("token", "eyJ.web.token\n").string();
  chain.env["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/pod";
  chain.env["AWS_ROLE_SESSION_NAME"] = "pod-1";
  auto provider = chain.Provider();
  auto credentials = provider->Get();
  ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
  EXPECT_EQ(credentials->access_key_id, "WEBKEY");
  EXPECT_EQ(provider->source(), "web identity (environment)");
  EXPECT_FALSE(signed_request);
  EXPECT_NE(seen_body.find("Action=AssumeRoleWithWebIdentity"), std::string::npos);
  EXPECT_TRUE(seen_body.ends_with("&WebIdentityToken=eyJ.web.token")) << seen_body;  // Trimmed, last sorted.
  EXPECT_NE(seen_body.find("RoleSessionName=pod-1"), std::string::npos);
}

TEST(CredentialStsTest, StsRefusalNamesTheRoleAndTheErrorCode) {
  FakeHttpServer sts;
  sts.server().Post("/", [](const httplib::Request&, httplib::Response& response) {
    response.status = 403;
    response.set_content("<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not allowed"
                         "</Message></Error></ErrorResponse>", "text/xml");
  });
  sts.Start();
  Chain chain;
  chain.env["AWS_ENDPOINT_URL_STS"] = sts.url();
  chain.env["AWS_CONFIG_FILE"] = chain.Write("config", "[default]\nrole_arn = arn:aws:iam::1:role/r\n"
                                                       "credential_source = Environment\n").string();
  chain.env["AWS_PROFILE"] = "default";
  chain.env["AWS_ACCESS_KEY_ID"] = "ENVKEY";
  chain.env["AWS_SECRET_ACCESS_KEY"] = "env-secret";
  auto provider = chain.Provider({.profile = "default"});  // Explicit: the role, not the bare keys.
  auto credentials = provider->Get();
  ASSERT_FALSE(credentials.ok());
  EXPECT_EQ(credentials.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(credentials.status().message().find("arn:aws:iam::1:role/r"), std::string::npos);
  EXPECT_NE(credentials.status().message().find("AccessDenied: not allowed"), std::string::npos);
}

TEST(CredentialContainerTest, FullUriWithAnAuthorizationTokenFile) {
  FakeHttpServer ecs;
  std::string seen_authorization;
  ecs.server().Get("/v2/credentials/abc", [&](const httplib::Request& request, httplib::Response& response) {
    seen_authorization = request.get_header_value("Authorization");
    response.set_content("{\"AccessKeyId\":\"ECSKEY\",\"SecretAccessKey\":\"ecs-secret\",\"Token\":\"ecs-token\","
                         "\"Expiration\":\"2030-01-01T06:00:00Z\",\"RoleArn\":\"arn:aws:iam::1:role/task\"}",
                         "application/json");
  });
  ecs.Start();
  Chain chain;
  chain.env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = ecs.url() + "/v2/credentials/abc";
  chain.env["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = chain.Write("eks-token", "eks-auth-token\n").string();
  chain.env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "ignored-when-the-file-is-set";
  auto provider = chain.Provider();
  auto credentials = provider->Get();
  ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
  EXPECT_EQ(credentials->session_token, "ecs-token");
  EXPECT_EQ(credentials->expiration, At(2030, 1, 1, 6));
  EXPECT_EQ(seen_authorization, "eks-auth-token");
  EXPECT_EQ(provider->source(), "container");
}

TEST(CredentialContainerTest, PlainHttpFullUriMustBeLocal) {
  Chain chain;
  chain.env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://example.com/creds";
  auto credentials = chain.Provider()->Get();
  ASSERT_FALSE(credentials.ok());
  EXPECT_EQ(credentials.status().code(), StatusCode::kInvalidArgument);
}

// IMDSv2 on loopback. Tokens live `ttl` seconds on the test's clock; Reboot() forgets them all.
class FakeImds {
 public:
  explicit FakeImds(Chain* chain) : chain_(chain) {
    server_.server().Put("/latest/api/token", [this](const httplib::Request& request, httplib::Response& response) {
      const std::string ttl_text = request.get_header_value("X-aws-ec2-metadata-token-ttl-seconds");
      const int ttl = ttl_text.empty() ? 0 : std::stoi(ttl_text);
      if (ttl <= 0) { response.status = 400; return; }
      std::lock_guard<std::mutex> lock(mutex_);
      const std::string token = "imds-token-" + std::to_string(++token_requests_);
      tokens_[token] = chain_->now.load() + std::chrono::seconds(ttl);
      response.set_content(token, "text/plain");
    });
    server_.server().Get(R"(/latest/meta-data/iam/security-credentials/(.*))",
                         [this](const httplib::Request& request, httplib::Response& response) {
      std::lock_guard<std::mutex> lock(mutex_);
      auto token = tokens_.find(request.get_header_value("X-aws-ec2-metadata-token"));
      if (token == tokens_.end() || chain_->now.load() >= token->second) {
        ++unauthorized_;
        response.status = 401;
        return;
      }
      if (request.matches[1].str().empty()) {
        response.set_content("adx-role\n", "text/plain");
        return;
      }
      const auto expiration = chain_->now.load() + std::chrono::hours(1);
      const std::time_t seconds = Clock::to_time_t(expiration);
      std::tm utc{};
      gmtime_r(&seconds, &utc);
      char text[32];
      std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &utc);
      response.set_content(std::string("{\"Code\":\"Success\",\"Type\":\"AWS-HMAC\",\"AccessKeyId\":\"IMDSKEY") +
                           std::to_string(++credential_requests_) + "\",\"SecretAccessKey\":\"imds-secret\","
                           "\"Token\":\"imds-session\",\"Expiration\":\"" + text + "\"}", "application/json");
    });
    server_.Start();
  }
  std::string url() const { return server_.url(); }
  void Reboot() { std::lock_guard<std::mutex> lock(mutex_); tokens_.clear(); }
  int token_requests() { std::lock_guard<std::mutex> lock(mutex_); return token_requests_; }
  int unauthorized() { std::lock_guard<std::mutex> lock(mutex_); return unauthorized_; }

 private:
  Chain* chain_;
  FakeHttpServer server_;
  std::mutex mutex_;
  std::map<std::string, Clock::time_point> tokens_;
  int token_requests_ = 0;
  int unauthorized_ = 0;
  int credential_requests_ = 0;
};

TEST(CredentialImdsTest, TokenThenRoleThenCredentials) {
  Chain chain;
  FakeImds imds(&chain);
  chain.env.erase("AWS_EC2_METADATA_DISABLED");
  chain.env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = imds.url() + "/";
  auto provider = chain.Provider();
  auto credentials = provider->Get();
  ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
  EXPECT_EQ(credentials->access_key_id, "IMDSKEY1");
  EXPECT_EQ(credentials->session_token, "imds-session");
  EXPECT_EQ(provider->source(), "instance metadata");
  EXPECT_EQ(imds.token_requests(), 1);  // One token for both GETs.
  EXPECT_EQ(imds.unauthorized(), 0);
}

TEST(CredentialImdsTest, ExpiredTokenIsRenewedAndARejectedOneRetried) {
  Chain chain;
  FakeImds imds(&chain);
  chain.env.erase("AWS_EC2_METADATA_DISABLED");
  chain.env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = imds.url();
  auto provider = chain.Provider({.imds_token_ttl = std::chrono::seconds(3600)});
  EXPECT_EQ(provider->Get()->access_key_id, "IMDSKEY1");
  // 61 minutes later the credentials and the one-hour token have expired: a new token is fetched
  // before asking, nothing is refused.
  chain.now = chain.now.load() + minutes(61);
  EXPECT_EQ(provider->Get()->access_key_id, "IMDSKEY2");
  EXPECT_EQ(imds.token_requests(), 2);
  EXPECT_EQ(imds.unauthorized(), 0);
  // 56 minutes on, the credentials are due and the token still has 4 minutes by our clock, but the
  // instance forgot its tokens (a reboot): 401, new token, retry.
  chain.now = chain.now.load() + minutes(56);
  imds.Reboot();
  auto credentials = provider->Get();
  ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
  EXPECT_EQ(credentials->access_key_id, "IMDSKEY3");
  EXPECT_EQ(imds.token_requests(), 3);
  EXPECT_EQ(imds.unauthorized(), 1);
}

TEST(CredentialImdsTest, UnreachableMetadataMeansNoCredentials) {
  Chain chain;
  chain.env.erase("AWS_EC2_METADATA_DISABLED");
  chain.env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = "http://127.0.0.1:1";  // Nothing listens on port 1.
  auto credentials = chain.Provider()->Get();
  ASSERT_FALSE(credentials.ok());
  EXPECT_EQ(credentials.status().code(), StatusCode::kNotFound);
}

// Every failure below has secrets within reach (files, replies, process output); none may
// reach an error message.
TEST(CredentialSecretsTest, NoErrorMessageHoldsASecret) {
  const std::vector<std::string> secrets = {"SOURCE-SECRET-1", "TOKEN-SECRET-2", "PROCESS-SECRET-3",
                                            "ECS-SECRET-4", "AUTH-SECRET-5", "IMDS-SECRET-6", "FILE-SECRET-7",
                                            "ENV-SECRET-8", "WEB-SECRET-9"};
  FakeHttpServer fake;
  fake.server().Post("/", [](const httplib::Request&, httplib::Response& response) {
    response.status = 400;
    response.set_content("<ErrorResponse><Error><Code>InvalidClientTokenId</Code><Message>The security token "
                         "included in the request is invalid</Message></Error></ErrorResponse>", "text/xml");
  });
  fake.server().Get("/ecs", [](const httplib::Request&, httplib::Response& response) {
    response.set_content("{\"SecretAccessKey\":\"ECS-SECRET-4\",\"Token\":\"TOKEN-SECRET-2\"}", "application/json");
  });
  fake.server().Put("/latest/api/token", [](const httplib::Request&, httplib::Response& response) {
    response.set_content("TOKEN-SECRET-2", "text/plain");
  });
  fake.server().Get(R"(/latest/meta-data/iam/security-credentials/(.*))",
                    [](const httplib::Request& request, httplib::Response& response) {
    if (request.matches[1].str().empty()) { response.set_content("role", "text/plain"); return; }
    response.set_content("{\"Code\":\"Success\",\"SecretAccessKey\":\"IMDS-SECRET-6\",broken", "application/json");
  });
  fake.Start();

  std::vector<Status> errors;
  const auto run = [&errors](Chain& chain, CredentialOptions options = {}) {
    auto credentials = chain.Provider(std::move(options))->Get();
    EXPECT_FALSE(credentials.ok());
    if (!credentials.ok()) errors.push_back(credentials.status());
  };
  {  // STS refuses an AssumeRole signed with a secret and a session token.
    Chain chain;
    chain.env["AWS_ENDPOINT_URL_STS"] = fake.url();
    chain.env["AWS_SHARED_CREDENTIALS_FILE"] = chain.Write("c", "[src]\naws_access_key_id=K\naws_secret_access_key="
                                                                "SOURCE-SECRET-1\naws_session_token=TOKEN-SECRET-2\n").string();
    chain.env["AWS_CONFIG_FILE"] = chain.Write("f", "[profile r]\nrole_arn=arn:aws:iam::1:role/r\nsource_profile=src\n").string();
    run(chain, {.profile = "r"});
  }
  {  // Web identity refused: the token must not be echoed.
    Chain chain;
    chain.env["AWS_ENDPOINT_URL"] = fake.url();
    chain.env["AWS_WEB_IDENTITY_TOKEN_FILE"] = chain.Write("t", "WEB-SECRET-9").string();
    chain.env["AWS_ROLE_ARN"] = "arn:aws:iam::1:role/r";
    run(chain);
  }
  for (const char* script :  // credential_process failing or printing half a document.
       {"echo '{\"Version\":1,\"SecretAccessKey\":\"PROCESS-SECRET-3\"}'",
        "echo PROCESS-SECRET-3; exit 2", "echo '{\"Version\":1,\"AccessKeyId\":\"K\",\"SecretAccessKey\":"
        "\"PROCESS-SECRET-3\",\"Expiration\":\"PROCESS-SECRET-3\"}'", "echo '{PROCESS-SECRET-3'"}) {
    Chain chain;
    chain.env["AWS_CONFIG_FILE"] = chain.Write("f", "[default]\ncredential_process = " + std::string(script) + "\n").string();
    run(chain);
  }
  {  // Container reply without AccessKeyId; the authorization token must not be echoed.
    Chain chain;
    chain.env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = fake.url() + "/ecs";
    chain.env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "AUTH-SECRET-5";
    run(chain);
  }
  {  // Instance metadata with a broken document.
    Chain chain;
    chain.env.erase("AWS_EC2_METADATA_DISABLED");
    chain.env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = fake.url();
    run(chain);
  }
  {  // Half a key pair, in a file and in the environment.
    Chain chain;
    chain.env["AWS_SHARED_CREDENTIALS_FILE"] = chain.Write("c", "[default]\naws_secret_access_key=FILE-SECRET-7\n").string();
    run(chain);
    Chain env_chain;
    env_chain.env["AWS_SECRET_ACCESS_KEY"] = "ENV-SECRET-8";
    run(env_chain);
  }
  ASSERT_EQ(errors.size(), 10u);
  for (const Status& error : errors) {
    for (const std::string& secret : secrets) {
      EXPECT_EQ(error.ToString().find(secret), std::string::npos) << error.ToString();
    }
  }
}

}  // namespace
}  // namespace adxm
