"""Late-entry AFT data and an independent likelihood for aft_truncated_test.go.

R's survreg has no late entry, so this oracle writes the log-likelihood with
scipy.stats (weibull_min, lognorm, fisk; scipy 1.10.1, numpy 1.24.2) as
lifelines' entry_col conditions it, Σ w·[event·log f(t) + (1−event)·log S(t)
− log S(entry)], and maximises it with BFGS from survreg-free starting
values. It writes aft_truncated.csv (the data) and prints, per
distribution, the log-likelihood at two fixed parameter points and the
maximum (θ = intercept, coefficients, log σ; exponential: σ = 1).
Run: python3 aft_truncated.py
"""
import numpy as np
from scipy import optimize, stats

rng = np.random.default_rng(20261202)
n = 300
x1 = rng.normal(size=n)
x2 = (rng.random(n) < 0.4).astype(float)
x3 = rng.uniform(0, 2, size=n)
X = np.column_stack([x1, x2, x3])
entry = np.where(rng.random(n) < 0.4, rng.uniform(0, 5, size=n), 0.0)
eta = 2 + 0.3 * x1 - 0.5 * x2 + 0.2 * x3
T = np.empty(n)
for i in range(n):  # Weibull, shape 1/0.8, drawn conditionally on T > entry
    while True:
        t = np.exp(eta[i] + 0.8 * np.log(-np.log(1 - rng.random())))
        if t > entry[i]:
            T[i] = t
            break
C = entry + rng.uniform(2, 30, size=n)
time = np.round(np.minimum(T, C), 6)
event = (T <= C).astype(int)
entry = np.round(entry, 6)
weight = rng.choice([1, 1, 1, 2, 3, 0.5], size=n)

with open("aft_truncated.csv", "w") as f:
    f.write("entry,time,event,weight,x1,x2,x3\n")
    for i in range(n):
        f.write(f"{entry[i]:.6f},{time[i]:.6f},{event[i]},{weight[i]:g},{x1[i]:.6f},{x2[i]:g},{x3[i]:.6f}\n")
x1, x3 = np.round(x1, 6), np.round(x3, 6)
X = np.column_stack([x1, x2, x3])


def frozen(dist, lp, sigma):
    scale = np.exp(lp)
    if dist in ("weibull", "exponential"):
        return stats.weibull_min(c=1 / sigma, scale=scale)
    if dist == "lognormal":
        return stats.lognorm(s=sigma, scale=scale)
    return stats.fisk(c=1 / sigma, scale=scale)


def loglik(dist, theta):
    b0, b = theta[0], theta[1:4]
    sigma = 1.0 if dist == "exponential" else np.exp(theta[4])
    d = frozen(dist, b0 + X @ b, sigma)
    ll = np.where(event == 1, d.logpdf(time), d.logsf(time))
    late = entry > 0
    ll[late] -= d.logsf(np.where(late, entry, 1.0))[late]
    return float(np.sum(weight * ll))


for dist in ("weibull", "exponential", "lognormal", "loglogistic"):
    k = 4 if dist == "exponential" else 5
    points = [np.array([2.0, 0.3, -0.5, 0.2, np.log(0.8)])[:k], np.array([1.5, -0.1, 0.2, 0.4, 0.3])[:k]]
    fixed = [loglik(dist, p) for p in points]
    start = np.array([np.log(np.average(time, weights=weight)), 0, 0, 0, 0])[:k]
    res = optimize.minimize(lambda th: -loglik(dist, th), start, method="BFGS", options={"gtol": 1e-9, "maxiter": 10000})
    res = optimize.minimize(lambda th: -loglik(dist, th), res.x, method="Nelder-Mead",
                            options={"xatol": 1e-10, "fatol": 1e-13, "maxiter": 20000})
    print(f"{dist}: fixed {fixed[0]!r} {fixed[1]!r}; max {-res.fun!r} at {list(map(float, res.x))!r}")
