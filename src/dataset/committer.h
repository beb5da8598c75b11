// Committer: routes extracted rows to their day, drops eventIDs a day already holds,
// and commits buffered rows (one Parquet file per day) together with the objects
// they came from. Compacts days that accumulated too many files.
//
// Thread-safety: none; driven by the ingest's consumer thread.
// Example:
//   Committer committer(warehouse.get(), writer.get(), options, &report);
//   ADXM_RETURN_IF_ERROR(committer.Add(object, extracted));
//   ADXM_RETURN_IF_ERROR(committer.Flush());
//   ADXM_RETURN_IF_ERROR(committer.CompactTouchedDays());
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "dataset/event_id_set.h"
#include "dataset/extract_pool.h"
#include "dataset/ingest.h"
#include "dataset/parquet_writer.h"
#include "dataset/warehouse.h"

namespace adxm {

/// Return the partition directory of a day since the epoch: "year=2023/month=05/day=01".
std::string PartitionDir(int64_t day);

class Committer {
 public:
  Committer(Warehouse* warehouse, ParquetWriter* writer, const IngestOptions& options, IngestReport* report)
      : warehouse_(warehouse), writer_(writer), options_(options), report_(report) {}

  /// Take one successfully extracted object; commits when the buffer is full.
  Status Add(const ObjectInfo& object, const ExtractedObject& extracted);

  /// Commit everything buffered (a no-op when nothing is).
  Status Flush();

  /// Compact each day touched by this run that holds more than max_files_per_day files.
  Status CompactTouchedDays();

 private:
  struct Day {
    bool ids_loaded = false;
    EventIdSet ids;  // eventIDs committed or buffered for this day.
    RowBatch rows;   // Buffered rows not yet committed.
  };
  Result<Day*> GetDay(int64_t day);
  Status Compact(int64_t day);

  Warehouse* warehouse_;
  ParquetWriter* writer_;
  const IngestOptions& options_;
  IngestReport* report_;
  std::map<int64_t, Day> days_;
  std::set<int64_t> touched_days_;
  std::vector<ObjectRecord> pending_objects_;
  size_t pending_bytes_ = 0;
};

}  // namespace adxm
