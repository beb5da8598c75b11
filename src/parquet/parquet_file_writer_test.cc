// Files written by ParquetFileWriter, read back by DuckDB (an independent reader) and compared
// with the input rows.
#include "parquet/parquet_file_writer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "db/duckdb.h"
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

std::vector<RowRef> RefsTo(const RowBatch& batch) {
  std::vector<RowRef> refs;
  for (size_t row = 0; row < batch.num_rows(); ++row) refs.push_back(RowRef{&batch, static_cast<uint32_t>(row)});
  return refs;
}

void WriteFile(const fs::path& path, const std::vector<std::vector<RowRef>>& groups,
               const ParquetWriteOptions& options = {}) {
  auto writer = ParquetFileWriter::Create(path, options);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  for (const auto& group : groups) ASSERT_TRUE((*writer)->WriteRowGroup(group).ok());
  ASSERT_TRUE((*writer)->Close().ok());
}

class ParquetFileWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Database::Open();
    ASSERT_TRUE(db.ok());
    db_ = std::move(*db);
    auto conn = db_->Connect();
    ASSERT_TRUE(conn.ok());
    conn_ = std::move(*conn);
  }

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
  std::unique_ptr<Database> db_;
  std::unique_ptr<Connection> conn_;
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

}  // namespace
}  // namespace adxm
