"""Side-by-side timing of minsim's engine against numpy, scipy and pymrio on the same system.

Run through compare_python.sh, which builds ExportSystem, prepares .venv-compare and pins BLAS
threads. For each size, ExportSystem writes the quantity system (I - A) x = f of one seeded
synthetic network (A.npy dense or A.mtx sparse, f.npy, the engine's x and its own timings in
engine.json); this script times, on exactly those numbers:

  numpy    numpy.linalg.solve(I - A, f)                 dense LU (LAPACK dgesv), dense sizes
  scipy    scipy.sparse.linalg.spsolve(csc(I - A), f)   sparse LU (SuperLU), every size
  pymrio   pymrio.calc_L(A) then L @ f                  the Leontief inverse, as MRIO tools do

and prints a Markdown table with each time's ratio to the engine's whole year solve (prices,
quantities, flows, checks), plus the largest relative difference of x from the engine's.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pymrio
import scipy
import scipy.io
import scipy.sparse
import scipy.sparse.linalg
from threadpoolctl import threadpool_info

# (label, regions, stages, products per stage, feedback, format). Dense sizes are cyclic
# (feedback 0.05: the engine's automatic choice is dense LU); the 10,000-node rows compare the
# engine's structure-aware solvers with scipy's sparse LU.
SIZES = [
    ("1,000 cyclic", 50, 4, 5, 0.05, "dense"),
    ("2,000 cyclic", 50, 4, 10, 0.05, "dense"),
    ("4,000 cyclic", 100, 4, 10, 0.05, "dense"),
    ("10,000 acyclic", 100, 4, 25, 0.0, "sparse"),
    ("10,000 cyclic", 100, 4, 25, 0.05, "sparse"),
]


def median_time(fn, runs):
    fn()  # warm-up
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def ms(seconds):
    if seconds is None:
        return "–"
    v = seconds * 1e3
    return f"{v:.0f}" if v >= 100 else (f"{v:.1f}" if v >= 1 else f"{v:.3f}")


def ratio(other, engine):
    return "–" if other is None else f"{other / engine:.2f}"


def main():
    export = Path(sys.argv[1])
    runs = int(os.environ.get("COMPARE_RUNS", "5"))
    wanted = os.environ.get("COMPARE_SIZES")  # e.g. "1,000 cyclic;10,000 acyclic"
    sizes = [s for s in SIZES if not wanted or s[0] in wanted.split(";")]

    print("## minsim engine vs numpy / scipy / pymrio\n")
    print(f"- numpy {np.__version__}, scipy {scipy.__version__}, pandas {pd.__version__}, pymrio {pymrio.__version__}, Python {sys.version.split()[0]}")
    for lib in threadpool_info():
        print(f"- numpy/scipy BLAS (threadpoolctl): {lib.get('internal_api')} {lib.get('version')}, "
              f"kernel {lib.get('architecture')}, threads {lib.get('num_threads')}, {lib.get('filepath')}")
    print(f"- OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}, "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')} for Python")
    print(f"- each time: median of {runs} runs after 1 warm-up, wall clock\n")

    rows = []
    for label, regions, stages, products, feedback, fmt in sizes:
        with tempfile.TemporaryDirectory(prefix="minsim-compare-") as d:
            subprocess.run([str(export), "--regions", str(regions), "--stages", str(stages),
                            "--products-per-stage", str(products), "--feedback", str(feedback),
                            "--format", fmt, "--out", d, "--runs", str(runs)], check=True)
            engine = json.loads(Path(d, "engine.json").read_text())
            f = np.load(Path(d, "f.npy"))
            x_engine = np.load(Path(d, "x_engine.npy"))
            n = engine["nodes"]
            if fmt == "dense":
                A = np.load(Path(d, "A.npy"))
                M = np.eye(n) - A
                Msp = scipy.sparse.csc_matrix(M)
            else:
                A = scipy.io.mmread(str(Path(d, "A.mtx"))).tocsc()
                Msp = (scipy.sparse.identity(n, format="csc") - A).tocsc()
                M = None

            diffs = []
            t_numpy = t_pymrio = None
            if M is not None:
                t_numpy = median_time(lambda: np.linalg.solve(M, f), runs)
                diffs.append(np.linalg.solve(M, f))
                A_df = pd.DataFrame(A)
                pr = max(1, min(runs, 3))  # the explicit inverse costs ~3 LU factorizations
                t_pymrio = median_time(lambda: pymrio.calc_L(A_df).to_numpy() @ f, pr)
                diffs.append(pymrio.calc_L(A_df).to_numpy() @ f)
            t_scipy = median_time(lambda: scipy.sparse.linalg.spsolve(Msp, f), runs)
            diffs.append(scipy.sparse.linalg.spsolve(Msp, f))
            scale = np.maximum(np.abs(x_engine), 1e-300)
            worst = max(float(np.max(np.abs(x - x_engine) / scale)) for x in diffs)

            year = engine["year_seconds"]
            lu = engine.get("lu_solve_seconds")
            solver = engine["solver"].split(" (")[0].split(",")[0]  # "dense LU", "GMRES(30) + ILU(0)", …
            rows.append(f"| {label} | {n} | {engine['nonzeros']} | {ms(year)} | {solver} | {ms(lu)} | "
                        f"{ms(t_numpy)} ({ratio(t_numpy, year)}) | {ms(t_scipy)} ({ratio(t_scipy, year)}) | "
                        f"{ms(t_pymrio)} ({ratio(t_pymrio, year)}) | {worst:.1e} |")
            print(f"measured {label}", file=sys.stderr)

    print("| network | nodes | nonzeros of A | engine year ms | engine solver | engine dgetrf+dgetrs ms | "
          "numpy solve ms (÷ engine year) | scipy spsolve ms (÷ engine year) | pymrio calc_L + L·f ms (÷ engine year) | "
          "max rel. diff of x vs engine |")
    print("|---|---:|---:|---:|---|---:|---:|---:|---:|---:|")
    for r in rows:
        print(r)
    print("\nRatios above 1 mean the Python tool took longer than the engine's whole year "
          "(price–share fixed point, quantities, flows and checks); numpy, scipy and pymrio solve the quantity system only.")


if __name__ == "__main__":
    main()
