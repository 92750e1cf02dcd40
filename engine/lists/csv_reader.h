// Internal: a streaming RFC 4180 reader for the CSV and tab-separated list
// files. Handles quoted fields with embedded separators, doubled quotes and
// line breaks, CRLF, a UTF-8 BOM and OFAC's trailing 0x1A (SUB) byte.
// Records carry the line number they started on, for error messages.
#ifndef CLEARANCE_ENGINE_LISTS_CSV_READER_H_
#define CLEARANCE_ENGINE_LISTS_CSV_READER_H_

#include <memory>
#include <string>
#include <vector>

#include "engine/common/error.h"
#include "engine/lists/input.h"

namespace clearance::lists::internal {

struct CsvRecord {
  long line = 0;  // 1-based line where the record starts
  std::vector<std::string> fields;
};

class CsvReader {
 public:
  // Reads from `input` (owned). `separator` is ',' or '\t'.
  CsvReader(std::unique_ptr<InputStream> input, char separator = ',');

  // Opens `path` (any wrapper InputStream accepts).
  static Result<std::unique_ptr<CsvReader>> Open(const std::string& path,
                                                 char separator = ',');

  // Reads the next record into `record`. Returns false at the end of input.
  // Fails (kParse, naming file and line) on an unterminated quoted field or
  // a quote in the middle of an unquoted field.
  Result<bool> Next(CsvRecord& record);

  const std::string& name() const { return input_->display_name(); }
  const InputStream& input() const { return *input_; }

 private:
  Result<bool> Fill();  // refills buffer_; false at end of input

  std::unique_ptr<InputStream> input_;
  char separator_;
  std::string buffer_;
  size_t pos_ = 0;
  bool eof_ = false;
  bool started_ = false;
  long line_ = 1;
};

}  // namespace clearance::lists::internal

#endif  // CLEARANCE_ENGINE_LISTS_CSV_READER_H_
