#include "generate/sha256.h"

#include <array>
#include <cstdint>
#include <cstring>

namespace adxm {
namespace {

constexpr uint32_t kRoundConstants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

uint32_t Rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

void Compress(std::array<uint32_t, 8>* state, const unsigned char* block) {
  uint32_t w[64];
  for (int idx = 0; idx < 16; ++idx) {
    w[idx] = uint32_t{block[idx * 4]} << 24 | uint32_t{block[idx * 4 + 1]} << 16 |
             uint32_t{block[idx * 4 + 2]} << 8 | uint32_t{block[idx * 4 + 3]};
  }
  for (int idx = 16; idx < 64; ++idx) {
    uint32_t s0 = Rotr(w[idx - 15], 7) ^ Rotr(w[idx - 15], 18) ^ (w[idx - 15] >> 3);
    uint32_t s1 = Rotr(w[idx - 2], 17) ^ Rotr(w[idx - 2], 19) ^ (w[idx - 2] >> 10);
    w[idx] = w[idx - 16] + s0 + w[idx - 7] + s1;
  }
  auto [a, b, c, d, e, f, g, h] = *state;
  for (int idx = 0; idx < 64; ++idx) {
    uint32_t t1 = h + (Rotr(e, 6) ^ Rotr(e, 11) ^ Rotr(e, 25)) + ((e & f) ^ (~e & g)) +
                  kRoundConstants[idx] + w[idx];
    uint32_t t2 = (Rotr(a, 2) ^ Rotr(a, 13) ^ Rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  const uint32_t add[8] = {a, b, c, d, e, f, g, h};
  for (int idx = 0; idx < 8; ++idx) (*state)[idx] += add[idx];
}

}  // namespace

std::string Sha256Hex(std::string_view data) {
  std::array<uint32_t, 8> state = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  auto bytes = reinterpret_cast<const unsigned char*>(data.data());
  size_t full = data.size() / 64 * 64;
  for (size_t offset = 0; offset < full; offset += 64) Compress(&state, bytes + offset);
  // Padding: 0x80, zeros, then the bit length big-endian, in one or two final blocks.
  unsigned char tail[128] = {};
  size_t rest = data.size() - full;
  std::memcpy(tail, bytes + full, rest);
  tail[rest] = 0x80;
  size_t tail_size = rest < 56 ? 64 : 128;
  uint64_t bits = static_cast<uint64_t>(data.size()) * 8;
  for (int idx = 0; idx < 8; ++idx)
    tail[tail_size - 1 - idx] = static_cast<unsigned char>(bits >> (8 * idx));
  for (size_t offset = 0; offset < tail_size; offset += 64) Compress(&state, tail + offset);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (uint32_t word : state) {
    for (int shift = 28; shift >= 0; shift -= 4) hex.push_back(kHex[(word >> shift) & 0xf]);
  }
  return hex;
}

}  // namespace adxm
