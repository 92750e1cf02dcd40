#include "engine/lists/csv_reader.h"

namespace clearance::lists::internal {

CsvReader::CsvReader(std::unique_ptr<InputStream> input, char separator)
    : input_(std::move(input)), separator_(separator) {}

Result<std::unique_ptr<CsvReader>> CsvReader::Open(const std::string& path,
                                                   char separator) {
  auto input = InputStream::Open(path);
  if (!input) return std::unexpected(input.error());
  return std::make_unique<CsvReader>(std::move(*input), separator);
}

Result<bool> CsvReader::Fill() {
  if (eof_) return false;
  buffer_.erase(0, pos_);
  pos_ = 0;
  const size_t old_size = buffer_.size();
  buffer_.resize(old_size + (1 << 16));
  auto n = input_->Read(buffer_.data() + old_size, 1 << 16);
  if (!n) return std::unexpected(n.error());
  buffer_.resize(old_size + *n);
  if (*n == 0) eof_ = true;
  if (!started_ && buffer_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
  started_ = true;
  return *n > 0;
}

Result<bool> CsvReader::Next(CsvRecord& record) {
  record.fields.clear();
  record.line = line_;
  // Peek: skip blank lines and the trailing SUB byte.
  for (;;) {
    if (pos_ >= buffer_.size()) {
      auto more = Fill();
      if (!more) return std::unexpected(more.error());
      if (pos_ >= buffer_.size()) return false;
    }
    const char c = buffer_[pos_];
    if (c == '\x1a' || c == '\r') {
      ++pos_;
    } else if (c == '\n') {
      ++pos_;
      ++line_;
    } else {
      break;
    }
  }
  record.line = line_;
  std::string field;
  bool quoted = false;      // inside quotes
  bool was_quoted = false;  // the current field began with a quote
  for (;;) {
    if (pos_ >= buffer_.size()) {
      auto more = Fill();
      if (!more) return std::unexpected(more.error());
      if (pos_ >= buffer_.size()) {  // end of input
        if (quoted) {
          return Fail(ErrorCode::kParse,
                      name() + " line " + std::to_string(record.line) +
                          ": quoted field not closed before end of file");
        }
        record.fields.push_back(std::move(field));
        return true;
      }
    }
    const char c = buffer_[pos_++];
    if (quoted) {
      if (c == '"') {
        if (pos_ >= buffer_.size()) {
          auto more = Fill();
          if (!more) return std::unexpected(more.error());
        }
        if (pos_ < buffer_.size() && buffer_[pos_] == '"') {
          field.push_back('"');
          ++pos_;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line_;
        field.push_back(c);
      }
      continue;
    }
    if (c == separator_) {
      record.fields.push_back(std::move(field));
      field.clear();
      was_quoted = false;
    } else if (c == '\n') {
      ++line_;
      record.fields.push_back(std::move(field));
      return true;
    } else if (c == '\r' || c == '\x1a') {
      // CR of CRLF; SUB at the very end of OFAC files.
    } else if (c == '"') {
      if (!field.empty() && !was_quoted) {
        // OFAC writes `-0- ` and quotes only whole fields; a lone quote
        // inside an unquoted field is kept literally, as spreadsheets do.
        field.push_back(c);
      } else {
        quoted = true;
        was_quoted = true;
      }
    } else {
      field.push_back(c);
    }
  }
}

}  // namespace clearance::lists::internal
