#!/usr/bin/env bash
# Times `minsim run` end to end — process start to the last CSV written and renamed into
# place — with the release binary, 1 BLAS thread (the CLI's default).
#
#   Benchmarks/time_run.sh                                  # Scenarios/baseline-2024.yaml
#   Benchmarks/time_run.sh path/to/scenario.yaml [runs]
#
# Uses hyperfine when installed (apt-get install hyperfine), otherwise a loop that prints
# each run's wall time and the median.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
scenario="${1:-$root/Scenarios/baseline-2024.yaml}"
runs="${2:-10}"

swift build -c release --package-path "$root" --product minsim >&2
bin="$(swift build -c release --package-path "$root" --show-bin-path)/minsim"
out="$(mktemp -d)/out"
trap 'rm -rf "$(dirname "$out")"' EXIT

"$bin" run "$scenario" --out "$out" --force --quiet
years=$(awk -F, 'NR > 1 { print $2 }' "$out/nodes.csv" | sort -u | wc -l)
echo "scenario: $scenario — $years simulated year(s), $(($(wc -l < "$out/nodes.csv") - 1)) node rows" >&2

if command -v hyperfine >/dev/null; then
    hyperfine --warmup 1 --runs "$runs" --export-markdown /dev/stdout \
        "$bin run '$scenario' --out '$out' --force --quiet"
else
    times=()
    for _ in $(seq "$runs"); do
        t0=$(date +%s.%N)
        "$bin" run "$scenario" --out "$out" --force --quiet
        t1=$(date +%s.%N)
        times+=("$(echo "$t1 - $t0" | bc)")
        echo "${times[-1]} s"
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print "median:", (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2), "s" }'
fi
