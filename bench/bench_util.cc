#include "bench/bench_util.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include <simdjson.h>

namespace adxm {
namespace {

// Return the value of the first "<key>: value" line of a /proc file, or "".
std::string ProcField(const char* path, std::string_view key) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) != 0) continue;
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    size_t begin = line.find_first_not_of(" \t", colon + 1);
    return begin == std::string::npos ? "" : line.substr(begin);
  }
  return "";
}

// Return the first line of a command's output, or "unknown".
std::string CommandLine(const std::vector<std::string>& argv) {
  auto run = RunProcess(argv, "/dev/null");
  if (!run.ok() || run->exit_code != 0) return "unknown";
  return run->out.substr(0, run->out.find('\n'));
}

// Return the widest SIMD level the CPU offers of those the JSON parser uses, from /proc/cpuinfo's flags.
std::string SimdLevel() {
  std::istringstream flags(" " + ProcField("/proc/cpuinfo", "flags") + " ");
  std::set<std::string> have;
  for (std::string flag; flags >> flag;) have.insert(flag);
  if (have.count("avx512f") && have.count("avx512bw") && have.count("avx512vl")) return "AVX-512";
  if (have.count("avx2")) return "AVX2";
  if (have.count("sse4_2")) return "SSE4.2";
  return "no SSE4.2";
}

bool IsNumber(const std::string& cell) {
  return !cell.empty() && (std::isdigit(static_cast<unsigned char>(cell[0])) || cell[0] == '-');
}

}  // namespace

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t middle = values.size() / 2;
  return values.size() % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

double Samples::MedianSeconds() const { return Median(seconds_); }

double Samples::MinSeconds() const {
  return seconds_.empty() ? 0 : *std::min_element(seconds_.begin(), seconds_.end());
}

double Samples::PeakRssMb() const {
  long long peak = rss_kib_.empty() ? 0 : *std::max_element(rss_kib_.begin(), rss_kib_.end());
  return static_cast<double>(peak) * 1024 / 1e6;
}

void Table::Print() const {
  std::vector<size_t> widths(header_.size(), 0);
  auto widen = [&](const std::vector<std::string>& row) {
    for (size_t column = 0; column < row.size() && column < widths.size(); ++column) {
      widths[column] = std::max(widths[column], row[column].size());
    }
  };
  widen(header_);
  for (const auto& row : rows_) widen(row);
  auto print_row = [&](const std::vector<std::string>& row) {
    std::string line = " ";
    for (size_t column = 0; column < row.size() && column < widths.size(); ++column) {
      size_t pad = widths[column] - row[column].size();
      bool right = column > 0 && IsNumber(row[column]);
      line += " " + (right ? std::string(pad, ' ') + row[column] : row[column] + std::string(pad, ' '));
    }
    std::printf("%s\n", line.substr(0, line.find_last_not_of(' ') + 1).c_str());
  };
  print_row(header_);
  for (const auto& row : rows_) print_row(row);
}

std::string Fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof(text), "%.*f", decimals, value);
  return text;
}

std::string Thousands(unsigned long long value) {
  std::string digits = std::to_string(value);
  for (int pos = static_cast<int>(digits.size()) - 3; pos > 0; pos -= 3) digits.insert(pos, ",");
  return digits;
}

std::string Verdict(double value, double target, bool at_least, std::string_view unit) {
  bool met = at_least ? value >= target : value <= target;
  int decimals = unit == "x" ? 2 : 0;  // Ratios need decimals; ms, MB and objects/s do not.
  char text[128];
  std::snprintf(text, sizeof(text), "%.*f%.*s  %s (target %s %g%.*s)", decimals, value, static_cast<int>(unit.size()),
                unit.data(), met ? "met " : "MISS", at_least ? ">=" : "<=", target, static_cast<int>(unit.size()),
                unit.data());
  return text;
}

std::string LoadAverage() {
  // /proc files report size 0, so read them as streams.
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  if (!(in >> one >> five >> fifteen)) return "unknown";
  return one + " " + five + " " + fifteen;
}

void PrintSection(const std::string& title) {
  std::printf("\n== %s  [load average %s]\n", title.c_str(), LoadAverage().c_str());
  std::fflush(stdout);
}

void PrintMachine() {
  long pages = ::sysconf(_SC_PHYS_PAGES);
  long page_size = ::sysconf(_SC_PAGE_SIZE);
  std::string commit = CommandLine({"/usr/bin/git", "rev-parse", "--short", "HEAD"});
  std::string dirty = CommandLine({"/usr/bin/git", "status", "--porcelain", "--untracked-files=no"});
  std::printf("machine: %s, %u cores, %.1f GB RAM; commit %s%s; load average %s\n",
              ProcField("/proc/cpuinfo", "model name").c_str(), std::thread::hardware_concurrency(),
              static_cast<double>(pages) * static_cast<double>(page_size) / 1e9, commit.c_str(),
              dirty.empty() || dirty == "unknown" ? "" : " + uncommitted changes", LoadAverage().c_str());
  // libsimdjson picks its kernel for the running CPU; ingest and the floor get the same one.
  std::printf("cpu: %s; SIMD %s; simdjson kernel %s\n", ProcField("/proc/cpuinfo", "model name").c_str(),
              SimdLevel().c_str(), std::string(simdjson::get_active_implementation()->name()).c_str());
}

}  // namespace adxm
