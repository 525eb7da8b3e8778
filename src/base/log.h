// Logging goes through spdlog; this header keeps spdlog out of most translation units' APIs.
//
// Every message is one line: it passes through EscapeForLog (base/strings.h) here, so text a
// request carries (its path, a user name, a file name in an error) cannot forge a line or send
// terminal escapes, whichever call logs it.
#pragma once

#include <string>

namespace moebius::log {

void Info(const std::string& msg);
void Warn(const std::string& msg);
void Error(const std::string& msg);
// Sets the minimum level: "debug", "info", "warn", "error", "off".
void SetLevel(const std::string& level);

}  // namespace moebius::log
