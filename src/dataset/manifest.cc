#include "dataset/manifest.h"

#include <libdeflate.h>
#include <simdjson.h>

#include <algorithm>
#include <cstdio>
#include <type_traits>
#include <nlohmann/json.hpp>

namespace adxm {
namespace {

using nlohmann::json;

uint32_t Crc32(std::string_view text) {
  return libdeflate_crc32(0, text.data(), text.size());
}

// JSON strings hold only UTF-8 (nlohmann's dump() throws on anything else); a local source may
// name files with other bytes.
bool IsEncodable(const CommitRecord& record) {
  auto utf8 = [](std::string_view text) { return simdjson::validate_utf8(text.data(), text.size()); };
  for (const ObjectRecord& object : record.objects) {
    if (!utf8(object.key) || !utf8(object.version)) return false;
  }
  return std::all_of(record.added_files.begin(), record.added_files.end(), utf8) &&
         std::all_of(record.removed_files.begin(), record.removed_files.end(), utf8);
}

json EncodeObject(const ObjectRecord& object) {
  return json{{"key", object.key},       {"size", object.size}, {"version", object.version},
              {"events", object.events}, {"rows", object.rows}, {"duplicates", object.duplicates}};
}

// Read the optional field `name` of `object` into `*out` (absent: left as is); false when it is not
// a string (T = std::string) or an unsigned integer. Unlike nlohmann's value(), this neither throws
// on a wrong type nor converts an out-of-range float (undefined behaviour).
template <typename T>
bool ReadField(const json& object, const char* name, T* out) {
  auto it = object.find(name);
  if (it == object.end()) return true;
  if (std::is_same_v<T, std::string> ? !it->is_string() : !it->is_number_unsigned()) return false;
  *out = it->template get<T>();
  return true;
}

// Read the optional array of strings `name` of `doc` into `*out`; false on another shape.
bool ReadStrings(const json& doc, const char* name, std::vector<std::string>* out) {
  auto it = doc.find(name);
  if (it == doc.end()) return true;
  if (!it->is_array()) return false;
  for (const json& item : *it) {
    if (!item.is_string()) return false;
    out->push_back(item.get<std::string>());
  }
  return true;
}

// Decode one object of a commit; false on any shape error.
bool DecodeObject(const json& object, ObjectRecord* out) {
  return object.is_object() && object.contains("key") && ReadField(object, "key", &out->key) &&
         ReadField(object, "size", &out->size) && ReadField(object, "version", &out->version) &&
         ReadField(object, "events", &out->events) && ReadField(object, "rows", &out->rows) &&
         ReadField(object, "duplicates", &out->duplicates);
}

// Decode one line's JSON body; returns false on any shape error.
bool DecodeRecord(std::string_view body, CommitRecord* record) {
  json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("txn") || !ReadField(doc, "txn", &record->txn)) return false;
  auto objects = doc.find("objects");
  if (objects != doc.end()) {
    if (!objects->is_array()) return false;
    for (const json& object : *objects) {
      if (!DecodeObject(object, &record->objects.emplace_back())) return false;
    }
  }
  return ReadStrings(doc, "added", &record->added_files) && ReadStrings(doc, "removed", &record->removed_files);
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
  // Commit rejects strings that are not UTF-8; should one get here, replace rather than throw.
  std::string body = doc.dump(-1, ' ', false, json::error_handler_t::replace);
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
  if (!IsEncodable(record)) {
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
