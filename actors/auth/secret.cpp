#include "actors/auth/secret.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

#include "actors/auth/crypto.hpp"

namespace actodo::actors::auth {

namespace {

std::string read_first_line(const std::string& path, std::string& error) {
  std::ifstream in{path};
  std::string line;
  if (!in || !std::getline(in, line)) {
    error = "cannot read the secret from " + path;
    return {};
  }
  if (line.size() < 32) {
    error = "the secret in " + path + " is shorter than 32 bytes";
    return {};
  }
  return line;
}

} // namespace

std::string load_secret(const std::string& configured, const std::string& file,
                        const std::string& data_dir, std::string& error,
                        const std::string& name) {
  if (!configured.empty())
    return configured;
  if (!file.empty())
    return read_first_line(file, error);
  auto path = data_dir + "/" + name;
  auto fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) {
    if (errno == EEXIST) {
      // Ours, in the data directory: private whatever made it.
      ::chmod(path.c_str(), 0600);
      return read_first_line(path, error);
    }
    error = "cannot create " + path + ": " + std::strerror(errno);
    return {};
  }
  auto secret = random_token(32) + "\n";
  auto ok = ::write(fd, secret.data(), secret.size())
              == static_cast<ssize_t>(secret.size())
            && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) {
    ::unlink(path.c_str());
    error = "cannot write " + path;
    return {};
  }
  secret.pop_back();
  return secret;
}

} // namespace actodo::actors::auth
