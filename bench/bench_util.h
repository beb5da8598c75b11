// Shared pieces of the bench driver: where things are, repeated measurements, and tables.
//
// Thread-safety: none; the driver is single-threaded (its children are the measured programs).
// Example:
//   Samples ingest;
//   for (int run = 0; run < context.runs; ++run) ingest.Add(*RunChecked(argv, context.stderr_log()));
//   Table table({"program", "median s"});
//   table.AddRow({"ingest", Fixed(ingest.MedianSeconds(), 2)});
//   table.Print();
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "bench/process.h"

namespace adxm {

/// Where the driver finds its programs and keeps its data, and how often it repeats.
struct BenchContext {
  std::filesystem::path work;        // Cached buckets and datasets, scratch outputs.
  std::filesystem::path adxmetrics;  // The CLI under test.
  std::filesystem::path compare;     // Another build's CLI raced against it (--compare); empty: none.
  std::filesystem::path bench_bin;   // Directory of the adxm_bench_* programs.
  int runs = 3;                      // Runs per ingest measurement (median reported).
  int query_runs = 5;                // Runs per query measurement.

  /// Path of the bench program `name` (e.g. "adxm_bench_floor").
  std::filesystem::path Program(const std::string& name) const { return bench_bin / name; }
  /// Where a child's stderr goes (kept for the last child; quoted on failure).
  std::filesystem::path stderr_log() const { return work / "last-stderr.log"; }
};

/// Return the median of `values` (0 if empty).
double Median(std::vector<double> values);

/// Repeated runs of one measured program.
class Samples {
 public:
  /// Record one run.
  void Add(const ProcessResult& run) {
    seconds_.push_back(run.seconds);
    cpu_seconds_.push_back(run.cpu_seconds);
    rss_kib_.push_back(run.max_rss_kib);
  }
  double MedianSeconds() const;
  double MinSeconds() const;
  double MedianCpuSeconds() const { return Median(cpu_seconds_); }
  /// Highest peak RSS over the runs, in MB (10^6 bytes).
  double PeakRssMb() const;
  size_t size() const { return seconds_.size(); }

 private:
  std::vector<double> seconds_;
  std::vector<double> cpu_seconds_;
  std::vector<long long> rss_kib_;
};

/// A text table with aligned columns (numbers right-aligned).
class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void AddRow(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  /// Print to stdout, indented by two spaces.
  void Print() const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

/// Format `value` with `decimals` decimals.
std::string Fixed(double value, int decimals);
/// Format `value` with thousands separators: 1,234,567.
std::string Thousands(unsigned long long value);
/// Format a ratio against a target: "2.7x  MISS (target >= 5x)".
std::string Verdict(double value, double target, bool at_least, std::string_view unit = "x");

/// Return "<1 min> <5 min> <15 min>" load averages.
std::string LoadAverage();
/// Print a section title with the current load average.
void PrintSection(const std::string& title);
/// Print the machine and build this run measures: CPU, cores, RAM, commit, load; the CPU's SIMD
/// level and the simdjson kernel in use.
void PrintMachine();

}  // namespace adxm
