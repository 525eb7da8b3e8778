// Logging goes through spdlog; this header keeps spdlog out of most translation units' APIs.
#pragma once

#include <string>

namespace moebius::log {

void Info(const std::string& msg);
void Warn(const std::string& msg);
void Error(const std::string& msg);
// Sets the minimum level: "debug", "info", "warn", "error", "off".
void SetLevel(const std::string& level);

}  // namespace moebius::log
