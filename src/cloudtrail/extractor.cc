#include "cloudtrail/extractor.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <memory>
#include <utility>

#include "cloudtrail/event_time.h"
#include "cloudtrail/gzip.h"
#include "cloudtrail/record_parser.h"

namespace adxm {
namespace {

namespace od = simdjson::ondemand;

// Read the JSON type of `value`.
Status GetType(od::value& value, od::json_type* type) {
  if (auto error = value.type().get(*type)) return InvalidJson(error);
  return Status::OK();
}

// Return the document's top-level object.
Status GetRootObject(od::document& document, od::object* root) {
  od::json_type type{};
  if (auto error = document.type().get(type)) return InvalidJson(error);
  if (type != od::json_type::object) {
    return Status::InvalidArgument("not a JSON object (got " + std::string(JsonTypeName(type)) + ")");
  }
  if (auto error = document.get_object().get(*root)) return InvalidJson(error);
  return Status::OK();
}

// Return `options` with latest_event_time_us resolved (0: one day from now).
ExtractOptions Resolved(ExtractOptions options) {
  if (options.latest_event_time_us == 0) {
    auto now = std::chrono::system_clock::now() + std::chrono::hours(24);
    options.latest_event_time_us =
        std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
  }
  return options;
}

// Return the first `cap` bytes of `text`, cut back to a UTF-8 character boundary.
std::string CutUtf8(std::string_view text, size_t cap) {
  if (text.size() <= cap) return std::string(text);
  size_t cut = cap;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut));
}

// Unsigned requests: newer trails log accountId "anonymous", older ones "ANONYMOUS_PRINCIPAL".
constexpr std::string_view kAnonymous = "anonymous";
constexpr std::string_view kAnonymousPrincipal = "ANONYMOUS_PRINCIPAL";

}  // namespace

const std::vector<std::string>& DefaultAdxAccounts() {
  static const auto* const kAccounts = new std::vector<std::string>{
      "540564263739", "504002150500", "337040091392", "366362662752",
      "330489627928", "291973504423", "461002523379", "036905324694",
      "675969394711", "108584782536", "844053218156",
  };
  return *kAccounts;
}

class Extractor::Impl {
 public:
  explicit Impl(ExtractOptions options)
      : options_(Resolved(std::move(options))),
        gzip_(simdjson::SIMDJSON_PADDING, options_.max_object_bytes, options_.inflater) {}

  Status ExtractObject(std::string_view gz_bytes, std::string_view source_key,
                       std::string_view log_region, RowBatch* out, ExtractStats* stats,
                       std::vector<MalformedRecord>* malformed);
  Status ExtractJson(simdjson::padded_string_view json, std::string_view source_key,
                     std::string_view log_region, RowBatch* out, ExtractStats* stats,
                     std::vector<MalformedRecord>* malformed);
  uint64_t windowed_objects() const { return windowed_objects_; }

 private:
  // Start extracting an object: its rows get `source_key` and `log_region`, its malformed
  // records go to `malformed`.
  void BeginObject(std::string_view source_key, std::string_view log_region,
                   std::vector<MalformedRecord>* malformed);
  // The decoder of a large object read whole after all: ISA-L, as its windows were inflated, so
  // that an object ISA-L accepts and libdeflate would not (an incomplete Huffman code) has one
  // outcome. gzip_ itself when it already uses ISA-L; else made on first use.
  GzipDecoder& LargeGzip();
  // Read `{"Records":[...]}`, appending rows and counting records.
  Status ReadDocument(od::document& document, RowBatch* out, ExtractStats* counts);
  // Read the Records array, appending rows and counting records.
  Status ReadRecords(od::document& document, od::value records, RowBatch* out, ExtractStats* counts);
  // Read the records of `array`, the whole Records array or a window of it.
  Status ReadElements(od::document& document, od::array& array, RowBatch* out, ExtractStats* counts);
  // Read a large object a window of records at a time; false when it must be read whole instead
  // (another shape, a decoding failure: the whole path gives the outcome), leaving rows and
  // malformed records it added for the caller to drop.
  bool ExtractWindowed(std::string_view gz_bytes, RowBatch* out, ExtractStats* counts);
  // Read one record and append its row if it qualifies; a shape problem of a qualifying record
  // is returned as InvalidArgument, broken JSON as Corruption.
  Status ExtractRecord(od::value record, RowBatch* out, ExtractStats* counts);
  // Keep record `index`, written at json[begin, end), as malformed for `reason`.
  void AddMalformed(uint64_t index, const Status& reason, const char* begin, const char* end);
  // Return the access point through which the last record read qualifies, or nullptr.
  const AccessPointRef* QualifyingAccessPoint() const;
  // Append the last record read as a row; it must have an eventID and a valid eventTime.
  Status AppendRow(const AccessPointRef& access_point, RowBatch* out);

  ExtractOptions options_;
  GzipDecoder gzip_;
  std::unique_ptr<GzipDecoder> large_gzip_;  // See LargeGzip().
  // The decompressed object, or a large object's unread JSON (ExtractWindowed); capacity reused.
  ByteBuffer json_;
  od::parser parser_;  // Parses a whole object or a window; capacity reused.
  GzipStream stream_;  // Inflates large objects a piece at a time.
  uint64_t windowed_objects_ = 0;
  RecordParser record_parser_;
  // The object being extracted.
  static constexpr size_t kNoRow = static_cast<size_t>(-1);
  static constexpr size_t kTypicalRecordBytes = 1536;
  std::string_view source_key_;
  std::string_view log_region_;
  size_t first_row_ = kNoRow;  // Its first row in `out`, which holds its key and region.
  const char* json_end_ = nullptr;
  std::vector<MalformedRecord>* malformed_ = nullptr;  // May be null: count only.
};

Status Extractor::Impl::ExtractObject(std::string_view gz_bytes, std::string_view source_key,
                                      std::string_view log_region, RowBatch* out,
                                      ExtractStats* stats, std::vector<MalformedRecord>* malformed) {
  const size_t announced_size = GzipAnnouncedSize(gz_bytes);
  const bool large = options_.window_min_bytes > 0 && announced_size >= options_.window_min_bytes;
  if (large) {
    BeginObject(source_key, log_region, malformed);
    // ISIZE is untrusted: the reservation assumes no more than CloudTrail's usual ~10x ratio.
    constexpr size_t kTypicalRatio = 16;
    const size_t announced =
        std::min({announced_size, options_.max_object_bytes, gz_bytes.size() * kTypicalRatio});
    out->Reserve(announced / kTypicalRecordBytes + 1, announced / 5);
    const RowBatch::Mark mark = out->GetMark();
    const size_t malformed_before = malformed != nullptr ? malformed->size() : 0;
    ExtractStats counts;
    if (ExtractWindowed(gz_bytes, out, &counts)) {
      ++windowed_objects_;
      *stats += counts;
      return Status::OK();
    }
    out->RollBack(mark);
    if (malformed != nullptr) malformed->resize(malformed_before);
  }
  ADXM_RETURN_IF_ERROR((large ? LargeGzip() : gzip_).Decode(gz_bytes, &json_));
  // CloudTrail data events run ~1.5-2.5 KB of JSON each, of which ~20% lands in the row:
  // reserving for that saves growing 50 vectors step by step.
  out->Reserve(json_.size() / kTypicalRecordBytes + 1, json_.size() / 5);
  simdjson::padded_string_view json(json_.data(), json_.size(), json_.capacity());
  return ExtractJson(json, source_key, log_region, out, stats, malformed);
}

Status Extractor::Impl::ExtractJson(simdjson::padded_string_view json, std::string_view source_key,
                                    std::string_view log_region, RowBatch* out,
                                    ExtractStats* stats, std::vector<MalformedRecord>* malformed) {
  BeginObject(source_key, log_region, malformed);
  json_end_ = json.data() + json.size();
  // A UTF-8 byte order mark, which some tools write before JSON, is not part of the document.
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  if (std::string_view(json.data(), json.size()).starts_with(kBom)) {
    json = simdjson::padded_string_view(json.data() + kBom.size(), json.size() - kBom.size(),
                                        json.capacity() - kBom.size());
  }
  if (json.size() > parser_.capacity()) {
    // Grow by doublings: objects grow a little at a time, and each reallocation of the parser's
    // index (4 bytes per input byte) would leave a hole of the old size in the heap. Pages past
    // what a document touches are never faulted in. Should this fail, iterate() tries again
    // (for the document's size alone) and reports its error.
    simdjson::error_code grown = parser_.allocate(std::max(json.size(), 2 * parser_.capacity()));
    static_cast<void>(grown);
  }
  od::document document;
  if (auto error = parser_.iterate(json).get(document)) return InvalidJson(error);
  ExtractStats counts;
  ADXM_RETURN_IF_ERROR(ReadDocument(document, out, &counts));
  *stats += counts;
  return Status::OK();
}

void Extractor::Impl::BeginObject(std::string_view source_key, std::string_view log_region,
                                  std::vector<MalformedRecord>* malformed) {
  source_key_ = source_key;
  log_region_ = log_region;
  first_row_ = kNoRow;
  malformed_ = malformed;
}

GzipDecoder& Extractor::Impl::LargeGzip() {
  if (options_.inflater == Inflater::kIsal) return gzip_;
  if (large_gzip_ == nullptr) {
    large_gzip_ = std::make_unique<GzipDecoder>(simdjson::SIMDJSON_PADDING, options_.max_object_bytes, Inflater::kIsal);
  }
  return *large_gzip_;
}

Status Extractor::Impl::ReadDocument(od::document& document, RowBatch* out, ExtractStats* counts) {
  od::object root;
  ADXM_RETURN_IF_ERROR(GetRootObject(document, &root));
  bool has_records = false;
  // Other top-level keys are ignored; the loop skips their values unread.
  for (auto field_result : root) {
    od::field field;
    if (auto error = std::move(field_result).get(field)) return InvalidJson(error);
    std::string_view key;
    if (auto error = field.unescaped_key().get(key)) return InvalidJson(error);
    if (key != "Records") continue;
    // Duplicate keys: one rule (docs/schema.md); a second Records array is not read twice.
    if (has_records) return Status::InvalidArgument("duplicate \"Records\" key");
    has_records = true;
    ADXM_RETURN_IF_ERROR(ReadRecords(document, field.value(), out, counts));
  }
  // current_location() fails once the whole input has been read.
  if (document.current_location().error() == simdjson::SUCCESS) {
    return InvalidJson(simdjson::TRAILING_CONTENT);
  }
  if (!has_records) return Status::InvalidArgument("no Records array");
  return Status::OK();
}

Status Extractor::Impl::ReadRecords(od::document& document, od::value records, RowBatch* out,
                                    ExtractStats* counts) {
  od::json_type type{};
  ADXM_RETURN_IF_ERROR(GetType(records, &type));
  if (type != od::json_type::array) {
    return Status::InvalidArgument("Records is not an array (got " + std::string(JsonTypeName(type)) + ")");
  }
  od::array array;
  if (auto error = records.get_array().get(array)) return InvalidJson(error);
  return ReadElements(document, array, out, counts);
}

Status Extractor::Impl::ReadElements(od::document& document, od::array& array, RowBatch* out,
                                     ExtractStats* counts) {
  for (auto element : array) {
    od::value record;
    auto error = std::move(element).get(record);
    const char* begin = error ? nullptr : record.raw_json_token().data();
    Status status = error ? InvalidJson(error) : ExtractRecord(record, out, counts);
    if (status.code() == StatusCode::kInvalidArgument) {
      // The record has been read to its end: the document stands at the ',' or ']' after it.
      const char* end = json_end_;
      if (document.current_location().error() == simdjson::SUCCESS) end = document.current_location().value_unsafe();
      AddMalformed(counts->records, status, begin, end);
      ++counts->malformed;
    } else if (!status.ok()) {
      return status.WithContext("record " + std::to_string(counts->records));
    }
    ++counts->records;
  }
  return Status::OK();
}

// The object is `{"Records":[` + records + `]}` (compact, as CloudTrail writes it). Records are
// told apart without a parse by how each one starts: `{"eventVersion"` in CloudTrail, in general
// the first record's first key. A window is the bytes from one record start to the last record
// start that follows a comma within window_bytes: its records, with the byte before them made a
// `[` and that comma a `]`, are one JSON array, parsed and read like the whole array. A record
// start found inside a record (the key nested deeper) unbalances both windows: their parse
// fails and the object is read whole. So when every window parses, the object is the valid
// concatenation of the windows' records, read as the whole path reads them.
bool Extractor::Impl::ExtractWindowed(std::string_view gz_bytes, RowBatch* out, ExtractStats* counts) {
  constexpr size_t kPadding = simdjson::SIMDJSON_PADDING;
  constexpr size_t kMaxMarkerBytes = 128;
  if (!stream_.Start(gz_bytes)) return false;
  const size_t window_bytes = std::max<size_t>(options_.window_bytes, 1);
  const size_t max_uncut = std::max(options_.window_search_bytes, 2 * window_bytes);
  const size_t max_bytes = std::min(options_.max_object_bytes, GzipDecoder::kMaxOutputSize);
  ByteBuffer& window = json_;  // The whole path's buffer and parser serve the windows.
  window.Resize(0, kPadding);
  size_t start = 0;  // Unread JSON starts here (the byte before the next record).
  size_t inflated = 0;
  bool ended = false;
  // Inflate until `want` unread bytes are held or the object ended, at least `min_room` bytes at
  // a time; false on a failure.
  auto fill = [&](size_t want, size_t min_room) {
    while (!ended && window.size() - start < want) {
      if (start > 0) {  // Keep only what is unread.
        std::memmove(window.data(), window.data() + start, window.size() - start);
        window.Resize(window.size() - start, kPadding);
        start = 0;
      }
      const size_t held = window.size();
      // Never more than one byte past the size limit, as GzipDecoder.
      const size_t room = std::min(std::max(want - held, min_room), max_bytes - inflated + 1);
      window.Resize(held + room, kPadding);
      size_t produced = 0;
      bool ok = stream_.Read(window.data() + held, room, &produced, &ended);
      window.Resize(held + produced, kPadding);
      std::memset(window.data() + window.size(), 0, kPadding);  // Defined bytes past the end.
      inflated += produced;
      if (!ok || inflated > max_bytes) return false;
    }
    return true;
  };
  // `{"Records":[`, then the first record's `{"key"`: the marker of a record start.
  constexpr size_t kPrefixBytes = 4096;
  if (!fill(kPrefixBytes, kPrefixBytes)) return false;  // No more for an object read whole after all.
  std::string_view text = window.view();
  size_t at = 0;
  auto skip_space = [&] {
    while (at < text.size() && IsJsonSpace(text[at])) ++at;
  };
  auto expect = [&](std::string_view token) {
    skip_space();
    if (text.substr(at, token.size()) != token) return false;
    at += token.size();
    return true;
  };
  if (text.starts_with("\xEF\xBB\xBF")) at = 3;
  if (!expect("{") || !expect("\"Records\"") || !expect(":") || !expect("[")) return false;
  start = at - 1;
  skip_space();
  if (text.substr(at, 2) != "{\"") return false;
  const size_t key_end = text.find_first_of("\"\\", at + 2);
  if (key_end == std::string_view::npos || text[key_end] != '"' || key_end + 1 - at > kMaxMarkerBytes) return false;
  const std::string marker(text.substr(at, key_end + 1 - at));
  if (at > start + 1) start = at - 1;  // Whitespace before the first record: it becomes the '['.
  for (;;) {
    if (!fill(window_bytes, window_bytes)) return false;
    char* data = window.data();
    text = window.view();
    size_t close = 0;  // The byte that ends the window (becomes ']').
    size_t next = 0;   // The next window's first record.
    if (ended) {
      // The rest of the array: `]`, space, `}`, space, the end.
      size_t back = text.size();
      while (back > start && IsJsonSpace(text[back - 1])) --back;
      if (back <= start + 1 || text[back - 1] != '}') return false;
      --back;
      while (back > start && IsJsonSpace(text[back - 1])) --back;
      if (back <= start + 1 || text[back - 1] != ']') return false;
      close = back - 1;
    } else {
      // The last record start that follows a comma, past this window's first record.
      size_t search = text.size() - std::min(text.size(), marker.size());
      while (close == 0) {
        size_t found = text.rfind(marker, search);
        if (found == std::string_view::npos || found <= start + 1) break;
        size_t comma = found;
        while (comma > start && IsJsonSpace(text[comma - 1])) --comma;
        if (comma > start + 1 && text[comma - 1] == ',') {
          close = comma - 1;
          next = found;
        }
        search = found - 1;
      }
      if (close == 0) {  // No record ends in the window: hold twice as much.
        if (text.size() - start >= max_uncut) return false;
        if (!fill(std::min(2 * (text.size() - start) + window_bytes, max_uncut), window_bytes)) return false;
        continue;
      }
    }
    data[start] = '[';
    data[close] = ']';
    simdjson::padded_string_view view(data + start, close + 1 - start, window.capacity() - start);
    // Grown by doublings, as for whole objects (ExtractJson). simdjson's ondemand front end keeps
    // no depth limit, so a window (one level less deep than its object) reads records alike.
    if (view.size() > parser_.capacity() && parser_.allocate(std::max(view.size(), 2 * parser_.capacity()))) {
      return false;
    }
    od::document document;
    od::array array;
    if (parser_.iterate(view).get(document) || document.get_array().get(array)) return false;
    json_end_ = data + close;
    if (!ReadElements(document, array, out, counts).ok()) return false;
    // current_location() fails once the whole window has been read.
    if (document.current_location().error() == simdjson::SUCCESS) return false;
    if (ended) return true;
    start = next - 1;  // The comma or a space before the record: the next window's '['.
  }
}

void Extractor::Impl::AddMalformed(uint64_t index, const Status& reason, const char* begin, const char* end) {
  if (malformed_ == nullptr) return;
  std::string_view raw(begin, end > begin ? end - begin : 0);
  while (!raw.empty() && (raw.back() == ',' || raw.back() == ']' || IsJsonSpace(raw.back()))) raw.remove_suffix(1);
  malformed_->push_back({index, reason.message(), CutUtf8(raw, options_.max_raw_record_bytes)});
}

Status Extractor::Impl::ExtractRecord(od::value record, RowBatch* out, ExtractStats* counts) {
  ADXM_RETURN_IF_ERROR(record_parser_.Read(record));
  const AccessPointRef* access_point = QualifyingAccessPoint();
  // Records that do not qualify are never held to our schema, whatever their shape.
  if (access_point == nullptr) return Status::OK();
  ADXM_RETURN_IF_ERROR(record_parser_.fields().problem);
  ADXM_RETURN_IF_ERROR(AppendRow(*access_point, out));
  ++counts->qualifying;
  return Status::OK();
}

const AccessPointRef* Extractor::Impl::QualifyingAccessPoint() const {
  const RecordFields& fields = record_parser_.fields();
  // eventCategory is authoritative ("Data", or absent in older records); managementEvent
  // double-checks it.
  if (fields.text[RecordFields::kEventSourceSlot] != "s3.amazonaws.com") return nullptr;
  const auto& category = fields.text[RecordFields::kEventCategorySlot];
  if (category.has_value() && *category != "Data") return nullptr;
  if (fields.flags[RecordFields::kReadOnlyFlag] != true) return nullptr;
  if (fields.flags[RecordFields::kManagementEventFlag] == true) return nullptr;
  for (const AccessPointRef& access_point : fields.access_points) {
    if (options_.all_access_points) return &access_point;
    if (!access_point.account_id) continue;
    const auto& accounts = options_.adx_accounts;
    if (std::find(accounts.begin(), accounts.end(), *access_point.account_id) != accounts.end()) {
      return &access_point;
    }
  }
  return nullptr;
}

Status Extractor::Impl::AppendRow(const AccessPointRef& access_point, RowBatch* out) {
  const RecordFields& fields = record_parser_.fields();
  if (!fields.text[kEventId]) return Status::InvalidArgument("qualifying record has no eventID");
  // An empty one would make every such record a duplicate of the first.
  if (fields.text[kEventId]->empty()) return Status::InvalidArgument("qualifying record has an empty eventID");
  if (!fields.text[kEventTime]) return Status::InvalidArgument("qualifying record has no eventTime");
  std::optional<int64_t> event_time = ParseEventTime(*fields.text[kEventTime]);
  if (!event_time) {
    return Status::InvalidArgument("field \"eventTime\": cannot parse \"" +
                                   std::string(fields.text[kEventTime]->substr(0, 40)) +
                                   "\" as a UTC timestamp");
  }
  if (*event_time < options_.earliest_event_time_us || *event_time > options_.latest_event_time_us) {
    return Status::InvalidArgument("field \"eventTime\": \"" + std::string(*fields.text[kEventTime]) +
                                   "\" is implausible (before CloudTrail existed or in the future)");
  }
  // One spelling of anonymous; the record's own spelling stays in principal_id (empty in
  // unsigned requests) so that nothing logged is lost.
  const bool anonymous = fields.text[kSubscriberAccountId] == kAnonymousPrincipal;
  out->AddRow();
  for (int column = 0; column < kNumColumns; ++column) {
    auto id = static_cast<ColumnId>(column);
    // text[kEventTime] holds the raw eventTime, which is not a VARCHAR column.
    bool is_text = kColumns[column].type == ColumnType::kVarchar;
    if (is_text && fields.text[column]) {
      if (UniquePerRow(id)) {
        out->SetString(id, *fields.text[column]);  // Never repeats: comparing would only cost.
      } else if (id != kSubscriberAccountId || !anonymous) {
        out->SetStringOrShare(id, *fields.text[column]);
      }
    }
    if (!is_text && fields.count[column]) out->SetInt(id, *fields.count[column]);
  }
  out->SetInt(kEventTime, *event_time);
  if (anonymous) {
    out->SetStringOrShare(kSubscriberAccountId, kAnonymous);
    if (fields.text[kPrincipalId].value_or("").empty()) out->SetStringOrShare(kPrincipalId, kAnonymousPrincipal);
  }
  if (access_point.arn) out->SetStringOrShare(kAccessPointArn, *access_point.arn);
  if (access_point.account_id) out->SetStringOrShare(kAccessPointAccountId, *access_point.account_id);
  // The object's key and region are the same on every row: store them once per object.
  size_t row = out->num_rows() - 1;
  if (first_row_ == kNoRow) {
    first_row_ = row;
    out->SetString(kSourceLogFile, source_key_);
    if (!log_region_.empty()) out->SetString(kLogRegion, log_region_);
  } else {
    out->ShareStringFrom(kSourceLogFile, first_row_);
    if (!log_region_.empty()) out->ShareStringFrom(kLogRegion, first_row_);
  }
  return Status::OK();
}

Extractor::Extractor(ExtractOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Extractor::~Extractor() = default;
Extractor::Extractor(Extractor&&) noexcept = default;
Extractor& Extractor::operator=(Extractor&&) noexcept = default;

Status Extractor::ExtractObject(std::string_view gz_bytes, std::string_view source_key,
                                std::string_view log_region, RowBatch* out, ExtractStats* stats,
                                std::vector<MalformedRecord>* malformed) {
  return impl_->ExtractObject(gz_bytes, source_key, log_region, out, stats, malformed);
}

uint64_t Extractor::windowed_objects() const { return impl_->windowed_objects(); }

Status Extractor::ExtractJson(simdjson::padded_string_view json, std::string_view source_key,
                              std::string_view log_region, RowBatch* out, ExtractStats* stats,
                              std::vector<MalformedRecord>* malformed) {
  return impl_->ExtractJson(json, source_key, log_region, out, stats, malformed);
}

}  // namespace adxm
