#include "tracking/search_filter.h"

#include <cctype>
#include <cmath>
#include <cstdio>

#include "base/strings.h"

namespace moebius::tracking {
namespace {

constexpr size_t kMaxFilterLength = 10000;
constexpr size_t kMaxOrderByLength = 1000;
constexpr size_t kMaxComparisons = 100;
constexpr size_t kMaxInValues = 1000;

struct Token {
  enum Kind { kWord, kSingleQuoted, kDoubleQuoted, kBacktick, kNumber, kOp, kLParen, kRParen, kComma, kEnd } kind;
  std::string text;  // unquoted and unescaped for quoted tokens
  std::string raw;   // as written, for messages
  size_t offset;     // byte offset into the source
};

bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
bool WordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-' || c == '/' || c == ':' ||
         static_cast<unsigned char>(c) >= 0x80;
}

// Errors carry the 1-based position in characters and the token as written.
class Source {
 public:
  explicit Source(std::string_view s) : s_(s) {}
  std::string_view text() const { return s_; }

  size_t Position(size_t offset) const {
    size_t pos = 1;
    for (size_t k = 0; k < offset && k < s_.size(); ++k)
      if ((static_cast<unsigned char>(s_[k]) & 0xC0) != 0x80) ++pos;
    return pos;
  }

  Status Error(const Token& t, const std::string& what) const {
    std::string near;
    if (t.kind == Token::kEnd) {
      near = "at the end";
    } else {
      std::string shown = t.raw.size() > 60 ? t.raw.substr(0, 60) + "..." : t.raw;
      near = "near '" + shown + "'";
    }
    return InvalidArgument("Invalid search expression at position " + std::to_string(Position(t.offset)) + " (" + near +
                           "): " + what);
  }

 private:
  std::string_view s_;
};

std::string DescribeChar(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c >= 0x20 && c < 0x7f) return std::string("'") + static_cast<char>(c) + "'";
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", c);
  return buf;
}

Result<std::vector<Token>> Lex(const Source& src) {
  std::string_view s = src.text();
  std::vector<Token> out;
  auto Push = [&](Token::Kind kind, std::string text, size_t begin, size_t end) {
    out.push_back({kind, std::move(text), std::string(s.substr(begin, end - begin)), begin});
  };
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
      continue;
    }
    if (c == '(' || c == ')' || c == ',') {
      Push(c == '(' ? Token::kLParen : c == ')' ? Token::kRParen : Token::kComma, std::string(1, c), i, i + 1);
      ++i;
      continue;
    }
    if (c == '\'' || c == '"' || c == '`') {
      // A doubled quote stands for itself, as in SQL. In strings, \' \" and \\ are escapes too;
      // any other backslash is kept, so a LIKE pattern's \% and \_ reach the database intact.
      std::string text;
      size_t j = i + 1;
      bool closed = false;
      while (j < s.size()) {
        if (c != '`' && s[j] == '\\' && j + 1 < s.size() && (s[j + 1] == '\\' || s[j + 1] == '\'' || s[j + 1] == '"')) {
          text += s[j + 1];
          j += 2;
          continue;
        }
        if (s[j] == c) {
          if (j + 1 < s.size() && s[j + 1] == c) {
            text += c;
            j += 2;
            continue;
          }
          closed = true;
          break;
        }
        text += s[j++];
      }
      Token at{Token::kSingleQuoted, "", std::string(1, c), i};
      if (!closed) return src.Error(at, std::string("unterminated quoted text; add the closing ") + c);
      Push(c == '`' ? Token::kBacktick : c == '"' ? Token::kDoubleQuoted : Token::kSingleQuoted, std::move(text), i, j + 1);
      i = j + 1;
      continue;
    }
    if (c == '=' || c == '!' || c == '<' || c == '>') {
      size_t len = i + 1 < s.size() && (s[i + 1] == '=' || (c == '<' && s[i + 1] == '>')) ? 2 : 1;
      std::string op(s.substr(i, len));
      Push(Token::kOp, op, i, i + len);
      i += len;
      continue;
    }
    bool sign = (c == '-' || c == '+') && i + 1 < s.size() &&
                (IsDigit(s[i + 1]) || (s[i + 1] == '.' && i + 2 < s.size() && IsDigit(s[i + 2])));
    if (IsDigit(c) || sign || (c == '.' && i + 1 < s.size() && IsDigit(s[i + 1]))) {
      size_t j = i + 1;
      while (j < s.size() && (IsDigit(s[j]) || s[j] == '.' || s[j] == 'e' || s[j] == 'E' ||
                              ((s[j] == '-' || s[j] == '+') && (s[j - 1] == 'e' || s[j - 1] == 'E'))))
        ++j;
      Push(Token::kNumber, std::string(s.substr(i, j - i)), i, j);
      i = j;
      continue;
    }
    if (WordChar(c)) {
      size_t j = i;
      while (j < s.size() && WordChar(s[j])) ++j;
      Push(Token::kWord, std::string(s.substr(i, j - i)), i, j);
      i = j;
      continue;
    }
    Token bad{Token::kOp, "", std::string(1, c), i};
    return src.Error(bad, "unexpected character " + DescribeChar(s, i));
  }
  out.push_back({Token::kEnd, "", "", s.size()});
  return out;
}

// ---- keys

enum class Purpose { kFilter, kOrderBy };

struct AttributeName {
  const char* spelled;
  const char* canonical;
  bool filter;    // searchable
  bool order_by;  // orderable
};

const std::vector<AttributeName>& Attributes(SearchKind kind) {
  static const std::vector<AttributeName> kRun = {
      {"run_id", "run_id", true, true},
      {"run_name", "run_name", true, true},
      {"status", "status", true, true},
      {"user_id", "user_id", true, true},
      {"artifact_uri", "artifact_uri", true, true},
      {"start_time", "start_time", true, true},
      {"end_time", "end_time", true, true},
      {"created", "start_time", true, true},
      {"Created", "start_time", true, true},
      {"run name", "run_name", true, false},
      {"Run name", "run_name", true, false},
      {"Run Name", "run_name", true, false},
  };
  static const std::vector<AttributeName> kExperiment = {
      {"name", "name", true, true},
      {"experiment_id", "experiment_id", false, true},
      {"creation_time", "creation_time", true, true},
      {"last_update_time", "last_update_time", true, true},
  };
  // The model registry's (MLflow's SearchModelUtils and SearchModelVersionUtils).
  static const std::vector<AttributeName> kModel = {
      {"name", "name", true, true},
      {"timestamp", "last_updated_timestamp", false, true},
      {"creation_timestamp", "creation_timestamp", false, true},
      {"last_updated_timestamp", "last_updated_timestamp", false, true},
  };
  static const std::vector<AttributeName> kVersion = {
      {"name", "name", true, true},
      {"run_id", "run_id", true, true},
      {"source_path", "source_path", true, false},
      {"version_number", "version_number", true, true},
      {"current_stage", "current_stage", true, true},
      {"creation_timestamp", "creation_timestamp", false, true},
      {"timestamp", "last_updated_timestamp", false, true},
      {"last_updated_timestamp", "last_updated_timestamp", false, true},
  };
  switch (kind) {
    case SearchKind::kRuns: return kRun;
    case SearchKind::kExperiments: return kExperiment;
    case SearchKind::kRegisteredModels: return kModel;
    case SearchKind::kModelVersions: return kVersion;
  }
  return kRun;
}

std::optional<EntityType> EntityOf(const std::string& w, SearchKind kind) {
  if (kind == SearchKind::kRuns) {
    if (w == "metric" || w == "metrics") return EntityType::kMetric;
    if (w == "param" || w == "params" || w == "parameter" || w == "parameters") return EntityType::kParam;
    if (w == "dataset" || w == "datasets") return EntityType::kDataset;
    if (w == "run") return EntityType::kAttribute;
  }
  if (w == "tag" || w == "tags") return EntityType::kTag;
  if (w == "attribute" || w == "attributes" || w == "attr") return EntityType::kAttribute;
  return std::nullopt;
}

const char* EntityList(SearchKind kind) {
  return kind == SearchKind::kRuns ? "metrics., params., tags., attributes. or datasets." : "tags. or attributes.";
}

std::string Describe(const SearchKey& k) {
  switch (k.type) {
    case EntityType::kMetric: return "metric '" + k.name + "'";
    case EntityType::kParam: return "param '" + k.name + "'";
    case EntityType::kTag: return "tag '" + k.name + "'";
    case EntityType::kAttribute: return "attribute '" + k.name + "'";
    case EntityType::kDataset: return "dataset field '" + k.name + "'";
  }
  return k.name;
}

class Parser {
 public:
  Parser(const Source& src, std::vector<Token> t, SearchKind kind) : src_(src), t_(std::move(t)), kind_(kind) {}

  bool AtEnd() const { return Peek().kind == Token::kEnd; }
  const Token& Peek() const { return t_[pos_]; }
  const Token& Next() { return t_[pos_ + 1 < t_.size() ? pos_++ : pos_]; }
  Status Error(const Token& t, const std::string& what) const { return src_.Error(t, what); }

  Result<SearchKey> Key(Purpose purpose) {
    const Token& t = Next();
    if (t.kind == Token::kBacktick || t.kind == Token::kDoubleQuoted) return Attribute(t, t.text, purpose);
    if (t.kind != Token::kWord)
      return Error(t, std::string("expected a key such as metrics.accuracy (keys start with ") + EntityList(kind_) + ")");
    size_t dot = t.text.find('.');
    if (dot == std::string::npos) return Attribute(t, t.text, purpose);
    std::string entity_text = t.text.substr(0, dot);
    auto entity = EntityOf(entity_text, kind_);
    if (!entity) return Error(t, "unknown entity '" + entity_text + "'; keys start with " + EntityList(kind_));
    std::string name = t.text.substr(dot + 1);
    if (name.empty()) {
      const Token& q = Next();
      if (q.kind != Token::kBacktick && q.kind != Token::kDoubleQuoted)
        return Error(q, "expected a key name after '" + t.text + "'");
      if (q.text.empty()) return Error(q, "empty key name");
      name = q.text;
    }
    switch (*entity) {
      case EntityType::kAttribute:
        return Attribute(t, name, purpose);
      case EntityType::kDataset:
        if (purpose == Purpose::kOrderBy) return Error(t, "runs cannot be ordered by datasets");
        if (name != "name" && name != "digest" && name != "context")
          return Error(t, "unknown dataset field '" + name + "'; valid fields are name, digest and context");
        return SearchKey{EntityType::kDataset, name};
      case EntityType::kTag:
        if (purpose == Purpose::kOrderBy && kind_ == SearchKind::kExperiments)
          return Error(t, "experiments can be ordered by name, experiment_id, creation_time or last_update_time only");
        if (purpose == Purpose::kOrderBy && (kind_ == SearchKind::kRegisteredModels || kind_ == SearchKind::kModelVersions))
          return Error(t, "models and model versions cannot be ordered by tags");
        return SearchKey{EntityType::kTag, name};
      default:
        return SearchKey{*entity, name};
    }
  }

  Result<SearchKey> Attribute(const Token& t, const std::string& name, Purpose purpose) {
    std::string valid;
    for (const auto& a : Attributes(kind_)) {
      bool allowed = purpose == Purpose::kFilter ? a.filter : a.order_by;
      if (!allowed) continue;
      if (name == a.spelled) return SearchKey{EntityType::kAttribute, a.canonical};
      if (std::string(a.spelled) == a.canonical) valid += std::string(valid.empty() ? "" : ", ") + a.spelled;
    }
    return Error(t, "unknown attribute '" + name + "'; valid attributes " +
                        (purpose == Purpose::kFilter ? "to search by" : "to order by") + " are " + valid);
  }

  bool IsNumeric(const SearchKey& k) const {
    return k.type == EntityType::kMetric || (k.type == EntityType::kAttribute && IsNumericAttribute(kind_, k.name));
  }

  Result<SearchValue> Value(const SearchKey& key) {
    const Token& t = Next();
    if (!IsNumeric(key)) {
      if (t.kind != Token::kSingleQuoted && t.kind != Token::kDoubleQuoted)
        return Error(t, "expected a quoted string for " + Describe(key) + ", e.g. 'value'");
      SearchValue v;
      v.text = t.text;
      return v;
    }
    if (t.kind != Token::kNumber) return Error(t, "expected a number for " + Describe(key));
    auto d = ParseDouble(t.text);
    if (!d || !std::isfinite(*d)) return Error(t, "'" + t.text + "' is not a finite number");
    SearchValue v;
    v.is_number = true;
    v.number = *d;
    v.text = t.text;
    if (key.type == EntityType::kAttribute) {
      // Times are integer milliseconds and ids integers: compare them as integers, exactly.
      if (auto i = ParseInt64(t.text)) {
        v.integer = *i;
      } else if (std::trunc(*d) == *d && std::fabs(*d) < 9.0e18) {
        v.integer = static_cast<int64_t>(*d);
      } else {
        return Error(t, "expected an integer for " + Describe(key) +
                            (key.name == "experiment_id" ? std::string() : " (milliseconds since the epoch)"));
      }
    }
    return v;
  }

  Result<Comparison> ParseComparison() {
    ASSIGN_OR_RETURN(SearchKey key, Key(Purpose::kFilter));
    bool numeric = IsNumeric(key);
    Comparison c{key, "", {}};
    const Token& op = Next();
    if (op.kind == Token::kOp) {
      if (op.text == "==") return Error(op, "use '=' to compare for equality");
      if (op.text == "<>") return Error(op, "use '!=' to compare for inequality");
      if (op.text == "!") return Error(op, "expected '!='");
      if (!numeric && op.text != "=" && op.text != "!=")
        return Error(op, "operator '" + op.text + "' is not allowed for " + Describe(key) +
                             "; use =, !=, LIKE, ILIKE, IN or NOT IN");
      c.op = op.text;
      ASSIGN_OR_RETURN(SearchValue v, Value(key));
      c.values.push_back(std::move(v));
      return c;
    }
    if (op.kind != Token::kWord)
      return Error(op, "expected a comparison operator after " + Describe(key) +
                           (numeric ? " (=, !=, <, <=, >, >=)" : " (=, !=, LIKE, ILIKE, IN, NOT IN)"));
    std::string w = ToLower(op.text);
    if (w == "not") {
      const Token& in = Next();
      if (in.kind != Token::kWord || ToLower(in.text) != "in") return Error(in, "expected IN after NOT");
      w = "not in";
    }
    if (w != "like" && w != "ilike" && w != "in" && w != "not in")
      return Error(op, "expected a comparison operator after " + Describe(key) +
                           (numeric ? " (=, !=, <, <=, >, >=)" : " (=, !=, LIKE, ILIKE, IN, NOT IN)"));
    c.op = w == "like" ? "LIKE" : w == "ilike" ? "ILIKE" : w == "in" ? "IN" : "NOT IN";
    if (numeric) return Error(op, "operator '" + c.op + "' is not allowed for " + Describe(key) + "; use =, !=, <, <=, > or >=");
    if (c.op == "LIKE" || c.op == "ILIKE") {
      ASSIGN_OR_RETURN(SearchValue v, Value(key));
      c.values.push_back(std::move(v));
      return c;
    }
    const Token& open = Next();
    if (open.kind != Token::kLParen) return Error(open, "expected '(' to start the " + c.op + " list");
    while (true) {
      ASSIGN_OR_RETURN(SearchValue v, Value(key));
      c.values.push_back(std::move(v));
      if (c.values.size() > kMaxInValues)
        return Error(Peek(), "an " + c.op + " list may hold at most " + std::to_string(kMaxInValues) + " values");
      const Token& sep = Next();
      if (sep.kind == Token::kRParen) break;
      if (sep.kind != Token::kComma) return Error(sep, "expected ',' or ')' in the " + c.op + " list");
    }
    return c;
  }

  Result<std::vector<Comparison>> Filter() {
    std::vector<Comparison> out;
    if (AtEnd()) return out;
    while (true) {
      if (out.size() == kMaxComparisons)
        return Error(Peek(), "a filter may hold at most " + std::to_string(kMaxComparisons) + " comparisons");
      ASSIGN_OR_RETURN(Comparison c, ParseComparison());
      out.push_back(std::move(c));
      if (AtEnd()) break;
      const Token& t = Next();
      std::string w = t.kind == Token::kWord ? ToLower(t.text) : "";
      if (w == "and") continue;
      if (w == "or") return Error(t, "OR is not supported; join comparisons with AND");
      return Error(t, "expected AND or the end of the filter");
    }
    return out;
  }

  Result<OrderBy> Order() {
    if (AtEnd()) return Error(Peek(), "empty order_by clause");
    ASSIGN_OR_RETURN(SearchKey key, Key(Purpose::kOrderBy));
    OrderBy ob{key, true};
    if (!AtEnd()) {
      const Token& dir = Next();
      std::string d = dir.kind == Token::kWord ? ToLower(dir.text) : "";
      if (d != "asc" && d != "desc") return Error(dir, "expected ASC or DESC after the key");
      ob.ascending = d == "asc";
    }
    if (!AtEnd()) return Error(Peek(), "expected the end of the order_by clause");
    return ob;
  }

 private:
  const Source& src_;
  std::vector<Token> t_;
  size_t pos_ = 0;
  SearchKind kind_;
};

Status CheckText(std::string_view text, size_t limit, const char* what) {
  if (text.size() > limit)
    return InvalidArgument(std::string(what) + " is " + std::to_string(text.size()) + " bytes long; the limit is " +
                           std::to_string(limit));
  if (!IsValidUtf8(text)) return InvalidArgument(std::string(what) + " is not valid UTF-8 text");
  return Status::Ok();
}

}  // namespace

bool IsNumericAttribute(SearchKind kind, const std::string& name) {
  switch (kind) {
    case SearchKind::kRuns: return name == "start_time" || name == "end_time";
    case SearchKind::kExperiments: return name == "creation_time" || name == "last_update_time" || name == "experiment_id";
    case SearchKind::kRegisteredModels:
    case SearchKind::kModelVersions:
      return name == "version_number" || name == "creation_timestamp" || name == "last_updated_timestamp";
  }
  return false;
}

Result<std::vector<Comparison>> ParseSearchFilter(std::string_view filter, SearchKind kind) {
  RETURN_IF_ERROR(CheckText(filter, kMaxFilterLength, "the filter"));
  Source src(filter);
  ASSIGN_OR_RETURN(std::vector<Token> tokens, Lex(src));
  Parser p(src, std::move(tokens), kind);
  return p.Filter();
}

Result<OrderBy> ParseOrderBy(std::string_view clause, SearchKind kind) {
  RETURN_IF_ERROR(CheckText(clause, kMaxOrderByLength, "the order_by clause"));
  Source src(clause);
  ASSIGN_OR_RETURN(std::vector<Token> tokens, Lex(src));
  Parser p(src, std::move(tokens), kind);
  auto ob = p.Order();
  if (!ob.ok()) return ob.status().WithContext("order_by '" + std::string(clause.substr(0, 100)) + "'");
  return ob;
}

}  // namespace moebius::tracking
