// Section 4: every usage report on the synthetic 10M-event dataset of the query section.
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>

#include "bench/bench_data.h"
#include "bench/sections.h"

namespace adxm {
namespace {

namespace fs = std::filesystem;
using KeyValues = std::map<std::string, std::string>;

constexpr unsigned long long kReportEvents = 10'000'000;
constexpr double kTargetMs = 200;
constexpr const char* kReports[] = {"summary",  "subscribers", "events", "objects", "daily",
                                    "inactive", "spikes",      "errors", "clients", "access-points"};

/// Time `adxmetrics report NAME --month 2023-05 --format csv` processes: one warm-up, then query_runs runs.
Result<Samples> TimeReportProcess(const BenchContext& context, const fs::path& warehouse, const std::string& name) {
  std::vector<std::string> argv = {context.adxmetrics.string(),
                                   "report",
                                   name,
                                   "--warehouse",
                                   warehouse.string(),
                                   "--month",
                                   "2023-05",
                                   "--format",
                                   "csv"};
  Samples samples;
  ADXM_RETURN_IF_ERROR(RunChecked(argv, context.stderr_log()).status());
  for (int run = 0; run < context.query_runs; ++run) {
    ADXM_ASSIGN_OR_RETURN(ProcessResult result, RunChecked(argv, context.stderr_log()));
    samples.Add(result);
  }
  return samples;
}

/// The key=value line of `report` in the in-process output.
KeyValues LineOf(const std::string& out, const std::string& report) {
  size_t pos = out.find("report=" + report + " ");
  if (pos == std::string::npos) return {};
  size_t end = out.find('\n', pos);
  return ParseKeyValues(std::string_view(out).substr(pos, end - pos));
}

}  // namespace

Status RunReportBench(const BenchContext& context) {
  PrintSection("Usage reports on the synthetic 10M-event dataset");
  ADXM_ASSIGN_OR_RETURN(fs::path warehouse, EnsureQueryWarehouse(context, context.work / "query-10m", kReportEvents));
  ADXM_ASSIGN_OR_RETURN(ProcessResult in_process,
                        RunChecked({context.Program("adxm_bench_report").string(), "--warehouse", warehouse.string(),
                                    "--runs", std::to_string(context.query_runs), "--month", "2023-05"},
                                   context.stderr_log()));
  KeyValues totals = ParseKeyValues(in_process.out);
  std::printf(
      "  one month = --month 2023-05 (3.4M of 10M rows); all = the whole dataset (90 days); median of %d runs\n"
      "  process = `adxmetrics report NAME --month 2023-05 --format csv` wall time; in-process = ReportRunner::Run\n"
      "  (runner already open; opening took %.0f ms)\n",
      context.query_runs, NumberOf(totals, "open_ms"));
  double sample_ms = NumberOf(totals, "sample_ms");
  std::printf("  yardstick: the AWS sample's `events by name` query over the same month, in-process: %.1f ms\n",
              sample_ms);
  Table table({"report", "process ms", "RSS MB", "month ms", "x sample", "month rows", "all ms", "all rows",
               "verdict (process)"});
  for (const char* report : kReports) {
    ADXM_ASSIGN_OR_RETURN(Samples process, TimeReportProcess(context, warehouse, report));
    KeyValues line = LineOf(in_process.out, report);
    double process_ms = process.MedianSeconds() * 1e3;
    table.AddRow({report, Fixed(process_ms, 0), Fixed(process.PeakRssMb(), 0), Fixed(NumberOf(line, "month_ms"), 1),
                  Fixed(NumberOf(line, "month_ms") / sample_ms, 1),
                  Thousands(static_cast<unsigned long long>(NumberOf(line, "month_rows"))),
                  Fixed(NumberOf(line, "all_ms"), 1),
                  Thousands(static_cast<unsigned long long>(NumberOf(line, "all_rows"))),
                  Verdict(process_ms, kTargetMs, false, " ms")});
  }
  table.Print();
  std::printf("  statement (busiest subscriber, one month, 5 sections), in-process: %.1f ms\n",
              NumberOf(totals, "statement_ms"));
  return Status::OK();
}

}  // namespace adxm
