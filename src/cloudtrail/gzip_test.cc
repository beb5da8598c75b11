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

TEST(GzipTest, DecodesASingleMember) {
  std::string text = LogLikeText(300000);
  std::string out;
  ASSERT_TRUE(Gunzip(Gzip(text), &out, 0).ok());
  EXPECT_EQ(out, text);
}

TEST(GzipTest, DecodesAnEmptyPayload) {
  std::string out = "stale";
  ASSERT_TRUE(Gunzip(Gzip(""), &out, 0).ok());
  EXPECT_EQ(out, "");
}

TEST(GzipTest, LeavesThePaddingAsSpareCapacity) {
  GzipDecoder decoder(64);
  std::string out;
  ASSERT_TRUE(decoder.Decode(Gzip("{\"Records\":[]}"), &out).ok());
  EXPECT_EQ(out, "{\"Records\":[]}");
  EXPECT_GE(out.capacity(), out.size() + 64);
}

TEST(GzipTest, DecodesConcatenatedMembersToTheirConcatenation) {
  std::string first = LogLikeText(50000);
  std::string second = "tail member";
  GzipDecoder decoder(64);
  std::string out;
  // The trailer's size is the last member's, far below the total: the decoder must grow.
  ASSERT_TRUE(decoder.Decode(Gzip(first) + Gzip(second) + Gzip(""), &out).ok());
  EXPECT_EQ(out, first + second);
  EXPECT_GE(out.capacity(), out.size() + 64);
}

TEST(GzipTest, ReusesTheOutputBufferOnceWarm) {
  GzipDecoder decoder(64);
  std::string out;
  ASSERT_TRUE(decoder.Decode(Gzip(LogLikeText(100000)), &out).ok());
  const char* buffer = out.data();
  ASSERT_TRUE(decoder.Decode(Gzip(LogLikeText(20000)), &out).ok());
  ASSERT_TRUE(decoder.Decode(Gzip(LogLikeText(100000)), &out).ok());
  EXPECT_EQ(out.data(), buffer);
  EXPECT_EQ(out, LogLikeText(100000));
}

TEST(GzipTest, RejectsAnEmptyObject) {
  std::string out;
  Status status = Gunzip("", &out, 0);
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_EQ(status.message(), "empty object (0 bytes)");
}

TEST(GzipTest, RejectsDataWithoutTheGzipMagic) {
  std::string out;
  EXPECT_EQ(Gunzip("{\"Records\":[]}", &out, 0).message(), "not gzip (bad magic)");
  EXPECT_EQ(Gunzip("\x1f", &out, 0).message(), "not gzip (bad magic)");
}

TEST(GzipTest, RejectsAStreamCutAnywhere) {
  std::string gz = Gzip(LogLikeText(200000));
  std::string out;
  for (size_t size = 2; size < gz.size(); size += size < 64 ? 1 : 97) {
    Status status = Gunzip(std::string_view(gz).substr(0, size), &out, 0);
    ASSERT_EQ(status.message(), "truncated gzip stream") << "cut at " << size << " of " << gz.size();
  }
  EXPECT_EQ(Gunzip(std::string_view(gz).substr(0, gz.size() - 1), &out, 0).message(),
            "truncated gzip stream");
}

TEST(GzipTest, RejectsDamagedData) {
  std::string gz = Gzip(LogLikeText(200000));
  std::string out;
  int damaged = 0;
  // Overwrite 4 bytes well inside the stream at many places.
  for (size_t pos = 100; pos + 200 < gz.size(); pos += 211) {
    std::string bad = gz;
    for (size_t index = pos; index < pos + 4; ++index) bad[index] = static_cast<char>(bad[index] ^ 0x5a);
    Status status = Gunzip(bad, &out, 0);
    // Damage that still inflates is caught by the checksum, and said so.
    ASSERT_EQ(status.message().rfind("corrupt gzip data", 0), 0u) << status.message() << " at " << pos;
    ++damaged;
  }
  EXPECT_GT(damaged, 10);
}

TEST(GzipTest, RejectsAChecksumMismatch) {
  std::string gz = Gzip(LogLikeText(1000));
  gz[gz.size() - 8] = static_cast<char>(gz[gz.size() - 8] ^ 1);  // First CRC-32 byte.
  std::string out;
  EXPECT_EQ(Gunzip(gz, &out, 0).message(), "corrupt gzip data: CRC-32 mismatch (the data or its checksum is damaged)");
}

// Clear messages: a wrong ISIZE is not a truncated stream.
TEST(GzipTest, NamesAWrongSizeInTheTrailer) {
  for (int delta : {1, -1, 1000, 1 << 20}) {
    std::string gz = Gzip(LogLikeText(5000));
    uint32_t size = 0;
    std::memcpy(&size, gz.data() + gz.size() - 4, 4);
    size += delta;
    std::memcpy(gz.data() + gz.size() - 4, &size, 4);
    std::string out;
    EXPECT_EQ(Gunzip(gz, &out, 0).message(),
              "corrupt gzip data: the trailer's size field (ISIZE) disagrees with the data") << delta;
  }
}

// A gzip bomb inflates no further than the decoder's limit.
TEST(GzipTest, StopsInflatingAtTheOutputLimit) {
  std::string gz = Gzip(std::string(8 << 20, 'a'));
  GzipDecoder decoder(0, 1 << 20);
  std::string out;
  EXPECT_EQ(decoder.Decode(gz, &out).message(),
            "inflates to more than 1048576 bytes (the per-object limit, --max-object-bytes; a gzip bomb or "
            "not a CloudTrail log)");
  GzipDecoder roomy(0, 16 << 20);
  EXPECT_TRUE(roomy.Decode(gz, &out).ok());
  EXPECT_EQ(out.size(), 8u << 20);
}

TEST(GzipTest, RejectsGarbageAfterTheLastMember) {
  std::string out;
  Status status = Gunzip(Gzip("payload") + "garbage", &out, 0);
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_EQ(status.message(), "corrupt gzip data: garbage after member");
}

}  // namespace
}  // namespace adxm
