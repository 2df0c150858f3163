#define CAF_SUITE certificates

#include <fstream>
#include <sys/stat.h>

#include "caf/test/unit_test.hpp"

#include "config/certificates.hpp"

#include "tests/temp_dir.hpp"

namespace {

mode_t mode_of(const std::string& path) {
  struct stat st {};
  CAF_REQUIRE_EQUAL(::stat(path.c_str(), &st), 0);
  return st.st_mode & 07777;
}

void copy(const std::string& from, const std::string& to) {
  std::ifstream in{from, std::ios::binary};
  std::ofstream out{to, std::ios::binary};
  out << in.rdbuf();
}

} // namespace

CAF_TEST(generated files are private and form a valid set) {
  actodo::test::temp_dir tmp;
  auto dir = tmp.path + "/tls";
  auto old = ::umask(0);
  auto files = actodo::config::ensure_certificates(dir);
  ::umask(old);
  CAF_REQUIRE(files);
  CAF_CHECK_EQUAL(mode_of(dir), 0700u);
  for (auto name : {"ca.pem", "ca.key", "node.pem", "node.key"})
    CAF_CHECK_EQUAL(mode_of(dir + "/" + name), 0600u);
  CAF_CHECK(!actodo::config::check_certificates(*files));
  // A second call reuses the set.
  std::ifstream before{files->ca};
  std::string ca{std::istreambuf_iterator<char>{before}, {}};
  auto again = actodo::config::ensure_certificates(dir);
  CAF_REQUIRE(again);
  std::ifstream after{again->ca};
  CAF_CHECK_EQUAL(ca, std::string(std::istreambuf_iterator<char>{after}, {}));
  // Never overwritten.
  CAF_CHECK(actodo::config::generate_certificates(dir));
}

CAF_TEST(a certificate of another CA or a foreign key is refused) {
  actodo::test::temp_dir tmp;
  auto a = actodo::config::ensure_certificates(tmp.path + "/a");
  auto b = actodo::config::ensure_certificates(tmp.path + "/b");
  CAF_REQUIRE(a && b);
  auto mixed = *a;
  mixed.ca = b->ca;
  CAF_CHECK(actodo::config::check_certificates(mixed));
  mixed = *a;
  mixed.key = b->key;
  CAF_CHECK(actodo::config::check_certificates(mixed));
  mixed = *a;
  mixed.certificate = tmp.path + "/missing.pem";
  CAF_CHECK(actodo::config::check_certificates(mixed));
}

CAF_TEST(an incomplete or readable set stops the node) {
  actodo::test::temp_dir tmp;
  auto dir = tmp.path + "/tls";
  auto files = actodo::config::ensure_certificates(dir);
  CAF_REQUIRE(files);
  CAF_REQUIRE_EQUAL(::chmod(files->key.c_str(), 0640), 0);
  CAF_CHECK(!actodo::config::ensure_certificates(dir));
  CAF_REQUIRE_EQUAL(::chmod(files->key.c_str(), 0600), 0);
  CAF_CHECK(actodo::config::ensure_certificates(dir));
  auto other = tmp.path + "/other";
  CAF_REQUIRE_EQUAL(::mkdir(other.c_str(), 0700), 0);
  copy(files->ca, other + "/ca.pem");
  CAF_CHECK(!actodo::config::ensure_certificates(other));
}
