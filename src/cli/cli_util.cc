#include "cli/cli_util.h"

#include <CLI/CLI.hpp>

#include <cctype>
#include <cstdio>

#include "cli/commands.h"

namespace adxm {

int Fail(const Status& status) {
  std::fprintf(stderr, "adxmetrics: %s\n", status.message().c_str());
  return kExitFailed;
}

int UsageFail(const std::string& message) {
  std::fprintf(stderr, "adxmetrics: %s\nRun with --help for more information.\n", message.c_str());
  return kExitUsage;
}

Result<std::vector<std::string>> ParseAccountList(std::string_view text) {
  std::vector<std::string> accounts;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view account = text.substr(start, end - start);
    while (!account.empty() && account.front() == ' ') account.remove_prefix(1);
    while (!account.empty() && account.back() == ' ') account.remove_suffix(1);
    bool digits = account.size() == 12;
    for (char c : account) digits = digits && std::isdigit(static_cast<unsigned char>(c));
    if (!digits) {
      return Status::InvalidArgument("--adx-accounts: '" + std::string(account) +
                                     "' is not a 12-digit AWS account id");
    }
    accounts.emplace_back(account);
    start = end + 1;
  }
  return accounts;
}

void AddS3Options(CLI::App* app, S3Args* args) {
  const char* group = "S3 (for s3:// locations)";
  app->add_option("--region", args->region,
                  "AWS region of the buckets (default: AWS_REGION, AWS_DEFAULT_REGION, the profile's, us-east-1)")
      ->group(group);
  app->add_option("--s3-endpoint", args->endpoint,
                  "S3 endpoint URL, e.g. http://127.0.0.1:9000 (default: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, AWS)")
      ->group(group);
  app->add_option("--profile", args->profile, "AWS profile of the shared config files (default: AWS_PROFILE, default)")
      ->group(group);
  app->add_option("--s3-addressing", args->addressing,
                  "Bucket addressing: path, virtual or auto (path style for custom endpoints)")
      ->check(CLI::IsMember({"auto", "path", "virtual"}))
      ->group(group)
      ->capture_default_str();
  app->add_option("--s3-attempts", args->max_attempts, "Tries per S3 request before it fails (backoff with jitter)")
      ->check(CLI::Range(1, 20))
      ->group(group)
      ->capture_default_str();
  app->add_option("--s3-timeout", args->stall_seconds,
                  "Seconds an S3 request may go without moving a byte before it is retried")
      ->check(CLI::Range(1.0, 3600.0))
      ->group(group)
      ->capture_default_str();
  // Tests make listings paginate with small pages.
  app->add_option("--s3-list-page-size", args->list_page_size, "Keys per ListObjectsV2 request")
      ->check(CLI::Range(1, 1000))
      ->group("");
}

S3Options ToS3Options(const S3Args& args) {
  S3Options options;
  options.region = args.region;
  options.endpoint = args.endpoint;
  options.credentials.profile = args.profile;
  options.addressing = args.addressing == "path"      ? S3Addressing::kPath
                       : args.addressing == "virtual" ? S3Addressing::kVirtualHosted
                                                      : S3Addressing::kAuto;
  options.list_page_size = args.list_page_size;
  options.max_attempts = args.max_attempts;
  options.stall_timeout = std::chrono::milliseconds(static_cast<int64_t>(args.stall_seconds * 1000));
  return options;
}

void AddWarehouseOptions(CLI::App* app, WarehouseArgs* args, bool required) {
  auto* option = app->add_option("--warehouse", args->location,
                                 "The curated dataset: a directory, or s3://bucket/prefix");
  if (required) option->required();
  AddS3Options(app, &args->s3);
  const char* group = "S3 (for s3:// locations)";
  app->add_option("--cache-dir", args->cache_dir,
                  "Warehouse in S3: local cache of its data files (default: $XDG_CACHE_HOME/adxmetrics or "
                  "~/.cache/adxmetrics)")
      ->group(group);
  app->add_option("--cache-size", args->cache_bytes, "Warehouse in S3: bytes the cache may keep")
      ->group(group)
      ->capture_default_str();
}

StoreOptions ToStoreOptions(const WarehouseArgs& args) {
  StoreOptions options;
  options.s3 = ToS3Options(args.s3);
  options.cache_dir = args.cache_dir;
  options.cache_bytes = args.cache_bytes;
  return options;
}

}  // namespace adxm
