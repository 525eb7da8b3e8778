// Text metrics (EVAL-1): entity-span scores for named-entity recognition and SQuAD's exact
// match and token F1 for extractive question answering.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "eval/classification.h"

namespace moebius::eval {

using TagSequences = std::vector<std::vector<std::string>>;  // one tag per token, per sentence

struct Entity {
  std::string type;
  size_t sentence = 0;
  size_t start = 0;  // first token
  size_t end = 0;    // last token, inclusive (seqeval's convention)
  bool operator==(const Entity&) const = default;
  auto operator<=>(const Entity&) const = default;
};

enum class NerMode {
  // seqeval's default (mode=None): get_entities over IOB1/IOB2/IOE/IOBES prefixes. An I- tag
  // after O or after an entity of another type starts a new entity; a change of type ends one;
  // B-, E- and S- behave as in seqeval. Sentences never share an entity.
  kLenient,
  // Strict IOB2 (seqeval mode="strict", scheme=IOB2): an entity is B-X followed by I-X tags of
  // the same type; an I- tag that does not continue such an entity belongs to no entity. Only
  // O, B-X and I-X are accepted.
  kStrictIob2,
};

// Entities in tag order. Tags are "O" or "<P>-<TYPE>" with P one of B, I, E, S (B, I only in
// strict mode); a bare "B" means type "_" as in seqeval. Anything else is kInvalidArgument
// naming the sentence and token.
Result<std::vector<Entity>> ExtractEntities(const TagSequences& tags, NerMode mode = NerMode::kLenient);

struct EntityTypeStats {
  std::string type;
  double precision = 0, recall = 0, f1 = 0;
  int64_t support = 0;    // true entities of this type
  int64_t predicted = 0;  // predicted entities of this type
  int64_t correct = 0;    // predicted entities equal to a true one (type, start and end)
};

// Span-level scores: a predicted entity counts only when type, start and end all match a true
// one (seqeval's classification_report). micro is seqeval's default f1_score; macro and
// weighted average the per-type scores over the types seen in either side; undefined ratios
// are 0.
struct NerMetrics {
  Prf micro, macro, weighted;
  std::vector<EntityTypeStats> per_type;  // sorted by type
  int64_t true_entities = 0, pred_entities = 0, correct = 0;
};
// kInvalidArgument when the sentence counts or lengths differ, there are no sentences, or a
// tag is malformed.
Result<NerMetrics> NerSpanMetrics(const TagSequences& y_true, const TagSequences& y_pred,
                                  NerMode mode = NerMode::kLenient);

// SQuAD's normalize_answer: lowercase, drop ASCII punctuation, drop the words a, an, the,
// collapse whitespace. Lowercasing is ASCII only and bytes ≥ 0x80 count as word characters,
// so Korean and other non-ASCII text passes through unchanged (Python's str.lower would also
// fold non-ASCII capitals; see docs/design/eval.md).
std::string NormalizeAnswer(std::string_view s);
// 1 when the normalized prediction equals a normalized gold answer, else 0; max over golds.
double ExactMatch(std::string_view prediction, std::span<const std::string> golds);
// SQuAD token F1 of normalized whitespace tokens (bag-of-words overlap), max over golds. When
// either side has no tokens the score is 1 if both are empty, else 0 (SQuAD 2.0's rule).
double TokenF1(std::string_view prediction, std::span<const std::string> golds);

struct QaMetrics {
  double exact_match = 0;  // mean over questions, a fraction (SQuAD prints percent)
  double f1 = 0;
  int64_t n = 0;
};
// kInvalidArgument for no questions, different counts, or a question without gold answers.
Result<QaMetrics> QaScores(std::span<const std::string> predictions, const std::vector<std::vector<std::string>>& golds);

}  // namespace moebius::eval
