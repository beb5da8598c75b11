// Section 3: query latencies on a synthetic 10M-event dataset, and partition pruning.
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "bench/bench_data.h"
#include "bench/bench_queries.h"
#include "bench/sections.h"

namespace adxm {
namespace {

namespace fs = std::filesystem;

constexpr unsigned long long kQueryEvents = 10'000'000;
constexpr double kTargetMs = 200;

using KeyValues = std::map<std::string, std::string>;

/// Split a bench program's output into its `key=value` lines.
std::vector<KeyValues> ParseLines(const std::string& out) {
  std::vector<KeyValues> lines;
  size_t pos = 0;
  while (pos < out.size()) {
    size_t end = out.find('\n', pos);
    if (end == std::string::npos) end = out.size();
    lines.push_back(ParseKeyValues(std::string_view(out).substr(pos, end - pos)));
    pos = end + 1;
  }
  return lines;
}

/// Return the line whose `key` is `index` (e.g. query=1), or an empty map.
KeyValues LineFor(const std::vector<KeyValues>& lines, const std::string& key, size_t index) {
  for (const KeyValues& line : lines) {
    auto it = line.find(key);
    if (it != line.end() && it->second == std::to_string(index)) return line;
  }
  return {};
}

/// Time `adxmetrics query` processes for `query`: one warm-up, then query_runs timed runs.
Result<Samples> TimeQueryProcess(const BenchContext& context, const fs::path& warehouse, const BenchQuery& query) {
  std::vector<std::string> argv = {context.adxmetrics.string(), "query", "--warehouse", warehouse.string(),
                                   "--format", "csv", std::string(query.sql)};
  Samples samples;
  ADXM_RETURN_IF_ERROR(RunChecked(argv, context.stderr_log()).status());
  for (int run = 0; run < context.query_runs; ++run) {
    ADXM_ASSIGN_OR_RETURN(ProcessResult result, RunChecked(argv, context.stderr_log()));
    samples.Add(result);
  }
  return samples;
}

void PrintPruning(const std::vector<KeyValues>& lines, double total_rows) {
  for (size_t index = 0; index < kBenchQueries.size(); ++index) {
    KeyValues line = LineFor(lines, "pruning", index);
    if (line.empty()) continue;
    double rows = NumberOf(line, "rows_scanned");
    std::printf("  pruning, %s: files read: %.0f of %.0f; rows out of the scan: %s of %s\n",
                std::string(kBenchQueries[index].name).c_str(), NumberOf(line, "files_read"),
                NumberOf(line, "files_total"), Thousands(static_cast<unsigned long long>(rows)).c_str(),
                Thousands(static_cast<unsigned long long>(total_rows)).c_str());
  }
}

}  // namespace

Status RunQueryBench(const BenchContext& context) {
  PrintSection("Queries on a synthetic 10M-event dataset");
  ADXM_ASSIGN_OR_RETURN(fs::path warehouse, EnsureQueryWarehouse(context, context.work / "query-10m", kQueryEvents));
  ADXM_ASSIGN_OR_RETURN(ProcessResult in_process,
                        RunChecked({context.Program("adxm_bench_query").string(), "run", "--warehouse",
                                    warehouse.string(), "--runs", std::to_string(context.query_runs)},
                                   context.stderr_log()));
  std::vector<KeyValues> lines = ParseLines(in_process.out);
  KeyValues totals = ParseKeyValues(in_process.out);
  std::printf("  dataset: %s rows in %.0f Parquet files (one per day, 2023-04-01 + 90 days); median of %d runs\n",
              Thousands(static_cast<unsigned long long>(NumberOf(totals, "total_rows"))).c_str(),
              NumberOf(totals, "files"), context.query_runs);
  std::printf("  process = `adxmetrics query` wall time (DuckDB start-up, views, query, output);\n"
              "  in-process = QueryEngine::Run only (engine already open; opening took %.0f ms)\n",
              NumberOf(totals, "open_ms"));
  Table table({"query", "process ms", "process RSS MB", "in-process ms", "result rows", "verdict (process)"});
  for (size_t index = 0; index < kBenchQueries.size(); ++index) {
    ADXM_ASSIGN_OR_RETURN(Samples process, TimeQueryProcess(context, warehouse, kBenchQueries[index]));
    KeyValues line = LineFor(lines, "query", index);
    double process_ms = process.MedianSeconds() * 1e3;
    table.AddRow({std::string(kBenchQueries[index].name), Fixed(process_ms, 0), Fixed(process.PeakRssMb(), 0),
                  Fixed(NumberOf(line, "median_ms"), 1), Thousands(static_cast<unsigned long long>(NumberOf(line, "rows"))),
                  Verdict(process_ms, kTargetMs, false, " ms")});
  }
  table.Print();
  PrintPruning(lines, NumberOf(totals, "total_rows"));
  return Status::OK();
}

}  // namespace adxm
