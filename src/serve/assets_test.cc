#include "serve/assets.h"

#include <gtest/gtest.h>
#include <libdeflate.h>

#include <filesystem>
#include <fstream>
#include <set>

namespace adxm {
namespace {

std::string ReadSource(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string Gunzip(std::string_view gzip, size_t size) {
  std::string out(size, '\0');
  libdeflate_decompressor* d = libdeflate_alloc_decompressor();
  size_t actual = 0;
  EXPECT_EQ(libdeflate_gzip_decompress(d, gzip.data(), gzip.size(), out.data(), out.size(), &actual),
            LIBDEFLATE_SUCCESS);
  libdeflate_free_decompressor(d);
  out.resize(actual);
  return out;
}

TEST(AssetsTest, EmbeddedFilesAreTheSourceFilesGzipped) {
  std::filesystem::path web = std::filesystem::path(ADXM_SOURCE_DIR) / "web";
  std::set<std::string> names;
  for (const EmbeddedAsset& asset : EmbeddedAssets()) {
    names.insert(std::string(asset.name));
    std::filesystem::path source = asset.name.starts_with("vendor/")
                                       ? web / "node_modules/uplot/dist" / std::string(asset.name.substr(7))
                                       : web / std::string(asset.name);
    std::string expected = ReadSource(source);
    EXPECT_EQ(Gunzip(asset.gzip, asset.size), expected) << asset.name;
    EXPECT_EQ(asset.etag.size(), 34u) << asset.name;  // Quoted, 32 hex digits.
  }
  EXPECT_TRUE(names.count("index.html"));
  EXPECT_TRUE(names.count("vendor/uPlot.iife.min.js"));
  EXPECT_TRUE(names.count("vendor/uPlot.min.css"));
}

TEST(AssetsTest, OnlySafeNamesAreLookedUp) {
  for (const char* bad : {"../etc/passwd", "/../x", "a/../../b", "..", ".", "a//b", "a\\b", "%2e%2e/x", "a b",
                          "vendor/../../CMakeLists.txt", ""}) {
    EXPECT_FALSE(IsSafeAssetPath(bad)) << bad;
  }
  for (const char* good : {"index.html", "vendor/uPlot.min.css", "app.js", "a-b_c.d"}) {
    EXPECT_TRUE(IsSafeAssetPath(good)) << good;
  }
  AssetSource embedded = AssetSource::Embedded();
  EXPECT_TRUE(embedded.Find("/").has_value());
  EXPECT_FALSE(embedded.Find("/../CMakeLists.txt").has_value());
  // From a folder: a name that would leave it is never read, even if the file exists.
  AssetSource folder = AssetSource::FromDirectory(std::filesystem::path(ADXM_SOURCE_DIR) / "web");
  EXPECT_FALSE(folder.Find("/../CMakeLists.txt").has_value());
  EXPECT_FALSE(folder.Find("/vendor/../../../CMakeLists.txt").has_value());
  EXPECT_TRUE(folder.Find("/vendor/uPlot.min.css").has_value());
  EXPECT_TRUE(folder.Find("/app.js").has_value());
  // Only what the build would embed: not the folder's other files, not node_modules.
  EXPECT_FALSE(folder.Find("/package.json").has_value());
  EXPECT_FALSE(folder.Find("/README.md").has_value());
  EXPECT_FALSE(folder.Find("/node_modules/uplot/package.json").has_value());
}

TEST(AssetsTest, ContentTypes) {
  EXPECT_EQ(ContentTypeFor("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("style.css"), "text/css; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("x.bin"), "application/octet-stream");
}

}  // namespace
}  // namespace adxm
