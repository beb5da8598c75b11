#include "cloudtrail/gzip.h"
#include "test_util.h"

#include <gtest/gtest.h>
#include <libdeflate.h>

#include <cstdint>
#include <cstring>
#include <string>

namespace adxm {
namespace {

// Gzip (tests/test_util.h) compresses with libdeflate's compressor, independent of the decoder.
using testing::Gzip;

// About `bytes` of JSON-like text that compresses like CloudTrail logs (several deflate blocks).
std::string LogLikeText(size_t bytes) {
  std::string text;
  uint64_t state = 42;
  while (text.size() < bytes) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    text += R"({"eventTime":"2023-05-01T12:)" + std::to_string(state % 60) + R"(:00Z","bytes":)" +
            std::to_string(state >> 40) + R"(,"key":"daily/)" + std::to_string(state % 977) + ".csv\"},\n";
  }
  return text;
}

// Every case runs with both inflaters: ISA-L (failures explained by libdeflate) and libdeflate.
class GzipTest : public ::testing::TestWithParam<Inflater> {};

INSTANTIATE_TEST_SUITE_P(Inflaters, GzipTest, ::testing::Values(Inflater::kIsal, Inflater::kLibdeflate),
                         [](const ::testing::TestParamInfo<Inflater>& info) {
                           return std::string(InflaterName(info.param));
                         });

TEST_P(GzipTest, DecodesASingleMember) {
  std::string text = LogLikeText(300000);
  std::string out;
  ASSERT_TRUE(Gunzip(Gzip(text), &out, 0, GetParam()).ok());
  EXPECT_EQ(out, text);
}

TEST_P(GzipTest, DecodesAnEmptyPayload) {
  std::string out = "stale";
  ASSERT_TRUE(Gunzip(Gzip(""), &out, 0, GetParam()).ok());
  EXPECT_EQ(out, "");
}

TEST_P(GzipTest, LeavesThePaddingAsSpareCapacity) {
  GzipDecoder decoder(64, GzipDecoder::kMaxOutputSize, GetParam());
  std::string out;
  ASSERT_TRUE(decoder.Decode(Gzip("{\"Records\":[]}"), &out).ok());
  EXPECT_EQ(out, "{\"Records\":[]}");
  EXPECT_GE(out.capacity(), out.size() + 64);
}

TEST_P(GzipTest, DecodesConcatenatedMembersToTheirConcatenation) {
  std::string first = LogLikeText(50000);
  std::string second = "tail member";
  GzipDecoder decoder(64, GzipDecoder::kMaxOutputSize, GetParam());
  std::string out;
  // The trailer's size is the last member's, far below the total: the decoder must grow.
  ASSERT_TRUE(decoder.Decode(Gzip(first) + Gzip(second) + Gzip(""), &out).ok());
  EXPECT_EQ(out, first + second);
  EXPECT_EQ(decoder.isal_fallbacks(), 0u);  // ISA-L (when chosen) decoded it itself.
  EXPECT_GE(out.capacity(), out.size() + 64);
}

TEST_P(GzipTest, ReusesTheOutputBufferOnceWarm) {
  GzipDecoder decoder(64, GzipDecoder::kMaxOutputSize, GetParam());
  std::string out;
  ASSERT_TRUE(decoder.Decode(Gzip(LogLikeText(100000)), &out).ok());
  const char* buffer = out.data();
  ASSERT_TRUE(decoder.Decode(Gzip(LogLikeText(20000)), &out).ok());
  ASSERT_TRUE(decoder.Decode(Gzip(LogLikeText(100000)), &out).ok());
  EXPECT_EQ(out.data(), buffer);
  EXPECT_EQ(out, LogLikeText(100000));
}

TEST_P(GzipTest, RejectsAnEmptyObject) {
  std::string out;
  Status status = Gunzip("", &out, 0, GetParam());
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_EQ(status.message(), "empty object (0 bytes)");
}

TEST_P(GzipTest, RejectsDataWithoutTheGzipMagic) {
  std::string out;
  EXPECT_EQ(Gunzip("{\"Records\":[]}", &out, 0, GetParam()).message(), "not gzip (bad magic)");
  EXPECT_EQ(Gunzip("\x1f", &out, 0, GetParam()).message(), "not gzip (bad magic)");
}

TEST_P(GzipTest, RejectsAStreamCutAnywhere) {
  std::string gz = Gzip(LogLikeText(200000));
  std::string out;
  for (size_t size = 2; size < gz.size(); size += size < 64 ? 1 : 97) {
    Status status = Gunzip(std::string_view(gz).substr(0, size), &out, 0, GetParam());
    ASSERT_EQ(status.message(), "truncated gzip stream") << "cut at " << size << " of " << gz.size();
  }
  EXPECT_EQ(Gunzip(std::string_view(gz).substr(0, gz.size() - 1), &out, 0, GetParam()).message(),
            "truncated gzip stream");
}

TEST_P(GzipTest, RejectsDamagedData) {
  std::string gz = Gzip(LogLikeText(200000));
  std::string out;
  int damaged = 0;
  // Overwrite 4 bytes well inside the stream at many places.
  for (size_t pos = 100; pos + 200 < gz.size(); pos += 211) {
    std::string bad = gz;
    for (size_t index = pos; index < pos + 4; ++index) bad[index] = static_cast<char>(bad[index] ^ 0x5a);
    Status status = Gunzip(bad, &out, 0, GetParam());
    // Damage that still inflates is caught by the checksum, and said so.
    ASSERT_EQ(status.message().rfind("corrupt gzip data", 0), 0u) << status.message() << " at " << pos;
    ++damaged;
  }
  EXPECT_GT(damaged, 10);
}

TEST_P(GzipTest, RejectsAChecksumMismatch) {
  std::string gz = Gzip(LogLikeText(1000));
  gz[gz.size() - 8] = static_cast<char>(gz[gz.size() - 8] ^ 1);  // First CRC-32 byte.
  std::string out;
  EXPECT_EQ(Gunzip(gz, &out, 0, GetParam()).message(), "corrupt gzip data: CRC-32 mismatch (the data or its checksum is damaged)");
}

// Clear messages: a wrong ISIZE is not a truncated stream.
TEST_P(GzipTest, NamesAWrongSizeInTheTrailer) {
  for (int delta : {1, -1, 1000, 1 << 20}) {
    std::string gz = Gzip(LogLikeText(5000));
    uint32_t size = 0;
    std::memcpy(&size, gz.data() + gz.size() - 4, 4);
    size += delta;
    std::memcpy(gz.data() + gz.size() - 4, &size, 4);
    std::string out;
    EXPECT_EQ(Gunzip(gz, &out, 0, GetParam()).message(),
              "corrupt gzip data: the trailer's size field (ISIZE) disagrees with the data") << delta;
  }
}

// A gzip bomb inflates no further than the decoder's limit.
TEST_P(GzipTest, StopsInflatingAtTheOutputLimit) {
  std::string gz = Gzip(std::string(8 << 20, 'a'));
  GzipDecoder decoder(0, 1 << 20, GetParam());
  std::string out;
  EXPECT_EQ(decoder.Decode(gz, &out).message(),
            "inflates to more than 1048576 bytes (the per-object limit, --max-object-bytes; a gzip bomb or "
            "not a CloudTrail log)");
  GzipDecoder roomy(0, 16 << 20, GetParam());
  EXPECT_TRUE(roomy.Decode(gz, &out).ok());
  EXPECT_EQ(out.size(), 8u << 20);
}

TEST_P(GzipTest, RejectsGarbageAfterTheLastMember) {
  std::string out;
  Status status = Gunzip(Gzip("payload") + "garbage", &out, 0, GetParam());
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_EQ(status.message(), "corrupt gzip data: garbage after member");
}

// The trailer's size is the first guess at the output's size: exact, too small and too large.
TEST_P(GzipTest, DecodesWhateverTheSizeGuess) {
  std::string text = LogLikeText(70000);
  for (int64_t delta : {int64_t{0}, int64_t{-1}, int64_t{-60000}, int64_t{1}, int64_t{1} << 20}) {
    std::string gz = Gzip(text) + Gzip("x");  // The guess comes from the last member: 1 byte.
    std::string first_only = Gzip(text);
    uint32_t size = static_cast<uint32_t>(static_cast<int64_t>(text.size()) + delta);
    std::string out;
    GzipDecoder decoder(0, GzipDecoder::kMaxOutputSize, GetParam());
    ASSERT_TRUE(decoder.Decode(gz, &out).ok()) << delta;
    EXPECT_EQ(out, text + "x");
    EXPECT_EQ(decoder.isal_fallbacks(), 0u) << delta;
    // A single member whose ISIZE lies is refused, whatever the lie.
    std::memcpy(first_only.data() + first_only.size() - 4, &size, 4);
    Status status = Gunzip(first_only, &out, 0, GetParam());
    if (delta == 0) {
      EXPECT_TRUE(status.ok()) << status.ToString();
      EXPECT_EQ(out, text);
    } else {
      EXPECT_EQ(status.message(), "corrupt gzip data: the trailer's size field (ISIZE) disagrees with the data") << delta;
    }
  }
}

// A header with a reserved flag bit set is refused by both (ISA-L alone would skip the bits).
TEST_P(GzipTest, RefusesReservedHeaderFlagsWithEitherInflater) {
  std::string text = LogLikeText(2000);
  std::string out;
  for (int bit : {0x20, 0x40, 0x80}) {
    std::string gz = Gzip(text);
    gz[3] = static_cast<char>(gz[3] | bit);
    Status status = Gunzip(gz, &out, 0, GetParam());
    EXPECT_FALSE(status.ok()) << bit;
    EXPECT_EQ(status.message(), Gunzip(gz, &out, 0, Inflater::kLibdeflate).message()) << bit;
  }
}

TEST(InflaterTest, IsalDecodesWhatItCanAndHandsTheRestToLibdeflate) {
  GzipDecoder decoder(64, GzipDecoder::kMaxOutputSize, Inflater::kIsal);
  std::string out;
  std::string text = LogLikeText(100000);
  ASSERT_TRUE(decoder.Decode(Gzip(text), &out).ok());
  EXPECT_EQ(out, text);
  EXPECT_EQ(decoder.isal_fallbacks(), 0u);
  std::string cut = Gzip(text).substr(0, 1000);
  EXPECT_EQ(decoder.Decode(cut, &out).message(), "truncated gzip stream");
  EXPECT_EQ(decoder.isal_fallbacks(), 1u);
  GzipDecoder plain(64);
  ASSERT_TRUE(plain.Decode(Gzip(text), &out).ok());
  EXPECT_EQ(plain.isal_fallbacks(), 0u);
}

TEST(InflaterTest, NamesRoundTrip) {
  for (Inflater inflater : {Inflater::kIsal, Inflater::kLibdeflate}) {
    EXPECT_EQ(ParseInflater(InflaterName(inflater)), inflater);
  }
  EXPECT_FALSE(ParseInflater("zlib").has_value());
}

// Inflate all of `gz` with a GzipStream in reads of at most `piece` bytes; false on failure.
bool StreamAll(std::string_view gz, size_t piece, std::string* out) {
  GzipStream stream;
  if (!stream.Start(gz)) return false;
  out->clear();
  std::string buffer(piece, '\0');
  for (bool done = false; !done;) {
    size_t produced = 0;
    if (!stream.Read(buffer.data(), piece, &produced, &done)) return false;
    out->append(buffer.data(), produced);
  }
  return true;
}

TEST(GzipStreamTest, InflatesInPiecesOfAnySize) {
  std::string text = LogLikeText(300000);
  std::string gz = Gzip(text);
  for (size_t piece : {size_t{1}, size_t{1000}, size_t{65536}, text.size(), text.size() + 1}) {
    std::string out;
    ASSERT_TRUE(StreamAll(gz, piece, &out)) << piece;
    EXPECT_EQ(out, text) << piece;
  }
  std::string empty;
  ASSERT_TRUE(StreamAll(Gzip(""), 16, &empty));
  EXPECT_EQ(empty, "");
}

TEST(GzipStreamTest, FailsOnWhatTheWholeDecoderMustExplain) {
  std::string gz = Gzip(LogLikeText(100000));
  std::string bad_crc = gz;
  bad_crc[bad_crc.size() - 6] ^= 0x55;
  std::string bad_size = gz;
  bad_size[bad_size.size() - 2] ^= 0x01;
  std::string reserved_flags = gz;
  reserved_flags[3] = static_cast<char>(reserved_flags[3] | 0x20);
  std::string out;
  for (const std::string& bad : {bad_crc, bad_size, reserved_flags, gz.substr(0, gz.size() / 2), gz.substr(0, gz.size() - 1),
                                 gz + Gzip("second member"), gz + "garbage", std::string("not gzip at all, no"), std::string()}) {
    EXPECT_FALSE(StreamAll(bad, 4096, &out));
  }
}

}  // namespace
}  // namespace adxm
