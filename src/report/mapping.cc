#include "report/mapping.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "base/file_util.h"
#include "report/csv_reader.h"

namespace adxm {
namespace {

struct KindInfo {
  std::string_view key_column;
  std::string_view value_column;
  std::string_view table;
};

KindInfo Info(MappingKind kind) {
  if (kind == MappingKind::kSubscribers) return {"account_id", "name", "adxm_subscriber_map"};
  return {"access_point_arn", "dataset", "adxm_dataset_map"};
}

std::string Trim(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return "";
  size_t end = text.find_last_not_of(" \t");
  return std::string(text.substr(begin, end - begin + 1));
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

Status LineError(const std::string& file, int line, const std::string& what) {
  return Status::InvalidArgument(file + ":" + std::to_string(line) + ": " + what);
}

bool AllDigits(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
}

/// Column positions of the key and value in the header; the rest are extras.
Result<std::pair<size_t, size_t>> FindColumns(const CsvRecord& header, KindInfo info, const std::string& file) {
  size_t key = header.fields.size(), value = header.fields.size();
  for (size_t column_idx = 0; column_idx < header.fields.size(); ++column_idx) {
    std::string name = Lower(Trim(header.fields[column_idx]));
    if (name == info.key_column) key = column_idx;
    if (name == info.value_column) value = column_idx;
  }
  for (auto [position, name] : {std::pair{key, info.key_column}, std::pair{value, info.value_column}}) {
    if (position == header.fields.size()) {
      return LineError(file, header.line,
                       "header has no '" + std::string(name) + "' column (expected " + std::string(info.key_column) +
                           "," + std::string(info.value_column) + ",...)");
    }
  }
  return std::pair{key, value};
}

Status CheckKey(MappingKind kind, const std::string& key, const std::string& file, int line) {
  if (kind == MappingKind::kSubscribers && !IsAccountId(key)) {
    return LineError(file, line, "account_id '" + key + "' is not a 12-digit AWS account id (or 'anonymous')");
  }
  if (kind == MappingKind::kDatasets && !IsAccessPointArn(key)) {
    return LineError(file, line,
                     "access_point_arn '" + key +
                         "' is not an access point ARN "
                         "(arn:aws:s3:<region>:<account>:accesspoint/<name>)");
  }
  return Status::OK();
}

std::string Attributes(const CsvRecord& header, const CsvRecord& record, size_t key, size_t value) {
  std::string out;
  for (size_t column_idx = 0; column_idx < record.fields.size(); ++column_idx) {
    std::string text = Trim(record.fields[column_idx]);
    if (column_idx == key || column_idx == value || text.empty()) continue;
    out += (out.empty() ? "" : "; ") + Trim(header.fields[column_idx]) + "=" + text;
  }
  return out;
}

}  // namespace

bool IsAccountId(std::string_view text) { return text == "anonymous" || (text.size() == 12 && AllDigits(text)); }

bool IsAccessPointArn(std::string_view text) {
  // arn:<partition>:s3:<region>:<account>:accesspoint/<name>
  std::vector<std::string_view> parts;
  for (size_t pos = 0, colon; parts.size() < 5; pos = colon + 1) {
    colon = text.find(':', pos);
    if (colon == std::string_view::npos) return false;
    parts.push_back(text.substr(pos, colon - pos));
    if (parts.size() == 5) text.remove_prefix(colon + 1);
  }
  bool ok = parts[0] == "arn" && parts[1].starts_with("aws") && parts[2] == "s3" && !parts[3].empty() &&
            parts[4].size() == 12 && AllDigits(parts[4]) && text.starts_with("accesspoint/");
  std::string_view name = ok ? text.substr(12) : "";
  return ok && !name.empty() &&
         std::all_of(name.begin(), name.end(), [](unsigned char c) { return std::isalnum(c) || c == '-'; });
}

Result<Mapping> ParseMapping(MappingKind kind, std::string_view text, const std::string& file) {
  ADXM_ASSIGN_OR_RETURN(std::vector<CsvRecord> records, ParseCsv(text, file));
  if (records.empty()) return LineError(file, 1, "empty file; expected a header line");
  KindInfo info = Info(kind);
  const CsvRecord& header = records.front();
  ADXM_ASSIGN_OR_RETURN(auto columns, FindColumns(header, info, file));
  auto [key_column, value_column] = columns;
  Mapping mapping{kind, file, {}};
  std::map<std::string, int> first_line;
  for (size_t record_idx = 1; record_idx < records.size(); ++record_idx) {
    const CsvRecord& record = records[record_idx];
    if (record.fields.size() != header.fields.size()) {
      return LineError(file, record.line,
                       "expected " + std::to_string(header.fields.size()) + " fields as in the header, got " +
                           std::to_string(record.fields.size()));
    }
    MappingEntry entry{Trim(record.fields[key_column]), Trim(record.fields[value_column]),
                       Attributes(header, record, key_column, value_column), record.line};
    ADXM_RETURN_IF_ERROR(CheckKey(kind, entry.key, file, record.line));
    if (entry.value.empty()) return LineError(file, record.line, "empty " + std::string(info.value_column));
    auto [it, inserted] = first_line.emplace(entry.key, record.line);
    if (!inserted) {
      return LineError(file, record.line,
                       "duplicate " + std::string(info.key_column) + " " + entry.key + " (first on line " +
                           std::to_string(it->second) + ")");
    }
    mapping.entries.push_back(std::move(entry));
  }
  return mapping;
}

Result<Mapping> LoadMapping(MappingKind kind, const std::filesystem::path& path) {
  auto text = ReadFile(path);
  if (!text.ok()) return text.status().WithContext(std::string(Info(kind).value_column) + " mapping");
  return ParseMapping(kind, *text, path.string());
}

Status InstallMappings(Connection* conn, const Mapping* subscribers, const Mapping* datasets) {
  for (MappingKind kind : {MappingKind::kSubscribers, MappingKind::kDatasets}) {
    KindInfo info = Info(kind);
    std::string table(info.table);
    ADXM_RETURN_IF_ERROR(conn->Execute("CREATE TABLE " + table + " (" + std::string(info.key_column) +
                                       " VARCHAR PRIMARY KEY, " + std::string(info.value_column) +
                                       " VARCHAR NOT NULL, attributes VARCHAR)"));
    const Mapping* mapping = kind == MappingKind::kSubscribers ? subscribers : datasets;
    if (mapping == nullptr) continue;
    ADXM_ASSIGN_OR_RETURN(auto insert, conn->Prepare("INSERT INTO " + table + " VALUES ($1, $2, NULLIF($3, ''))"));
    for (const MappingEntry& entry : mapping->entries) {
      ADXM_RETURN_IF_ERROR(insert->BindVarchar(1, entry.key));
      ADXM_RETURN_IF_ERROR(insert->BindVarchar(2, entry.value));
      ADXM_RETURN_IF_ERROR(insert->BindVarchar(3, entry.attributes));
      auto result = insert->Execute();
      if (!result.ok()) return result.status().WithContext(mapping->file + ":" + std::to_string(entry.line));
    }
  }
  return Status::OK();
}

}  // namespace adxm
