// RebuildManifest: re-derive a lost manifest from the data files in the table folder
// (`ingest --rebuild`). Each visible data file of the warehouse's naming becomes live in one
// commit, and the log objects named in their source_log_file column become processed (with no
// size or version known, so only a size change reprocesses them). Log objects that had no
// qualifying rows cannot be known and are read again; eventID dedup keeps the result exact.
//
// Thread-safety: one thread, under the warehouse lock.
// Example:
//   ADXM_RETURN_IF_ERROR(RebuildManifest(warehouse.get(), &reader));
#pragma once

#include "base/status.h"
#include "ingest/parquet_reader.h"
#include "warehouse/warehouse.h"

namespace adxm {

/// Commit the data files Warehouse::recovery().unmanaged_files lists as the warehouse's state.
Status RebuildManifest(Warehouse* warehouse, ParquetReader* reader);

}  // namespace adxm
