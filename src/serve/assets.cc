#include "serve/assets.h"

#include <system_error>

#include "base/file_util.h"

namespace adxm {

std::string_view ContentTypeFor(std::string_view name) {
  auto ends_with = [&](std::string_view suffix) { return name.ends_with(suffix); };
  if (ends_with(".html")) return "text/html; charset=utf-8";
  if (ends_with(".js") || ends_with(".mjs")) return "text/javascript; charset=utf-8";
  if (ends_with(".css")) return "text/css; charset=utf-8";
  if (ends_with(".svg")) return "image/svg+xml";
  if (ends_with(".png")) return "image/png";
  if (ends_with(".ico")) return "image/x-icon";
  if (ends_with(".json")) return "application/json; charset=utf-8";
  return "application/octet-stream";
}

bool IsPageFile(std::string_view name) {
  for (std::string_view extension : {".html", ".js", ".css", ".svg", ".png", ".ico"}) {
    if (name.ends_with(extension)) return true;
  }
  return false;
}

bool IsSafeAssetPath(std::string_view path) {
  if (path.empty() || path.size() > 200) return false;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view segment = path.substr(start, end - start);
    if (segment.empty() || segment == "." || segment == "..") return false;
    for (char c : segment) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                c == '-';
      if (!ok) return false;
    }
    start = end + 1;
  }
  return true;
}

std::optional<Asset> AssetSource::Find(std::string_view path) const {
  if (path.starts_with('/')) path.remove_prefix(1);
  if (path.empty()) path = "index.html";
  if (!IsSafeAssetPath(path)) return std::nullopt;
  if (ui_dir_.empty()) {
    for (const EmbeddedAsset& asset : EmbeddedAssets()) {
      if (asset.name == path) {
        return Asset{std::string(asset.gzip), true, std::string(asset.etag), std::string(ContentTypeFor(path))};
      }
    }
    return std::nullopt;
  }
  // Development: read the file on every request (edits show on reload), never cached. Only what
  // the build would embed: a top-level page file, or uPlot's two files; no symlink is followed.
  std::filesystem::path file;
  if (path == "vendor/uPlot.iife.min.js" || path == "vendor/uPlot.min.css") {
    file = ui_dir_ / "node_modules/uplot/dist" / std::string(path.substr(7));
  } else if (path.find('/') == std::string_view::npos && IsPageFile(path)) {
    file = ui_dir_ / std::string(path);
  } else {
    return std::nullopt;
  }
  std::error_code error;
  if (!std::filesystem::is_regular_file(std::filesystem::symlink_status(file, error))) return std::nullopt;
  auto contents = ReadFile(file);
  if (!contents.ok()) return std::nullopt;
  return Asset{std::move(*contents), false, "", std::string(ContentTypeFor(path))};
}

}  // namespace adxm
