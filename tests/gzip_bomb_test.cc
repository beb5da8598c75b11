// A gzip bomb (a small object inflating to 10 GiB) is rejected with a clear reason while the
// ingest's memory stays bounded by --threads x --max-object-bytes plus the ingest's own working set.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <zlib.h>

#include "base/file_util.h"
#include "dataset_checks.h"

namespace adxm::testing {
namespace {

namespace fs = std::filesystem;

// A gzip member whose deflate stream repeats one non-final block of 1 MiB of zeros `copies`
// times: about 1 KB per MiB inflated, written without inflating anything.
std::string GzipBomb(size_t copies) {
  std::string zeros(1 << 20, '\0');
  z_stream stream{};
  EXPECT_EQ(deflateInit2(&stream, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY), Z_OK);
  std::string block(deflateBound(&stream, zeros.size()) + 64, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(zeros.data());
  stream.avail_in = static_cast<uInt>(zeros.size());
  stream.next_out = reinterpret_cast<Bytef*>(block.data());
  stream.avail_out = static_cast<uInt>(block.size());
  // A full flush ends byte-aligned, with no final block and no reference to earlier data.
  EXPECT_EQ(deflate(&stream, Z_FULL_FLUSH), Z_OK);
  block.resize(block.size() - stream.avail_out);
  deflateEnd(&stream);
  std::string gz("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10);
  gz.reserve(10 + copies * block.size() + 10);
  for (size_t copy = 0; copy < copies; ++copy) gz += block;
  gz += std::string("\x03\x00", 2);  // A final, empty fixed-Huffman block.
  gz += std::string(8, '\0');        // CRC-32 and ISIZE: never reached.
  return gz;
}

TEST(GzipBombIntegrationTest, ATenGibibyteBombIsRejectedWithinTheMemoryBound) {
  ScratchDir scratch;
  fs::path bucket = scratch.path() / "bucket";
  GenerateBucket(bucket, {"--seed", "41", "--start", "2023-05-21", "--days", "1", "--events-per-day", "100"});
  std::string bomb_key = "AWSLogs/111122223333/CloudTrail/us-east-1/2023/05/21/"
                         "111122223333_CloudTrail_us-east-1_20230521T2350Z_bomb000000000000.json.gz";
  std::string bomb = GzipBomb(10 * 1024);  // 10 GiB of zeros.
  EXPECT_LT(bomb.size(), 12u << 20);
  ASSERT_TRUE(WriteFile(bucket / bomb_key, bomb, false).ok());

  constexpr size_t kMaxObjectBytes = 64u << 20;
  CommandResult run = IngestCli(bucket, scratch.path() / "wh",
                                {"--threads", "2", "--max-object-bytes", std::to_string(kMaxObjectBytes)});
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  EXPECT_NE(run.out.find("rejected: " + bomb_key + ": inflates to more than 67108864 bytes (the per-object limit, "
                         "--max-object-bytes; a gzip bomb or not a CloudTrail log)"),
            std::string::npos) << run.out;
  EXPECT_EQ(CountRows(scratch.path() / "wh"), LoadGroundTruth(bucket)["qualifying_events"].get<int64_t>());

  // Peak RSS of the largest child so far (the ingest; generate and query are smaller): bounded
  // by 2 threads x 64 MiB plus a generous allowance for the rest of the process.
  struct rusage usage {};
  ASSERT_EQ(::getrusage(RUSAGE_CHILDREN, &usage), 0);
  int64_t peak_bytes = static_cast<int64_t>(usage.ru_maxrss) * 1024;
#if defined(__SANITIZE_ADDRESS__)
  constexpr int64_t kAllowance = int64_t{1} << 30;  // ASan's shadow and quarantine of freed buffers.
#else
  constexpr int64_t kAllowance = int64_t{250} << 20;
#endif
  EXPECT_LT(peak_bytes, 2 * static_cast<int64_t>(kMaxObjectBytes) + kAllowance) << "peak RSS " << (peak_bytes >> 20) << " MiB";
}

}  // namespace
}  // namespace adxm::testing
