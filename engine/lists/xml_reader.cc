#include "engine/lists/xml_reader.h"

#include <expat.h>

namespace clearance::lists::internal {

struct XmlCallbacks {
  static std::string_view LocalName(const XML_Char* name) {
    std::string_view n(name);
    // Namespace-aware parsing gives "uri<sep>local"; keep the local part.
    const size_t sep = n.rfind('\x01');
    return sep == std::string_view::npos ? n : n.substr(sep + 1);
  }

  static void Start(void* data, const XML_Char* name, const XML_Char** atts) {
    auto* r = static_cast<XmlReader*>(data);
    if (!r->had_child_.empty()) r->had_child_.back() = true;
    r->text_stack_.emplace_back();
    r->had_child_.push_back(false);
    XmlAttributes attributes;
    for (int i = 0; atts[i] != nullptr; i += 2) {
      attributes.emplace_back(LocalName(atts[i]),
                              std::string_view(atts[i + 1]));
    }
    r->handler_->StartElement(LocalName(name), attributes);
  }

  static void End(void* data, const XML_Char* name) {
    auto* r = static_cast<XmlReader*>(data);
    const bool had_child = r->had_child_.back();
    std::string text = std::move(r->text_stack_.back());
    r->text_stack_.pop_back();
    r->had_child_.pop_back();
    r->handler_->EndElement(LocalName(name), had_child
                                                 ? std::string_view()
                                                 : std::string_view(text));
  }

  static void Text(void* data, const XML_Char* s, int len) {
    auto* r = static_cast<XmlReader*>(data);
    if (!r->text_stack_.empty()) r->text_stack_.back().append(s, len);
  }
};

void XmlReader::Abort(std::string message) {
  if (abort_message_.empty()) {
    abort_message_ = file_ + " line " + std::to_string(line()) + ": " + message;
  }
  XML_StopParser(static_cast<XML_Parser>(parser_), XML_FALSE);
}

long XmlReader::line() const {
  return static_cast<long>(
      XML_GetCurrentLineNumber(static_cast<XML_Parser>(parser_)));
}

Result<void> XmlReader::Parse(const std::string& path, XmlHandler& handler,
                              const ParseOptions& options) {
  auto input = InputStream::Open(path);
  if (!input) return std::unexpected(input.error());
  XmlReader reader;
  reader.file_ = (*input)->display_name();
  reader.handler_ = &handler;
  if (auto* with_reader = dynamic_cast<XmlHandlerWithReader*>(&handler)) {
    with_reader->reader = &reader;
  }
  XML_Parser parser = XML_ParserCreateNS("UTF-8", '\x01');
  reader.parser_ = parser;
  XML_SetUserData(parser, &reader);
  XML_SetElementHandler(parser, XmlCallbacks::Start, XmlCallbacks::End);
  XML_SetCharacterDataHandler(parser, XmlCallbacks::Text);
  Result<void> result = Ok();
  std::int64_t last_report = 0;
  for (;;) {
    void* buffer = XML_GetBuffer(parser, 1 << 16);
    if (buffer == nullptr) {
      result = Fail(ErrorCode::kInternal, reader.file_ + ": out of memory");
      break;
    }
    auto n = (*input)->Read(static_cast<char*>(buffer), 1 << 16);
    if (!n) {
      result = std::unexpected(n.error());
      break;
    }
    const bool last = *n == 0;
    if (XML_ParseBuffer(parser, static_cast<int>(*n), last) ==
        XML_STATUS_ERROR) {
      if (!reader.abort_message_.empty()) {
        result = Fail(ErrorCode::kParse, reader.abort_message_);
      } else {
        result = Fail(ErrorCode::kParse,
                      reader.file_ + " line " +
                          std::to_string(XML_GetCurrentLineNumber(parser)) +
                          " column " +
                          std::to_string(XML_GetCurrentColumnNumber(parser)) +
                          ": malformed XML: " +
                          XML_ErrorString(XML_GetErrorCode(parser)));
      }
      break;
    }
    if (options.progress &&
        ((*input)->consumed() - last_report > (1 << 20) || last)) {
      last_report = (*input)->consumed();
      options.progress(last_report, (*input)->file_size());
    }
    if (last) break;
  }
  XML_ParserFree(parser);
  return result;
}

}  // namespace clearance::lists::internal
