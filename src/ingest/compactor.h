// Compactor: merges the files of a day holding more than `max_files_per_day` live files into one.
// Files this run wrote are appended row group by row group as bytes (CopyRowGroups) when their
// row groups are large; older files and small row groups are read back through DuckDB
// (streaming) and re-encoded together in row groups of bounded size, so a merged file never keeps
// the tiny groups of small commits. The
// merged file replaces them in one commit (Warehouse::Commit publishes it so that old and new
// rows are never visible together). Every day of the dataset is checked, not only the days a run
// touched, so a compaction a crash interrupted is finished by the next run.
//
// Thread-safety: one thread, while no commit is in flight.
// Example:
//   Compactor compactor(warehouse.get(), &reader, options.max_files_per_day, &report);
//   ADXM_RETURN_IF_ERROR(compactor.CompactAll(writer.WrittenGroups()));
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/status.h"
#include "ingest/ingest.h"
#include "ingest/parquet_reader.h"
#include "parquet/metadata.h"
#include "warehouse/warehouse.h"

namespace adxm {

class Compactor {
 public:
  Compactor(Warehouse* warehouse, ParquetReader* reader, size_t max_files_per_day, IngestReport* report)
      : warehouse_(warehouse), reader_(reader), max_files_per_day_(max_files_per_day), report_(report) {}

  /// Compact every day holding more than max_files_per_day live files. `written`: row groups of
  /// the files this run wrote (CommitWriter::WrittenGroups), copied without re-encoding.
  Status CompactAll(const std::map<std::string, std::vector<RowGroupInfo>>& written);

  /// Whether CompactAll has a day to compact.
  bool Due() const { return !DuePartitions().empty(); }

 private:
  // The live files of each day holding more than max_files_per_day, by partition.
  std::map<std::string, std::vector<std::string>> DuePartitions() const;

  Status CompactPartition(const std::string& partition, const std::vector<std::string>& inputs,
                          const std::map<std::string, std::vector<RowGroupInfo>>& written);

  Warehouse* warehouse_;
  ParquetReader* reader_;
  size_t max_files_per_day_;
  IngestReport* report_;
};

}  // namespace adxm
