// Large objects are read a window of records at a time (ExtractOptions::window_min_bytes). The
// whole-object path is the reference: every object, well-formed or not, must give the same rows,
// malformed records, counts and error either way, at every window size.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "base/file_util.h"
#include "cloudtrail/extractor.h"
#include "cloudtrail/extractor_test_util.h"
#include "test_util.h"

namespace adxm {
namespace {

using testing::kRecord;
using testing::Replace;

// Everything an extraction produced, comparable with ==.
struct Outcome {
  std::string status;
  std::vector<std::vector<std::optional<std::string>>> rows;  // Cells as text; NULL = nullopt.
  uint64_t records = 0, qualifying = 0, malformed_count = 0;
  std::vector<std::string> malformed;  // "index|reason|raw".
  uint64_t windowed = 0;               // Objects the extractor read in windows.
};

// Extract `gz` with these options (whole with `inflater` when window_min_bytes is 0 or above
// the object's size; large objects always inflate with ISA-L).
Outcome ExtractGz(const std::string& gz, size_t window_min_bytes, size_t window_bytes,
                  size_t max_object_bytes = 1 << 30, Inflater inflater = Inflater::kIsal,
                  size_t window_search_bytes = size_t{8} << 20) {
  ExtractOptions options;
  options.window_min_bytes = window_min_bytes;
  options.window_bytes = window_bytes;
  options.max_object_bytes = max_object_bytes;
  options.inflater = inflater;
  options.window_search_bytes = window_search_bytes;
  Extractor extractor(options);
  RowBatch batch;
  batch.AddRow();  // Rows already in the batch stay, whatever happens to this object's.
  batch.SetString(kEventId, "earlier");
  ExtractStats stats;
  std::vector<MalformedRecord> malformed{{99, "earlier", "{}"}};
  Outcome outcome;
  outcome.status = extractor.ExtractObject(gz, "logs/a.json.gz", "us-east-1", &batch, &stats, &malformed).ToString();
  for (size_t row = 0; row < batch.num_rows(); ++row) {
    std::vector<std::optional<std::string>> cells;
    for (int column = 0; column < kNumColumns; ++column) {
      auto id = static_cast<ColumnId>(column);
      if (batch.IsNull(id, row)) {
        cells.push_back(std::nullopt);
      } else if (kColumns[column].type == ColumnType::kVarchar) {
        cells.emplace_back(batch.GetString(id, row));
      } else {
        cells.push_back(std::to_string(batch.GetInt(id, row)));
      }
    }
    outcome.rows.push_back(std::move(cells));
  }
  outcome.records = stats.records;
  outcome.qualifying = stats.qualifying;
  outcome.malformed_count = stats.malformed;
  for (const MalformedRecord& record : malformed) {
    outcome.malformed.push_back(std::to_string(record.record_index) + "|" + record.reason + "|" + record.raw_json);
  }
  outcome.windowed = extractor.windowed_objects();
  return outcome;
}

// Expect `gz` to extract alike whole (with ISA-L, as large objects inflate) and in windows of
// several sizes; return how many of those windowed runs really read in windows (the others fell
// back to the whole path).
int ExpectSameEitherWay(const std::string& gz, size_t window_search_bytes = size_t{8} << 20) {
  Outcome whole = ExtractGz(gz, /*window_min_bytes=*/0, 0);
  EXPECT_EQ(whole.windowed, 0u);
  int windowed_runs = 0;
  for (size_t window_bytes : {size_t{1}, size_t{64}, size_t{700}, size_t{4096}, size_t{1} << 20}) {
    SCOPED_TRACE("window_bytes " + std::to_string(window_bytes));
    Outcome windowed = ExtractGz(gz, /*window_min_bytes=*/1, window_bytes, 1 << 30, Inflater::kIsal, window_search_bytes);
    EXPECT_EQ(windowed.status, whole.status);
    EXPECT_EQ(windowed.rows, whole.rows);
    EXPECT_EQ(windowed.records, whole.records);
    EXPECT_EQ(windowed.qualifying, whole.qualifying);
    EXPECT_EQ(windowed.malformed_count, whole.malformed_count);
    EXPECT_EQ(windowed.malformed, whole.malformed);
    windowed_runs += static_cast<int>(windowed.windowed);
  }
  // Below the threshold, objects are read whole.
  EXPECT_EQ(ExtractGz(gz, /*window_min_bytes=*/size_t{1} << 30, 64).windowed, 0u);
  return windowed_runs;
}

// Record `index` of a varied log: qualifying GetObjects (some with escapes, some long), records
// of other services, and every seventh a qualifying record with an unparsable eventTime.
std::string VariedRecord(int index) {
  std::string record = Replace(kRecord, R"("eventID":"ev-1")", "\"eventID\":\"ev-" + std::to_string(index) + "\"");
  if (index % 7 == 3) record = Replace(record, "2023-05-01T12:00:00Z", "yesterday");
  if (index % 5 == 1) record = Replace(record, "s3.amazonaws.com", "ec2.amazonaws.com");
  if (index % 4 == 2) record = Replace(record, "[aws-sdk-java/1.12.400]", R"(agent \"quoted\" \\ \u00e9)");
  if (index % 11 == 5) record = Replace(record, "data/file.csv", std::string(3000, 'k'));
  if (index % 13 == 6) record = Replace(record, R"("tlsDetails":{"tlsVersion":"TLSv1.3"})", R"("tlsDetails":[{"a":{"b":[1,2,{"c":null}]}},"}]{,"])");
  return record;
}

// A log of `records` VariedRecords; the separator before record `odd_index` is `odd_separator`.
std::string VariedLog(int records, std::string_view separator = ",", int odd_index = -1,
                      std::string_view odd_separator = "") {
  std::string log = R"({"Records":[)";
  for (int index = 0; index < records; ++index) {
    if (index > 0) log += index == odd_index ? odd_separator : separator;
    log += VariedRecord(index);
  }
  return log + "]}";
}

TEST(ExtractorWindowTest, AVariedLogReadsAlikeInWindowsOfAnySize) {
  EXPECT_EQ(ExpectSameEitherWay(testing::Gzip(VariedLog(300))), 5);
  EXPECT_EQ(ExpectSameEitherWay(testing::Gzip(VariedLog(1))), 5);
  EXPECT_EQ(ExpectSameEitherWay(testing::Gzip(VariedLog(2))), 5);
}

TEST(ExtractorWindowTest, SpaceBetweenRecordsAndAroundTheDocumentIsAllowed) {
  EXPECT_EQ(ExpectSameEitherWay(testing::Gzip(VariedLog(120, ",\n  "))), 5);
  EXPECT_EQ(ExpectSameEitherWay(testing::Gzip(VariedLog(120, " ,"))), 5);
  std::string spaced = "\xEF\xBB\xBF \n{ \"Records\" :\n [ " + VariedLog(50).substr(12);
  spaced.insert(spaced.size() - 2, " \n");
  EXPECT_EQ(ExpectSameEitherWay(testing::Gzip(spaced + " \n")), 5);
}

TEST(ExtractorWindowTest, OtherShapesAreReadWhole) {
  // Pretty-printed records (no compact record start), keys around Records, no records.
  std::string pretty = Replace(VariedLog(40), R"([{"eventVersion")", R"([{ "eventVersion")");
  EXPECT_EQ(ExpectSameEitherWay(testing::Gzip(pretty)), 0);
  EXPECT_EQ(ExpectSameEitherWay(testing::Gzip(R"({"a":1,"Records":)" + VariedLog(40).substr(11))), 0);
  std::string trailing_key = VariedLog(40);
  trailing_key.insert(trailing_key.size() - 1, R"(,"Other":[{"x":1}])");
  EXPECT_EQ(ExpectSameEitherWay(testing::Gzip(trailing_key)), 0);
  EXPECT_EQ(ExpectSameEitherWay(testing::Gzip(R"({"Records":[]})")), 0);
  EXPECT_EQ(ExpectSameEitherWay(testing::Gzip(R"({"Records":[1,2]})")), 0);
  EXPECT_EQ(ExpectSameEitherWay(testing::Gzip(R"({"Records":{}})")), 0);
}

TEST(ExtractorWindowTest, ARecordStartNestedInARecordFallsBackToTheWholeObject) {
  // `,{"eventVersion"` inside a record looks like a record start: a window cut there does not
  // parse, and the object is read whole, with the same rows.
  // Every record ends with one, followed by enough bytes that windows end between it and the next
  // record: the last record start in such a window is the nested one.
  std::string nested = R"({"Records":[)";
  for (int index = 0; index < 60; ++index) {
    if (index > 0) nested += ",";
    nested += Replace(VariedRecord(index), R"("recipientAccountId":"111122223333")",
                      R"("recipientAccountId":"111122223333","tail":[1,{"eventVersion":"nested","x":[2,{"eventVersion":3}],"pad":")" +
                          std::string(600, 'p') + R"("}])");
  }
  nested += "]}";
  Outcome whole = ExtractGz(testing::Gzip(nested), 0, 0);
  EXPECT_EQ(whole.status, "OK");
  EXPECT_GT(whole.rows.size(), 1u);  // The earlier row in ExtractGz's batch, and this object's.
  EXPECT_LT(ExpectSameEitherWay(testing::Gzip(nested)), 5);  // Some window cut inside a record.
}

TEST(ExtractorWindowTest, ARecordStartNestedInTheLastRecordOrInASkippedValueFallsBackAlike) {
  // In the last record, the final window's: the byte after its `]` is the document's `}`.
  std::string log = VariedLog(40);
  const std::string_view tls = R"("tlsDetails":{"tlsVersion":"TLSv1.3"})";
  size_t last = log.rfind(tls);
  ASSERT_NE(last, std::string::npos);
  std::string nested_last = log;
  nested_last.replace(last, tls.size(), R"("tlsDetails":[0,{"eventVersion":"nested"}])");
  EXPECT_EQ(ExtractGz(testing::Gzip(nested_last), 0, 0).status, "OK");
  ExpectSameEitherWay(testing::Gzip(nested_last));
  // In a value the record parser skips unread (simdjson skips it by brackets, not checking it):
  // a window cut there holds an unclosed string, does not parse, and the object is read whole.
  std::string skipped = Replace(log, R"("eventID":"ev-30",)", R"("eventID":"ev-30","zz":["x,{"eventVersion""],)");
  EXPECT_EQ(ExtractGz(testing::Gzip(skipped), 0, 0).status, "OK");
  ExpectSameEitherWay(testing::Gzip(skipped));
}

TEST(ExtractorWindowTest, NoRecordStartWithinTheSearchLimitReadsTheObjectWhole) {
  // Records that do not start alike: no cut is ever found.
  std::string unalike = R"({"Records":[)";
  for (int index = 0; index < 2000; ++index) {
    unalike += (index > 0 ? "," : "") + std::string(R"({"k)") + std::to_string(index) + R"(":1})";
  }
  std::string gz = testing::Gzip(unalike + "]}");
  ASSERT_GT(unalike.size(), 16000u);
  EXPECT_EQ(ExpectSameEitherWay(gz, /*window_search_bytes=*/4096), 1);  // Only the 1 MB window holds it all.
  EXPECT_EQ(ExpectSameEitherWay(gz, /*window_search_bytes=*/size_t{1} << 20), 5);
  // One record longer than the limit, among ordinary ones.
  std::string long_record = Replace(VariedLog(30), "data/file.csv", std::string(20000, 'k'));
  EXPECT_EQ(ExpectSameEitherWay(testing::Gzip(long_record), /*window_search_bytes=*/8192), 1);
  EXPECT_EQ(ExpectSameEitherWay(testing::Gzip(long_record), /*window_search_bytes=*/65536), 5);
}

// ISA-L, which inflates large objects, also accepts a deflate stream whose Huffman code is
// incomplete (the fixture's: 257 literal codes of 9 bits); libdeflate and `gzip -t` refuse it. The
// CRC-32 and the size still check the content. A large object reads as `--inflate isal` reads it.
TEST(ExtractorWindowTest, ALargeObjectDecodesAsWithIsal) {
  Result<std::string> gz = ReadFile(testing::SourceDir() / "testdata/cloudtrail/incomplete_huffman_code.json.gz");
  ASSERT_TRUE(gz.ok()) << gz.status().ToString();
  Outcome libdeflate = ExtractGz(*gz, /*window_min_bytes=*/0, 0, 1 << 30, Inflater::kLibdeflate);
  EXPECT_NE(libdeflate.status.find("corrupt gzip data"), std::string::npos) << libdeflate.status;
  ExtractOptions isal_options;
  isal_options.window_min_bytes = 0;
  isal_options.inflater = Inflater::kIsal;
  Extractor isal(isal_options);
  RowBatch rows;
  ExtractStats stats;
  ASSERT_TRUE(isal.ExtractObject(*gz, "logs/a.json.gz", "us-east-1", &rows, &stats).ok());
  EXPECT_EQ(stats.records, 5u);
  Outcome isal_whole = ExtractGz(*gz, /*window_min_bytes=*/0, 0, 1 << 30, Inflater::kIsal);
  for (size_t window_bytes : {size_t{64}, size_t{1} << 20}) {
    Outcome windowed = ExtractGz(*gz, /*window_min_bytes=*/1, window_bytes, 1 << 30, Inflater::kLibdeflate);
    EXPECT_EQ(windowed.status, "OK");
    EXPECT_EQ(windowed.records, 5u);
    EXPECT_EQ(windowed.rows, isal_whole.rows);
    EXPECT_EQ(windowed.malformed, isal_whole.malformed);
    EXPECT_EQ(windowed.windowed, 1u);
  }
  // Found by fuzz_extract: a stream only ISA-L inflates, to JSON of another shape (read whole
  // after all) that does not parse. Read whole with ISA-L too, it fails on its JSON, not its gzip.
  Result<std::string> bad_json = ReadFile(testing::SourceDir() / "testdata/cloudtrail/isal_only_bad_json.json.gz");
  ASSERT_TRUE(bad_json.ok()) << bad_json.status().ToString();
  Outcome libdeflate_bad = ExtractGz(*bad_json, 0, 0, 1 << 30, Inflater::kLibdeflate);
  EXPECT_NE(libdeflate_bad.status.find("gzip"), std::string::npos) << libdeflate_bad.status;  // "truncated gzip stream".
  for (size_t window_bytes : {size_t{64}, size_t{1} << 20}) {
    Outcome windowed = ExtractGz(*bad_json, /*window_min_bytes=*/1, window_bytes, 1 << 30, Inflater::kLibdeflate);
    EXPECT_NE(windowed.status.find("invalid JSON"), std::string::npos) << windowed.status;
    EXPECT_EQ(windowed.windowed, 0u);
  }
}

TEST(ExtractorWindowTest, BrokenJsonGivesTheSameErrorAsTheWholePath) {
  std::string log = VariedLog(80);
  std::vector<std::string> broken = {
      Replace(log, R"("eventID":"ev-40")", R"("eventID":"ev-40)"),        // An unclosed string.
      VariedLog(80, ",", 41, ""),                                           // A missing comma.
      VariedLog(80, ",", 41, " "),                                          // A space for a comma.
      VariedLog(80, ",", 42, ",,"),                                         // Two commas.
      log.substr(0, log.size() - 2) + ",]}",                                 // A trailing comma.
      log.substr(0, log.size() - 1),                                         // No closing brace.
      log.substr(0, log.size() / 2),                                        // Cut in the middle.
      log + R"({"Records":[]})",                                             // Trailing content.
      Replace(log, R"("eventName":"GetObject")", "\"eventName\":\"Get\xFFObject\""),  // Not UTF-8.
      log.substr(0, log.size() - 1) + R"(,"Records":[]})",                   // A second Records.
      Replace(log, R"("eventID":"ev-43",)", R"("eventID":"ev-43"],)"),      // Brackets out of order.
  };
  for (size_t index = 0; index < broken.size(); ++index) {
    SCOPED_TRACE("case " + std::to_string(index));
    std::string gz = testing::Gzip(broken[index]);
    EXPECT_NE(ExtractGz(gz, 0, 0).status, "OK");
    ExpectSameEitherWay(gz);
  }
}

TEST(ExtractorWindowTest, GzipDamageGivesTheSameErrorAsTheWholePath) {
  std::string gz = testing::Gzip(VariedLog(200));
  std::string bad_crc = gz;
  bad_crc[bad_crc.size() - 6] ^= 0x55;
  std::string bad_size = gz;
  bad_size[bad_size.size() - 3] ^= 0x01;
  std::string bad_data = gz;
  bad_data[bad_data.size() / 2] ^= 0x55;
  for (const std::string& damaged : {bad_crc, bad_size, bad_data, gz.substr(0, gz.size() - 100), gz.substr(0, gz.size() - 3)}) {
    EXPECT_NE(ExtractGz(damaged, 0, 0).status, "OK");
    ExpectSameEitherWay(damaged);
  }
  // Two members make one object (the whole path reads the concatenation).
  std::string log = VariedLog(100);
  EXPECT_EQ(ExpectSameEitherWay(testing::Gzip(log.substr(0, 5000)) + testing::Gzip(log.substr(5000))), 0);
}

TEST(ExtractorWindowTest, TheObjectSizeLimitHoldsInWindowsToo) {
  const std::string log = VariedLog(300);
  std::string gz = testing::Gzip(log);
  // An object of exactly the limit is read; one byte more is not, either way.
  for (size_t window_bytes : {size_t{64}, size_t{4096}, size_t{1} << 20}) {
    EXPECT_EQ(ExtractGz(gz, 1, window_bytes, /*max_object_bytes=*/log.size()).status, "OK");
    EXPECT_EQ(ExtractGz(gz, 1, window_bytes, /*max_object_bytes=*/log.size() - 1).status,
              ExtractGz(gz, 0, 0, /*max_object_bytes=*/log.size() - 1).status);
  }
  EXPECT_NE(ExtractGz(gz, 0, 0, /*max_object_bytes=*/log.size() - 1).status, "OK");
  Outcome whole = ExtractGz(gz, 0, 0, /*max_object_bytes=*/100000);
  EXPECT_NE(whole.status.find("inflates to more than 100000 bytes"), std::string::npos) << whole.status;
  for (size_t window_bytes : {size_t{64}, size_t{4096}, size_t{1} << 20}) {
    Outcome windowed = ExtractGz(gz, 1, window_bytes, /*max_object_bytes=*/100000);
    EXPECT_EQ(windowed.status, whole.status);
    EXPECT_EQ(windowed.rows, whole.rows);
    EXPECT_EQ(windowed.malformed, whole.malformed);
  }
}

}  // namespace
}  // namespace adxm
