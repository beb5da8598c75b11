// Small helpers shared by the subcommands.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "s3/s3_client.h"
#include "warehouse/open_store.h"

namespace CLI {
class App;
}

namespace adxm {

/// Print "adxmetrics: <message>" on stderr and return kExitFailed.
int Fail(const Status& status);

/// Print "adxmetrics: <message>" and a --help hint on stderr and return kExitUsage.
int UsageFail(const std::string& message);

/// Split a comma-separated list of 12-digit account ids; InvalidArgument names a malformed entry.
Result<std::vector<std::string>> ParseAccountList(std::string_view text);

/// The S3 options every subcommand that reaches S3 takes (--region, --s3-endpoint, --profile...).
struct S3Args {
  std::string region;
  std::string endpoint;
  std::string profile;
  std::string addressing = "auto";
  int list_page_size = 1000;
  int max_attempts = 6;
  double stall_seconds = 20;
};

/// Add the S3 options to `app`, stored in `args`.
void AddS3Options(CLI::App* app, S3Args* args);

/// The client options `args` describe.
S3Options ToS3Options(const S3Args& args);

/// Where a warehouse is and how to reach it: a directory or s3://bucket/prefix, the S3 options,
/// and the local cache a warehouse in S3 is read through.
struct WarehouseArgs {
  std::string location;
  S3Args s3;
  std::string cache_dir;
  uint64_t cache_bytes = 4ull << 30;
};

/// Add --warehouse (required or not, described by `what`), the S3 options and --cache-dir/--cache-size.
void AddWarehouseOptions(CLI::App* app, WarehouseArgs* args, bool required);

/// The store options `args` describe.
StoreOptions ToStoreOptions(const WarehouseArgs& args);

}  // namespace adxm
