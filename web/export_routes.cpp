// GET /api/v1/export: a user's todos as JSON, CSV or iCalendar, streamed;
// GET /feeds/{token}.ics: the same iCalendar for a feed's token.
#include <exception>
#include <iostream>

#include "config/error.hpp"
#include "io/codec/export_codec.hpp"
#include "web/outcome_codec.hpp"
#include "web/router.hpp"

namespace actodo::web {

namespace {

/// Pages through the user's todos (oldest first, 500 at a time) and hands
/// each page to the exporter; one page in memory at a time.
class export_stream : public body_stream,
                      public std::enable_shared_from_this<export_stream> {
 public:
  export_stream(actors::gateway& gate, std::string user,
                std::unique_ptr<io::codec::todo_exporter> out,
                bool with_archived)
    : gate_(gate), user_(std::move(user)), out_(std::move(out)) {
    query_.limit = actors::domain::max_query_limit;
    if (with_archived)
      query_.archived.reset();
  }

  void next(piece_callback done) override {
    switch (state_) {
      case state::begin: return start(std::move(done));
      case state::pages: return fetch(std::move(done));
      case state::end: {
        state_ = state::done;
        auto tail = out_->end();
        if (!tail.empty())
          return done(true, std::move(tail));
        return done(true, {});
      }
      case state::done: return done(true, {});
    }
  }

 private:
  enum class state { begin, pages, end, done };

  /// Names the projects for the exporter, then begins.
  void start(piece_callback done) {
    auto self = shared_from_this();
    gate_.profile(user_,
                  [self, done](caf::expected<actors::user_profile> xs) mutable {
                    if (!xs)
                      return done(false, {});
                    std::map<std::string, std::string> names;
                    for (auto& x : xs->projects)
                      names.emplace(x.id, x.name);
                    self->out_->name_projects(std::move(names));
                    self->state_ = state::pages;
                    done(true, self->out_->begin());
                  });
  }

  void fetch(piece_callback done) {
    auto self = shared_from_this();
    gate_.list(user_, query_,
               [self, done](caf::expected<actors::todo_page> page) mutable {
                 if (!page)
                   return done(false, {});
                 self->query_.after = page->next;
                 if (!page->next)
                   self->state_ = state::end;
                 std::string text;
                 try {
                   text = self->out_->page(page->items);
                 } catch (const std::exception& ex) {
                   // Runs on a gateway worker: nothing may escape.
                   std::cerr << "actodo: export: " << ex.what() << '\n';
                   return done(false, {});
                 }
                 if (text.empty())
                   return self->next(std::move(done));
                 done(true, std::move(text));
               });
  }

  actors::gateway& gate_;
  std::string user_;
  std::unique_ptr<io::codec::todo_exporter> out_;
  actors::domain::query query_;
  state state_ = state::begin;
};

} // namespace

void router::export_todos(const http_request& req, const path_params&,
                          responder& done) {
  std::string format = "json";
  for (auto& [key, value] : req.query) {
    if (key != "format")
      return done(problem(400, "unknown parameter", key));
    format = value;
  }
  auto out = io::codec::make_exporter(format);
  if (!out)
    return done(problem(400, "must be ics, json or csv", "format"));
  // An export is a backup: archived todos belong to it.
  done(export_response(req.user, std::move(out), true));
}

void router::serve_feed(const http_request& req, const path_params& p,
                        responder& done) {
  if (!feeds_on(done))
    return;
  static constexpr std::string_view suffix = ".ics";
  auto& file = p[0];
  // Unknown, revoked and malformed tokens get the same answer.
  auto none = [] { return problem(404, "no such feed"); };
  if (file.size() <= suffix.size()
      || file.compare(file.size() - suffix.size(), suffix.size(), suffix) != 0)
    return done(none());
  if (!req.query.empty())
    return done(problem(400, "unknown parameter", req.query.front().first));
  auto token = file.substr(0, file.size() - suffix.size());
  feeds_->owner(token, [this, done, none](caf::expected<std::string> user) {
    if (!user)
      return done(user.error() == ec::not_found ? none()
                                                : response_of(user.error()));
    // A calendar shows what is current: no archived todos.
    auto res = export_response(*user, io::codec::make_exporter("ics"), false);
    // A calendar app subscribes to it: inline, not an attachment.
    res.headers.clear();
    res.headers.emplace_back("Cache-Control", "private, no-cache");
    done(std::move(res));
  });
}

http_response
router::export_response(const std::string& user,
                        std::unique_ptr<io::codec::todo_exporter> out,
                        bool with_archived) {
  http_response res;
  res.content_type = std::string{out->media_type()} + "; charset=utf-8";
  res.headers.emplace_back("Content-Disposition",
                           "attachment; filename=\"actodo-todos."
                             + std::string{out->extension()} + "\"");
  res.headers.emplace_back("Cache-Control", "no-store");
  res.stream = std::make_shared<export_stream>(gate_, user, std::move(out),
                                               with_archived);
  return res;
}

} // namespace actodo::web
