#include "warehouse/legacy_manifest.h"

namespace adxm {

std::string LegacyManifest::EncodeLine(const CommitRecord& record) { return Manifest::EncodeRecord(record); }

Result<std::unique_ptr<LegacyManifest>> LegacyManifest::Load(const std::filesystem::path& path) {
  std::string data;
  Status read = ReadFileInto(path, &data);
  if (read.code() == StatusCode::kNotFound) return std::unique_ptr<LegacyManifest>(new LegacyManifest(path));
  ADXM_RETURN_IF_ERROR(read);
  return Parse(data, path);
}

Result<std::unique_ptr<LegacyManifest>> LegacyManifest::Parse(std::string_view data, const std::filesystem::path& path) {
  std::unique_ptr<LegacyManifest> manifest(new LegacyManifest(path));
  size_t pos = 0;
  while (pos < data.size()) {
    size_t end = data.find('\n', pos);
    if (end == std::string::npos) break;  // Unterminated tail: a write that never finished.
    CommitRecord record;
    bool good = Manifest::DecodeRecord(data.substr(pos, end - pos), &record);
    if (!good && end + 1 < data.size()) {
      return Status::Corruption(path.string() + ": damaged commit record at byte " + std::to_string(pos) +
                                " followed by further records");
    }
    if (!good) break;  // A damaged last line is a torn tail.
    Status applied = manifest->Apply(record);
    if (!applied.ok()) return applied.WithContext(path.string() + " at byte " + std::to_string(pos));
    pos = end + 1;
  }
  manifest->committed_size_ = pos;
  return manifest;
}

Status LegacyManifest::Apply(const CommitRecord& record) {
  if (record.txn != last_txn_ + 1) {
    return Status::Corruption("commit txn " + std::to_string(record.txn) + " follows txn " +
                              std::to_string(last_txn_));
  }
  for (const ObjectRecord& object : record.objects) {
    objects_[object.key] = IndexedObject{object.key, object.size, object.version};
  }
  for (const std::string& file : record.removed_files) live_files_.erase(file);
  for (const std::string& file : record.added_files) live_files_.insert(file);
  last_txn_ = record.txn;
  return Status::OK();
}

Status LegacyManifest::Commit(const CommitRecord& record) {
  if (record.txn != next_txn()) {
    return Status::Internal(path_.string() + ": commit txn " + std::to_string(record.txn) + ", expected " +
                            std::to_string(next_txn()));
  }
  if (!Manifest::IsEncodable(record)) {
    return Status::InvalidArgument(path_.string() + ": commit txn " + std::to_string(record.txn) +
                                   ": an object key, version or file name is not valid UTF-8");
  }
  if (!file_) {
    ADXM_ASSIGN_OR_RETURN(file_, AppendFile::Open(path_, committed_size_));
    ADXM_RETURN_IF_ERROR(SyncDir(path_.parent_path()));  // The file itself may be new.
  }
  std::string line = EncodeLine(record);
  ADXM_RETURN_IF_ERROR(file_->Append(line));
  ADXM_RETURN_IF_ERROR(file_->Sync());
  committed_size_ += line.size();
  return Apply(record);
}

}  // namespace adxm
