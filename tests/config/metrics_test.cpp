#define CAF_SUITE config.metrics

#include <stdexcept>
#include <string>

#include "caf/test/unit_test.hpp"

#include "config/metrics.hpp"
#include "config/process_metrics.hpp"

using namespace actodo::config;

// Plain C++: the registry and its families, no actor system.

namespace {

/// Whether `f()` throws `std::logic_error` (a programming error).
template<class F>
bool refuses(F f) {
  try {
    f();
  } catch (const std::logic_error&) {
    return true;
  }
  return false;
}

} // namespace

CAF_TEST(families render in registration order with HELP and TYPE) {
  registry reg;
  auto& b = reg.add_counter("b_total", "Second letter.");
  auto& a = reg.add_gauge("a", "First letter.");
  b.add(3);
  a.set(-2);
  CAF_CHECK_EQUAL(reg.render(), "# HELP b_total Second letter.\n"
                                "# TYPE b_total counter\n"
                                "b_total 3\n"
                                "# HELP a First letter.\n"
                                "# TYPE a gauge\n"
                                "a -2\n");
}

CAF_TEST(labelled series render in the order they first appeared) {
  registry reg;
  auto& f = reg.add("req_total", "Requests.", metric_type::counter);
  CAF_CHECK_EQUAL(reg.render(), "# HELP req_total Requests.\n"
                                "# TYPE req_total counter\n");
  f.at(label("code", "404")).add();
  f.at(label("code", "200")).add(2);
  f.at(label("code", "404")).add();
  CAF_CHECK_EQUAL(&f.at(label("code", "200")), &f.at(label("code", "200")));
  CAF_CHECK_EQUAL(reg.render(), "# HELP req_total Requests.\n"
                                "# TYPE req_total counter\n"
                                "req_total{code=\"404\"} 2\n"
                                "req_total{code=\"200\"} 2\n");
}

CAF_TEST(histograms render cumulative buckets sum and count) {
  registry reg;
  auto& unlabelled = reg.add_histogram("size", "Sizes.", {1, 2.5});
  unlabelled.observe(1);
  unlabelled.observe(2);
  unlabelled.observe(7);
  auto& f = reg.add("secs", "Seconds.", metric_type::histogram, {0.5});
  f.histogram_at(label("route", "/x")).observe(0.25);
  CAF_CHECK_EQUAL(reg.render(), "# HELP size Sizes.\n"
                                "# TYPE size histogram\n"
                                "size_bucket{le=\"1\"} 1\n"
                                "size_bucket{le=\"2.5\"} 2\n"
                                "size_bucket{le=\"+Inf\"} 3\n"
                                "size_sum 10\n"
                                "size_count 3\n"
                                "# HELP secs Seconds.\n"
                                "# TYPE secs histogram\n"
                                "secs_bucket{route=\"/x\",le=\"0.5\"} 1\n"
                                "secs_bucket{route=\"/x\",le=\"+Inf\"} 1\n"
                                "secs_sum{route=\"/x\"} 0.25\n"
                                "secs_count{route=\"/x\"} 1\n");
  auto s = unlabelled.snapshot();
  CAF_CHECK_EQUAL(s.count, 3u);
  CAF_CHECK_EQUAL(s.sum, 10.0);
  CAF_CHECK_EQUAL(s.p99, 2.5); // +Inf reports the highest bound
}

CAF_TEST(a family can show a series of another one) {
  registry reg;
  auto& sessions = reg.add_gauge("sessions", "Open sessions.");
  auto& live = reg.add("live", "Live by kind.", metric_type::gauge);
  live.at(label("kind", "list")).set(4);
  live.show(label("kind", "session"), sessions);
  sessions.set(7);
  CAF_CHECK_EQUAL(reg.render(), "# HELP sessions Open sessions.\n"
                                "# TYPE sessions gauge\n"
                                "sessions 7\n"
                                "# HELP live Live by kind.\n"
                                "# TYPE live gauge\n"
                                "live{kind=\"list\"} 4\n"
                                "live{kind=\"session\"} 7\n");
  // A shown series belongs to its own family: it cannot be updated here.
  CAF_CHECK(refuses([&] { live.at(label("kind", "session")); }));
}

CAF_TEST(sampled values are computed on every rendering) {
  registry reg;
  int calls = 0;
  reg.add("up", "Renderings.", metric_type::counter).sample([&calls] {
    return std::to_string(++calls);
  });
  CAF_CHECK_EQUAL(reg.render(), "# HELP up Renderings.\n"
                                "# TYPE up counter\n"
                                "up 1\n");
  CAF_CHECK(reg.render().find("up 2\n") != std::string::npos);
}

CAF_TEST(label values are escaped) {
  CAF_CHECK_EQUAL(label("route", "/a"), "route=\"/a\"");
  CAF_CHECK_EQUAL(label("v", "a\"b\\c\nd"), "v=\"a\\\"b\\\\c\\nd\"");
}

CAF_TEST(misuse is refused) {
  registry reg;
  reg.add_counter("x_total", "X.");
  CAF_CHECK(refuses([&] { reg.add_gauge("x_total", "Again."); }));
  auto& h = reg.add("h", "H.", metric_type::histogram, {1});
  CAF_CHECK(refuses([&] { h.at(); }));
  auto& g = reg.add("g", "G.", metric_type::gauge);
  CAF_CHECK(refuses([&] { g.histogram_at(); }));
}

CAF_TEST(process metrics come last and are positive) {
  registry reg;
  reg.add_counter("first_total", "First.");
  add_process_metrics(reg);
  auto text = reg.render();
  auto rss = text.find("\nprocess_resident_memory_bytes ");
  auto cpu = text.find("\nprocess_cpu_seconds_total ");
  CAF_REQUIRE(rss != std::string::npos);
  CAF_REQUIRE(cpu != std::string::npos);
  CAF_CHECK_LESS(text.find("first_total"), rss);
  CAF_CHECK_LESS(rss, cpu);
  auto value = [&](size_t at) {
    auto from = text.find(' ', at + 1) + 1;
    return std::stod(text.substr(from, text.find('\n', from) - from));
  };
  CAF_CHECK_GREATER(value(rss), 0.0);
  CAF_CHECK_GREATER_OR_EQUAL(value(cpu), 0.0);
  CAF_CHECK(text.find("# TYPE process_cpu_seconds_total counter\n")
            != std::string::npos);
}
