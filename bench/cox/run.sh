#!/bin/sh
# FitCox against R's coxph on the same 1e6 × 10 data (whole-day times,
# Efron ties), run alternately so that both see the same machine load.
# Prints every timing, the medians and their ratio.
#
#   bench/cox/run.sh [rounds]      (from the repository root; default 6)
#
# The data come from survival/cox_bench_test.go (coxBenchData, seeded):
# TestWriteCoxBenchCSV writes them, BenchmarkFitCox/n=1000000 fits them.
set -eu
rounds=${1:-6}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
go test -c -o "$dir/survival.test" ./survival
LTV_COX_BENCH_CSV="$dir/cox.csv" "$dir/survival.test" -test.run '^TestWriteCoxBenchCSV$' >/dev/null
for i in $(seq "$rounds"); do
	"$dir/survival.test" -test.run '^$' -test.bench '^BenchmarkFitCox/n=1000000$' -test.benchtime 1x |
		awk '/ns\/op/ { printf "%.3f\n", $3 / 1e9 }' >>"$dir/go.txt"
	Rscript "$(dirname "$0")/coxph.R" "$dir/cox.csv" >>"$dir/r.txt"
	echo "round $i: Go $(tail -1 "$dir/go.txt") s, R $(tail -1 "$dir/r.txt") s"
done
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
g=$(median "$dir/go.txt")
r=$(median "$dir/r.txt")
echo "median: Go $g s, R $r s, R/Go $(awk -v r="$r" -v g="$g" 'BEGIN { printf "%.1f", r / g }')"
