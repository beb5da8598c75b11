#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "cli/commands.h"
#include "cli/cli_util.h"
#include "ingest/ingest.h"
#include "source/log_source.h"
#include "source/s3_source.h"

namespace adxm {
namespace {

struct IngestArgs {
  std::string source;
  WarehouseArgs warehouse;
  std::string adx_accounts;
  bool all_access_points = false;
  int s3_in_flight = 32;
  IngestOptions options;
};

// A local warehouse must be a directory (or absent), at a path DuckDB reads literally.
Status CheckLocalWarehouse(const std::string& warehouse) {
  std::error_code error;
  if (std::filesystem::exists(warehouse, error) && !std::filesystem::is_directory(warehouse, error)) {
    return Status::InvalidArgument("warehouse " + warehouse + ": is a file, not a directory");
  }
  // Dedup and compaction read the warehouse's files through DuckDB, which expands *, ? and [...].
  std::string absolute = std::filesystem::absolute(warehouse, error).string();
  if (absolute.find_first_of("*?[") != std::string::npos) {
    return Status::InvalidArgument("warehouse " + absolute +
                                   ": the path holds *, ? or [, which DuckDB reads as a file pattern; "
                                   "rename or move the warehouse (or link to it from a plain path)");
  }
  return Status::OK();
}

int RunIngest(IngestArgs& args) {
  if (!args.adx_accounts.empty()) {
    auto accounts = ParseAccountList(args.adx_accounts);
    if (!accounts.ok()) return UsageFail(accounts.status().message());
    args.options.extract.adx_accounts = std::move(*accounts);
  }
  args.options.progress = ::isatty(STDERR_FILENO) == 1;
  args.options.extract.all_access_points = args.all_access_points;
  if (!IsS3Uri(args.warehouse.location)) {
    if (Status local = CheckLocalWarehouse(args.warehouse.location); !local.ok()) return Fail(local);
  }
  args.options.store = ToStoreOptions(args.warehouse);
  auto source = OpenLogSource(args.source, {.s3 = ToS3Options(args.warehouse.s3), .in_flight = args.s3_in_flight});
  if (!source.ok()) return Fail(source.status());
  auto report = Ingest(source->get(), args.warehouse.location, args.options);
  if (!report.ok()) return Fail(report.status());
  std::fputs(FormatIngestReport(*report).c_str(), stdout);
  if (!report->rejected.empty()) {
    std::fprintf(stderr, "adxmetrics: %zu object(s) rejected (`adxmetrics rejects` lists every rejected object)\n",
                 report->rejected.size());
  }
  if (!report->rejected_records.empty()) {
    std::fprintf(stderr, "adxmetrics: %zu malformed record(s) skipped; their objects' other records were ingested\n",
                 report->rejected_records.size());
  }
  if (!report->rejected.empty() || !report->rejected_records.empty()) return kExitRejected;
  return kExitOk;
}

}  // namespace

std::function<int()> SetupIngest(CLI::App* app) {
  auto args = std::make_shared<IngestArgs>();
  args->options.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  app->add_option("--source", args->source,
                  "Where the CloudTrail logs are: s3://bucket/prefix, or a directory (e.g. a synced log bucket)")
      ->required();
  app->add_option("--lookback-days", args->options.lookback_days,
                  "S3 sources: list day folders from the newest day already ingested minus this many days")
      ->check(CLI::Range(0, 3660))
      ->capture_default_str();
  app->add_flag("--full-scan", args->options.full_scan,
                "S3 sources: list every object, whatever its day (finds files delivered late into old folders)");
  app->add_option("--s3-in-flight", args->s3_in_flight, "S3 sources: objects fetched at once")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  AddWarehouseOptions(app, &args->warehouse, /*required=*/true);
  app->add_option("--threads", args->options.threads,
                  "Threads to use: extraction workers plus the ingest thread; at the end of a run, the threads "
                  "encoding the last commits (default: number of cores)")
      ->check(CLI::Range(1, 256));
  app->add_option("--adx-accounts", args->adx_accounts,
                  "Comma-separated access-point owner accounts that count as ADX (replaces the built-in list)");
  app->add_flag("--all-access-points", args->all_access_points,
                "Count requests through any S3 access point, not only ADX-owned ones");
  app->add_option("--max-object-bytes", args->options.extract.max_object_bytes,
                  "Reject a log object that decompresses to more than this many bytes (gzip bombs); "
                  "extraction holds at most --threads times this much")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1} << 20, size_t{1} << 32));
  app->add_option("--inflate", args->options.extract.inflater,
                  "Gunzip with libdeflate (default) or isal (Intel ISA-L); docs/performance.md compares them")
      ->transform(CLI::CheckedTransformer(std::map<std::string, Inflater>{{"libdeflate", Inflater::kLibdeflate},
                                                                          {"isal", Inflater::kIsal}}));
  app->add_option("--commit-objects", args->options.max_objects_per_commit,
                  "Commit after this many objects (default: by buffered size only)");
  app->add_option("--max-files-per-day", args->options.max_files_per_day,
                  "Compact a day holding more Parquet files than this")
      ->check(CLI::Range(1, 100000));
  app->add_option("--max-loaded-days", args->options.max_loaded_days,
                  "Days whose eventIDs stay in memory for dedup whatever their size (16 bytes a slot, at most "
                  "3/4 full); more stay while all take at most --max-loaded-id-bytes, others reload on demand")
      ->check(CLI::Range(1, 100000));
  app->add_option("--max-loaded-id-bytes", args->options.max_loaded_id_bytes,
                  "Keep the eventIDs of more than --max-loaded-days days while all loaded sets take at most "
                  "this many bytes (0: never more)")
      ->capture_default_str();
  app->add_option("--max-attempts", args->options.max_attempts,
                  "Runs that may fail on one version of a log object before it is quarantined (skipped until it changes)")
      ->check(CLI::Range(1, 1000000));
  app->add_option("--retention", args->options.retention_seconds,
                  "Seconds files replaced by compaction stay readable for open snapshots before they are deleted")
      ->check(CLI::Range(0, 100000000));
  app->add_flag("--rebuild", args->options.rebuild,
                "Re-derive a lost manifest from the data files in the table folder (they are kept, never deleted)");
  return [args] { return RunIngest(*args); };
}

}  // namespace adxm
