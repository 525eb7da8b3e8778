// Small numeric kernels shared by fitting and feature selection. Inputs hold no NaN unless a
// function says otherwise; callers drop missing values first.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace moebius::transform::stats {

// Arithmetic mean with compensated (Neumaier) summation; x non-empty.
double Mean(std::span<const double> x);
// Middle value of the sorted data, or the mean of the two middle values (Python's
// statistics.median); x non-empty.
double Median(std::vector<double> x);
// sqrt(sum((x - mean)^2) / n), the population standard deviation (statistics.pstdev).
double PopulationStd(std::span<const double> x, double mean);
// The most frequent value; ties go to the smallest value.
double MostFrequent(std::vector<double> x);
// The n-1 cut points that split `x` into n groups of equal frequency, by linear interpolation
// between order statistics (statistics.quantiles(x, n=n, method='inclusive'), numpy's default).
// x non-empty, n >= 1; n == 1 gives no cut points.
std::vector<double> QuantileCuts(std::vector<double> x, int n);
// Pearson's r over the pairs where neither value is NaN; NaN when fewer than two pairs remain
// or either side is constant.
double Pearson(std::span<const double> x, std::span<const double> y);
// Mutual information in nats between two discrete variables given as codes, one per row.
double MutualInformation(std::span<const int64_t> x, std::span<const int64_t> y);

}  // namespace moebius::transform::stats
