#include "schema/schema.h"

namespace adxm {

std::string_view DuckDbTypeName(ColumnType type) {
  switch (type) {
    case ColumnType::kVarchar: return "VARCHAR";
    case ColumnType::kBigint: return "BIGINT";
    case ColumnType::kTimestamp: return "TIMESTAMPTZ";
  }
  return "VARCHAR";
}

std::string_view AthenaTypeName(ColumnType type) {
  switch (type) {
    case ColumnType::kVarchar: return "string";
    case ColumnType::kBigint: return "bigint";
    case ColumnType::kTimestamp: return "timestamp";
  }
  return "string";
}

std::string CreateTableSql(std::string_view table_name) {
  std::string sql = "CREATE TABLE ";
  sql += table_name;
  sql += " (";
  for (size_t i = 0; i < kColumns.size(); ++i) {
    if (i > 0) sql += ", ";
    sql += '"';
    sql += kColumns[i].name;
    sql += "\" ";
    sql += DuckDbTypeName(kColumns[i].type);
  }
  sql += ")";
  return sql;
}

std::string EmptySelectSql() {
  std::string sql = "SELECT ";
  for (const Column& column : kColumns) {
    sql += "NULL::";
    sql += DuckDbTypeName(column.type);
    sql += " AS \"";
    sql += column.name;
    sql += "\", ";
  }
  for (size_t i = 0; i < kPartitionColumns.size(); ++i) {
    if (i > 0) sql += ", ";
    sql += "NULL::VARCHAR AS ";
    sql += kPartitionColumns[i];
  }
  sql += " WHERE false";
  return sql;
}

std::string GlueTableDdl(std::string_view database, std::string_view location) {
  std::string ddl = "CREATE EXTERNAL TABLE IF NOT EXISTS `";
  ddl += database;
  ddl += "`.`";
  ddl += kTableName;
  ddl += "` (\n";
  for (size_t i = 0; i < kColumns.size(); ++i) {
    ddl += "  `";
    ddl += kColumns[i].name;
    ddl += "` ";
    ddl += AthenaTypeName(kColumns[i].type);
    ddl += i + 1 < kColumns.size() ? ",\n" : "\n";
  }
  ddl += ")\nPARTITIONED BY (`year` string, `month` string, `day` string)\n";
  ddl += "STORED AS PARQUET\nLOCATION '";
  ddl += location;
  if (location.empty() || location.back() != '/') ddl += '/';
  ddl += kTableName;
  ddl += "/'\nTBLPROPERTIES ('parquet.compression'='ZSTD')";
  return ddl;
}

std::string SchemaMarkdown() {
  std::string md =
      "# Curated table `adx_metrics_curated.adx_for_s3_metrics`\n\n"
      "Generated from `src/schema/schema.h` by `adxmetrics schema --format markdown`; "
      "do not edit by hand.\n\n"
      "One row per qualifying CloudTrail S3 data event (see `docs/design.md`). Files live at\n"
      "`<warehouse>/adx_for_s3_metrics/year=YYYY/month=MM/day=DD/*.parquet` (zstd).\n"
      "Columns marked *sample* exist in the AWS sample's Glue table under the same name.\n\n"
      "| column | type (DuckDB / Athena) | origin | source field | meaning |\n"
      "|---|---|---|---|---|\n";
  for (const Column& column : kColumns) {
    md += "| `";
    md += column.name;
    md += "` | ";
    md += DuckDbTypeName(column.type);
    md += " / ";
    md += AthenaTypeName(column.type);
    md += column.from_sample ? " | sample | `" : " | added | `";
    md += column.source;
    md += "` | ";
    md += column.description;
    md += " |\n";
  }
  md +=
      "\nPartition columns (Hive-style, in the path, VARCHAR, zero-padded, from `eventTime` in UTC):\n\n"
      "| column | example |\n|---|---|\n"
      "| `year` | '2023' |\n| `month` | '05' |\n| `day` | '01' |\n"
      "\n## Which records become rows\n\n"
      "A record qualifies when it is an S3 data event (`eventSource` s3.amazonaws.com, `eventCategory` Data or\n"
      "absent), read-only, not a management event, and went through an ADX-owned access point. Only\n"
      "qualifying records are held to this schema: any other record (DynamoDB, Lambda, S3 Express, network\n"
      "activity, ...) is counted and skipped whatever the shape or type of its fields. A field that decides\n"
      "qualification and has the wrong JSON type counts as missing. Flags (`readOnly`, `managementEvent`)\n"
      "are read as `true`/`false` or the strings \"true\"/\"false\"; byte counts as a JSON integer, an\n"
      "integral number (1024.0) or a string of one (\"1024\").\n\n"
      "A qualifying record that cannot become a row is *malformed*: a field above of the wrong JSON type, a\n"
      "byte count below zero, a string with an invalid escape (an unpaired UTF-16 surrogate such as\n"
      "`\\ud800`), no or an empty `eventID`, no `eventTime`, an unparseable or implausible `eventTime`,\n"
      "or a duplicate key. It is\n"
      "reported (log object, record index, reason, raw JSON up to 4 KiB) and the object's other records\n"
      "are ingested.\n\n"
      "**Duplicate keys.** One rule: a JSON key that adxmetrics reads and that appears twice in the same\n"
      "object is an error, never silently resolved. In a record (at any depth adxmetrics reads, e.g.\n"
      "`eventID`, `userIdentity.accountId`, `resources[1].type`) it makes a qualifying record malformed; a\n"
      "second `Records` key rejects the whole log object, so no event is ever ingested twice. Keys\n"
      "adxmetrics does not read are not examined.\n\n"
      "**Anonymous requests.** Unsigned requests have `subscriber_account_id` = 'anonymous' whichever\n"
      "spelling the trail used (`anonymous`, or `ANONYMOUS_PRINCIPAL` in older trails), so the AWS\n"
      "sample's `subscriber_account_id != 'anonymous'` excludes them all. Where the record said\n"
      "`ANONYMOUS_PRINCIPAL` and named no principal, `principal_id` keeps that spelling.\n";
  return md;
}

}  // namespace adxm
