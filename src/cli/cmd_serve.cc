// `adxmetrics serve`: the dashboard and its JSON API (src/serve), with an optional scheduled ingest.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "report/report_config.h"
#include "serve/server.h"

namespace adxm {
namespace {

struct ServeArgs {
  ServerOptions server;
  WarehouseArgs warehouse;
  int s3_in_flight = 32;
  std::string subscribers;
  std::string datasets;
  std::string token_file;
  std::string ingest_from;
  std::string daily_at;
  std::string every;
  int ingest_threads = 0;
  double query_timeout = 30;
  std::string memory_limit;
};

int RunServe(ServeArgs& args) {
  ServerOptions& options = args.server;
  options.warehouse = args.warehouse.location;
  options.engine.store = ToStoreOptions(args.warehouse);
  auto config = LoadReportConfig(args.warehouse.location);
  if (!config.ok()) return Fail(config.status());
  options.mappings = config->mappings;
  if (!args.subscribers.empty()) options.mappings.subscribers = args.subscribers;
  if (!args.datasets.empty()) options.mappings.datasets = args.datasets;
  // A token on the command line is visible to other local users (ps); a file or the environment is not.
  if (!args.token_file.empty()) {
    if (!options.token.empty()) return UsageFail("give --token or --token-file, not both");
    FILE* file = std::fopen(args.token_file.c_str(), "r");
    if (file == nullptr) return Fail(Status::NotFound("--token-file " + args.token_file + ": cannot be read"));
    char buffer[512] = {};
    size_t read = std::fread(buffer, 1, sizeof(buffer) - 1, file);
    std::fclose(file);
    options.token.assign(buffer, read);
    while (!options.token.empty() && (options.token.back() == '\n' || options.token.back() == '\r')) {
      options.token.pop_back();
    }
  } else if (options.token.empty()) {
    if (const char* env = std::getenv("ADXMETRICS_TOKEN"); env != nullptr) options.token = env;
  }
  options.engine.timeout_seconds = args.query_timeout;
  options.engine.memory_limit = args.memory_limit;
  if (!args.ingest_from.empty()) {
    if (args.daily_at.empty() == args.every.empty()) {
      return UsageFail("--ingest-from needs either --daily-at HH:MM or --every INTERVAL");
    }
    ScheduleOptions schedule;
    schedule.source = args.ingest_from;
    schedule.warehouse = args.warehouse.location;
    schedule.source_s3 = {.s3 = ToS3Options(args.warehouse.s3), .in_flight = args.s3_in_flight};
    schedule.ingest.store = options.engine.store;
    if (!args.daily_at.empty()) {
      auto minute = ParseTimeOfDay(args.daily_at);
      if (!minute.ok()) return UsageFail(minute.status().message());
      schedule.daily_at_minute = *minute;
    } else {
      auto seconds = ParseInterval(args.every);
      if (!seconds.ok()) return UsageFail(seconds.status().message());
      schedule.every_seconds = *seconds;
    }
    schedule.ingest.threads = args.ingest_threads > 0
                                  ? args.ingest_threads
                                  : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    options.schedule = std::move(schedule);
  } else if (!args.daily_at.empty() || !args.every.empty()) {
    return UsageFail("--daily-at and --every need --ingest-from SOURCE");
  }

  // Signals are taken by one thread (sigwait), so every other thread runs with them blocked.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto server = Server::Create(options);
  if (!server.ok()) {
    return server.status().code() == StatusCode::kInvalidArgument ? UsageFail(server.status().message())
                                                                   : Fail(server.status());
  }
  Server* raw = server->get();
  // The first SIGINT/SIGTERM stops the server (a scheduled ingest in progress finishes its commit);
  // a second one exits at once, which is safe: an ingest cut anywhere leaves the warehouse as it was
  // before its last commit, and the next run finishes what it started.
  std::thread signal_thread([raw, signals] {
    int signal = 0;
    sigwait(&signals, &signal);
    std::fprintf(stderr, "adxmetrics serve: stopping (again to exit at once)\n");
    raw->Stop();
    sigwait(&signals, &signal);
    std::_Exit(128 + signal);
  });
  signal_thread.detach();
  std::string host = options.bind.find(':') != std::string::npos ? "[" + options.bind + "]" : options.bind;
  Status ran = raw->Run([&](int port) {
    std::printf("listening on http://%s:%d/\n", host.c_str(), port);
    std::fflush(stdout);
  });
  if (!ran.ok()) return Fail(ran);
  return kExitOk;
}

}  // namespace

std::function<int()> SetupServe(CLI::App* app) {
  auto args = std::make_shared<ServeArgs>();
  AddWarehouseOptions(app, &args->warehouse, /*required=*/true);
  app->add_option("--bind", args->server.bind, "Address to listen on (other than loopback needs --token)")
      ->capture_default_str();
  app->add_option("--port", args->server.port, "Port to listen on; 0 picks a free one (printed)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  app->add_option("--token", args->server.token,
                  "Require this token on every API request (also ADXMETRICS_TOKEN; --token-file keeps it out of ps)");
  app->add_option("--token-file", args->token_file, "Read the token from this file");
  app->add_option("--subscribers", args->subscribers, "CSV mapping account_id,name[,...] (default: adxmetrics.toml)");
  app->add_option("--datasets", args->datasets, "CSV mapping access_point_arn,dataset[,...] (default: adxmetrics.toml)");
  app->add_option("--ui-dir", args->server.ui_dir, "Serve the page from this folder (web/) instead of the binary");
  app->add_flag("--allow-sql", args->server.allow_sql,
                "Serve /api/sql: read-only SQL on the dataset, at most 10,000 rows and --timeout");
  app->add_option("--timeout", args->query_timeout, "Seconds an API query may run before it is interrupted (503)")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 3600.0));
  app->add_option("--memory-limit", args->memory_limit, "DuckDB memory limit per query runner, e.g. 2GB");
  app->add_option("--runners", args->server.runners, "Queries run at once (each a DuckDB connection)")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  app->add_option("--ingest-from", args->ingest_from,
                  "Ingest this log folder or s3://bucket/prefix on a schedule (--daily-at or --every)");
  app->add_option("--daily-at", args->daily_at, "Run the scheduled ingest daily at HH:MM UTC");
  app->add_option("--every", args->every, "Run the scheduled ingest at this interval: 90s, 15m, 1h, 1d");
  app->add_option("--ingest-threads", args->ingest_threads, "Threads of the scheduled ingest (default: cores)")
      ->check(CLI::Range(1, 256));
  app->add_flag("!--no-access-log", args->server.access_log, "Do not log one line per request on stderr");
  return [args] { return RunServe(*args); };
}

}  // namespace adxm
