// adxm_bench: the benchmark driver behind `make bench`.
//
// Runs each measured program as a child process (fork/exec, wall time from steady_clock, peak RSS
// from wait4) and prints tables of medians, ratios and target verdicts. Benchmarks print numbers;
// nothing here asserts on time. Inputs are generated once and cached in --work.
//
// Usage: adxm_bench [--events 200000[,2000000]] [--runs 3] [--query-runs 5] [--work DIR]
//                   [--matrix-events 50000] [--matrix-runs N] [--matrix-cells 100r-1d-1g,...]
//                   [--compare OTHER_BUILD/adxmetrics]
//                   [--only ingest,matrix,smallfiles,queries,reports]
#include <CLI/CLI.hpp>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "base/file_util.h"
#include "bench/sections.h"

namespace adxm {
namespace {

namespace fs = std::filesystem;

/// Command-line options.
struct BenchArgs {
  std::vector<unsigned long long> events = {200000};  // Bulk bucket sizes for the ingest section.
  int runs = 3;                                       // Runs per ingest measurement.
  int query_runs = 5;                                 // Runs per query measurement.
  std::string work;                                   // Work dir; default <build>/bench-work.
  unsigned long long matrix_events = 50000;           // Qualifying events per matrix cell.
  int matrix_runs = 0;                                // Runs per matrix measurement; 0 = runs.
  std::vector<std::string> matrix_cells;              // Only these matrix cells; empty: all.
  std::string compare;                                // Another build's adxmetrics to race (matrix).
  std::vector<std::string> only;                      // Sections to run; empty = all.
};

/// Return the directory holding this executable (<build>/bench).
fs::path ExecutableDir() {
  std::error_code error;
  fs::path self = fs::read_symlink("/proc/self/exe", error);
  return error ? fs::current_path() : self.parent_path();
}

Result<BenchContext> MakeContext(const BenchArgs& args) {
  BenchContext context;
  context.bench_bin = ExecutableDir();
  fs::path build_dir = context.bench_bin.parent_path();
  context.adxmetrics = build_dir / "adxmetrics";
  context.work = args.work.empty() ? build_dir / "bench-work" : fs::absolute(args.work);
  context.runs = args.runs;
  context.query_runs = args.query_runs;
  if (!fs::exists(context.adxmetrics)) {
    return Status::NotFound(context.adxmetrics.string() + ": not built (run `make build`)");
  }
  if (!args.compare.empty()) {
    context.compare = fs::absolute(args.compare);
    if (!fs::is_regular_file(context.compare)) {
      return Status::NotFound("--compare " + context.compare.string() + ": not a file");
    }
  }
  ADXM_RETURN_IF_ERROR(CreateDirs(context.work));
  return context;
}

Status RunBench(const BenchArgs& args) {
  ADXM_ASSIGN_OR_RETURN(BenchContext context, MakeContext(args));
  std::set<std::string> only(args.only.begin(), args.only.end());
  auto wanted = [&](const char* section) { return only.empty() || only.count(section) > 0; };
  PrintMachine();
  std::printf("work dir: %s\n", context.work.string().c_str());
  if (wanted("ingest")) {
    std::vector<IngestFigures> sizes;
    for (unsigned long long events : args.events) {
      ADXM_ASSIGN_OR_RETURN(IngestFigures figures, RunIngestBench(context, events));
      sizes.push_back(figures);
    }
    PrintIngestScaling(sizes);
    IngestFigures long_bucket;
    int long_days = LongBucketDays(args.events.front(), args.events.back());
    if (sizes.size() >= 2) {
      ADXM_ASSIGN_OR_RETURN(long_bucket, RunLongBucketBench(context, args.events.front(), args.events.back()));
      PrintLongBucketScaling(sizes.front(), long_bucket, long_days);
    }
    PrintRssVerdicts(sizes, long_bucket, long_days);
  }
  if (!context.compare.empty() && !wanted("matrix")) {
    std::printf("note: --compare applies to the matrix only (--only matrix)\n");
  }
  if (wanted("matrix")) {
    MatrixOptions matrix{args.matrix_events, args.matrix_runs > 0 ? args.matrix_runs : args.runs, args.matrix_cells};
    ADXM_RETURN_IF_ERROR(RunMatrixBench(context, matrix));
  }
  if (wanted("smallfiles")) ADXM_RETURN_IF_ERROR(RunSmallFilesBench(context));
  if (wanted("queries")) ADXM_RETURN_IF_ERROR(RunQueryBench(context));
  if (wanted("reports")) ADXM_RETURN_IF_ERROR(RunReportBench(context));
  std::printf("\ndone; load average %s\n", LoadAverage().c_str());
  return Status::OK();
}

}  // namespace
}  // namespace adxm

int main(int argc, char** argv) {
  adxm::BenchArgs args;
  CLI::App app{"adxmetrics benchmarks: ingest vs DuckDB SQL vs the floor, small files, queries, reports"};
  app.add_option("--events", args.events, "Qualifying events of the bulk bucket(s), e.g. 200000,2000000")
      ->delimiter(',')
      ->check(CLI::Range(1000ull, 100'000'000ull));
  app.add_option("--runs", args.runs, "Runs per ingest measurement (median reported)")->check(CLI::Range(1, 100));
  app.add_option("--query-runs", args.query_runs, "Runs per query measurement")->check(CLI::Range(1, 1000));
  app.add_option("--work", args.work, "Work directory for cached inputs and outputs (default: <build>/bench-work)");
  app.add_option("--matrix-events", args.matrix_events, "Qualifying events per cell of the ingest matrix")
      ->check(CLI::Range(1000ull, 10'000'000ull));
  app.add_option("--matrix-runs", args.matrix_runs, "Runs per matrix measurement (default: --runs)")
      ->check(CLI::Range(1, 100));
  app.add_option("--matrix-cells", args.matrix_cells, "Only these matrix cells, e.g. 100r-1d-1g,5000r-30d-3g")
      ->delimiter(',');
  app.add_option("--compare", args.compare,
                 "Another build's adxmetrics: its ingest joins each matrix cell's round-robin (a/b of two builds)");
  app.add_option("--only", args.only, "Sections to run: ingest, matrix, smallfiles, queries, reports")
      ->delimiter(',')
      ->check(CLI::IsMember({"ingest", "matrix", "smallfiles", "queries", "reports"}));
  CLI11_PARSE(app, argc, argv);
  // Tables appear as each section finishes, even when piped through tee.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  try {
    adxm::Status status = adxm::RunBench(args);
    if (status.ok()) return 0;
    std::fprintf(stderr, "adxm_bench: %s\n", status.ToString().c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "adxm_bench: internal error: %s\n", e.what());
  }
  return 1;
}
