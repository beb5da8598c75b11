// adxm_bench_report: in-process timings of every usage report on a warehouse.
//
//   adxm_bench_report --warehouse W [--runs 5] [--month 2023-05] [--profile REPORT]
//     Opens a ReportRunner on W (no mapping files) and times each report over --month and over
//     the whole dataset (median of --runs after one warm-up), then a statement for the busiest
//     subscriber of the month.
//
// Output is `key=value` lines for the bench driver: report=<name> month_ms=... all_ms=... rows=...
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "bench/bench_queries.h"
#include "db/duckdb.h"
#include "query/query_table.h"
#include "report/report.h"
#include "report/report_runner.h"
#include "report/statement.h"

namespace adxm {
namespace {

double MillisSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

/// Run `work` once to warm up, then `runs` times; return the median milliseconds.
template <typename Work>
Result<double> MedianMillis(int runs, Work work) {
  ADXM_RETURN_IF_ERROR(work());
  std::vector<double> millis;
  for (int run = 0; run < runs; ++run) {
    auto start = std::chrono::steady_clock::now();
    ADXM_RETURN_IF_ERROR(work());
    millis.push_back(MillisSince(start));
  }
  std::sort(millis.begin(), millis.end());
  return millis[millis.size() / 2];
}

Status TimeReports(const std::string& warehouse, int runs, const std::string& month) {
  auto start = std::chrono::steady_clock::now();
  ADXM_ASSIGN_OR_RETURN(auto runner, ReportRunner::Open(warehouse, {}));
  std::printf("open_ms=%.1f\n", MillisSince(start));
  // The AWS sample's second query over the same month, as a yardstick for the machine's load.
  ADXM_ASSIGN_OR_RETURN(double sample_ms,
                        MedianMillis(runs, [&] { return runner->engine()->Run(kBenchQueries[1].sql).status(); }));
  std::printf("sample_ms=%.1f\n", sample_ms);
  ReportParams one_month;
  one_month.month = month;
  ReportParams everything;
  for (const Report& report : Reports()) {
    size_t rows = 0;
    auto run = [&](const ReportParams& params) -> Status {
      ADXM_ASSIGN_OR_RETURN(ReportResult result, runner->Run(report, params));
      rows = result.table.rows.size();
      return Status::OK();
    };
    ADXM_ASSIGN_OR_RETURN(double all_ms, MedianMillis(runs, [&] { return run(everything); }));
    size_t all_rows = rows;
    ADXM_ASSIGN_OR_RETURN(double month_ms, MedianMillis(runs, [&] { return run(one_month); }));
    std::printf("report=%s month_ms=%.1f month_rows=%zu all_ms=%.1f all_rows=%zu\n", std::string(report.name).c_str(),
                month_ms, rows, all_ms, all_rows);
  }
  ADXM_ASSIGN_OR_RETURN(ReportResult busiest, runner->Run(*FindReport("subscribers"), one_month));
  ReportParams statement = one_month;
  statement.subscriber = busiest.table.rows.at(0).at(0).value_or("");
  ADXM_ASSIGN_OR_RETURN(double statement_ms,
                        MedianMillis(runs, [&] { return BuildStatement(runner.get(), statement, "").status(); }));
  std::printf("statement_ms=%.1f subscriber=%s\n", statement_ms, statement.subscriber.c_str());
  return Status::OK();
}

/// Print the EXPLAIN ANALYZE profile of report `name` over `month`.
Status Profile(const std::string& warehouse, const std::string& name, const std::string& month) {
  const Report* report = FindReport(name);
  if (report == nullptr) return Status::InvalidArgument("no report " + name);
  ADXM_ASSIGN_OR_RETURN(auto runner, ReportRunner::Open(warehouse, {}));
  ReportParams params;
  params.month = month;
  ADXM_ASSIGN_OR_RETURN(Period period, runner->ResolvePeriod(params));
  ADXM_ASSIGN_OR_RETURN(auto statement, runner->Prepare("EXPLAIN ANALYZE " + std::string(report->sql), params, period));
  ADXM_ASSIGN_OR_RETURN(QueryResult result, statement->Execute());
  ADXM_ASSIGN_OR_RETURN(QueryTable table, QueryTable::Read(&result));
  for (const auto& row : table.rows) std::printf("%s\n", row.back().value_or("").c_str());
  return Status::OK();
}

}  // namespace
}  // namespace adxm

int main(int argc, char** argv) {
  std::string warehouse;
  std::string month = "2023-05";
  int runs = 5;
  CLI::App app{"Report benchmark: time every usage report through a ReportRunner"};
  app.add_option("--warehouse", warehouse, "Warehouse to report on")->required();
  app.add_option("--runs", runs, "Timed runs per report")->check(CLI::Range(1, 1000));
  app.add_option("--month", month, "Month of the one-month timings (YYYY-MM)");
  std::string profile;
  app.add_option("--profile", profile, "Print EXPLAIN ANALYZE of this report over --month instead of timing");
  CLI11_PARSE(app, argc, argv);
  try {
    adxm::Status status =
        profile.empty() ? adxm::TimeReports(warehouse, runs, month) : adxm::Profile(warehouse, profile, month);
    if (status.ok()) return 0;
    std::fprintf(stderr, "adxm_bench_report: %s\n", status.ToString().c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "adxm_bench_report: internal error: %s\n", e.what());
  }
  return 1;
}
