#include "eval/criteria.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <set>

#include "base/strings.h"

namespace moebius::eval {

struct Criteria::Node {
  enum Kind { kAnd, kOr, kNot, kCompare } kind = kCompare;
  std::vector<std::shared_ptr<const Node>> children;
  // kCompare: `metric op number`, normalized so that the metric is on the left.
  std::string metric;
  std::string op;  // < <= > >= == !=
  double number = 0;
  std::string number_text;  // as written, so Canonical() keeps the author's precision
};

namespace {

using Node = Criteria::Node;
using NodePtr = std::shared_ptr<const Node>;

constexpr size_t kMaxLength = 4096;
constexpr int kMaxDepth = 32;

struct Token {
  enum Kind { kIdent, kNumber, kOp, kAnd, kOr, kNot, kLParen, kRParen, kEnd } kind;
  std::string text;
  size_t offset;  // byte offset into the source
};

bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
bool IdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IdentChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-' || c == '/';
}

// A readable name for the character at s[i]: 'c', a whole UTF-8 sequence, or U+XXXX for controls.
std::string DescribeChar(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c >= 0x20 && c < 0x7f) return std::string("'") + static_cast<char>(c) + "'";
  if (c >= 0x80) {
    size_t j = i + 1;
    while (j < s.size() && (static_cast<unsigned char>(s[j]) & 0xC0) == 0x80) ++j;
    return "'" + std::string(s.substr(i, j - i)) + "'";
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", c);
  return buf;
}

class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}

  Result<std::vector<Token>> Run() {
    std::vector<Token> out;
    size_t i = 0;
    while (i < s_.size()) {
      char c = s_[i];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        ++i;
        continue;
      }
      if (c == '(' || c == ')') {
        out.push_back({c == '(' ? Token::kLParen : Token::kRParen, std::string(1, c), i});
        ++i;
        continue;
      }
      if (c == '&' || c == '|') {
        if (i + 1 < s_.size() && s_[i + 1] == c) {
          out.push_back({c == '&' ? Token::kAnd : Token::kOr, c == '&' ? "and" : "or", i});
          i += 2;
          continue;
        }
        return Error(i, std::string("unexpected '") + c + "'; did you mean '" + c + c + "'?");
      }
      if (c == '<' || c == '>' || c == '=' || c == '!') {
        bool two = i + 1 < s_.size() && s_[i + 1] == '=';
        std::string op = two ? std::string{c, '='} : std::string(1, c);
        if (op == "!") {
          out.push_back({Token::kNot, "not", i});
        } else {
          out.push_back({Token::kOp, op == "=" ? "==" : op, i});
        }
        i += op.size();
        continue;
      }
      if (c == '`') {
        size_t end = s_.find('`', i + 1);
        if (end == std::string_view::npos) return Error(i, "unterminated backticked name; add the closing '`'");
        if (end == i + 1) return Error(i, "empty backticked name");
        for (size_t k = i + 1; k < end; ++k)
          if (static_cast<unsigned char>(s_[k]) < 0x20) return Error(k, "control character " + DescribeChar(s_, k) + " in a name");
        out.push_back({Token::kIdent, std::string(s_.substr(i + 1, end - i - 1)), i});
        i = end + 1;
        continue;
      }
      bool sign = (c == '-' || c == '+') && i + 1 < s_.size() && (IsDigit(s_[i + 1]) || s_[i + 1] == '.');
      if (IsDigit(c) || c == '.' || sign) {
        size_t j = i + 1;
        while (j < s_.size() && (IsDigit(s_[j]) || s_[j] == '.' || s_[j] == 'e' || s_[j] == 'E' ||
                                 ((s_[j] == '-' || s_[j] == '+') && (s_[j - 1] == 'e' || s_[j - 1] == 'E'))))
          ++j;
        std::string text(s_.substr(i, j - i));
        auto v = ParseDouble(text);
        if (!v || !std::isfinite(*v)) return Error(i, "'" + text + "' is not a finite number");
        out.push_back({Token::kNumber, text, i});
        i = j;
        continue;
      }
      if (IdentStart(c)) {
        size_t j = i + 1;
        while (j < s_.size() && IdentChar(s_[j])) ++j;
        std::string word(s_.substr(i, j - i));
        std::string lower = ToLower(word);
        if (lower == "and") out.push_back({Token::kAnd, "and", i});
        else if (lower == "or") out.push_back({Token::kOr, "or", i});
        else if (lower == "not") out.push_back({Token::kNot, "not", i});
        else out.push_back({Token::kIdent, word, i});
        i = j;
        continue;
      }
      std::string hint = static_cast<unsigned char>(c) >= 0x80 ? "; quote such a name with backticks" : "";
      return Error(i, "unexpected character " + DescribeChar(s_, i) + hint);
    }
    out.push_back({Token::kEnd, "", s_.size()});
    return out;
  }

  // 1-based column in characters (UTF-8 code points), so a caret lines up under the text.
  size_t Column(size_t offset) const {
    size_t col = 1;
    for (size_t k = 0; k < offset && k < s_.size(); ++k)
      if ((static_cast<unsigned char>(s_[k]) & 0xC0) != 0x80) ++col;
    return col;
  }

  Status Error(size_t offset, const std::string& what) const {
    return InvalidArgument("at column " + std::to_string(Column(offset)) + ": " + what);
  }

 private:
  std::string_view s_;
};

class Parser {
 public:
  Parser(const Lexer& lexer, std::vector<Token> t) : lexer_(lexer), t_(std::move(t)) {}

  Result<NodePtr> Parse() {
    if (Peek().kind == Token::kEnd) return InvalidArgument("the expression is empty");
    ASSIGN_OR_RETURN(NodePtr root, Or(0));
    if (Peek().kind != Token::kEnd)
      return Error(Peek(), "unexpected '" + Peek().text + "'; expected 'and', 'or' or the end");
    return root;
  }

 private:
  const Token& Peek() const { return t_[pos_]; }
  const Token& Next() { return t_[pos_ == t_.size() - 1 ? pos_ : pos_++]; }
  Status Error(const Token& t, const std::string& what) const { return lexer_.Error(t.offset, what); }

  // One level of a left-associative n-ary operator: `sub (op sub)*`.
  template <typename Sub>
  Result<NodePtr> Chain(Token::Kind op, Node::Kind kind, int depth, Sub sub) {
    ASSIGN_OR_RETURN(NodePtr first, (this->*sub)(depth));
    if (Peek().kind != op) return first;
    auto n = std::make_shared<Node>();
    n->kind = kind;
    n->children.push_back(std::move(first));
    while (Peek().kind == op) {
      Next();
      ASSIGN_OR_RETURN(NodePtr next, (this->*sub)(depth));
      n->children.push_back(std::move(next));
    }
    return NodePtr(std::move(n));
  }

  Result<NodePtr> Or(int depth) { return Chain(Token::kOr, Node::kOr, depth, &Parser::And); }
  Result<NodePtr> And(int depth) { return Chain(Token::kAnd, Node::kAnd, depth, &Parser::Unary); }

  Result<NodePtr> Unary(int depth) {
    const Token& t = Peek();
    if (t.kind == Token::kNot || t.kind == Token::kLParen) {
      if (depth >= kMaxDepth) return Error(t, "nested deeper than " + std::to_string(kMaxDepth) + " levels");
    }
    if (t.kind == Token::kNot) {
      Next();
      ASSIGN_OR_RETURN(NodePtr child, Unary(depth + 1));
      auto n = std::make_shared<Node>();
      n->kind = Node::kNot;
      n->children.push_back(std::move(child));
      return NodePtr(std::move(n));
    }
    if (t.kind == Token::kLParen) {
      const Token& open = Next();
      ASSIGN_OR_RETURN(NodePtr inner, Or(depth + 1));
      if (Peek().kind != Token::kRParen)
        return Error(Peek(), "expected ')' to close the '(' at column " + std::to_string(lexer_.Column(open.offset)));
      Next();
      return inner;
    }
    return Comparison();
  }

  static bool IsOperand(const Token& t) { return t.kind == Token::kIdent || t.kind == Token::kNumber; }

  Result<NodePtr> Comparison() {
    const Token& a = Next();
    if (!IsOperand(a)) {
      if (a.kind == Token::kEnd) return Error(a, "expected a comparison such as 'f1 >= 0.85' at the end");
      return Error(a, "expected a metric name or a number, got '" + a.text + "'");
    }
    const Token& op = Next();
    if (op.kind != Token::kOp)
      return Error(op, "expected a comparison operator (<, <=, >, >=, ==, !=) after '" + a.text + "'");
    const Token& b = Next();
    const char* want = a.kind == Token::kIdent ? "a number" : "a metric name";
    if (!IsOperand(b)) return Error(b, std::string("expected ") + want + " after '" + op.text + "'");
    if (a.kind == b.kind)
      return Error(a, a.kind == Token::kIdent ? "compare a metric with a number, not two metrics"
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
    return NodePtr(std::move(n));
  }

  const Lexer& lexer_;
  std::vector<Token> t_;
  size_t pos_ = 0;
};

// ---- rendering

std::string MetricText(const std::string& m) {
  bool plain = !m.empty() && IdentStart(m[0]) && std::all_of(m.begin(), m.end(), IdentChar);
  std::string lower = ToLower(m);
  if (lower == "and" || lower == "or" || lower == "not") plain = false;
  return plain ? m : "`" + m + "`";
}

std::string CompareText(const Node& n) { return MetricText(n.metric) + " " + n.op + " " + n.number_text; }

// Precedence: or 1, and 2, not 3. A child binds looser than its parent only inside parentheses.
std::string Render(const Node& n, int parent_prec) {
  switch (n.kind) {
    case Node::kCompare:
      return CompareText(n);
    case Node::kNot:
      return "not " + Render(*n.children[0], 3);
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

// ---- evaluation in three-valued logic

enum class Truth { kFalse, kTrue, kUnknown };

bool Compare(double v, const std::string& op, double x) {
  if (op == "<") return v < x;
  if (op == "<=") return v <= x;
  if (op == ">") return v > x;
  if (op == ">=") return v >= x;
  if (op == "==") return v == x;
  return v != x;  // "!="
}

Truth Eval(const Node& n, const std::function<std::optional<double>(std::string_view)>& lookup, Evaluation& ev) {
  switch (n.kind) {
    case Node::kCompare: {
      std::optional<double> v = lookup(n.metric);
      Truth t = !v || std::isnan(*v) ? Truth::kUnknown : Compare(*v, n.op, n.number) ? Truth::kTrue : Truth::kFalse;
      if (!v && std::find(ev.missing.begin(), ev.missing.end(), n.metric) == ev.missing.end()) ev.missing.push_back(n.metric);
      ev.clauses.push_back({CompareText(n), t == Truth::kTrue, v, n.metric, ""});
      return t;
    }
    case Node::kNot: {
      Truth t = Eval(*n.children[0], lookup, ev);
      return t == Truth::kUnknown ? t : t == Truth::kTrue ? Truth::kFalse : Truth::kTrue;
    }
    case Node::kAnd:
    case Node::kOr: {
      // and: any false → false, else any unknown → unknown. or: any true → true, else any unknown → unknown.
      Truth decisive = n.kind == Node::kAnd ? Truth::kFalse : Truth::kTrue;
      bool decided = false, unknown = false;
      for (const auto& c : n.children) {  // every child, so that every clause is reported
        Truth t = Eval(*c, lookup, ev);
        decided |= t == decisive;
        unknown |= t == Truth::kUnknown;
      }
      if (decided) return decisive;
      if (unknown) return Truth::kUnknown;
      return n.kind == Node::kAnd ? Truth::kTrue : Truth::kFalse;
    }
  }
  return Truth::kUnknown;
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
  ev.passed = Eval(*root_, lookup, ev) == Truth::kTrue;
  return ev;
}

Result<Criteria> ParseCriteria(std::string_view text) {
  if (text.size() > kMaxLength)
    return InvalidArgument("the expression is " + std::to_string(text.size()) + " bytes long; the limit is " +
                           std::to_string(kMaxLength));
  if (!IsValidUtf8(text)) return InvalidArgument("the expression is not valid UTF-8 text");
  Lexer lexer(text);
  ASSIGN_OR_RETURN(std::vector<Token> tokens, lexer.Run());
  Parser p(lexer, std::move(tokens));
  ASSIGN_OR_RETURN(NodePtr root, p.Parse());
  return Criteria(std::move(root));
}

}  // namespace moebius::eval
