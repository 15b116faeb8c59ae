#!/usr/bin/env bash
# Times clv.FitGammaGamma against scipy (BFGS on the same negative
# log-likelihood with its analytic gradient, see ggfit.py) on the same
# simulated repeat buyers, alternating the two REPS times, and prints every
# timing, the medians and their ratios, in wall time and in CPU time (which
# the load of a shared machine disturbs less; the Go fit runs on all cores,
# scipy on one). Both report estimates and standard
# errors. Usage (from the repository root):
#
#   bash bench/gammagamma/run.sh [N] [REPS]     (defaults 1000000 and 6)
#
# python3 is Debian's /usr/bin/python3 with python3-scipy.
set -euo pipefail
n=${1:-1000000} reps=${2:-6}
py=${PYTHON:-/usr/bin/python3}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
go build -o "$dir/gammagamma" ./bench/gammagamma
"$dir/gammagamma" -gen "$dir/data.csv" -n "$n"
for i in $(seq "$reps"); do
  "$dir/gammagamma" -fit "$dir/data.csv" | tee -a "$dir/go.txt"
  "$py" bench/gammagamma/ggfit.py "$dir/data.csv" | tee -a "$dir/py.txt"
done
# median FILE COLUMN
median() { cut -f"$2" "$1" | sort -g | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", a/b}'; }
g=$(median "$dir/go.txt" 1) p=$(median "$dir/py.txt" 1)
gc=$(median "$dir/go.txt" 2) pc=$(median "$dir/py.txt" 2)
echo "n=$n reps=$reps, load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
echo "wall: FitGammaGamma median ${g}s, scipy median ${p}s, scipy/FitGammaGamma $(ratio "$p" "$g")"
echo "CPU:  FitGammaGamma median ${gc}s, scipy median ${pc}s, scipy/FitGammaGamma $(ratio "$pc" "$gc")"
