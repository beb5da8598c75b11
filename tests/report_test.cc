// Reports and statements on generated buckets: every figure is checked against the generator's
// ground truth (or computed here from it), every report's CSV against committed golden output
// (testdata/reports/), and `inactive` / `spikes` against the scenario the generator cast, on two
// seeds. Set ADXM_UPDATE_GOLDEN=1 to rewrite the golden files after an intended change.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <system_error>

#include "base/civil_time.h"
#include "base/file_util.h"
#include "dataset_checks.h"
#include "report/document.h"

namespace adxm::testing {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

constexpr char kNeverSeen[] = "999999999999";  // In the subscribers mapping, never in the logs.

/// Usage of one account on one day, from the ground truth.
struct Usage {
  int64_t requests = 0, failed = 0, downloads = 0, bytes_out = 0;
  void Add(const Json& counts) {
    requests += counts["requests"].get<int64_t>();
    failed += counts["failed"].get<int64_t>();
    downloads += counts["downloads"].get<int64_t>();
    bytes_out += counts["bytes_out"].get<int64_t>();
  }
};

int64_t DayNumber(const std::string& day) {
  return DaysFromCivil(std::stoi(day.substr(0, 4)), std::stoul(day.substr(5, 2)), std::stoul(day.substr(8, 2)));
}

/// Where generated warehouses are kept between test processes (ctest runs each test alone): under
/// the build directory, keyed by the CLI binary's modification time so a rebuilt generator or
/// ingest never reuses an old one.
fs::path CacheDir(int seed) {
  auto stamp = fs::last_write_time(CliPath()).time_since_epoch().count();
  return fs::path(CliPath()).parent_path() / "test-cache" /
         ("reports-seed" + std::to_string(seed) + "-" + std::to_string(stamp));
}

/// A generated bucket, its warehouse, the mapping files written from its ground truth. Built once
/// per seed and binary, into a temporary directory renamed into place when complete; the tests only
/// read it (reports are read-only; a test that needs to change something copies it).
class GeneratedWarehouse {
 public:
  explicit GeneratedWarehouse(int seed) : dir_(CacheDir(seed)) {
    if (!fs::exists(dir_ / "complete")) Build(seed);
    truth_ = LoadGroundTruth(bucket());
    int index = 0;
    for (const Json& member : truth_["scenario"]) names_[member["account"]] = Customer(++index);
    for (const Json& ap : truth_["access_points"]) datasets_[ap["access_point_arn"]] = ap["dataset"];
    for (const auto& [account, days] : truth_["usage"].items()) {
      for (const auto& [day, counts] : days.items()) usage_[account][day].Add(counts);
    }
  }

  fs::path bucket() const { return dir_ / "bucket"; }
  fs::path warehouse() const { return dir_ / "wh"; }
  fs::path subscribers_csv() const { return dir_ / "subscribers.csv"; }
  fs::path datasets_csv() const { return dir_ / "datasets.csv"; }
  const Json& truth() const { return truth_; }
  const std::map<std::string, std::string>& names() const { return names_; }
  std::string Name(const std::string& account) const { return account == "anonymous" ? account : names_.at(account); }
  const std::map<std::string, std::string>& datasets() const { return datasets_; }
  /// account → day → usage.
  const std::map<std::string, std::map<std::string, Usage>>& usage() const { return usage_; }
  std::string first_day() const { return "2023-05-01"; }
  std::string last_day() const { return "2023-06-09"; }

  /// Run `adxmetrics <command> ... --warehouse W --subscribers S --datasets D <args>`.
  CommandResult Cli(const std::string& command, std::vector<std::string> args) const {
    std::vector<std::string> argv = {
        command,      "--warehouse",          warehouse().string(), "--subscribers", subscribers_csv().string(),
        "--datasets", datasets_csv().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCli(argv);
  }

  /// Run a report with --format json and return its rows.
  Json Report(const std::string& name, std::vector<std::string> args = {}) const {
    args.insert(args.begin(), name);
    args.insert(args.end(), {"--format", "json"});
    CommandResult result = Cli("report", args);
    EXPECT_EQ(result.exit_code, 0) << name << ": " << result.err;
    return result.exit_code == 0 ? Json::parse(result.out) : Json::array();
  }

 private:
  static std::string Customer(int index) { return "Customer-" + std::to_string(index) + "-Ltd"; }

  /// Generate, ingest and write the mapping files in a temporary directory, then move it into place.
  void Build(int seed) const {
    fs::path tmp = dir_.string() + ".tmp-" + std::to_string(::getpid());
    fs::remove_all(tmp);
    GenerateBucket(tmp / "bucket", {"--seed", std::to_string(seed), "--start", "2023-05-01", "--days", "40",
                                    "--events-per-day", "400", "--subscribers", "9"});
    CommandResult ingest = IngestCli(tmp / "bucket", tmp / "wh");
    ASSERT_EQ(ingest.exit_code, 0) << ingest.out << ingest.err;
    Json truth = LoadGroundTruth(tmp / "bucket");
    std::string subscribers = "account_id,name,tier\n";
    int index = 0;
    for (const Json& member : truth["scenario"]) {
      ++index;
      subscribers +=
          member["account"].get<std::string>() + "," + Customer(index) + "," + (index % 2 ? "gold" : "") + "\n";
    }
    subscribers += std::string(kNeverSeen) + ",Prospect-Ltd,trial\n";
    std::string datasets = "access_point_arn,dataset\n";
    for (const Json& ap : truth["access_points"]) {
      datasets += ap["access_point_arn"].get<std::string>() + "," + ap["dataset"].get<std::string>() + "\n";
    }
    ASSERT_TRUE(WriteFile(tmp / "subscribers.csv", subscribers, false).ok());
    ASSERT_TRUE(WriteFile(tmp / "datasets.csv", datasets, false).ok());
    ASSERT_TRUE(WriteFile(tmp / "complete", "", false).ok());
    std::error_code error;
    fs::rename(tmp, dir_, error);  // Fails harmlessly when a concurrent test process got there first.
    if (error) fs::remove_all(tmp);
    // Entries of older binaries for this seed are stale for good.
    std::string prefix = "reports-seed" + std::to_string(seed) + "-";
    for (const auto& entry : fs::directory_iterator(dir_.parent_path(), error)) {
      std::string name = entry.path().filename().string();
      if (name.starts_with(prefix) && entry.path() != dir_ && name.find(".tmp-") == std::string::npos) {
        fs::remove_all(entry.path(), error);
      }
    }
  }

  fs::path dir_;
  Json truth_;
  std::map<std::string, std::string> names_;
  std::map<std::string, std::string> datasets_;
  std::map<std::string, std::map<std::string, Usage>> usage_;
};

class ReportIntegrationTest : public ::testing::Test {
 protected:
  static void TearDownTestSuite() {
    first_.reset();
    second_.reset();
  }
  static const GeneratedWarehouse& First() {
    if (!first_) first_ = std::make_unique<GeneratedWarehouse>(7);
    return *first_;
  }
  static const GeneratedWarehouse& Second() {
    if (!second_) second_ = std::make_unique<GeneratedWarehouse>(11);
    return *second_;
  }

 private:
  static std::unique_ptr<GeneratedWarehouse> first_;
  static std::unique_ptr<GeneratedWarehouse> second_;
};
std::unique_ptr<GeneratedWarehouse> ReportIntegrationTest::first_;
std::unique_ptr<GeneratedWarehouse> ReportIntegrationTest::second_;

int64_t Int(const Json& value) { return value.is_null() ? 0 : value.get<int64_t>(); }

TEST_F(ReportIntegrationTest, SummaryByWeekEqualsGroundTruthWithCohorts) {
  const GeneratedWarehouse& wh = First();
  auto week_of = [](int64_t day) { return day - (day + 3) % 7; };  // Monday of the ISO week.
  std::map<int64_t, Usage> totals;
  std::map<int64_t, std::set<std::string>> active;
  std::map<std::string, int64_t> first_week;
  for (const auto& [account, days] : wh.usage()) {
    for (const auto& [day, usage] : days) {
      int64_t week = week_of(DayNumber(day));
      totals[week].Add({{"requests", usage.requests},
                        {"failed", usage.failed},
                        {"downloads", usage.downloads},
                        {"bytes_out", usage.bytes_out}});
      active[week].insert(account);
      first_week[account] = first_week.count(account) ? std::min(first_week[account], week) : week;
    }
  }
  Json rows = wh.Report("summary", {"--by", "week"});
  ASSERT_EQ(rows.size(), totals.size());
  for (const Json& row : rows) {
    int64_t week = DayNumber(row["period"]);
    SCOPED_TRACE(row.dump());
    EXPECT_EQ(Int(row["requests"]), totals[week].requests);
    EXPECT_EQ(Int(row["failed_requests"]), totals[week].failed);
    EXPECT_EQ(Int(row["downloads"]), totals[week].downloads);
    EXPECT_EQ(Int(row["bytes_out"]), totals[week].bytes_out);
    EXPECT_EQ(Int(row["active_subscribers"]), static_cast<int64_t>(active[week].size()));
    int64_t fresh = 0, churned = 0;
    for (const std::string& account : active[week]) fresh += first_week[account] == week;
    for (const std::string& account : active[week - 7]) churned += active[week].count(account) == 0;
    EXPECT_EQ(Int(row["new_subscribers"]), fresh);
    EXPECT_EQ(Int(row["returning_subscribers"]), static_cast<int64_t>(active[week].size()) - fresh);
    EXPECT_EQ(Int(row["churned_subscribers"]), churned);
  }
  // Monthly totals are the sample's figures: the ground truth's months.
  Json months = wh.Report("summary");
  ASSERT_EQ(months.size(), wh.truth()["months"].size());
  for (size_t month_idx = 0; month_idx < months.size(); ++month_idx) {
    const Json& month = wh.truth()["months"][month_idx];
    EXPECT_EQ(months[month_idx]["period"],
              month["year"].get<std::string>() + "-" + month["month"].get<std::string>() + "-01");
    EXPECT_EQ(Int(months[month_idx]["requests"]), month["qualifying_events"].get<int64_t>());
  }
}

TEST_F(ReportIntegrationTest, SubscribersAndTrendEqualGroundTruth) {
  const GeneratedWarehouse& wh = First();
  // The last 20 days, against the 20 days before.
  const std::string from = "2023-05-21", to = wh.last_day();
  std::map<std::string, Usage> current, previous;
  std::map<std::string, int64_t> active_days;
  for (const auto& [account, days] : wh.usage()) {
    for (const auto& [day, usage] : days) {
      Usage& target = day >= from ? current[account] : previous[account];
      target.requests += usage.requests;
      target.failed += usage.failed;
      target.downloads += usage.downloads;
      target.bytes_out += usage.bytes_out;
      active_days[account] += day >= from;
    }
  }
  Json rows = wh.Report("subscribers", {"--from", from, "--to", to});
  std::set<std::string> seen;
  for (const Json& row : rows) {
    std::string account = row["account_id"];
    SCOPED_TRACE(row.dump());
    seen.insert(account);
    EXPECT_EQ(row["subscriber"], wh.Name(account));
    EXPECT_EQ(Int(row["requests"]), current[account].requests);
    EXPECT_EQ(Int(row["failed_requests"]), current[account].failed);
    EXPECT_EQ(Int(row["downloads"]), current[account].downloads);
    EXPECT_EQ(Int(row["bytes_out"]), current[account].bytes_out);
    EXPECT_EQ(Int(row["active_days"]), active_days[account]);
    EXPECT_EQ(Int(row["previous_requests"]), previous[account].requests);
    if (previous[account].requests == 0) {
      EXPECT_TRUE(row["trend_pct"].is_null());
    } else {
      double trend = 100.0 * static_cast<double>(current[account].requests - previous[account].requests) /
                     static_cast<double>(previous[account].requests);
      EXPECT_NEAR(row["trend_pct"].get<double>(), trend, 0.051);
    }
  }
  std::set<std::string> expected;
  for (const auto& [account, usage] : previous) expected.insert(account);
  for (const auto& [account, usage] : current) expected.insert(account);
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(seen.size(), 10u) << "9 subscribers and anonymous";
}

TEST_F(ReportIntegrationTest, EventsDailyAndAccessPointsEqualGroundTruth) {
  const GeneratedWarehouse& wh = First();
  Json events = wh.Report("events");
  ASSERT_EQ(events.size(), wh.truth()["operations"].size());
  for (const Json& row : events) {
    const Json& truth = wh.truth()["operations"][row["eventName"].get<std::string>()];
    EXPECT_EQ(Int(row["requests"]), truth["requests"].get<int64_t>());
    EXPECT_EQ(Int(row["failed_requests"]), truth["failed"].get<int64_t>());
    EXPECT_EQ(Int(row["successful_requests"]), truth["requests"].get<int64_t>() - truth["failed"].get<int64_t>());
    EXPECT_EQ(Int(row["bytes_out"]), truth["bytes_out"].get<int64_t>());
  }
  std::map<std::pair<std::string, std::string>, Usage> daily;
  for (const auto& [account, days] : wh.usage()) {
    for (const auto& [day, usage] : days) daily[{day, account}] = usage;
  }
  Json rows = wh.Report("daily");
  ASSERT_EQ(rows.size(), daily.size());
  for (const Json& row : rows) {
    const Usage& usage = daily[{row["day"], row["account_id"]}];
    EXPECT_EQ(Int(row["requests"]), usage.requests) << row.dump();
    EXPECT_EQ(Int(row["failed_requests"]), usage.failed) << row.dump();
    EXPECT_EQ(Int(row["downloads"]), usage.downloads) << row.dump();
    EXPECT_EQ(Int(row["bytes_out"]), usage.bytes_out) << row.dump();
    EXPECT_EQ(row["subscriber"], wh.Name(row["account_id"]));
  }
  Json access_points = wh.Report("access-points");
  ASSERT_EQ(access_points.size(), wh.truth()["access_points"].size());
  for (const Json& truth : wh.truth()["access_points"]) {
    auto row = std::find_if(access_points.begin(), access_points.end(),
                            [&](const Json& r) { return r["access_point_arn"] == truth["access_point_arn"]; });
    ASSERT_NE(row, access_points.end()) << truth.dump();
    EXPECT_EQ((*row)["dataset"], truth["dataset"]);
    EXPECT_EQ(Int((*row)["requests"]), truth["requests"].get<int64_t>());
    EXPECT_EQ(Int((*row)["failed_requests"]), truth["failed"].get<int64_t>());
    EXPECT_EQ(Int((*row)["downloads"]), truth["downloads"].get<int64_t>());
    EXPECT_EQ(Int((*row)["bytes_out"]), truth["bytes_out"].get<int64_t>());
  }
}

TEST_F(ReportIntegrationTest, ObjectsRankAsGroundTruthDownloads) {
  const GeneratedWarehouse& wh = First();
  struct Item {
    std::string dataset, path;
    int64_t downloads = 0, bytes_out = 0;
  };
  auto dataset_of = [](const std::string& key) { return key.substr(0, key.find('/')); };
  std::vector<Item> objects;
  std::map<std::string, Item> prefixes;
  for (const auto& [key, counts] : wh.truth()["downloads_per_object"].items()) {
    Item item{dataset_of(key), key, counts[0].get<int64_t>(), counts[1].get<int64_t>()};
    objects.push_back(item);
    Item& prefix = prefixes[key.substr(0, key.rfind('/') + 1)];
    prefix.dataset = item.dataset;
    prefix.path = key.substr(0, key.rfind('/') + 1);
    prefix.downloads += item.downloads;
    prefix.bytes_out += item.bytes_out;
  }
  auto top = [](std::vector<Item> items) {
    std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
      return std::tie(b.downloads, b.bytes_out, a.dataset, a.path) <
             std::tie(a.downloads, a.bytes_out, b.dataset, b.path);
    });
    std::vector<std::string> paths;
    for (size_t idx = 0; idx < std::min<size_t>(10, items.size()); ++idx) paths.push_back(items[idx].path);
    return paths;
  };
  std::vector<Item> prefix_items;
  for (const auto& [path, item] : prefixes) prefix_items.push_back(item);
  std::map<std::string, std::vector<std::string>> by_downloads;
  for (const Json& row : wh.Report("objects", {"--top", "10"})) {
    if (Int(row["rank_by_downloads"]) <= 10) by_downloads[row["kind"]].push_back(row["path"]);
    EXPECT_EQ(row["dataset"], dataset_of(row["path"]));
  }
  EXPECT_EQ(by_downloads["object"], top(objects));
  EXPECT_EQ(by_downloads["prefix"], top(prefix_items));
}

TEST_F(ReportIntegrationTest, ErrorsAndClientsEqualGroundTruth) {
  const GeneratedWarehouse& wh = First();
  std::map<std::tuple<std::string, std::string, std::string>, int64_t> expected;
  for (const Json& error : wh.truth()["errors"]) {
    expected[{error["account"], error["access_point_arn"], error["error_code"]}] = error["count"];
  }
  std::map<std::tuple<std::string, std::string, std::string>, int64_t> actual;
  for (const Json& row : wh.Report("errors")) {
    actual[{row["account_id"], row["access_point_arn"], row["error_code"]}] = Int(row["failed_requests"]);
    EXPECT_EQ(row["dataset"], wh.datasets().at(row["access_point_arn"]));
    int64_t requests = 0;
    for (const auto& [day, usage] : wh.usage().at(row["account_id"])) requests += usage.requests;
    EXPECT_NEAR(row["failed_pct"].get<double>(),
                100.0 * static_cast<double>(Int(row["failed_requests"])) / static_cast<double>(requests), 0.0051);
  }
  EXPECT_EQ(actual, expected);
  bool burst_found = false;
  for (const auto& [key, count] : actual) burst_found |= std::get<2>(key) == "NoSuchKey" && count == 100;
  EXPECT_TRUE(burst_found) << "the generator's NoSuchKey burst (events per day / 4)";

  std::map<std::string, int64_t> clients;
  int64_t via_vpc = 0;
  double requester_pays = 0;
  for (const Json& row : wh.Report("clients")) {
    clients[row["client"]] = Int(row["requests"]);
    via_vpc += Int(row["via_vpc_endpoint"]);
    EXPECT_EQ(Int(row["via_vpc_endpoint"]) + Int(row["via_internet"]), Int(row["requests"]));
    requester_pays += row["requester_pays_pct"].get<double>() * static_cast<double>(Int(row["requests"])) / 100;
  }
  EXPECT_EQ(clients, (wh.truth()["clients"].get<std::map<std::string, int64_t>>()));
  EXPECT_EQ(via_vpc, wh.truth()["via_vpc_endpoint"].get<int64_t>());
  EXPECT_NEAR(requester_pays, wh.truth()["requester_pays_requests"].get<double>(),
              0.0005 * wh.truth()["qualifying_events"].get<double>());
}

/// The accounts `inactive --days D` must list: the ones the generator made quiet (and the mapped
/// account never seen), with D the largest window that still catches every quiet subscriber.
void CheckInactiveIsTheQuietCast(const GeneratedWarehouse& wh) {
  std::map<std::string, std::string> last_access;  // From the usage, not from the scenario.
  for (const auto& [account, days] : wh.usage()) last_access[account] = days.rbegin()->first;
  std::set<std::string> quiet;
  int64_t latest_quiet = 0;
  for (const Json& member : wh.truth()["scenario"]) {
    if (member["quiet_from"].is_null()) continue;
    quiet.insert(member["account"]);
    latest_quiet = std::max(latest_quiet, DayNumber(member["quiet_from"]));
  }
  ASSERT_EQ(quiet.size(), 2u);
  int64_t days = DayNumber(wh.last_day()) - latest_quiet + 1;
  for (const auto& [account, day] : last_access) {  // The scenario holds: everybody else is active.
    if (!quiet.count(account)) {
      ASSERT_GT(DayNumber(day), DayNumber(wh.last_day()) - days) << account;
    }
  }
  std::set<std::string> found;
  for (const Json& row : wh.Report("inactive", {"--days", std::to_string(days)})) {
    std::string account = row["account_id"];
    found.insert(account);
    if (account == kNeverSeen) {
      EXPECT_TRUE(row["last_access"].is_null());
      EXPECT_EQ(row["subscriber"], "Prospect-Ltd");
      EXPECT_EQ(row["attributes"], "tier=trial");
    } else {
      EXPECT_EQ(row["last_access"], last_access[account]);
      EXPECT_EQ(row["subscriber"], wh.Name(account));
      EXPECT_EQ(Int(row["days_since_last_access"]), DayNumber(wh.last_day()) - DayNumber(last_access[account]));
    }
  }
  quiet.insert(kNeverSeen);
  EXPECT_EQ(found, quiet);
}

/// `spikes` with its defaults must find exactly the generator's bulk-download days.
void CheckSpikesAreTheInjectedOnes(const GeneratedWarehouse& wh) {
  std::set<std::pair<std::string, std::string>> injected;
  for (const Json& member : wh.truth()["scenario"]) {
    if (!member["spike_day"].is_null()) {
      injected.insert({member["account"].get<std::string>(), member["spike_day"].get<std::string>()});
    }
  }
  ASSERT_EQ(injected.size(), 2u);
  std::set<std::pair<std::string, std::string>> found;
  for (const Json& row : wh.Report("spikes")) {
    found.insert({row["account_id"].get<std::string>(), row["day"].get<std::string>()});
    EXPECT_GT(Int(row["requests"]), row["request_threshold"].get<double>()) << row.dump();
    EXPECT_EQ(row["subscriber"], wh.Name(row["account_id"]));
    const Usage& usage = wh.usage().at(row["account_id"]).at(row["day"]);
    EXPECT_EQ(Int(row["requests"]), usage.requests - usage.failed);
    EXPECT_EQ(Int(row["bytes_out"]), usage.bytes_out);
  }
  EXPECT_EQ(found, injected);
}

TEST_F(ReportIntegrationTest, InactiveFindsExactlyTheQuietSubscribersOnTwoSeeds) {
  CheckInactiveIsTheQuietCast(First());
  CheckInactiveIsTheQuietCast(Second());
}

TEST_F(ReportIntegrationTest, SpikesFindExactlyTheInjectedSpikesOnTwoSeeds) {
  CheckSpikesAreTheInjectedOnes(First());
  CheckSpikesAreTheInjectedOnes(Second());
}

TEST_F(ReportIntegrationTest, NamesAndDataSetsAppearInEveryReport) {
  const GeneratedWarehouse& wh = First();
  std::set<std::string> names = {"anonymous", "Prospect-Ltd"}, datasets;
  for (const auto& [account, name] : wh.names()) names.insert(name);
  for (const auto& [arn, dataset] : wh.datasets()) datasets.insert(dataset);
  for (const char* report : {"subscribers", "objects", "daily", "inactive", "spikes", "errors", "access-points"}) {
    Json rows = wh.Report(report);
    ASSERT_FALSE(rows.empty()) << report;
    for (const Json& row : rows) {
      if (row.contains("subscriber")) {
        EXPECT_TRUE(names.count(row["subscriber"])) << report << ": " << row.dump();
      }
      if (row.contains("dataset")) {
        EXPECT_TRUE(datasets.count(row["dataset"])) << report << ": " << row.dump();
      }
    }
  }
  // Without the mapping files the ids show instead.
  CommandResult bare = RunCli({"report", "access-points", "--warehouse", wh.warehouse().string(), "--format", "csv"});
  ASSERT_EQ(bare.exit_code, 0) << bare.err;
  EXPECT_NE(bare.out.find("arn:aws:s3:"), std::string::npos);
  for (const std::string& dataset : datasets) EXPECT_EQ(bare.out.find(dataset + ","), std::string::npos);
}

TEST_F(ReportIntegrationTest, DataSetFilterAndAnonymousExclusion) {
  const GeneratedWarehouse& wh = First();
  const Json& some = wh.truth()["access_points"][0];
  Json rows = wh.Report("events", {"--dataset", some["dataset"]});
  int64_t requests = 0;
  for (const Json& row : rows) requests += Int(row["requests"]);
  EXPECT_EQ(requests, some["requests"].get<int64_t>());

  int64_t anonymous = 0;
  for (const auto& [day, usage] : wh.usage().at("anonymous")) anonymous += usage.requests;
  ASSERT_GT(anonymous, 0);
  requests = 0;
  for (const Json& row : wh.Report("events", {"--exclude-anonymous"})) requests += Int(row["requests"]);
  EXPECT_EQ(requests, wh.truth()["qualifying_events"].get<int64_t>() - anonymous);
  for (const Json& row : wh.Report("subscribers", {"--exclude-anonymous"})) EXPECT_NE(row["account_id"], "anonymous");
  Json with = wh.Report("subscribers");
  EXPECT_TRUE(std::any_of(with.begin(), with.end(), [](const Json& row) { return row["account_id"] == "anonymous"; }));
}

TEST_F(ReportIntegrationTest, GoldenOutputOfEveryReport) {
  const GeneratedWarehouse& wh = First();
  bool update = std::getenv("ADXM_UPDATE_GOLDEN") != nullptr;
  CommandResult list = RunCli({"report", "--list"});
  ASSERT_EQ(list.exit_code, 0);
  for (const char* report : {"summary", "subscribers", "events", "objects", "daily", "inactive", "spikes", "errors",
                             "clients", "access-points"}) {
    EXPECT_EQ(list.out.find(std::string(report) + " — "), list.out.find(std::string("\n") + report + " — ") + 1)
        << report;
    CommandResult result = wh.Cli("report", {report, "--format", "csv"});
    ASSERT_EQ(result.exit_code, 0) << report << ": " << result.err;
    fs::path golden = SourceDir() / "testdata" / "reports" / (std::string(report) + ".csv");
    if (update) {
      ASSERT_TRUE(WriteFile(golden, result.out, false).ok());
      continue;
    }
    auto expected = ReadFile(golden);
    ASSERT_TRUE(expected.ok()) << golden << " missing; run with ADXM_UPDATE_GOLDEN=1";
    EXPECT_EQ(result.out, *expected) << report << " differs from " << golden;
  }
}

TEST_F(ReportIntegrationTest, StatementHoldsNoOtherSubscribersData) {
  const GeneratedWarehouse& wh = First();
  const std::string account = wh.truth()["scenario"][2]["account"];  // Has an error burst in May too.
  // Objects others downloaded in May that this subscriber never requested, computed here with SQL.
  Json foreign = QueryJson(wh.warehouse(),
                           "SELECT DISTINCT object_key FROM adx_for_s3_metrics WHERE year = '2023' AND month = '05' "
                           "AND object_key IS NOT NULL EXCEPT SELECT object_key FROM adx_for_s3_metrics "
                           "WHERE subscriber_account_id = '" +
                               account + "'");
  ASSERT_GT(foreign.size(), 10u);
  Usage may;
  for (const auto& [day, usage] : wh.usage().at(account)) {
    if (day < "2023-06-01")
      may.Add({{"requests", usage.requests},
               {"failed", usage.failed},
               {"downloads", usage.downloads},
               {"bytes_out", usage.bytes_out}});
  }
  for (const char* format : {"html", "markdown", "csv"}) {
    CommandResult result = wh.Cli("statement", {"--subscriber", account, "--month", "2023-05", "--format", format});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    const std::string& text = result.out;
    EXPECT_NE(text.find(account), std::string::npos) << format;
    EXPECT_NE(text.find(wh.Name(account)), std::string::npos) << format;
    for (const auto& [other, name] : wh.names()) {
      if (other == account) continue;
      EXPECT_EQ(text.find(other), std::string::npos) << format << " names " << other;
      EXPECT_EQ(text.find(name), std::string::npos) << format << " names " << name;
    }
    EXPECT_EQ(text.find("anonymous"), std::string::npos) << format;
    EXPECT_EQ(text.find("Prospect-Ltd"), std::string::npos) << format;
    for (const Json& row : foreign) {
      std::string key = row["object_key"];
      EXPECT_EQ(text.find(key), std::string::npos) << format << " lists " << key;
      EXPECT_EQ(text.find(HtmlEscape(key)), std::string::npos) << format << " lists " << key;
    }
  }
  CommandResult csv = wh.Cli("statement", {"--subscriber", account, "--month", "2023-05", "--format", "csv"});
  std::string totals = std::to_string(may.requests) + "," + std::to_string(may.requests - may.failed) + "," +
                       std::to_string(may.failed) + "," + std::to_string(may.downloads) + "," +
                       std::to_string(may.bytes_out) + ",";
  EXPECT_NE(csv.out.find("# Totals\r\nrequests,successful_requests,failed_requests,downloads,bytes_out,"),
            std::string::npos)
      << csv.out;
  EXPECT_NE(csv.out.find("\r\n" + totals), std::string::npos) << totals << "\n" << csv.out.substr(0, 400);
}

TEST_F(ReportIntegrationTest, HtmlIsSelfContained) {
  const GeneratedWarehouse& wh = First();
  for (const char* report : {"daily", "subscribers"}) {
    CommandResult result = wh.Cli("report", {report, "--format", "html"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out.rfind("<!DOCTYPE html>", 0), 0u);
    EXPECT_NE(result.out.find("<svg"), std::string::npos) << report;
    for (const char* external : {"http://", "https://", "<script", "<link", "<img", "@import"}) {
      EXPECT_EQ(result.out.find(external), std::string::npos) << report << " has " << external;
    }
  }
}

TEST_F(ReportIntegrationTest, ConfigFileAndClearErrors) {
  const GeneratedWarehouse& wh = First();
  ScratchDir scratch;
  // A warehouse's adxmetrics.toml names the mapping files (relative to the warehouse).
  fs::path copy = scratch.path() / "wh";
  CopyWarehouse(wh.warehouse(), copy);
  fs::copy_file(wh.subscribers_csv(), copy / "subscribers.csv");
  ASSERT_TRUE(WriteFile(copy / "adxmetrics.toml", "[reports]\nsubscribers = \"subscribers.csv\"\n", false).ok());
  CommandResult named = RunCli({"report", "subscribers", "--warehouse", copy.string(), "--format", "csv"});
  ASSERT_EQ(named.exit_code, 0) << named.err;
  EXPECT_NE(named.out.find(",Customer-1-Ltd,tier=gold,"), std::string::npos) << named.out;

  ASSERT_TRUE(WriteFile(copy / "adxmetrics.toml", "[reports]\nsubscriber = \"s.csv\"\n", false).ok());
  CommandResult typo = RunCli({"report", "events", "--warehouse", copy.string()});
  EXPECT_EQ(typo.exit_code, 1);
  EXPECT_NE(typo.err.find("adxmetrics.toml:2: unknown key reports.subscriber"), std::string::npos) << typo.err;

  fs::path bad = scratch.path() / "bad.csv";
  ASSERT_TRUE(WriteFile(bad, "account_id,name\n012345678901,A\n012345678901,B\n", false).ok());
  CommandResult duplicate =
      RunCli({"report", "events", "--warehouse", wh.warehouse().string(), "--subscribers", bad.string()});
  EXPECT_EQ(duplicate.exit_code, 1);
  EXPECT_NE(duplicate.err.find(bad.string() + ":3: duplicate account_id 012345678901 (first on line 2)"),
            std::string::npos)
      << duplicate.err;

  CommandResult unknown = RunCli({"report", "nonsense", "--warehouse", wh.warehouse().string()});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("no report 'nonsense'"), std::string::npos);
  CommandResult wrong_option = RunCli({"report", "events", "--warehouse", wh.warehouse().string(), "--k", "3"});
  EXPECT_EQ(wrong_option.exit_code, 2);
  EXPECT_NE(wrong_option.err.find("report events does not take --k"), std::string::npos);
  CommandResult bad_date = RunCli({"report", "events", "--warehouse", wh.warehouse().string(), "--from", "2023-13-01"});
  EXPECT_EQ(bad_date.exit_code, 2);
  EXPECT_NE(bad_date.err.find("--from '2023-13-01' is not a date YYYY-MM-DD"), std::string::npos);
}

}  // namespace
}  // namespace adxm::testing
