#include "project/criteria.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "base/strings.h"

namespace moebius::project {

struct Criteria::Node {
  enum Kind { kAnd, kOr, kNot, kCompare } kind;
  std::vector<std::shared_ptr<const Node>> children;
  // kCompare: `metric op number`, with the comparison normalized so the metric is on the left.
  std::string metric;
  std::string op;
  double number = 0;
  std::string number_text;
};

namespace {

using Node = Criteria::Node;
constexpr size_t kMaxLength = 4096;
constexpr int kMaxDepth = 32;

struct Token {
  enum Kind { kIdent, kNumber, kOp, kAnd, kOr, kNot, kLParen, kRParen, kEnd } kind;
  std::string text;
  size_t column;  // 1-based
};

Status ErrorAt(size_t column, const std::string& what) {
  return InvalidArgument("at column " + std::to_string(column) + ": " + what);
}

bool IdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IdentChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-' || c == '/';
}

Result<std::vector<Token>> Lex(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    size_t col = i + 1;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
      continue;
    }
    if (c == '(') { out.push_back({Token::kLParen, "(", col}); ++i; continue; }
    if (c == ')') { out.push_back({Token::kRParen, ")", col}); ++i; continue; }
    if (c == '&' || c == '|') {
      if (i + 1 < s.size() && s[i + 1] == c) {
        out.push_back({c == '&' ? Token::kAnd : Token::kOr, c == '&' ? "and" : "or", col});
        i += 2;
        continue;
      }
      return ErrorAt(col, std::string("unexpected '") + c + "'; did you mean '" + c + c + "'?");
    }
    if (c == '<' || c == '>' || c == '=' || c == '!') {
      bool two = i + 1 < s.size() && s[i + 1] == '=';
      std::string op = two ? std::string{c, '='} : std::string(1, c);
      i += two ? 2 : 1;
      if (op == "!") {
        out.push_back({Token::kNot, "not", col});
        continue;
      }
      if (op == "=") op = "==";
      out.push_back({Token::kOp, op, col});
      continue;
    }
    if (c == '`') {
      size_t end = s.find('`', i + 1);
      if (end == std::string_view::npos) return ErrorAt(col, "unterminated backticked name");
      if (end == i + 1) return ErrorAt(col, "empty backticked name");
      out.push_back({Token::kIdent, std::string(s.substr(i + 1, end - i - 1)), col});
      i = end + 1;
      continue;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.' || ((c == '-' || c == '+') && i + 1 < s.size() &&
                                                                    (std::isdigit(static_cast<unsigned char>(s[i + 1])) || s[i + 1] == '.'))) {
      size_t j = i + 1;
      while (j < s.size() && (std::isdigit(static_cast<unsigned char>(s[j])) || s[j] == '.' || s[j] == 'e' || s[j] == 'E' ||
                              ((s[j] == '-' || s[j] == '+') && (s[j - 1] == 'e' || s[j - 1] == 'E'))))
        ++j;
      std::string text(s.substr(i, j - i));
      auto v = ParseDouble(text);
      if (!v || !std::isfinite(*v)) return ErrorAt(col, "'" + text + "' is not a number");
      out.push_back({Token::kNumber, text, col});
      i = j;
      continue;
    }
    if (IdentStart(c)) {
      size_t j = i + 1;
      while (j < s.size() && IdentChar(s[j])) ++j;
      std::string word(s.substr(i, j - i));
      std::string lower = ToLower(word);
      if (lower == "and") out.push_back({Token::kAnd, "and", col});
      else if (lower == "or") out.push_back({Token::kOr, "or", col});
      else if (lower == "not") out.push_back({Token::kNot, "not", col});
      else out.push_back({Token::kIdent, word, col});
      i = j;
      continue;
    }
    return ErrorAt(col, std::string("unexpected character '") + c + "'");
  }
  out.push_back({Token::kEnd, "", s.size() + 1});
  return out;
}

class Parser {
 public:
  explicit Parser(std::vector<Token> t) : t_(std::move(t)) {}

  Result<std::shared_ptr<const Node>> Parse() {
    if (t_.front().kind == Token::kEnd) return InvalidArgument("the expression is empty");
    ASSIGN_OR_RETURN(auto root, Or(0));
    if (Peek().kind != Token::kEnd) return ErrorAt(Peek().column, "unexpected '" + Peek().text + "'; expected 'and', 'or' or the end");
    return root;
  }

 private:
  const Token& Peek() const { return t_[pos_]; }
  const Token& Next() { return t_[pos_++]; }

  Result<std::shared_ptr<const Node>> Or(int depth) {
    ASSIGN_OR_RETURN(auto left, And(depth));
    if (Peek().kind != Token::kOr) return left;
    auto n = std::make_shared<Node>();
    n->kind = Node::kOr;
    n->children.push_back(left);
    while (Peek().kind == Token::kOr) {
      Next();
      ASSIGN_OR_RETURN(auto right, And(depth));
      n->children.push_back(right);
    }
    return std::shared_ptr<const Node>(n);
  }

  Result<std::shared_ptr<const Node>> And(int depth) {
    ASSIGN_OR_RETURN(auto left, Unary(depth));
    if (Peek().kind != Token::kAnd) return left;
    auto n = std::make_shared<Node>();
    n->kind = Node::kAnd;
    n->children.push_back(left);
    while (Peek().kind == Token::kAnd) {
      Next();
      ASSIGN_OR_RETURN(auto right, Unary(depth));
      n->children.push_back(right);
    }
    return std::shared_ptr<const Node>(n);
  }

  Result<std::shared_ptr<const Node>> Unary(int depth) {
    if (depth > kMaxDepth) return ErrorAt(Peek().column, "nested deeper than " + std::to_string(kMaxDepth) + " levels");
    const Token& t = Peek();
    if (t.kind == Token::kNot) {
      Next();
      ASSIGN_OR_RETURN(auto child, Unary(depth + 1));
      auto n = std::make_shared<Node>();
      n->kind = Node::kNot;
      n->children.push_back(child);
      return std::shared_ptr<const Node>(n);
    }
    if (t.kind == Token::kLParen) {
      Next();
      ASSIGN_OR_RETURN(auto inner, Or(depth + 1));
      if (Peek().kind != Token::kRParen) return ErrorAt(Peek().column, "expected ')' to close the '(' at column " + std::to_string(t.column));
      Next();
      return inner;
    }
    return Comparison();
  }

  Result<std::shared_ptr<const Node>> Comparison() {
    const Token& a = Next();
    if (a.kind != Token::kIdent && a.kind != Token::kNumber)
      return ErrorAt(a.column, a.kind == Token::kEnd ? "expected a comparison at the end" : "expected a metric name or a number, got '" + a.text + "'");
    const Token& op = Next();
    if (op.kind != Token::kOp)
      return ErrorAt(op.column, "expected a comparison operator (<, <=, >, >=, ==, !=) after '" + a.text + "'");
    const Token& b = Next();
    if (b.kind != Token::kIdent && b.kind != Token::kNumber)
      return ErrorAt(b.column, std::string("expected ") + (a.kind == Token::kIdent ? "a number" : "a metric name") + " after '" + op.text + "'");
    if (a.kind == b.kind)
      return ErrorAt(a.column, a.kind == Token::kIdent ? "compare a metric with a number, not two metrics"
                                                       : "compare a metric with a number, not two numbers");
    auto n = std::make_shared<Node>();
    n->kind = Node::kCompare;
    bool metric_left = a.kind == Token::kIdent;
    n->metric = metric_left ? a.text : b.text;
    n->number_text = metric_left ? b.text : a.text;
    n->number = *ParseDouble(n->number_text);
    n->op = op.text;
    if (!metric_left) {  // `0.85 <= f1` becomes `f1 >= 0.85`
      if (n->op == "<") n->op = ">";
      else if (n->op == "<=") n->op = ">=";
      else if (n->op == ">") n->op = "<";
      else if (n->op == ">=") n->op = "<=";
    }
    return std::shared_ptr<const Node>(n);
  }

  std::vector<Token> t_;
  size_t pos_ = 0;
};

std::string MetricText(const std::string& m) {
  bool plain = !m.empty() && IdentStart(m[0]) && std::all_of(m.begin(), m.end(), IdentChar);
  std::string lower = ToLower(m);
  if (lower == "and" || lower == "or" || lower == "not") plain = false;
  return plain ? m : "`" + m + "`";
}

std::string CompareText(const Node& n) { return MetricText(n.metric) + " " + n.op + " " + n.number_text; }

std::string Render(const Node& n, int parent_prec) {
  switch (n.kind) {
    case Node::kCompare: return CompareText(n);
    case Node::kNot: return "not " + Render(*n.children[0], 3);
    case Node::kAnd:
    case Node::kOr: {
      int prec = n.kind == Node::kAnd ? 2 : 1;
      std::string out;
      for (size_t i = 0; i < n.children.size(); ++i) {
        if (i) out += n.kind == Node::kAnd ? " and " : " or ";
        out += Render(*n.children[i], prec);
      }
      return prec < parent_prec ? "(" + out + ")" : out;
    }
  }
  return "";
}

bool Compare(double v, const std::string& op, double x) {
  if (std::isnan(v)) return false;
  if (op == "<") return v < x;
  if (op == "<=") return v <= x;
  if (op == ">") return v > x;
  if (op == ">=") return v >= x;
  if (op == "==") return v == x;
  return v != x;  // "!="
}

bool Eval(const Node& n, const std::function<std::optional<double>(std::string_view)>& lookup, Evaluation& ev) {
  switch (n.kind) {
    case Node::kCompare: {
      std::optional<double> v = lookup(n.metric);
      bool ok = v && Compare(*v, n.op, n.number);
      if (!v && std::find(ev.missing.begin(), ev.missing.end(), n.metric) == ev.missing.end()) ev.missing.push_back(n.metric);
      ev.clauses.push_back({CompareText(n), ok, v});
      return ok;
    }
    case Node::kNot: return !Eval(*n.children[0], lookup, ev);
    case Node::kAnd: {
      bool all = true;
      for (const auto& c : n.children) all = Eval(*c, lookup, ev) && all;  // evaluate every clause for the report
      return all;
    }
    case Node::kOr: {
      bool any = false;
      for (const auto& c : n.children) any = Eval(*c, lookup, ev) || any;
      return any;
    }
  }
  return false;
}

void CollectMetrics(const Node& n, std::set<std::string>& out) {
  if (n.kind == Node::kCompare) out.insert(n.metric);
  for (const auto& c : n.children) CollectMetrics(*c, out);
}

}  // namespace

std::vector<std::string> Criteria::Metrics() const {
  std::set<std::string> s;
  CollectMetrics(*root_, s);
  return {s.begin(), s.end()};
}

std::string Criteria::Canonical() const { return Render(*root_, 0); }

Evaluation Criteria::Evaluate(const std::function<std::optional<double>(std::string_view)>& lookup) const {
  Evaluation ev;
  ev.passed = Eval(*root_, lookup, ev);
  return ev;
}

Result<Criteria> ParseCriteria(std::string_view text) {
  if (text.size() > kMaxLength) return InvalidArgument("criteria longer than " + std::to_string(kMaxLength) + " bytes");
  ASSIGN_OR_RETURN(std::vector<Token> tokens, Lex(text));
  Parser p(std::move(tokens));
  ASSIGN_OR_RETURN(auto root, p.Parse());
  return Criteria(root);
}

}  // namespace moebius::project
