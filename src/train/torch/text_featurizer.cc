#include "train/torch/text_featurizer.h"

#include <algorithm>
#include <map>

#include "base/crypto.h"

namespace moebius::train::text {

Status ValidateSettings(const FeatureSettings& s) {
  if (s.min_count < 1) return InvalidArgument("--min-count must be at least 1");
  if (s.word_ngrams < 1 || s.word_ngrams > 5) return InvalidArgument("--word-ngrams must be 1..5");
  if (s.maxn < 0 || s.maxn > 12) return InvalidArgument("--maxn must be 0 (no character n-grams) or 1..12");
  if (s.maxn > 0 && (s.minn < 1 || s.minn > s.maxn)) return InvalidArgument("--minn must be 1..--maxn");
  bool hashes = s.word_ngrams > 1 || s.maxn > 0;
  if (s.buckets < (hashes ? 1 : 0) || s.buckets > (int64_t{1} << 24))
    return InvalidArgument(std::string("--buckets must be ") + (hashes ? "1" : "0") + "..16777216");
  return Status::Ok();
}

Result<TextFeaturizer> TextFeaturizer::Fit(const std::vector<std::string>& train_texts, const FeatureSettings& settings,
                                           const std::string& column, const std::string& label, const Json& classes) {
  RETURN_IF_ERROR(ValidateSettings(settings));
  std::map<std::string, int64_t> counts;
  for (const auto& t : train_texts)
    for (auto& w : Tokenize(t, settings.case_mode)) counts[std::move(w)]++;
  std::vector<std::pair<int64_t, std::string>> ranked;
  for (auto& [w, n] : counts)
    if (n >= settings.min_count) ranked.emplace_back(-n, w);
  std::sort(ranked.begin(), ranked.end());
  TextFeaturizer f;
  f.settings_ = settings;
  if (settings.word_ngrams == 1 && settings.maxn == 0) f.settings_.buckets = 0;
  f.column_ = column;
  f.label_ = label;
  f.classes_ = classes;
  for (auto& [n, w] : ranked) {
    f.index_.emplace(w, static_cast<int64_t>(f.vocabulary_.size()));
    f.vocabulary_.push_back(std::move(w));
  }
  if (f.num_features() == 0)
    return InvalidArgument("no features: no word of the train split occurs --min-count (" + std::to_string(settings.min_count) +
                           ") times and neither character nor word n-grams are on");
  return f;
}

Result<TextFeaturizer> TextFeaturizer::Parse(const std::string& spec_json) {
  ASSIGN_OR_RETURN(Json j, ParseJson(spec_json, JsonLimits{.max_depth = 8, .max_string_bytes = 1 << 20, .max_array_items = 50'000'000}));
  if (!j.is_object() || j.value("format", "") != "moebius.text_features")
    return InvalidArgument("not a text feature spec (format moebius.text_features)");
  if (j.value("version", 0) != 1) return InvalidArgument("text feature spec version " + j.value("version", Json(0)).dump() + " is not supported");
  TextFeaturizer f;
  try {
    ASSIGN_OR_RETURN(f.settings_.case_mode, ParseCaseMode(j.at("case").get<std::string>()));
    f.settings_.min_count = j.at("min_count").get<int>();
    f.settings_.word_ngrams = j.at("word_ngrams").get<int>();
    f.settings_.minn = j.at("minn").get<int>();
    f.settings_.maxn = j.at("maxn").get<int>();
    f.settings_.buckets = j.at("buckets").get<int64_t>();
    if (j.at("hash").get<std::string>() != "fnv1a32") return InvalidArgument("text feature spec: unknown hash " + j.at("hash").dump());
    f.column_ = j.at("column").get<std::string>();
    f.label_ = j.at("label").get<std::string>();
    f.classes_ = j.at("classes");
    for (const Json& w : j.at("vocabulary")) {
      std::string s = w.get<std::string>();
      if (!f.index_.emplace(s, static_cast<int64_t>(f.vocabulary_.size())).second)
        return InvalidArgument("text feature spec: word '" + s.substr(0, 64) + "' twice in the vocabulary");
      f.vocabulary_.push_back(std::move(s));
    }
  } catch (const Json::exception& e) {
    return InvalidArgument(std::string("text feature spec: ") + e.what());
  }
  RETURN_IF_ERROR(ValidateSettings(f.settings_));
  if (!f.classes_.is_array()) return InvalidArgument("text feature spec: classes must be an array");
  return f;
}

Json TextFeaturizer::ToJson() const {
  return Json{{"format", "moebius.text_features"},
              {"version", 1},
              {"column", column_},
              {"label", label_},
              {"classes", classes_},
              {"case", CaseModeName(settings_.case_mode)},
              {"min_count", settings_.min_count},
              {"word_ngrams", settings_.word_ngrams},
              {"minn", settings_.minn},
              {"maxn", settings_.maxn},
              {"buckets", settings_.buckets},
              {"hash", "fnv1a32"},
              {"vocabulary", vocabulary_}};
}

std::string TextFeaturizer::Hash() const { return Sha256Hex(Canonical()); }

template <bool kSources, typename Emit>
void TextFeaturizer::Visit(std::string_view text, Emit&& emit) const {
  static const std::string kNone;
  const int64_t v = static_cast<int64_t>(vocabulary_.size());
  const uint64_t buckets = static_cast<uint64_t>(settings_.buckets);
  std::vector<std::string> words = Tokenize(text, settings_.case_mode);
  std::vector<uint64_t> hashes;
  hashes.reserve(words.size());
  for (const auto& w : words) {
    auto it = index_.find(w);
    if (it != index_.end()) emit(it->second, FeatureKind::kWord, w);
    if (settings_.maxn > 0)
      for (const auto& g : CharNgrams(w, settings_.minn, settings_.maxn)) emit(v + static_cast<int64_t>(Fnv1a32(g) % buckets), FeatureKind::kCharNgram, g);
    hashes.push_back(Fnv1a32(w));
  }
  for (size_t i = 0; i < words.size() && settings_.word_ngrams > 1; ++i) {
    uint64_t h = hashes[i];
    std::string source = kSources ? words[i] : std::string();
    for (size_t j = i + 1; j < words.size() && j < i + static_cast<size_t>(settings_.word_ngrams); ++j) {
      h = h * 116049371u + hashes[j];
      if constexpr (kSources) {
        source += ' ';
        source += words[j];
      }
      emit(v + static_cast<int64_t>(h % buckets), FeatureKind::kWordNgram, kSources ? source : kNone);
    }
  }
}

void TextFeaturizer::ForEachFeature(std::string_view text,
                                    const std::function<void(int64_t, FeatureKind, const std::string&)>& fn) const {
  Visit<true>(text, fn);
}

std::vector<int64_t> TextFeaturizer::Features(std::string_view text) const {
  std::vector<int64_t> ids;
  Visit<false>(text, [&ids](int64_t id, FeatureKind, const std::string&) { ids.push_back(id); });
  return ids;
}

}  // namespace moebius::train::text
