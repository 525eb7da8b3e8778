#include "eval/text.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "eval/common.h"

namespace moebius::eval {

namespace {

struct Tag {
  char prefix = 'O';  // O, B, I, E, S
  std::string type;   // "_" for a bare prefix, as seqeval
};

Result<Tag> ParseTag(const std::string& s, NerMode mode, size_t sentence, size_t token) {
  auto bad = [&](const std::string& why) {
    return InvalidArgument("sentence " + std::to_string(sentence) + ", token " + std::to_string(token) +
                           ": tag \"" + s + "\" " + why);
  };
  if (s == "O") return Tag{'O', "_"};
  const std::string allowed = mode == NerMode::kStrictIob2 ? "BI" : "BIES";
  if (s.empty() || allowed.find(s[0]) == std::string::npos) {
    return bad(mode == NerMode::kStrictIob2 ? "is not O, B-TYPE or I-TYPE (strict IOB2)"
                                            : "is not O or B-, I-, E-, S- followed by a type");
  }
  if (s.size() == 1) return Tag{s[0], "_"};
  if (s[1] != '-' || s.size() < 3) return bad("needs a '-' and a type after its prefix");
  return Tag{s[0], s.substr(2)};
}

// seqeval's end_of_chunk and start_of_chunk.
bool EndOfChunk(char prev, char tag, const std::string& prev_type, const std::string& type) {
  if (prev == 'E' || prev == 'S') return true;
  if ((prev == 'B' || prev == 'I') && (tag == 'B' || tag == 'S' || tag == 'O')) return true;
  return prev != 'O' && prev_type != type;
}

bool StartOfChunk(char prev, char tag, const std::string& prev_type, const std::string& type) {
  if (tag == 'B' || tag == 'S') return true;
  if ((prev == 'E' || prev == 'S' || prev == 'O') && (tag == 'E' || tag == 'I')) return true;
  return tag != 'O' && prev_type != type;
}

Status LenientSentence(const std::vector<std::string>& tags, size_t sentence, std::vector<Entity>* out) {
  char prev = 'O';
  std::string prev_type = "_";
  size_t begin = 0;
  for (size_t i = 0; i <= tags.size(); ++i) {
    Tag t{'O', "_"};
    if (i < tags.size()) {
      ASSIGN_OR_RETURN(t, ParseTag(tags[i], NerMode::kLenient, sentence, i));
    }
    if (EndOfChunk(prev, t.prefix, prev_type, t.type)) out->push_back(Entity{prev_type, sentence, begin, i - 1});
    if (StartOfChunk(prev, t.prefix, prev_type, t.type)) begin = i;
    prev = t.prefix;
    prev_type = t.type;
  }
  return Status::Ok();
}

Status StrictSentence(const std::vector<std::string>& tags, size_t sentence, std::vector<Entity>* out) {
  bool open = false;
  Entity cur;
  auto close = [&](size_t last) {
    if (open) {
      cur.end = last;
      out->push_back(cur);
    }
    open = false;
  };
  for (size_t i = 0; i < tags.size(); ++i) {
    ASSIGN_OR_RETURN(Tag t, ParseTag(tags[i], NerMode::kStrictIob2, sentence, i));
    if (t.prefix == 'I' && open && cur.type == t.type) continue;
    close(i - (i > 0 ? 1 : 0));
    if (t.prefix == 'B') {
      open = true;
      cur = Entity{t.type, sentence, i, i};
    }
  }
  if (!tags.empty()) close(tags.size() - 1);
  return Status::Ok();
}

Prf Score(int64_t correct, int64_t pred, int64_t truth) {
  Prf r;
  r.precision = pred == 0 ? 0.0 : static_cast<double>(correct) / static_cast<double>(pred);
  r.recall = truth == 0 ? 0.0 : static_cast<double>(correct) / static_cast<double>(truth);
  double denom = r.precision + r.recall;
  r.f1 = denom == 0 ? 0.0 : 2.0 * r.precision * r.recall / denom;
  return r;
}

}  // namespace

Result<std::vector<Entity>> ExtractEntities(const TagSequences& tags, NerMode mode) {
  std::vector<Entity> out;
  for (size_t s = 0; s < tags.size(); ++s) {
    RETURN_IF_ERROR(mode == NerMode::kLenient ? LenientSentence(tags[s], s, &out) : StrictSentence(tags[s], s, &out));
  }
  return out;
}

Result<NerMetrics> NerSpanMetrics(const TagSequences& y_true, const TagSequences& y_pred, NerMode mode) {
  RETURN_IF_ERROR(internal::CheckSameLength(y_true.size(), y_pred.size(), "y_true sentences", "y_pred sentences"));
  RETURN_IF_ERROR(internal::CheckNonEmpty(y_true.size(), "y_true"));
  for (size_t s = 0; s < y_true.size(); ++s) {
    if (y_true[s].size() != y_pred[s].size()) {
      return InvalidArgument("sentence " + std::to_string(s) + ": y_true has " + std::to_string(y_true[s].size()) +
                             " tags, y_pred " + std::to_string(y_pred[s].size()));
    }
  }
  ASSIGN_OR_RETURN(std::vector<Entity> truth, ExtractEntities(y_true, mode));
  ASSIGN_OR_RETURN(std::vector<Entity> pred, ExtractEntities(y_pred, mode));
  std::sort(truth.begin(), truth.end());
  std::sort(pred.begin(), pred.end());
  std::vector<Entity> hit;
  std::set_intersection(truth.begin(), truth.end(), pred.begin(), pred.end(), std::back_inserter(hit));

  std::map<std::string, EntityTypeStats> types;
  for (const Entity& e : truth) ++types[e.type].support;
  for (const Entity& e : pred) ++types[e.type].predicted;
  for (const Entity& e : hit) ++types[e.type].correct;

  NerMetrics m;
  m.true_entities = static_cast<int64_t>(truth.size());
  m.pred_entities = static_cast<int64_t>(pred.size());
  m.correct = static_cast<int64_t>(hit.size());
  m.micro = Score(m.correct, m.pred_entities, m.true_entities);
  std::vector<double> p, r, f, wp, wr, wf, w;
  for (auto& [type, st] : types) {
    st.type = type;
    Prf x = Score(st.correct, st.predicted, st.support);
    st.precision = x.precision;
    st.recall = x.recall;
    st.f1 = x.f1;
    p.push_back(x.precision);
    r.push_back(x.recall);
    f.push_back(x.f1);
    double weight = static_cast<double>(st.support);
    wp.push_back(x.precision * weight);
    wr.push_back(x.recall * weight);
    wf.push_back(x.f1 * weight);
    w.push_back(weight);
    m.per_type.push_back(st);
  }
  if (!types.empty()) m.macro = Prf{internal::Mean(p), internal::Mean(r), internal::Mean(f)};
  const double total = internal::Sum(w);
  if (total > 0) m.weighted = Prf{internal::Sum(wp) / total, internal::Sum(wr) / total, internal::Sum(wf) / total};
  return m;
}

namespace {

constexpr std::string_view kPunctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

bool IsSpace(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f); }
bool IsWordChar(unsigned char c) { return std::isalnum(c) || c >= 0x80; }

std::vector<std::string> Tokens(std::string_view s) {
  std::string norm = NormalizeAnswer(s);
  std::vector<std::string> out;
  size_t i = 0;
  while (i < norm.size()) {
    size_t j = norm.find(' ', i);
    if (j == std::string::npos) j = norm.size();
    if (j > i) out.emplace_back(norm.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

double F1Of(const std::vector<std::string>& pred, const std::vector<std::string>& gold) {
  if (pred.empty() || gold.empty()) return pred == gold ? 1.0 : 0.0;
  std::map<std::string, int64_t> count;
  for (const auto& t : gold) ++count[t];
  int64_t same = 0;
  for (const auto& t : pred) {
    auto it = count.find(t);
    if (it != count.end() && it->second > 0) {
      --it->second;
      ++same;
    }
  }
  if (same == 0) return 0.0;
  double precision = static_cast<double>(same) / static_cast<double>(pred.size());
  double recall = static_cast<double>(same) / static_cast<double>(gold.size());
  return 2 * precision * recall / (precision + recall);
}

}  // namespace

std::string NormalizeAnswer(std::string_view s) {
  std::string lowered;
  for (unsigned char c : s) {
    if (kPunctuation.find(static_cast<char>(c)) != std::string_view::npos) continue;
    lowered.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
  }
  // Articles: a whole run of word characters equal to a, an or the becomes a space.
  std::string no_articles;
  for (size_t i = 0; i < lowered.size();) {
    if (!IsWordChar(lowered[i])) {
      no_articles.push_back(lowered[i++]);
      continue;
    }
    size_t j = i;
    while (j < lowered.size() && IsWordChar(lowered[j])) ++j;
    std::string_view word(lowered.data() + i, j - i);
    if (word == "a" || word == "an" || word == "the") {
      no_articles.push_back(' ');
    } else {
      no_articles.append(word);
    }
    i = j;
  }
  std::string out;
  for (size_t i = 0; i < no_articles.size();) {
    if (IsSpace(no_articles[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < no_articles.size() && !IsSpace(no_articles[j])) ++j;
    if (!out.empty()) out.push_back(' ');
    out.append(no_articles, i, j - i);
    i = j;
  }
  return out;
}

double ExactMatch(std::string_view prediction, std::span<const std::string> golds) {
  const std::string p = NormalizeAnswer(prediction);
  for (const auto& g : golds) {
    if (NormalizeAnswer(g) == p) return 1.0;
  }
  return 0.0;
}

double TokenF1(std::string_view prediction, std::span<const std::string> golds) {
  const auto p = Tokens(prediction);
  double best = 0;
  for (const auto& g : golds) best = std::max(best, F1Of(p, Tokens(g)));
  return best;
}

Result<QaMetrics> QaScores(std::span<const std::string> predictions, const std::vector<std::vector<std::string>>& golds) {
  RETURN_IF_ERROR(internal::CheckSameLength(predictions.size(), golds.size(), "predictions", "gold answers"));
  RETURN_IF_ERROR(internal::CheckNonEmpty(predictions.size(), "predictions"));
  std::vector<double> em, f1;
  for (size_t i = 0; i < predictions.size(); ++i) {
    if (golds[i].empty()) return InvalidArgument("question " + std::to_string(i) + " has no gold answer");
    em.push_back(ExactMatch(predictions[i], golds[i]));
    f1.push_back(TokenF1(predictions[i], golds[i]));
  }
  return QaMetrics{internal::Mean(em), internal::Mean(f1), static_cast<int64_t>(predictions.size())};
}

}  // namespace moebius::eval
