"""Times one Gamma-Gamma fit by scipy on a CSV written by `gammagamma -gen`
(run.sh), excluding the read, and prints the seconds and CPU seconds like
`gammagamma -fit`.

scipy gets its best case: the negative log-likelihood of Fader, Hardie & Lee
(2005, JMR; note 025) vectorised in numpy with its analytic gradient, in
log-parameters, minimised by BFGS (lifetimes' GammaGammaFitter minimises the
same function with Nelder-Mead and no gradient, which is slower); the
standard errors come from central differences of that gradient at the
optimum (6 more passes), by the delta method.

    /usr/bin/python3 bench/gammagamma/ggfit.py data.csv
"""
import sys
import time

import numpy as np
from scipy.optimize import minimize
from scipy.special import digamma, gammaln

d = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1)
x, m = d[:, 0], d[:, 1]


def nll(phi):
    p, q, g = np.exp(phi)
    px = p * x
    lgx = np.log(g + x * m)
    ll = (gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(g)
          + (px - 1) * np.log(m) + px * np.log(x) - (px + q) * lgx)
    psi = digamma(px + q)
    dp = np.sum(x * (psi - digamma(px) + np.log(m) + np.log(x) - lgx))
    dq = np.sum(psi - digamma(q) + np.log(g) - lgx)
    dg = np.sum(q / g - (px + q) / (g + x * m))
    n = len(x)
    return -ll.sum() / n, -np.array([dp * p, dq * q, dg * g]) / n


t0, c0 = time.perf_counter(), time.process_time()
res = minimize(nll, np.log([1.0, 2.0, m.mean()]), jac=True, method="BFGS", options={"gtol": 1e-7})
h = np.empty((3, 3))
for j in range(3):
    e = np.zeros(3)
    e[j] = 1e-5
    h[j] = (nll(res.x + e)[1] - nll(res.x - e)[1]) / 2e-5
h = (h + h.T) / 2 * len(x)
theta = np.exp(res.x)
se = np.sqrt(np.diag(np.linalg.inv(h))) * theta
t, c = time.perf_counter() - t0, time.process_time() - c0
print("%.3f\t%.3f\t# seconds, CPU seconds; p %.6f q %.6f gamma %.6f, SE %.6g %.6g %.6g, log-likelihood %.6f, %d passes"
      % (t, c, *theta, *se, -res.fun * len(x), res.nfev + 6))
