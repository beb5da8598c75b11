// Rng: the generator's own PRNG (xoshiro256** seeded through splitmix64) and the few
// distributions it needs, written out so that output bytes never depend on the standard
// library's distribution implementations. Only integer arithmetic and exact double
// comparisons are used.
//
// Thread-safety: none; one Rng per stream.
// Example:
//   Rng rng(DeriveSeed(options.seed, "world"));
//   int hour = rng.Pick(kHourWeights);
//   if (rng.Chance(0.03)) ...
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace adxm {

/// Advance `state` and return the next splitmix64 output (also a good 64-bit mixer).
inline uint64_t SplitMix64(uint64_t* state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// Derive an independent stream seed from `seed` and a label (FNV-1a of the label, mixed).
inline uint64_t DeriveSeed(uint64_t seed, std::string_view label, uint64_t index = 0) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (char c : label) hash = (hash ^ static_cast<uint8_t>(c)) * 0x100000001b3ULL;
  uint64_t state = seed ^ hash ^ (index * 0xd1342543de82ef95ULL);
  return SplitMix64(&state);
}

/// xoshiro256**: fast, small state, good statistical quality.
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (uint64_t& word : state_) word = SplitMix64(&seed);
  }

  /// Return 64 random bits.
  uint64_t Next() {
    uint64_t result = Rotl(state_[1] * 5, 7) * 9;
    uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = Rotl(state_[3], 45);
    return result;
  }

  /// Return a uniform integer in [0, n); n > 0 (multiply-shift; bias < n / 2^64).
  uint64_t Uniform(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64);
  }

  /// Return a uniform integer in [lo, hi].
  int64_t Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Uniform(static_cast<uint64_t>(hi - lo) + 1));
  }

  /// Return a uniform double in [0, 1) with 53 random bits.
  double Real() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

  /// Return true with probability `p`.
  bool Chance(double p) { return Real() < p; }

  /// Return an index drawn with probability proportional to `weights` (not all zero).
  size_t Pick(std::span<const int> weights) {
    uint64_t total = 0;
    for (int weight : weights) total += static_cast<uint64_t>(weight);
    uint64_t ticket = Uniform(total);
    for (size_t idx = 0; idx < weights.size(); ++idx) {
      uint64_t weight = static_cast<uint64_t>(weights[idx]);
      if (ticket < weight) return idx;
      ticket -= weight;
    }
    return weights.size() - 1;
  }

  /// Return an index drawn from running totals of weights (`cumulative` non-decreasing, last > 0).
  size_t PickCumulative(std::span<const uint64_t> cumulative) {
    uint64_t ticket = Uniform(cumulative.back());
    return static_cast<size_t>(std::upper_bound(cumulative.begin(), cumulative.end(), ticket) -
                               cumulative.begin());
  }

  /// Return `length` characters drawn uniformly from `alphabet`.
  std::string Chars(size_t length, std::string_view alphabet) {
    std::string out(length, ' ');
    for (char& c : out) c = alphabet[Uniform(alphabet.size())];
    return out;
  }

  /// Shuffle `items` in place (Fisher-Yates).
  template <typename T>
  void Shuffle(std::span<T> items) {
    for (size_t idx = items.size(); idx > 1; --idx) {
      std::swap(items[idx - 1], items[Uniform(idx)]);
    }
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t state_[4];
};

inline constexpr std::string_view kDigits = "0123456789";
inline constexpr std::string_view kUpperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
inline constexpr std::string_view kLowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789";
inline constexpr std::string_view kMixedAlnum =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
inline constexpr std::string_view kLowerHex = "0123456789abcdef";

}  // namespace adxm
