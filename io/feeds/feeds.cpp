#include "io/feeds/feeds.hpp"

#include <cctype>

#include "actors/apply.hpp"
#include "actors/auth/crypto.hpp"
#include "actors/domain/time.hpp"
#include "config/error.hpp"

namespace actodo::io::feeds {

namespace {

constexpr size_t token_bytes = 32;
constexpr size_t max_description = 200;

} // namespace

std::string make_token() {
  return actors::auth::random_token(token_bytes);
}

bool token_shaped(std::string_view x) {
  if (x.size() != (token_bytes * 4 + 2) / 3)
    return false;
  for (auto c : x)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_')
      return false;
  return true;
}

actors::feeds_actor::behavior_type
feeds(actors::feeds_actor::stateful_pointer<feeds_state> self,
      std::shared_ptr<persistence::feed_store> store, feeds_settings cfg) {
  self->state.store = std::move(store);
  self->state.settings = cfg;
  return {
    [self](
      atom::create, const std::string& user,
      const std::string& description) -> caf::result<actors::feed_created> {
      if (description.size() > max_description)
        return make_field_error(ec::invalid_field, "description",
                                "must be at most "
                                  + std::to_string(max_description) + " bytes");
      actors::feed_created out;
      out.token = make_token();
      out.feed.id = actors::new_id("feed_");
      out.feed.user_id = user;
      out.feed.token_hash = actors::auth::sha256_hex(out.token);
      out.feed.description = description;
      out.feed.created_ms = actors::domain::now_ms();
      auto& st = self->state;
      if (auto err = st.store->create_feed(out.feed, st.settings.max_per_user))
        return err;
      return out;
    },
    [self](atom::list, const std::string& user)
      -> caf::result<std::vector<persistence::feed_record>> {
      auto xs = self->state.store->list_feeds(user);
      if (!xs)
        return std::move(xs.error());
      return std::move(*xs);
    },
    [self](atom::remove, const std::string& user,
           const std::string& id) -> caf::result<bool> {
      if (auto err = self->state.store->delete_feed(user, id)) {
        if (err == ec::not_found)
          return make_field_error(ec::not_found, "id", "no feed with id " + id);
        return err;
      }
      return true;
    },
    [self](atom::find, const std::string& token) -> caf::result<std::string> {
      auto none = [] {
        return make_field_error(ec::not_found, "", "no such feed");
      };
      if (!token_shaped(token))
        return none();
      auto feed = self->state.store->find_feed(actors::auth::sha256_hex(token));
      if (!feed)
        return std::move(feed.error());
      if (!*feed)
        return none();
      return (*feed)->user_id;
    },
  };
}

} // namespace actodo::io::feeds
