// Small helpers shared by the subcommands.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace adxm {

/// Print "adxmetrics: <message>" on stderr and return kExitFailed.
int Fail(const Status& status);

/// Print "adxmetrics: <message>" and a --help hint on stderr and return kExitUsage.
int UsageFail(const std::string& message);

/// Split a comma-separated list of 12-digit account ids; InvalidArgument names a malformed entry.
Result<std::vector<std::string>> ParseAccountList(std::string_view text);

}  // namespace adxm
