#include "base/json.h"

#include <cmath>
#include <string>

namespace moebius {
namespace {

// A SAX pass that enforces limits while parsing, so a hostile document is refused before a
// tree is built for it.
class LimitChecker : public nlohmann::json_sax<Json> {
 public:
  explicit LimitChecker(const JsonLimits& l) : limits_(l) {}
  bool null() override { return Item(); }
  bool boolean(bool) override { return Item(); }
  bool number_integer(number_integer_t) override { return Item(); }
  bool number_unsigned(number_unsigned_t) override { return Item(); }
  bool number_float(number_float_t, const string_t&) override { return Item(); }
  bool string(string_t& s) override { return Item() && Str(s); }
  bool binary(binary_t&) override { return Item(); }
  bool start_object(std::size_t) override { return Item() && Push(false); }
  bool key(string_t& s) override { return Str(s); }
  bool end_object() override { return Pop(); }
  bool start_array(std::size_t) override { return Item() && Push(true); }
  bool end_array() override { return Pop(); }
  bool parse_error(std::size_t pos, const std::string&, const nlohmann::detail::exception& e) override {
    error = "malformed JSON at byte " + std::to_string(pos);
    return false;
  }
  std::string error;

 private:
  bool Item() {
    if (!stack_.empty() && stack_.back().is_array && ++stack_.back().count > limits_.max_array_items) {
      error = "JSON array has more than " + std::to_string(limits_.max_array_items) + " items";
      return false;
    }
    return true;
  }
  bool Str(const std::string& s) {
    if (s.size() > limits_.max_string_bytes) {
      error = "JSON string longer than " + std::to_string(limits_.max_string_bytes) + " bytes";
      return false;
    }
    return true;
  }
  bool Push(bool is_array) {
    if (static_cast<int>(stack_.size()) >= limits_.max_depth) {
      error = "JSON nested deeper than " + std::to_string(limits_.max_depth) + " levels";
      return false;
    }
    stack_.push_back({is_array, 0});
    return true;
  }
  bool Pop() {
    if (!stack_.empty()) stack_.pop_back();
    return true;
  }
  struct Frame {
    bool is_array;
    size_t count;
  };
  JsonLimits limits_;
  std::vector<Frame> stack_;
};

const char* TypeName(const Json& v) { return v.type_name(); }

}  // namespace

Result<Json> ParseJson(std::string_view text, const JsonLimits& limits) {
  LimitChecker checker(limits);
  bool ok = Json::sax_parse(text.begin(), text.end(), &checker, nlohmann::detail::input_format_t::json, true);
  if (!ok) return InvalidArgument(checker.error.empty() ? "malformed JSON" : checker.error);
  Json out = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (out.is_discarded()) return InvalidArgument("malformed JSON");
  return out;
}

Result<std::optional<std::string>> OptString(const Json& obj, const char* key) {
  if (!obj.is_object()) return InvalidArgument("request body must be a JSON object");
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) return InvalidArgument(std::string("field '") + key + "' must be a string, got " + TypeName(*it));
  return std::optional<std::string>(it->get<std::string>());
}

Result<std::optional<int64_t>> OptInt(const Json& obj, const char* key) {
  if (!obj.is_object()) return InvalidArgument("request body must be a JSON object");
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::optional<int64_t>();
  if (it->is_number_integer()) return std::optional<int64_t>(it->get<int64_t>());
  if (it->is_number_unsigned()) {
    auto u = it->get<uint64_t>();
    if (u > static_cast<uint64_t>(INT64_MAX)) return InvalidArgument(std::string("field '") + key + "' is out of range");
    return std::optional<int64_t>(static_cast<int64_t>(u));
  }
  // Proto3 JSON encodes int64 as strings; MLflow clients send both.
  if (it->is_string()) {
    const std::string& s = it->get_ref<const std::string&>();
    if (s.empty() || s.size() > 20) return InvalidArgument(std::string("field '") + key + "' must be an integer");
    size_t pos = 0;
    try {
      long long v = std::stoll(s, &pos);
      if (pos != s.size()) throw std::invalid_argument("trailing");
      return std::optional<int64_t>(v);
    } catch (...) {
      return InvalidArgument(std::string("field '") + key + "' must be an integer, got '" + s + "'");
    }
  }
  if (it->is_number_float()) {
    double d = it->get<double>();
    if (std::floor(d) == d && std::fabs(d) < 9.2e18) return std::optional<int64_t>(static_cast<int64_t>(d));
  }
  return InvalidArgument(std::string("field '") + key + "' must be an integer, got " + TypeName(*it));
}

Result<std::optional<double>> OptDouble(const Json& obj, const char* key) {
  if (!obj.is_object()) return InvalidArgument("request body must be a JSON object");
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::optional<double>();
  if (it->is_number()) return std::optional<double>(it->get<double>());
  if (it->is_string()) {  // proto3 JSON spells non-finite doubles as strings
    const std::string& s = it->get_ref<const std::string&>();
    if (s == "NaN") return std::optional<double>(std::nan(""));
    if (s == "Infinity") return std::optional<double>(INFINITY);
    if (s == "-Infinity") return std::optional<double>(-INFINITY);
  }
  return InvalidArgument(std::string("field '") + key + "' must be a number, got " + TypeName(*it));
}

Result<std::optional<bool>> OptBool(const Json& obj, const char* key) {
  if (!obj.is_object()) return InvalidArgument("request body must be a JSON object");
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::optional<bool>();
  if (it->is_boolean()) return std::optional<bool>(it->get<bool>());
  if (it->is_string()) {
    if (*it == "true") return std::optional<bool>(true);
    if (*it == "false") return std::optional<bool>(false);
  }
  return InvalidArgument(std::string("field '") + key + "' must be a boolean, got " + TypeName(*it));
}

Result<std::string> ReqString(const Json& obj, const char* key) {
  ASSIGN_OR_RETURN(auto v, OptString(obj, key));
  if (!v) return InvalidArgument(std::string("missing required field '") + key + "'");
  return *v;
}

}  // namespace moebius
