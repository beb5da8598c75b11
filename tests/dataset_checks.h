// Checks on a warehouse that integration tests share; every answer comes from the
// CLI the user runs (generate / ingest / query), so tests exercise the real binary.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "test_util.h"

namespace adxm::testing {

/// Run `adxmetrics generate --out dir <args>`; fail the test on error.
void GenerateBucket(const std::filesystem::path& dir, const std::vector<std::string>& args);

/// Run `adxmetrics ingest --source ... --warehouse ... <extra>`.
CommandResult IngestCli(const std::filesystem::path& source, const std::filesystem::path& warehouse,
                        const std::vector<std::string>& extra = {});

/// Run SQL through `adxmetrics query --format json` and return the parsed rows (an array).
nlohmann::json QueryJson(const std::filesystem::path& warehouse, const std::string& sql);

/// Number of rows in the dataset.
int64_t CountRows(const std::filesystem::path& warehouse);

/// Every row, all columns, as CSV sorted by eventID: two datasets are equal iff dumps are equal.
std::string DumpDataset(const std::filesystem::path& warehouse);

/// Load ground_truth.json written by the generator.
nlohmann::json LoadGroundTruth(const std::filesystem::path& bucket);

/// Visible data files under the table directory that hold rows (not the empty placeholders of
/// replaced files), relative to it, sorted.
std::vector<std::string> DataFilesOnDisk(const std::filesystem::path& warehouse);

/// Live data files named by the manifest, sorted.
std::vector<std::string> LiveFiles(const std::filesystem::path& warehouse);

/// The table folder of a warehouse directory.
std::filesystem::path TableDir(const std::filesystem::path& warehouse);

/// The manifest's files (log entries, checkpoints, object index parts), relative to the warehouse.
std::vector<std::string> ManifestFiles(const std::filesystem::path& warehouse);

/// All log object keys (.json.gz outside digest folders) under a bucket, sorted.
std::vector<std::string> LogKeys(const std::filesystem::path& bucket);

}  // namespace adxm::testing
