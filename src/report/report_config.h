// The warehouse's report configuration, `<warehouse>/adxmetrics.toml` (optional):
//
//   [reports]
//   subscribers = "subscribers.csv"   # account_id,name,... (relative paths: to the warehouse)
//   datasets = "datasets.csv"         # access_point_arn,dataset,...
//   provider = "Acme Data"            # name printed on statements
//
// Command-line options override it. Unknown tables or keys are errors (a typo must not be ignored).
//
// Thread-safety: pure functions.
// Example:
//   ADXM_ASSIGN_OR_RETURN(ReportConfig config, LoadReportConfig(warehouse));
#pragma once

#include <filesystem>
#include <string>

#include "base/status.h"
#include "report/report_runner.h"

namespace adxm {

/// The file name of the configuration inside a warehouse.
inline constexpr std::string_view kReportConfigFile = "adxmetrics.toml";

/// Settings from adxmetrics.toml.
struct ReportConfig {
  MappingFiles mappings;  // Absolute or relative to the current directory after loading.
  std::string provider;   // Provider name for statements; empty if not set.
};

/// Load `<warehouse>/adxmetrics.toml`; no file gives an empty config. InvalidArgument names the
/// file (and line) of a syntax error, an unknown key or a value of the wrong type.
Result<ReportConfig> LoadReportConfig(const std::filesystem::path& warehouse);

}  // namespace adxm
