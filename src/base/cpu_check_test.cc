#include "base/cpu_check.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "test_util.h"

namespace adxm {
namespace {

TEST(CpuCheckTest, NamesEveryCompiledFeatureACpuLacks) {
  std::string missing = MissingCpuFeatures([](const char*) { return false; });
  std::string expected;
  for (std::string_view feature : CompiledCpuFeatures()) expected += (expected.empty() ? "" : " ") + std::string(feature);
  EXPECT_EQ(missing, expected);
  EXPECT_EQ(MissingCpuFeatures([](const char*) { return true; }), "");
  EXPECT_NE(CpuMismatchMessage("avx512f").find("compiled for CPUs with avx512f, which this CPU lacks"), std::string::npos);
}

#if defined(ADXM_PORTABLE_ARCH) && defined(__x86_64__)
// The default build is portable: it assumes no AVX-512 (nor AVX2 at x86-64-v2), and the CLI
// binary holds no instruction using AVX-512 registers (zmm, or the k mask registers).
TEST(CpuCheckTest, DefaultBuildHoldsNoAvx512Instructions) {
  for (std::string_view feature : CompiledCpuFeatures()) EXPECT_EQ(feature.find("avx512"), std::string_view::npos);
  if (!std::filesystem::exists(testing::CliPath())) GTEST_SKIP() << "the CLI is not built";
  std::string command = "objdump -d --no-show-raw-insn '" + testing::CliPath() + "'";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
  ASSERT_NE(pipe, nullptr);
  std::array<char, 4096> line{};
  size_t instructions = 0;
  std::string avx512;
  while (std::fgets(line.data(), line.size(), pipe.get()) != nullptr) {
    std::string_view text(line.data());
    if (text.find(":\t") == std::string_view::npos) continue;
    ++instructions;
    bool uses_avx512 = text.find("%zmm") != std::string_view::npos || text.find("{%k") != std::string_view::npos ||
                       text.find("kmov") != std::string_view::npos;
    if (uses_avx512 && avx512.size() < 2000) avx512 += std::string(text);
  }
  EXPECT_GT(instructions, 10000u) << "objdump did not disassemble " << testing::CliPath();
  EXPECT_EQ(avx512, "");
}
#endif

}  // namespace
}  // namespace adxm
