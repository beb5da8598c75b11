// SHA-256 (OpenSSL): request payload hashes for SigV4, the log hashes CloudTrail digest files list.
//
// Thread-safety: pure function.
// Example:
//   std::string hex = Sha256Hex("abc");  // "ba7816bf..."
#pragma once

#include <string>
#include <string_view>

namespace adxm {

/// Return the SHA-256 of `data` as 64 lowercase hex digits.
std::string Sha256Hex(std::string_view data);

}  // namespace adxm
