// Errors as values for every module boundary of the engine.
//
// A function that can fail returns `Result<T>` (std::expected<T, Error>).
// The Error carries the most specific `ErrorCode` available and a message a
// user can act on: it names the file, line or field and what was expected,
// e.g. "sdn_advanced.xml line 48213: DistinctParty without FixedRef".
// "No match" and "nothing to do" are results, never errors.
//
// Thread safety: plain value types; safe to copy across threads.
#ifndef CLEARANCE_ENGINE_COMMON_ERROR_H_
#define CLEARANCE_ENGINE_COMMON_ERROR_H_

#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace clearance {

enum class ErrorCode {
  kInvalidArgument,     // the caller passed something malformed
  kNotFound,            // a named file, party, version or record does not exist
  kAlreadyExists,       // a unique thing was added twice
  kParse,               // input file content is malformed
  kUnsupportedFormat,   // input is well-formed but of a format we do not read
  kIo,                  // reading or writing a file failed
  kDatabase,            // SQLite reported an error
  kNetwork,             // a download failed (connect, timeout, HTTP status)
  kIntegrity,           // checksum, hash chain or signature mismatch
  kFailedPrecondition,  // the operation is not valid in the current state
  kInternal,            // a bug: an invariant did not hold
};

// Returns a stable lower-case name, e.g. "parse" for kParse.
std::string_view ErrorCodeName(ErrorCode code);

class Error {
 public:
  Error(ErrorCode code, std::string message)
      : code_(code), message_(std::move(message)) {}

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is "<context>: <message>", to add the
  // file or operation name as an error travels outwards.
  Error WithContext(std::string_view context) const;

  // "parse: sdn.csv line 4: expected 12 fields, found 11"
  std::string ToString() const;

 private:
  ErrorCode code_;
  std::string message_;
};

template <typename T>
using Result = std::expected<T, Error>;

// Shorthand for `return std::unexpected(Error(code, message))`.
inline std::unexpected<Error> Fail(ErrorCode code, std::string message) {
  return std::unexpected<Error>(Error(code, std::move(message)));
}

// A Result<void> that succeeded.
inline Result<void> Ok() { return {}; }

}  // namespace clearance

#endif  // CLEARANCE_ENGINE_COMMON_ERROR_H_
