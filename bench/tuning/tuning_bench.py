#!/usr/bin/python3
"""Tuning benchmark: our samplers (bench/tuning/tuning_bench) against Optuna 3.1 (Debian's
python3-optuna) in the same run.

Quality: Branin, Hartmann-6, Rosenbrock-10 (on [-5,5]^10, optimum moved to x=3) and Ackley-10 (on
[-10,10]^10, optimum moved to x=3.5), minimized; each sampler runs `--trials` trials per seed for
`--seeds` seeds (0..seeds-1) and the best value is read at 50, 100 and 200 trials; the table
shows the median over seeds. Samplers: ours (`tpe`: univariate with Optuna's defaults; `tpe-mv`:
multivariate as Optuna's; `tpe-scott`: multivariate with Scott's-rule bandwidths on the
observations' standard deviation; `tpe-mv-o31`: tpe-mv with Optuna 3.1's unnormalized kernels,
for comparison; CMA-ES; `tpe-cmaes`: TPE then CMA-ES from the best trials; random) and Optuna's (TPESampler(seed),
TPESampler(seed, multivariate=True), CmaEsSampler(seed), otherwise defaults).

Time: on an 8-parameter mixed space (3 float incl. log, 1 stepped float, 2 int incl. log,
2 categorical), HISTORY random complete trials are added to a study and then `--asks` ask+tell
rounds are timed (the objective is a formula, so this is the sampler's time per trial); median
per round. Optuna: TPESampler(seed=1), study.add_trials then study.ask(distributions) + tell.
Arms alternate per history size (ours, Optuna, ours).

usage: /usr/bin/python3 bench/tuning/tuning_bench.py [--quick] [--seeds 10] [--first-seed 0]
       [--trials 200] [--functions ...] [--ours tpe,...] [--theirs optuna-tpe,...]
       [--timing-arms tpe,tpe-scott] [--reuse OPTUNA_JSON] [--skip-quality] [--skip-timing]
       [--bin build/bench/tuning/tuning_bench] [--json OUT]
Timing reports wall time and the thread's CPU time (not inflated by other processes).
"""
import argparse
import json
import math
import os
import pathlib
import statistics
import subprocess
import sys
import time
import warnings

import numpy as np
import optuna

ROOT = pathlib.Path(__file__).resolve().parents[2]
optuna.logging.set_verbosity(optuna.logging.ERROR)
warnings.filterwarnings("ignore")


# The functions must stay identical to tuning_bench.cc.
def branin(x):
    a, b, c, r, s, t = 1, 5.1 / (4 * math.pi ** 2), 5 / math.pi, 6, 10, 1 / (8 * math.pi)
    return a * (x[1] - b * x[0] ** 2 + c * x[0] - r) ** 2 + s * (1 - t) * math.cos(x[0]) + s


_HA = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
_HP = [[0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886], [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
       [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650], [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381]]
_HALPHA = [1.0, 1.2, 3.0, 3.2]


def hartmann6(x):
    s = 0.0
    for i in range(4):
        e = sum(_HA[i][j] * (x[j] - _HP[i][j]) ** 2 for j in range(6))
        s += _HALPHA[i] * math.exp(-e)
    return -s


def rosenbrock10(x):
    s = 0.0
    for i in range(len(x) - 1):
        zi, zn = x[i] - 2, x[i + 1] - 2
        s += 100 * (zn - zi * zi) ** 2 + (zi - 1) ** 2
    return s


def ackley10(x):
    n = len(x)
    z = [v - 3.5 for v in x]
    s1 = sum(v * v for v in z)
    s2 = sum(math.cos(2 * math.pi * v) for v in z)
    return -20 * math.exp(-0.2 * math.sqrt(s1 / n)) - math.exp(s2 / n) + 20 + math.e


FUNCTIONS = {
    "branin": (branin, [(-5, 10), (0, 15)], 0.397887),
    "hartmann6": (hartmann6, [(0, 1)] * 6, -3.32237),
    "rosenbrock10": (rosenbrock10, [(-5, 5)] * 10, 0.0),
    "ackley10": (ackley10, [(-10, 10)] * 10, 0.0),
}
CHECKPOINTS = [50, 100, 200]


def optuna_run(fn_name, sampler_name, seed, trials):
    fn, box, _ = FUNCTIONS[fn_name]
    if sampler_name == "optuna-tpe":
        sampler = optuna.samplers.TPESampler(seed=seed)
    elif sampler_name == "optuna-tpe-mv":
        sampler = optuna.samplers.TPESampler(seed=seed, multivariate=True)
    else:
        sampler = optuna.samplers.CmaEsSampler(seed=seed)
    study = optuna.create_study(sampler=sampler)
    best, out = math.inf, []

    def objective(trial):
        return fn([trial.suggest_float(f"x{i}", lo, hi) for i, (lo, hi) in enumerate(box)])

    for i in range(1, trials + 1):
        study.optimize(objective, n_trials=1)
        best = min(best, study.trials[-1].value)
        if i in CHECKPOINTS:
            out.append(best)
    return out


def ours_runs(binary, fn_name, sampler_name, seeds, trials, first_seed=0):
    cps = [str(c) for c in CHECKPOINTS if c <= trials]
    out = subprocess.run([binary, "quality", fn_name, sampler_name, f"{first_seed}+{seeds}", str(trials)] + cps,
                         check=True, stdout=subprocess.PIPE, text=True).stdout
    return [json.loads(line)["best"] for line in out.splitlines()]


MIXED = {
    "x0": optuna.distributions.FloatDistribution(-5, 5),
    "x1": optuna.distributions.FloatDistribution(-5, 5),
    "lr": optuna.distributions.FloatDistribution(1e-5, 1, log=True),
    "drop": optuna.distributions.FloatDistribution(0, 0.5, step=0.05),
    "n": optuna.distributions.IntDistribution(1, 100),
    "k": optuna.distributions.IntDistribution(1, 1024, log=True),
    "c1": optuna.distributions.CategoricalDistribution(["a", "b", "c", "d"]),
    "c2": optuna.distributions.CategoricalDistribution(["x", "y", "z"]),
}


def mixed_objective(p):
    return (p["x0"] ** 2 + abs(p["x1"] - 1) + (math.log10(p["lr"]) + 3) ** 2 + p["drop"] + abs(p["n"] - 30) / 10
            + abs(math.log2(p["k"]) - 5) + (0 if p["c1"] == "c" else 1) + (0 if p["c2"] == "x" else 0.5))


def optuna_timing(history, asks):
    rng = np.random.RandomState(12345)
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=1))
    trials = []
    for _ in range(history):
        p = {
            "x0": rng.uniform(-5, 5), "x1": rng.uniform(-5, 5), "lr": float(math.exp(rng.uniform(math.log(1e-5), 0))),
            "drop": float(rng.randint(0, 11) * 0.05), "n": int(rng.randint(1, 101)),
            "k": int(min(1024, max(1, round(math.exp(rng.uniform(math.log(0.5), math.log(1024.5))))))),
            "c1": "abcd"[rng.randint(4)], "c2": "xyz"[rng.randint(3)],
        }
        trials.append(optuna.trial.create_trial(params=p, distributions=MIXED, value=mixed_objective(p)))
    study.add_trials(trials)
    ms, cpu_ms = [], []
    for _ in range(asks):
        t0, c0 = time.perf_counter(), time.thread_time()
        trial = study.ask(MIXED)
        study.tell(trial, mixed_objective(trial.params))
        cpu_ms.append((time.thread_time() - c0) * 1000)
        ms.append((time.perf_counter() - t0) * 1000)
    return ms, cpu_ms


def ours_timing(binary, arm, history, asks):
    out = json.loads(subprocess.run([binary, "timing", arm, str(history), str(asks)], check=True, stdout=subprocess.PIPE,
                                    text=True).stdout)
    return out["ms"], out["cpu_ms"]


def fmt(v):
    if abs(v) >= 100:
        return f"{v:.1f}"
    return f"{v:.4f}" if abs(v) < 10 else f"{v:.3f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=str(ROOT / "build/bench/tuning/tuning_bench"))
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--first-seed", type=int, default=0, help="seeds first..first+seeds-1 (held-out checks: 100)")
    ap.add_argument("--trials", type=int, default=200)
    ap.add_argument("--quick", action="store_true", help="3 seeds, 100 trials, shorter timing")
    ap.add_argument("--json", help="write all raw results here")
    ap.add_argument("--ours", default="tpe,tpe-mv,tpe-scott,tpe-mv-o31,cmaes,tpe-cmaes,random", help="our arms (comma-separated)")
    ap.add_argument("--theirs", default="optuna-tpe,optuna-tpe-mv,optuna-cmaes", help="Optuna's arms")
    ap.add_argument("--functions", default=",".join(FUNCTIONS))
    ap.add_argument("--reuse", help="take Optuna's quality results from this earlier --json instead of running "
                    "them (only while iterating: the published table runs both peers in the same run)")
    ap.add_argument("--timing-arms", default="tpe,tpe-scott", help="our TPE arms to time")
    ap.add_argument("--skip-quality", action="store_true")
    ap.add_argument("--skip-timing", action="store_true")
    args = ap.parse_args()
    if args.quick:
        args.seeds, args.trials = 3, 100
    raw = {"quality": {}, "timing": {}, "first_seed": args.first_seed, "seeds": args.seeds}
    reused = json.loads(pathlib.Path(args.reuse).read_text())["quality"] if args.reuse else {}
    started = time.time()

    if not args.skip_quality:
        ours = [a for a in args.ours.split(",") if a]
        theirs = [a for a in args.theirs.split(",") if a]
        cps = [c for c in CHECKPOINTS if c <= args.trials]
        seeds = range(args.first_seed, args.first_seed + args.seeds)
        print("## quality: median best value over seeds %d-%d (lower is better)\n" % (seeds[0], seeds[-1]))
        print("| function | trials | " + " | ".join(ours + theirs) +
              " | tpe >= Optuna TPE | tpe-scott >= Optuna TPE | our best >= Optuna best of TPE, CMA-ES"
              " | our best >= Optuna best incl. TPE mv | tpe-cmaes >= Optuna best incl. TPE mv |")
        print("| --- | --- | " + " | ".join("---" for _ in ours + theirs) + " | --- | --- | --- | --- | --- |")
        for fn in args.functions.split(","):
            res = {}
            for s in ours:
                res[s] = ours_runs(args.bin, fn, s, args.seeds, args.trials, args.first_seed)
            for s in theirs:
                if fn in reused and s in reused[fn]:
                    res[s] = reused[fn][s]
                else:
                    res[s] = [optuna_run(fn, s, seed, args.trials) for seed in seeds]
            raw["quality"][fn] = res
            for ci, c in enumerate(cps):
                med = {s: statistics.median(r[ci] for r in res[s]) for s in ours + theirs}
                def tpe_ok(arm):
                    if arm not in med or "optuna-tpe" not in med:
                        return "-"
                    return "yes" if med[arm] <= med["optuna-tpe"] else "NO"
                def best_ok(arms, mine=ours):
                    arms = [a for a in arms if a in med]
                    mine = [a for a in mine if a in med]
                    if not mine or not arms:
                        return "-"
                    return "yes" if min(med[s] for s in mine) <= min(med[s] for s in arms) else "NO"
                print(f"| {fn} | {c} | " + " | ".join(fmt(med[s]) for s in ours + theirs) +
                      f" | {tpe_ok('tpe')} | {tpe_ok('tpe-scott')} | {best_ok(['optuna-tpe', 'optuna-cmaes'])}"
                      f" | {best_ok(theirs)} | {best_ok(theirs, ['tpe-cmaes'])} |", flush=True)
        print(f"\nquality took {time.time() - started:.0f} s\n", flush=True)

    if not args.skip_timing:
        t1 = time.time()
        arms = [a for a in args.timing_arms.split(",") if a]
        print("## sampler time per trial, 8-parameter mixed space (median ms per ask+tell; wall and thread CPU)\n")
        print("| history | " + " | ".join(f"{a} wall | {a} cpu" for a in arms) +
              " | Optuna TPE wall | Optuna TPE cpu | " + " | ".join(f"ratio {a} wall | ratio {a} cpu" for a in arms) + " |")
        print("|" + " --- |" * (3 + 4 * len(arms)))
        plan = [(100, 50, 20), (1000, 50, 10), (2000, 50, 6)] if not args.quick else [(100, 20, 5), (1000, 20, 3), (2000, 20, 3)]
        for history, our_asks, their_asks in plan:
            # Ours before and after Optuna's, so a change in the machine's load hits both.
            first = {a: ours_timing(args.bin, a, history, our_asks) for a in arms}
            o_wall, o_cpu = optuna_timing(history, their_asks)
            second = {a: ours_timing(args.bin, a, history, our_asks) for a in arms}
            row, ratios = [], []
            ow, oc = statistics.median(o_wall), statistics.median(o_cpu)
            raw["timing"][history] = {"optuna": {"ms": o_wall, "cpu_ms": o_cpu}}
            for a in arms:
                wall = first[a][0] + second[a][0]
                cpu = first[a][1] + second[a][1]
                raw["timing"][history][a] = {"ms": wall, "cpu_ms": cpu}
                w, c = statistics.median(wall), statistics.median(cpu)
                row += [f"{w:.3f}", f"{c:.3f}"]
                ratios += [f"{ow / w:.0f}x", f"{oc / c:.0f}x"]
            print(f"| {history} | " + " | ".join(row) + f" | {ow:.1f} | {oc:.1f} | " + " | ".join(ratios) + " |", flush=True)
        print(f"\ntiming took {time.time() - t1:.0f} s")
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(raw))


if __name__ == "__main__":
    main()
