#!/usr/bin/python3
"""Prints the expected log densities of ParzenEstimatorTest.MatchesOptunaParzenEstimator
(src/tuning/sampler_test.cc), computed by Optuna 3.1's own _ParzenEstimator (Debian's
python3-optuna) on fixed observations. Rerun and paste its output into the test if a case
changes:  /usr/bin/python3 bench/tuning/parzen_fixture.py

Observations are x_k = lo + (hi - lo) * frac(k * 0.618034 + k0) (a fixed low-discrepancy
sequence, no random stream), 40 of them so that the ramp of old weights is exercised, and no
two equal in a numeric case: with ties, which of the equal observations gets which bandwidth
follows numpy's unstable argsort, an artifact we do not copy (ours breaks ties by age).

One correction is applied to Optuna 3.1 here: its truncated-normal logpdf omits -log(scale)
(optuna/optuna#5109, fixed upstream by #5110 in Optuna 3.5), so its continuous kernels are not
normalized and a wide kernel counts sigma/sigma' times more than a narrow one of the same
weight. Ours uses the normalized density, as fixed Optuna does; `--as-is` prints 3.1's own
numbers, which the same test expects from ours with `optuna31_kernels` (`expected_as_is`: the
continuous univariate and the multivariate cases differ)."""
import sys

import numpy as np
from optuna import distributions as D
from optuna.samplers._tpe.parzen_estimator import _ParzenEstimator, _ParzenEstimatorParameters
from optuna.samplers._tpe import parzen_estimator as pe_module
from optuna.samplers._tpe.sampler import default_weights

if "--as-is" not in sys.argv:
    import types

    _logpdf = pe_module.truncnorm.logpdf

    def _fixed_logpdf(x, a, b, loc=0, scale=1):
        return _logpdf(x, a, b, loc=loc, scale=scale) - np.log(scale)

    fixed = types.SimpleNamespace(**{k: getattr(pe_module.truncnorm, k) for k in dir(pe_module.truncnorm) if not k.startswith("__")})
    fixed.logpdf = _fixed_logpdf
    pe_module.truncnorm = fixed

N = 40
CASES = []


def seq(n, lo, hi, k0=0.1, step=0.618034):
    return np.array([lo + (hi - lo) * (((k * step + k0) % 1.0)) for k in range(n)])


def params(multivariate):
    return _ParzenEstimatorParameters(consider_prior=True, prior_weight=1.0, consider_magic_clip=True,
                                      consider_endpoints=False, weights=default_weights, multivariate=multivariate)


def case(name, space, obs, samples, multivariate=False):
    pe = _ParzenEstimator({k: np.asarray(v, dtype=float) for k, v in obs.items()}, space, params(multivariate))
    lp = pe.log_pdf({k: np.asarray(v) for k, v in samples.items()})
    print(f"  // {name}")
    print("  {" + ", ".join(f"{v:.17g}" for v in lp) + "},")
    CASES.append(name)


# Internal values of Optuna (ints as floats, categorical indices) are our internal values.
f = seq(N, -5.0, 5.0) ** 3 / 25.0  # clustered near 0, in [-5, 5]
case("float [-5, 5]", {"x": D.FloatDistribution(-5, 5)}, {"x": f},
     {"x": [-4.9, -2.0, -0.3, 0.0, 0.01, 1.7, 4.99]})
lg = np.exp(seq(N, np.log(1e-4), np.log(1.0), 0.3))
case("log float [1e-4, 1]", {"x": D.FloatDistribution(1e-4, 1, log=True)}, {"x": lg},
     {"x": [1e-4, 3e-4, 0.01, 0.2, 1.0]})
it = np.round(seq(N, 1, 200, 0.7))
case("int [1, 200]", {"x": D.IntDistribution(1, 200)}, {"x": it}, {"x": [1, 2, 77, 130, 200]})
st = np.round(seq(N, 0, 200, 0.2)) * 0.05
case("float [0, 10] step 0.05", {"x": D.FloatDistribution(0, 10, step=0.05)}, {"x": st},
     {"x": [0.0, 0.05, 2.5, 9.45, 10.0]})
ct = np.floor(seq(N, 0, 3, 0.4) ** 2 / 3)
case("categorical of 3", {"x": D.CategoricalDistribution(["a", "b", "c"])}, {"x": ct}, {"x": [0, 1, 2]})
for v in (f, lg, it, st):
    assert len(set(v.tolist())) == N
mv_space = {"x": D.FloatDistribution(-5, 5), "n": D.IntDistribution(1, 200), "c": D.CategoricalDistribution(["a", "b", "c"])}
mv_obs = {"x": f, "n": it, "c": ct}
mv_samples = {"x": [-4.0, 0.1, 2.5, 0.0], "n": [3, 100, 200, 1], "c": [0, 2, 1, 1]}
case("multivariate float, int, categorical", mv_space, mv_obs, mv_samples, multivariate=True)
print("  // observations (internal values):")
for name, v in [("f", f), ("lg", lg), ("it", it), ("st", st), ("ct", ct)]:
    print(f"  const std::vector<double> {name} = {{" + ", ".join(f"{x:.17g}" for x in v) + "};")
