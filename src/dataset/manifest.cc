#include "dataset/manifest.h"

#include <libdeflate.h>

#include <cstdio>
#include <nlohmann/json.hpp>

namespace adxm {
namespace {

using nlohmann::json;

uint32_t Crc32(std::string_view text) {
  return libdeflate_crc32(0, text.data(), text.size());
}

json EncodeObject(const ObjectRecord& object) {
  return json{{"key", object.key},       {"size", object.size}, {"version", object.version},
              {"events", object.events}, {"rows", object.rows}, {"duplicates", object.duplicates}};
}

// Decode one line's JSON body; returns false on any shape error.
bool DecodeRecord(std::string_view body, CommitRecord* record) {
  json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("txn") || !doc["txn"].is_number_unsigned()) return false;
  record->txn = doc["txn"].get<uint64_t>();
  for (const json& object : doc.value("objects", json::array())) {
    if (!object.is_object() || !object.contains("key") || !object["key"].is_string()) return false;
    ObjectRecord out;
    out.key = object["key"].get<std::string>();
    out.size = object.value("size", uint64_t{0});
    out.version = object.value("version", std::string());
    out.events = object.value("events", uint64_t{0});
    out.rows = object.value("rows", uint64_t{0});
    out.duplicates = object.value("duplicates", uint64_t{0});
    record->objects.push_back(std::move(out));
  }
  for (const char* field : {"added", "removed"}) {
    auto& files = field[0] == 'a' ? record->added_files : record->removed_files;
    for (const json& file : doc.value(field, json::array())) {
      if (!file.is_string()) return false;
      files.push_back(file.get<std::string>());
    }
  }
  return true;
}

// Parse "<crc8> <json>" without its newline; false when damaged.
bool ParseLine(std::string_view line, CommitRecord* record) {
  if (line.size() < 10 || line[8] != ' ') return false;
  uint32_t crc = 0;
  for (size_t i = 0; i < 8; ++i) {
    char c = line[i];
    int digit = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
    if (digit < 0) return false;
    crc = (crc << 4) | static_cast<uint32_t>(digit);
  }
  std::string_view body = line.substr(9);
  return Crc32(body) == crc && DecodeRecord(body, record);
}

}  // namespace

std::string Manifest::EncodeLine(const CommitRecord& record) {
  json doc = {{"txn", record.txn}, {"objects", json::array()}};
  for (const ObjectRecord& object : record.objects) doc["objects"].push_back(EncodeObject(object));
  doc["added"] = record.added_files;
  doc["removed"] = record.removed_files;
  std::string body = doc.dump();
  char crc[10];
  std::snprintf(crc, sizeof(crc), "%08x ", Crc32(body));
  return std::string(crc) + body + "\n";
}

Result<std::unique_ptr<Manifest>> Manifest::Load(const std::filesystem::path& path) {
  std::unique_ptr<Manifest> manifest(new Manifest(path));
  std::string data;
  Status read = ReadFileInto(path, &data);
  if (read.code() == StatusCode::kNotFound) return manifest;
  ADXM_RETURN_IF_ERROR(read);
  size_t pos = 0;
  while (pos < data.size()) {
    size_t end = data.find('\n', pos);
    if (end == std::string::npos) break;  // Unterminated tail: a write that never finished.
    CommitRecord record;
    bool good = ParseLine(std::string_view(data).substr(pos, end - pos), &record);
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

Status Manifest::Apply(const CommitRecord& record) {
  if (record.txn != last_txn_ + 1) {
    return Status::Corruption("commit txn " + std::to_string(record.txn) + " follows txn " +
                              std::to_string(last_txn_));
  }
  for (const ObjectRecord& object : record.objects) objects_.emplace(object.key, record.txn);
  for (const std::string& file : record.removed_files) live_files_.erase(file);
  for (const std::string& file : record.added_files) live_files_.insert(file);
  last_txn_ = record.txn;
  return Status::OK();
}

Status Manifest::Commit(const CommitRecord& record) {
  if (record.txn != next_txn()) {
    return Status::Internal(path_.string() + ": commit txn " + std::to_string(record.txn) + ", expected " +
                            std::to_string(next_txn()));
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
