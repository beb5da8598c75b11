// Self-tests of the S3 test environment (s3_test_env.h): the real AWS CLI and curl against
// s3rver behind tests/s3/s3_proxy.py, checking what the proxy adds: signature verification,
// conditional writes, faults and stats.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "s3/sigv4.h"
#include "s3_test_env.h"

namespace adxm::testing {
namespace {

constexpr char kBucket[] = "envtest";

/// One HTTP exchange made by curl.
struct CurlReply {
  int curl_exit = -1;  // curl's exit code: 0, 18 (partial body), 52/56 (no reply / reset) ...
  int status = 0;      // HTTP status, 0 if none arrived.
  std::string body;
};

/// Options of one curl request to the proxy.
struct CurlRequest {
  std::string method = "GET";
  std::string path;                  // "/bucket/key", sent as is.
  std::string body;                  // Sent for PUT.
  std::vector<std::string> headers;  // Extra "Name: value" headers, signed by curl.
  std::string secret = "S3RVER";     // A different secret makes a wrong signature.
  std::string content_sha256;        // x-amz-content-sha256; empty: the body's SHA-256.
};

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteFile(const std::filesystem::path& path, const std::string& data) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << data;
}

// curl 7.88 signs SigV4 itself but neither sends nor signs x-amz-content-sha256 (src/s3/README.md):
// pass the header so that curl signs it and the proxy can check it against the body.
CurlReply Curl(const S3TestEnv& env, const CurlRequest& request) {
  ScratchDir io;
  std::vector<std::string> argv = {"curl", "-s", "-S", "-o", (io.path() / "body").string(), "-w", "%{http_code}",
                                   "--aws-sigv4", "aws:amz:us-east-1:s3", "--user", "S3RVER:" + request.secret,
                                   "-H", "x-amz-content-sha256: " + (request.content_sha256.empty()
                                                                          ? Sha256Hex(request.body)
                                                                          : request.content_sha256),
                                   "-X", request.method};
  if (request.method == "PUT") {
    WriteFile(io.path() / "upload", request.body);
    argv.insert(argv.end(), {"-T", (io.path() / "upload").string()});
  }
  for (const auto& header : request.headers) argv.insert(argv.end(), {"-H", header});
  argv.push_back(env.endpoint() + request.path);
  CommandResult result = RunCommand(argv);
  return {.curl_exit = result.exit_code, .status = std::atoi(result.out.c_str()), .body = ReadFile(io.path() / "body")};
}

std::unique_ptr<S3TestEnv> StartEnv(bool verify_signatures = true) {
  return S3TestEnv::Start({.buckets = {kBucket}, .verify_signatures = verify_signatures, .conditional = true});
}

std::string HeadETag(const S3TestEnv& env, const std::string& key) {
  CommandResult head = env.Aws({"s3api", "head-object", "--bucket", kBucket, "--key", key});
  EXPECT_EQ(head.exit_code, 0) << head.err;
  return head.exit_code == 0 ? nlohmann::json::parse(head.out).value("ETag", "") : "";
}

TEST(S3EnvIntegrationTest, AwsCliSyncAndPagedListPassSignatureChecks) {
  auto env = StartEnv();
  ASSERT_NE(env, nullptr);
  ScratchDir local;
  std::map<std::string, uint64_t> expected;  // key -> size
  // Keys with characters whose encoding the signature covers: '=', space, '+'.
  for (const std::string name : {"a.json", "b c.json", "year=2023/d.json", "year=2023/e+f.json", "g/h/i.json",
                                 "j.gz", "k"}) {
    std::string content(100 * (expected.size() + 1) + 7, 'x');
    WriteFile(local.path() / name, content);
    expected["sync/" + name] = content.size();
  }
  CommandResult sync = env->Aws({"s3", "sync", local.path().string(), std::string("s3://") + kBucket + "/sync/"});
  ASSERT_EQ(sync.exit_code, 0) << sync.err;
  env->ResetStats();

  CommandResult list = env->Aws({"s3api", "list-objects-v2", "--bucket", kBucket, "--prefix", "sync/",
                                 "--page-size", "2", "--output", "json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  std::map<std::string, uint64_t> listed;
  nlohmann::json listing = nlohmann::json::parse(list.out);
  for (const auto& object : listing.at("Contents")) {
    listed[object.at("Key").get<std::string>()] = object.at("Size").get<uint64_t>();
  }
  EXPECT_EQ(listed, expected);
  auto stats = env->Stats();
  EXPECT_GE(stats["ListObjectsV2"], 4u);  // 7 keys, 2 a page
  EXPECT_EQ(stats["signature_mismatches"], 0u);
}

TEST(S3EnvIntegrationTest, WrongSignatureAndWrongPayloadHashAreRefused) {
  auto env = StartEnv();
  ASSERT_NE(env, nullptr);
  CurlReply good = Curl(*env, {.method = "PUT", .path = "/envtest/k", .body = "payload"});
  EXPECT_EQ(good.status, 200) << good.body;

  CurlReply wrong_secret = Curl(*env, {.path = "/envtest/k", .secret = "NOT-S3RVER"});
  EXPECT_EQ(wrong_secret.status, 403);
  EXPECT_NE(wrong_secret.body.find("<Code>SignatureDoesNotMatch</Code>"), std::string::npos) << wrong_secret.body;

  // Signed right, but the body is not the one x-amz-content-sha256 names.
  CurlReply wrong_hash = Curl(*env, {.method = "PUT", .path = "/envtest/k", .body = "payload",
                                     .content_sha256 = Sha256Hex("other")});
  EXPECT_EQ(wrong_hash.status, 400);
  EXPECT_NE(wrong_hash.body.find("XAmzContentSHA256Mismatch"), std::string::npos) << wrong_hash.body;
  EXPECT_EQ(env->Stats()["signature_mismatches"], 2u);
}

TEST(S3EnvIntegrationTest, ConditionalWritesAnswer412WhenThePreconditionFails) {
  auto env = StartEnv();
  ASSERT_NE(env, nullptr);
  ASSERT_EQ(Curl(*env, {.method = "PUT", .path = "/envtest/lock", .body = "first"}).status, 200);

  CurlReply exists = Curl(*env, {.method = "PUT", .path = "/envtest/lock", .body = "second",
                                 .headers = {"If-None-Match: *"}});
  EXPECT_EQ(exists.status, 412);
  EXPECT_NE(exists.body.find("<Code>PreconditionFailed</Code>"), std::string::npos) << exists.body;
  EXPECT_EQ(Curl(*env, {.method = "PUT", .path = "/envtest/fresh", .body = "new", .headers = {"If-None-Match: *"}})
                .status,
            200);

  std::string etag = HeadETag(*env, "lock");
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(Curl(*env, {.method = "PUT", .path = "/envtest/lock", .body = "third",
                        .headers = {"If-Match: \"0123456789abcdef0123456789abcdef\""}})
                .status,
            412);
  EXPECT_EQ(Curl(*env, {.method = "PUT", .path = "/envtest/lock", .body = "fourth", .headers = {"If-Match: " + etag}})
                .status,
            200);
  EXPECT_EQ(Curl(*env, {.path = "/envtest/lock"}).body, "fourth");
}

TEST(S3EnvIntegrationTest, TwoSlowDownsAreRetriedByTheCli) {
  auto env = StartEnv();
  ASSERT_NE(env, nullptr);
  ScratchDir local;
  std::string content = "retried content\n" + std::string(5000, 'r');
  WriteFile(local.path() / "source", content);
  ASSERT_EQ(env->Aws({"s3", "cp", (local.path() / "source").string(), "s3://envtest/retried"}).exit_code, 0);
  env->SetFaults(R"([{"kind": "503", "method": "GET", "count": 2}])");
  env->ResetStats();

  CommandResult copy = env->Aws({"s3", "cp", "s3://envtest/retried", (local.path() / "copy").string()});
  ASSERT_EQ(copy.exit_code, 0) << copy.err;
  EXPECT_EQ(ReadFile(local.path() / "copy"), content);
  auto stats = env->Stats();
  EXPECT_EQ(stats["faults_injected"], 2u);
  EXPECT_EQ(stats["GetObject"], 1u);  // faulted requests are not forwarded
}

TEST(S3EnvIntegrationTest, ResetAndTruncateFaultsReachTheClient) {
  auto env = StartEnv();
  ASSERT_NE(env, nullptr);
  std::string content(100000, 'z');
  ASSERT_EQ(Curl(*env, {.method = "PUT", .path = "/envtest/big", .body = content}).status, 200);
  env->SetFaults(R"([{"kind": "reset", "method": "GET", "match": "^/envtest/big$", "count": 1},
                     {"kind": "truncate", "method": "GET", "match": "big", "count": 1}])");

  CurlReply reset = Curl(*env, {.path = "/envtest/big"});
  EXPECT_NE(reset.curl_exit, 0);
  EXPECT_EQ(reset.status, 0);
  EXPECT_TRUE(reset.body.empty());

  CurlReply truncated = Curl(*env, {.path = "/envtest/big"});
  EXPECT_EQ(truncated.curl_exit, 18);  // CURLE_PARTIAL_FILE: fewer bytes than Content-Length
  EXPECT_EQ(truncated.body, content.substr(0, content.size() / 2));

  CurlReply whole = Curl(*env, {.path = "/envtest/big"});
  EXPECT_EQ(whole.curl_exit, 0);
  EXPECT_EQ(whole.body, content);
  EXPECT_EQ(env->Stats()["faults_injected"], 2u);
}

TEST(S3EnvIntegrationTest, AbortMultipartUploadIsAnsweredByTheProxy) {
  auto env = StartEnv();
  ASSERT_NE(env, nullptr);
  CommandResult create = env->Aws({"s3api", "create-multipart-upload", "--bucket", kBucket, "--key", "parts"});
  ASSERT_EQ(create.exit_code, 0) << create.err;
  std::string upload_id = nlohmann::json::parse(create.out).at("UploadId");
  CommandResult abort =
      env->Aws({"s3api", "abort-multipart-upload", "--bucket", kBucket, "--key", "parts", "--upload-id", upload_id});
  EXPECT_EQ(abort.exit_code, 0) << abort.err;
  EXPECT_EQ(env->Stats()["AbortMultipartUpload"], 1u);
}

}  // namespace
}  // namespace adxm::testing
