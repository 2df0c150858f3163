#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

namespace actodo::test {

/// A fresh temporary directory, removed with everything in it at the end of
/// the test.
struct temp_dir {
  temp_dir() {
    auto tmpl = (std::filesystem::temp_directory_path() / "actodo-test-XXXXXX")
                  .string();
    path = ::mkdtemp(tmpl.data());
  }

  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }

  std::string path;
};

} // namespace actodo::test
