#include "actors/domain/notification.hpp"

#include "actors/domain/json_fields.hpp"

namespace actodo::actors::domain {

bool operator==(const notification& x, const notification& y) {
  return x.id == y.id && x.kind == y.kind && x.created_at == y.created_at
         && x.subject == y.subject && x.title == y.title && x.data == y.data;
}

nlohmann::json to_json(const notification& x) {
  auto data = nlohmann::json::parse(x.data, nullptr, false);
  if (!data.is_object())
    data = nlohmann::json::object();
  return nlohmann::json{
    {"id", x.id},           {"kind", x.kind},   {"created_at", x.created_at},
    {"subject", x.subject}, {"title", x.title}, {"data", std::move(data)}};
}

notification notification_from_json(const nlohmann::json& obj) {
  notification x;
  x.id = integer_at(obj, "id");
  x.kind = obj.at("kind").get<std::string>();
  x.created_at = obj.at("created_at").get<std::string>();
  x.subject = obj.at("subject").get<std::string>();
  x.title = obj.at("title").get<std::string>();
  x.data = obj.at("data").dump();
  return x;
}

} // namespace actodo::actors::domain
