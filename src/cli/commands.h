// The CLI as a table of subcommands (like ninja's tools): each entry names a
// subcommand, says what it does, and registers its options on a CLI11 app,
// returning the function that runs it.
//
// Exit codes: 0 ok, 1 run failed, 2 usage error, 3 finished but some objects were rejected.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string_view>

namespace adxm {

enum ExitCode : int {
  kExitOk = 0,
  kExitFailed = 1,
  kExitUsage = 2,
  kExitRejected = 3,
};

/// Registers a subcommand's options on `app`; returns the function that runs it.
using CommandSetup = std::function<std::function<int()>(CLI::App* app)>;

struct Command {
  std::string_view name;
  std::string_view help;
  CommandSetup setup;
};

std::function<int()> SetupGenerate(CLI::App* app);
std::function<int()> SetupIngest(CLI::App* app);
std::function<int()> SetupQuery(CLI::App* app);
std::function<int()> SetupReport(CLI::App* app);
std::function<int()> SetupStatement(CLI::App* app);
std::function<int()> SetupDemo(CLI::App* app);
std::function<int()> SetupSchema(CLI::App* app);
std::function<int()> SetupRejects(CLI::App* app);
std::function<int()> SetupServe(CLI::App* app);

}  // namespace adxm
