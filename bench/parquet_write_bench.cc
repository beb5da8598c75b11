// adxm_bench_parquet_write: the native ParquetFileWriter against the DuckDB COPY writer.
//
// Extracts every log object of a bucket once (the project's Extractor, one RowBatch per object),
// then writes all rows to one file with (a) DuckDbCopyWriter::Write (DuckDB COPY, 1 thread)
// and (b) ParquetFileWriter (row groups of 122,880 rows, like the COPY), `--runs` times each,
// interleaved. Prints the median seconds, rows/s, output bytes and the ratio; checks both files
// read back with the right row count.
//
// Usage: adxm_bench_parquet_write --source BUCKET [--out DIR] [--runs 5] [--zstd-level 1] [--native-only]
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cloudtrail/extractor.h"
#include "cloudtrail/log_key.h"
#include "bench/duckdb_copy_writer.h"
#include "db/duckdb.h"
#include "parquet/parquet_file_writer.h"
#include "base/file_util.h"
#include "source/log_source.h"

namespace adxm {
namespace {

constexpr size_t kRowGroupRows = 122'880;

/// Extract every log object of `root` into `batches` (one per object).
Status ExtractAll(const std::string& root, std::vector<std::unique_ptr<RowBatch>>* batches) {
  ADXM_ASSIGN_OR_RETURN(auto source, OpenLocalSource(root));
  std::vector<ObjectInfo> objects;
  ADXM_RETURN_IF_ERROR(source->List(&objects));
  Extractor extractor(ExtractOptions{});
  ExtractStats stats;
  std::string bytes;
  for (const ObjectInfo& object : objects) {
    LogKeyInfo key = ClassifyLogKey(object.key);
    if (!key.is_log) continue;
    ADXM_RETURN_IF_ERROR(source->Read(object, &bytes, 0));
    auto batch = std::make_unique<RowBatch>();
    ADXM_RETURN_IF_ERROR(extractor.ExtractObject(bytes, object.key, key.region, batch.get(), &stats));
    batches->push_back(std::move(batch));
  }
  return Status::OK();
}

Status WriteNative(std::span<const RowRef> rows, const std::filesystem::path& path, const ParquetWriteOptions& options) {
  ADXM_ASSIGN_OR_RETURN(auto writer, ParquetFileWriter::CreateLocal(path, options));
  for (size_t start = 0; start < rows.size(); start += kRowGroupRows) {
    ADXM_RETURN_IF_ERROR(writer->WriteRowGroup(rows.subspan(start, std::min(kRowGroupRows, rows.size() - start))));
  }
  return writer->Close();
}

/// Run `write` and return its wall time in seconds.
Result<double> Time(const std::function<Status()>& write) {
  auto start = std::chrono::steady_clock::now();
  ADXM_RETURN_IF_ERROR(write());
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double Median(std::vector<double> samples) {
  std::sort(samples.begin(), samples.end());
  return samples[samples.size() / 2];
}

Status CheckRowCount(const std::filesystem::path& path, size_t expected) {
  ADXM_ASSIGN_OR_RETURN(auto db, Database::Open());
  ADXM_ASSIGN_OR_RETURN(auto conn, db->Connect());
  ADXM_ASSIGN_OR_RETURN(QueryResult result, conn->Query("SELECT count(*) FROM read_parquet(" +
                                                        SqlQuote(path.string()) + ")"));
  DataChunk chunk = result.Fetch();
  auto count = static_cast<size_t>(static_cast<int64_t*>(duckdb_vector_get_data(chunk.column(0)))[0]);
  if (count != expected) {
    return Status::Internal(path.string() + ": " + std::to_string(count) + " rows, expected " +
                            std::to_string(expected));
  }
  return Status::OK();
}

void PrintLine(const char* name, double seconds, size_t rows, const std::filesystem::path& path) {
  std::printf("%-28s seconds=%.4f rows_per_s=%.0f bytes=%ju\n", name, seconds, rows / seconds,
              static_cast<uintmax_t>(std::filesystem::file_size(path)));
}

Status Run(const std::string& root, const std::filesystem::path& out, int runs, bool native_only,
           const ParquetWriteOptions& options) {
  std::vector<std::unique_ptr<RowBatch>> batches;
  ADXM_RETURN_IF_ERROR(ExtractAll(root, &batches));
  std::vector<RowRef> rows;
  for (const auto& batch : batches) {
    for (size_t row = 0; row < batch->num_rows(); ++row) rows.push_back(RowRef{batch.get(), static_cast<uint32_t>(row)});
  }
  ADXM_RETURN_IF_ERROR(CreateDirs(out));
  std::filesystem::path duckdb_path = out / "duckdb_copy.parquet", native_path = out / "native.parquet";
  ADXM_ASSIGN_OR_RETURN(auto duckdb_writer, DuckDbCopyWriter::Make(/*threads=*/1));
  std::vector<double> duckdb_seconds, native_seconds;
  for (int run = 0; run < runs; ++run) {
    if (!native_only) {
      ADXM_ASSIGN_OR_RETURN(double old_time, Time([&] { return duckdb_writer->Write(rows, duckdb_path); }));
      duckdb_seconds.push_back(old_time);
    }
    ADXM_ASSIGN_OR_RETURN(double new_time, Time([&] { return WriteNative(rows, native_path, options); }));
    native_seconds.push_back(new_time);
  }
  ADXM_RETURN_IF_ERROR(CheckRowCount(native_path, rows.size()));
  std::printf("rows=%zu batches=%zu runs=%d (median)\n", rows.size(), batches.size(), runs);
  if (native_only) {
    PrintLine("native ParquetFileWriter", Median(native_seconds), rows.size(), native_path);
    return Status::OK();
  }
  ADXM_RETURN_IF_ERROR(CheckRowCount(duckdb_path, rows.size()));
  PrintLine("DuckDB COPY (DuckDbCopyWriter)", Median(duckdb_seconds), rows.size(), duckdb_path);
  PrintLine("native ParquetFileWriter", Median(native_seconds), rows.size(), native_path);
  std::printf("speedup=%.2fx (best runs: %.4f vs %.4f)\n", Median(duckdb_seconds) / Median(native_seconds),
              *std::min_element(duckdb_seconds.begin(), duckdb_seconds.end()),
              *std::min_element(native_seconds.begin(), native_seconds.end()));
  return Status::OK();
}

}  // namespace
}  // namespace adxm

int main(int argc, char** argv) {
  std::string source;
  std::string out = "build/bench-work/parquet-write";
  int runs = 5;
  bool native_only = false;
  adxm::ParquetWriteOptions options;
  CLI::App app{"Parquet writing: DuckDB COPY (DuckDbCopyWriter) vs the native ParquetFileWriter"};
  app.add_option("--source", source, "Bucket root (holds AWSLogs/)")->required();
  app.add_option("--out", out, "Directory for the two output files (created)");
  app.add_option("--runs", runs, "Timed runs of each writer")->check(CLI::Range(1, 100));
  app.add_option("--zstd-level", options.zstd_level, "zstd level of the native writer");
  app.add_flag("--native-only", native_only, "Time only ParquetFileWriter (for profiling)");
  CLI11_PARSE(app, argc, argv);
  try {
    adxm::Status status = adxm::Run(source, out, runs, native_only, options);
    if (status.ok()) return 0;
    std::fprintf(stderr, "adxm_bench_parquet_write: %s\n", status.ToString().c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "adxm_bench_parquet_write: internal error: %s\n", e.what());
  }
  return 1;
}
