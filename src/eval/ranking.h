// Ranking metrics over queries (EVAL-1). A query is one row: the graded relevance of each of
// its documents and the scores a model gave them. Queries may differ in length.
//
// Input errors (no queries, a query with no documents, relevance and score rows of different
// lengths, NaN or infinity, a negative relevance, k < 1) are kInvalidArgument naming the query.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "base/status.h"

namespace moebius::eval {

using Rows = std::vector<std::vector<double>>;

// Mean NDCG over queries (ndcg_score): gain = relevance, discount 1 / log2(rank + 1), cut at
// rank k when given. Tied scores are handled as sklearn does by default: a group of documents
// with equal scores shares the mean of their gains over the group's discounts (McSherry and
// Najork); ignore_ties=true ranks equal scores later document first instead (sklearn's order
// is numpy's argsort reversed, the same for rows of up to 16 documents, unspecified above). A
// query whose relevances are all 0 scores 0. sklearn needs at least two documents per query
// and all rows of one length; here a query may hold any positive number of documents.
Result<double> Ndcg(const Rows& relevance, const Rows& scores, std::optional<int> k = std::nullopt,
                    bool ignore_ties = false);
// The per-query values whose mean Ndcg returns.
Result<std::vector<double>> NdcgPerQuery(const Rows& relevance, const Rows& scores, std::optional<int> k,
                                         bool ignore_ties);

// Mean average precision: a document is relevant when its relevance is > 0; each query's AP is
// scikit-learn's average_precision_score of (relevant, score), so tied scores form one step.
// Queries without a relevant document are left out of the mean (as trec_eval does for MAP and
// MRR); `queries` counts the queries that entered, and value is NaN when none did.
struct RankingSummary {
  double value = 0;
  int64_t queries = 0;          // queries averaged
  int64_t skipped_queries = 0;  // queries without a relevant document
};
Result<RankingSummary> MeanAveragePrecision(const Rows& relevance, const Rows& scores);

// Mean reciprocal rank of the first relevant document (relevance > 0), ranking by score
// descending with ties broken by the order the documents were given (a stable sort). Queries
// without a relevant document are left out, as in MeanAveragePrecision.
Result<RankingSummary> MeanReciprocalRank(const Rows& relevance, const Rows& scores);

}  // namespace moebius::eval
