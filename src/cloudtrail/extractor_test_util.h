// Fixtures shared by the extractor tests: a compact qualifying record, string surgery on it,
// and cell accessors that turn NULL into nullopt.
#pragma once

#include <gtest/gtest.h>
#include <simdjson.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cloudtrail/extractor.h"
#include "schema/row_batch.h"

namespace adxm::testing {

/// A cross-account GetObject through an ADX access point; qualifies under the default options.
inline constexpr std::string_view kRecord =
    R"({"eventVersion":"1.08","userIdentity":{"type":"AWSAccount","principalId":"AROAEXAMPLEROLE00001:session-1",)"
    R"("accountId":"222233334444"},"eventTime":"2023-05-01T12:00:00Z","eventSource":"s3.amazonaws.com",)"
    R"("eventName":"GetObject","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.10",)"
    R"("userAgent":"[aws-sdk-java/1.12.400]","requestParameters":{"bucketName":"provider-bucket",)"
    R"("key":"data/file.csv","x-amz-request-payer":"requester"},"responseElements":null,)"
    R"("additionalEventData":{"bytesTransferredIn":0,"bytesTransferredOut":1024},"requestID":"REQ1",)"
    R"("eventID":"ev-1","readOnly":true,"resources":[{"type":"AWS::S3::Object",)"
    R"("ARN":"arn:aws:s3:::provider-bucket/data/file.csv"},{"accountId":"540564263739",)"
    R"("type":"AWS::S3::AccessPoint","ARN":"arn:aws:s3:us-east-1:540564263739:accesspoint/adx-ap"}],)"
    R"("eventType":"AwsApiCall","managementEvent":false,"recipientAccountId":"111122223333",)"
    R"("eventCategory":"Data","tlsDetails":{"tlsVersion":"TLSv1.3"}})";

/// Return `text` with its one occurrence of `from` replaced by `to` (a test failure if absent).
inline std::string Replace(std::string_view text, std::string_view from, std::string_view to) {
  std::string result(text);
  size_t pos = result.find(from);
  if (pos == std::string::npos) {
    ADD_FAILURE() << "fixture lacks " << from;
    return result;
  }
  return result.replace(pos, from.size(), to);
}

/// Return a log object holding `records`.
inline std::string Log(std::initializer_list<std::string_view> records) {
  std::string log = R"({"Records":[)";
  for (std::string_view record : records) {
    if (log.back() != '[') log += ',';
    log += record;
  }
  return log + "]}";
}

/// Extract `json` (source key "logs/a.json.gz", log region "us-east-1") into `batch`.
inline Status Extract(std::string_view json, RowBatch* batch, ExtractOptions options = {},
                      ExtractStats* stats = nullptr) {
  Extractor extractor(std::move(options));
  simdjson::padded_string padded(json);
  ExtractStats ignored;
  return extractor.ExtractJson(padded, "logs/a.json.gz", "us-east-1", batch, stats ? stats : &ignored);
}

/// Extract `json`, which must succeed, and return its malformed records.
inline std::vector<MalformedRecord> MalformedOf(std::string_view json, ExtractOptions options = {},
                                                RowBatch* rows = nullptr, ExtractStats* stats = nullptr) {
  Extractor extractor(std::move(options));
  simdjson::padded_string padded(json);
  RowBatch ignored_rows;
  ExtractStats ignored_stats;
  std::vector<MalformedRecord> malformed;
  Status status = extractor.ExtractJson(padded, "logs/a.json.gz", "us-east-1", rows ? rows : &ignored_rows,
                                        stats ? stats : &ignored_stats, &malformed);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return malformed;
}

/// Return the VARCHAR cell, or nullopt for NULL.
inline std::optional<std::string> Text(const RowBatch& batch, ColumnId column, size_t row = 0) {
  if (batch.IsNull(column, row)) return std::nullopt;
  return std::string(batch.GetString(column, row));
}

/// Return the BIGINT/TIMESTAMP cell, or nullopt for NULL.
inline std::optional<int64_t> Int(const RowBatch& batch, ColumnId column, size_t row = 0) {
  if (batch.IsNull(column, row)) return std::nullopt;
  return batch.GetInt(column, row);
}

}  // namespace adxm::testing
