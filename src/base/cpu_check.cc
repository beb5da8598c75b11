#include "base/cpu_check.h"

#include <unistd.h>

namespace adxm {

const std::vector<std::string_view>& CompiledCpuFeatures() {
  // Each macro is defined by the -march/-m flags this file is compiled with, which are the
  // whole project's (CMake ADXM_ARCH).
  static const auto* const kFeatures = new std::vector<std::string_view>{
#if defined(__SSE4_2__)
      "sse4.2",
#endif
#if defined(__POPCNT__)
      "popcnt",
#endif
#if defined(__AVX__)
      "avx",
#endif
#if defined(__AVX2__)
      "avx2",
#endif
#if defined(__BMI2__)
      "bmi2",
#endif
#if defined(__FMA__)
      "fma",
#endif
#if defined(__AVX512F__)
      "avx512f",
#endif
#if defined(__AVX512BW__)
      "avx512bw",
#endif
#if defined(__AVX512DQ__)
      "avx512dq",
#endif
#if defined(__AVX512VL__)
      "avx512vl",
#endif
#if defined(__AVX512VBMI__)
      "avx512vbmi",
#endif
#if defined(__AVX512VBMI2__)
      "avx512vbmi2",
#endif
  };
  return *kFeatures;
}

std::string MissingCpuFeatures(bool (*supports)(const char* feature)) {
  std::string missing;
  for (std::string_view feature : CompiledCpuFeatures()) {
    if (supports(std::string(feature).c_str())) continue;
    if (!missing.empty()) missing += ' ';
    missing += feature;
  }
  return missing;
}

std::string CpuMismatchMessage(std::string_view missing) {
  return "adxmetrics: this binary was compiled for CPUs with " + std::string(missing) +
         ", which this CPU lacks; build it on this machine with the default portable settings "
         "(make build; CMake ADXM_ARCH=x86-64-v2)\n";
}

void ExitUnlessCpuSupportsBuild() {
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  // __builtin_cpu_supports needs a literal argument, hence the switch over known names.
  std::string missing = MissingCpuFeatures([](const char* feature) {
    std::string_view name(feature);
    if (name == "sse4.2") return __builtin_cpu_supports("sse4.2") != 0;
    if (name == "popcnt") return __builtin_cpu_supports("popcnt") != 0;
    if (name == "avx") return __builtin_cpu_supports("avx") != 0;
    if (name == "avx2") return __builtin_cpu_supports("avx2") != 0;
    if (name == "bmi2") return __builtin_cpu_supports("bmi2") != 0;
    if (name == "fma") return __builtin_cpu_supports("fma") != 0;
    if (name == "avx512f") return __builtin_cpu_supports("avx512f") != 0;
    if (name == "avx512bw") return __builtin_cpu_supports("avx512bw") != 0;
    if (name == "avx512dq") return __builtin_cpu_supports("avx512dq") != 0;
    if (name == "avx512vl") return __builtin_cpu_supports("avx512vl") != 0;
    if (name == "avx512vbmi") return __builtin_cpu_supports("avx512vbmi") != 0;
    if (name == "avx512vbmi2") return __builtin_cpu_supports("avx512vbmi2") != 0;
    return false;
  });
  if (missing.empty()) return;
  std::string message = CpuMismatchMessage(missing);
  ssize_t ignored = ::write(STDERR_FILENO, message.data(), message.size());
  (void)ignored;
  ::_exit(1);
#endif
}

}  // namespace adxm
