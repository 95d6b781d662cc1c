#!/usr/bin/env bash
# The clearing's cost on the generated networks of several seeds, not only the benchmark's:
# for each seed and kind (acyclic, cyclic), the 17-year run of `ClearingReport --sections
# generated` (the cold year and 16 warm years, every final demand +3 % a year), one table row
# per network with the run's ratios and counts a year and its cold year's counts.
#
#   Benchmarks/clearing_seeds.sh                       # 10,000 nodes, seeds 2026 1 2 3 4 5
#   CLEARING_SEEDS="2026 7" CLEARING_NODES=1000 Benchmarks/clearing_seeds.sh
#   CLEARING_JOBS=2 Benchmarks/clearing_seeds.sh       # two reports at a time (noisier ratios)
#   CLEARING_RUNS=1 Benchmarks/clearing_seeds.sh       # one round a report (a third of the time)
#   Benchmarks/clearing_seeds.sh OPENBLAS_CORETYPE=SKYLAKEX   # extra environment for every run
#
# One OpenBLAS thread. The counts (steps, year solves, products) are exact and depend only on the
# network and on the rounding of the BLAS kernels in use (so `OPENBLAS_CORETYPE` changes them); a
# round's CPU-time ratio moves by ±5–10 % between runs on the machines measured
# (docs/performance.md, "Twelve networks under two sets of BLAS kernels"), so each ratio is the
# median of CLEARING_RUNS rounds (default 3; each round times the plain solves and the clearing back
# to back, the counts the same in every round). On the AMD EPYC machine one round put seed 2 cyclic
# under the SkylakeX kernels at 18.7–20.9, the median of three at 18.1–19.1 (docs/performance.md, "A
# repeated hybrid step skipped, a creeping one pinning"). The reports are kept in CLEARING_OUT
# (default: a temporary folder, removed); the last line is the mean ratio and the networks over 20.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
seeds="${CLEARING_SEEDS:-2026 1 2 3 4 5}"
nodes="${CLEARING_NODES:-10000}"
jobs="${CLEARING_JOBS:-1}"
runs="${CLEARING_RUNS:-3}"
case "$jobs" in '' | *[!0-9]* | 0) echo "CLEARING_JOBS must be a positive whole number, not '$jobs'" >&2; exit 2 ;; esac
case "$runs" in '' | *[!0-9]* | 0) echo "CLEARING_RUNS must be a positive whole number, not '$runs'" >&2; exit 2 ;; esac
for assignment in "$@"; do
    case "$assignment" in *=*) ;; *) echo "arguments are NAME=VALUE environment settings, not '$assignment'" >&2; exit 2 ;; esac
done

swift build -c release --package-path "$here" --product ClearingReport >&2
bin="$(swift build -c release --package-path "$here" --show-bin-path)/ClearingReport"
if [ -n "${CLEARING_OUT:-}" ]; then
    out="$CLEARING_OUT"
    mkdir -p "$out"
else
    out="$(mktemp -d)"
    trap 'rm -rf "$out"' EXIT
fi

# One report: the network of $seed and $kind (0 acyclic, 1 cyclic); the arguments are the
# extra environment settings.
run() {
    env "$@" OPENBLAS_NUM_THREADS=1 MINSIM_BENCH_SEED="$seed" MINSIM_BENCH_CYCLIC="$kind" \
        MINSIM_BENCH_NODES="$nodes" MINSIM_BENCH_LOG=1 "$bin" --runs "$runs" --sections generated
}
pending=0
for seed in $seeds; do
    for kind in 0 1; do
        run "$@" > "$out/seed$seed-kind$kind.md" 2> "$out/seed$seed-kind$kind.err" &
        pending=$((pending + 1))
        if [ "$pending" -ge "$jobs" ]; then wait -n || true; pending=$((pending - 1)); fi
    done
done
wait || true

table="$out/table.md"
{
echo "| seed | kind | plain year | cleared year | ratio of CPU times | steps / year solves / Jacobians (columns and products) a year | cold year: steps / year solves / Jacobians (columns and products) | years over 20 year solves: year (year solves), 0 the cold year |"
echo "|---:|---|---:|---:|---:|---|---|---|"
for seed in $seeds; do
    for kind in 0 1; do
        f="$out/seed$seed-kind$kind.md"
        row="$(grep -- "-year run, per year" "$f" | tail -1 || true)"
        if [ -z "$row" ]; then
            echo "| $seed | $([ "$kind" = 1 ] && echo cyclic || echo acyclic) | failed: $(tail -1 "$out/seed$seed-kind$kind.err") | | | | | |"
            continue
        fi
        cold="$(grep -m1 '^<!-- run year 0:' "$f" | sed -E 's/.*steps ([0-9]+), year solves ([0-9]+), Jacobians ([0-9]+) \(([0-9]+)\).*/\1 \/ \2 \/ \3 (\4)/')"
        over="$(grep '^<!-- run year [0-9]*:' "$f" \
            | sed -E 's/.*run year ([0-9]+): steps [0-9]+, year solves ([0-9]+),.*/\1 \2/' \
            | awk '$2 > 20 { printf "%s%s (%s)", sep, $1, $2; sep = ", " }')"
        echo "$row" | awk -F'|' -v seed="$seed" -v kind="$kind" -v cold="$cold" -v over="${over:-none}" '{
            gsub(/^ +| +$/, "", $8); gsub(/^ +| +$/, "", $9); gsub(/^ +| +$/, "", $11)
            gsub(/^ +| +$/, "", $12); gsub(/^ +| +$/, "", $13); gsub(/^ +| +$/, "", $14)
            printf "| %s | %s | %s | %s | %s | %s / %s / %s | %s | %s |\n", seed, (kind == 1 ? "cyclic" : "acyclic"),
                $8, $9, $11, $12, $13, $14, cold, over
        }'
    done
done
} > "$table"
cat "$table"
# The summary a reader looks for first: the mean ratio and the networks over the target of 20.
awk -F'|' 'NR > 2 && $6 ~ /[0-9]/ {
    gsub(/ /, "", $6); n += 1; sum += $6
    if ($6 + 0 > 20) { s = $2; k = $3; gsub(/ /, "", s); gsub(/ /, "", k); over = over sep s " " k; sep = ", " }
} END {
    if (n > 0) printf "\nMean ratio over %d networks: %.1f; over 20: %s\n", n, sum / n, (over == "" ? "none" : over)
}' "$table"
