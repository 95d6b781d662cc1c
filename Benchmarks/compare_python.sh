#!/usr/bin/env bash
# Side-by-side comparison of the engine with numpy, scipy and pymrio on the same systems.
#
#   Benchmarks/compare_python.sh                         # all networks (≈ 15 minutes)
#   COMPARE_RUNS=3 COMPARE_SIZES="cyclic 1,000;acyclic 10,000" Benchmarks/compare_python.sh
#
# Builds ExportSystem (release), creates Benchmarks/.venv-compare (git-ignored by the root
# .gitignore's `.venv*/`) with numpy, scipy, pandas, pymrio and threadpoolctl from PyPI, and
# runs compare_python.py. Both sides use one BLAS thread (MINSIM_BENCH_THREADS and
# OPENBLAS_NUM_THREADS, both overridable) and the same environment: OPENBLAS_CORETYPE and
# OPENBLAS_L2_SIZE are left as the caller set them, for the engine and for Python alike (on the
# reference machine both are unset), and the table's header reports them and the kernel numpy
# runs (threadpoolctl).
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

MINSIM_BENCH_THREADS="$threads" \
    OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-$threads}" OMP_NUM_THREADS="${OMP_NUM_THREADS:-$threads}" \
    "$venv/bin/python" "$here/compare_python.py" "$export_bin"
