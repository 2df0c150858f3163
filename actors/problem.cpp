#include "actors/problem.hpp"

#include <nlohmann/json.hpp>

namespace actodo::actors {

std::string_view status_title(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 421: return "Misdirected Request";
    case 422: return "Unprocessable Content";
    case 426: return "Upgrade Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Error";
  }
}

std::string make_problem(int status, std::string_view detail,
                         std::string_view field) {
  nlohmann::json doc{{"type", "about:blank"},
                     {"title", status_title(status)},
                     {"status", status},
                     {"detail", detail}};
  if (!field.empty())
    doc["field"] = field;
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace actodo::actors
