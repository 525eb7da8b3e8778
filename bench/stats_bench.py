#!/usr/bin/python3
"""Column statistics of a 1,000,000 x 50 numeric CSV: moebius_table_stats against pandas.

Arms, alternated in each round (A B C A B C ...), 5 rounds by default:
  moebius-1t   `moebius_table_stats --no-corr --threads 1 FILE` as a subprocess (process start,
               reading, statistics and JSON output all counted): one thread, like pandas
  moebius-Nt   the same with `--threads N`, N = all cores of this machine (os.cpu_count()):
               the file is parsed in N ranges at once and the statistics use N threads
  pandas       `pd.read_csv(FILE).describe()` inside this Python process (interpreter start and
               `import pandas` not counted); single-threaded
  and, unless --no-corr, the same three with the 50 x 50 Pearson matrix (`df.corr()`).
The CSV is generated once (fixed seed) and kept in --dir. Each result is the median over rounds
of pandas time / moebius time, with the spread (min-max) of the per-round ratios; CPU seconds
(user + sys) are printed beside wall seconds, and the load average before and after.

usage: /usr/bin/python3 bench/stats_bench.py [--rounds 5] [--rows 1000000] [--dir /tmp/moebius-stats-bench]
       [--bin build/src/data/table/moebius_table_stats] [--threads N] [--no-corr]
"""
import argparse
import json
import os
import pathlib
import resource
import statistics
import subprocess
import sys
import time

import numpy as np
import pandas as pd

ROOT = pathlib.Path(__file__).resolve().parents[1]


def generate(path, rows, cols=50):
    """40 float columns in varied scales and precisions, 10 int columns; 5 columns with 2% missing."""
    rng = np.random.default_rng(20261123)
    data = {}
    for c in range(cols):
        if c < 40:
            scale = 10.0 ** (c % 7 - 3)
            v = np.round(rng.standard_normal(rows) * scale + c, 6 - c % 4)
        else:
            v = rng.integers(-1000, 100000, rows).astype(float)
        if c % 10 == 3:
            v[rng.random(rows) < 0.02] = np.nan
        data[f"c{c:02d}"] = v
    frame = pd.DataFrame(data)
    for c in range(40, cols):
        if frame[f"c{c:02d}"].notna().all():
            frame[f"c{c:02d}"] = frame[f"c{c:02d}"].astype(np.int64)
    tmp = str(path) + ".tmp"
    frame.to_csv(tmp, index=False)
    os.replace(tmp, path)


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def time_ours(binary, path, corr, threads):
    """Wall and CPU seconds of one moebius_table_stats run, and its JSON."""
    args = [binary, "--threads", str(threads), str(path)]
    if not corr:
        args.insert(1, "--no-corr")
    c0 = children_cpu()
    t0 = time.perf_counter()
    out = subprocess.run(args, check=True, stdout=subprocess.PIPE).stdout
    dt = time.perf_counter() - t0
    return dt, children_cpu() - c0, json.loads(out)


def time_pandas(path, corr):
    c0 = time.process_time()
    t0 = time.perf_counter()
    df = pd.read_csv(path)
    desc = df.describe()
    if corr:
        df.corr()
    return time.perf_counter() - t0, time.process_time() - c0, desc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--dir", default="/tmp/moebius-stats-bench")
    ap.add_argument("--bin", default=os.environ.get("MOEBIUS_TABLE_STATS",
                                                    str(ROOT / "build/src/data/table/moebius_table_stats")))
    ap.add_argument("--threads", type=int, default=os.cpu_count(), help="threads of the N-thread arm")
    ap.add_argument("--no-corr", action="store_true", help="skip the arms with correlations")
    a = ap.parse_args()
    n = a.threads

    os.makedirs(a.dir, exist_ok=True)
    path = pathlib.Path(a.dir) / f"numeric_{a.rows}x50.csv"
    if not path.exists():
        t0 = time.perf_counter()
        generate(path, a.rows)
        print(f"generated {path} in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    size_mb = path.stat().st_size / 1e6
    print(f"file: {path} ({size_mb:.0f} MB), pandas {pd.__version__}, {os.cpu_count()} cores, "
          f"N = {n} threads, load average before {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    # Warm-up (page cache) and a check that both compute the same numbers, and that N threads
    # give the same JSON as one.
    _, _, ours = time_ours(a.bin, path, False, 1)
    _, _, ours_n = time_ours(a.bin, path, False, n)
    _, _, desc = time_pandas(path, False)
    worst = 0.0
    for c in ours["columns"]:
        for k, pk in (("mean", "mean"), ("std", "std"), ("q50", "50%"), ("max", "max")):
            want = float(desc.loc[pk, c["name"]])
            worst = max(worst, abs(c[k] - want) / max(abs(want), 1e-300))
    print(f"largest relative difference from pandas (mean, std, median, max): {worst:.2e}; "
          f"{n}-thread output {'identical to' if ours_n == ours else 'DIFFERENT from'} 1-thread output")

    arms = [("moebius-1t", lambda: time_ours(a.bin, path, False, 1)[:2]),
            (f"moebius-{n}t", lambda: time_ours(a.bin, path, False, n)[:2]),
            ("pandas", lambda: time_pandas(path, False)[:2])]
    if not a.no_corr:
        arms += [("moebius-1t+corr", lambda: time_ours(a.bin, path, True, 1)[:2]),
                 (f"moebius-{n}t+corr", lambda: time_ours(a.bin, path, True, n)[:2]),
                 ("pandas+corr", lambda: time_pandas(path, True)[:2])]
    times = {name: [] for name, _ in arms}
    cpus = {name: [] for name, _ in arms}
    for r in range(a.rounds):
        for name, fn in arms:
            wall, cpu = fn()
            times[name].append(wall)
            cpus[name].append(cpu)
        print(f"round {r + 1}: " + ", ".join(f"{n_} {times[n_][-1]:.2f} s ({cpus[n_][-1]:.2f} cpu)" for n_, _ in arms)
              + f"; load {os.getloadavg()[0]:.2f}")

    def report(ours_name, peer_name):
        ratios = [p / o for p, o in zip(times[peer_name], times[ours_name])]
        print(f"{ours_name} vs {peer_name}: median {statistics.median(times[ours_name]):.2f} s "
              f"({statistics.median(cpus[ours_name]):.2f} s cpu) vs {statistics.median(times[peer_name]):.2f} s "
              f"({statistics.median(cpus[peer_name]):.2f} s cpu); ratio median {statistics.median(ratios):.1f}x "
              f"(spread {min(ratios):.1f}-{max(ratios):.1f}x)")

    report("moebius-1t", "pandas")
    report(f"moebius-{n}t", "pandas")
    if not a.no_corr:
        report("moebius-1t+corr", "pandas+corr")
        report(f"moebius-{n}t+corr", "pandas+corr")
    print(f"load average after {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
