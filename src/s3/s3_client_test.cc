// S3Client against loopback fakes: retries, error explanations, listing pagination and keys.
// Requests against a real S3-protocol server (and their signatures, checked by botocore) are
// covered by tests/s3_*_test.cc.
#include "s3/s3_client.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <map>

#include "s3/fake_http_server.h"

namespace adxm {
namespace {

using testing::FakeHttpServer;

S3Options FakeOptions(const std::string& endpoint) {
  std::map<std::string, std::string> env = {{"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"},
                                            {"AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"},
                                            {"AWS_EC2_METADATA_DISABLED", "true"},
                                            {"HOME", "/nonexistent"}};
  S3Options options{.region = "eu-west-1", .endpoint = endpoint};
  options.credentials.getenv = [env](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  options.base_backoff = std::chrono::milliseconds(1);
  options.max_backoff = std::chrono::milliseconds(5);
  options.stall_timeout = std::chrono::milliseconds(1000);
  return options;
}

std::string ErrorXml(const std::string& code, const std::string& extra = "") {
  return "<?xml version=\"1.0\"?><Error><Code>" + code + "</Code><Message>m</Message>" + extra + "</Error>";
}

TEST(S3UriTest, ParsesBucketAndKey) {
  auto uri = ParseS3Uri("s3://trail-bucket/AWSLogs/o-abc/");
  ASSERT_TRUE(uri.ok()) << uri.status().ToString();
  EXPECT_EQ(uri->bucket, "trail-bucket");
  EXPECT_EQ(uri->key, "AWSLogs/o-abc/");
  EXPECT_EQ(uri->ToString(), "s3://trail-bucket/AWSLogs/o-abc/");
  auto bare = ParseS3Uri("s3://b1");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->key, "");
  EXPECT_FALSE(ParseS3Uri("s3://").ok());
  EXPECT_FALSE(ParseS3Uri("s3:///key").ok());
  EXPECT_FALSE(ParseS3Uri("s3://Upper/key").ok());
  EXPECT_FALSE(ParseS3Uri("/local/dir").ok());
  EXPECT_TRUE(IsS3Uri("s3://x"));
  EXPECT_FALSE(IsS3Uri("S3x://x"));
}

TEST(S3ClientTest, RetriesSlowDownThenSucceeds) {
  FakeHttpServer fake;
  std::atomic<int> calls{0};
  fake.server().Get("/bucket/a b.json.gz", [&](const httplib::Request&, httplib::Response& response) {
    if (++calls <= 2) {
      response.status = 503;
      response.set_content(ErrorXml("SlowDown"), "application/xml");
      return;
    }
    response.set_content("payload", "application/octet-stream");
  });
  fake.Start();
  auto client = S3Client::Make(FakeOptions(fake.url()));
  ASSERT_TRUE(client.ok());
  std::string body;
  ASSERT_TRUE((*client)->Get("bucket", "a b.json.gz", &body).ok());
  EXPECT_EQ(body, "payload");
  EXPECT_EQ(calls.load(), 3);
  EXPECT_EQ((*client)->counts().get, 3u);
  EXPECT_EQ((*client)->counts().retries, 2u);
}

TEST(S3ClientTest, GivesUpAfterMaxAttemptsNamingTheObject) {
  FakeHttpServer fake;
  std::atomic<int> calls{0};
  fake.server().Get(".*", [&](const httplib::Request&, httplib::Response& response) {
    ++calls;
    response.status = 500;
    response.set_content(ErrorXml("InternalError"), "application/xml");
  });
  fake.Start();
  S3Options options = FakeOptions(fake.url());
  options.max_attempts = 3;
  auto client = S3Client::Make(options);
  ASSERT_TRUE(client.ok());
  std::string body;
  Status status = (*client)->Get("bucket", "k1", &body);
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_NE(status.message().find("s3://bucket/k1"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("3 attempts"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("InternalError"), std::string::npos) << status.message();
  EXPECT_EQ(calls.load(), 3);
}

TEST(S3ClientTest, RetriesATruncatedBody) {
  FakeHttpServer fake;
  std::atomic<int> calls{0};
  fake.server().Get("/bucket/k", [&](const httplib::Request&, httplib::Response& response) {
    if (++calls == 1) {
      // Promise 100 bytes, send 4, end the exchange: curl reports a partial file.
      response.set_content_provider(100, "application/octet-stream",
                                    [](size_t, size_t, httplib::DataSink& sink) {
                                      sink.write("abcd", 4);
                                      return false;
                                    });
      return;
    }
    response.set_content(std::string(100, 'x'), "application/octet-stream");
  });
  fake.Start();
  auto client = S3Client::Make(FakeOptions(fake.url()));
  ASSERT_TRUE(client.ok());
  std::string body;
  ASSERT_TRUE((*client)->Get("bucket", "k", &body).ok());
  EXPECT_EQ(body, std::string(100, 'x'));
  EXPECT_EQ(calls.load(), 2);
}

TEST(S3ClientTest, ExplainsAccessDeniedWithActionAndResource) {
  FakeHttpServer fake;
  fake.server().Get(".*", [&](const httplib::Request&, httplib::Response& response) {
    response.status = 403;
    response.set_content(ErrorXml("AccessDenied"), "application/xml");
  });
  fake.Start();
  auto client = S3Client::Make(FakeOptions(fake.url()));
  ASSERT_TRUE(client.ok());
  std::string body;
  Status get = (*client)->Get("bucket", "AWSLogs/x.json.gz", &body);
  EXPECT_EQ(get.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(get.message().find("s3:GetObject on arn:aws:s3:::bucket/AWSLogs/x.json.gz"), std::string::npos)
      << get.message();
  EXPECT_NE(get.message().find("environment"), std::string::npos) << get.message();
  std::vector<S3Object> objects;
  Status list = (*client)->List({.bucket = "bucket", .prefix = "AWSLogs/"}, &objects);
  EXPECT_NE(list.message().find("s3:ListBucket on arn:aws:s3:::bucket "), std::string::npos) << list.message();
  EXPECT_EQ(get.message().find("wJalrXUtnFEMI"), std::string::npos);
  EXPECT_EQ(get.message().find("AKIDEXAMPLE"), std::string::npos);
}

TEST(S3ClientTest, NamesTheBucketsRegion) {
  FakeHttpServer fake;
  fake.server().Get(".*", [&](const httplib::Request&, httplib::Response& response) {
    response.status = 301;
    response.set_header("x-amz-bucket-region", "ap-southeast-2");
    response.set_content(ErrorXml("PermanentRedirect"), "application/xml");
  });
  fake.Start();
  auto client = S3Client::Make(FakeOptions(fake.url()));
  ASSERT_TRUE(client.ok());
  std::vector<S3Object> objects;
  Status status = (*client)->List({.bucket = "bucket"}, &objects);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("--region ap-southeast-2"), std::string::npos) << status.message();
}

TEST(S3ClientTest, ExplainsMissingKeyBucketAndExpiredToken) {
  FakeHttpServer fake;
  fake.server().Get("/nobucket/k", [&](const httplib::Request&, httplib::Response& response) {
    response.status = 404;
    response.set_content(ErrorXml("NoSuchBucket"), "application/xml");
  });
  fake.server().Get("/bucket/gone", [&](const httplib::Request&, httplib::Response& response) {
    response.status = 404;
    response.set_content(ErrorXml("NoSuchKey"), "application/xml");
  });
  fake.server().Get("/bucket/old", [&](const httplib::Request&, httplib::Response& response) {
    response.status = 400;
    response.set_content(ErrorXml("ExpiredToken"), "application/xml");
  });
  fake.Start();
  auto client = S3Client::Make(FakeOptions(fake.url()));
  ASSERT_TRUE(client.ok());
  std::string body;
  Status bucket = (*client)->Get("nobucket", "k", &body);
  EXPECT_EQ(bucket.code(), StatusCode::kNotFound);
  EXPECT_NE(bucket.message().find("bucket nobucket does not exist"), std::string::npos) << bucket.message();
  Status key = (*client)->Get("bucket", "gone", &body);
  EXPECT_EQ(key.code(), StatusCode::kNotFound);
  EXPECT_NE(key.message().find("s3://bucket/gone"), std::string::npos) << key.message();
  Status expired = (*client)->Get("bucket", "old", &body);
  EXPECT_EQ(expired.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(expired.message().find("expired"), std::string::npos) << expired.message();
}

TEST(S3ClientTest, ListFollowsContinuationTokensAndDecodesKeys) {
  FakeHttpServer fake;
  std::vector<std::string> queries;
  fake.server().Get("/bucket", [&](const httplib::Request& request, httplib::Response& response) {
    queries.push_back(request.get_param_value("continuation-token"));
    EXPECT_EQ(request.get_param_value("list-type"), "2");
    EXPECT_EQ(request.get_param_value("prefix"), "AWSLogs/");
    const bool first = request.get_param_value("continuation-token").empty();
    std::string xml = "<ListBucketResult><EncodingType>url</EncodingType><IsTruncated>" +
                      std::string(first ? "true" : "false") + "</IsTruncated>";
    if (first) {
      xml += "<Contents><Key>AWSLogs/a%20b+c%3D1</Key><Size>12</Size><ETag>&quot;e1&quot;</ETag></Contents>"
             "<NextContinuationToken>tok/1=</NextContinuationToken>";
    } else {
      xml += "<Contents><Key>AWSLogs/z</Key><Size>7</Size><ETag>\"e2\"</ETag></Contents>";
    }
    response.set_content(xml + "</ListBucketResult>", "application/xml");
  });
  fake.Start();
  auto client = S3Client::Make(FakeOptions(fake.url()));
  ASSERT_TRUE(client.ok());
  std::vector<S3Object> objects;
  ASSERT_TRUE((*client)->List({.bucket = "bucket", .prefix = "AWSLogs/"}, &objects).ok());
  ASSERT_EQ(objects.size(), 2u);
  EXPECT_EQ(objects[0].key, "AWSLogs/a b c=1");
  EXPECT_EQ(objects[0].size, 12u);
  EXPECT_EQ(objects[0].etag, "e1");
  EXPECT_EQ(objects[1].key, "AWSLogs/z");
  ASSERT_EQ(queries.size(), 2u);
  EXPECT_EQ(queries[1], "tok/1=");
  EXPECT_EQ((*client)->counts().list, 2u);
}

TEST(S3ClientTest, VirtualHostedAddressingPutsTheBucketInTheHost) {
  // curl resolves every *.localhost name to the loopback address, so bucket.localhost reaches the fake.
  FakeHttpServer fake;
  std::string host, path;
  fake.server().Get(".*", [&](const httplib::Request& request, httplib::Response& response) {
    host = request.get_header_value("Host");
    path = request.path;
    response.set_content("x", "application/octet-stream");
  });
  fake.Start();
  const std::string port = fake.url().substr(fake.url().rfind(':') + 1);
  S3Options options = FakeOptions("http://localhost:" + port);
  options.addressing = S3Addressing::kVirtualHosted;
  auto client = S3Client::Make(options);
  ASSERT_TRUE(client.ok());
  std::string body;
  ASSERT_TRUE((*client)->Get("trail-bucket", "AWSLogs/year=2023/a b", &body).ok());
  EXPECT_EQ(host, "trail-bucket.localhost:" + port);
  EXPECT_EQ(path, "/AWSLogs/year=2023/a b");  // Decoded by the server; sent as /AWSLogs/year%3D2023/a%20b.
  // A bucket name that is not a DNS label (dots) falls back to path style.
  ASSERT_TRUE((*client)->Get("my.bucket", "k", &body).ok());
  EXPECT_EQ(host, "localhost:" + port);
  EXPECT_EQ(path, "/my.bucket/k");
}

TEST(S3ClientTest, ConditionalPutRetriedAfterLostAnswerSucceeds) {
  // The first PUT lands but its answer is lost (a 500 stands in); the retry finds the key taken
  // (412), and the client recognises its own object by the ETag (the body's MD5).
  FakeHttpServer fake;
  std::atomic<int> puts{0};
  fake.server().Put("/bucket/log/0001", [&](const httplib::Request& request, httplib::Response& response) {
    EXPECT_EQ(request.get_header_value("If-None-Match"), "*");
    response.status = ++puts == 1 ? 500 : 412;
    response.set_content(ErrorXml(puts == 1 ? "InternalError" : "PreconditionFailed"), "application/xml");
  });
  fake.server().Get("/bucket/log/0001", [&](const httplib::Request&, httplib::Response& response) {
    response.set_header("ETag", "\"5d41402abc4b2a76b9719d911017c592\"");  // MD5("hello")
    response.set_content("hello", "application/octet-stream");
  });
  fake.Start();
  auto client = S3Client::Make(FakeOptions(fake.url()));
  ASSERT_TRUE(client.ok());
  auto etag = (*client)->Put("bucket", "log/0001", "hello", {.if_none_match = true});
  ASSERT_TRUE(etag.ok()) << etag.status().ToString();
  EXPECT_EQ(*etag, "5d41402abc4b2a76b9719d911017c592");
  // Someone else's object under the key: AlreadyExists.
  auto other = (*client)->Put("bucket", "log/0001", "world", {.if_none_match = true});
  EXPECT_EQ(other.status().code(), StatusCode::kAlreadyExists);
}

}  // namespace
}  // namespace adxm
