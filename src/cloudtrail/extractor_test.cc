#include "cloudtrail/extractor.h"

#include <gtest/gtest.h>
#include <libdeflate.h>

#include "base/file_util.h"
#include "cloudtrail/extractor_test_util.h"
#include "test_util.h"

namespace adxm {
namespace {

using testing::Extract;
using testing::Int;
using testing::kRecord;
using testing::Log;
using testing::Replace;
using testing::Text;

constexpr int64_t kMay1Noon = 1682942400000000;  // 2023-05-01T12:00:00Z in microseconds.

// Extract `json` and expect exactly one row.
RowBatch OneRow(std::string_view json, ExtractOptions options = {}) {
  RowBatch batch;
  Status status = Extract(json, &batch, std::move(options));
  EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(batch.num_rows(), 1u);
  return batch;
}

// Return how many rows `json` yields.
size_t RowCount(std::string_view json, ExtractOptions options = {}) {
  RowBatch batch;
  Status status = Extract(json, &batch, std::move(options));
  EXPECT_TRUE(status.ok()) << status.ToString();
  return batch.num_rows();
}

TEST(ExtractorTest, MapsEveryColumnOfARealisticGetObjectRecord) {
  Result<std::string> record = ReadFile(testing::SourceDir() / "testdata/cloudtrail/get_object_record.json");
  ASSERT_TRUE(record.ok()) << record.status().ToString();
  RowBatch row = OneRow(Log({*record}));
  EXPECT_EQ(Text(row, kEventId), "5b0c3a5e-1f2d-4c6b-9a8e-0d1e2f3a4b5c");
  EXPECT_EQ(Text(row, kEventName), "GetObject");
  EXPECT_EQ(Int(row, kEventTime), kMay1Noon);
  EXPECT_EQ(Text(row, kProviderBucketRegion), "us-east-1");
  EXPECT_EQ(Text(row, kSubscriberAccountId), "222233334444");
  EXPECT_EQ(Text(row, kSubscriberIpAddress), "203.0.113.10");
  EXPECT_EQ(Text(row, kSubscriberUserAgent),
            "[aws-cli/2.11.0 Python/3.11.2 Linux/5.15.0 exe/x86_64.ubuntu.22 prompt/off command/s3.cp]");
  EXPECT_EQ(Text(row, kProviderBucketName), "provider-data-bucket");
  EXPECT_EQ(Text(row, kXAmzRequestPayer), "requester");
  EXPECT_EQ(Text(row, kPrefix), std::nullopt);
  EXPECT_EQ(Int(row, kBytesAccessed), 1048576);
  EXPECT_EQ(Text(row, kAccessPointArn), "arn:aws:s3:us-east-1:540564263739:accesspoint/adx-ap-7f3a");
  EXPECT_EQ(Text(row, kTlsVersion), "TLSv1.2");
  EXPECT_EQ(Text(row, kObjectKey), "daily/2023/05/01/prices.csv");
  EXPECT_EQ(Text(row, kListType), std::nullopt);
  EXPECT_EQ(Text(row, kErrorCode), std::nullopt);
  EXPECT_EQ(Text(row, kIdentityType), "AWSAccount");
  EXPECT_EQ(Text(row, kPrincipalId), "AROAXQIFB7ZKXEXAMPLE1:subscriber-etl-session");
  EXPECT_EQ(Text(row, kRequestId), "8S2KX0J4ZQ1N7T3B");
  EXPECT_EQ(Int(row, kBytesIn), 0);
  EXPECT_EQ(Text(row, kVpcEndpointId), "vpce-0123456789abcdef0");
  EXPECT_EQ(Text(row, kAccessPointAccountId), "540564263739");
  EXPECT_EQ(Text(row, kRecipientAccountId), "111122223333");
  EXPECT_EQ(Text(row, kSourceLogFile), "logs/a.json.gz");
  EXPECT_EQ(Text(row, kLogRegion), "us-east-1");
}

TEST(ExtractorTest, ReadsAGzippedObject) {
  std::string json = Log({kRecord, kRecord});
  std::string gz = testing::Gzip(json);
  Extractor extractor(ExtractOptions{});
  RowBatch batch;
  ExtractStats stats;
  ASSERT_TRUE(extractor.ExtractObject(gz, "k.json.gz", "", &batch, &stats).ok());
  EXPECT_EQ(batch.num_rows(), 2u);
  EXPECT_EQ(Text(batch, kSourceLogFile, 1), "k.json.gz");
  EXPECT_EQ(Text(batch, kLogRegion, 1), std::nullopt);
  EXPECT_EQ(stats.records, 2u);
  EXPECT_EQ(stats.qualifying, 2u);
}

TEST(ExtractorTest, CountsRecordsAndQualifyingRowsAcrossObjects) {
  std::string other = Replace(kRecord, R"("readOnly":true)", R"("readOnly":false)");
  ExtractStats stats;
  RowBatch batch;
  ASSERT_TRUE(Extract(Log({kRecord, other, kRecord}), &batch, {}, &stats).ok());
  ASSERT_TRUE(Extract(Log({other}), &batch, {}, &stats).ok());
  EXPECT_EQ(stats.records, 4u);
  EXPECT_EQ(stats.qualifying, 2u);
  EXPECT_EQ(batch.num_rows(), 2u);
}

TEST(ExtractorTest, KeepsACrossAccountSubscriberAndItsSessionPrincipal) {
  RowBatch row = OneRow(Log({kRecord}));
  EXPECT_EQ(Text(row, kIdentityType), "AWSAccount");
  EXPECT_EQ(Text(row, kPrincipalId), "AROAEXAMPLEROLE00001:session-1");
  EXPECT_EQ(Text(row, kSubscriberAccountId), "222233334444");
}

TEST(ExtractorTest, KeepsAnonymousRequestsWithAnEmptyPrincipal) {
  std::string record = Replace(kRecord, R"("principalId":"AROAEXAMPLEROLE00001:session-1","accountId":"222233334444")",
                               R"("principalId":"","accountId":"anonymous")");
  RowBatch row = OneRow(Log({record}));
  EXPECT_EQ(Text(row, kSubscriberAccountId), "anonymous");
  EXPECT_EQ(Text(row, kPrincipalId), "");
  EXPECT_EQ(Text(row, kIdentityType), "AWSAccount");
}

// Older trails (seen in public records) spell an unsigned request's account ANONYMOUS_PRINCIPAL.
TEST(ExtractorTest, SpellsEveryAnonymousRequesterTheSameWayAndKeepsTheRawSpelling) {
  std::string old_style = Replace(kRecord, R"("principalId":"AROAEXAMPLEROLE00001:session-1","accountId":"222233334444")",
                                  R"("principalId":"","accountId":"ANONYMOUS_PRINCIPAL")");
  RowBatch row = OneRow(Log({old_style}));
  EXPECT_EQ(Text(row, kSubscriberAccountId), "anonymous");
  EXPECT_EQ(Text(row, kPrincipalId), "ANONYMOUS_PRINCIPAL");
  EXPECT_EQ(Text(row, kIdentityType), "AWSAccount");
  std::string no_principal = Replace(kRecord, R"("principalId":"AROAEXAMPLEROLE00001:session-1","accountId":"222233334444")",
                                     R"("accountId":"ANONYMOUS_PRINCIPAL")");
  EXPECT_EQ(Text(OneRow(Log({no_principal})), kPrincipalId), "ANONYMOUS_PRINCIPAL");
  // A principal the record does name is kept as logged.
  std::string named = Replace(kRecord, R"("accountId":"222233334444")", R"("accountId":"ANONYMOUS_PRINCIPAL")");
  RowBatch named_row = OneRow(Log({named}));
  EXPECT_EQ(Text(named_row, kSubscriberAccountId), "anonymous");
  EXPECT_EQ(Text(named_row, kPrincipalId), "AROAEXAMPLEROLE00001:session-1");
}

// A row repeating the previous row's value shares its bytes (RowBatch::SetStringOrShare): every
// row must still read back its own record's values, whatever its neighbours hold.
TEST(ExtractorTest, RowsReadTheirOwnValuesWhenNeighboursRepeatOrDiffer) {
  constexpr std::string_view kIdentity = R"("principalId":"AROAEXAMPLEROLE00001:session-1","accountId":"222233334444")";
  auto with_ids = [](std::string record, std::string_view id) {
    record = Replace(record, R"("eventID":"ev-1")", "\"eventID\":\"" + std::string(id) + "\"");
    return Replace(record, R"("requestID":"REQ1")", "\"requestID\":\"R" + std::string(id) + "\"");
  };
  const std::string same = with_ids(std::string(kRecord), "ev-2");
  const std::string old_anonymous = with_ids(Replace(kRecord, kIdentity, R"("principalId":"","accountId":"ANONYMOUS_PRINCIPAL")"), "ev-3");
  const std::string anonymous = with_ids(Replace(kRecord, kIdentity, R"("principalId":"","accountId":"anonymous")"), "ev-4");
  std::string other = Replace(kRecord, R"("userAgent":"[aws-sdk-java/1.12.400]")", R"("userAgent":"[aws-cli/2.15.0]")");
  other = Replace(other, R"("key":"data/file.csv")", R"("key":"data/f.csv")");
  other = with_ids(Replace(other, R"("sourceIPAddress":"203.0.113.10")", R"("sourceIPAddress":"198.51.100.7")"), "ev-5");
  const std::string no_agent = with_ids(Replace(kRecord, R"("userAgent":"[aws-sdk-java/1.12.400]",)", ""), "ev-6");
  const std::string again = with_ids(std::string(kRecord), "ev-7");
  RowBatch batch;
  ASSERT_TRUE(Extract(Log({kRecord, same, old_anonymous, anonymous, other, no_agent, again}), &batch).ok());
  ASSERT_EQ(batch.num_rows(), 7u);
  struct Expected {
    std::string event_id, request_id, account, principal;
    std::optional<std::string> agent;
    std::string key, ip;
  };
  const std::string agent = "[aws-sdk-java/1.12.400]";
  const std::string session = "AROAEXAMPLEROLE00001:session-1";
  const Expected expected[] = {
      {"ev-1", "REQ1", "222233334444", session, agent, "data/file.csv", "203.0.113.10"},
      {"ev-2", "Rev-2", "222233334444", session, agent, "data/file.csv", "203.0.113.10"},
      {"ev-3", "Rev-3", "anonymous", "ANONYMOUS_PRINCIPAL", agent, "data/file.csv", "203.0.113.10"},
      {"ev-4", "Rev-4", "anonymous", "", agent, "data/file.csv", "203.0.113.10"},
      {"ev-5", "Rev-5", "222233334444", session, "[aws-cli/2.15.0]", "data/f.csv", "198.51.100.7"},
      {"ev-6", "Rev-6", "222233334444", session, std::nullopt, "data/file.csv", "203.0.113.10"},
      {"ev-7", "Rev-7", "222233334444", session, agent, "data/file.csv", "203.0.113.10"},
  };
  for (size_t row = 0; row < 7; ++row) {
    SCOPED_TRACE("row " + std::to_string(row));
    EXPECT_EQ(Text(batch, kEventId, row), expected[row].event_id);
    EXPECT_EQ(Text(batch, kRequestId, row), expected[row].request_id);
    EXPECT_EQ(Text(batch, kSubscriberAccountId, row), expected[row].account);
    EXPECT_EQ(Text(batch, kPrincipalId, row), expected[row].principal);
    EXPECT_EQ(Text(batch, kSubscriberUserAgent, row), expected[row].agent);
    EXPECT_EQ(Text(batch, kObjectKey, row), expected[row].key);
    EXPECT_EQ(Text(batch, kSubscriberIpAddress, row), expected[row].ip);
    EXPECT_EQ(Text(batch, kProviderBucketName, row), "provider-bucket");
    EXPECT_EQ(Text(batch, kAccessPointArn, row), "arn:aws:s3:us-east-1:540564263739:accesspoint/adx-ap");
    EXPECT_EQ(Text(batch, kAccessPointAccountId, row), "540564263739");
    EXPECT_EQ(Text(batch, kSourceLogFile, row), "logs/a.json.gz");
  }
  // Repeated values were stored once: the second row's bucket and user agent are the first's bytes.
  EXPECT_EQ(batch.GetString(kProviderBucketName, 1).data(), batch.GetString(kProviderBucketName, 0).data());
  EXPECT_EQ(batch.GetString(kSubscriberUserAgent, 1).data(), batch.GetString(kSubscriberUserAgent, 0).data());
  EXPECT_NE(batch.GetString(kSubscriberUserAgent, 4).data(), batch.GetString(kSubscriberUserAgent, 3).data());
}

TEST(ExtractorTest, KeepsSameAccountIdentityTypes) {
  constexpr std::string_view kIdentity =
      R"({"type":"AWSAccount","principalId":"AROAEXAMPLEROLE00001:session-1","accountId":"222233334444"})";
  struct Case {
    std::string_view identity;
    std::string_view type;
    std::string_view principal;
  };
  for (const Case& test : {
           Case{R"({"type":"IAMUser","principalId":"AIDAEXAMPLEUSER00001",)"
                R"("arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333",)"
                R"("accessKeyId":"AKIAEXAMPLE","userName":"alice"})",
                "IAMUser", "AIDAEXAMPLEUSER00001"},
           Case{R"({"type":"AssumedRole","principalId":"AROAEXAMPLEROLE00002:bob",)"
                R"("arn":"arn:aws:sts::111122223333:assumed-role/Reader/bob","accountId":"111122223333",)"
                R"("sessionContext":{"sessionIssuer":{"type":"Role","arn":"arn:aws:iam::111122223333:role/Reader"},)"
                R"("attributes":{"creationDate":"2023-05-01T11:00:00Z","mfaAuthenticated":"false"}}})",
                "AssumedRole", "AROAEXAMPLEROLE00002:bob"},
           Case{R"({"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root",)"
                R"("accountId":"111122223333"})",
                "Root", "111122223333"},
       }) {
    RowBatch row = OneRow(Log({Replace(kRecord, kIdentity, test.identity)}));
    EXPECT_EQ(Text(row, kIdentityType), test.type);
    EXPECT_EQ(Text(row, kPrincipalId), test.principal);
    EXPECT_EQ(Text(row, kSubscriberAccountId), "111122223333");
  }
}

TEST(ExtractorTest, KeepsListObjectsV2TypeAndPrefix) {
  std::string record = Replace(Replace(kRecord, R"("eventName":"GetObject")", R"("eventName":"ListObjects")"),
                               R"("key":"data/file.csv",)", R"("list-type":"2","prefix":"daily/2023/","delimiter":"/","max-keys":"1000",)");
  RowBatch row = OneRow(Log({record}));
  EXPECT_EQ(Text(row, kEventName), "ListObjects");
  EXPECT_EQ(Text(row, kListType), "2");
  EXPECT_EQ(Text(row, kPrefix), "daily/2023/");
  EXPECT_EQ(Text(row, kObjectKey), std::nullopt);
}

TEST(ExtractorTest, StoresANumericListTypeAsText) {
  RowBatch row = OneRow(Log({Replace(kRecord, R"("key":"data/file.csv",)", R"("list-type":2,)")}));
  EXPECT_EQ(Text(row, kListType), "2");
}

TEST(ExtractorTest, LeavesPrefixNullForListObjectsV1WithoutPrefix) {
  std::string record = Replace(Replace(kRecord, R"("eventName":"GetObject")", R"("eventName":"ListObjects")"),
                               R"("key":"data/file.csv",)", "");
  RowBatch row = OneRow(Log({record}));
  EXPECT_EQ(Text(row, kPrefix), std::nullopt);
  EXPECT_EQ(Text(row, kListType), std::nullopt);
  EXPECT_EQ(Text(row, kObjectKey), std::nullopt);
}

TEST(ExtractorTest, KeepsTheRequestPayerOnlyWhenLogged) {
  EXPECT_EQ(Text(OneRow(Log({kRecord})), kXAmzRequestPayer), "requester");
  std::string record = Replace(kRecord, R"(,"x-amz-request-payer":"requester")", "");
  EXPECT_EQ(Text(OneRow(Log({record})), kXAmzRequestPayer), std::nullopt);
}

TEST(ExtractorTest, AcceptsByteCountsAsIntegersStringsOrIntegralFloats) {
  constexpr std::string_view kBytes = R"("bytesTransferredIn":0,"bytesTransferredOut":1024)";
  struct Case {
    std::string_view bytes;
    std::optional<int64_t> out;
    std::optional<int64_t> in;
  };
  for (const Case& test : {
           Case{R"("bytesTransferredIn":0,"bytesTransferredOut":1024)", 1024, 0},
           Case{R"("bytesTransferredIn":"17","bytesTransferredOut":"1024")", 1024, 17},
           Case{R"("bytesTransferredIn":1.7e1,"bytesTransferredOut":1024.0)", 1024, 17},
           Case{R"("bytesTransferredIn":"17.0","bytesTransferredOut":5368709120)", 5368709120, 17},
           Case{R"("bytesTransferredIn":null,"bytesTransferredOut":null)", std::nullopt, std::nullopt},
           Case{R"("SignatureVersion":"SigV4")", std::nullopt, std::nullopt},
       }) {
    RowBatch row = OneRow(Log({Replace(kRecord, kBytes, test.bytes)}));
    EXPECT_EQ(Int(row, kBytesAccessed), test.out) << test.bytes;
    EXPECT_EQ(Int(row, kBytesIn), test.in) << test.bytes;
  }
  std::string without = Replace(kRecord, R"("additionalEventData":{"bytesTransferredIn":0,"bytesTransferredOut":1024},)", "");
  EXPECT_EQ(Int(OneRow(Log({without})), kBytesAccessed), std::nullopt);
}

TEST(ExtractorTest, KeepsFailedRequestsWithTheirErrorCode) {
  std::string record = Replace(kRecord, R"("requestID":"REQ1",)",
                               R"("errorCode":"AccessDenied","errorMessage":"Access Denied","requestID":"REQ1",)");
  record = Replace(record, R"("bytesTransferredIn":0,"bytesTransferredOut":1024)", R"("bytesTransferredIn":0)");
  RowBatch row = OneRow(Log({record}));
  EXPECT_EQ(Text(row, kErrorCode), "AccessDenied");
  EXPECT_EQ(Int(row, kBytesAccessed), std::nullopt);
}

TEST(ExtractorTest, ExcludesNetworkActivityAndManagementEvents) {
  EXPECT_EQ(RowCount(Log({Replace(kRecord, R"("eventCategory":"Data")", R"("eventCategory":"NetworkActivity")")})), 0u);
  EXPECT_EQ(RowCount(Log({Replace(kRecord, R"("eventCategory":"Data")", R"("eventCategory":"Management")")})), 0u);
  EXPECT_EQ(RowCount(Log({Replace(kRecord, R"("managementEvent":false)", R"("managementEvent":true)")})), 0u);
}

TEST(ExtractorTest, TreatsAMissingEventCategoryAsData) {
  EXPECT_EQ(RowCount(Log({Replace(kRecord, R"(,"eventCategory":"Data")", "")})), 1u);
  EXPECT_EQ(RowCount(Log({Replace(kRecord, R"("eventCategory":"Data")", R"("eventCategory":null)")})), 1u);
}

TEST(ExtractorTest, ExcludesOtherEventSources) {
  EXPECT_EQ(RowCount(Log({Replace(kRecord, R"("s3.amazonaws.com")", R"("s3tables.amazonaws.com")")})), 0u);
  EXPECT_EQ(RowCount(Log({Replace(kRecord, R"("eventSource":"s3.amazonaws.com",)", "")})), 0u);
}

TEST(ExtractorTest, KeepsOnlyReadOnlyRequests) {
  EXPECT_EQ(RowCount(Log({Replace(kRecord, R"("readOnly":true)", R"("readOnly":false)")})), 0u);
  EXPECT_EQ(RowCount(Log({Replace(kRecord, R"("readOnly":true)", R"("readOnly":"false")")})), 0u);
  EXPECT_EQ(RowCount(Log({Replace(kRecord, R"("readOnly":true)", R"("readOnly":null)")})), 0u);
  EXPECT_EQ(RowCount(Log({Replace(kRecord, R"("readOnly":true)", R"("readOnly":"true")")})), 1u);
}

TEST(ExtractorTest, ExcludesNonAdxAccessPointsUnlessAllAreAccepted) {
  std::string record = Replace(Replace(kRecord, R"("accountId":"540564263739")", R"("accountId":"999988887777")"),
                               "540564263739:accesspoint", "999988887777:accesspoint");
  std::string no_access_point = Replace(kRecord, R"("type":"AWS::S3::AccessPoint")", R"("type":"AWS::S3::Bucket")");
  EXPECT_EQ(RowCount(Log({record, no_access_point})), 0u);
  ExtractOptions all;
  all.all_access_points = true;
  RowBatch row = OneRow(Log({record, no_access_point}), all);
  EXPECT_EQ(Text(row, kAccessPointAccountId), "999988887777");
  EXPECT_EQ(Text(row, kAccessPointArn), "arn:aws:s3:us-east-1:999988887777:accesspoint/adx-ap");
}

TEST(ExtractorTest, UsesACustomAdxAccountListInsteadOfTheDefault) {
  std::string custom = Replace(Replace(kRecord, R"("accountId":"540564263739")", R"("accountId":"999988887777")"),
                               "540564263739:accesspoint", "999988887777:accesspoint");
  ExtractOptions options;
  options.adx_accounts = {"999988887777"};
  EXPECT_EQ(RowCount(Log({custom, kRecord}), options), 1u);
  EXPECT_EQ(Text(OneRow(Log({custom, kRecord}), options), kAccessPointAccountId), "999988887777");
}

TEST(ExtractorTest, PicksTheAdxAccessPointAmongSeveral) {
  std::string record = Replace(kRecord, R"({"accountId":"540564263739",)",
                               R"({"accountId":"999988887777","type":"AWS::S3::AccessPoint",)"
                               R"("ARN":"arn:aws:s3:us-east-1:999988887777:accesspoint/other"},{"accountId":"540564263739",)");
  EXPECT_EQ(Text(OneRow(Log({record})), kAccessPointArn), "arn:aws:s3:us-east-1:540564263739:accesspoint/adx-ap");
}

TEST(ExtractorTest, YieldsTheSameRowForAnyFieldOrderAndUnknownFields) {
  constexpr std::string_view kShuffled =
      R"({"tlsDetails":{"clientProvidedHostHeader":"h","tlsVersion":"TLSv1.3"},"eventCategory":"Data",)"
      R"("addendum":{"reason":"DELIVERY_DELAY"},"recipientAccountId":"111122223333","managementEvent":false,)"
      R"("eventType":"AwsApiCall","futureField":[1,{"a":null}],"resources":[{)"
      R"("ARN":"arn:aws:s3:us-east-1:540564263739:accesspoint/adx-ap","type":"AWS::S3::AccessPoint",)"
      R"("accountId":"540564263739"},{"ARN":"arn:aws:s3:::provider-bucket/data/file.csv",)"
      R"("type":"AWS::S3::Object"}],"readOnly":true,"eventID":"ev-1","requestID":"REQ1",)"
      R"("additionalEventData":{"bytesTransferredOut":1024,"x-amz-id-2":"abc","bytesTransferredIn":0},)"
      R"("responseElements":null,"requestParameters":{"x-amz-request-payer":"requester","Host":"h",)"
      R"("key":"data/file.csv","bucketName":"provider-bucket"},"userAgent":"[aws-sdk-java/1.12.400]",)"
      R"("sourceIPAddress":"203.0.113.10","awsRegion":"us-east-1","eventName":"GetObject",)"
      R"("eventSource":"s3.amazonaws.com","eventTime":"2023-05-01T12:00:00Z","userIdentity":{)"
      R"("accountId":"222233334444","invokedBy":"x","principalId":"AROAEXAMPLEROLE00001:session-1",)"
      R"("type":"AWSAccount"},"eventVersion":"1.11"})";
  RowBatch expected = OneRow(Log({kRecord}));
  RowBatch shuffled = OneRow(R"({"Other":{"Records":5},"Records":[)" + std::string(kShuffled) + R"(],"Trailer":[]})");
  for (int column = 0; column < kNumColumns; ++column) {
    auto id = static_cast<ColumnId>(column);
    if (kColumns[column].type == ColumnType::kVarchar) {
      EXPECT_EQ(Text(shuffled, id), Text(expected, id)) << kColumns[column].name;
    } else {
      EXPECT_EQ(Int(shuffled, id), Int(expected, id)) << kColumns[column].name;
    }
  }
}

TEST(ExtractorTest, TreatsNullsAsMissing) {
  std::string record = Replace(kRecord, R"("userAgent":"[aws-sdk-java/1.12.400]")", R"("userAgent":null)");
  record = Replace(record, R"("tlsDetails":{"tlsVersion":"TLSv1.3"})", R"("tlsDetails":null)");
  record = Replace(record, R"("requestParameters":{)", R"("vpcEndpointId":null,"errorCode":null,"requestParameters":{"prefix":null,)");
  RowBatch row = OneRow(Log({record}));
  EXPECT_EQ(Text(row, kSubscriberUserAgent), std::nullopt);
  EXPECT_EQ(Text(row, kTlsVersion), std::nullopt);
  EXPECT_EQ(Text(row, kPrefix), std::nullopt);
  EXPECT_EQ(Text(row, kVpcEndpointId), std::nullopt);
  EXPECT_EQ(Text(row, kErrorCode), std::nullopt);
  EXPECT_EQ(Text(row, kEventName), "GetObject");
}

TEST(ExtractorTest, KeepsFractionalSecondsOfTheEventTime) {
  std::string record = Replace(kRecord, R"("2023-05-01T12:00:00Z")", R"("2023-05-01T12:00:00.123Z")");
  EXPECT_EQ(Int(OneRow(Log({record})), kEventTime), kMay1Noon + 123000);
}

TEST(ExtractorTest, UnescapesStrings) {
  std::string record = Replace(kRecord, R"("key":"data/file.csv")", R"("key":"data\/caf\u00e9 \"q\".csv")");
  EXPECT_EQ(Text(OneRow(Log({record})), kObjectKey), "data/caf\xc3\xa9 \"q\".csv");
}

TEST(ExtractorTest, ReadsKeysWrittenWithEscapes) {
  std::string record = Replace(kRecord, R"("eventName":)", R"("event\u004eame":)");
  record = Replace(record, R"("readOnly":)", R"("read\u004Fnly":)");
  record = Replace(record, R"("bytesTransferredOut":)", R"("bytesTransferred\u004fut":)");
  record = Replace(record, R"({"accountId":"540564263739",)", R"({"account\u0049d":"540564263739",)");
  RowBatch row = OneRow(Log({record}));
  EXPECT_EQ(Text(row, kEventName), "GetObject");
  EXPECT_EQ(Int(row, kBytesAccessed), 1024);
  EXPECT_EQ(Text(row, kAccessPointAccountId), "540564263739");
  std::vector<MalformedRecord> malformed = testing::MalformedOf(
      Log({Replace(kRecord, R"("eventName":"GetObject")", R"("event\u004eame":5)")}));
  ASSERT_EQ(malformed.size(), 1u);
  EXPECT_EQ(malformed[0].reason, R"(field "eventName": expected string, got number)");
}

TEST(ExtractorTest, IgnoresKeysThatOnlyResembleTheOnesItReads) {
  // Same first 8 bytes, length or last 8 bytes as a key it reads; each would change the row or
  // fail on its type if mistaken for that key.
  std::string record = Replace(
      kRecord, R"("eventID":"ev-1",)",
      R"("eventID":"ev-1","eventI":1,"eventIDs":2,"eventNam":3,"eventNamf":4,"eventNames":5,)"
      R"("recipientAccountIdX":6,"recipientAcXountId":7,"requestParameterz":8,"typo":9,)"
      R"("event\"Name":10,"event\\Name":11,"x\u0000y":12,"":13,"readOnlyreadOnly":14,)");
  record = Replace(record, R"("bytesTransferredOut":1024)",
                   R"("bytesTransferredOut":1024,"bytesTransferredOuT":7,"bytesTransferredOu":8)");
  RowBatch row = OneRow(Log({record}));
  RowBatch expected = OneRow(Log({kRecord}));
  EXPECT_EQ(Text(row, kEventId), "ev-1");
  EXPECT_EQ(Text(row, kEventName), "GetObject");
  EXPECT_EQ(Int(row, kBytesAccessed), 1024);
  EXPECT_EQ(Text(row, kRecipientAccountId), Text(expected, kRecipientAccountId));
  EXPECT_EQ(Text(row, kProviderBucketName), "provider-bucket");
}

TEST(ExtractorTest, ReadsStringsFollowedByWhitespace) {
  std::string record = Replace(kRecord, R"("eventName":"GetObject",)", "\"eventName\" :\t\"GetObject\" \r\n ,");
  record = Replace(record, R"("tlsVersion":"TLSv1.3"})", "\"tlsVersion\":\"TLSv1.3\"\n}");
  record = Replace(record, R"("requestID":"REQ1",)", R"("requestID":"",)");
  RowBatch row = OneRow(Log({record}));
  EXPECT_EQ(Text(row, kEventName), "GetObject");
  EXPECT_EQ(Text(row, kTlsVersion), "TLSv1.3");
  EXPECT_EQ(Text(row, kRequestId), "");
}

TEST(ExtractorTest, UnescapesAStringEndingInAnEscapedQuote) {
  std::string record = Replace(kRecord, R"("requestID":"REQ1",)", R"("requestID":"a\"" ,)");
  EXPECT_EQ(Text(OneRow(Log({record})), kRequestId), "a\"");
}

TEST(ExtractorTest, AcceptsAnEmptyRecordsArray) {
  ExtractStats stats;
  RowBatch batch;
  ASSERT_TRUE(Extract(R"({"Records":[]})", &batch, {}, &stats).ok());
  EXPECT_EQ(batch.num_rows(), 0u);
  EXPECT_EQ(stats.records, 0u);
}

}  // namespace
}  // namespace adxm
