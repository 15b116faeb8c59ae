"""The pipeline of main.go -run in pandas + scipy, on the CSV of main.go
-gen (run.sh): a lifetimes-style summary (one occasion per customer-day,
weeks to 2021-06-30), BG/NBD and Gamma-Gamma fits by maximum likelihood
with standard errors from a finite-difference Hessian, and each customer's
12-month value (monthly cash flows discounted at 1% a month). Prints the
seconds and CPU seconds of the pipeline, excluding the read.

    /usr/bin/python3 bench/pipeline/pipeline.py log.csv
"""
import sys
import time

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import betaln, gammaln, hyp2f1

df = pd.read_csv(sys.argv[1], dtype={"id": str}, parse_dates=["date"])
end = pd.Timestamp("2021-06-30") + pd.Timedelta(days=1)
week = pd.Timedelta(days=7)


def fit(nll, x0, n):
    res = minimize(nll, x0, method="BFGS")
    k, e = len(x0), 1e-4
    h = np.empty((k, k))
    for i in range(k):
        for j in range(k):
            di, dj = np.eye(k)[i] * e, np.eye(k)[j] * e
            h[i, j] = (nll(res.x + di + dj) - nll(res.x + di - dj) - nll(res.x - di + dj) + nll(res.x - di - dj)) / (4 * e * e)
    theta = np.exp(res.x)
    se = np.sqrt(np.abs(np.diag(np.linalg.inv(h * n)))) * theta
    return theta, se


t0, c0 = time.perf_counter(), time.process_time()
days = df.groupby(["id", "date"], sort=False)["amount"].sum().reset_index()
g = days.groupby("id", sort=False)
first, last, n_days, total = g["date"].min(), g["date"].max(), g["date"].size(), g["amount"].sum()
first_amount = days.loc[g["date"].idxmin(), ["id", "amount"]].set_index("id")["amount"]
x = (n_days - 1).to_numpy(float)
tx = ((last - first) / week).to_numpy(float)
T = ((end - first) / week).to_numpy(float)
m = np.where(x > 0, (total - first_amount.reindex(total.index)).to_numpy() / np.maximum(x, 1), 0)
n = len(x)


def bg_nll(phi):
    r, alpha, a, b = np.exp(phi)
    ll = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + betaln(a, b + x) - betaln(a, b) - (r + x) * np.log(alpha + T)
    extra = np.where(x > 0, a / (b + np.maximum(x, 1) - 1) * np.exp((r + x) * (np.log(alpha + T) - np.log(alpha + tx))), 0)
    return -np.mean(ll + np.log1p(extra))


(r, alpha, a, b), bg_se = fit(bg_nll, np.log([1, x.mean() and T.sum() / x.sum(), 1, 3]), n)

rep = x > 0
xr, mr = x[rep], m[rep]


def gg_nll(phi):
    p, q, gam = np.exp(phi)
    ll = (gammaln(p * xr + q) - gammaln(p * xr) - gammaln(q) + q * np.log(gam) + (p * xr - 1) * np.log(mr)
          + p * xr * np.log(xr) - (p * xr + q) * np.log(gam + xr * mr))
    return -np.mean(ll)


(p, q, gam), gg_se = fit(gg_nll, np.log([1, 2, mr.mean()]), len(xr))


def expected(t):
    """E[Y(t) | x, t_x, T] of the BG/NBD (Fader, Hardie & Lee 2005, eq. 10)."""
    z = t / (alpha + T + t)
    core = (a + b + x - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z))
    odds = np.where(x > 0, a / (b + np.maximum(x, 1) - 1) * ((alpha + T) / (alpha + tx)) ** (r + x), 0)
    return core / (1 + odds)


spend = (gam + m * x) * p / (p * x + q - 1)
month = 365.25 / 12 / 7
value, prev = np.zeros(n), np.zeros(n)
for k in range(1, 13):
    cur = expected(k * month)
    value += (cur - prev) / 1.01 ** k
    prev = cur
value *= spend
t, c = time.perf_counter() - t0, time.process_time() - c0
print("%.3f\t%.3f\t# seconds, CPU seconds; %d rows, %d customers; BG/NBD r %.4f alpha %.4f a %.4f b %.4f; Gamma-Gamma p %.4f q %.4f gamma %.4f; total value %.6g"
      % (t, c, len(df), n, r, alpha, a, b, p, q, gam, value.sum()))
