#!/usr/bin/env bash
# Ensemble throughput on 1 and 2 MPI ranks (issue 13 target: ≥ 1.8× on 2 ranks), release
# build, one BLAS thread, the shipped example with a Saltelli design:
#
#   Benchmarks/ensemble_scaling.sh [base-samples]      # default 64: 64 × 11 = 704 runs
#
# Prints each run's summary line (runs per second over the sampling phase, then the statistics
# phase) and checks that the two output folders are byte-identical.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
samples="${1:-64}"
swift build -c release --package-path "$root" --product minsim >&2
bin="$(swift build -c release --package-path "$root" --show-bin-path)/minsim"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
export OPENBLAS_NUM_THREADS=1
flags=()
[ "$(id -u)" -eq 0 ] && flags+=(--allow-run-as-root)
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for ranks in 1 2; do
  echo "== mpirun -n $ranks"
  mpirun "${flags[@]}" -n "$ranks" "$bin" ensemble "$root/Scenarios/uncertainty-steps.yaml" --samples "$samples" \
    --method sobol --out "$out/r$ranks" | grep -E "computed|statistics"
done
diff -r "$out/r1" "$out/r2" >/dev/null && echo "files identical for 1 and 2 ranks"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
