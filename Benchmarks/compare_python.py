"""Side-by-side timing of minsim's engine against numpy, scipy and pymrio on the same system.

Run through compare_python.sh, which builds ExportSystem, prepares .venv-compare and pins BLAS
threads. For each network, ExportSystem writes the quantity system (I - A) x = f of one seeded
synthetic network (A in CSR form, f, the engine's x) and its own timings (engine.json); this
script times, on exactly those numbers:

  scipy    scipy.sparse.linalg.splu(csc(I - A)) then .solve(f)   sparse LU (SuperLU), every size
  numpy    numpy.linalg.solve(I - A, f)                          dense LU (LAPACK dgesv), to 10,000 nodes
  pymrio   pymrio.calc_L(A) then L @ f                           the Leontief inverse, as MRIO tools do,
                                                                 to 10,000 nodes

Each with its time (median of COMPARE_RUNS after one warm-up) and its peak resident memory above
the process's resident size before the first call (VmHWM after a reset through /proc/self/clear_refs,
as the engine measures its own), and prints a Markdown table with each time's ratio to the
engine's quantity-only time and to its whole year, plus the largest relative difference of x and
the 1-minute load average when the network's measurement started (the reference machine is shared).

Then, with the release `minsim` (second argument), the same acyclic 100,000- and 1,000,000-node
networks end to end through the CLI (`minsim generate`, `validate`, `run`: process start to CSVs
written), each command COMPARE_E2E_RUNS times (1,000,000 nodes: once) under /usr/bin/time: the
median wall clock, CPU (user + system) and peak resident size, with the load average at each start.
COMPARE_E2E selects those networks ("acyclic 100,000;acyclic 1,000,000", the default; "" for none).
"""

import gc
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pymrio
import scipy
import scipy.sparse
import scipy.sparse.linalg
from threadpoolctl import threadpool_info

# (label, regions, stages, products per stage, suppliers, feedback). Cyclic networks have an
# own-stage input of 0.05 (scrap return); the dense case has every region supplying every market.
SIZES = [
    ("cyclic 1,000", 50, 4, 5, 5, 0.05),
    ("cyclic 4,000", 100, 4, 10, 5, 0.05),
    ("cyclic 10,000", 100, 4, 25, 5, 0.05),
    ("cyclic 100,000", 1000, 4, 25, 5, 0.05),
    ("dense cyclic 2,000", 50, 4, 10, 50, 0.05),
    ("acyclic 10,000", 100, 4, 25, 5, 0.0),
    ("acyclic 100,000", 1000, 4, 25, 5, 0.0),
    ("acyclic 1,000,000", 10000, 4, 25, 5, 0.0),
]
DENSE_LIMIT = 10_000  # numpy and pymrio need N x N doubles: 800 MB at 10,000 nodes
# End to end through the CLI: (label, regions); 4 stages x 25 products per stage, 5 suppliers, acyclic.
END_TO_END = [("acyclic 100,000", 1000), ("acyclic 1,000,000", 10000)]


def load_average():
    with open("/proc/loadavg") as fh:
        return float(fh.read().split()[0])


def status_bytes(field):
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field):
                return int(line.split()[1]) * 1024
    return 0


def reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        pass


CPU_SECONDS = {}  # "last": median process CPU seconds of the last `measure` call


def measure(fn, runs):
    """Median wall seconds of `runs` calls after one warm-up, and the peak memory above the
    resident size before the warm-up (the first call's allocations count, as in ExportSystem).
    The median process CPU seconds of the same calls is kept in CPU_SECONDS["last"]."""
    gc.collect()
    base = status_bytes("VmRSS:")
    reset_peak()
    fn()  # warm-up
    times, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    peak = max(status_bytes("VmHWM:") - base, 0)
    CPU_SECONDS["last"] = float(np.median(cpu))
    return float(np.median(times)), peak


def ms(seconds):
    if seconds is None:
        return "–"
    v = seconds * 1e3
    return f"{v:.0f}" if v >= 100 else (f"{v:.1f}" if v >= 1 else f"{v:.2f}")


def mb(b):
    return "–" if b is None else f"{b / 1e6:.0f} MB"


def ratio(other, engine):
    return "" if other is None else f" ({other / engine:.2f})"


def main():
    export = Path(sys.argv[1])
    runs = int(os.environ.get("COMPARE_RUNS", "5"))
    wanted = os.environ.get("COMPARE_SIZES")  # e.g. "cyclic 1,000;acyclic 10,000"
    sizes = [s for s in SIZES if not wanted or s[0] in wanted.split(";")]

    print("## minsim engine vs scipy / numpy / pymrio\n")
    print(f"- numpy {np.__version__}, scipy {scipy.__version__}, pandas {pd.__version__}, pymrio {pymrio.__version__}, "
          f"Python {platform.python_version()}")
    for lib in threadpool_info():
        print(f"- numpy/scipy BLAS (threadpoolctl): {lib.get('internal_api')} {lib.get('version')}, "
              f"kernel {lib.get('architecture')}, threads {lib.get('num_threads')}")
    print(f"- OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}, "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')} (both sides)")
    print(f"- each time: median of {runs} runs after 1 warm-up (pymrio: at most 3; 1,000,000 nodes: 3), wall clock; "
          "memory: peak resident above the resident size before the first call\n")

    rows, cpu_rows = [], []
    for label, regions, stages, products, suppliers, feedback in sizes:
        load = load_average()
        with tempfile.TemporaryDirectory(prefix="minsim-compare-") as d:
            r = min(runs, 3) if regions * stages * products >= 1_000_000 else runs
            subprocess.run([str(export), "--regions", str(regions), "--stages", str(stages),
                            "--products-per-stage", str(products), "--suppliers", str(suppliers),
                            "--feedback", str(feedback), "--out", d, "--runs", str(r)], check=True)
            engine = json.loads(Path(d, "engine.json").read_text())
            f = np.load(Path(d, "f.npy"))
            x_engine = np.load(Path(d, "x_engine.npy"))
            n = engine["nodes"]
            A = scipy.sparse.csr_matrix((np.load(Path(d, "A_data.npy")), np.load(Path(d, "A_indices.npy")),
                                         np.load(Path(d, "A_indptr.npy"))), shape=(n, n))
            Msp = (scipy.sparse.identity(n, format="csr") - A).tocsc()

            solutions = []
            t_scipy, m_scipy = measure(lambda: scipy.sparse.linalg.splu(Msp).solve(f), r)
            c_scipy = CPU_SECONDS["last"]
            solutions.append(scipy.sparse.linalg.splu(Msp).solve(f))
            t_numpy = m_numpy = t_pymrio = m_pymrio = None
            if n <= DENSE_LIMIT:
                A_dense = A.toarray()
                M = np.eye(n) - A_dense
                t_numpy, m_numpy = measure(lambda: np.linalg.solve(M, f), r if n < DENSE_LIMIT else 1)
                solutions.append(np.linalg.solve(M, f))
                del M
                A_df = pd.DataFrame(A_dense)
                pr = 1 if n >= DENSE_LIMIT else max(1, min(r, 3))  # the explicit inverse costs ~3 LU factorizations
                t_pymrio, m_pymrio = measure(lambda: pymrio.calc_L(A_df).to_numpy() @ f, pr)
                solutions.append(pymrio.calc_L(A_df).to_numpy() @ f)
                del A_df, A_dense
                gc.collect()
            scale = np.maximum(np.abs(x_engine), 1e-300)
            worst = max(float(np.max(np.abs(x - x_engine) / scale)) for x in solutions)

            year, quantity = engine["year_seconds"], engine["quantity_seconds"]
            solver = engine["solver"].split(":")[0].split(" (")[0]
            rows.append(f"| {label} | {n:,} | {engine['nonzeros']:,} | {solver} | {ms(year)} ({mb(engine['year_peak_bytes'])}) | "
                        f"{ms(quantity)} ({mb(engine['quantity_peak_bytes'])}) | "
                        f"{ms(t_scipy)}{ratio(t_scipy, quantity)}{ratio(t_scipy, year)} ({mb(m_scipy)}) | "
                        f"{ms(t_numpy)}{ratio(t_numpy, quantity)} ({mb(m_numpy)}) | "
                        f"{ms(t_pymrio)}{ratio(t_pymrio, quantity)} ({mb(m_pymrio)}) | {worst:.1e} | {load:.1f} |")
            c_year, c_quantity = engine.get("year_cpu_seconds"), engine.get("quantity_cpu_seconds")
            if c_year is not None and c_quantity is not None:
                cpu_rows.append(f"| {label} | {ms(c_year)} | {ms(c_quantity)} | {ms(c_scipy)} | "
                                f"{c_scipy / c_year:.2f} | {c_scipy / c_quantity:.2f} | {load:.1f} |")
            print(f"measured {label}", file=sys.stderr)

    print("| network | nodes | nonzeros of A | engine solver (automatic) | engine whole year ms (peak) | "
          "engine quantity only ms (peak) | scipy splu + solve ms (÷ engine quantity) (÷ engine year) (peak) | "
          "numpy solve ms (÷ engine quantity) (peak) | pymrio calc_L + L·f ms (÷ engine quantity) (peak) | "
          "max rel. diff of x vs engine | load avg |")
    print("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print(row)
    print("\nRatios above 1 mean the Python tool took longer than the engine. `engine quantity only` "
          "factors I − A with the automatic choice and solves for f, the same work as the Python tools; "
          "`engine whole year` also runs the price–share fixed point, the price solve, flows and every check.")
    if cpu_rows:
        print("\nProcess CPU time of the same calls (median; steadier than wall clock on a shared machine):\n")
        print("| network | engine whole year CPU ms | engine quantity only CPU ms | scipy splu + solve CPU ms | "
              "scipy ÷ engine year | scipy ÷ engine quantity | load avg |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for row in cpu_rows:
            print(row)

    if len(sys.argv) > 2:
        end_to_end(Path(sys.argv[2]))


def timed_command(args):
    """Wall seconds, CPU seconds (user + system) and peak resident bytes of one command, from
    /usr/bin/time, with the 1-minute load average at its start."""
    load = load_average()
    with tempfile.NamedTemporaryFile("r", suffix=".time") as t:
        subprocess.run(["/usr/bin/time", "-o", t.name, "-f", "%e %U %S %M", *args], check=True,
                       stdout=subprocess.DEVNULL)
        wall, user, system, rss_kb = t.read().split()[-4:]
    return float(wall), float(user) + float(system), int(rss_kb) * 1024, load


def end_to_end(minsim):
    runs = int(os.environ.get("COMPARE_E2E_RUNS", "3"))
    wanted = os.environ.get("COMPARE_E2E", ";".join(label for label, _ in END_TO_END))
    print("\n## minsim end to end (release CLI, process start to files written)\n")
    print(f"- each command {runs} times (1,000,000 nodes: once); median wall clock, CPU (user + system), "
          "peak RSS (/usr/bin/time); load average (1 min) at the start of each repetition\n")
    print("| network | command | runs | wall s median (min–max) | CPU s median | peak RSS median | "
          "year inside run (manifest) s | load avg |")
    print("|---|---|---:|---:|---:|---:|---:|---|")
    for label, regions in END_TO_END:
        if label not in wanted.split(";"):
            continue
        r = 1 if regions >= 10000 else runs
        base = Path(tempfile.mkdtemp(prefix="minsim-e2e-"))
        try:
            scenario, out = base / "scenario", base / "out"
            generate = [str(minsim), "generate", "--regions", str(regions), "--stages", "4", "--products-per-stage",
                        "25", "--suppliers", "5", "--seed", "2026", "--out", str(scenario), "--force", "--quiet"]
            commands = [("generate", generate),
                        ("validate", [str(minsim), "validate", str(scenario / "scenario.yaml")]),
                        ("run", [str(minsim), "run", str(scenario / "scenario.yaml"), "--out", str(out),
                                 "--force", "--quiet"])]
            for name, args in commands:
                samples = [timed_command(args) for _ in range(r)]
                walls = [x[0] for x in samples]
                year = "–"
                if name == "run":
                    manifest = json.loads((out / "manifest.json").read_text())
                    year = f"{sum(y['wall_time_seconds'] for y in manifest['years']):.2f}"
                loads = ", ".join(f"{x[3]:.1f}" for x in samples)
                print(f"| {label} | `{name}` | {r} | {np.median(walls):.2f} ({min(walls):.2f}–{max(walls):.2f}) | "
                      f"{np.median([x[1] for x in samples]):.2f} | {np.median([x[2] for x in samples]) / 1e6:.0f} MB | "
                      f"{year} | {loads} |", flush=True)
                print(f"measured {label} {name}", file=sys.stderr)
        finally:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
