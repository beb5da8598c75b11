// The dashboard's files (web/ and uPlot from web/node_modules), compiled into the binary by
// cmake/embed_assets.cmake, each pre-gzipped with its ETag; and the same files read from a folder
// for development (`serve --ui-dir web`).
//
// Thread-safety: immutable data; AssetSource is safe to share once built.
// Example:
//   AssetSource assets = AssetSource::Embedded();
//   auto asset = assets.Find("index.html");  // nullopt: no such file.
#pragma once

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace adxm {

/// One file compiled into the binary.
struct EmbeddedAsset {
  std::string_view name;  // URL path without the leading slash: "index.html", "vendor/uPlot.min.css".
  std::string_view gzip;  // The file, gzip-compressed.
  size_t size;            // Uncompressed size.
  std::string_view etag;  // Quoted strong ETag: a prefix of the file's SHA-256.
};

/// Every embedded file (generated source).
std::span<const EmbeddedAsset> EmbeddedAssets();

/// A file as the server sends it.
struct Asset {
  std::string body;          // Gzip-compressed when `gzipped`.
  bool gzipped = false;
  std::string etag;          // Quoted.
  std::string content_type;  // From the file name's extension.
};

/// Where the page's files come from.
class AssetSource {
 public:
  /// The files compiled into the binary.
  static AssetSource Embedded() { return AssetSource({}); }
  /// The files of `ui_dir` (a web/ folder: its files, and vendor/… from its node_modules/uplot/dist).
  static AssetSource FromDirectory(std::filesystem::path ui_dir) { return AssetSource(std::move(ui_dir)); }

  /// The file at URL path `path` ("/" is index.html), or nullopt when there is none. Only names
  /// made of [A-Za-z0-9._-] segments are looked up, so no path can leave the folder.
  std::optional<Asset> Find(std::string_view path) const;

 private:
  explicit AssetSource(std::filesystem::path ui_dir) : ui_dir_(std::move(ui_dir)) {}
  std::filesystem::path ui_dir_;  // Empty: embedded.
};

/// Content-Type for a file name ("app.js" -> "text/javascript; charset=utf-8").
std::string_view ContentTypeFor(std::string_view name);

/// True for the names of page files the build embeds from web/ (html, js, css, svg, png, ico).
bool IsPageFile(std::string_view name);

/// True when `path` (without leading slash) is a safe relative name: one or more segments of
/// [A-Za-z0-9._-], none "." or "..", no empty segment.
bool IsSafeAssetPath(std::string_view path);

}  // namespace adxm
