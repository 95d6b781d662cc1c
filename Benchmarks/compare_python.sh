#!/usr/bin/env bash
# Side-by-side comparison of the engine with numpy, scipy and pymrio on the same systems, then
# the CLI end to end on the 100,000- and 1,000,000-node acyclic networks, in one run.
#
#   Benchmarks/compare_python.sh                         # everything (≈ 40 minutes on 2 cores)
#   COMPARE_RUNS=3 COMPARE_SIZES="cyclic 1,000;acyclic 10,000" COMPARE_E2E="" Benchmarks/compare_python.sh
#
# Builds ExportSystem and minsim (release), creates Benchmarks/.venv-compare (git-ignored by the
# root .gitignore's `.venv*/`) with numpy, scipy, pandas, pymrio and threadpoolctl from PyPI, and
# runs compare_python.py. Both sides use one BLAS thread (MINSIM_BENCH_THREADS and
# OPENBLAS_NUM_THREADS, both overridable) and the same environment: OPENBLAS_CORETYPE and
# OPENBLAS_L2_SIZE are unset for the engine and for Python alike, so each OpenBLAS picks its
# kernel for the CPU itself (the engine's Debian OpenBLAS 0.3.21 falls back to Prescott on the
# reference machine, the wheels' OpenBLAS runs SkylakeX; threadpoolctl's report is printed).
# Every row also records the load average when it started: on a shared machine, repeat the run
# and compare medians.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
threads="${MINSIM_BENCH_THREADS:-1}"
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE

swift build -c release --package-path "$here" --product ExportSystem >&2
export_bin="$(swift build -c release --package-path "$here" --show-bin-path)/ExportSystem"
swift build -c release --package-path "$here/.." --product minsim >&2
minsim_bin="$(swift build -c release --package-path "$here/.." --show-bin-path)/minsim"

venv="$here/.venv-compare"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c "import numpy, scipy, pandas, pymrio, threadpoolctl" 2>/dev/null; then
    "$venv/bin/pip" install --quiet --upgrade pip >&2
    "$venv/bin/pip" install --quiet numpy scipy pandas pymrio threadpoolctl >&2
fi

MINSIM_BENCH_THREADS="$threads" \
    OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-$threads}" OMP_NUM_THREADS="${OMP_NUM_THREADS:-$threads}" \
    "$venv/bin/python" "$here/compare_python.py" "$export_bin" "$minsim_bin"
