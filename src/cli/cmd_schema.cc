#include <cstdio>
#include <string>

#include "cli/commands.h"
#include "schema/schema.h"

namespace adxm {

std::function<int()> SetupSchema(CLI::App* app) {
  auto format = std::make_shared<std::string>("markdown");
  auto location = std::make_shared<std::string>("s3://YOUR-BUCKET/warehouse/");
  app->add_option("--format", *format, "markdown (docs/schema.md), sql (DuckDB CREATE TABLE) or glue (Athena DDL)")
      ->check(CLI::IsMember({"markdown", "sql", "glue"}));
  app->add_option("--location", *location, "S3 warehouse location for --format glue");
  return [format, location]() -> int {
    std::string text;
    if (*format == "markdown") {
      text = SchemaMarkdown();
    } else if (*format == "sql") {
      text = CreateTableSql(std::string(kDatabaseName) + "." + std::string(kTableName)) + ";\n";
    } else {
      text = GlueTableDdl(kDatabaseName, *location) + ";\n";
    }
    std::fputs(text.c_str(), stdout);
    return kExitOk;
  };
}

}  // namespace adxm
