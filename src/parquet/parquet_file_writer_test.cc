// Files written by ParquetFileWriter, read back by DuckDB (an independent reader) and compared
// with the input rows.
#include "parquet/parquet_file_writer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <optional>
#include <random>
#include <regex>
#include <string>
#include <vector>

#include "base/file_util.h"
#include "db/duckdb.h"
#include "duckdb_fixture.h"
#include "parquet/column_chunk_writer.h"
#include "test_util.h"

namespace adxm {
namespace {

namespace fs = std::filesystem;

// A cell as the tests compare it: NULL, or text (strings verbatim, integers in decimal).
using Cell = std::optional<std::string>;
using Rows = std::vector<std::vector<Cell>>;

constexpr int64_t kMicrosPerDay = 86'400'000'000;
constexpr int64_t kYear1900 = -25'567 * kMicrosPerDay;
constexpr int64_t kYear2200 = 84'006 * kMicrosPerDay;

Cell RenderCell(duckdb_vector vector, duckdb_type type, size_t row) {
  uint64_t* validity = duckdb_vector_get_validity(vector);
  if (validity != nullptr && !duckdb_validity_row_is_valid(validity, row)) return std::nullopt;
  void* data = duckdb_vector_get_data(vector);
  switch (type) {
    case DUCKDB_TYPE_VARCHAR: {
      duckdb_string_t& value = static_cast<duckdb_string_t*>(data)[row];
      return std::string(duckdb_string_t_data(&value), duckdb_string_t_length(value));
    }
    case DUCKDB_TYPE_BIGINT:
    case DUCKDB_TYPE_TIMESTAMP:
    case DUCKDB_TYPE_TIMESTAMP_TZ: return std::to_string(static_cast<int64_t*>(data)[row]);
    case DUCKDB_TYPE_UBIGINT: return std::to_string(static_cast<uint64_t*>(data)[row]);
    case DUCKDB_TYPE_INTEGER: return std::to_string(static_cast<int32_t*>(data)[row]);
    default: return "<unsupported type " + std::to_string(type) + ">";
  }
}

Rows Query(Connection* conn, const std::string& sql) {
  Result<QueryResult> result = conn->Query(sql);
  EXPECT_TRUE(result.ok()) << sql << ": " << result.status().ToString();
  Rows rows;
  if (!result.ok()) return rows;
  size_t columns = result->column_count();
  for (DataChunk chunk = result->Fetch(); chunk.valid(); chunk = result->Fetch()) {
    for (size_t row = 0; row < chunk.size(); ++row) {
      std::vector<Cell> cells;
      for (size_t column = 0; column < columns; ++column) {
        cells.push_back(RenderCell(chunk.column(column), result->column_type(column), row));
      }
      rows.push_back(std::move(cells));
    }
  }
  return rows;
}

Cell ExpectedCell(const RowRef& ref, int column) {
  auto id = static_cast<ColumnId>(column);
  if (ref.batch->IsNull(id, ref.row)) return std::nullopt;
  if (kColumns[column].type == ColumnType::kVarchar) return std::string(ref.batch->GetString(id, ref.row));
  return std::to_string(ref.batch->GetInt(id, ref.row));
}

std::string RandomText(std::mt19937_64& rng, size_t max_length) {
  std::string text(rng() % (max_length + 1), ' ');
  for (char& c : text) c = static_cast<char>(' ' + rng() % 95);
  return text;
}

std::string RandomString(ColumnId column, size_t row, std::mt19937_64& rng) {
  static const char* const kPool[] = {"", "GetObject", "héllo wörld", "日本語のテキスト", "rocket 🚀",
                                      "a", "zzz", "ListObjects", "\x7f\xc3\xa9"};
  switch (column) {
    case kEventId:
    case kRequestId: return "id-" + std::to_string(row) + "-" + std::to_string(rng());
    case kObjectKey: return rng() % 2 ? RandomText(rng, 200) : kPool[rng() % std::size(kPool)];
    case kSourceLogFile: return "AWSLogs/123/CloudTrail/us-east-1/file-" + std::to_string(row / 700) + ".json.gz";
    default: return kPool[rng() % std::size(kPool)];
  }
}

int64_t RandomInt(ColumnId column, std::mt19937_64& rng) {
  if (column == kEventTime) {
    return kYear1900 + static_cast<int64_t>(rng() % static_cast<uint64_t>(kYear2200 - kYear1900));
  }
  static const int64_t kEdges[] = {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(), 0,
                                   -1, -123456789};
  if (rng() % 4 == 0) return kEdges[rng() % std::size(kEdges)];
  return static_cast<int64_t>(rng());
}

// Random rows: ~10% NULL in every column but vpc_endpoint_id, which is always NULL.
RowBatch RandomBatch(uint64_t seed, size_t rows) {
  std::mt19937_64 rng(seed);
  RowBatch batch;
  for (size_t row = 0; row < rows; ++row) {
    batch.AddRow();
    for (int column = 0; column < kNumColumns; ++column) {
      auto id = static_cast<ColumnId>(column);
      if (id == kVpcEndpointId || rng() % 10 == 0) continue;
      if (kColumns[column].type == ColumnType::kVarchar) {
        batch.SetString(id, RandomString(id, row, rng));
      } else {
        batch.SetInt(id, RandomInt(id, rng));
      }
    }
  }
  return batch;
}

ReadRangeFn LocalReader(const fs::path& path) {
  return [path](uint64_t offset, uint64_t size, std::string* out) { return ReadFileRange(path, offset, size, out); };
}

std::vector<RowRef> RefsTo(const RowBatch& batch) {
  std::vector<RowRef> refs;
  for (size_t row = 0; row < batch.num_rows(); ++row) refs.push_back(RowRef{&batch, static_cast<uint32_t>(row)});
  return refs;
}

void WriteFile(const fs::path& path, const std::vector<std::vector<RowRef>>& groups,
               const ParquetWriteOptions& options = {}) {
  auto writer = ParquetFileWriter::CreateLocal(path, options);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  for (const auto& group : groups) ASSERT_TRUE((*writer)->WriteRowGroup(group).ok());
  ASSERT_TRUE((*writer)->Close().ok());
}

class ParquetFileWriterTest : public testing::DuckDbTest {
 protected:
  // Every row of `path` in file order, all columns.
  Rows ReadBack(const fs::path& path) {
    return Query(conn_.get(), "SELECT * EXCLUDE (file_row_number) FROM read_parquet(" + SqlQuote(path.string()) +
                                  ", file_row_number = true) ORDER BY file_row_number");
  }

  static Rows Expected(const std::vector<std::vector<RowRef>>& groups) {
    Rows rows;
    for (const auto& group : groups) {
      for (const RowRef& ref : group) {
        std::vector<Cell> cells;
        for (int column = 0; column < kNumColumns; ++column) cells.push_back(ExpectedCell(ref, column));
        rows.push_back(std::move(cells));
      }
    }
    return rows;
  }

  adxm::testing::ScratchDir dir_;
};


// Rows of `groups`: the first interleaves two batches (RowRefs need not be in batch order).
struct Fixture {
  RowBatch first = RandomBatch(1, 6000);
  RowBatch second = RandomBatch(2, 3000);
  std::vector<std::vector<RowRef>> groups;

  Fixture() {
    second.AddRow();
    std::string huge;  // 100 KB of U+10FFFF: the column's max, too long for statistics.
    while (huge.size() < 100 * 1024) huge += "\xf4\x8f\xbf\xbf";
    second.SetString(kSubscriberUserAgent, huge);
    second.SetInt(kEventTime, 0);
    std::vector<RowRef> a = RefsTo(first), b = RefsTo(second);
    std::vector<RowRef> mixed;
    for (size_t row = 0; row < 2000; ++row) {
      mixed.push_back(a[row]);
      mixed.push_back(b[b.size() - 1 - row]);
    }
    groups.push_back(mixed);
    groups.emplace_back(a.begin() + 2000, a.end());
    groups.emplace_back(b.begin(), b.begin() + 1);
  }
};

void ExpectSameRows(const Rows& actual, const Rows& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t row = 0; row < actual.size(); ++row) {
    for (int column = 0; column < kNumColumns; ++column) {
      ASSERT_EQ(actual[row][column], expected[row][column]) << "row " << row << " column " << kColumns[column].name;
    }
  }
}

TEST_F(ParquetFileWriterTest, RoundTripsRandomRowsInSeveralRowGroupsAndPages) {
  Fixture fixture;
  fs::path path = dir_.path() / "random.parquet";
  ParquetWriteOptions options;
  options.page_bytes = 4096;  // Several pages per chunk, dictionary and PLAIN alike.
  WriteFile(path, fixture.groups, options);
  ExpectSameRows(ReadBack(path), Expected(fixture.groups));
}


// Pages cut by their cell count (ColumnChunkWriter::kMaxPageCells) rather than their bytes, with
// NULL patterns whose definition levels encode worst (RLE runs of 8 between bit-packed groups,
// strict alternation, long runs): PLAIN pages are compressed with their levels in front of the
// values where they lie, so each page's levels must fit the room kept for them.
TEST_F(ParquetFileWriterTest, PagesOfTheMostCellsWithCostlyLevelsRoundTrip) {
  RowBatch batch;
  constexpr size_t kRows = 3 * ColumnChunkWriter::kMaxPageCells + 123;
  for (size_t row = 0; row < kRows; ++row) {
    batch.AddRow();
    bool present;
    if (row < ColumnChunkWriter::kMaxPageCells) {
      present = (row % 16) < 8 || row % 2 == 0;  // Eight present, then alternating: 2 bytes per 8.
    } else if (row < 2 * ColumnChunkWriter::kMaxPageCells) {
      present = row % 2 == 1;
    } else {
      present = (row / 1000) % 2 == 0;
    }
    if (present) {
      batch.SetString(kEventId, std::to_string(row));  // Always PLAIN.
      batch.SetString(kRequestId, "r");
      batch.SetInt(kBytesAccessed, static_cast<int64_t>(row) * 7);
    }
    batch.SetInt(kEventTime, kYear1900 + static_cast<int64_t>(row));
  }
  std::vector<std::vector<RowRef>> groups = {RefsTo(batch)};
  fs::path path = dir_.path() / "cells.parquet";
  WriteFile(path, groups);
  ExpectSameRows(ReadBack(path), Expected(groups));
}

TEST_F(ParquetFileWriterTest, EncodingThreadsWriteTheSameBytes) {
  // Columns split over threads, each with its own zstd contexts: the file must not change, in
  // any encoding (dictionary, the switch to PLAIN, distinct strings), nor with more threads than
  // columns. Its rows read back through DuckDB as well.
  Fixture fixture;
  ParquetWriteOptions options;
  options.page_bytes = 4096;
  options.max_dictionary_bytes = 2048;
  WriteFile(dir_.path() / "one.parquet", fixture.groups, options);
  Result<std::string> one = ReadFile(dir_.path() / "one.parquet");
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  for (int threads : {2, 3, kNumColumns + 5}) {
    options.encode_threads = threads;
    fs::path path = dir_.path() / ("threads-" + std::to_string(threads) + ".parquet");
    WriteFile(path, fixture.groups, options);
    Result<std::string> bytes = ReadFile(path);
    ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
    EXPECT_EQ(bytes->size(), one->size()) << threads << " threads";
    EXPECT_TRUE(*bytes == *one) << threads << " threads: the bytes differ";
    ExpectSameRows(ReadBack(path), Expected(fixture.groups));
  }
}

// What the test expects in parquet_metadata for one column chunk, computed from the input rows.
struct ExpectedStats {
  int64_t null_count = 0;
  Cell min, max;  // NULL when the chunk has no values, or a string min/max is over 64 bytes.
};

ExpectedStats StatsOf(const std::vector<RowRef>& group, int column) {
  ExpectedStats stats;
  bool is_string = kColumns[column].type == ColumnType::kVarchar;
  std::optional<std::string> min_text, max_text;
  std::optional<int64_t> min_int, max_int;
  for (const RowRef& ref : group) {
    auto id = static_cast<ColumnId>(column);
    if (ref.batch->IsNull(id, ref.row)) {
      ++stats.null_count;
    } else if (is_string) {
      std::string value(ref.batch->GetString(id, ref.row));
      // Parquet orders BYTE_ARRAY as unsigned bytes: compare as unsigned char explicitly.
      auto less = [](const std::string& a, const std::string& b) {
        return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
          return static_cast<unsigned char>(x) < static_cast<unsigned char>(y);
        });
      };
      if (!min_text || less(value, *min_text)) min_text = value;
      if (!max_text || less(*max_text, value)) max_text = value;
    } else {
      int64_t value = ref.batch->GetInt(id, ref.row);
      if (!min_int || value < *min_int) min_int = value;
      if (!max_int || value > *max_int) max_int = value;
    }
  }
  if (min_text && min_text->size() <= 64 && max_text->size() <= 64) {
    stats.min = min_text;
    stats.max = max_text;
  }
  if (min_int) {
    stats.min = std::to_string(*min_int);
    stats.max = std::to_string(*max_int);
  }
  return stats;
}

TEST_F(ParquetFileWriterTest, ColumnTypesAreWhatDuckDbExpects) {
  Fixture fixture;
  fs::path path = dir_.path() / "types.parquet";
  WriteFile(path, fixture.groups);
  Rows rows = Query(conn_.get(), "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(" +
                                     SqlQuote(path.string()) + "))");
  ASSERT_EQ(rows.size(), static_cast<size_t>(kNumColumns));
  for (int column = 0; column < kNumColumns; ++column) {
    const char* type = kColumns[column].type == ColumnType::kVarchar  ? "VARCHAR"
                       : kColumns[column].type == ColumnType::kBigint ? "BIGINT"
                                                                       : "TIMESTAMP WITH TIME ZONE";
    EXPECT_EQ(rows[column][0], std::string(kColumns[column].name));
    EXPECT_EQ(rows[column][1], std::string(type)) << kColumns[column].name;
  }
}

TEST_F(ParquetFileWriterTest, StatisticsCompressionAndEncodingsPerChunk) {
  Fixture fixture;
  fs::path path = dir_.path() / "stats.parquet";
  WriteFile(path, fixture.groups);
  // Timestamps come back rendered as text; turn them into epoch micros to compare.
  Rows rows = Query(conn_.get(),
                    "SELECT row_group_id, column_id, stats_null_count, "
                    "CASE WHEN path_in_schema = 'eventTime' THEN epoch_us(stats_min_value::TIMESTAMPTZ)::VARCHAR "
                    "ELSE stats_min_value END, "
                    "CASE WHEN path_in_schema = 'eventTime' THEN epoch_us(stats_max_value::TIMESTAMPTZ)::VARCHAR "
                    "ELSE stats_max_value END, compression, encodings, num_values "
                    "FROM parquet_metadata(" + SqlQuote(path.string()) + ") ORDER BY row_group_id, column_id");
  ASSERT_EQ(rows.size(), fixture.groups.size() * kNumColumns);
  for (const auto& row : rows) {
    size_t group = std::stoul(*row[0]);
    int column = std::stoi(*row[1]);
    SCOPED_TRACE("row group " + std::to_string(group) + " column " + std::string(kColumns[column].name));
    ExpectedStats expected = StatsOf(fixture.groups[group], column);
    EXPECT_EQ(row[2], std::to_string(expected.null_count));
    EXPECT_EQ(row[3], expected.min);
    EXPECT_EQ(row[4], expected.max);
    EXPECT_EQ(row[5], "ZSTD");
    EXPECT_EQ(row[7], std::to_string(fixture.groups[group].size()));
  }
  // The first row group is large enough to sample: unique ids are PLAIN, repetitive strings use
  // a dictionary, integers are PLAIN.
  auto encodings = [&](ColumnId column) { return *rows[column][6]; };
  EXPECT_EQ(encodings(kEventId).find("RLE_DICTIONARY"), std::string::npos);
  EXPECT_EQ(encodings(kRequestId).find("RLE_DICTIONARY"), std::string::npos);
  EXPECT_EQ(encodings(kBytesAccessed).find("RLE_DICTIONARY"), std::string::npos);
  EXPECT_NE(encodings(kEventName).find("RLE_DICTIONARY"), std::string::npos);
  EXPECT_NE(encodings(kSourceLogFile).find("RLE_DICTIONARY"), std::string::npos);
}

TEST_F(ParquetFileWriterTest, StringStatisticsOmitValuesOver64Bytes) {
  Fixture fixture;
  fs::path path = dir_.path() / "long.parquet";
  WriteFile(path, fixture.groups);
  // The 100 KB string is in row group 0 and is its subscriber_user_agent maximum.
  Rows rows = Query(conn_.get(), "SELECT stats_min_value, stats_max_value FROM parquet_metadata(" +
                                     SqlQuote(path.string()) + ") WHERE row_group_id = 0 AND column_id = " +
                                     std::to_string(kSubscriberUserAgent));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0], std::nullopt);
  EXPECT_EQ(rows[0][1], std::nullopt);
}

TEST_F(ParquetFileWriterTest, FilterOnEventTimeReturnsTheRightRows) {
  Fixture fixture;
  fs::path path = dir_.path() / "filter.parquet";
  WriteFile(path, fixture.groups);
  const int64_t cutoff = 0;  // 1970-01-01: about a third of the random times are before it.
  std::vector<std::string> expected;
  for (const auto& group : fixture.groups) {
    for (const RowRef& ref : group) {
      if (ref.batch->IsNull(kEventTime, ref.row) || ref.batch->GetInt(kEventTime, ref.row) < cutoff) continue;
      if (ref.batch->IsNull(kEventId, ref.row)) {
        expected.push_back("<null>");
      } else {
        expected.emplace_back(ref.batch->GetString(kEventId, ref.row));
      }
    }
  }
  std::sort(expected.begin(), expected.end());
  Rows rows = Query(conn_.get(), "SELECT coalesce(eventID, '<null>') AS id FROM read_parquet(" +
                                     SqlQuote(path.string()) +
                                     ") WHERE eventTime >= TIMESTAMPTZ '1970-01-01 00:00:00+00' ORDER BY id");
  std::vector<std::string> actual;
  for (const auto& row : rows) actual.push_back(*row[0]);
  std::sort(actual.begin(), actual.end());  // DuckDB's ORDER BY collation need not be byte order.
  EXPECT_EQ(actual.size(), expected.size());
  EXPECT_EQ(actual, expected);
}

TEST_F(ParquetFileWriterTest, DictionaryOverflowSwitchesTheChunkToPlain) {
  // Two repeating values, then ever new ones: the dictionary pays when sampled, then fills up.
  RowBatch batch;
  for (int row = 0; row < 5000; ++row) {
    batch.AddRow();
    batch.SetString(kEventName, row < 1000 ? (row % 2 ? "GetObject" : "HeadObject") : "op-" + std::to_string(row));
    batch.SetInt(kEventTime, row);
  }
  std::vector<std::vector<RowRef>> groups = {RefsTo(batch)};
  fs::path path = dir_.path() / "overflow.parquet";
  ParquetWriteOptions options;
  options.max_dictionary_bytes = 1000;
  options.page_bytes = 1024;  // Sampling ends at the first page, after 256 values.
  WriteFile(path, groups, options);
  ExpectSameRows(ReadBack(path), Expected(groups));
  Rows rows = Query(conn_.get(), "SELECT encodings FROM parquet_metadata(" + SqlQuote(path.string()) +
                                     ") WHERE column_id = " + std::to_string(kEventName));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0], "PLAIN, RLE, RLE_DICTIONARY");
}

TEST_F(ParquetFileWriterTest, SingleRowFile) {
  RowBatch batch = RandomBatch(3, 1);
  std::vector<std::vector<RowRef>> groups = {RefsTo(batch)};
  fs::path path = dir_.path() / "one.parquet";
  WriteFile(path, groups);
  ExpectSameRows(ReadBack(path), Expected(groups));
}

TEST_F(ParquetFileWriterTest, CloseRightAfterCreateGivesAnEmptyTypedFile) {
  fs::path path = dir_.path() / "empty.parquet";
  auto writer = ParquetFileWriter::CreateLocal(path);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  ASSERT_TRUE((*writer)->WriteRowGroup({}).ok());  // An empty span writes nothing.
  ASSERT_TRUE((*writer)->Close().ok());
  EXPECT_EQ((*writer)->rows_written(), 0u);
  Rows count = Query(conn_.get(), "SELECT count(*)::BIGINT FROM read_parquet(" + SqlQuote(path.string()) + ")");
  ASSERT_EQ(count.size(), 1u);
  EXPECT_EQ(count[0][0], "0");
  Rows groups = Query(conn_.get(), "SELECT count(*)::BIGINT FROM parquet_metadata(" + SqlQuote(path.string()) + ")");
  EXPECT_EQ(groups[0][0], "0");
  Rows types = Query(conn_.get(), "SELECT column_type FROM (DESCRIBE SELECT * FROM read_parquet(" +
                                      SqlQuote(path.string()) + ")) WHERE column_name = 'eventTime'");
  ASSERT_EQ(types.size(), 1u);
  EXPECT_EQ(types[0][0], "TIMESTAMP WITH TIME ZONE");
}

TEST_F(ParquetFileWriterTest, CreateInAMissingDirectoryFailsNamingThePath) {
  fs::path path = dir_.path() / "no-such-dir" / "x.parquet";
  auto writer = ParquetFileWriter::CreateLocal(path);
  ASSERT_FALSE(writer.ok());
  EXPECT_EQ(writer.status().code(), StatusCode::kNotFound);
  EXPECT_NE(writer.status().message().find(path.string()), std::string::npos) << writer.status().ToString();
}

TEST_F(ParquetFileWriterTest, WriteErrorsAreReported) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  auto writer = ParquetFileWriter::CreateLocal("/dev/full");
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();  // Bytes are buffered until Close.
  Status closed = (*writer)->Close();
  ASSERT_FALSE(closed.ok());  // Even the 4-byte magic does not fit.
  EXPECT_NE(closed.message().find("/dev/full"), std::string::npos) << closed.ToString();
}

TEST_F(ParquetFileWriterTest, CountsRowsAndRejectsUseAfterClose) {
  RowBatch batch = RandomBatch(5, 300);
  std::vector<RowRef> rows = RefsTo(batch);
  auto writer = ParquetFileWriter::CreateLocal(dir_.path() / "count.parquet");
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->WriteRowGroup(rows).ok());
  ASSERT_TRUE((*writer)->WriteRowGroup(std::span<const RowRef>(rows).first(10)).ok());
  EXPECT_EQ((*writer)->rows_written(), 310u);
  ASSERT_TRUE((*writer)->Close().ok());
  EXPECT_FALSE((*writer)->WriteRowGroup(rows).ok());
  EXPECT_FALSE((*writer)->Close().ok());
}

TEST_F(ParquetFileWriterTest, CopiedRowGroupsReadBackAfterTheWrittenOnes) {
  Fixture fixture;
  RowBatch fresh = RandomBatch(3, 500);
  auto write = [&](const fs::path& path, const std::vector<std::vector<RowRef>>& groups) {
    auto writer = ParquetFileWriter::CreateLocal(path);
    EXPECT_TRUE(writer.ok());
    for (const auto& group : groups) EXPECT_TRUE((*writer)->WriteRowGroup(group).ok());
    EXPECT_TRUE((*writer)->Close().ok());
    return (*writer)->row_groups();
  };
  fs::path a = dir_.path() / "a.parquet", b = dir_.path() / "b.parquet", merged = dir_.path() / "merged.parquet";
  std::vector<RowGroupInfo> a_groups = write(a, {fixture.groups[0], fixture.groups[1]});
  std::vector<RowGroupInfo> b_groups = write(b, {fixture.groups[2]});

  auto writer = ParquetFileWriter::CreateLocal(merged);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->WriteRowGroup(RefsTo(fresh)).ok());  // Offsets of the copies shift.
  ASSERT_TRUE((*writer)->CopyRowGroups(LocalReader(a), a.string(), a_groups).ok());
  ASSERT_TRUE((*writer)->CopyRowGroups(LocalReader(b), b.string(), b_groups).ok());
  ASSERT_TRUE((*writer)->Close().ok());
  EXPECT_EQ((*writer)->rows_written(), fresh.num_rows() + fixture.groups[0].size() + fixture.groups[1].size() +
                                           fixture.groups[2].size());
  ExpectSameRows(ReadBack(merged), Expected({RefsTo(fresh), fixture.groups[0], fixture.groups[1], fixture.groups[2]}));
  Rows groups = Query(conn_.get(), "SELECT count(DISTINCT row_group_id) FROM parquet_metadata(" +
                                       SqlQuote(merged.string()) + ")");
  EXPECT_EQ(groups.at(0).at(0), "4");

  // Row groups that are not in the file are an error naming it, not a short copy.
  RowGroupInfo beyond = b_groups.at(0);
  beyond.file_offset += 1 << 20;
  auto other = ParquetFileWriter::CreateLocal(dir_.path() / "other.parquet");
  ASSERT_TRUE(other.ok());
  Status status = (*other)->CopyRowGroups(LocalReader(b), b.string(), std::vector<RowGroupInfo>{beyond});
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find(b.string()), std::string::npos) << status.ToString();
}

}  // namespace
}  // namespace adxm

namespace adxm {
namespace {

// parquet-mr's VersionParser pattern (org.apache.parquet.VersionParser.FORMAT): Spark and
// parquet-java ignore string statistics of files whose created_by it cannot parse.
TEST(ParquetCreatedByTest, ParsesAsParquetMrApplicationVersion) {
  std::regex parquet_mr_format(R"((.*?)\s+version\s*(?:([^(]*?)\s*(?:\(\s*build\s*([^)]*?)\s*\))?)?)");
  std::smatch match;
  std::string created_by = DefaultCreatedBy();
  ASSERT_TRUE(std::regex_match(created_by, match, parquet_mr_format)) << created_by;
  EXPECT_EQ(match[1], "adxmetrics");
  EXPECT_TRUE(std::regex_match(match[2].str(), std::regex(R"(\d+\.\d+\.\d+)"))) << match[2];
  EXPECT_FALSE(match[3].str().empty()) << created_by;
}

}  // namespace
}  // namespace adxm
