#include "eval/regression.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace moebius::eval {
namespace {

TEST(RegressionTest, SklearnDocumentationExample) {
  // y_true = [3, -0.5, 2, 7], y_pred = [2.5, 0.0, 2, 8]: the values in sklearn's docstrings.
  std::vector<double> t = {3, -0.5, 2, 7}, p = {2.5, 0.0, 2, 8};
  auto m = *Regression(t, p);
  EXPECT_EQ(m.n, 4);
  EXPECT_NEAR(m.mse, 0.375, 1e-15);
  EXPECT_NEAR(m.rmse, 0.6123724356957945, 1e-15);
  EXPECT_NEAR(m.mae, 0.5, 1e-15);
  EXPECT_NEAR(m.r2, 0.9486081370449679, 1e-15);
  EXPECT_NEAR(m.explained_variance, 0.9571734475374732, 1e-15);
  EXPECT_NEAR(m.median_ae, 0.5, 1e-15);
  EXPECT_NEAR(m.max_error, 1.0, 1e-15);
  EXPECT_NEAR(m.mape, (0.5 / 3 + 0.5 / 0.5 + 0 + 1.0 / 7) / 4, 1e-15);
}

TEST(RegressionTest, MapeDividesAZeroTargetByEpsilon) {
  auto m = *Regression(std::vector<double>{0.0}, std::vector<double>{1.0});
  EXPECT_DOUBLE_EQ(m.mape, 1.0 / 2.220446049250313e-16);
}

TEST(RegressionTest, ConstantTargetAndSingleSample) {
  auto off = *Regression(std::vector<double>{3, 3, 3}, std::vector<double>{3, 4, 3});
  EXPECT_EQ(off.r2, 0.0);
  EXPECT_EQ(off.explained_variance, 0.0);
  auto exact = *Regression(std::vector<double>{3, 3}, std::vector<double>{3, 3});
  EXPECT_EQ(exact.r2, 1.0);
  EXPECT_EQ(exact.explained_variance, 1.0);
  auto one = *Regression(std::vector<double>{1}, std::vector<double>{2});
  EXPECT_TRUE(std::isnan(one.r2));
}

TEST(RegressionTest, BadInput) {
  EXPECT_FALSE(Regression({}, {}).ok());
  EXPECT_FALSE(Regression(std::vector<double>{1, 2}, std::vector<double>{1}).ok());
  auto nan = Regression(std::vector<double>{1, NAN}, std::vector<double>{1, 2});
  ASSERT_FALSE(nan.ok());
  EXPECT_EQ(nan.status().message(), "y_true[1] is NaN");
  EXPECT_FALSE(Regression(std::vector<double>{1, 2}, std::vector<double>{1, INFINITY}).ok());
}

}  // namespace
}  // namespace moebius::eval
