#!/usr/bin/env python3
"""Expected output of ExampleBGBBCov_For (clv/bgbb_cov_test.go), with mpmath.

Run: python3 clv/testdata/bgbb_cov_example.py

Each channel's own Beta shapes come from the mean-precision link written
out directly, mean = expit(logit(a/(a+b)) + coef*z) at precision a+b, and
the predictions from FHS (2010) in their closed forms (not the product
recursions the package uses): the likelihood (eq. 5), P(alive at n+1)
= B(al+x, be+n-x)/B(al,be) * B(ga, de+n+1)/B(ga,de) / L, and the
conditional expectation (eq. 13)

  E[X(n, n+n*)] = 1/L * B(al+x+1, be+n-x)/B(al,be) * de/(ga-1)
                  * G(ga+de)/G(1+de) * (G(1+de+n)/G(ga+de+n) - G(1+de+n+n*)/G(ga+de+n+n*)).
"""
from mpmath import mp, mpf, beta, gamma, exp, log

mp.dps = 30


def shapes(a, b, coef, z):
    k = a + b
    mu = 1 / (1 + exp(-(log(a / k) - log(b / k) + coef * z)))
    return k * mu, k * (1 - mu)


def report(al, be, ga, de, x, tx, n, nstar):
    B = beta
    L = B(al + x, be + n - x) / B(al, be) * B(ga, de + n) / B(ga, de)
    for i in range(n - tx):
        L += B(al + x, be + tx - x + i) / B(al, be) * B(ga + 1, de + tx + i) / B(ga, de)
    palive = B(al + x, be + n - x) / B(al, be) * B(ga, de + n + 1) / B(ga, de) / L
    ce = (B(al + x + 1, be + n - x) / B(al, be) * de / (ga - 1) * gamma(ga + de) / gamma(1 + de)
          * (gamma(1 + de + n) / gamma(ga + de + n) - gamma(1 + de + n + nstar) / gamma(ga + de + n + nstar))) / L
    return palive, ce


for channel in (0, 1):
    al, be = shapes(mpf("1.2"), mpf("0.75"), mpf("0.6"), channel)
    ga, de = shapes(mpf("0.66"), mpf("2.8"), mpf("0.5"), channel)
    palive, ce = report(al, be, ga, de, 3, 4, 6, 5)
    print("channel %d: E[p] %.3f  E[θ] %.3f  P(alive) %.3f  E[X(6, 6+5)] %.3f"
          % (channel, al / (al + be), ga / (ga + de), palive, ce))
