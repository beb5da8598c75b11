#include <cstdio>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "base/file_util.h"
#include "cli/cli_util.h"
#include "cli/commands.h"
#include "ingest/ingest.h"
#include "generate/generator.h"
#include "query/format.h"
#include "query/query_engine.h"
#include "source/log_source.h"

namespace adxm {
namespace {

// The AWS sample's two Athena queries, verbatim.
constexpr const char* kSampleQueries[] = {
    "SELECT distinct subscriber_account_id FROM \"adx_metrics_curated\".\"adx_for_s3_metrics\"\n"
    "where year='2023'and month ='05' and subscriber_account_id != 'anonymous'",
    "SELECT eventName, count(1) as eventCount FROM \"adx_metrics_curated\".\"adx_for_s3_metrics\"\n"
    "where year='2023'and month ='05' and subscriber_account_id != 'anonymous' group by eventName order by "
    "eventCount desc",
};

constexpr const char* kTopSubscribers =
    "SELECT subscriber_account_id, count(*) AS requests, count(DISTINCT object_key) AS objects,\n"
    "       round(sum(bytes_accessed) / 1e9, 2) AS gb_out, max(eventTime)::DATE AS last_seen\n"
    "FROM adx_metrics_curated.adx_for_s3_metrics\n"
    "WHERE year = '2023' AND month = '05' AND error_code IS NULL\n"
    "GROUP BY ALL ORDER BY gb_out DESC NULLS LAST LIMIT 8";

struct DemoArgs {
  std::string dir = "adxmetrics-demo";
};

// Compare the sample queries' answers with the generator's ground truth.
std::string CheckGroundTruth(const std::filesystem::path& truth_path, const QueryTable& subscribers,
                             const QueryTable& counts) {
  auto text = ReadFile(truth_path);
  if (!text.ok()) return "ground truth unavailable: " + text.status().message();
  auto truth = nlohmann::json::parse(*text, nullptr, false);
  for (const auto& month : truth.value("months", nlohmann::json::array())) {
    if (month.value("year", "") != "2023" || month.value("month", "") != "05") continue;
    std::set<std::string> want = month["distinct_subscribers"].get<std::set<std::string>>(), got;
    for (const auto& row : subscribers.rows) got.insert(row[0].value_or(""));
    bool counts_ok = counts.rows.size() == month["event_counts"].size();
    for (const auto& row : counts.rows) {
      counts_ok = counts_ok && month["event_counts"].value(row[0].value_or(""), -1) == std::stoll(*row[1]);
    }
    return fmt::format("check against the generator's ground truth: query 1 {}, query 2 {}",
                       got == want ? "matches" : "DIFFERS", counts_ok ? "matches" : "DIFFERS");
  }
  return "ground truth has no 2023-05";
}

// Start from an empty demo directory. Only a directory an earlier demo made (it holds the
// marker file) is wiped; anything else that exists is left alone and refused.
Status PrepareDemoDir(const std::filesystem::path& dir) {
  const auto marker = dir / ".adxmetrics-demo";
  std::error_code ec;
  if (std::filesystem::exists(dir, ec) && !std::filesystem::is_empty(dir, ec)) {
    if (!std::filesystem::exists(marker, ec)) {
      return Status::AlreadyExists(dir.string() + ": exists and was not made by `adxmetrics demo`; choose --dir");
    }
    ADXM_RETURN_IF_ERROR(RemoveAll(dir / "logs"));
    ADXM_RETURN_IF_ERROR(RemoveAll(dir / "warehouse"));
  }
  ADXM_RETURN_IF_ERROR(CreateDirs(dir));
  return WriteFile(marker, "made by adxmetrics demo\n", /*sync=*/false);
}

int RunDemo(const DemoArgs& args) {
  std::filesystem::path dir = args.dir;
  if (Status prepared = PrepareDemoDir(dir); !prepared.ok()) return Fail(prepared);
  GenerateOptions generate;
  generate.out = dir / "logs";
  std::printf("== 1. generate a month of CloudTrail logs (May 2023) into %s\n", generate.out.c_str());
  auto summary = Generate(generate);
  if (!summary.ok()) return Fail(summary.status());
  std::printf("%llu log files, %llu qualifying events, %.0f MB of JSON\n\n",
              static_cast<unsigned long long>(summary->files),
              static_cast<unsigned long long>(summary->qualifying_events), summary->json_bytes / 1e6);

  std::filesystem::path warehouse = dir / "warehouse";
  std::printf("== 2. ingest into %s\n", warehouse.c_str());
  auto source = OpenLocalSource(generate.out);
  if (!source.ok()) return Fail(source.status());
  IngestOptions ingest;
  ingest.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  auto report = Ingest(source->get(), warehouse, ingest);
  if (!report.ok()) return Fail(report.status());
  std::printf("%s\n", FormatIngestReport(*report).c_str());

  auto engine = QueryEngine::Open(warehouse);
  if (!engine.ok()) return Fail(engine.status());
  std::vector<QueryTable> answers;
  for (const char* sql : kSampleQueries) {
    std::printf("== 3.%zu the AWS sample's query, verbatim:\n%s\n", answers.size() + 1, sql);
    auto table = (*engine)->Run(sql);
    if (!table.ok()) return Fail(table.status());
    std::printf("%s\n", FormatTable(*table, OutputFormat::kTable).c_str());
    answers.push_back(std::move(*table));
  }
  std::printf("%s\n\n", CheckGroundTruth(generate.out / "ground_truth.json", answers[0], answers[1]).c_str());
  std::printf("== 4. who uses the data: top subscribers in May 2023\n");
  auto top = (*engine)->Run(kTopSubscribers);
  if (!top.ok()) return Fail(top.status());
  std::printf("%s\n", FormatTable(*top, OutputFormat::kTable).c_str());
  std::printf("Try: adxmetrics query --warehouse %s \"SELECT * FROM adx_for_s3_metrics LIMIT 5\"\n",
              warehouse.c_str());
  std::printf("     adxmetrics report subscribers --warehouse %s\n", warehouse.c_str());
  std::printf("     adxmetrics serve --warehouse %s   (the dashboard at http://127.0.0.1:8080/)\n", warehouse.c_str());
  return kExitOk;
}

}  // namespace

std::function<int()> SetupDemo(CLI::App* app) {
  auto args = std::make_shared<DemoArgs>();
  app->add_option("--dir", args->dir, "Directory for the generated logs and the warehouse");
  return [args] { return RunDemo(*args); };
}

}  // namespace adxm
