#include "eval/ranking.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "eval/common.h"
#include "eval/curves.h"

namespace moebius::eval {

namespace {

Status CheckQueries(const Rows& relevance, const Rows& scores) {
  RETURN_IF_ERROR(internal::CheckSameLength(relevance.size(), scores.size(), "relevance", "scores"));
  RETURN_IF_ERROR(internal::CheckNonEmpty(relevance.size(), "the query list"));
  for (size_t q = 0; q < relevance.size(); ++q) {
    const std::string where = "query " + std::to_string(q);
    if (relevance[q].size() != scores[q].size()) {
      return InvalidArgument(where + ": relevance and scores differ in length (" +
                             std::to_string(relevance[q].size()) + " vs " + std::to_string(scores[q].size()) + ")");
    }
    if (relevance[q].empty()) return InvalidArgument(where + " has no documents");
    RETURN_IF_ERROR(internal::CheckFinite(relevance[q], "relevance").WithContext(where));
    RETURN_IF_ERROR(internal::CheckFinite(scores[q], "scores").WithContext(where));
    for (double r : relevance[q]) {
      if (r < 0) return InvalidArgument(where + ": relevance must not be negative");
    }
  }
  return Status::Ok();
}

// Discounts 1 / (log(i + 2) / log(2)), zero from rank k on, computed as sklearn does.
std::vector<double> Discounts(size_t n, std::optional<int> k) {
  std::vector<double> d(n);
  const double log2 = std::log(2.0);
  for (size_t i = 0; i < n; ++i) d[i] = 1.0 / (std::log(static_cast<double>(i) + 2.0) / log2);
  if (k) {
    for (size_t i = static_cast<size_t>(*k); i < n; ++i) d[i] = 0;
  }
  return d;
}

// DCG of `gains` ranked by `scores` descending; among equal scores the later document first,
// which is what sklearn's argsort(...)[::-1] gives whenever numpy's sort is stable (rows of up
// to 16 documents).
double DcgIgnoringTies(const std::vector<double>& gains, const std::vector<double>& scores,
                       const std::vector<double>& discount) {
  std::vector<size_t> order(gains.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return scores[a] != scores[b] ? scores[a] > scores[b] : a > b;
  });
  std::vector<double> parts(gains.size());
  for (size_t i = 0; i < order.size(); ++i) parts[i] = discount[i] * gains[order[i]];
  return internal::Sum(parts);
}

// sklearn's _tie_averaged_dcg.
double DcgTieAveraged(const std::vector<double>& gains, const std::vector<double>& scores,
                      const std::vector<double>& discount) {
  std::vector<size_t> order(gains.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] > scores[b]; });
  std::vector<double> cumsum(discount.size());
  std::partial_sum(discount.begin(), discount.end(), cumsum.begin());
  std::vector<double> parts;
  double prev_cum = 0;
  for (size_t start = 0; start < order.size();) {
    size_t end = start;
    double gain_sum = 0;
    while (end < order.size() && scores[order[end]] == scores[order[start]]) gain_sum += gains[order[end++]];
    const double mean_gain = gain_sum / static_cast<double>(end - start);
    const double cum = cumsum[end - 1];
    parts.push_back(mean_gain * (start == 0 ? cum : cum - prev_cum));
    prev_cum = cum;
    start = end;
  }
  return internal::Sum(parts);
}

}  // namespace

Result<std::vector<double>> NdcgPerQuery(const Rows& relevance, const Rows& scores, std::optional<int> k,
                                         bool ignore_ties) {
  RETURN_IF_ERROR(CheckQueries(relevance, scores));
  if (k && *k < 1) return InvalidArgument("k must be at least 1, got " + std::to_string(*k));
  std::vector<double> out;
  for (size_t q = 0; q < relevance.size(); ++q) {
    const auto& rel = relevance[q];
    std::vector<double> discount = Discounts(rel.size(), k);
    double gain = ignore_ties ? DcgIgnoringTies(rel, scores[q], discount) : DcgTieAveraged(rel, scores[q], discount);
    double ideal = DcgIgnoringTies(rel, rel, discount);
    out.push_back(ideal == 0 ? 0.0 : gain / ideal);
  }
  return out;
}

Result<double> Ndcg(const Rows& relevance, const Rows& scores, std::optional<int> k, bool ignore_ties) {
  ASSIGN_OR_RETURN(std::vector<double> per_query, NdcgPerQuery(relevance, scores, k, ignore_ties));
  return internal::Mean(per_query);
}

Result<RankingSummary> MeanAveragePrecision(const Rows& relevance, const Rows& scores) {
  RETURN_IF_ERROR(CheckQueries(relevance, scores));
  RankingSummary s;
  std::vector<double> aps;
  for (size_t q = 0; q < relevance.size(); ++q) {
    std::vector<Label> rel(relevance[q].size());
    bool any = false;
    for (size_t i = 0; i < rel.size(); ++i) any |= (rel[i] = relevance[q][i] > 0 ? 1 : 0) != 0;
    if (!any) {
      ++s.skipped_queries;
      continue;
    }
    ASSIGN_OR_RETURN(double ap, AveragePrecision(rel, scores[q], 1));
    aps.push_back(ap);
  }
  s.queries = static_cast<int64_t>(aps.size());
  s.value = aps.empty() ? std::nan("") : internal::Mean(aps);
  return s;
}

Result<RankingSummary> MeanReciprocalRank(const Rows& relevance, const Rows& scores) {
  RETURN_IF_ERROR(CheckQueries(relevance, scores));
  RankingSummary s;
  std::vector<double> rr;
  for (size_t q = 0; q < relevance.size(); ++q) {
    const auto& sc = scores[q];
    std::vector<size_t> order(sc.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return sc[a] > sc[b]; });
    size_t rank = 0;
    for (size_t i = 0; i < order.size(); ++i) {
      if (relevance[q][order[i]] > 0) {
        rank = i + 1;
        break;
      }
    }
    if (rank == 0) {
      ++s.skipped_queries;
      continue;
    }
    rr.push_back(1.0 / static_cast<double>(rank));
  }
  s.queries = static_cast<int64_t>(rr.size());
  s.value = rr.empty() ? std::nan("") : internal::Mean(rr);
  return s;
}

}  // namespace moebius::eval
