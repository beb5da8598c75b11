// The dashboard's API (src/serve) against the generator's ground truth: KPI tiles, time series,
// the events behind a number and its paging, CSV downloads equal to `adxmetrics report`, input
// validation, answers following new commits, and the scheduled ingest. In-process (Api over a
// RunnerPool, no HTTP); tests/browser/ drives the same API through a real server and browser.
#include <gtest/gtest.h>

#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>

#include "base/civil_time.h"
#include "base/file_util.h"
#include "dataset_checks.h"
#include "serve/api.h"
#include "serve/runner_pool.h"
#include "serve/scheduler.h"
#include "serve/server.h"
#include "test_util.h"

namespace adxm::testing {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

struct Usage {
  int64_t requests = 0, failed = 0, downloads = 0, bytes_out = 0;
};

/// A generated bucket and its warehouse, shared by the tests of this file (read-only).
class ServeIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scratch_ = new ScratchDir();
    GenerateBucket(bucket(), {"--seed", "23", "--start", "2023-05-01", "--days", "20", "--events-per-day", "150",
                              "--subscribers", "7"});
    CommandResult ingest = IngestCli(bucket(), warehouse());
    ASSERT_EQ(ingest.exit_code, 0) << ingest.err;
    truth_ = new Json(LoadGroundTruth(bucket()));
    usage_ = new std::map<std::string, std::map<std::string, Usage>>();
    for (const auto& [account, days] : (*truth_)["usage"].items()) {
      for (const auto& [day, counts] : days.items()) {
        Usage& usage = (*usage_)[account][day];
        usage.requests += counts["requests"].get<int64_t>();
        usage.failed += counts["failed"].get<int64_t>();
        usage.downloads += counts["downloads"].get<int64_t>();
        usage.bytes_out += counts["bytes_out"].get<int64_t>();
      }
    }
  }
  static void TearDownTestSuite() {
    delete usage_;
    delete truth_;
    delete scratch_;
  }
  static fs::path bucket() { return scratch_->path() / "bucket"; }
  static fs::path warehouse() { return scratch_->path() / "wh"; }

  void SetUp() override {
    pool_ = std::make_unique<RunnerPool>(
        RunnerPoolOptions{warehouse(), {}, {}, 2});
    ASSERT_TRUE(pool_->Refresh().ok());
    api_ = std::make_unique<Api>(pool_.get(), nullptr, ApiOptions{});
  }

  Json Get(const std::string& path, std::vector<std::pair<std::string, std::string>> params = {},
           int expected_status = 200) {
    ApiResponse response = api_->Handle({"GET", path, std::move(params)});
    EXPECT_EQ(response.status, expected_status) << path << ": " << response.body;
    if (response.content_type.starts_with("application/json")) return Json::parse(response.body);
    return Json(response.body);
  }

  /// Ground-truth usage summed over [from, to] for one account (or all when empty).
  static Usage Sum(const std::string& from, const std::string& to, const std::string& account = "") {
    Usage sum;
    for (const auto& [id, days] : *usage_) {
      if (!account.empty() && id != account) continue;
      for (const auto& [day, usage] : days) {
        if (day < from || day > to) continue;
        sum.requests += usage.requests;
        sum.failed += usage.failed;
        sum.downloads += usage.downloads;
        sum.bytes_out += usage.bytes_out;
      }
    }
    return sum;
  }
  static int64_t Active(const std::string& from, const std::string& to) {
    int64_t active = 0;
    for (const auto& [id, days] : *usage_) {
      bool seen = false;
      for (const auto& [day, usage] : days) seen |= day >= from && day <= to && usage.requests > 0;
      active += seen;
    }
    return active;
  }

  static ScratchDir* scratch_;
  static Json* truth_;
  static std::map<std::string, std::map<std::string, Usage>>* usage_;
  std::unique_ptr<RunnerPool> pool_;
  std::unique_ptr<Api> api_;
};
ScratchDir* ServeIntegrationTest::scratch_ = nullptr;
Json* ServeIntegrationTest::truth_ = nullptr;
std::map<std::string, std::map<std::string, Usage>>* ServeIntegrationTest::usage_ = nullptr;

TEST_F(ServeIntegrationTest, KpiTilesEqualTheGroundTruth) {
  struct Case {
    std::string from, to, account;
  };
  std::string busiest = (*truth_)["scenario"][0]["account"];
  for (const Case& c : {Case{"2023-05-01", "2023-05-20", ""}, Case{"2023-05-11", "2023-05-20", ""},
                        Case{"2023-05-03", "2023-05-03", ""}, Case{"2023-05-01", "2023-05-20", busiest},
                        Case{"2023-05-06", "2023-05-15", "anonymous"}}) {
    std::vector<std::pair<std::string, std::string>> params = {{"from", c.from}, {"to", c.to}};
    if (!c.account.empty()) params.emplace_back("subscriber", c.account);
    Json kpis = Get("/api/kpis", params);
    Usage expected = Sum(c.from, c.to, c.account);
    SCOPED_TRACE(c.from + ".." + c.to + " " + c.account);
    EXPECT_EQ(kpis["tiles"]["requests"]["value"], expected.requests);
    EXPECT_EQ(kpis["tiles"]["downloads"]["value"], expected.downloads);
    EXPECT_EQ(kpis["tiles"]["bytes_out"]["value"], expected.bytes_out);
    if (c.account.empty()) EXPECT_EQ(kpis["tiles"]["active_subscribers"]["value"], Active(c.from, c.to));
    // The previous period: the same number of days just before.
    int64_t from = DaysFromCivil(std::stoi(c.from.substr(0, 4)), std::stoul(c.from.substr(5, 2)),
                                 std::stoul(c.from.substr(8, 2)));
    int64_t to = DaysFromCivil(std::stoi(c.to.substr(0, 4)), std::stoul(c.to.substr(5, 2)),
                               std::stoul(c.to.substr(8, 2)));
    std::string prev_from = FormatDay(from - (to - from + 1)), prev_to = FormatDay(from - 1);
    EXPECT_EQ(kpis["previous"]["from"], prev_from);
    EXPECT_EQ(kpis["tiles"]["requests"]["previous"], Sum(prev_from, prev_to, c.account).requests);
  }
  // Without a period: the days with data.
  Json all = Get("/api/kpis");
  EXPECT_EQ(all["period"]["from"], "2023-05-01");
  EXPECT_EQ(all["tiles"]["requests"]["value"], Sum("2023-05-01", "2023-05-20").requests);
}

TEST_F(ServeIntegrationTest, TimeseriesStacksEverySubscriberExactly) {
  for (const char* by : {"day", "week", "month"}) {
    for (const char* metric : {"requests", "bytes_out", "downloads"}) {
      SCOPED_TRACE(std::string(by) + " " + metric);
      Json series = Get("/api/timeseries", {{"by", by}, {"metric", metric}, {"top", "3"}, {"from", "2023-05-02"}});
      std::vector<std::string> buckets = series["buckets"];
      ASSERT_FALSE(buckets.empty());
      // Expected per bucket, all subscribers: a bucket holds the days from its start to the next.
      std::map<std::string, int64_t> expected;
      for (const auto& [id, days] : *usage_) {
        for (const auto& [day, usage] : days) {
          if (day < "2023-05-02") continue;
          auto bucket = std::upper_bound(buckets.begin(), buckets.end(), day);
          ASSERT_NE(bucket, buckets.begin()) << day;
          int64_t value = std::string(metric) == "requests"    ? usage.requests
                          : std::string(metric) == "bytes_out" ? usage.bytes_out
                                                               : usage.downloads;
          expected[*std::prev(bucket)] += value;
        }
      }
      EXPECT_LE(series["series"].size(), 4u);  // Top 3 and Other.
      for (size_t b = 0; b < buckets.size(); ++b) {
        int64_t total = 0;
        for (const Json& s : series["series"]) total += s["values"][b].get<int64_t>();
        EXPECT_EQ(total, expected[buckets[b]]) << buckets[b];
      }
      // A named series is exactly that subscriber's figures.
      const Json& first = series["series"][0];
      std::string account = first["account_id"];
      int64_t named = 0;
      for (const Json& value : first["values"]) named += value.get<int64_t>();
      Usage sum = Sum("2023-05-02", "2023-05-20", account);
      EXPECT_EQ(named, std::string(metric) == "requests"    ? sum.requests
                       : std::string(metric) == "bytes_out" ? sum.bytes_out
                                                            : sum.downloads);
    }
  }
  Json weeks = Get("/api/timeseries", {{"by", "week"}, {"from", "2023-05-03"}, {"to", "2023-05-20"}});
  EXPECT_EQ(weeks["buckets"].front(), "2023-05-01");  // The Monday of the first week.
}

TEST_F(ServeIntegrationTest, EventsBehindANumberArePagedExactly) {
  std::string account = (*truth_)["scenario"][1]["account"];
  Usage expected = Sum("2023-05-01", "2023-05-20", account);
  Json downloads = Get("/api/events", {{"subscriber", account}, {"download", "1"}, {"page_size", "1"}});
  EXPECT_EQ(downloads["total"], expected.downloads);
  Json failed = Get("/api/events", {{"subscriber", account}, {"ok", "0"}, {"page_size", "1"}});
  EXPECT_EQ(failed["total"], expected.failed);
  Json any_error = Get("/api/events", {{"subscriber", account}, {"error_code", "*"}, {"page_size", "1"}});
  EXPECT_EQ(any_error["total"], expected.failed);

  // Pages in order, without overlap, cover every event once.
  Json all = Get("/api/events", {{"subscriber", account}, {"page_size", "1"}});
  ASSERT_EQ(all["total"], expected.requests);
  EXPECT_EQ(all["bytes_out"], expected.bytes_out);
  std::set<std::string> ids;
  std::string previous_time = "9999";
  int64_t bytes = 0;
  for (int page = 1;; ++page) {
    Json rows = Get("/api/events", {{"subscriber", account}, {"page", std::to_string(page)}, {"page_size", "97"}})["rows"];
    if (rows.empty()) break;
    for (const Json& row : rows) {
      EXPECT_TRUE(ids.insert(row[10].get<std::string>()).second) << "event twice: " << row[10];
      EXPECT_LE(row[0].get<std::string>(), previous_time);
      previous_time = row[0];
      EXPECT_EQ(row[1], account);
      if (!row[7].is_null()) bytes += row[7].get<int64_t>();
    }
  }
  EXPECT_EQ(static_cast<int64_t>(ids.size()), expected.requests);
  EXPECT_EQ(bytes, expected.bytes_out);
  Json past_the_end = Get("/api/events", {{"subscriber", account}, {"page", "100000"}});
  EXPECT_TRUE(past_the_end["rows"].empty());
  EXPECT_EQ(past_the_end["total"], expected.requests);
  // Failed requests of any code (counted from the detail rows, not the rollup), page by page.
  int64_t failed_rows = 0;
  for (int page = 1;; ++page) {
    Json rows = Get("/api/events", {{"subscriber", account}, {"error_code", "*"}, {"page", std::to_string(page)},
                                    {"page_size", "7"}})["rows"];
    if (rows.empty()) break;
    for (const Json& row : rows) EXPECT_FALSE(row[6].is_null());
    failed_rows += static_cast<int64_t>(rows.size());
  }
  EXPECT_EQ(failed_rows, expected.failed);

  // The CSV download holds every matching row, not one page.
  ApiResponse csv = api_->Handle({"GET", "/api/events", {{"subscriber", account}, {"format", "csv"}}});
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.content_type, "text/csv; charset=utf-8");
  EXPECT_EQ(std::count(csv.body.begin(), csv.body.end(), '\n'), expected.requests + 1);

  // Drill-down filters from the report rows: an eventName, a day.
  Json get_object = Get("/api/events", {{"event_name", "GetObject"}, {"day", "2023-05-04"}, {"page_size", "1"}});
  Json sql = Json::parse(RunCli({"query", "--warehouse", warehouse().string(), "--format", "json",
                                 "SELECT count(*) AS n FROM adx_for_s3_metrics WHERE eventName = 'GetObject' "
                                 "AND year = '2023' AND month = '05' AND day = '04'"}).out);
  EXPECT_EQ(get_object["total"], sql[0]["n"]);
}

TEST_F(ServeIntegrationTest, ReportCsvIsWhatTheCliPrints) {
  // The server runs the rollup forms of summary, events, daily, inactive and spikes; the CLI the
  // detail SQL. Every report, with options that move each filter, must print the same bytes.
  std::string account = (*truth_)["scenario"][0]["account"];
  std::string access_point = (*truth_)["access_points"][0]["access_point_arn"];
  std::vector<std::vector<std::pair<std::string, std::string>>> variants = {
      {{"from", "2023-05-04"}, {"to", "2023-05-18"}},
      {{"from", "2023-04-20"}, {"to", "2023-05-20"}, {"exclude_anonymous", "1"}},
      {{"subscriber", account}},
      {{"dataset", access_point}, {"from", "2023-05-02"}},
      {{"subscriber", "anonymous"}, {"to", "2023-05-12"}},
  };
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> specific = {
      {"summary", {{"by", "week"}}}, {"inactive", {{"days", "3"}}}, {"spikes", {{"k", "2"}, {"window", "3"}}}};
  int rollup_reports = 0;
  for (const Report& report : Reports()) {
    rollup_reports += !report.rollup_sql.empty();
    if (!report.rollup_sql.empty()) {  // Reads the rollup only, so the comparison below tests it.
      EXPECT_EQ(report.rollup_sql.find("adxm_usage("), std::string_view::npos) << report.name;
      EXPECT_NE(report.rollup_sql.find("adxm_daily_usage("), std::string_view::npos) << report.name;
    }
    for (auto params : variants) {
      if (specific.count(std::string(report.name))) {
        for (const auto& option : specific[std::string(report.name)]) params.push_back(option);
      }
      std::vector<std::string> argv = {"report", std::string(report.name), "--warehouse", warehouse().string(),
                                       "--format", "csv"};
      for (const auto& [name, value] : params) {
        if (name == "exclude_anonymous") {
          argv.push_back("--exclude-anonymous");
          continue;
        }
        argv.push_back("--" + (name == "min_factor" ? std::string("min-factor") : name));
        argv.push_back(value);
      }
      params.emplace_back("format", "csv");
      ApiResponse response = api_->Handle({"GET", "/api/report/" + std::string(report.name), params});
      ASSERT_EQ(response.status, 200) << report.name << ": " << response.body;
      CommandResult cli = RunCli(argv);
      ASSERT_EQ(cli.exit_code, 0) << cli.err;
      EXPECT_EQ(response.body, cli.out) << report.name << " " << params[0].first << "=" << params[0].second;
      EXPECT_GT(std::count(cli.out.begin(), cli.out.end(), '\n'), report.name == "spikes" || report.name == "inactive" ? 0 : 1)
          << report.name << ": a check on no rows would prove little";
      EXPECT_EQ(response.filename, std::string(report.name) + ".csv");
    }
  }
  EXPECT_EQ(rollup_reports, 5);
  // JSON rows: numbers as numbers, equal to the CLI's JSON.
  Json api = Get("/api/report/subscribers", {{"from", "2023-05-04"}, {"to", "2023-05-18"}});
  Json cli = Json::parse(RunCli({"report", "subscribers", "--warehouse", warehouse().string(), "--from", "2023-05-04",
                                 "--to", "2023-05-18", "--format", "json"})
                             .out);
  ASSERT_EQ(api["rows"].size(), cli.size());
  for (size_t i = 0; i < cli.size(); ++i) {
    EXPECT_EQ(api["rows"][i][0], cli[i]["account_id"]);
    EXPECT_EQ(api["rows"][i][3], cli[i]["requests"]);
    EXPECT_EQ(api["rows"][i][6], cli[i]["bytes_out"]);
  }
}

TEST_F(ServeIntegrationTest, BadParametersAreNamedAndInjectionIsHarmless) {
  Json bad_day = Get("/api/kpis", {{"from", "2023-02-30"}}, 400);
  EXPECT_NE(bad_day["error"].get<std::string>().find("from"), std::string::npos) << bad_day;
  Get("/api/kpis", {{"nope", "1"}}, 400);
  Get("/api/kpis", {{"from", "2023-05-01"}, {"from", "2023-05-02"}}, 400);
  Get("/api/timeseries", {{"by", "year"}}, 400);
  Get("/api/timeseries", {{"top", "0"}}, 400);
  Get("/api/events", {{"page_size", "100000"}}, 400);
  Get("/api/events", {{"ok", "maybe"}}, 400);
  Get("/api/report/no-such", {}, 404);
  Get("/api/report/objects", {{"days", "3"}}, 400);  // Not an option of that report.
  Get("/api/sql", {{"q", "SELECT 1"}}, 404);         // Not without --allow-sql.
  Get("/api/nothing", {}, 404);

  std::string before = DumpDataset(warehouse());
  for (const char* attack : {"' OR 1=1 --", "'; DROP TABLE adxm_daily; --",
                             "1); SELECT * FROM read_csv('/etc/passwd')--", "\" OR \"\"=\"", "%27%20OR%201=1"}) {
    SCOPED_TRACE(attack);
    for (const char* name : {"subscriber", "dataset"}) {
      // A data set is a mapped name or an ARN: the attack as an ARN reaches the SQL as a value.
      std::string value = std::string(name) == "dataset" ? "arn:" + std::string(attack) : attack;
      Json kpis = Get("/api/kpis", {{name, value}});
      EXPECT_EQ(kpis["tiles"]["requests"]["value"], 0);  // A value nobody has: nothing matches.
    }
    Get("/api/kpis", {{"dataset", attack}}, 400);  // Neither a mapped name nor an ARN.
    for (const char* name : {"event_name", "error_code", "object_key", "prefix", "client", "access_point_arn"}) {
      EXPECT_EQ(Get("/api/events", {{name, attack}})["total"], 0) << name;
    }
    for (const char* name : {"from", "to", "day", "by", "metric", "page", "top", "format"}) {
      ApiResponse response = api_->Handle({"GET", "/api/events", {{name, attack}}});
      if (std::string(name) == "by" || std::string(name) == "metric" || std::string(name) == "top") {
        response = api_->Handle({"GET", "/api/timeseries", {{name, attack}}});
      }
      EXPECT_EQ(response.status, 400) << name << ": " << response.body;
    }
  }
  EXPECT_EQ(DumpDataset(warehouse()), before);
  EXPECT_EQ(Get("/api/kpis")["tiles"]["requests"]["value"], Sum("2023-05-01", "2023-05-20").requests);
}

TEST_F(ServeIntegrationTest, AnswersFollowANewCommit) {
  // A copy of the warehouse, its own pool and API; then a second bucket is ingested into it.
  ScratchDir scratch;
  CopyWarehouse(warehouse(), scratch.path() / "wh");
  RunnerPool pool(RunnerPoolOptions{scratch.path() / "wh", {}, {}, 2});
  ASSERT_TRUE(pool.Refresh().ok());
  Api api(&pool, nullptr, ApiOptions{});
  auto requests = [&] {
    return Json::parse(api.Handle({"GET", "/api/kpis", {{"from", "2023-05-01"}, {"to", "2023-06-30"}}}).body)["tiles"]
                      ["requests"]["value"]
                          .get<int64_t>();
  };
  EXPECT_EQ(requests(), Sum("2023-05-01", "2023-05-20").requests);  // Now cached.
  uint64_t generation = pool.info().generation;
  ASSERT_TRUE(pool.Refresh().ok());
  EXPECT_EQ(pool.info().generation, generation);  // No commit: the same snapshot.

  GenerateBucket(scratch.path() / "more", {"--seed", "24", "--start", "2023-06-01", "--days", "3", "--events-per-day",
                                           "50", "--subscribers", "3"});
  ASSERT_EQ(IngestCli(scratch.path() / "more", scratch.path() / "wh").exit_code, 0);
  int64_t added = LoadGroundTruth(scratch.path() / "more")["qualifying_events"].get<int64_t>();
  ASSERT_GT(added, 0);
  EXPECT_EQ(requests(), Sum("2023-05-01", "2023-05-20").requests);  // The snapshot in use still.
  ASSERT_TRUE(pool.Refresh().ok());
  EXPECT_GT(pool.info().generation, generation);
  EXPECT_EQ(requests(), Sum("2023-05-01", "2023-05-20").requests + added);
  Json status = Json::parse(api.Handle({"GET", "/api/status", {}}).body);
  EXPECT_EQ(status["last_day"], "2023-06-03");
}

TEST_F(ServeIntegrationTest, AMappingChangeIsANewGenerationAndALostOneIsReported) {
  ScratchDir scratch;
  std::string account = (*truth_)["scenario"][0]["account"];
  fs::path subscribers = scratch.path() / "subscribers.csv";
  ASSERT_TRUE(WriteFile(subscribers, "account_id,name\n" + account + ",First Name Ltd\n", false).ok());
  RunnerPool pool(RunnerPoolOptions{warehouse(), {subscribers, {}}, {}, 2});
  ASSERT_TRUE(pool.Refresh().ok());
  Api api(&pool, nullptr, ApiOptions{});
  auto name = [&] {
    Json options = Json::parse(api.Handle({"GET", "/api/options", {}}).body);
    for (const Json& subscriber : options["subscribers"]) {
      if (subscriber["account_id"] == account) return subscriber["name"].get<std::string>();
    }
    return std::string("(absent)");
  };
  EXPECT_EQ(name(), "First Name Ltd");
  uint64_t generation = pool.info().generation;
  // Rewritten (another size): the next refresh reads it once and every runner shows the new name.
  ASSERT_TRUE(WriteFile(subscribers, "account_id,name\n" + account + ",Second Name Holdings\n", false).ok());
  ASSERT_TRUE(pool.Refresh().ok());
  EXPECT_GT(pool.info().generation, generation);
  EXPECT_EQ(name(), "Second Name Holdings");
  // Gone: the refresh fails and says why; the server keeps answering from what it has.
  fs::remove(subscribers);
  EXPECT_FALSE(pool.Refresh().ok());
  Json status = Json::parse(api.Handle({"GET", "/api/status", {}}).body);
  EXPECT_NE(status["refresh_error"].get<std::string>().find("subscribers.csv"), std::string::npos) << status;
  EXPECT_EQ(name(), "Second Name Holdings");
  EXPECT_EQ(api.Handle({"GET", "/api/kpis", {}}).status, 200);
  // Back: the error clears.
  ASSERT_TRUE(WriteFile(subscribers, "account_id,name\n" + account + ",Third\n", false).ok());
  ASSERT_TRUE(pool.Refresh().ok());
  EXPECT_TRUE(Json::parse(api.Handle({"GET", "/api/status", {}}).body)["refresh_error"].is_null());
  EXPECT_EQ(name(), "Third");
}

TEST_F(ServeIntegrationTest, AnswersAreBounded) {
  // A series of millions of points, or a century and more, is refused up front.
  Get("/api/timeseries", {{"from", "1970-01-01"}, {"to", "9999-12-31"}}, 400);
  Get("/api/timeseries", {{"from", "2000-01-01"}, {"to", "2020-01-01"}, {"by", "day"}}, 400);
  Get("/api/timeseries", {{"from", "2000-01-01"}, {"to", "2020-01-01"}, {"by", "month"}});
  Get("/api/report/summary", {{"from", "2000-01-01"}, {"to", "2020-01-01"}, {"by", "day"}}, 400);
  Get("/api/report/spikes", {{"from", "1900-01-01"}}, 400);
  // A value cannot pose as another parameter to reach a cached answer.
  Get("/api/kpis", {{"from", "2023-05-03"}, {"to", "2023-05-04"}});
  Get("/api/kpis", {{"from", "2023-05-03\nto=2023-05-04"}}, 400);
  Get("/api/kpis", {{"from", "2023-05-03"}, {"to", "2023-05-04"}, {"subscriber", ""}});

  // /api/sql: only with allow_sql, read-only, at most sql_max_rows rows.
  ApiOptions options;
  options.allow_sql = true;
  options.sql_max_rows = 1000;
  Api sql_api(pool_.get(), nullptr, options);
  Json many = Json::parse(sql_api.Handle({"GET", "/api/sql", {{"q", "SELECT range AS n FROM range(5000000)"}}}).body);
  EXPECT_EQ(many["rows"].size(), 1000u);
  EXPECT_TRUE(many["truncated"].get<bool>());
  Json count = Json::parse(
      sql_api.Handle({"GET", "/api/sql", {{"q", "SELECT count(*) AS n FROM adx_for_s3_metrics"}}}).body);
  EXPECT_EQ(count["rows"][0][0], Sum("2023-05-01", "2023-05-20").requests);
  EXPECT_FALSE(count["truncated"].get<bool>());
  EXPECT_EQ(sql_api.Handle({"GET", "/api/sql", {{"q", "CREATE TABLE t AS SELECT 1"}}}).status, 400);
  EXPECT_EQ(sql_api.Handle({"GET", "/api/sql", {{"q", "SELECT * FROM read_text('/etc/passwd')"}}}).status, 400);
}

// Before its first ingest (serve --ingest-from) a warehouse has no data: a period with one bound
// is that day alone, not one from the epoch (a series of ~3 million days, a previous period in
// year -6060); none given is today.
TEST(ServeEmptyWarehouseTest, APeriodWithOneBoundIsThatDay) {
  ScratchDir scratch;
  fs::create_directories(scratch.path() / "_adxmetrics");  // As an ingest of nothing leaves it.
  RunnerPool pool(RunnerPoolOptions{scratch.path(), {}, {}, 1});
  ASSERT_TRUE(pool.Refresh().ok());
  Api api(&pool, nullptr, ApiOptions{});
  auto get = [&](const std::string& path, std::vector<std::pair<std::string, std::string>> params) {
    ApiResponse response = api.Handle({"GET", path, std::move(params)});
    EXPECT_EQ(response.status, 200) << path << ": " << response.body.substr(0, 300);
    EXPECT_LT(response.body.size(), 20000u) << path;
    return Json::parse(response.body);
  };
  Json kpis = get("/api/kpis", {{"to", "9999-12-31"}});
  EXPECT_EQ(kpis["period"]["from"], "9999-12-31") << kpis.dump();
  EXPECT_EQ(kpis["previous"]["from"], "9999-12-30") << kpis.dump();
  kpis = get("/api/kpis", {{"from", "2023-05-01"}});
  EXPECT_EQ(kpis["period"]["to"], "2023-05-01") << kpis.dump();
  get("/api/timeseries", {{"to", "9999-12-31"}, {"by", "day"}});
  Json summary = get("/api/report/summary", {{"to", "9999-12-31"}, {"by", "day"}});
  EXPECT_LE(summary["rows"].size(), 1u) << summary.dump().substr(0, 300);
  kpis = get("/api/kpis", {});
  EXPECT_NE(kpis["period"]["from"], "1970-01-01") << kpis.dump();
  // A data set that is neither mapped nor an ARN is a mistake, on every endpoint that filters.
  for (const char* path : {"/api/kpis", "/api/timeseries", "/api/events", "/api/report/summary"}) {
    ApiResponse response = api.Handle({"GET", path, {{"dataset", "Nope"}}});
    EXPECT_EQ(response.status, 400) << path << ": " << response.body.substr(0, 300);
    EXPECT_NE(response.body.find("data set 'Nope' is neither"), std::string::npos) << path << ": " << response.body;
  }
}

TEST(ServeHostTest, OnlyLoopbackAddressesAreLoopback) {
  for (const char* host : {"127.0.0.1", "127.1.2.3", "localhost", "::1"}) EXPECT_TRUE(IsLoopbackAddress(host)) << host;
  for (const char* host : {"127.evil.example", "127.0.0.1.nip.io", "0.0.0.0", "10.0.0.1", "", "0x7f.1", "localhost.",
                           "::", "::ffff:8.8.8.8"}) {
    EXPECT_FALSE(IsLoopbackAddress(host)) << host;
  }
}

TEST(ServeScheduleTest, ParsesTimesAndIntervals) {
  EXPECT_EQ(*ParseTimeOfDay("02:30"), 150);
  EXPECT_EQ(*ParseTimeOfDay("23:59"), 1439);
  for (const char* bad : {"24:00", "2:30", "02:60", "0230", "", "aa:bb"}) EXPECT_FALSE(ParseTimeOfDay(bad).ok()) << bad;
  EXPECT_EQ(*ParseInterval("90s"), 90);
  EXPECT_EQ(*ParseInterval("15m"), 900);
  EXPECT_EQ(*ParseInterval("1h"), 3600);
  EXPECT_EQ(*ParseInterval("2d"), 172800);
  for (const char* bad : {"0s", "1", "h", "-1h", "1w", "1.5h", "400d"}) EXPECT_FALSE(ParseInterval(bad).ok()) << bad;
}

TEST(ServeScheduleIntegrationTest, ScheduledRunsIngestAndReportRejects) {
  ScratchDir scratch;
  GenerateBucket(scratch.path() / "logs", {"--seed", "5", "--start", "2023-05-01", "--days", "2", "--events-per-day",
                                           "40", "--subscribers", "2"});
  int64_t events = LoadGroundTruth(scratch.path() / "logs")["qualifying_events"].get<int64_t>();
  ScheduleOptions options;
  options.source = (scratch.path() / "logs").string();
  options.warehouse = scratch.path() / "wh";
  options.every_seconds = 1;
  std::mutex mutex;
  std::condition_variable finished;
  int runs = 0;
  IngestScheduler scheduler(options, [&] {
    std::lock_guard<std::mutex> lock(mutex);
    ++runs;
    finished.notify_all();
  });
  auto wait_runs = [&](int n) {
    std::unique_lock<std::mutex> lock(mutex);
    return finished.wait_for(lock, std::chrono::seconds(60), [&] { return runs >= n; });
  };
  scheduler.Start();
  ASSERT_TRUE(wait_runs(1));
  IngestScheduler::State state = scheduler.state();
  ASSERT_TRUE(state.last.has_value());
  EXPECT_TRUE(state.last->ok) << state.last->error;
  EXPECT_EQ(static_cast<int64_t>(state.last->report.rows_written), events);
  EXPECT_EQ(CountRows(scratch.path() / "wh"), events);

  // A corrupt log object: the next run names it and its reason; nothing already ingested changes.
  fs::path bad = scratch.path() / "logs/AWSLogs/111122223333/CloudTrail/us-east-1/2023/05/02/"
                                  "111122223333_CloudTrail_us-east-1_20230502T2355Z_broken.json.gz";
  fs::create_directories(bad.parent_path());
  ASSERT_TRUE(WriteFile(bad, "not gzip at all", false).ok());
  ASSERT_TRUE(wait_runs(3));  // The run in progress may have listed before the file appeared.
  state = scheduler.state();
  ASSERT_TRUE(state.last.has_value());
  EXPECT_TRUE(state.last->ok);
  ASSERT_EQ(state.last->report.rejected.size(), 1u);
  EXPECT_NE(state.last->report.rejected[0].key.find("broken"), std::string::npos);
  EXPECT_FALSE(state.last->report.rejected[0].reason.empty());
  EXPECT_EQ(CountRows(scratch.path() / "wh"), events);

  // A source that cannot be read: the run fails with the reason and the scheduler goes on.
  scheduler.Stop();
  options.source = (scratch.path() / "no-such-folder").string();
  runs = 0;
  IngestScheduler failing(options, [&] {
    std::lock_guard<std::mutex> lock(mutex);
    ++runs;
    finished.notify_all();
  });
  failing.Start();
  ASSERT_TRUE(wait_runs(1));
  state = failing.state();
  ASSERT_TRUE(state.last.has_value());
  EXPECT_FALSE(state.last->ok);
  EXPECT_NE(state.last->error.find("no-such-folder"), std::string::npos) << state.last->error;
}

}  // namespace
}  // namespace adxm::testing
