// Child processes for the bench driver: run a command, measure its wall time and peak RSS.
//
// Wall time comes from steady_clock around fork/exec … wait4; CPU time and peak RSS from wait4's
// rusage (ru_utime + ru_stime, ru_maxrss in KiB) of that child alone. On a shared machine CPU time
// is the steadier figure: other users' work stretches wall time, not our CPU time. The child's stdout is captured (the bench programs print
// `key=value` results); its stderr goes to a log file so progress lines never reach a terminal.
//
// Thread-safety: call from one thread.
// Example:
//   ADXM_ASSIGN_OR_RETURN(ProcessResult run, RunProcess({"build/adxmetrics", "--version"}, "/tmp/err"));
//   std::printf("%.3f s, %lld KiB\n", run.seconds, run.max_rss_kib);
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace adxm {

/// What one child process did.
struct ProcessResult {
  int exit_code = 0;           // Exit status, or 128 + signal number if killed.
  double seconds = 0;          // Wall time from fork to reaped.
  double cpu_seconds = 0;      // User + system CPU time of the child.
  long long max_rss_kib = 0;   // Peak resident set size (ru_maxrss).
  std::string out;             // Everything it wrote to stdout.
};

/// Run `argv` (argv[0] is a path) to completion; its stderr goes to `stderr_path` (truncated).
/// IoError if it cannot be started; a non-zero exit is reported in the result, not as an error.
Result<ProcessResult> RunProcess(const std::vector<std::string>& argv, const std::filesystem::path& stderr_path);

/// Like RunProcess, but a non-zero exit is an Internal error quoting the end of its stderr.
Result<ProcessResult> RunChecked(const std::vector<std::string>& argv, const std::filesystem::path& stderr_path);

/// Parse `key=value` words (separated by spaces or newlines) from a bench program's output.
std::map<std::string, std::string> ParseKeyValues(std::string_view text);

/// Return the number in `values[key]`, or 0 if missing or not a number.
double NumberOf(const std::map<std::string, std::string>& values, const std::string& key);

}  // namespace adxm
