#include "tracking/search_filter.h"

#include <cmath>

#include "base/strings.h"

namespace moebius::tracking {
namespace {

constexpr size_t kMaxFilterLength = 10000;
constexpr size_t kMaxInValues = 1000;

struct Token {
  enum Kind { kWord, kString, kDoubleQuoted, kQuotedName, kNumber, kOp, kLParen, kRParen, kComma, kEnd } kind;
  std::string text;
  size_t pos;  // 1-based
};

Status ErrorAt(const Token& t, const std::string& what) {
  std::string near = t.kind == Token::kEnd ? "the end of the filter" : "'" + t.text.substr(0, 60) + "'";
  return InvalidArgument("Invalid search expression at position " + std::to_string(t.pos) + " (" + near + "): " + what);
}

bool WordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-' || c == '/' || c == ':' ||
         static_cast<unsigned char>(c) >= 0x80;
}

Result<std::vector<Token>> Lex(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    size_t pos = i + 1;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') { ++i; continue; }
    if (c == '(') { out.push_back({Token::kLParen, "(", pos}); ++i; continue; }
    if (c == ')') { out.push_back({Token::kRParen, ")", pos}); ++i; continue; }
    if (c == ',') { out.push_back({Token::kComma, ",", pos}); ++i; continue; }
    if (c == '\'' || c == '"' || c == '`') {
      // Quotes are doubled or backslash-escaped inside, as SQL and MLflow accept.
      std::string text;
      size_t j = i + 1;
      bool closed = false;
      while (j < s.size()) {
        if (s[j] == '\\' && j + 1 < s.size() && c != '`') {
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
      if (!closed) return ErrorAt({Token::kString, std::string(1, c), pos}, "unterminated quoted text");
      // Backticks quote key names; single quotes quote values; double quotes may quote either.
      out.push_back({c == '`' ? Token::kQuotedName : c == '"' ? Token::kDoubleQuoted : Token::kString, text, pos});
      i = j + 1;
      continue;
    }
    if (c == '=' || c == '!' || c == '<' || c == '>') {
      std::string op(1, c);
      if (i + 1 < s.size() && (s[i + 1] == '=' || (c == '<' && s[i + 1] == '>'))) op += s[i + 1];
      if (op == "!") return ErrorAt({Token::kOp, op, pos}, "'!' must be followed by '='");
      i += op.size();
      if (op == "<>") op = "!=";
      if (op == "==") op = "=";
      out.push_back({Token::kOp, op, pos});
      continue;
    }
    bool numeric_start = std::isdigit(static_cast<unsigned char>(c)) ||
                         ((c == '-' || c == '+' || c == '.') && i + 1 < s.size() && (std::isdigit(static_cast<unsigned char>(s[i + 1])) || s[i + 1] == '.'));
    if (numeric_start) {
      size_t j = i + 1;
      while (j < s.size() && (std::isdigit(static_cast<unsigned char>(s[j])) || s[j] == '.' || s[j] == 'e' || s[j] == 'E' ||
                              ((s[j] == '-' || s[j] == '+') && (s[j - 1] == 'e' || s[j - 1] == 'E'))))
        ++j;
      out.push_back({Token::kNumber, std::string(s.substr(i, j - i)), pos});
      i = j;
      continue;
    }
    if (WordChar(c)) {
      size_t j = i;
      while (j < s.size() && WordChar(s[j])) ++j;
      out.push_back({Token::kWord, std::string(s.substr(i, j - i)), pos});
      i = j;
      continue;
    }
    return ErrorAt({Token::kOp, std::string(1, c), pos}, std::string("unexpected character '") + c + "'");
  }
  out.push_back({Token::kEnd, "", s.size() + 1});
  return out;
}

bool IsDoubleQuoted(const Token& t) { return t.kind == Token::kDoubleQuoted; }

struct AttributeSpec {
  const char* name;
  const char* canonical;
  bool numeric;
};

const std::vector<AttributeSpec>& Attributes(SearchKind kind) {
  static const std::vector<AttributeSpec> kRun = {
      {"run_id", "run_id", false},           {"run_name", "run_name", false},     {"status", "status", false},
      {"user_id", "user_id", false},         {"artifact_uri", "artifact_uri", false},
      {"start_time", "start_time", true},    {"end_time", "end_time", true},      {"created", "start_time", true},
      {"Created", "start_time", true},       {"lifecycle_stage", "lifecycle_stage", false},
  };
  static const std::vector<AttributeSpec> kExperiment = {
      {"name", "name", false},
      {"experiment_id", "experiment_id", true},
      {"creation_time", "creation_time", true},
      {"last_update_time", "last_update_time", true},
      {"lifecycle_stage", "lifecycle_stage", false},
  };
  return kind == SearchKind::kRuns ? kRun : kExperiment;
}

std::optional<EntityType> EntityOf(std::string_view word, SearchKind kind) {
  std::string w = ToLower(word);
  if (kind == SearchKind::kRuns) {
    if (w == "metric" || w == "metrics") return EntityType::kMetric;
    if (w == "param" || w == "params" || w == "parameter" || w == "parameters") return EntityType::kParam;
  }
  if (w == "tag" || w == "tags") return EntityType::kTag;
  if (w == "attribute" || w == "attributes" || w == "attr" || (kind == SearchKind::kRuns && w == "run")) return EntityType::kAttribute;
  return std::nullopt;
}

const char* EntityList(SearchKind kind) {
  return kind == SearchKind::kRuns ? "metrics., params., tags. or attributes." : "tags. or attributes.";
}

class Parser {
 public:
  Parser(std::vector<Token> t, SearchKind kind) : t_(std::move(t)), kind_(kind) {}

  const Token& Peek() const { return t_[pos_]; }
  const Token& Next() { return t_[pos_++]; }
  bool AtEnd() const { return Peek().kind == Token::kEnd; }

  Result<SearchKey> Key() {
    const Token& t = Next();
    if (t.kind == Token::kQuotedName || IsDoubleQuoted(t)) {
      return ResolveAttribute(t, t.text);
    }
    if (t.kind != Token::kWord) return ErrorAt(t, std::string("expected a key such as metrics.accuracy (") + EntityList(kind_) + ")");
    size_t dot = t.text.find('.');
    if (dot == std::string::npos) return ResolveAttribute(t, t.text);
    auto entity = EntityOf(t.text.substr(0, dot), kind_);
    if (!entity) {
      // A bare attribute containing no entity prefix, e.g. experiments' `name`.
      return ErrorAt(t, std::string("unknown entity '") + t.text.substr(0, dot) + "'; keys start with " + EntityList(kind_));
    }
    std::string name = t.text.substr(dot + 1);
    if (name.empty()) {
      const Token& q = Next();
      if (q.kind != Token::kQuotedName && !IsDoubleQuoted(q))
        return ErrorAt(q, "expected a key name after '" + t.text + "'");
      name = q.text;
    }
    if (name.empty()) return ErrorAt(t, "empty key name");
    if (*entity == EntityType::kAttribute) return ResolveAttribute(t, name);
    return SearchKey{*entity, name};
  }

  Result<SearchKey> ResolveAttribute(const Token& t, const std::string& name) {
    for (const auto& a : Attributes(kind_))
      if (name == a.name) return SearchKey{EntityType::kAttribute, a.canonical};
    std::string valid;
    for (const auto& a : Attributes(kind_)) valid += std::string(valid.empty() ? "" : ", ") + a.name;
    return ErrorAt(t, "unknown attribute '" + name + "'; valid attributes are " + valid);
  }

  Result<SearchValue> Value(const SearchKey& key) {
    const Token& t = Next();
    bool numeric = key.type == EntityType::kMetric || (key.type == EntityType::kAttribute && IsNumericAttribute(kind_, key.name));
    if (numeric) {
      if (t.kind != Token::kNumber) return ErrorAt(t, "expected a number for " + Describe(key));
      auto v = ParseDouble(t.text);
      if (!v || !std::isfinite(*v)) return ErrorAt(t, "'" + t.text + "' is not a number");
      return SearchValue{true, *v, t.text};
    }
    if (t.kind != Token::kString && t.kind != Token::kDoubleQuoted)
      return ErrorAt(t, "expected a quoted string for " + Describe(key) + ", e.g. '0.01'");
    return SearchValue{false, 0, t.text};
  }

  std::string Describe(const SearchKey& k) const {
    switch (k.type) {
      case EntityType::kMetric: return "metric '" + k.name + "'";
      case EntityType::kParam: return "param '" + k.name + "'";
      case EntityType::kTag: return "tag '" + k.name + "'";
      case EntityType::kAttribute: return "attribute '" + k.name + "'";
    }
    return k.name;
  }

  Result<Comparison> ParseComparison() {
    ASSIGN_OR_RETURN(SearchKey key, Key());
    Comparison c{key, "", {}};
    const Token& op = Next();
    bool numeric = key.type == EntityType::kMetric || (key.type == EntityType::kAttribute && IsNumericAttribute(kind_, key.name));
    if (op.kind == Token::kOp) {
      c.op = op.text;
      if (!numeric && c.op != "=" && c.op != "!=")
        return ErrorAt(op, "operator '" + c.op + "' is not allowed for " + Describe(key) + "; use =, !=, LIKE, ILIKE, IN or NOT IN");
      ASSIGN_OR_RETURN(SearchValue v, Value(key));
      c.values.push_back(std::move(v));
      return c;
    }
    if (op.kind != Token::kWord) return ErrorAt(op, "expected a comparison operator after " + Describe(key));
    std::string w = ToLower(op.text);
    if (w == "not") {
      const Token& in = Next();
      if (ToLower(in.text) != "in" || in.kind != Token::kWord) return ErrorAt(in, "expected IN after NOT");
      w = "not in";
    }
    if (w == "like" || w == "ilike" || w == "in" || w == "not in") {
      if (numeric) return ErrorAt(op, "operator '" + op.text + "' is not allowed for " + Describe(key) + "; use =, !=, <, <=, > or >=");
      c.op = ToUpperOp(w);
      if (w == "like" || w == "ilike") {
        ASSIGN_OR_RETURN(SearchValue v, Value(key));
        c.values.push_back(std::move(v));
        return c;
      }
      const Token& lp = Next();
      if (lp.kind != Token::kLParen) return ErrorAt(lp, "expected '(' to start the IN list");
      while (true) {
        ASSIGN_OR_RETURN(SearchValue v, Value(key));
        c.values.push_back(std::move(v));
        if (c.values.size() > kMaxInValues) return ErrorAt(Peek(), "an IN list may hold at most 1000 values");
        const Token& sep = Next();
        if (sep.kind == Token::kRParen) break;
        if (sep.kind != Token::kComma) return ErrorAt(sep, "expected ',' or ')' in the IN list");
      }
      return c;
    }
    return ErrorAt(op, "expected a comparison operator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN) after " + Describe(key));
  }

  static std::string ToUpperOp(const std::string& w) {
    if (w == "like") return "LIKE";
    if (w == "ilike") return "ILIKE";
    if (w == "in") return "IN";
    return "NOT IN";
  }

  Result<std::vector<Comparison>> ParseFilter() {
    std::vector<Comparison> out;
    if (AtEnd()) return out;
    while (true) {
      ASSIGN_OR_RETURN(Comparison c, ParseComparison());
      out.push_back(std::move(c));
      if (AtEnd()) break;
      const Token& t = Next();
      if (t.kind == Token::kWord && ToLower(t.text) == "and") continue;
      if (t.kind == Token::kWord && ToLower(t.text) == "or")
        return ErrorAt(t, "OR is not supported; the search grammar joins comparisons with AND only");
      return ErrorAt(t, "expected AND or the end of the filter");
    }
    return out;
  }

  SearchKind kind() const { return kind_; }

 private:
  std::vector<Token> t_;
  size_t pos_ = 0;
  SearchKind kind_;
};

}  // namespace

bool IsNumericAttribute(SearchKind kind, const std::string& name) {
  for (const auto& a : Attributes(kind))
    if (name == a.canonical) return a.numeric;
  return false;
}

Result<std::vector<Comparison>> ParseSearchFilter(std::string_view filter, SearchKind kind) {
  if (filter.size() > kMaxFilterLength) return InvalidArgument("filter is longer than 10000 characters");
  ASSIGN_OR_RETURN(std::vector<Token> tokens, Lex(filter));
  Parser p(std::move(tokens), kind);
  return p.ParseFilter();
}

Result<OrderBy> ParseOrderBy(std::string_view clause, SearchKind kind) {
  if (clause.size() > 1000) return InvalidArgument("order_by clause is longer than 1000 characters");
  ASSIGN_OR_RETURN(std::vector<Token> tokens, Lex(clause));
  Parser p(std::move(tokens), kind);
  if (p.AtEnd()) return InvalidArgument("empty order_by clause");
  ASSIGN_OR_RETURN(SearchKey key, p.Key());
  OrderBy ob{key, true};
  if (!p.AtEnd()) {
    const Token& dir = p.Next();
    std::string d = ToLower(dir.text);
    if (dir.kind != Token::kWord || (d != "asc" && d != "desc"))
      return ErrorAt(dir, "expected ASC or DESC in order_by '" + std::string(clause) + "'");
    ob.ascending = d == "asc";
  }
  if (!p.AtEnd()) return ErrorAt(p.Peek(), "unexpected text in order_by '" + std::string(clause) + "'");
  return ob;
}

}  // namespace moebius::tracking
