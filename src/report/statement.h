// Statement: a usage statement for one subscriber over a period, to send to that customer — their
// totals, usage per data set and per day, top objects and failed requests. Every section filters
// on the one account id through adxm_usage(), so no other subscriber's rows can reach it.
//
// Thread-safety: uses the runner from the calling thread.
// Example:
//   ReportParams params;
//   params.subscriber = "123456789012";
//   params.month = "2023-05";
//   ADXM_ASSIGN_OR_RETURN(Document statement, BuildStatement(runner.get(), params, "Acme Data"));
//   std::cout << RenderHtml(statement);
#pragma once

#include <string>

#include "base/status.h"
#include "report/document.h"
#include "report/report_runner.h"

namespace adxm {

/// Build the statement of params.subscriber (required) for the period of `params`, from `provider`.
Result<Document> BuildStatement(ReportRunner* runner, const ReportParams& params, const std::string& provider);

/// Return a report's result as a one-section document (title, period and filters in the subtitle).
Document ReportDocument(const ReportResult& result, const ReportParams& params);

/// Return "2023-05-01 to 2023-05-31" plus the filters in effect, for subtitles.
std::string DescribePeriod(const Period& period, const ReportParams& params);

}  // namespace adxm
