#!/usr/bin/env python3
"""Reference values for the tests of package numeric, made with mpmath.

Prints the expected values of each table in *_test.go of this package as Go
rows, section by section: run it and compare, or paste a section back after
adding a case. Each value is the exact function at the float64 value of
every input, computed with mpmath at mp.dps = 40 (more where a closed form
cancels) and printed with 17 significant digits, which Go parses to the
nearest float64.

  LnBeta       loggamma(a) + loggamma(b) - loggamma(a+b)
  Trigamma     psi(1, x)
  RegIncBeta   betainc(a, b, 0, x, regularized=True) below the mean a/(a+b),
               else 1 - betainc(b, a, 0, y), at the exact y (x = 1 - y is
               rounded in the test)
  LogSumExp    max(u, v) + log1p(exp(-|u-v|)) (log(exp(u) + exp(v)) written
               so that 40 digits keep the smaller term)
  Log1mExp     log(-expm1(d)), or log1p(-exp(d)) below -1 (either
               form loses digits at 40 digits on the other side)
  ExpRel       -expm1(-eps*l)/eps, and l at eps = 0
  Logistic     1/(1+exp(-x)), 1/(1+exp(x)) and their logs
  BG series    M(a, b', k, tau) = E[(1 - (1+p*tau)^-k)/p], p ~ Beta(a, b'),
               as c/(a-1)*(1 - 2F1(a-1, k; c; -tau)), c = a+b'-1, at raised
               precision, checked against the Beta integral by mpmath.quad
               to 30 digits (at a = 1 the closed form is 0/0: the integral
               alone)
  KahanSum     the exact sum of the float64 terms, in rational arithmetic
               (fractions.Fraction), so no precision question arises

The pseudo-random sums use the 64-bit LCG of kahanTerms in logspace_test.go
(Knuth's MMIX constants), whose terms are integers divided by 7 in one
correctly rounded float64 division, the same in Go and Python.

Run time: a few seconds.
"""
from fractions import Fraction

import mpmath as mp
from mpmath import mpf

mp.mp.dps = 40


def g17(v):
    """v with 17 significant digits, as a Go literal."""
    v = mpf(v)
    if abs(v) > mpf(2) ** 1024:
        return "math.Inf(%d)" % (1 if v > 0 else -1)
    if abs(v) < mpf(2) ** -1075:  # rounds to ±0
        return "0"
    return mp.nstr(v, 17, strip_zeros=False)


def lit(x):
    """A float64 input as a Go literal (Python's repr round-trips)."""
    if x == float("inf"):
        return "math.Inf(1)"
    if x == float("-inf"):
        return "math.Inf(-1)"
    return repr(x)


def section(name):
    print("\n// ---- %s" % name)


def lnbeta():
    section("LnBeta: {a, b, want}")
    cases = [
        (0.5, 0.5), (1.0, 1.0), (3.0, 7.5), (0.6810928471834076, 0.5129198535974968),
        (9.99, 0.5), (10.0, 0.5), (10.01, 3.0), (12.0, 40.0),
        (1e-300, 2.5), (1e-08, 1e-08), (0.001, 1e8), (1e-08, 1e15),
        (0.1, 1e8), (1.0, 1e8), (2.5, 1e12), (0.5, 1e17),
        (1e8, 1e8), (1e5, 3e9), (1e15, 1e15),
        (4.267429805866502e+07, 0.11822534903831161),  # ln B near 0: lnGamma(b) cancels b*ln a
    ]
    for a, b in cases:
        v = mp.loggamma(mpf(a)) + mp.loggamma(mpf(b)) - mp.loggamma(mpf(a) + mpf(b))
        print("{%s, %s, %s}," % (lit(a), lit(b), g17(v)))


def trigamma():
    section("Trigamma: {x, want}")
    for x in [1e-150, 1e-08, 0.001, 0.1, 0.5, 1.0, 2.5, 9.99, 10.01, 33.3, 1000.0, 1e8, 1.5e8, 1e15, 1e300]:
        print("{%s, %s}," % (lit(x), g17(mp.psi(1, mpf(x)))))


def regincbeta():
    section("RegIncBeta: {a, b, y, want}")
    cases = [
        (0.01, 0.01, 1e-15), (1.0, 0.01, 1e-10), (1000.0, 0.5, 1e-10), (30.0, 1000.0, 0.99),
        (1e5, 0.01, 1e-06), (0.5, 1e8, 1 - 1e-10), (1e8, 0.01, 1e-10), (1e8, 1.0, 1e-06),
    ]
    for a, b, y in cases:
        A, B, Y = mpf(a), mpf(b), mpf(y)
        if (1 - Y) * (A + B) < A:
            v = mp.betainc(A, B, 0, 1 - Y, regularized=True)
        else:
            v = 1 - mp.betainc(B, A, 0, Y, regularized=True)
        print("{%s, %s, %s, %s}," % (lit(a), lit(b), lit(y), g17(v)))


def logsumexp():
    section("LogSumExp: {u, v, want}")
    inf = float("inf")
    cases = [
        (0.0, 0.0), (1.0, 2.0), (2.0, 1.0), (-1000.0, -1000.0), (1000.0, 999.0), (710.0, 710.0),
        (0.0, -40.0), (0.0, -745.0), (0.0, -800.0), (-0.7, -0.7), (-0.5, -1.5), (1e300, 1e300),
        (-1e-20, -2e-20), (36.0, 0.0), (37.5, 0.0), (-inf, 3.0), (3.0, -inf), (inf, 1.0), (inf, inf),
        (-inf, -inf),
    ]
    for u, v in cases:
        if u == -inf and v == -inf:
            w = mpf("-inf")
        elif inf in (u, v):
            w = mpf("inf")
        elif u == -inf:
            w = mpf(v)
        elif v == -inf:
            w = mpf(u)
        else:
            w = max(u, v) + mp.log1p(mp.exp(-abs(mpf(u) - mpf(v))))
        print("{%s, %s, %s}," % (lit(u), lit(v), g17(w)))


def log1mexp():
    section("Log1mExp: {d, want}")
    for d in [-5e-324, -1e-300, -1e-10, -1e-05, -0.5, -0.6931471805599453, -0.6931471805599454,
              -0.7, -1.0, -10.0, -36.0, -40.0, -700.0, -745.0, -800.0]:
        D = mpf(d)
        print("{%s, %s}," % (lit(d), g17(mp.log(-mp.expm1(D)) if d > -1 else mp.log1p(-mp.exp(D)))))


def exprel():
    section("ExpRel: {eps, l, want}")
    cases = [
        (0.0, 3.0), (1e-20, 3.0), (1e-320, 1.3), (-1e-320, 1.7), (-1e-310, 1.1), (1e-08, 1.0),
        (9.9e-06, 1.0), (1.1e-05, 1.0), (0.5, 2.0), (-0.5, 2.0), (0.3, -2.0), (2.0, 1000.0),
        (-1.0, 700.0), (-1e-300, 5.0), (-2.0, 400.0), (1e-300, 1e300),
    ]
    for e, l in cases:
        E, L = mpf(e), mpf(l)
        v = L if e == 0 else -mp.expm1(-E * L) / E
        print("{%s, %s, %s}," % (lit(e), lit(l), g17(v)))


def logistic():
    section("Logistic: {x, p, q, lnP, lnQ}")
    for x in [0.0, 1e-20, -1e-20, 0.5, -0.5, 1.0, 20.0, 36.0, 37.0, 40.0, -40.0, 100.0, -100.0,
              709.0, 710.0, 745.0, -745.0, 750.0, -750.0, 1e300, -1e300]:
        X = mpf(x)
        p, q = 1 / (1 + mp.exp(-X)), 1 / (1 + mp.exp(X))
        print("{%s, %s, %s, %s, %s}," % (lit(x), g17(p), g17(q), g17(-mp.log1p(mp.exp(-X))),
                                          g17(-mp.log1p(mp.exp(X)))))


def bg_closed(a, bp, k, tau):
    """c/(a-1)*(1 - 2F1(a-1, k; c; -tau)) with the precision raised until
    it is stable to 40 digits."""
    prev = None
    for extra in (20, 40, 80, 160):
        with mp.workdps(40 + extra):
            A, B, K, T = map(mpf, (a, bp, k, tau))
            c = A + B - 1
            v = c / (A - 1) * (1 - mp.hyp2f1(A - 1, K, c, -T, maxterms=10**6))
        if prev is not None and abs(v - prev) <= abs(v) * mpf(10) ** -42:
            return v
        prev = v
    raise ValueError("closed form did not settle")


def bg_quad(a, bp, k, tau):
    """The Beta integral in p, split at the mean of p and at multiples of
    its standard deviation, at 60 digits (for the endpoint powers)."""
    with mp.workdps(60):
        return +_bg_quad(a, bp, k, tau)


def _bg_quad(a, bp, k, tau):
    A, B, K, T = map(mpf, (a, bp, k, tau))
    lnB = mp.log(mp.beta(A, B))

    def h(p):
        return -mp.expm1(-K * mp.log1p(p * T)) * mp.exp((A - 2) * mp.log(p) + (B - 1) * mp.log1p(-p) - lnB)

    mean = A / (A + B)
    sd = mp.sqrt(A * B / (A + B + 1)) / (A + B)
    ps = {mean} | {mean + sg * m * sd for m in (0.25, 0.5, 1, 1.5, 2, 3, 4, 6, 8, 12, 16, 24, 32, 64) for sg in (-1, 1)}
    return mp.quad(h, [0] + sorted(v for v in ps if 0 < v < 1) + [1])


def bgseries():
    section("BG series: {a, bp, k, tau, want}")
    cases = [
        (0.793, 4.426, 2.243, 39 / 43.27), (0.793, 2.426, 0.243, 52 / 4.414), (1.0, 2.5, 0.7, 3.0),
        (1 + 1e-09, 3.0, 2.0, 1.5), (0.5, 0.500001, 0.3, 2.0), (0.793, 2.426, 0.243, 1e-08),
        (2.0, 50.0, 0.001, 0.5), (0.793, 2.426, 0.243, 200.0), (0.793, 2.426, 0.243, 1e4),
        (30.0, 1e4, 3.0, 50.0), (0.793, 2.426, 100.0, 52 / 4.414), (1e4, 2.426, 0.243, 52 / 4.414),
    ]
    for a, bp, k, tau in cases:
        q = bg_quad(a, bp, k, tau)
        if a != 1:
            c = bg_closed(a, bp, k, tau)
            if abs(c - q) > abs(c) * mpf(10) ** -30:
                raise ValueError("closed form and quadrature disagree at %r: %s %s" % ((a, bp, k, tau), c, q))
            q = c
        print("{%s, %s, %s, %s, %s}," % (lit(a), lit(bp), lit(k), lit(tau), g17(q)))


def kahan_terms(n, seed):
    """The terms of kahanTerms(n, seed) in logspace_test.go."""
    k = seed
    out = []
    for i in range(n):
        k = (k * 6364136223846793005 + 1442695040888963407) % 2**64
        m = (k >> 40) - 2**23
        out.append(float(m) / 7.0)
        if i % 1000 == 0:
            out.append(1e20 / 3.0)
        if i % 1000 == 500:
            out.append(-1e20 / 3.0)
    return out


def kahan():
    section("KahanSum: exact sums")
    lists = {
        "neumaier": [1.0, 1e100, 1.0, -1e100],
        "tenth": [0.1] * 10,
        "cancel": [1e16, 1.0, -1e16, 3.0, 1e-16],
        "harmonic 1e6": [1.0 / i for i in range(1, 10**6 + 1)],
        "lcg 1e5 seed 1": kahan_terms(10**5, 1),
    }
    for name, xs in lists.items():
        s = sum((Fraction(x) for x in xs), Fraction(0))
        print("%s: %s" % (name, g17(mpf(s.numerator) / s.denominator)))


if __name__ == "__main__":
    lnbeta()
    trigamma()
    regincbeta()
    logsumexp()
    log1mexp()
    exprel()
    logistic()
    bgseries()
    kahan()
