// adxmetrics: AWS Data Exchange for S3 usage metrics from CloudTrail logs.
#include <malloc.h>

#include <cstdio>
#include <exception>

#include "base/cpu_check.h"
#include "cli/commands.h"

namespace adxm {
namespace {

const Command kCommands[] = {
    {"generate", "Write a realistic synthetic CloudTrail bucket and its ground truth", SetupGenerate},
    {"ingest", "Ingest new CloudTrail log objects into the curated Parquet dataset", SetupIngest},
    {"query", "Run read-only SQL over the curated dataset", SetupQuery},
    {"rejects", "List rejected log objects (reasons, attempts, quarantine) and malformed records", SetupRejects},
    {"report", "Run a usage report (subscribers, spikes, inactive, ...); --list shows them", SetupReport},
    {"statement", "Write one subscriber's usage statement (HTML, Markdown or CSV)", SetupStatement},
    {"serve", "Serve the dashboard and its JSON API; optionally ingest on a schedule", SetupServe},
    {"demo", "Generate a month of logs, ingest it and show the sample's queries", SetupDemo},
    {"schema", "Print the curated table's schema (markdown, DuckDB SQL or Athena DDL)", SetupSchema},
};

int Run(int argc, char** argv) {
  CLI::App app{"adxmetrics: AWS Data Exchange for Amazon S3 usage metrics from CloudTrail logs"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "adxmetrics 0.1.0");
  std::function<int()> run;
  for (const Command& command : kCommands) {
    CLI::App* sub = app.add_subcommand(std::string(command.name), std::string(command.help));
    auto body = command.setup(sub);
    sub->callback([&run, body] { run = body; });
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }
  return run ? run() : kExitUsage;
}

}  // namespace
}  // namespace adxm

int main(int argc, char** argv) {
  // Before anything else: a binary built for a newer CPU says so instead of dying of SIGILL.
  adxm::ExitUnlessCpuSupportsBuild();
  // Ingest allocates and frees row batches and page buffers of a few MB all run long. Keep freed
  // memory for reuse instead of handing it back to the kernel and page-faulting it in again
  // (measured: ~4% of an ingest); peak RSS is unchanged.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 128 << 20);
  try {
    return adxm::Run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "adxmetrics: internal error: %s\n", e.what());
    return adxm::kExitFailed;
  }
}
