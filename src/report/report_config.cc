#include "report/report_config.h"

#include <toml++/toml.h>

#include <system_error>

namespace adxm {
namespace {

Status ConfigError(const std::filesystem::path& file, const toml::source_region& where, const std::string& what) {
  return Status::InvalidArgument(file.string() + ":" + std::to_string(where.begin.line) + ": " + what);
}

}  // namespace

Result<ReportConfig> LoadReportConfig(const std::filesystem::path& warehouse) {
  std::filesystem::path file = warehouse / kReportConfigFile;
  std::error_code error;
  ReportConfig config;
  if (!std::filesystem::exists(file, error)) return config;
  // Debian's toml++ is built with exceptions: its parse error is caught here and becomes a Status.
  toml::table parsed;
  try {
    parsed = toml::parse_file(file.string());
  } catch (const toml::parse_error& error) {
    return ConfigError(file, error.source(), std::string(error.description()));
  }
  for (auto&& [table_name, node] : parsed) {
    const toml::table* table = node.as_table();
    if (table_name != "reports" || table == nullptr) {
      return ConfigError(file, node.source(),
                         "unknown setting '" + std::string(table_name.str()) + "' (expected a [reports] table)");
    }
    for (auto&& [key, value] : *table) {
      const std::string* text = value.is_string() ? &value.as_string()->get() : nullptr;
      if (text == nullptr)
        return ConfigError(file, value.source(), "reports." + std::string(key.str()) + " must be a string");
      std::filesystem::path path = *text;
      if (path.is_relative()) path = warehouse / path;
      if (key == "subscribers") {
        config.mappings.subscribers = path;
      } else if (key == "datasets") {
        config.mappings.datasets = path;
      } else if (key == "provider") {
        config.provider = *text;
      } else {
        return ConfigError(
            file, value.source(),
            "unknown key reports." + std::string(key.str()) + " (expected subscribers, datasets or provider)");
      }
    }
  }
  return config;
}

}  // namespace adxm
