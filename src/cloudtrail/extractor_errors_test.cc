// Bad input: an object that cannot be read is rejected as a whole with a reason; a qualifying
// record of the wrong shape is a malformed record (the object's other rows land); any other record
// is skipped whatever its shape.
#include <gtest/gtest.h>

#include "cloudtrail/extractor.h"
#include "cloudtrail/extractor_test_util.h"

namespace adxm {
namespace {

using testing::Extract;
using testing::kRecord;
using testing::Log;
using testing::MalformedOf;
using testing::Replace;

// Extract `json` and return the error, which must not be OK.
Status ExtractError(std::string_view json) {
  RowBatch batch;
  Status status = Extract(json, &batch);
  EXPECT_FALSE(status.ok()) << json;
  return status;
}

// Return why kRecord with `from` replaced by `to` is malformed, placed as the second record
// between two good ones, whose rows must land.
std::string RecordError(std::string_view from, std::string_view to) {
  RowBatch rows;
  std::string third = Replace(kRecord, R"("eventID":"ev-1")", R"("eventID":"ev-3")");
  std::vector<MalformedRecord> malformed = MalformedOf(Log({kRecord, Replace(kRecord, from, to), third}), {}, &rows);
  EXPECT_EQ(rows.num_rows(), 2u) << from;
  if (malformed.size() != 1) {
    ADD_FAILURE() << "expected one malformed record for " << to << ", got " << malformed.size();
    return "";
  }
  EXPECT_EQ(malformed[0].record_index, 1u);
  return malformed[0].reason;
}

// Return whether kRecord with `from` replaced by `to` is skipped as not qualifying (no row, not malformed).
bool Skipped(std::string_view from, std::string_view to) {
  RowBatch rows;
  ExtractStats stats;
  std::vector<MalformedRecord> malformed = MalformedOf(Log({Replace(kRecord, from, to)}), {}, &rows, &stats);
  return rows.num_rows() == 0 && malformed.empty() && stats.records == 1;
}

TEST(ExtractorErrorsTest, RejectsGzipProblemsWithTheirReason) {
  Extractor extractor(ExtractOptions{});
  RowBatch batch;
  ExtractStats stats;
  EXPECT_EQ(extractor.ExtractObject("", "k", "", &batch, &stats).message(), "empty object (0 bytes)");
  EXPECT_EQ(extractor.ExtractObject("{\"Records\":[]}", "k", "", &batch, &stats).message(), "not gzip (bad magic)");
  EXPECT_EQ(extractor.ExtractObject("\x1f\x8b\x08\x00", "k", "", &batch, &stats).message(), "truncated gzip stream");
  EXPECT_EQ(stats.records, 0u);
}

TEST(ExtractorErrorsTest, RejectsTextThatIsNotJson) {
  Status status = ExtractError("Records: none");
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_EQ(status.message().rfind("invalid JSON: ", 0), 0u) << status.message();
}

TEST(ExtractorErrorsTest, RejectsTruncatedJson) {
  std::string log = Log({kRecord, kRecord});
  Status status = ExtractError(std::string_view(log).substr(0, log.size() - 40));
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_NE(status.message().find("invalid JSON"), std::string::npos) << status.message();
}

TEST(ExtractorErrorsTest, RejectsTrailingContent) {
  Status status = ExtractError(Log({kRecord}) + R"({"Records":[]})");
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_NE(status.message().find("invalid JSON"), std::string::npos) << status.message();
}

TEST(ExtractorErrorsTest, RejectsInvalidUtf8InsideAString) {
  Status status = ExtractError(Log({Replace(kRecord, "data/file.csv\"", "data/\xff\xfe.csv\"")}));
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_NE(status.message().find("UTF-8"), std::string::npos) << status.message();
}

TEST(ExtractorErrorsTest, RejectsAnObjectWithoutRecords) {
  EXPECT_EQ(ExtractError(R"({"records":[]})").message(), "no Records array");
  EXPECT_EQ(ExtractError(R"({})").message(), "no Records array");
  EXPECT_EQ(ExtractError(R"([{"Records":[]}])").message(), "not a JSON object (got array)");
}

TEST(ExtractorErrorsTest, RejectsRecordsThatAreNotAnArray) {
  Status status = ExtractError(R"({"Records":{"eventID":"x"}})");
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "Records is not an array (got object)");
  EXPECT_EQ(ExtractError(R"({"Records":null})").message(), "Records is not an array (got null)");
}

TEST(ExtractorErrorsTest, SkipsARecordThatIsNotAnObject) {
  RowBatch rows;
  ExtractStats stats;
  EXPECT_TRUE(MalformedOf(Log({kRecord, R"("GetObject")", "null", "[1]", "7"}), {}, &rows, &stats).empty());
  EXPECT_EQ(rows.num_rows(), 1u);
  EXPECT_EQ(stats.records, 5u);
  EXPECT_EQ(stats.qualifying, 1u);
}

TEST(ExtractorErrorsTest, NamesTheFieldOfAWrongTypeInAQualifyingRecord) {
  EXPECT_EQ(RecordError(R"("userIdentity":{)", R"("userIdentity":"anonymous","x":{)"),
            R"(field "userIdentity": expected object, got string)");
  EXPECT_EQ(RecordError(R"("bytesTransferredOut":1024)", R"("bytesTransferredOut":true)"),
            R"(field "additionalEventData.bytesTransferredOut": expected integer, got boolean)");
  EXPECT_EQ(RecordError(R"("bytesTransferredOut":1024)", R"("bytesTransferredOut":"abc")"),
            R"(field "additionalEventData.bytesTransferredOut": expected integer, got string "abc" (not an integer of 64 bits))");
  EXPECT_EQ(RecordError(R"("bytesTransferredOut":1024)", R"("bytesTransferredOut":10.5)"),
            R"(field "additionalEventData.bytesTransferredOut": expected integer, got a fractional number)");
  EXPECT_EQ(RecordError(R"({"type":"AWS::S3::Object",)", R"(7,{"type":"AWS::S3::Object",)"),
            R"(field "resources[0]": expected object, got number)");
  EXPECT_EQ(RecordError(R"("eventName":"GetObject")", R"("eventName":["GetObject"])"),
            R"(field "eventName": expected string, got array)");
  EXPECT_EQ(RecordError(R"("tlsVersion":"TLSv1.3")", R"("tlsVersion":1.3)"),
            R"(field "tlsDetails.tlsVersion": expected string, got number)");
}

// simdjson refuses to unescape an unpaired surrogate or an unknown escape: that record is
// malformed, with its whole raw JSON, and the object's other records land.
TEST(ExtractorErrorsTest, AStringWithAnInvalidEscapeSpoilsItsRecordNotTheObject) {
  const std::string reason = " a string with an invalid escape (e.g. an unpaired UTF-16 surrogate)";
  EXPECT_EQ(RecordError(R"("userAgent":"[aws-sdk-java/1.12.400]")", R"("userAgent":"[aws\ud800-sdk]")"),
            R"(field "userAgent":)" + reason);
  EXPECT_EQ(RecordError(R"("userAgent":"[aws-sdk-java/1.12.400]")", R"("userAgent":"[aws\udc00\ud800]")"),
            R"(field "userAgent":)" + reason);
  EXPECT_EQ(RecordError(R"("bytesTransferredOut":1024)", R"("bytesTransferredOut":"1\ud8002")"),
            R"(field "additionalEventData.bytesTransferredOut":)" + reason);
  EXPECT_EQ(RecordError(R"("readOnly":true)", R"("readOnly":true,"managementEvent":"f\ud800")"),
            R"(field "managementEvent":)" + reason);
  std::string bad = Replace(kRecord, R"("userAgent":"[aws-sdk-java/1.12.400]")", R"("userAgent":"\ud800")");
  RowBatch rows;
  std::vector<MalformedRecord> malformed = MalformedOf(Log({bad, kRecord}), {}, &rows);
  EXPECT_EQ(rows.num_rows(), 1u);
  ASSERT_EQ(malformed.size(), 1u);
  EXPECT_EQ(malformed[0].raw_json, bad);
  // In a key too, at any depth, whether or not adxmetrics reads that key.
  EXPECT_EQ(RecordError(R"("readOnly":true)", R"("readOnly":true,"k\ud800":1)"),
            "a key with an invalid escape (e.g. an unpaired UTF-16 surrogate) in the record");
  EXPECT_EQ(RecordError(R"("bucketName":"provider-bucket")", R"("x\ud800y":[1,{"a":2}],"bucketName":"provider-bucket")"),
            R"(a key with an invalid escape (e.g. an unpaired UTF-16 surrogate) in field "requestParameters")");
  EXPECT_EQ(RecordError(R"({"type":"AWS::S3::Object",)", R"({"type\ud800":"AWS::S3::Object",)"),
            R"(a key with an invalid escape (e.g. an unpaired UTF-16 surrogate) in field "resources[0]")");
  // A record that does not qualify is skipped whatever its keys.
  EXPECT_TRUE(Skipped(R"("readOnly":true)", R"("readOnly":false,"k\ud800":{"z":1})"));
  // A surrogate pair is a character, not an error.
  RowBatch pair;
  EXPECT_TRUE(MalformedOf(Log({Replace(kRecord, "[aws-sdk-java/1.12.400]", R"(\ud83d\ude00)")}), {}, &pair).empty());
  EXPECT_EQ(pair.num_rows(), 1u);
}

// A byte count below zero is malformed in every spelling, not stored.
TEST(ExtractorErrorsTest, TreatsANegativeByteCountAsMalformed) {
  for (const char* spelling : {"-5", "-5.0", R"("-5")"}) {
    EXPECT_EQ(RecordError(R"("bytesTransferredOut":1024)", std::string(R"("bytesTransferredOut":)") + spelling),
              R"(field "additionalEventData.bytesTransferredOut": expected integer of 0 or more, got -5)")
        << spelling;
  }
  EXPECT_EQ(RecordError(R"("bytesTransferredIn":0)", R"("bytesTransferredIn":-1)"),
            R"(field "additionalEventData.bytesTransferredIn": expected integer of 0 or more, got -1)");
  // list-type is no byte count: its number is kept as written.
  RowBatch list;
  EXPECT_TRUE(MalformedOf(Log({Replace(kRecord, R"("bucketName":"provider-bucket")",
                                       R"("bucketName":"provider-bucket","list-type":-1)")}), {}, &list).empty());
  EXPECT_EQ(list.num_rows(), 1u);
  RowBatch batch;  // Zero stays a count.
  EXPECT_TRUE(Extract(Log({Replace(kRecord, R"("bytesTransferredOut":1024)", R"("bytesTransferredOut":0)")}), &batch).ok());
  EXPECT_EQ(batch.num_rows(), 1u);
}

// Clear messages: a byte count too large for 64 bits is not "fractional".
TEST(ExtractorErrorsTest, SaysAByteCountIsOutOfRangeRatherThanFractional) {
  EXPECT_EQ(RecordError(R"("bytesTransferredOut":1024)", R"("bytesTransferredOut":9223372036854775808)"),
            R"(field "additionalEventData.bytesTransferredOut": expected integer, got a number out of the 64-bit range)");
  EXPECT_EQ(RecordError(R"("bytesTransferredOut":1024)", R"("bytesTransferredOut":1e30)"),
            R"(field "additionalEventData.bytesTransferredOut": expected integer, got a number out of the 64-bit range)");
  EXPECT_EQ(RecordError(R"("bytesTransferredOut":1024)", R"("bytesTransferredOut":"99999999999999999999")"),
            R"(field "additionalEventData.bytesTransferredOut": expected integer, got string "99999999999999999999" (not an integer of 64 bits))");
}

// A field that decides qualification and has the wrong type leaves the record unqualified.
TEST(ExtractorErrorsTest, SkipsARecordWhoseQualifyingFieldsHaveTheWrongType) {
  EXPECT_TRUE(Skipped(R"("resources":[)", R"("resources":"none","x":[)"));
  EXPECT_TRUE(Skipped(R"("accountId":"540564263739")", R"("accountId":540564263739)"));
  EXPECT_TRUE(Skipped(R"("readOnly":true)", R"("readOnly":"yes")"));
  EXPECT_TRUE(Skipped(R"("eventSource":"s3.amazonaws.com")", R"("eventSource":{"s3":1})"));
  // An absent eventCategory counts as Data (older records): a wrong-typed one leaves the record
  // qualifying, and malformed.
  EXPECT_EQ(RecordError(R"("eventCategory":"Data")", R"("eventCategory":["Data"])"),
            R"(field "eventCategory": expected string, got array)");
}

// Item: other services' records never poison a file. Shapes as AWS documents them for data events
// of DynamoDB (key is an object), Lambda, S3 Express One Zone and network activity, with fields
// adxmetrics reads given other types.
TEST(ExtractorErrorsTest, SkipsOtherServicesRecordsWhateverTheirShape) {
  constexpr std::string_view kDynamoDbGetItem =
      R"({"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:x","accountId":"111122223333"},)"
      R"("eventTime":"2023-05-01T12:00:01Z","eventSource":"dynamodb.amazonaws.com","eventName":"GetItem",)"
      R"("awsRegion":"us-east-1","sourceIPAddress":"192.0.2.1","userAgent":"aws-cli/2",)"
      R"("requestParameters":{"tableName":"Music","key":{"Artist":"No One You Know","SongTitle":"Call Me Today"},)"
      R"("consistentRead":true,"projectionExpression":"Artist"},"responseElements":null,"requestID":"R1",)"
      R"("eventID":"dd-1","readOnly":true,"resources":[{"accountId":"111122223333","type":"AWS::DynamoDB::Table",)"
      R"("ARN":"arn:aws:dynamodb:us-east-1:111122223333:table/Music"}],"eventType":"AwsApiCall",)"
      R"("apiVersion":"2012-08-10","managementEvent":false,"recipientAccountId":"111122223333","eventCategory":"Data"})";
  constexpr std::string_view kLambdaInvoke =
      R"({"eventVersion":"1.08","userIdentity":{"type":"AWSService","invokedBy":"apigateway.amazonaws.com"},)"
      R"("eventTime":"2023-05-01T12:00:02Z","eventSource":"lambda.amazonaws.com","eventName":"Invoke",)"
      R"("awsRegion":"us-east-1","sourceIPAddress":"apigateway.amazonaws.com","userAgent":"apigateway.amazonaws.com",)"
      R"("requestParameters":{"functionName":"arn:aws:lambda:us-east-1:111122223333:function:f","key":[1,2],)"
      R"("sourceArn":"arn:aws:execute-api:us-east-1:111122223333:abc/prod/GET/"},"responseElements":null,)"
      R"("additionalEventData":{"functionVersion":"arn:aws:lambda:us-east-1:111122223333:function:f:$LATEST",)"
      R"("bytesTransferredOut":{"n":1}},"requestID":"R2","eventID":"la-1","readOnly":false,)"
      R"("resources":[{"accountId":"111122223333","type":"AWS::Lambda::Function","ARN":"arn:aws:lambda:us-east-1:111122223333:function:f"}],)"
      R"("eventType":"AwsApiCall","managementEvent":false,"recipientAccountId":"111122223333","eventCategory":"Data"})";
  constexpr std::string_view kS3ExpressGetObject =
      R"({"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:y","accountId":"111122223333"},)"
      R"("eventTime":17,"eventSource":"s3express.amazonaws.com","eventName":"GetObject","awsRegion":"us-east-1",)"
      R"("sourceIPAddress":"192.0.2.2","userAgent":"aws-sdk","requestParameters":{"bucketName":"b--use1-az4--x-s3",)"
      R"("key":{"k":"v"},"Host":"b--use1-az4--x-s3.s3express-use1-az4.us-east-1.amazonaws.com"},"responseElements":null,)"
      R"("additionalEventData":{"bytesTransferredOut":"lots"},"requestID":"R3","eventID":null,"readOnly":true,)"
      R"("resources":[{"type":"AWS::S3Express::Object","ARNPrefix":"arn:aws:s3express:us-east-1:111122223333:bucket/b--use1-az4--x-s3/"},)"
      R"({"type":"AWS::S3::AccessPoint","accountId":"540564263739","ARN":"arn:aws:s3:us-east-1:540564263739:accesspoint/x"}],)"
      R"("eventType":"AwsApiCall","managementEvent":false,"recipientAccountId":"111122223333","eventCategory":"Data"})";
  constexpr std::string_view kNetworkActivity =
      R"({"eventVersion":"1.09","userIdentity":"AWSAccount","eventTime":"1970-01-01T00:00:00Z",)"
      R"("eventSource":"s3.amazonaws.com","eventName":"GetObject","readOnly":true,"eventID":["x"],)"
      R"("resources":[{"type":"AWS::S3::AccessPoint","accountId":"540564263739","ARN":"arn:aws:s3:us-east-1:540564263739:accesspoint/adx-ap"}],)"
      R"("eventCategory":"NetworkActivity","vpcEndpointId":{"id":"vpce-1"},"errorCode":"VpceAccessDenied"})";
  std::string second = Replace(kRecord, R"("eventID":"ev-1")", R"("eventID":"ev-2")");
  RowBatch rows;
  ExtractStats stats;
  std::vector<MalformedRecord> malformed = MalformedOf(
      Log({kDynamoDbGetItem, kRecord, kLambdaInvoke, kS3ExpressGetObject, second, kNetworkActivity}), {}, &rows, &stats);
  EXPECT_TRUE(malformed.empty()) << malformed.front().reason;
  ASSERT_EQ(rows.num_rows(), 2u);
  EXPECT_EQ(testing::Text(rows, kEventId, 0), "ev-1");
  EXPECT_EQ(testing::Text(rows, kEventId, 1), "ev-2");
  EXPECT_EQ(stats.records, 6u);
  EXPECT_EQ(stats.qualifying, 2u);
  EXPECT_EQ(stats.malformed, 0u);
}

TEST(ExtractorErrorsTest, IgnoresTheTypeOfFieldsItDoesNotRead) {
  std::string record = Replace(kRecord, R"("responseElements":null)", R"("responseElements":5,"eventVersion":[])");
  record = Replace(record, R"("bucketName":"provider-bucket")", R"("bucketName":"provider-bucket","max-keys":{})");
  RowBatch batch;
  EXPECT_TRUE(Extract(Log({record}), &batch).ok());
  EXPECT_EQ(batch.num_rows(), 1u);
}

TEST(ExtractorErrorsTest, RequiresEventIdAndEventTimeOnlyInQualifyingRecords) {
  EXPECT_EQ(RecordError(R"("eventID":"ev-1",)", ""), "qualifying record has no eventID");
  EXPECT_EQ(RecordError(R"("eventID":"ev-1")", R"("eventID":"")"), "qualifying record has an empty eventID");
  EXPECT_EQ(RecordError(R"("eventTime":"2023-05-01T12:00:00Z",)", ""), "qualifying record has no eventTime");
  std::string write = Replace(Replace(kRecord, R"("readOnly":true)", R"("readOnly":false)"), R"("eventID":"ev-1",)", "");
  EXPECT_TRUE(Skipped(R"("eventID":"ev-1",)", R"("readOnly":false,)"));
  RowBatch batch;
  EXPECT_TRUE(Extract(Log({write}), &batch).ok());
}

TEST(ExtractorErrorsTest, TreatsAnUnparseableEventTimeAsMalformed) {
  EXPECT_EQ(RecordError(R"("2023-05-01T12:00:00Z")", R"("2023-05-01 12:00:00")"),
            R"(field "eventTime": cannot parse "2023-05-01 12:00:00" as a UTC timestamp)");
  EXPECT_EQ(RecordError(R"("2023-05-01T12:00:00Z")", R"("2023-02-30T12:00:00Z")"),
            R"(field "eventTime": cannot parse "2023-02-30T12:00:00Z" as a UTC timestamp)");
}

// Years before 1582 make Spark 3 fail on read; CloudTrail began in November 2013.
TEST(ExtractorErrorsTest, TreatsAnImplausibleEventTimeAsMalformed) {
  for (std::string_view time : {"0001-01-01T00:00:00Z", "1000-06-15T12:00:00Z", "1970-01-01T00:00:00Z",
                                "2013-10-31T23:59:59Z", "2999-01-01T00:00:00Z", "9999-12-31T23:59:59Z"}) {
    EXPECT_EQ(RecordError(R"("2023-05-01T12:00:00Z")", "\"" + std::string(time) + "\""),
              "field \"eventTime\": \"" + std::string(time) +
                  "\" is implausible (before CloudTrail existed or in the future)");
  }
  // The window's ends are inclusive; its upper end is injected.
  ExtractOptions options;
  options.latest_event_time_us = 1682942400000000;  // 2023-05-01T12:00:00Z.
  RowBatch rows;
  std::string first = Replace(kRecord, R"("2023-05-01T12:00:00Z")", R"("2013-11-01T00:00:00Z")");
  std::string late = Replace(Replace(kRecord, R"("2023-05-01T12:00:00Z")", R"("2023-05-01T12:00:01Z")"),
                             R"("eventID":"ev-1")", R"("eventID":"ev-late")");
  std::vector<MalformedRecord> malformed = MalformedOf(Log({first, kRecord, late}), options, &rows);
  EXPECT_EQ(rows.num_rows(), 2u);
  ASSERT_EQ(malformed.size(), 1u);
  EXPECT_EQ(malformed[0].record_index, 2u);
}

// Item: record-level quarantine, extraction side.
TEST(ExtractorErrorsTest, ReturnsAMalformedRecordWithItsIndexReasonAndRawJson) {
  std::string bad = Replace(kRecord, R"("eventTime":"2023-05-01T12:00:00Z")", R"("eventTime":null)");
  RowBatch rows;
  ExtractStats stats;
  std::string log = "{\"Records\":[\n  " + std::string(kRecord) + " ,\n  " + bad + "\n ]\n}";
  std::vector<MalformedRecord> malformed = MalformedOf(log, {}, &rows, &stats);
  EXPECT_EQ(rows.num_rows(), 1u);
  EXPECT_EQ(stats.records, 2u);
  EXPECT_EQ(stats.qualifying, 1u);
  EXPECT_EQ(stats.malformed, 1u);
  ASSERT_EQ(malformed.size(), 1u);
  EXPECT_EQ(malformed[0].record_index, 1u);
  EXPECT_EQ(malformed[0].reason, "qualifying record has no eventTime");
  EXPECT_EQ(malformed[0].raw_json, bad);
}

TEST(ExtractorErrorsTest, CutsTheRawJsonOfAMalformedRecordOnACharacterBoundary) {
  // "é" is two bytes; a cap inside it backs off to the character's start.
  std::string bad = Replace(kRecord, R"({"eventVersion":"1.08",)", "{\"x\":\"\xc3\xa9\",\"eventID\":5,");
  ExtractOptions options;
  options.max_raw_record_bytes = 7;  // {"x":"é  ends inside the é.
  std::vector<MalformedRecord> malformed = MalformedOf(Log({bad}), options);
  ASSERT_EQ(malformed.size(), 1u);
  EXPECT_EQ(malformed[0].raw_json, "{\"x\":\"");
  EXPECT_EQ(malformed[0].reason, R"(field "eventID": expected string, got number)");  // The first problem.
}

// Duplicate keys: one rule. A key adxmetrics reads that appears twice in one object makes a
// qualifying record malformed; a second "Records" rejects the object (never ingested twice).
TEST(ExtractorErrorsTest, TreatsDuplicateKeysItReadsAsMalformed) {
  EXPECT_EQ(RecordError(R"("eventID":"ev-1")", R"("eventID":"ev-1","eventID":"ev-9")"),
            R"(field "eventID": duplicate key)");
  EXPECT_EQ(RecordError(R"("accountId":"222233334444")", R"("accountId":"222233334444","accountId":"9")"),
            R"(field "userIdentity.accountId": duplicate key)");
  EXPECT_EQ(RecordError(R"("tlsDetails":{)", R"("tlsDetails":{},"tlsDetails":{)"),
            R"(field "tlsDetails": duplicate key)");
  EXPECT_EQ(RecordError(R"("type":"AWS::S3::AccessPoint")", R"("type":"AWS::S3::AccessPoint","type":"AWS::S3::AccessPoint")"),
            R"(field "resources[1].type": duplicate key)");
  // Keys it does not read may repeat; a record that does not qualify is skipped either way.
  EXPECT_TRUE(MalformedOf(Log({Replace(kRecord, R"("eventVersion":"1.08")", R"("eventVersion":"1.08","eventVersion":"1.09")")})).empty());
  EXPECT_TRUE(Skipped(R"("readOnly":true)", R"("readOnly":false,"eventID":"x")"));
}

TEST(ExtractorErrorsTest, RejectsAnObjectWithTwoRecordsKeys) {
  Status status = ExtractError(R"({"Records":[)" + std::string(kRecord) + R"(],"Records":[)" + std::string(kRecord) + "]}");
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), R"(duplicate "Records" key)");
}

}  // namespace
}  // namespace adxm
