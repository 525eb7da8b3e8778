#include "base/json_reader.h"

#include <cmath>
#include <cstdlib>

#include "base/log.h"
#include "base/strings.h"

namespace moebius {
namespace {

// A string value shown in a message: short, so a 1 MiB string does not become a 1 MiB error.
std::string Quoted(const std::string& s) {
  if (s.size() <= 40) return "'" + s + "'";
  return "'" + s.substr(0, 40) + "…'";
}

}  // namespace

std::string JsonReader::PathOf(std::string_view key) const {
  if (path_.empty()) return std::string(key);
  std::string out = path_;
  out += '.';
  out += key;
  return out;
}

std::string JsonReader::PathOf(size_t index) const { return path_ + "[" + std::to_string(index) + "]"; }

std::string JsonReader::Describe() const { return path_.empty() ? std::string(root_) : "field '" + path_ + "'"; }

Status JsonReader::Invalid(std::string_view what) const { return InvalidArgument(Describe() + " " + std::string(what)); }

Status JsonReader::Invalid(std::string_view key, std::string_view what) const {
  return InvalidArgument("field '" + PathOf(key) + "' " + std::string(what));
}

Status JsonReader::ExpectObject() const {
  if (v_->is_object()) return Status::Ok();
  return Invalid(std::string("must be an object, got ") + v_->type_name());
}

Status JsonReader::ExpectArray() const {
  if (v_->is_array()) return Status::Ok();
  return Invalid(std::string("must be a list, got ") + v_->type_name());
}

bool JsonReader::Has(std::string_view key) const {
  if (!v_->is_object()) return false;
  auto it = v_->find(key);
  return it != v_->end() && !it->is_null();
}

template <>
Result<std::string> JsonReader::As<std::string>() const {
  if (!v_->is_string()) return Invalid(std::string("must be a string, got ") + v_->type_name());
  return v_->get<std::string>();
}

template <>
Result<int64_t> JsonReader::As<int64_t>() const {
  if (v_->is_number_unsigned()) {  // before is_number_integer(), which holds for unsigned too
    uint64_t u = v_->get<uint64_t>();
    if (u > static_cast<uint64_t>(INT64_MAX)) return Invalid("is out of range");
    return static_cast<int64_t>(u);
  }
  if (v_->is_number_integer()) return v_->get<int64_t>();
  if (v_->is_number_float()) {
    double d = v_->get<double>();
    if (std::floor(d) == d && std::fabs(d) < 9.2e18) return static_cast<int64_t>(d);
    return Invalid("must be an integer, got " + v_->dump());
  }
  if (v_->is_string() && proto3_) {  // proto3 JSON spells int64 as a string; MLflow clients send both
    const std::string& s = v_->get_ref<const std::string&>();
    if (auto v = ParseInt64(s)) return *v;
    return Invalid("must be an integer, got " + Quoted(s));
  }
  return Invalid(std::string("must be an integer, got ") + v_->type_name());
}

template <>
Result<int> JsonReader::As<int>() const {
  ASSIGN_OR_RETURN(int64_t v, As<int64_t>());
  if (v < INT32_MIN || v > INT32_MAX) return Invalid("is out of range");
  return static_cast<int>(v);
}

template <>
Result<double> JsonReader::As<double>() const {
  if (v_->is_number()) return v_->get<double>();
  if (v_->is_string() && proto3_) {  // proto3 JSON spells non-finite doubles as strings
    const std::string& s = v_->get_ref<const std::string&>();
    if (s == "NaN") return std::nan("");
    if (s == "Infinity") return static_cast<double>(INFINITY);
    if (s == "-Infinity") return -static_cast<double>(INFINITY);
    return Invalid("must be a number, got " + Quoted(s));
  }
  return Invalid(std::string("must be a number, got ") + v_->type_name());
}

template <>
Result<bool> JsonReader::As<bool>() const {
  if (v_->is_boolean()) return v_->get<bool>();
  if (v_->is_string() && proto3_) {
    if (*v_ == "true") return true;
    if (*v_ == "false") return false;
  }
  return Invalid(std::string("must be a boolean, got ") + v_->type_name());
}

template <>
Result<Json> JsonReader::As<Json>() const {
  if (v_->is_null()) return Invalid("must not be null");
  return *v_;
}

Result<std::optional<JsonReader>> JsonReader::Find(std::string_view key) const {
  RETURN_IF_ERROR(ExpectObject());
  auto it = v_->find(key);
  if (it == v_->end() || it->is_null()) return std::optional<JsonReader>();
  return std::optional<JsonReader>(Child(*it, PathOf(key)));
}

Result<std::optional<JsonReader>> JsonReader::OptObject(std::string_view key) const {
  ASSIGN_OR_RETURN(std::optional<JsonReader> r, Find(key));
  if (r) RETURN_IF_ERROR(r->ExpectObject());
  return r;
}

Result<std::optional<JsonReader>> JsonReader::OptArray(std::string_view key) const {
  ASSIGN_OR_RETURN(std::optional<JsonReader> r, Find(key));
  if (r) RETURN_IF_ERROR(r->ExpectArray());
  return r;
}

Result<JsonReader> JsonReader::Object(std::string_view key) const {
  ASSIGN_OR_RETURN(std::optional<JsonReader> r, OptObject(key));
  if (!r) return InvalidArgument("missing required field '" + PathOf(key) + "'");
  return *r;
}

Result<JsonReader> JsonReader::Array(std::string_view key) const {
  ASSIGN_OR_RETURN(std::optional<JsonReader> r, OptArray(key));
  if (!r) return InvalidArgument("missing required field '" + PathOf(key) + "'");
  return *r;
}

JsonReader JsonReader::operator[](size_t index) const {
  if (!v_->is_array() || index >= v_->size()) {
    log::Error("JsonReader: element " + std::to_string(index) + " of " + Describe() + " read without a check");
    std::abort();  // a programming error: callers check ExpectArray() and size() first
  }
  return Child((*v_)[index], PathOf(index));
}

Result<std::vector<std::pair<std::string, JsonReader>>> JsonReader::Members() const {
  RETURN_IF_ERROR(ExpectObject());
  std::vector<std::pair<std::string, JsonReader>> out;
  out.reserve(v_->size());
  for (auto it = v_->begin(); it != v_->end(); ++it) out.emplace_back(it.key(), Child(*it, PathOf(it.key())));
  return out;
}

Status JsonReader::OnlyKeys(std::initializer_list<std::string_view> allowed) const {
  RETURN_IF_ERROR(ExpectObject());
  for (auto it = v_->begin(); it != v_->end(); ++it) {
    bool known = false;
    for (std::string_view a : allowed) known = known || it.key() == a;
    if (!known) return InvalidArgument("unknown field '" + PathOf(it.key()) + "'");
  }
  return Status::Ok();
}

}  // namespace moebius
