#define CAF_SUITE persistence.store_uri

#include <sys/wait.h>
#include <unistd.h>

#include "caf/test/unit_test.hpp"

#include "config/error.hpp"
#include "persistence/file_lock.hpp"
#include "persistence/store_uri.hpp"

#include "tests/temp_dir.hpp"

using namespace actodo;
using namespace actodo::persistence;

CAF_TEST(the default store is the SQLite file in the data directory) {
  auto uri = parse_store_uri("", "/var/lib/actodo");
  CAF_REQUIRE(uri);
  CAF_CHECK(uri->kind == store_uri::backend::sqlite);
  CAF_CHECK_EQUAL(uri->path, "/var/lib/actodo/actodo.db");
  CAF_CHECK_EQUAL(uri->display, "sqlite:/var/lib/actodo/actodo.db");
  auto file = parse_store_uri("sqlite:/tmp/x.db", "ignored");
  CAF_REQUIRE(file);
  CAF_CHECK_EQUAL(file->path, "/tmp/x.db");
}

CAF_TEST(a postgresql URI is shown without its password) {
  for (auto text : {"postgresql://app:s3cret@db.example:6543/todos",
                    "postgres://app:s3cret@db.example:6543/todos"}) {
    auto uri = parse_store_uri(text, "d");
    CAF_REQUIRE(uri);
    CAF_CHECK(uri->kind == store_uri::backend::postgresql);
    CAF_CHECK_EQUAL(uri->conninfo, text);
    CAF_CHECK_EQUAL(uri->display, "postgresql://app@db.example:6543/todos");
  }
  auto bare = parse_store_uri("postgresql://localhost/todos", "d");
  CAF_REQUIRE(bare);
  CAF_CHECK_EQUAL(bare->display, "postgresql://localhost/todos");
}

CAF_TEST(a bad store names the option and never echoes a password) {
  for (auto text : {"mysql://x", "sqlite:", "/plain/path",
                    "postgresql://app:s3cret@host:notaport/db?bogus=1"}) {
    auto uri = parse_store_uri(text, "d");
    CAF_REQUIRE(!uri);
    CAF_CHECK_EQUAL(uri.error(), ec::invalid_field);
    CAF_CHECK_EQUAL(error_field(uri.error()), "store");
    auto msg = describe(uri.error());
    CAF_CHECK(msg.find("--store") != std::string::npos);
    CAF_CHECK(msg.find("s3cret") == std::string::npos);
  }
}

CAF_TEST(a lock held by another process names its PID) {
  test::temp_dir tmp;
  auto path = tmp.path + "/actodo.lock";
  int ready[2];
  CAF_REQUIRE_EQUAL(::pipe(ready), 0);
  auto child = ::fork();
  CAF_REQUIRE(child >= 0);
  if (child == 0) {
    // The other process: takes the lock, says so, and waits to be killed.
    auto lock = file_lock::acquire(path);
    char ok = lock ? '1' : '0';
    static_cast<void>(::write(ready[1], &ok, 1));
    ::pause();
    ::_exit(0);
  }
  char ok = 0;
  CAF_REQUIRE_EQUAL(::read(ready[0], &ok, 1), 1);
  CAF_REQUIRE_EQUAL(ok, '1');
  auto second = file_lock::acquire(path);
  CAF_REQUIRE(!second);
  CAF_CHECK_EQUAL(second.error(), ec::conflict);
  CAF_CHECK(describe(second.error()).find("PID " + std::to_string(child))
            != std::string::npos);
  // The holder dies (however it dies): the lock is free again.
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  ::close(ready[0]);
  ::close(ready[1]);
  auto third = file_lock::acquire(path);
  CAF_CHECK(third);
}
