// JsonReader: the one way every request body, spec and stored document is read (STYLE.md 15).
//
// A reader is a read-only view of one value inside a JSON document that knows its path from
// the document's root. Every accessor checks the type it returns, so a wrong type or a missing
// field is kInvalidArgument naming the field's full path, and nothing throws:
//
//   JsonReader spec(body, "spec");
//   ASSIGN_OR_RETURN(std::string name, spec.Req<std::string>("name"));
//   ASSIGN_OR_RETURN(std::optional<int64_t> n, spec.Opt<int64_t>("n_trials"));
//   ASSIGN_OR_RETURN(JsonReader params, spec.Array("params"));
//   for (size_t i = 0; i < params.size(); ++i)
//     ASSIGN_OR_RETURN(std::string type, params[i].Req<std::string>("type"));
//   // {"params":[{"type":1}]} → "field 'spec.params[0].type' must be a string, got number"
//
// Conversions:
//   std::string  a JSON string;
//   int64_t      an integer, or a float with no fraction; `int` also checks the 32-bit range;
//   double       a number;
//   bool         true or false;
//   Json         any value (present and not null), for parts a later reader checks.
// A reader in proto3 mode (Proto3(), inherited by the readers it hands out) also takes the
// spellings proto3 JSON uses and MLflow clients send: int64 as a decimal string ("42"), doubles
// as "NaN" / "Infinity" / "-Infinity", booleans as "true" / "false". The MLflow-compatible API
// and the flat helpers of base/json.h read in this mode; specs and stored documents do not.
// Absent and null are the same: Opt gives nullopt, Req gives "missing required field 'x'".
//
// The flat helpers OptString/OptInt/OptDouble/OptBool/ReqString of base/json.h are this reader
// under their old names (JsonReader(obj).Proto3().Opt<T>(key)), kept until the last handlers that use
// them (src/api/job_handlers.cc, job_runs.cc, schedule_handlers.cc) move over; new code uses
// JsonReader.
//
// A reader borrows the document: the Json it was made from must outlive it.
// Thread-safety: a reader is immutable; several threads may read through copies of it.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/json.h"
#include "base/status.h"

namespace moebius {

class JsonReader {
 public:
  // `path` names `value` in messages ("spec", "operations[2]"); empty for a document's root,
  // which messages call `root` ("the request body must be an object, got array").
  explicit JsonReader(const Json& value, std::string path = {}, const char* root = "the request body")
      : v_(&value), path_(std::move(path)), root_(root) {}

  // This reader (and every reader it hands out) in proto3 mode.
  JsonReader Proto3() const {
    JsonReader r = *this;
    r.proto3_ = true;
    return r;
  }

  const Json& json() const { return *v_; }
  const std::string& path() const { return path_; }
  // The path of a member or an element of this value: "spec.name", "spec.params[0]".
  std::string PathOf(std::string_view key) const;
  std::string PathOf(size_t index) const;
  // "field 'spec.name'", or the root's name for the root: the subject of a message.
  std::string Describe() const;
  // kInvalidArgument "<Describe()> <what>", for checks of value (ranges, patterns) by callers.
  Status Invalid(std::string_view what) const;
  Status Invalid(std::string_view key, std::string_view what) const;

  // This value's own type.
  Status ExpectObject() const;
  Status ExpectArray() const;

  // True when this is an object with `key` present and not null.
  bool Has(std::string_view key) const;

  // This value as T (see the conversions above).
  template <typename T>
  Result<T> As() const;

  // Member `key` of this object as T: nullopt when absent or null. kInvalidArgument when this
  // value is not an object or the member has another type.
  template <typename T>
  Result<std::optional<T>> Opt(std::string_view key) const {
    RETURN_IF_ERROR(ExpectObject());
    auto it = v_->find(key);
    if (it == v_->end() || it->is_null()) return std::optional<T>();
    ASSIGN_OR_RETURN(T value, Child(*it, PathOf(key)).As<T>());
    return std::optional<T>(std::move(value));
  }
  // Member `key` as T; kInvalidArgument "missing required field '<path>'" when absent or null.
  template <typename T>
  Result<T> Req(std::string_view key) const {
    ASSIGN_OR_RETURN(std::optional<T> v, Opt<T>(key));
    if (!v) return InvalidArgument("missing required field '" + PathOf(key) + "'");
    return std::move(*v);
  }
  // Member `key` as T, or `fallback` when absent or null.
  template <typename T>
  Result<T> Get(std::string_view key, T fallback) const {
    ASSIGN_OR_RETURN(std::optional<T> v, Opt<T>(key));
    return v ? std::move(*v) : std::move(fallback);
  }

  // Member `key` as a reader of any type (present and not null); nullopt when absent or null.
  Result<std::optional<JsonReader>> Find(std::string_view key) const;
  // Member `key`, which must be an object / an array.
  Result<JsonReader> Object(std::string_view key) const;
  Result<JsonReader> Array(std::string_view key) const;
  // The same, nullopt when absent or null.
  Result<std::optional<JsonReader>> OptObject(std::string_view key) const;
  Result<std::optional<JsonReader>> OptArray(std::string_view key) const;

  // Elements of this array. size() is 0 for anything but an array or object; operator[] needs
  // an array and an index below size() (a bug otherwise: it aborts).
  size_t size() const { return v_->is_array() || v_->is_object() ? v_->size() : 0; }
  JsonReader operator[](size_t index) const;
  // Every element of this array as T: "field 'x[3]' must be a string, got number".
  template <typename T>
  Result<std::vector<T>> Items() const {
    RETURN_IF_ERROR(ExpectArray());
    std::vector<T> out;
    out.reserve(v_->size());
    for (size_t i = 0; i < v_->size(); ++i) {
      ASSIGN_OR_RETURN(T value, (*this)[i].As<T>());
      out.push_back(std::move(value));
    }
    return out;
  }
  // Member `key`, an array of T; nullopt when absent or null.
  template <typename T>
  Result<std::optional<std::vector<T>>> OptList(std::string_view key) const {
    ASSIGN_OR_RETURN(std::optional<JsonReader> a, OptArray(key));
    if (!a) return std::optional<std::vector<T>>();
    ASSIGN_OR_RETURN(std::vector<T> items, a->Items<T>());
    return std::optional<std::vector<T>>(std::move(items));
  }

  // The members of this object in key order, each a reader with its path.
  Result<std::vector<std::pair<std::string, JsonReader>>> Members() const;
  // kInvalidArgument "unknown field '<path>'" for a member not in `allowed`.
  Status OnlyKeys(std::initializer_list<std::string_view> allowed) const;

 private:
  JsonReader Child(const Json& value, std::string path) const {
    JsonReader r(value, std::move(path));
    r.proto3_ = proto3_;
    return r;
  }

  const Json* v_;
  std::string path_;
  const char* root_;  // a string literal
  bool proto3_ = false;
};

template <>
Result<std::string> JsonReader::As<std::string>() const;
template <>
Result<int64_t> JsonReader::As<int64_t>() const;
template <>
Result<int> JsonReader::As<int>() const;
template <>
Result<double> JsonReader::As<double>() const;
template <>
Result<bool> JsonReader::As<bool>() const;
template <>
Result<Json> JsonReader::As<Json>() const;

}  // namespace moebius
