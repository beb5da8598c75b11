// Flatten an XML document (an AWS reply: STS results, S3 listings, error bodies) into its leaf
// elements in document order, parsed by expat.
//
// AWS replies are small trees of elements with text; a flat list of ("A/B/C", text) in document
// order is enough to read them, including repeated groups (each <Contents> of a listing starts
// again at "…/Contents/Key"). Namespaces are kept out of the paths.
// Thread-safety: pure function.
// Example:
//   ADXM_ASSIGN_OR_RETURN(auto leaves, FlattenXml(body));
//   std::string code = FindXmlText(leaves, "Error/Code");
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace adxm {

/// A leaf element: its path from the root ("ErrorResponse/Error/Code") and its text.
using XmlLeaf = std::pair<std::string, std::string>;

/// Parse `xml` into its leaf elements; Corruption when it is not well-formed XML.
Result<std::vector<XmlLeaf>> FlattenXml(std::string_view xml);

/// Return the text of the first leaf whose path ends with "/" + `suffix` (or equals it), or "".
std::string FindXmlText(const std::vector<XmlLeaf>& leaves, std::string_view suffix);

}  // namespace adxm
