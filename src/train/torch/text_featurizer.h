// TextFeaturizer: raw text → feature ids for the fastText-style text classifier (no torch).
//
// A fitted featurizer is its spec, saved as the model's transform (model/transform.json,
// canonical JSON: sorted keys, no spaces). The same spec and the same text give the same ids
// on every machine:
//   ids [0, V)          word unigrams of the vocabulary: words of the train split with count
//                       >= min_count, ordered by count (descending) then bytes;
//   ids [V, V+buckets)  hashed: every word's character n-grams (text_tokenizer.h, minn..maxn
//                       code points, also for words outside the vocabulary) at
//                       V + Fnv1a32(ngram) % buckets, and word n-grams of 2..word_ngrams
//                       consecutive words at V + h % buckets with h = fastText's
//                       h = h * 116049371 + Fnv1a32(word) in 64 bits over the n-gram's words.
// Per word the ids are: its vocabulary id (if any), then its character n-grams; the word
// n-grams follow all words. A text with no words has no ids (the model then answers from its
// biases alone).
//
// Spec JSON: {"format": "moebius.text_features", "version": 1, "column", "label", "classes",
// "case", "min_count", "word_ngrams", "minn", "maxn", "buckets", "hash": "fnv1a32",
// "vocabulary": [...]}.
//
// Thread safety: immutable after Fit/Parse; Features may be called from many threads.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/json.h"
#include "base/status.h"
#include "train/torch/text_tokenizer.h"

namespace moebius::train::text {

struct FeatureSettings {
  CaseMode case_mode = CaseMode::kSimple;
  int min_count = 1;
  int word_ngrams = 2;
  int minn = 2, maxn = 4;  // maxn 0: no character n-grams
  int64_t buckets = 1 << 20;
};

// Ranges: min_count >= 1, word_ngrams 1..5, maxn 0 or 1 <= minn <= maxn <= 12, buckets
// 1..2^24 (0 allowed when nothing is hashed: word_ngrams 1 and maxn 0).
Status ValidateSettings(const FeatureSettings& s);

enum class FeatureKind { kWord, kCharNgram, kWordNgram };

class TextFeaturizer {
 public:
  // Builds the vocabulary from the train texts.
  static Result<TextFeaturizer> Fit(const std::vector<std::string>& train_texts, const FeatureSettings& settings,
                                    const std::string& column, const std::string& label, const Json& classes);
  static Result<TextFeaturizer> Parse(const std::string& spec_json);

  Json ToJson() const;
  std::string Canonical() const { return ToJson().dump(); }
  std::string Hash() const;

  std::vector<int64_t> Features(std::string_view text) const;
  // Every id with what produced it (the word, the n-gram text, words joined by ' ').
  void ForEachFeature(std::string_view text, const std::function<void(int64_t id, FeatureKind kind, const std::string& source)>& fn) const;

  int64_t num_features() const { return static_cast<int64_t>(vocabulary_.size()) + settings_.buckets; }
  const std::vector<std::string>& vocabulary() const { return vocabulary_; }
  const FeatureSettings& settings() const { return settings_; }
  const std::string& column() const { return column_; }
  const std::string& label() const { return label_; }
  const Json& classes() const { return classes_; }

 private:
  // Calls emit(id, kind, source) for every feature of `text`, in Features' order; `source` is
  // built only when kSources (the explanations need it, the serving path does not).
  template <bool kSources, typename Emit>
  void Visit(std::string_view text, Emit&& emit) const;

  FeatureSettings settings_;
  std::string column_, label_;
  Json classes_ = Json::array();
  std::vector<std::string> vocabulary_;
  std::unordered_map<std::string, int64_t> index_;
};

}  // namespace moebius::train::text
