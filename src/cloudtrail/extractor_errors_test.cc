// Bad input: every malformed object is rejected as a whole with a reason naming the problem.
#include <gtest/gtest.h>

#include "cloudtrail/extractor.h"
#include "cloudtrail/extractor_test_util.h"

namespace adxm {
namespace {

using testing::Extract;
using testing::kRecord;
using testing::Log;
using testing::Replace;

// Extract `json` and return the error, which must not be OK.
Status ExtractError(std::string_view json) {
  RowBatch batch;
  Status status = Extract(json, &batch);
  EXPECT_FALSE(status.ok()) << json;
  return status;
}

// Return the error for kRecord (as the second record) with `from` replaced by `to`.
std::string RecordError(std::string_view from, std::string_view to) {
  return ExtractError(Log({kRecord, Replace(kRecord, from, to)})).message();
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

TEST(ExtractorErrorsTest, RejectsARecordThatIsNotAnObject) {
  EXPECT_EQ(ExtractError(Log({kRecord, R"("GetObject")"})).message(), "record 1: expected object, got string");
  EXPECT_EQ(ExtractError(Log({"null"})).message(), "record 0: expected object, got null");
}

TEST(ExtractorErrorsTest, NamesTheRecordAndFieldOfAWrongType) {
  EXPECT_EQ(RecordError(R"("userIdentity":{)", R"("userIdentity":"anonymous","x":{)"),
            R"(record 1: field "userIdentity": expected object, got string)");
  EXPECT_EQ(RecordError(R"("resources":[)", R"("resources":"none","x":[)"),
            R"(record 1: field "resources": expected array, got string)");
  EXPECT_EQ(RecordError(R"("bytesTransferredOut":1024)", R"("bytesTransferredOut":true)"),
            R"(record 1: field "additionalEventData.bytesTransferredOut": expected integer, got boolean)");
  EXPECT_EQ(RecordError(R"("bytesTransferredOut":1024)", R"("bytesTransferredOut":"abc")"),
            R"(record 1: field "additionalEventData.bytesTransferredOut": expected integer, got string "abc")");
  EXPECT_EQ(RecordError(R"("bytesTransferredOut":1024)", R"("bytesTransferredOut":10.5)"),
            R"(record 1: field "additionalEventData.bytesTransferredOut": expected integer, got a fractional number)");
  EXPECT_EQ(RecordError(R"("accountId":"540564263739")", R"("accountId":540564263739)"),
            R"(record 1: field "resources[1].accountId": expected string, got number)");
  EXPECT_EQ(RecordError(R"({"type":"AWS::S3::Object",)", R"(7,{"type":"AWS::S3::Object",)"),
            R"(record 1: field "resources[0]": expected object, got number)");
  EXPECT_EQ(RecordError(R"("readOnly":true)", R"("readOnly":"yes")"),
            R"(record 1: field "readOnly": expected boolean, got string "yes")");
  EXPECT_EQ(RecordError(R"("eventName":"GetObject")", R"("eventName":["GetObject"])"),
            R"(record 1: field "eventName": expected string, got array)");
  EXPECT_EQ(RecordError(R"("tlsVersion":"TLSv1.3")", R"("tlsVersion":1.3)"),
            R"(record 1: field "tlsDetails.tlsVersion": expected string, got number)");
}

TEST(ExtractorErrorsTest, RejectsAWrongTypeEvenInARecordThatDoesNotQualify) {
  std::string record = Replace(Replace(kRecord, R"("readOnly":true)", R"("readOnly":false)"),
                               R"("resources":[)", R"("resources":{},"x":[)");
  EXPECT_EQ(ExtractError(Log({record})).message(), R"(record 0: field "resources": expected array, got object)");
}

TEST(ExtractorErrorsTest, IgnoresTheTypeOfFieldsItDoesNotRead) {
  std::string record = Replace(kRecord, R"("responseElements":null)", R"("responseElements":5,"eventVersion":[])");
  record = Replace(record, R"("bucketName":"provider-bucket")", R"("bucketName":"provider-bucket","max-keys":{})");
  RowBatch batch;
  EXPECT_TRUE(Extract(Log({record}), &batch).ok());
  EXPECT_EQ(batch.num_rows(), 1u);
}

TEST(ExtractorErrorsTest, RequiresEventIdAndEventTimeOnlyInQualifyingRecords) {
  EXPECT_EQ(RecordError(R"("eventID":"ev-1",)", ""), "record 1: qualifying record has no eventID");
  EXPECT_EQ(RecordError(R"("eventTime":"2023-05-01T12:00:00Z",)", ""), "record 1: qualifying record has no eventTime");
  std::string write = Replace(Replace(kRecord, R"("readOnly":true)", R"("readOnly":false)"), R"("eventID":"ev-1",)", "");
  RowBatch batch;
  EXPECT_TRUE(Extract(Log({write}), &batch).ok());
}

TEST(ExtractorErrorsTest, RejectsAnUnparseableEventTime) {
  EXPECT_EQ(RecordError(R"("2023-05-01T12:00:00Z")", R"("2023-05-01 12:00:00")"),
            R"(record 1: field "eventTime": cannot parse "2023-05-01 12:00:00" as a UTC timestamp)");
  EXPECT_EQ(RecordError(R"("2023-05-01T12:00:00Z")", R"("2023-02-30T12:00:00Z")"),
            R"(record 1: field "eventTime": cannot parse "2023-02-30T12:00:00Z" as a UTC timestamp)");
}

}  // namespace
}  // namespace adxm
