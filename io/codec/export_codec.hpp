#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "actors/domain/todo.hpp"

namespace actodo::io::codec {

/// Writes a user's todos in one export format, a page at a time, so an
/// export of any size is streamed (`GET /api/v1/export`): `begin`, then
/// `page` for every page in order, then `end`. Each returns text to send.
class todo_exporter {
 public:
  virtual ~todo_exporter() = default;

  /// The user's project names by id, before `begin`: the JSON export
  /// renders each todo's `project` (its name); the other formats have no
  /// place for it.
  virtual void name_projects(std::map<std::string, std::string> names) {
    static_cast<void>(names);
  }

  virtual std::string begin() = 0;
  virtual std::string page(const std::vector<actors::domain::todo>& todos) = 0;
  virtual std::string end() = 0;

  /// The media type of the whole (`application/json`, `text/csv`,
  /// `text/calendar`).
  virtual std::string_view media_type() const = 0;
  /// The file name extension (`json`, `csv`, `ics`).
  virtual std::string_view extension() const = 0;
};

/// An exporter for `format` (`json`, `csv` or `ics`); null for others.
std::unique_ptr<todo_exporter> make_exporter(std::string_view format);

/// The CSV columns, in order (docs/api.md, "Export").
const std::vector<std::string_view>& csv_columns();

/// One CSV field as RFC 4180 writes it: quoted when it holds a comma,
/// quote, CR or LF (quotes doubled), as is otherwise.
std::string csv_field(std::string_view x);

/// The iCalendar exporter (ics_export.cpp, libical).
std::unique_ptr<todo_exporter> make_ics_exporter();

} // namespace actodo::io::codec
