#!/usr/bin/env bash
# Side-by-side comparison of the engine with numpy, scipy and pymrio on the same systems.
#
#   Benchmarks/compare_python.sh                         # all sizes (≈ 3 minutes)
#   COMPARE_RUNS=3 COMPARE_SIZES="1,000 cyclic;10,000 acyclic" Benchmarks/compare_python.sh
#
# Builds ExportSystem (release), creates Benchmarks/.venv-compare (git-ignored by the root
# .gitignore's `.venv*/`) with numpy, scipy, pandas, pymrio and threadpoolctl from PyPI, and
# runs compare_python.py. Both sides use one BLAS thread (MINSIM_BENCH_THREADS and
# OPENBLAS_NUM_THREADS, both overridable). numpy's wheel bundles its own OpenBLAS: if
# OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are set on this machine (they slow a current numpy),
# they are unset for the Python side only, and threadpoolctl reports the kernel it then runs.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
threads="${MINSIM_BENCH_THREADS:-1}"

swift build -c release --package-path "$here" --product ExportSystem >&2
export_bin="$(swift build -c release --package-path "$here" --show-bin-path)/ExportSystem"

venv="$here/.venv-compare"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c "import numpy, scipy, pandas, pymrio, threadpoolctl" 2>/dev/null; then
    "$venv/bin/pip" install --quiet --upgrade pip >&2
    "$venv/bin/pip" install --quiet numpy scipy pandas pymrio threadpoolctl >&2
fi

if [ -n "${OPENBLAS_CORETYPE:-}${OPENBLAS_L2_SIZE:-}" ]; then
    echo "note: OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-} OPENBLAS_L2_SIZE=${OPENBLAS_L2_SIZE:-} kept for the engine, unset for numpy" >&2
fi
MINSIM_BENCH_THREADS="$threads" \
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \
    OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-$threads}" OMP_NUM_THREADS="${OMP_NUM_THREADS:-$threads}" \
    "$venv/bin/python" "$here/compare_python.py" "$export_bin"
