#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>

#include "base/file_util.h"
#include "cli/cli_util.h"
#include "cli/commands.h"
#include "query/format.h"
#include "query/query_engine.h"

namespace adxm {
namespace {

struct QueryArgs {
  WarehouseArgs warehouse;
  std::string format = "table";
  std::string sql;
  std::string file;
  QueryEngineOptions engine;
};

// Half the machine's memory: a runaway query slows a laptop down but leaves it usable.
std::string DefaultMemoryLimit() {
  long pages = ::sysconf(_SC_PHYS_PAGES);
  long page_size = ::sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page_size <= 0) return "";
  return std::to_string(static_cast<unsigned long long>(pages) * page_size / 2 / (1 << 20)) + "MiB";
}

// The SQL comes from the argument, --file, or standard input, in that order.
Result<std::string> ReadSql(const QueryArgs& args) {
  if (!args.sql.empty() && !args.file.empty()) {
    return Status::InvalidArgument("give the SQL either as an argument or with --file, not both");
  }
  if (!args.sql.empty()) return args.sql;
  if (!args.file.empty()) return ReadFile(args.file);
  if (::isatty(STDIN_FILENO) == 1) {
    return Status::InvalidArgument("no SQL given: pass it as an argument, with --file, or on standard input");
  }
  return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
}

int RunQuery(const QueryArgs& args) {
  auto format = ParseOutputFormat(args.format);
  if (!format.ok()) return UsageFail(format.status().message());
  auto sql = ReadSql(args);
  if (!sql.ok()) {
    return sql.status().code() == StatusCode::kInvalidArgument ? UsageFail(sql.status().message())
                                                                : Fail(sql.status());
  }
  if (sql->find_first_not_of(" \t\r\n;") == std::string::npos) {
    return UsageFail("no SQL given: the query text is empty");
  }
  QueryEngineOptions engine_options = args.engine;
  engine_options.store = ToStoreOptions(args.warehouse);
  auto engine = QueryEngine::Open(args.warehouse.location, engine_options);
  if (!engine.ok()) return Fail(engine.status());
  auto table = (*engine)->Run(*sql);
  if (!table.ok()) return Fail(table.status());
  // fwrite, not fputs: a value may hold NUL bytes, and every byte after one must still be printed.
  std::string text = FormatTable(*table, *format);
  if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout) != 0) {
    return Fail(Status::IoError("standard output: write failed"));
  }
  return kExitOk;
}

}  // namespace

std::function<int()> SetupQuery(CLI::App* app) {
  auto args = std::make_shared<QueryArgs>();
  AddWarehouseOptions(app, &args->warehouse, /*required=*/true);
  app->add_option("--format", args->format, "Output format: table, csv, json or markdown")
      ->check(CLI::IsMember({"table", "csv", "json", "markdown"}));
  app->add_option("--file", args->file, "Read the SQL from this file");
  args->engine.timeout_seconds = 600;
  args->engine.memory_limit = DefaultMemoryLimit();
  app->add_option("--timeout", args->engine.timeout_seconds, "Stop a query running longer than this many seconds (0: no limit)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app->add_option("--memory-limit", args->engine.memory_limit,
                  "Memory the query may use, e.g. 512MB or 4GB (default: half of this machine's memory)")
      ->capture_default_str();
  app->add_option("sql", args->sql, "SQL to run (read-only); omit to read --file or standard input");
  app->footer(
      "The dataset is the view \"adx_metrics_curated\".\"adx_for_s3_metrics\" (also adx_for_s3_metrics);\n"
      "year, month and day are zero-padded strings, so the AWS sample's Athena queries run verbatim.");
  return [args]() -> int { return RunQuery(*args); };
}

}  // namespace adxm
