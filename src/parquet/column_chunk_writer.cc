#include "parquet/column_chunk_writer.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>

#include "parquet/rle_encoder.h"

namespace adxm {
namespace {

static_assert(std::endian::native == std::endian::little, "PLAIN values are copied in host byte order");

// A dictionary index counts as this many bytes toward page_bytes (the index buffer's size).
constexpr size_t kIndexBytes = sizeof(uint32_t);
// Whatever the options say: dictionary entry offsets are 32-bit.
constexpr size_t kDictionaryBytesCap = size_t{1} << 30;
// Room kept before a page's PLAIN values for its definition levels, so that levels and values are
// compressed where they lie, without copying the values into a page body. A page holds at most
// kMaxPageCells + 1 cells (a chunk switching from its dictionary sample to PLAIN at kMaxPageCells
// cells appends one more before the page is cut).
constexpr size_t kLevelsRoom = MaxDefinitionLevelsBytes(ColumnChunkWriter::kMaxPageCells + 1);

void AppendPlainString(std::string_view value, std::string* out) {
  auto length = static_cast<uint32_t>(value.size());
  char prefix[4];
  std::memcpy(prefix, &length, 4);
  out->append(prefix, 4);
  out->append(value);
}

std::string PlainInt(int64_t value) {
  std::string bytes(8, '\0');
  std::memcpy(bytes.data(), &value, 8);
  return bytes;
}

}  // namespace

ColumnChunkWriter::ColumnChunkWriter(const ParquetWriteOptions& options, ZstdCompressor* zstd,
                                     ZstdCompressor* distinct_zstd)
    : options_(options), zstd_(zstd), distinct_zstd_(distinct_zstd) {
  values_.resize(kLevelsRoom);
  options_.page_bytes = std::max<size_t>(options_.page_bytes, 1);
  options_.max_dictionary_bytes = std::min(options_.max_dictionary_bytes, kDictionaryBytesCap);
}

void ColumnChunkWriter::Begin(ColumnId column) {
  column_ = column;
  mode_ = kColumns[column].type == ColumnType::kVarchar ? Mode::kSampling : Mode::kPlain;
  distinct_ = false;
  // A column unique per row (schema.h) goes PLAIN at once, with the distinct values' zstd level,
  // instead of hashing a sample into a dictionary that is then thrown away (a whole chunk, when a
  // file has fewer rows than kSampleValues, as a day's file of a small commit does). Should request
  // ids repeat after all, the chunk is still right, only larger than a dictionary would have made it.
  if (UniquePerRow(column)) {
    mode_ = Mode::kPlain;
    distinct_ = true;
  }
  dictionary_.Clear();
  wrote_dictionary_pages_ = false;
  wrote_plain_pages_ = false;
  dictionary_data_pages_ = 0;
  plain_data_pages_ = 0;
  num_values_ = 0;
  null_count_ = 0;
  uncompressed_bytes_ = 0;
  compressed_bytes_ = 0;
  has_plain_min_max_ = false;
  has_previous_ = false;
  levels_.clear();
  indices_.clear();
  values_.resize(kLevelsRoom);
  dictionary_page_.clear();
  data_pages_.clear();
}

Status ColumnChunkWriter::AppendStrings(std::span<const std::string_view> values) {
  num_values_ += static_cast<int64_t>(values.size());
  while (!values.empty()) {
    if (mode_ == Mode::kPlain) return EncodePlainStrings(values);
    ADXM_ASSIGN_OR_RETURN(size_t done, EncodeDictionary(values));
    values = values.subspan(done);
  }
  return Status::OK();
}

// Dictionary-encode `values`; return how many were taken (fewer than all when the chunk
// switches to PLAIN).
Result<size_t> ColumnChunkWriter::EncodeDictionary(std::span<const std::string_view> values) {
  size_t position = 0;
  for (; position < values.size(); ++position) {
    std::string_view value = values[position];
    if (value.data() == nullptr) {
      levels_.push_back(0);
      ++null_count_;
    } else {
      // Many columns repeat the previous row's value (same log object, same bucket): skip the hash.
      if (!has_previous_ || !SameBytes(value, previous_)) {
        if (dictionary_.plain().size() + value.size() > options_.max_dictionary_bytes) break;
        previous_index_ = dictionary_.Insert(value);
        previous_ = value;
        has_previous_ = true;
      }
      levels_.push_back(1);
      indices_.push_back(previous_index_);
    }
    bool page_full = indices_.size() * kIndexBytes >= options_.page_bytes || levels_.size() >= kMaxPageCells;
    if (mode_ == Mode::kSampling && (page_full || indices_.size() >= kSampleValues)) {
      if (!DictionaryPays()) {
        SwitchSampleToPlain();
        distinct_ = true;
        return position + 1;
      }
      mode_ = Mode::kDictionary;
    }
    if (page_full) ADXM_RETURN_IF_ERROR(FlushPage());
  }
  if (position == values.size()) return position;
  // The dictionary would grow too large.
  if (mode_ == Mode::kSampling) {
    SwitchSampleToPlain();
  } else {
    if (!levels_.empty()) ADXM_RETURN_IF_ERROR(FlushPage());
    mode_ = Mode::kPlain;
  }
  return position;
}

Status ColumnChunkWriter::EncodePlainStrings(std::span<const std::string_view> values) {
  for (std::string_view value : values) {
    if (value.data() == nullptr) {
      levels_.push_back(0);
      ++null_count_;
    } else {
      levels_.push_back(1);
      AppendPlainString(value, &values_);
      UpdatePlainMinMax(value);
    }
    if (PlainBytes() >= options_.page_bytes || levels_.size() >= kMaxPageCells) ADXM_RETURN_IF_ERROR(FlushPage());
  }
  return Status::OK();
}

Status ColumnChunkWriter::AppendIntegers(std::span<const int64_t> values, std::span<const uint8_t> valid) {
  num_values_ += static_cast<int64_t>(values.size());
  for (size_t position = 0; position < values.size(); ++position) {
    if (!valid[position]) {
      levels_.push_back(0);
      ++null_count_;
    } else {
      int64_t value = values[position];
      levels_.push_back(1);
      char bytes[8];
      std::memcpy(bytes, &value, 8);
      values_.append(bytes, 8);
      if (!has_plain_min_max_) {
        int_min_ = int_max_ = value;
        has_plain_min_max_ = true;
      }
      int_min_ = std::min(int_min_, value);
      int_max_ = std::max(int_max_, value);
    }
    if (PlainBytes() >= options_.page_bytes || levels_.size() >= kMaxPageCells) ADXM_RETURN_IF_ERROR(FlushPage());
  }
  return Status::OK();
}

size_t ColumnChunkWriter::PlainBytes() const { return values_.size() - kLevelsRoom; }

// Keep the dictionary when the sampled values repeat: at most one distinct value in two.
bool ColumnChunkWriter::DictionaryPays() const {
  return dictionary_.size() > 0 && dictionary_.size() * 2 <= indices_.size();
}

// Precondition: still sampling, so no page was written and indices_ holds every value so far.
void ColumnChunkWriter::SwitchSampleToPlain() {
  values_.resize(kLevelsRoom);
  for (uint32_t index : indices_) {
    std::string_view value = dictionary_.entry(index);
    AppendPlainString(value, &values_);
    UpdatePlainMinMax(value);
  }
  indices_.clear();
  dictionary_.Clear();
  has_previous_ = false;
  mode_ = Mode::kPlain;
}

void ColumnChunkWriter::UpdatePlainMinMax(std::string_view value) {
  if (!has_plain_min_max_) {
    plain_min_.assign(value);
    plain_max_.assign(value);
    has_plain_min_max_ = true;
  } else if (value < plain_min_) {
    plain_min_.assign(value);
  } else if (value > plain_max_) {
    plain_max_.assign(value);
  }
}

Status ColumnChunkWriter::FlushPage() {
  body_.clear();
  AppendDefinitionLevels(levels_, &body_);
  PageHeaderInfo page;
  page.num_values = static_cast<int32_t>(levels_.size());
  std::string_view body;
  if (mode_ == Mode::kPlain) {
    page.encoding = Encoding::kPlain;
    wrote_plain_pages_ = true;
    ++plain_data_pages_;
    if (body_.size() > kLevelsRoom) {  // MaxDefinitionLevelsBytes is wrong.
      return Status::Internal("definition levels of " + std::to_string(levels_.size()) + " cells took " +
                              std::to_string(body_.size()) + " bytes, more than the room kept");
    }
    char* start = values_.data() + kLevelsRoom - body_.size();
    std::memcpy(start, body_.data(), body_.size());
    body = std::string_view(start, body_.size() + PlainBytes());
  } else {
    page.encoding = Encoding::kRleDictionary;
    int bit_width = BitWidthFor(dictionary_.size());
    body_.push_back(static_cast<char>(bit_width));
    AppendRleHybrid(indices_, bit_width, &body_);
    wrote_dictionary_pages_ = true;
    ++dictionary_data_pages_;
    body = body_;
  }
  Status status = AppendPage(page, body, &data_pages_);
  levels_.clear();
  indices_.clear();
  values_.resize(kLevelsRoom);
  if (!status.ok()) return status.WithContext(std::string(kColumns[column_].name));
  return Status::OK();
}

Status ColumnChunkWriter::AppendPage(PageHeaderInfo page, std::string_view body, std::string* out) {
  if (body.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    return Status::InvalidArgument("page of " + std::to_string(body.size()) + " bytes exceeds Parquet's 2 GiB");
  }
  ZstdCompressor* zstd = distinct_ && !page.dictionary ? distinct_zstd_ : zstd_;
  ADXM_ASSIGN_OR_RETURN(std::string_view compressed, zstd->Compress(body));
  page.uncompressed_size = static_cast<int32_t>(body.size());
  page.compressed_size = static_cast<int32_t>(compressed.size());
  size_t header_start = out->size();
  AppendPageHeader(page, out);
  auto header_size = static_cast<int64_t>(out->size() - header_start);
  out->append(compressed);
  uncompressed_bytes_ += header_size + page.uncompressed_size;
  compressed_bytes_ += header_size + page.compressed_size;
  return Status::OK();
}

Status ColumnChunkWriter::Finish(int64_t file_offset, ColumnChunkInfo* info) {
  // A chunk too short to finish sampling decides now.
  if (mode_ == Mode::kSampling && !DictionaryPays()) {
    SwitchSampleToPlain();
    distinct_ = true;
  }
  if (!levels_.empty()) ADXM_RETURN_IF_ERROR(FlushPage());
  if (wrote_dictionary_pages_) {
    PageHeaderInfo page;
    page.dictionary = true;
    page.num_values = static_cast<int32_t>(dictionary_.size());
    ADXM_RETURN_IF_ERROR(AppendPage(page, dictionary_.plain(), &dictionary_page_));
  }
  info->column = column_;
  info->num_values = num_values_;
  info->encodings = {Encoding::kPlain, Encoding::kRle};  // PLAIN values or dictionary page; RLE levels.
  if (wrote_dictionary_pages_) info->encodings.push_back(Encoding::kRleDictionary);
  // Which pages use which encoding: lets readers (parquet-java, Trino) tell a pure dictionary
  // chunk, whose values they may prune by dictionary, from one that fell back to PLAIN.
  info->encoding_stats.clear();
  if (wrote_dictionary_pages_) info->encoding_stats.push_back({true, Encoding::kPlain, 1});
  if (dictionary_data_pages_ > 0) info->encoding_stats.push_back({false, Encoding::kRleDictionary, dictionary_data_pages_});
  if (plain_data_pages_ > 0) info->encoding_stats.push_back({false, Encoding::kPlain, plain_data_pages_});
  info->total_uncompressed_size = uncompressed_bytes_;
  info->total_compressed_size = compressed_bytes_;
  info->dictionary_page_offset.reset();
  if (wrote_dictionary_pages_) info->dictionary_page_offset = file_offset;
  info->data_page_offset = file_offset + static_cast<int64_t>(dictionary_page_.size());
  info->statistics = ChunkStatistics{};
  info->statistics.null_count = null_count_;
  if (kColumns[column_].type != ColumnType::kVarchar) {
    if (has_plain_min_max_) {
      info->statistics.min_value = PlainInt(int_min_);
      info->statistics.max_value = PlainInt(int_max_);
    }
  } else {
    FinishStringStatistics(&info->statistics);
  }
  return Status::OK();
}

// Min/max over the dictionary's entries and the PLAIN values, compared as unsigned bytes
// (std::string_view's order).
void ColumnChunkWriter::FinishStringStatistics(ChunkStatistics* stats) const {
  bool has_min_max = has_plain_min_max_;
  std::string_view min = plain_min_, max = plain_max_;
  for (uint32_t index = 0; wrote_dictionary_pages_ && index < dictionary_.size(); ++index) {
    std::string_view entry = dictionary_.entry(index);
    if (!has_min_max || entry < min) min = entry;
    if (!has_min_max || entry > max) max = entry;
    has_min_max = true;
  }
  if (!has_min_max || min.size() > kMaxStatisticsBytes || max.size() > kMaxStatisticsBytes) return;
  stats->min_value = std::string(min);
  stats->max_value = std::string(max);
}

}  // namespace adxm
