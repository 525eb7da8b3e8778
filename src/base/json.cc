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

// One pass that checks every event against the limits before the tree builder sees it, so a
// document is refused at its first excess, before the rest is built (a separate checking pass
// followed by Json::parse read every document twice: ~40% of a log-batch's CPU, issue 18).
class LimitedTreeBuilder {
 public:
  using Sax = nlohmann::json_sax<Json>;
  LimitedTreeBuilder(const JsonLimits& limits, Json& out) : checker_(limits), tree_(out, /*allow_exceptions=*/false) {}
  bool null() { return checker_.null() && tree_.null(); }
  bool boolean(bool v) { return checker_.boolean(v) && tree_.boolean(v); }
  bool number_integer(Sax::number_integer_t v) { return checker_.number_integer(v) && tree_.number_integer(v); }
  bool number_unsigned(Sax::number_unsigned_t v) { return checker_.number_unsigned(v) && tree_.number_unsigned(v); }
  bool number_float(Sax::number_float_t v, const Sax::string_t& s) { return checker_.number_float(v, s) && tree_.number_float(v, s); }
  bool string(Sax::string_t& s) { return checker_.string(s) && tree_.string(s); }
  bool binary(Sax::binary_t& b) { return checker_.binary(b) && tree_.binary(b); }
  bool start_object(std::size_t n) { return checker_.start_object(n) && tree_.start_object(n); }
  bool key(Sax::string_t& s) { return checker_.key(s) && tree_.key(s); }
  bool end_object() { return checker_.end_object() && tree_.end_object(); }
  bool start_array(std::size_t n) { return checker_.start_array(n) && tree_.start_array(n); }
  bool end_array() { return checker_.end_array() && tree_.end_array(); }
  template <class Exception>
  bool parse_error(std::size_t pos, const std::string& token, const Exception& e) {
    checker_.parse_error(pos, token, e);
    return tree_.parse_error(pos, token, e);
  }
  const std::string& error() const { return checker_.error; }

 private:
  LimitChecker checker_;
  nlohmann::detail::json_sax_dom_parser<Json> tree_;
};

}  // namespace

Result<Json> ParseJson(std::string_view text, const JsonLimits& limits) {
  Json out;
  LimitedTreeBuilder builder(limits, out);
  bool ok = Json::sax_parse(text.begin(), text.end(), &builder, nlohmann::detail::input_format_t::json, /*strict=*/true);
  if (!ok) return InvalidArgument(builder.error().empty() ? "malformed JSON" : builder.error());
  return out;
}

Result<std::optional<std::string>> OptString(const Json& obj, const char* key) { return JsonReader(obj).Proto3().Opt<std::string>(key); }
Result<std::optional<int64_t>> OptInt(const Json& obj, const char* key) { return JsonReader(obj).Proto3().Opt<int64_t>(key); }
Result<std::optional<double>> OptDouble(const Json& obj, const char* key) { return JsonReader(obj).Proto3().Opt<double>(key); }
Result<std::optional<bool>> OptBool(const Json& obj, const char* key) { return JsonReader(obj).Proto3().Opt<bool>(key); }
Result<std::string> ReqString(const Json& obj, const char* key) { return JsonReader(obj).Proto3().Req<std::string>(key); }

}  // namespace moebius
