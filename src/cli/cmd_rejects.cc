// `adxmetrics rejects`: the warehouse's rejection ledger as a table.
#include <cstdio>
#include <ctime>
#include <optional>
#include <filesystem>
#include <memory>
#include <string>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "query/format.h"
#include "base/civil_time.h"
#include "warehouse/local_store.h"
#include "warehouse/manifest.h"

namespace adxm {
namespace {

struct RejectsArgs {
  WarehouseArgs warehouse;
  std::string format = "table";
  uint64_t max_attempts = 3;
};


int RunRejects(const RejectsArgs& args) {
  auto format = ParseOutputFormat(args.format);
  if (!format.ok()) return UsageFail(format.status().message());
  std::error_code error;
  if (!IsS3Uri(args.warehouse.location) && !std::filesystem::is_directory(args.warehouse.location, error)) {
    return Fail(Status::NotFound("warehouse " + args.warehouse.location + ": no such directory"));
  }
  auto store = OpenStore(args.warehouse.location, ToStoreOptions(args.warehouse));
  if (!store.ok()) return Fail(store.status());
  auto manifest = Manifest::Open(store->get());
  if (!manifest.ok()) return Fail(manifest.status());
  QueryTable table;
  table.column_names = {"key", "status", "attempts", "reason", "size", "version", "first_seen", "last_seen",
                         "record", "raw_json"};
  const ManifestState& state = (*manifest)->state();
  for (const auto& [key, reject] : state.rejects) {
    std::string status = reject.attempts >= args.max_attempts ? "quarantined" : "retrying";
    table.rows.push_back({key, status, std::to_string(reject.attempts), reject.reason, std::to_string(reject.size),
                          reject.version, FormatIsoUtc(reject.first_seen), FormatIsoUtc(reject.last_seen), std::nullopt,
                          std::nullopt});
  }
  // Malformed records: their objects are ingested; each bad record is kept here (the newest).
  for (const QuarantinedRecord& record : state.quarantined) {
    table.rows.push_back({record.key, "malformed record", std::nullopt, record.reason, std::nullopt, std::nullopt,
                          FormatIsoUtc(record.time), FormatIsoUtc(record.time), std::to_string(record.record_index),
                          record.raw_json});
  }
  if (state.quarantined_total > state.quarantined.size()) {
    std::fprintf(stderr, "adxmetrics: %llu malformed records in all; the newest %zu are kept\n",
                 static_cast<unsigned long long>(state.quarantined_total), state.quarantined.size());
  }
  table.column_types.assign(table.column_names.size(), "VARCHAR");
  table.numeric.assign(table.column_names.size(), false);
  std::fputs(FormatTable(table, *format).c_str(), stdout);
  return kExitOk;
}

}  // namespace

std::function<int()> SetupRejects(CLI::App* app) {
  auto args = std::make_shared<RejectsArgs>();
  AddWarehouseOptions(app, &args->warehouse, /*required=*/true);
  app->add_option("--format", args->format, "Output format: table, csv, json or markdown")
      ->check(CLI::IsMember({"table", "csv", "json", "markdown"}));
  app->add_option("--max-attempts", args->max_attempts,
                  "Attempts after which an object counts as quarantined (as given to ingest)");
  return [args]() -> int { return RunRejects(*args); };
}

}  // namespace adxm
