#!/usr/bin/env python3
"""Reference values for the beta-discrete-Weibull, made with mpmath.

Writes bdwref.csv next to this script (or to the path given as argv[1]).
Regenerate with `python3 clv/testdata/bdwref.py` (mpmath 1.3.0 was used).
For each (alpha, beta, c, t) of a grid spanning alpha, beta in [1e-3, 1e3],
c in [0.1, 5] and t up to 1e4 it computes, at mp.dps = 80, from the
definition S(t) = B(alpha, beta + t^c) / B(alpha, beta) (Fader, Hardie, Liu,
Davin & Steenburgh 2018) through mpmath's loggamma:

  ln_s   ln S(t)
  ln_p   ln P(T = t) = ln(S(t-1) - S(t))
  ln_r   ln r_t = ln S(t) - ln S(t-1)
  ln_1mr ln(1 - r_t)

and, for the DERL check, DERL(d = 0.1 | n) = sum_{t >= n} S(t)/S(n-1)/1.1^(t-n)
for the rows with t <= 7 (n = t), by mpmath.nsum.
"""
import csv
import sys
from pathlib import Path

import mpmath as mp

mp.mp.dps = 80


def ln_s(a, b, c, t):
    if t == 0:
        return mp.mpf(0)
    x = mp.mpf(t) ** c
    return mp.loggamma(b + x) + mp.loggamma(a + b) - mp.loggamma(b) - mp.loggamma(a + b + x)


def derl(a, b, c, n, d):
    base = ln_s(a, b, c, n - 1)
    return mp.nsum(lambda k: mp.exp(ln_s(a, b, c, int(n + k)) - base) / (1 + d) ** k, [0, mp.inf])


def main():
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("bdwref.csv")
    grid = ["0.001", "0.05", "1", "30", "1000"]
    cs = ["0.1", "0.5", "1", "1.7", "5"]
    ts = [1, 2, 7, 100, 10000]
    with out.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["alpha", "beta", "c", "t", "ln_s", "ln_p", "ln_r", "ln_1mr", "derl"])
        for sa in grid:
            for sb in grid:
                for sc in cs:
                    a, b, c = mp.mpf(sa), mp.mpf(sb), mp.mpf(sc)
                    for t in ts:
                        s1, s0 = ln_s(a, b, c, t), ln_s(a, b, c, t - 1)
                        lr = s1 - s0
                        l1mr = mp.log(-mp.expm1(lr))
                        dv = derl(a, b, c, t, mp.mpf("0.1")) if t <= 7 else ""
                        row = [sa, sb, sc, t] + [mp.nstr(v, 20) for v in (s1, s0 + l1mr, lr, l1mr)]
                        row.append(mp.nstr(dv, 20) if dv != "" else "")
                        w.writerow(row)


if __name__ == "__main__":
    main()
