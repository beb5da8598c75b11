#include "ingest/rebuild.h"

#include <set>

#include "schema/schema.h"
#include "warehouse/layout.h"

namespace adxm {

Status RebuildManifest(Warehouse* warehouse, ParquetReader* reader) {
  const std::vector<std::string>& files = warehouse->recovery().unmanaged_files;
  Store* store = warehouse->store();
  std::vector<std::filesystem::path> paths;
  std::vector<std::string> keys;
  for (const std::string& relative : files) {
    // The visible file becomes the stable copy too.
    Status link = store->Link(WarehouseLayout::VisibleKey(relative), WarehouseLayout::DataKey(relative));
    if (!link.ok() && link.code() != StatusCode::kAlreadyExists) return link;
    paths.emplace_back(warehouse->ReaderPath(relative));
    keys.push_back(WarehouseLayout::DataKey(relative));
  }
  ADXM_RETURN_IF_ERROR(store->MakeReadable(keys));
  std::set<std::string> sources;
  ADXM_RETURN_IF_ERROR(reader->ReadColumn(paths, kColumns[kSourceLogFile].name,
                                          [&](std::string_view key) { sources.emplace(key); }));
  CommitRecord record;
  record.txn = warehouse->manifest().next_txn();
  record.added_files = files;
  for (const std::string& key : sources) {
    ObjectRecord object;
    object.key = key;
    record.objects.push_back(std::move(object));
  }
  return warehouse->Commit(std::move(record));
}

}  // namespace adxm
