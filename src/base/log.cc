#include "base/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace moebius::log {
namespace {
spdlog::logger& Logger() {
  // stderr, so stdout stays for the machine-read "listening on" line and CLI output.
  static auto logger = spdlog::stderr_logger_mt("moebius");
  return *logger;
}
}  // namespace

void Info(const std::string& msg) { Logger().info(msg); }
void Warn(const std::string& msg) { Logger().warn(msg); }
void Error(const std::string& msg) { Logger().error(msg); }
void SetLevel(const std::string& level) { Logger().set_level(spdlog::level::from_str(level)); }

}  // namespace moebius::log
