#include "cli/cli_util.h"

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

}  // namespace adxm
