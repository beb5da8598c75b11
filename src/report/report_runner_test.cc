#include "report/report_runner.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <set>

#include "test_util.h"

namespace adxm {
namespace {

// An empty warehouse (no manifest yet) has the typed empty view: every report must prepare, bind
// and return exactly the columns its definition declares.
class ReportRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(scratch_.path() / "_adxmetrics");  // As an ingest of nothing leaves it.
    auto runner = ReportRunner::Open(scratch_.path(), {});
    ASSERT_TRUE(runner.ok()) << runner.status().ToString();
    runner_ = std::move(*runner);
  }
  testing::ScratchDir scratch_;
  std::unique_ptr<ReportRunner> runner_;
};

TEST_F(ReportRunnerTest, EveryReportReturnsItsDeclaredColumns) {
  std::set<std::string_view> names;
  for (const Report& report : Reports()) {
    EXPECT_TRUE(names.insert(report.name).second) << "duplicate report " << report.name;
    ReportParams params;
    params.from = "2023-05-01";
    params.to = "2023-05-31";
    auto result = runner_->Run(report, params);
    ASSERT_TRUE(result.ok()) << report.name << ": " << result.status().ToString();
    std::vector<std::string> declared;
    for (const ReportColumn& column : report.columns) declared.emplace_back(column.name);
    EXPECT_EQ(result->table.column_names, declared) << report.name;
    EXPECT_EQ(FindReport(report.name), &report);
    if (!report.chart.x.empty()) {
      EXPECT_NE(std::find(declared.begin(), declared.end(), report.chart.x), declared.end()) << report.name;
      EXPECT_NE(std::find(declared.begin(), declared.end(), report.chart.y), declared.end()) << report.name;
    }
  }
  EXPECT_EQ(FindReport("no-such-report"), nullptr);
}

TEST_F(ReportRunnerTest, ParametersAreValuesNotSql) {
  ReportParams params;
  params.subscriber = "' OR 1=1 --";
  params.dataset = "arn:aws:s3:x'); DROP TABLE adxm_subscriber_map; --";
  auto result = runner_->Run(*FindReport("subscribers"), params);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_TRUE(result->table.rows.empty());
  auto still_there = runner_->engine()->Run("SELECT count(*) FROM adxm_subscriber_map");
  EXPECT_TRUE(still_there.ok()) << still_there.status().ToString();
}

// With no data yet, a missing bound is the other one, or today (UTC): never a period at the epoch
// nor one stretching from it to a given day.
TEST_F(ReportRunnerTest, PeriodOfAnEmptyWarehouseIsTheBoundGivenOrToday) {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const int64_t today = std::chrono::duration_cast<std::chrono::days>(now).count();
  auto period = runner_->ResolvePeriod({});
  ASSERT_TRUE(period.ok()) << period.status().ToString();
  // The day may turn between the two clock reads.
  EXPECT_TRUE(period->from_day == today || period->from_day == today + 1) << FormatDay(period->from_day);
  EXPECT_EQ(period->to_day, period->from_day);
  ReportParams params;
  params.to = "2023-05-01";
  period = runner_->ResolvePeriod(params);
  ASSERT_TRUE(period.ok());
  EXPECT_EQ(FormatDay(period->from_day), "2023-05-01");
  EXPECT_EQ(FormatDay(period->to_day), "2023-05-01");
  params = {};
  params.from = "2023-05-01";
  period = runner_->ResolvePeriod(params);
  ASSERT_TRUE(period.ok());
  EXPECT_EQ(FormatDay(period->from_day), "2023-05-01");
  EXPECT_EQ(FormatDay(period->to_day), "2023-05-01");
}

TEST_F(ReportRunnerTest, ADataSetThatIsNeitherMappedNorAnArnIsAnError) {
  ReportParams params;
  params.dataset = "Nope";
  auto result = runner_->Run(*FindReport("summary"), params);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(result.status().message().find("data set 'Nope' is neither"), std::string::npos) << result.status().message();
  params.dataset = "arn:aws:s3:us-east-1:123456789012:accesspoint/none";  // Any ARN: maybe no usage yet.
  EXPECT_TRUE(runner_->Run(*FindReport("summary"), params).ok());
}

TEST_F(ReportRunnerTest, PeriodFromOptions) {
  ReportParams params;
  params.month = "2024-02";
  auto period = runner_->ResolvePeriod(params);
  ASSERT_TRUE(period.ok());
  EXPECT_EQ(FormatDay(period->from_day), "2024-02-01");
  EXPECT_EQ(FormatDay(period->to_day), "2024-02-29");
  params.month = "2023-12";
  period = runner_->ResolvePeriod(params);
  ASSERT_TRUE(period.ok());
  EXPECT_EQ(FormatDay(period->to_day), "2023-12-31");
}

TEST_F(ReportRunnerTest, BadOptionsNameTheOption) {
  auto message = [&](ReportParams params) { return runner_->ResolvePeriod(params).status().message(); };
  ReportParams params;
  params.from = "2023-02-30";
  EXPECT_EQ(message(params), "--from '2023-02-30' is not a date YYYY-MM-DD");
  params = {};
  params.from = "2023-05-02";
  params.to = "2023-05-01";
  EXPECT_EQ(message(params), "--from 2023-05-02 is after --to 2023-05-01");
  params = {};
  params.month = "2023-13";
  EXPECT_EQ(message(params), "--month '2023-13' is not a month YYYY-MM");
  params.from = "2023-05-01";
  params.month = "2023-05";
  EXPECT_EQ(message(params), "--month cannot be combined with --from or --to");
  params = {};
  params.by = "year";
  EXPECT_EQ(message(params), "--by must be day, week or month, got 'year'");
  params = {};
  params.window = 1;
  EXPECT_EQ(message(params), "--window must be between 2 and 366");
}

TEST(ReportDayTest, ParsesAndFormatsStrictDates) {
  auto day = ParseDay("2023-05-01", "--from");
  ASSERT_TRUE(day.ok());
  EXPECT_EQ(*day, 19478);
  EXPECT_EQ(FormatDay(19478), "2023-05-01");
  for (const char* bad :
       {"2023-5-01", "2023-05-1", "20230501", "2023-00-10", "2023-05-32", "1969-12-31", "2023-05-0x"}) {
    EXPECT_FALSE(ParseDay(bad, "--to").ok()) << bad;
  }
}

}  // namespace
}  // namespace adxm
