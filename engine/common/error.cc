#include "engine/common/error.h"

namespace clearance {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kAlreadyExists:
      return "already_exists";
    case ErrorCode::kParse:
      return "parse";
    case ErrorCode::kUnsupportedFormat:
      return "unsupported_format";
    case ErrorCode::kIo:
      return "io";
    case ErrorCode::kDatabase:
      return "database";
    case ErrorCode::kNetwork:
      return "network";
    case ErrorCode::kIntegrity:
      return "integrity";
    case ErrorCode::kFailedPrecondition:
      return "failed_precondition";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "unknown";
}

Error Error::WithContext(std::string_view context) const {
  std::string message(context);
  message += ": ";
  message += message_;
  return Error(code_, std::move(message));
}

std::string Error::ToString() const {
  std::string out(ErrorCodeName(code_));
  out += ": ";
  out += message_;
  return out;
}

}  // namespace clearance
