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
  std::string warehouse;
  std::string format = "table";
  std::string sql;
  std::string file;
};

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
  auto engine = QueryEngine::Open(args.warehouse);
  if (!engine.ok()) return Fail(engine.status());
  auto table = (*engine)->Run(*sql);
  if (!table.ok()) return Fail(table.status());
  std::fputs(FormatTable(*table, *format).c_str(), stdout);
  return kExitOk;
}

}  // namespace

std::function<int()> SetupQuery(CLI::App* app) {
  auto args = std::make_shared<QueryArgs>();
  app->add_option("--warehouse", args->warehouse, "Directory of the curated dataset")->required();
  app->add_option("--format", args->format, "Output format: table, csv, json or markdown")
      ->check(CLI::IsMember({"table", "csv", "json", "markdown"}));
  app->add_option("--file", args->file, "Read the SQL from this file");
  app->add_option("sql", args->sql, "SQL to run (read-only); omit to read --file or standard input");
  app->footer(
      "The dataset is the view \"adx_metrics_curated\".\"adx_for_s3_metrics\" (also adx_for_s3_metrics);\n"
      "year, month and day are zero-padded strings, so the AWS sample's Athena queries run verbatim.");
  return [args]() -> int { return RunQuery(*args); };
}

}  // namespace adxm
