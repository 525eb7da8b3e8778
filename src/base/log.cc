#include "base/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "base/strings.h"

namespace moebius::log {
namespace {
spdlog::logger& Logger() {
  // stderr, so stdout stays for the machine-read "listening on" line and CLI output.
  static auto logger = spdlog::stderr_logger_mt("moebius");
  return *logger;
}
void Write(spdlog::level::level_enum level, const std::string& msg) {
  spdlog::logger& logger = Logger();
  if (logger.should_log(level)) logger.log(level, EscapeForLog(msg));
}
}  // namespace

void Info(const std::string& msg) { Write(spdlog::level::info, msg); }
void Warn(const std::string& msg) { Write(spdlog::level::warn, msg); }
void Error(const std::string& msg) { Write(spdlog::level::err, msg); }
void SetLevel(const std::string& level) { Logger().set_level(spdlog::level::from_str(level)); }

}  // namespace moebius::log
