#include "base/json.h"

#include <cmath>
#include <string>

#include "base/json_reader.h"

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

}  // namespace

Result<Json> ParseJson(std::string_view text, const JsonLimits& limits) {
  LimitChecker checker(limits);
  bool ok = Json::sax_parse(text.begin(), text.end(), &checker, nlohmann::detail::input_format_t::json, true);
  if (!ok) return InvalidArgument(checker.error.empty() ? "malformed JSON" : checker.error);
  Json out = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (out.is_discarded()) return InvalidArgument("malformed JSON");
  return out;
}

Result<std::optional<std::string>> OptString(const Json& obj, const char* key) { return JsonReader(obj).Proto3().Opt<std::string>(key); }
Result<std::optional<int64_t>> OptInt(const Json& obj, const char* key) { return JsonReader(obj).Proto3().Opt<int64_t>(key); }
Result<std::optional<double>> OptDouble(const Json& obj, const char* key) { return JsonReader(obj).Proto3().Opt<double>(key); }
Result<std::optional<bool>> OptBool(const Json& obj, const char* key) { return JsonReader(obj).Proto3().Opt<bool>(key); }
Result<std::string> ReqString(const Json& obj, const char* key) { return JsonReader(obj).Proto3().Req<std::string>(key); }

}  // namespace moebius
