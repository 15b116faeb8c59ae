#!/usr/bin/env bash
# Times segment.Score (quintile RFM scores) against pandas qcut on the same
# seeded rows, alternating the two REPS times, and prints the medians of
# the scoring time (the read excluded) and of the peak resident memory of
# each process (the read included), and the ratios.
# Python is Debian's (/usr/bin/python3 with python3-pandas); set PYTHON
# to use another.
# Usage (from the repository root): bash bench/rfm/run.sh [N] [REPS]
set -euo pipefail
n=${1:-10000000} reps=${2:-5} py=${PYTHON:-/usr/bin/python3}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
go build -o "$dir/rfm" ./bench/rfm
"$dir/rfm" -gen "$dir/data.csv" -n "$n"
for i in $(seq "$reps"); do
  /usr/bin/time -f "%M" -o "$dir/mem" "$dir/rfm" -score "$dir/data.csv" | cut -f1 >>"$dir/go.txt"
  cat "$dir/mem" >>"$dir/gomem.txt"
  /usr/bin/time -f "%M" -o "$dir/mem" "$py" bench/rfm/qcut.py "$dir/data.csv" | cut -f1 >>"$dir/py.txt"
  cat "$dir/mem" >>"$dir/pymem.txt"
  echo "round $i: Go $(tail -1 "$dir/go.txt") s $(tail -1 "$dir/gomem.txt") KB, pandas $(tail -1 "$dir/py.txt") s $(tail -1 "$dir/pymem.txt") KB"
done
median() { sort -g "$1" | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
g=$(median "$dir/go.txt") p=$(median "$dir/py.txt")
gm=$(median "$dir/gomem.txt") pm=$(median "$dir/pymem.txt")
echo "n=$n reps=$reps load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "Score median ${g}s, qcut median ${p}s, qcut/Score $(awk -v g="$g" -v p="$p" 'BEGIN {printf "%.2f", p/g}')"
echo "peak RSS Go ${gm} KB, pandas ${pm} KB, Go/pandas $(awk -v g="$gm" -v p="$pm" 'BEGIN {printf "%.2f", g/p}')"
