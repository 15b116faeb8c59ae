#!/usr/bin/env bash
# Times survival.FitAFT (Weibull) against R's survreg on the same simulated
# data, alternating the two REPS times, and prints the medians and their
# ratio. Usage (from the repository root): bash bench/aft/run.sh [N] [K] [REPS]
set -euo pipefail
n=${1:-1000000} k=${2:-10} reps=${3:-6}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
go build -o "$dir/aft" ./bench/aft
"$dir/aft" -gen "$dir/data.csv" -n "$n" -k "$k"
for i in $(seq "$reps"); do
  "$dir/aft" -fit "$dir/data.csv" | tee -a "$dir/go.txt"
  Rscript bench/aft/survreg.R "$dir/data.csv" | tee -a "$dir/r.txt"
done
median() { cut -f1 "$1" | sort -g | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
g=$(median "$dir/go.txt") r=$(median "$dir/r.txt")
echo "n=$n k=$k reps=$reps: FitAFT median ${g}s, survreg median ${r}s, survreg/FitAFT $(awk -v g="$g" -v r="$r" 'BEGIN {printf "%.1f", r/g}')"
