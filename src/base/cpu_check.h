// The CPU features this build was compiled for, and the check that the running CPU has them.
//
// The default build targets a portable baseline (CMake ADXM_ARCH, x86-64-v2); a build for
// another level or for the build machine (`cmake --preset native`) may use instructions older
// CPUs lack. Run on such a CPU, the binary would die with SIGILL at some random point; instead
// the CLI checks at start-up and says what is missing.
//
// Thread-safety: pure functions.
// Example:
//   std::string missing = MissingCpuFeatures([](const char* f) { return __builtin_cpu_supports(f) != 0; });
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace adxm {

/// Return the x86 feature names (as __builtin_cpu_supports spells them) this translation unit's
/// compiler flags assume; empty on other architectures.
const std::vector<std::string_view>& CompiledCpuFeatures();

/// Return the compiled-for features `supports` denies, space-separated; empty when none is missing.
std::string MissingCpuFeatures(bool (*supports)(const char* feature));

/// Return the message printed when the CPU lacks `missing` features.
std::string CpuMismatchMessage(std::string_view missing);

/// Exit with status 1 and a clear message on stderr unless the running CPU has every feature the
/// binary was compiled for. Call first thing in main (built with the same flags as the rest).
void ExitUnlessCpuSupportsBuild();

}  // namespace adxm
