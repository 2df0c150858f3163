#include "io/codec/export_codec.hpp"

#include <nlohmann/json.hpp>

#include "actors/domain/time.hpp"

namespace actodo::io::codec {

namespace {

using actors::domain::format_rfc3339_ms;
using actors::domain::todo;

std::string dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

/// `[todo, ...]`: every todo exactly as the API renders it.
class json_exporter : public todo_exporter {
 public:
  std::string begin() override {
    return "[";
  }

  std::string page(const std::vector<todo>& todos) override {
    std::string out;
    for (auto& t : todos) {
      if (!first_)
        out += ',';
      first_ = false;
      out += '\n';
      actors::domain::append_json(out, t);
      // The todo as the API renders it plus `project`, its project's name.
      out.pop_back();
      out += R"(,"project":)";
      auto i = names_.find(t.project_id.str());
      out += i == names_.end() ? "null" : dump(i->second);
      out += '}';
    }
    return out;
  }

  void name_projects(std::map<std::string, std::string> names) override {
    names_ = std::move(names);
  }

  std::string end() override {
    return first_ ? "]\n" : "\n]\n";
  }

  std::string_view media_type() const override {
    return "application/json";
  }

  std::string_view extension() const override {
    return "json";
  }

 private:
  bool first_ = true;
  std::map<std::string, std::string> names_;
};

/// A header row, then one row per todo (RFC 4180, CRLF); `tags` joined
/// with `,` inside its field (a JSON array when a tag holds a comma),
/// `reminders` and `recurrence` as their JSON text, empty when none.
class csv_exporter : public todo_exporter {
 public:
  std::string begin() override {
    std::string out;
    for (auto& c : csv_columns()) {
      if (!out.empty())
        out += ',';
      out += c;
    }
    return out + "\r\n";
  }

  std::string page(const std::vector<todo>& todos) override {
    std::string out;
    for (auto& t : todos) {
      auto j = actors::domain::to_json(t);
      // Tags joined by commas, or as a JSON array when one holds a comma
      // or starts like one (the import reads both).
      std::string tags;
      for (auto& tag : t.tags) {
        if (tag.view().find(',') != std::string::npos || tag.front() == '[') {
          tags = dump(j["tags"]);
          break;
        }
        tags += (tags.empty() ? "" : ",") + tag;
      }
      std::string order = dump(j["order"]);
      std::vector<std::string> row{
        t.id.str(),
        t.title.str(),
        t.notes.str(),
        t.completed ? "true" : "false",
        t.completed_ms ? format_rfc3339_ms(*t.completed_ms) : std::string{},
        std::string{actors::domain::to_string(t.prio)},
        tags,
        t.due.str(),
        t.time_zone.str(),
        order,
        format_rfc3339_ms(t.created_ms),
        format_rfc3339_ms(t.updated_ms),
        t.reminders.empty() ? std::string{} : dump(j["reminders"]),
        t.recur ? dump(j["recurrence"]) : std::string{},
        t.archived ? "true" : "false",
        project_name(t.project_id),
        t.parent_id.str(),
      };
      for (size_t i = 0; i < row.size(); ++i) {
        if (i > 0)
          out += ',';
        out += csv_field(row[i]);
      }
      out += "\r\n";
    }
    return out;
  }

  std::string end() override {
    return {};
  }

  void name_projects(std::map<std::string, std::string> names) override {
    names_ = std::move(names);
  }

  std::string_view media_type() const override {
    return "text/csv";
  }

 private:
  std::string project_name(std::string_view id) const {
    auto i = names_.find(std::string{id});
    return i == names_.end() ? std::string{} : i->second;
  }

  std::map<std::string, std::string> names_;

  std::string_view extension() const override {
    return "csv";
  }
};

} // namespace

const std::vector<std::string_view>& csv_columns() {
  static const std::vector<std::string_view> columns{
    "id",         "title",      "notes",     "completed",  "completed_at",
    "priority",   "tags",       "due",       "time_zone",  "order",
    "created_at", "updated_at", "reminders", "recurrence", "archived",
    "project",    "parent_id"};
  return columns;
}

std::string csv_field(std::string_view x) {
  if (x.find_first_of(",\"\r\n") == std::string_view::npos)
    return std::string{x};
  std::string out = "\"";
  for (auto c : x) {
    if (c == '"')
      out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::unique_ptr<todo_exporter> make_exporter(std::string_view format) {
  if (format == "json")
    return std::make_unique<json_exporter>();
  if (format == "csv")
    return std::make_unique<csv_exporter>();
  if (format == "ics")
    return make_ics_exporter();
  return nullptr;
}

} // namespace actodo::io::codec
