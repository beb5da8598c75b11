#include "s3/sigv4.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "base/civil_time.h"
#include "test_util.h"

namespace adxm {
namespace {

using std::chrono::sys_seconds;

sys_seconds At(int year, unsigned month, unsigned day, int hour = 0, int minute = 0, int second = 0) {
  return sys_seconds(std::chrono::seconds(DaysFromCivil(year, month, day) * 86400 + hour * 3600 +
                                          minute * 60 + second));
}

std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string PercentDecode(std::string_view text) {
  std::string out;
  for (size_t pos = 0; pos < text.size(); ++pos) {
    if (text[pos] == '%' && pos + 2 < text.size()) {
      out.push_back(static_cast<char>(std::stoi(std::string(text.substr(pos + 1, 2)), nullptr, 16)));
      pos += 2;
    } else {
      out.push_back(text[pos]);
    }
  }
  return out;
}

// ---- AWS's SigV4 test suite (testdata/sigv4, from awslabs/aws-c-auth) ----

struct SuiteCase {
  SigV4Request request;
  AwsCredentials credentials;
  SigV4Scope scope;
  std::string body;
  int64_t expires = 0;
};

// Parse request.txt ("GET /path?query HTTP/1.1", "Name:value" lines, folded lines, blank, body)
// and context.json.
SuiteCase LoadSuiteCase(const std::filesystem::path& dir) {
  SuiteCase out;
  std::istringstream lines(ReadText(dir / "request.txt"));
  std::string line;
  std::getline(lines, line);
  const size_t method_end = line.find(' ');
  const size_t target_end = line.rfind(" HTTP/");
  out.request.method = line.substr(0, method_end);
  std::string target = line.substr(method_end + 1, target_end - method_end - 1);
  const size_t question = target.find('?');
  out.request.path = target.substr(0, question);
  if (question != std::string::npos) {
    std::istringstream pairs(target.substr(question + 1));
    std::string pair;
    while (std::getline(pairs, pair, '&')) {
      const size_t equals = pair.find('=');
      out.request.query.emplace_back(PercentDecode(pair.substr(0, equals)),
                                     equals == std::string::npos ? "" : PercentDecode(pair.substr(equals + 1)));
    }
  }
  while (std::getline(lines, line) && !line.empty()) {
    if (line[0] == ' ' || line[0] == '\t') {
      out.request.headers.back().second += " " + line;  // A folded continuation line.
    } else {
      const size_t colon = line.find(':');
      out.request.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
    }
  }
  std::string rest((std::istreambuf_iterator<char>(lines)), std::istreambuf_iterator<char>());
  out.body = rest;

  const auto context = nlohmann::json::parse(ReadText(dir / "context.json"));
  out.credentials.access_key_id = context["credentials"]["access_key_id"];
  out.credentials.secret_access_key = context["credentials"]["secret_access_key"];
  if (context["credentials"].contains("token") && !context.value("omit_session_token", false)) {
    out.credentials.session_token = context["credentials"]["token"];
  }
  out.scope.region = context["region"];
  out.scope.service = context["service"];
  out.scope.normalize_path = context["normalize"];
  out.scope.send_content_sha256 = context["sign_body"];
  int year, month, day, hour, minute, second;
  std::sscanf(context["timestamp"].get<std::string>().c_str(), "%d-%d-%dT%d:%d:%dZ", &year, &month, &day,
              &hour, &minute, &second);
  out.scope.time = At(year, month, day, hour, minute, second);
  out.expires = context["expiration_in_seconds"];
  out.request.payload_hash = Sha256Hex(out.body);
  return out;
}

std::vector<std::filesystem::path> SuiteDirs() {
  std::vector<std::filesystem::path> dirs;
  for (const auto& entry : std::filesystem::directory_iterator(testing::SourceDir() / "testdata/sigv4")) {
    if (entry.is_directory()) dirs.push_back(entry.path());
  }
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

TEST(SigV4SuiteTest, HeaderSignaturesMatchEveryVector) {
  const auto dirs = SuiteDirs();
  ASSERT_GE(dirs.size(), 38u);
  for (const auto& dir : dirs) {
    SCOPED_TRACE(dir.filename().string());
    SuiteCase c = LoadSuiteCase(dir);
    SigV4Signature signature = SignRequest(c.request, c.credentials, c.scope);
    EXPECT_EQ(signature.canonical_request, ReadText(dir / "header-canonical-request.txt"));
    EXPECT_EQ(signature.signature, ReadText(dir / "header-signature.txt"));
  }
}

TEST(SigV4SuiteTest, PresignedSignaturesMatchEveryVector) {
  for (const auto& dir : SuiteDirs()) {
    SCOPED_TRACE(dir.filename().string());
    SuiteCase c = LoadSuiteCase(dir);
    QueryParams auth = PresignQuery(c.request, c.credentials, c.scope, std::chrono::seconds(c.expires));
    ASSERT_FALSE(auth.empty());
    EXPECT_EQ(auth.back().first, "X-Amz-Signature");
    EXPECT_EQ(auth.back().second, ReadText(dir / "query-signature.txt"));
  }
}

// ---- The S3 examples of "Signature Calculations for the Authorization Header" (S3 API docs) ----

AwsCredentials DocCredentials() { return {"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "", {}}; }
SigV4Scope DocScope() { return {"us-east-1", "s3", At(2013, 5, 24)}; }

TEST(SigV4S3DocTest, GetObjectWithRange) {
  SigV4Request request{.method = "GET", .path = "/test.txt",
                       .headers = {{"Host", "examplebucket.s3.amazonaws.com"}, {"Range", "bytes=0-9"}}};
  SigV4Signature signature = SignRequest(request, DocCredentials(), DocScope());
  EXPECT_EQ(signature.string_to_sign,
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  EXPECT_EQ(signature.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4S3DocTest, PutObjectWithPayload) {
  const std::string body = "Welcome to Amazon S3.";
  ASSERT_EQ(Sha256Hex(body), "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  SigV4Request request{.method = "PUT", .path = "/" + UriEncode("test$file.text", true),
                       .headers = {{"Host", "examplebucket.s3.amazonaws.com"},
                                   {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                                   {"x-amz-storage-class", "REDUCED_REDUNDANCY"}},
                       .payload_hash = Sha256Hex(body)};
  SigV4Signature signature = SignRequest(request, DocCredentials(), DocScope());
  EXPECT_EQ(signature.canonical_request.substr(0, 23), "PUT\n/test%24file.text\n\n");
  EXPECT_EQ(signature.signature, "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
  EXPECT_NE(signature.authorization.find("SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;"
                                         "x-amz-storage-class,"),
            std::string::npos);
}

TEST(SigV4S3DocTest, GetBucketLifecycle) {
  SigV4Request request{.method = "GET", .path = "/", .query = {{"lifecycle", ""}},
                       .headers = {{"Host", "examplebucket.s3.amazonaws.com"}}};
  SigV4Signature signature = SignRequest(request, DocCredentials(), DocScope());
  EXPECT_EQ(signature.signature, "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST(SigV4S3DocTest, ListObjectsSortsQueryParameters) {
  SigV4Request request{.method = "GET", .path = "/", .query = {{"prefix", "J"}, {"max-keys", "2"}},
                       .headers = {{"Host", "examplebucket.s3.amazonaws.com"}}};
  SigV4Signature signature = SignRequest(request, DocCredentials(), DocScope());
  EXPECT_EQ(signature.signature, "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

// ---- Encoding details ----

TEST(SigV4EncodingTest, UriEncodeKeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(UriEncode("a b+c=d~e", false), "a%20b%2Bc%3Dd~e");
  EXPECT_EQ(UriEncode("dir/year=2023/x.parquet", true), "dir/year%3D2023/x.parquet");
  EXPECT_EQ(UriEncode("a/b", false), "a%2Fb");
  EXPECT_EQ(UriEncode("100%", true), "100%25");
  EXPECT_EQ(UriEncode("\xc3\xa9", true), "%C3%A9");  // é
}

TEST(SigV4EncodingTest, CanonicalQuerySortsByEncodedNameThenValue) {
  // '%' (0x25) sorts before '-' (0x2D): sorting happens after encoding.
  EXPECT_EQ(CanonicalQueryString({{"a-b", "1"}, {"a:b", "2"}}), "a%3Ab=2&a-b=1");
  EXPECT_EQ(CanonicalQueryString({{"key-type", "x"}, {"key", ""}}), "key=&key-type=x");
  EXPECT_EQ(CanonicalQueryString({{"b", "2"}, {"a", "y"}, {"a", "x"}}), "a=x&a=y&b=2");
}

TEST(SigV4EncodingTest, AmzDateIsBasicIso8601Utc) {
  EXPECT_EQ(FormatAmzDate(At(2015, 8, 30, 12, 36, 0)), "20150830T123600Z");
  EXPECT_EQ(FormatAmzDate(At(2024, 2, 29, 23, 59, 59)), "20240229T235959Z");
}

TEST(SigV4SignTest, SessionTokenIsSentAndSigned) {
  AwsCredentials credentials{"AKID", "SECRET", "TOKEN/with+chars=", {}};
  SigV4Request request{.headers = {{"Host", "b.s3.amazonaws.com"}}};
  SigV4Signature signature = SignRequest(request, credentials, {"eu-west-1", "s3", At(2024, 1, 2)});
  EXPECT_NE(signature.authorization.find("x-amz-date;x-amz-security-token,"), std::string::npos);
  bool sent = false;
  for (const auto& [name, value] : signature.headers_to_add) {
    if (name == "X-Amz-Security-Token") sent = value == credentials.session_token;
  }
  EXPECT_TRUE(sent);
  EXPECT_EQ(signature.authorization.find("SECRET"), std::string::npos);
}

TEST(SigV4SignTest, UnsignedPayloadIsSentAsIs) {
  SigV4Request request{.method = "PUT", .path = "/b/k", .headers = {{"Host", "h"}},
                       .payload_hash = std::string(kUnsignedPayload)};
  SigV4Signature signature = SignRequest(request, {"AKID", "SECRET", "", {}}, {"us-east-1", "s3", At(2024, 1, 2)});
  EXPECT_EQ(signature.canonical_request.substr(signature.canonical_request.rfind('\n') + 1), "UNSIGNED-PAYLOAD");
  EXPECT_EQ(signature.headers_to_add[1], (std::pair<std::string, std::string>{"X-Amz-Content-SHA256", "UNSIGNED-PAYLOAD"}));
}

// ---- Cross-check against a second implementation: botocore (Debian's awscli) ----

struct CrossCase {
  std::string method = "GET";
  std::string host = "127.0.0.1:9000";
  std::string key;  // Path after the leading '/', decoded ("bucket/dir/my file").
  QueryParams query;
  HttpHeaders headers;  // Besides Host.
  std::string body;
  bool unsigned_payload = false;
  std::string token;
};

std::vector<CrossCase> CrossCases() {
  return {
      {.key = "bucket/plain.txt"},
      {.key = "bucket/dir/my file with spaces.json"},
      {.key = "bucket/donn\xc3\xa9" "es/\xe6\x97\xa5\xe6\x9c\xac.json"},
      {.key = "bucket/a+b+c.txt"},
      {.key = "bucket/adx_for_s3_metrics/year=2023/month=05/day=01/part-0.parquet"},
      {.key = "bucket/~user/file~1"},
      {.key = "bucket/special !*'()$&,;:@[]#?.txt"},
      {.key = "bucket/100%.txt"},
      {.key = "bucket/a//b/./c/../d"},
      {.key = "bucket", .query = {{"list-type", "2"}, {"prefix", "AWSLogs/"}, {"max-keys", "2"}}},
      {.key = "bucket",
       .query = {{"list-type", "2"}, {"continuation-token", "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM="},
                 {"start-after", "a+b c"}}},
      {.key = "bucket", .query = {{"delimiter", ""}, {"prefix", ""}, {"list-type", "2"}}},
      {.key = "bucket", .query = {{"lifecycle", ""}}},
      {.key = "bucket", .query = {{"prefix", "donn\xc3\xa9" "es/ x=y&z"}, {"list-type", "2"}}},
      {.key = "bucket/k", .token = "FwoGZXIvYXdzEXAMPLE//////////wEaDA+token/with=chars"},
      {.method = "PUT", .key = "bucket/_adxmetrics/log/000001.json", .headers = {{"If-None-Match", "*"}},
       .body = "{\"commit\":1}\n"},
      {.method = "PUT", .key = "bucket/big.parquet", .headers = {{"Content-Type", "application/octet-stream"}},
       .body = "PAR1", .unsigned_payload = true},
      {.method = "HEAD", .key = "bucket/k", .token = "tok"},
      {.method = "DELETE", .key = "bucket/old file.parquet"},
      {.key = "bucket/k", .headers = {{"Range", "bytes=100-199"}, {"X-Amz-Meta-Note", "  two   spaces  "}}},
      {.method = "POST", .host = "bucket.s3.eu-west-1.amazonaws.com", .key = "", .query = {{"delete", ""}},
       .headers = {{"Content-MD5", "1B2M2Y8AsgTpgAmY7PhCfg=="}}, .body = "<Delete></Delete>"},
  };
}

TEST(SigV4BotocoreTest, AuthorizationEqualsBotocoreForEveryCase) {
  const AwsCredentials base{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", {}};
  const sys_seconds time = At(2026, 1, 2, 3, 4, 5);
  const auto cases = CrossCases();
  nlohmann::json specs = nlohmann::json::array();
  std::vector<SigV4Signature> ours;
  for (const CrossCase& c : cases) {
    AwsCredentials credentials = base;
    credentials.session_token = c.token;
    SigV4Request request{.method = c.method, .path = "/" + UriEncode(c.key, true), .query = c.query};
    request.headers.emplace_back("Host", c.host);
    request.headers.insert(request.headers.end(), c.headers.begin(), c.headers.end());
    request.payload_hash = c.unsigned_payload ? std::string(kUnsignedPayload) : Sha256Hex(c.body);
    ours.push_back(SignRequest(request, credentials, {"eu-west-1", "s3", time}));
    nlohmann::json headers = nlohmann::json::array({{"Host", c.host}});
    for (const auto& [name, value] : c.headers) headers.push_back({name, value});
    nlohmann::json query = nlohmann::json::array();
    for (const auto& [name, value] : c.query) query.push_back({name, value});
    specs.push_back({{"method", c.method}, {"host", c.host}, {"key", c.key}, {"query", query},
                     {"headers", headers}, {"body", c.body}, {"unsigned_payload", c.unsigned_payload},
                     {"access_key", base.access_key_id}, {"secret_key", base.secret_access_key},
                     {"token", c.token}, {"region", "eu-west-1"}, {"time", FormatAmzDate(time)}});
  }
  // Debian's python3: the awscli package's botocore lives there (scripts/bootstrap installs it).
  testing::CommandResult run = testing::RunCommand(
      {"/usr/bin/python3", (testing::SourceDir() / "tests/s3/botocore_sigv4.py").string()}, specs.dump());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto theirs = nlohmann::json::parse(run.out);
  ASSERT_EQ(theirs.size(), cases.size());
  for (size_t case_idx = 0; case_idx < cases.size(); ++case_idx) {
    SCOPED_TRACE(cases[case_idx].method + " /" + cases[case_idx].key);
    EXPECT_EQ(ours[case_idx].authorization, theirs[case_idx]["authorization"].get<std::string>())
        << ours[case_idx].canonical_request;
    EXPECT_EQ(ours[case_idx].headers_to_add[1].second, theirs[case_idx]["content_sha256"].get<std::string>());
  }
}

}  // namespace
}  // namespace adxm
