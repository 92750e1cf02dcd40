// Internal: a streaming XML reader over InputStream (expat), for the OFAC
// ADVANCED_XML / ENHANCED_XML and UN list parsers. It feeds the document in
// 64 KiB chunks and calls the handler per element; memory stays flat however
// large the file. Element names are local names (namespace URI stripped).
#ifndef CLEARANCE_ENGINE_LISTS_XML_READER_H_
#define CLEARANCE_ENGINE_LISTS_XML_READER_H_

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/common/error.h"
#include "engine/lists/input.h"
#include "engine/lists/lists.h"

namespace clearance::lists::internal {

using XmlAttributes =
    std::vector<std::pair<std::string_view, std::string_view>>;

class XmlHandler {
 public:
  virtual ~XmlHandler() = default;
  // `attributes` are valid during the call only.
  virtual void StartElement(std::string_view name,
                            const XmlAttributes& attributes) = 0;
  // `text` is the element's character data (concatenated, untrimmed) when
  // the element had no child elements; "" otherwise.
  virtual void EndElement(std::string_view name, std::string_view text) = 0;
  // A handler that finds the content invalid calls reader.Abort(message).
};

class XmlReader {
 public:
  // Streams the file at `path` through `handler`. Errors (malformed XML,
  // truncation, an Abort() from the handler) name the file and line.
  static Result<void> Parse(const std::string& path, XmlHandler& handler,
                            const ParseOptions& options);

  // Stops parsing with an error "<file> line N: <message>". Call from a
  // handler callback through the reader passed to SetReader().
  void Abort(std::string message);
  // The current line (1-based), for messages built by the handler.
  long line() const;
  const std::string& file() const { return file_; }

 private:
  XmlReader() = default;
  void* parser_ = nullptr;  // XML_Parser
  std::string file_;
  std::string abort_message_;
  std::vector<std::string> text_stack_;
  std::vector<bool> had_child_;
  XmlHandler* handler_ = nullptr;
  friend struct XmlCallbacks;
  friend class XmlHandlerWithReader;
};

// Base for handlers that need to abort or know the line.
class XmlHandlerWithReader : public XmlHandler {
 public:
  XmlReader* reader = nullptr;  // set by XmlReader::Parse before parsing
};

}  // namespace clearance::lists::internal

#endif  // CLEARANCE_ENGINE_LISTS_XML_READER_H_
