// `adxmetrics report NAME ...`, `adxmetrics report --list` and `adxmetrics statement ...`.
#include <cstdio>
#include <memory>
#include <string>

#include "base/file_util.h"
#include "cli/cli_util.h"
#include "cli/commands.h"
#include "query/format.h"
#include "report/report.h"
#include "report/report_config.h"
#include "report/report_runner.h"
#include "report/statement.h"

namespace adxm {
namespace {

struct ReportArgs {
  std::string name;
  bool list = false;
  WarehouseArgs warehouse;
  std::string format = "table";
  std::string output;       // File to write; empty: standard output.
  std::string subscribers;  // Mapping files; override adxmetrics.toml.
  std::string datasets;
  std::string provider;
  ReportParams params;
};

/// Register the options every report and the statement share.
void AddCommonOptions(CLI::App* app, ReportArgs* args) {
  AddWarehouseOptions(app, &args->warehouse, /*required=*/false);
  app->add_option("--from", args->params.from, "First day, YYYY-MM-DD (default: first day with data)");
  app->add_option("--to", args->params.to, "Last day, YYYY-MM-DD (default: last day with data)");
  app->add_option("--month", args->params.month, "A whole month, YYYY-MM (instead of --from/--to)");
  app->add_option("--dataset", args->params.dataset, "Only this data set (mapped name or access point ARN)");
  app->add_option("--subscribers", args->subscribers,
                  "CSV mapping account_id,name[,extra columns...] (default: adxmetrics.toml in the warehouse)");
  app->add_option("--datasets", args->datasets,
                  "CSV mapping access_point_arn,dataset[,extra columns...] (default: adxmetrics.toml)");
  app->add_option("--output,-o", args->output, "Write to this file instead of standard output");
}

Result<std::unique_ptr<ReportRunner>> OpenRunner(ReportArgs* args) {
  ADXM_ASSIGN_OR_RETURN(ReportConfig config, LoadReportConfig(args->warehouse.location));
  if (!args->subscribers.empty()) config.mappings.subscribers = args->subscribers;
  if (!args->datasets.empty()) config.mappings.datasets = args->datasets;
  if (args->provider.empty()) args->provider = config.provider;
  QueryEngineOptions engine;
  engine.store = ToStoreOptions(args->warehouse);
  return ReportRunner::Open(args->warehouse.location, config.mappings, engine);
}

int Emit(const std::string& text, const std::string& output) {
  if (output.empty()) {
    // fwrite, not fputs: a value may hold a NUL byte, and every byte after it must still be printed.
    std::fwrite(text.data(), 1, text.size(), stdout);
    return kExitOk;
  }
  Status written = WriteFile(output, text, /*sync=*/false);
  return written.ok() ? kExitOk : Fail(written);
}

std::string ListReports() {
  std::string out;
  for (const Report& report : Reports()) {
    std::string options;
    if (report.options & kOptionBy) options += " [--by day|week|month]";
    if (report.options & kOptionDays) options += " [--days N]";
    if (report.options & kOptionK) options += " [--k X]";
    if (report.options & kOptionWindow) options += " [--window N]";
    if (report.options & kOptionTop) options += " [--top N]";
    if (report.options & kOptionMinFactor) options += " [--min-factor X]";
    out += std::string(report.name) + " — " + std::string(report.title) + options + "\n  " +
           std::string(report.description) + "\n  columns:";
    for (const ReportColumn& column : report.columns) {
      out += " " + std::string(column.name) +
             (column.unit == Unit::kText ? "" : " (" + std::string(UnitName(column.unit)) + ")") + ",";
    }
    out.back() = '\n';
    out += "\n";
  }
  return out +
         "Common options: --warehouse DIR [--from D] [--to D | --month YYYY-MM] [--subscriber ID] [--dataset NAME]\n"
         "  [--exclude-anonymous] [--format table|csv|json|markdown|html] [--subscribers CSV] [--datasets CSV]\n";
}

/// A usage error when an option the report does not take was given.
std::string CheckReportOptions(const CLI::App& app, const Report& report) {
  const std::pair<const char*, unsigned> kSpecific[] = {{"--by", kOptionBy},   {"--days", kOptionDays},
                                                        {"--k", kOptionK},     {"--window", kOptionWindow},
                                                        {"--top", kOptionTop}, {"--min-factor", kOptionMinFactor}};
  for (const auto& [flag, bit] : kSpecific) {
    if (app.count(flag) > 0 && (report.options & bit) == 0) {
      return "report " + std::string(report.name) + " does not take " + flag;
    }
  }
  return "";
}

std::string RenderReport(const ReportResult& result, const ReportParams& params, const std::string& format) {
  Document document = ReportDocument(result, params);
  if (format == "html") return RenderHtml(document);
  if (format == "markdown") return RenderMarkdown(document);
  OutputFormat output = *ParseOutputFormat(format);
  std::string table = FormatTable(result.table, output);
  if (output != OutputFormat::kTable) return table;
  return document.title + " · " + document.subtitle + "\n" + table;
}

int RunReport(const CLI::App& app, ReportArgs* args) {
  if (args->list) return Emit(ListReports(), args->output);
  if (args->name.empty()) return UsageFail("name a report (see `adxmetrics report --list`)");
  const Report* report = FindReport(args->name);
  if (report == nullptr) return UsageFail("no report '" + args->name + "'; `adxmetrics report --list` shows them");
  if (args->warehouse.location.empty()) return UsageFail("--warehouse is required");
  if (std::string error = CheckReportOptions(app, *report); !error.empty()) return UsageFail(error);
  auto runner = OpenRunner(args);
  if (!runner.ok()) return Fail(runner.status());
  auto result = (*runner)->Run(*report, args->params);
  if (!result.ok()) {
    return result.status().code() == StatusCode::kInvalidArgument ? UsageFail(result.status().message())
                                                                  : Fail(result.status());
  }
  return Emit(RenderReport(*result, args->params, args->format), args->output);
}

int RunStatement(ReportArgs* args) {
  if (args->warehouse.location.empty()) return UsageFail("--warehouse is required");
  auto runner = OpenRunner(args);
  if (!runner.ok()) return Fail(runner.status());
  auto document = BuildStatement(runner->get(), args->params, args->provider);
  if (!document.ok()) {
    return document.status().code() == StatusCode::kInvalidArgument ? UsageFail(document.status().message())
                                                                    : Fail(document.status());
  }
  if (args->format == "html") return Emit(RenderHtml(*document), args->output);
  if (args->format == "csv") return Emit(RenderCsvSections(*document), args->output);
  return Emit(RenderMarkdown(*document), args->output);
}

}  // namespace

std::function<int()> SetupReport(CLI::App* app) {
  auto args = std::make_shared<ReportArgs>();
  app->add_option("name", args->name, "Report to run (see --list)");
  app->add_flag("--list", args->list, "List the reports, their options and columns");
  AddCommonOptions(app, args.get());
  app->add_option("--subscriber", args->params.subscriber, "Only this subscriber account id");
  app->add_flag("--exclude-anonymous", args->params.exclude_anonymous, "Leave out unsigned (anonymous) requests");
  app->add_option("--format", args->format, "table, csv, json, markdown or html")
      ->check(CLI::IsMember({"table", "csv", "json", "markdown", "html"}));
  app->add_option("--by", args->params.by, "summary: day, week or month")
      ->check(CLI::IsMember({"day", "week", "month"}));
  app->add_option("--days", args->params.days, "inactive: no request in the last N days (30)");
  app->add_option("--k", args->params.k, "spikes: threshold median + k * 1.4826 * MAD (6)");
  app->add_option("--window", args->params.window, "spikes: trailing days of the baseline (14)");
  app->add_option("--top", args->params.top, "objects: rows per ranking (20)");
  app->add_option("--min-factor", args->params.min_factor, "spikes: and at least X times the baseline median (3)");
  app->footer(
      "Every report reads adx_for_s3_metrics over the period [--from, --to] (UTC days). Downloads and bytes\n"
      "count successful requests only; unsigned requests are the subscriber 'anonymous'.");
  CLI::App* self = app;
  return [args, self]() -> int { return RunReport(*self, args.get()); };
}

std::function<int()> SetupStatement(CLI::App* app) {
  auto args = std::make_shared<ReportArgs>();
  args->format = "markdown";
  AddCommonOptions(app, args.get());
  app->add_option("--subscriber", args->params.subscriber, "The subscriber's account id")->required();
  app->add_option("--format", args->format, "html, markdown or csv (default markdown)")
      ->check(CLI::IsMember({"html", "markdown", "csv"}));
  app->add_option("--provider", args->provider, "Provider name printed on the statement (default: adxmetrics.toml)");
  return [args]() -> int { return RunStatement(args.get()); };
}

}  // namespace adxm
