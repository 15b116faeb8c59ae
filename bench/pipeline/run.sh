#!/usr/bin/env bash
# Times the whole pipeline (log → summary → BG/NBD → Gamma-Gamma → 12-month
# value) in Go against pandas + scipy on the same seeded log, alternating
# the two REPS times, and prints the medians of the wall and CPU seconds
# (the read excluded), of each process's peak resident memory (the read
# included), and the ratios. Python is Debian's (/usr/bin/python3, with
# python3-pandas and python3-scipy); set PYTHON to use another.
# Usage (from the repository root): bash bench/pipeline/run.sh [CUSTOMERS] [REPS]
set -euo pipefail
n=${1:-1000000} reps=${2:-5} py=${PYTHON:-/usr/bin/python3}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
go build -o "$dir/pipeline" ./bench/pipeline
"$dir/pipeline" -gen "$dir/log.csv" -customers "$n"
for i in $(seq "$reps"); do
  /usr/bin/time -f "%M" -o "$dir/mem" "$dir/pipeline" -run "$dir/log.csv" | tee -a "$dir/go.txt"
  cat "$dir/mem" >>"$dir/gomem.txt"
  /usr/bin/time -f "%M" -o "$dir/mem" "$py" bench/pipeline/pipeline.py "$dir/log.csv" | tee -a "$dir/py.txt"
  cat "$dir/mem" >>"$dir/pymem.txt"
done
median() { sort -g | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
g=$(cut -f1 "$dir/go.txt" | median) p=$(cut -f1 "$dir/py.txt" | median)
gc=$(cut -f2 "$dir/go.txt" | median) pc=$(cut -f2 "$dir/py.txt" | median)
gm=$(median <"$dir/gomem.txt") pm=$(median <"$dir/pymem.txt")
echo "customers=$n rows=$(($(wc -l <"$dir/log.csv") - 1)) reps=$reps load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "wall: Go ${g}s, pandas+scipy ${p}s, ratio $(awk -v g="$g" -v p="$p" 'BEGIN {printf "%.1f", p/g}')"
echo "CPU:  Go ${gc}s, pandas+scipy ${pc}s, ratio $(awk -v g="$gc" -v p="$pc" 'BEGIN {printf "%.1f", p/g}')"
echo "peak RSS: Go ${gm} KB, pandas+scipy ${pm} KB"
