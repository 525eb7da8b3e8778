#include "testing/test_support.h"

#include <unistd.h>

namespace moebius {

void PrintTo(const Status& status, std::ostream* os) { *os << status.ToString(); }
void PrintTo(StatusCode code, std::ostream* os) { *os << StatusCodeName(code); }

namespace testing {

TempDir::TempDir() {
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = info ? std::string(info->test_suite_name()) + "-" + info->name() : "test";
  for (char& c : name)
    if (c == '/') c = '_';
  path_ = std::filesystem::temp_directory_path() / ("moebius-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace testing
}  // namespace moebius
