#include "s3/xml.h"

#include <expat.h>

#include <memory>

namespace adxm {
namespace {

struct FlattenState {
  std::string path;
  std::vector<size_t> path_lengths;  // Length of `path` before each open element.
  std::string text;
  bool has_child = false;  // The innermost open element has a child element (not a leaf).
  std::vector<XmlLeaf> leaves;
};

void OnStart(void* data, const XML_Char* name, const XML_Char** /*attributes*/) {
  auto* state = static_cast<FlattenState*>(data);
  state->path_lengths.push_back(state->path.size());
  if (!state->path.empty()) state->path.push_back('/');
  std::string_view local(name);
  // Expat is created with a namespace separator '|': keep only the local name.
  if (size_t bar = local.rfind('|'); bar != std::string_view::npos) local.remove_prefix(bar + 1);
  state->path.append(local);
  state->text.clear();
  state->has_child = false;
}

void OnEnd(void* data, const XML_Char* /*name*/) {
  auto* state = static_cast<FlattenState*>(data);
  if (!state->has_child) state->leaves.emplace_back(state->path, state->text);
  state->text.clear();
  state->path.resize(state->path_lengths.back());
  state->path_lengths.pop_back();
  state->has_child = true;  // The parent now has a child element.
}

void OnText(void* data, const XML_Char* text, int size) {
  static_cast<FlattenState*>(data)->text.append(text, static_cast<size_t>(size));
}

struct ParserDeleter {
  void operator()(XML_Parser parser) const { XML_ParserFree(parser); }
};

}  // namespace

Result<std::vector<XmlLeaf>> FlattenXml(std::string_view xml) {
  std::unique_ptr<XML_ParserStruct, ParserDeleter> parser(XML_ParserCreateNS(nullptr, '|'));
  if (!parser) return Status::Internal("expat: cannot create a parser");
  FlattenState state;
  XML_SetUserData(parser.get(), &state);
  XML_SetElementHandler(parser.get(), OnStart, OnEnd);
  XML_SetCharacterDataHandler(parser.get(), OnText);
  if (XML_Parse(parser.get(), xml.data(), static_cast<int>(xml.size()), XML_TRUE) == XML_STATUS_ERROR) {
    return Status::Corruption(std::string("XML reply: ") + XML_ErrorString(XML_GetErrorCode(parser.get())) +
                              " at line " + std::to_string(XML_GetCurrentLineNumber(parser.get())));
  }
  return std::move(state.leaves);
}

std::string FindXmlText(const std::vector<XmlLeaf>& leaves, std::string_view suffix) {
  for (const auto& [path, text] : leaves) {
    if (path.size() < suffix.size() || path.compare(path.size() - suffix.size(), suffix.size(), suffix) != 0) {
      continue;
    }
    if (path.size() == suffix.size() || path[path.size() - suffix.size() - 1] == '/') return text;
  }
  return "";
}

}  // namespace adxm
