// Every Parquet file of a generated warehouse, before and after compaction, read by an independent
// reader (hyparquet, JavaScript, installed by scripts/bootstrap from tests/hyparquet/package-lock.json)
// and by DuckDB: the two agree on every value, and the footer carries what other engines need
// (created_by in parquet-mr form, encoding_stats telling dictionary pages from PLAIN fallbacks).
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <sstream>

#include "base/file_util.h"
#include "dataset_checks.h"
#include "db/duckdb.h"
#include "parquet/parquet_file_writer.h"
#include "schema/row_batch.h"

namespace adxm::testing {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> ParquetFiles(const fs::path& warehouse) {
  std::vector<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(warehouse / "adx_for_s3_metrics")) {
    std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && name.ends_with(".parquet") && name[0] != '_' && name[0] != '.') {
      files.push_back(entry.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Every value of `file` as DuckDB reads it: text, INT64 and epoch microseconds as decimals.
std::vector<std::vector<nlohmann::json>> DuckDbRows(Connection* conn, const std::string& file) {
  std::string select;
  for (const Column& column : kColumns) {
    std::string name = "\"" + std::string(column.name) + "\"";
    select += (select.empty() ? "" : ", ") +
              (column.type == ColumnType::kTimestamp ? "epoch_us(" + name + ")::VARCHAR" : name + "::VARCHAR");
  }
  auto result = conn->Query("SELECT " + select + " FROM read_parquet(" + SqlQuote(file) + ", hive_partitioning = false)");
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  std::vector<std::vector<nlohmann::json>> rows;
  if (!result.ok()) return rows;
  for (DataChunk chunk = result->Fetch(); chunk.valid(); chunk = result->Fetch()) {
    for (size_t row = 0; row < chunk.size(); ++row) {
      std::vector<nlohmann::json> cells;
      for (size_t column = 0; column < kColumns.size(); ++column) {
        duckdb_vector vector = chunk.column(column);
        uint64_t* validity = duckdb_vector_get_validity(vector);
        if (validity != nullptr && !duckdb_validity_row_is_valid(validity, row)) {
          cells.emplace_back(nullptr);
          continue;
        }
        auto& value = static_cast<duckdb_string_t*>(duckdb_vector_get_data(vector))[row];
        cells.emplace_back(std::string(duckdb_string_t_data(&value), duckdb_string_t_length(value)));
      }
      rows.push_back(std::move(cells));
    }
  }
  return rows;
}

// Read `files` with hyparquet; one JSON document per file.
std::vector<nlohmann::json> HyparquetRead(const std::vector<std::string>& files) {
  std::vector<std::string> argv = {"node", (SourceDir() / "tests/hyparquet/read_parquet.mjs").string()};
  argv.insert(argv.end(), files.begin(), files.end());
  CommandResult run = RunCommand(argv);
  EXPECT_EQ(run.exit_code, 0) << run.err << "\n(scripts/bootstrap installs hyparquet)";
  std::vector<nlohmann::json> documents;
  std::istringstream lines(run.out);
  for (std::string line; std::getline(lines, line);) documents.push_back(nlohmann::json::parse(line));
  EXPECT_EQ(documents.size(), files.size());
  return documents;
}

// encoding_stats agrees with the chunk's encodings: data pages are PLAIN or RLE_DICTIONARY, and a
// dictionary page exists exactly when some data page uses it.
void ExpectConsistentEncodingStats(const nlohmann::json& chunk, const std::string& where) {
  int64_t data_pages = 0, dictionary_data_pages = 0, dictionary_pages = 0;
  for (const auto& stat : chunk["encoding_stats"]) {
    if (stat[0] == "DICTIONARY_PAGE") {
      dictionary_pages += stat[2].get<int64_t>();
      continue;
    }
    EXPECT_EQ(stat[0], "DATA_PAGE") << where;
    EXPECT_TRUE(stat[1] == "PLAIN" || stat[1] == "RLE_DICTIONARY") << where << stat;
    data_pages += stat[2].get<int64_t>();
    if (stat[1] == "RLE_DICTIONARY") dictionary_data_pages += stat[2].get<int64_t>();
  }
  EXPECT_GT(data_pages, 0) << where;
  EXPECT_EQ(dictionary_pages, dictionary_data_pages > 0 ? 1 : 0) << where;
  bool lists_dictionary = false;
  for (const auto& encoding : chunk["encodings"]) lists_dictionary = lists_dictionary || encoding == "RLE_DICTIONARY";
  EXPECT_EQ(lists_dictionary, dictionary_data_pages > 0) << where;
}

// Compare every value of every file; return the number of values compared.
int64_t CompareEveryValue(const std::vector<std::string>& files) {
  auto db = Database::Open();
  EXPECT_TRUE(db.ok());
  if (!db.ok()) return 0;
  auto conn = (*db)->Connect();
  EXPECT_TRUE(conn.ok());
  if (!conn.ok()) return 0;
  std::vector<nlohmann::json> documents = HyparquetRead(files);
  std::regex parquet_mr_format(R"((.*?)\s+version\s*(?:([^(]*?)\s*(?:\(\s*build\s*([^)]*?)\s*\))?)?)");
  int64_t values = 0;
  for (size_t file_idx = 0; file_idx < documents.size(); ++file_idx) {
    const nlohmann::json& document = documents[file_idx];
    const std::string& file = files[file_idx];
    std::smatch match;
    std::string created_by = document["created_by"];
    EXPECT_TRUE(std::regex_match(created_by, match, parquet_mr_format) && match[1] == "adxmetrics" &&
                !match[2].str().empty() && !match[3].str().empty()) << created_by;
    for (const auto& chunk : document["chunks"]) ExpectConsistentEncodingStats(chunk, file + " " + chunk["name"].dump());
    std::vector<std::vector<nlohmann::json>> expected = DuckDbRows(conn->get(), file);
    const nlohmann::json& rows = document["rows"];
    EXPECT_EQ(document["num_rows"].get<size_t>(), expected.size()) << file;
    if (rows.size() != expected.size()) {
      ADD_FAILURE() << file << ": hyparquet read " << rows.size() << " rows, DuckDB " << expected.size();
      continue;
    }
    for (size_t row = 0; row < rows.size(); ++row) {
      for (size_t column = 0; column < kColumns.size(); ++column) {
        if (rows[row][column] != expected[row][column]) {
          ADD_FAILURE() << file << " row " << row << " column " << kColumns[column].name << ": hyparquet "
                        << rows[row][column] << ", DuckDB " << expected[row][column];
          return values;
        }
        ++values;
      }
    }
  }
  return values;
}

TEST(HyparquetIntegrationTest, AnIndependentReaderAgreesWithDuckDbOnEveryValueBeforeAndAfterCompaction) {
  ScratchDir scratch;
  fs::path bucket = scratch.path() / "bucket";
  fs::path late = scratch.path() / "late";
  fs::path warehouse = scratch.path() / "wh";
  GenerateBucket(bucket, {"--seed", "31", "--start", "2023-05-01", "--days", "2", "--events-per-day", "400"});
  CommandResult first = IngestCli(bucket, warehouse, {"--commit-objects", "20", "--max-files-per-day", "1000"});
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  std::vector<std::string> before = ParquetFiles(warehouse);
  ASSERT_GT(before.size(), 4u);
  int64_t values = CompareEveryValue(before);
  EXPECT_EQ(values, CountRows(warehouse) * static_cast<int64_t>(kColumns.size()));

  // Late logs for the same days, then compaction: files re-encoded and row groups copied.
  GenerateBucket(late, {"--seed", "32", "--start", "2023-05-01", "--days", "2", "--events-per-day", "100"});
  for (const std::string& key : LogKeys(late)) {
    fs::path target = bucket / (key.substr(0, key.size() - 8) + "-late.json.gz");
    ASSERT_TRUE(CreateDirs(target.parent_path()).ok());
    fs::copy_file(late / key, target);
  }
  CommandResult second = IngestCli(bucket, warehouse, {"--commit-objects", "20", "--max-files-per-day", "2"});
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_NE(second.out.find("2 days compacted"), std::string::npos) << second.out;
  std::vector<std::string> after = ParquetFiles(warehouse);
  EXPECT_EQ(CompareEveryValue(after), CountRows(warehouse) * static_cast<int64_t>(kColumns.size()));
}

// A chunk whose dictionary overflowed holds dictionary and PLAIN data pages; encoding_stats says so.
TEST(HyparquetIntegrationTest, EncodingStatsShowADictionaryFallback) {
  ScratchDir scratch;
  RowBatch batch;
  for (int row = 0; row < 3000; ++row) {
    batch.AddRow();
    batch.SetString(kEventId, "id-" + std::to_string(row));
    // Repeats first (a dictionary pays), then distinct values overflow it: PLAIN from there on.
    batch.SetString(kEventName, row < 1000 ? "name-" + std::to_string(row % 4) : "distinct-name-" + std::to_string(row));
    batch.SetInt(kEventTime, 1682942400000000 + row);
  }
  std::vector<RowRef> refs;
  for (size_t row = 0; row < batch.num_rows(); ++row) refs.push_back({&batch, static_cast<uint32_t>(row)});
  ParquetWriteOptions options;
  options.max_dictionary_bytes = 1000;
  options.page_bytes = 1024;
  std::string path = (scratch.path() / "fallback.parquet").string();
  auto writer = ParquetFileWriter::CreateLocal(path, options);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->WriteRowGroup(refs).ok());
  ASSERT_TRUE((*writer)->Close().ok());
  EXPECT_EQ(CompareEveryValue({path}), 3000 * static_cast<int64_t>(kColumns.size()));
  std::vector<nlohmann::json> documents = HyparquetRead({path});
  ASSERT_EQ(documents.size(), 1u);
  std::set<std::string> event_name_pages;
  for (const auto& chunk : documents[0]["chunks"]) {
    if (chunk["name"] != "eventName") continue;
    for (const auto& stat : chunk["encoding_stats"]) event_name_pages.insert(stat[0].get<std::string>() + " " + stat[1].get<std::string>());
  }
  EXPECT_EQ(event_name_pages, (std::set<std::string>{"DICTIONARY_PAGE PLAIN", "DATA_PAGE RLE_DICTIONARY", "DATA_PAGE PLAIN"}));
}

}  // namespace
}  // namespace adxm::testing
