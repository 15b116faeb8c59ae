#!/usr/bin/env python3
"""Reference values for the BG/NBD and MBG/NBD predictions, made with mpmath.

Writes bgref.csv next to this script (or to the path given as argv[1]).

Every row is one random point of the parameter box (log-uniform in each
parameter), a corner of the box, or a named case. For each point the script
computes, at mp.dps = 40,

  M(a, b', k, tau) = E[(1 - (1+p*tau)^-k)/p], p ~ Beta(a, b')

by quadrature and keeps the point only if one other form (tried in this
order) agrees with it to 30 significant digits:

  closed form  c/(a-1) * (1 - 2F1(a-1, k; c; -tau)),  c = a+b'-1
               (mpmath.hyp2f1; the working precision is raised until
               1 - 2F1 keeps 40 digits)
  Pfaff form   c/(a-1) * (1 - (1+tau)^-k 2F1(k, b'; c; tau/(1+tau)))
               (A&S 15.3.4; mpmath sums it by other series)
  quadrature   mpmath.quad of the Beta integral in y = logit(p), split at the
               mode of the integrand and at multiples of its width, with the
               two far tails integrated in p (resp. 1-p) after the
               substitution v = (p/p_L)^a that removes the endpoint power,
               with tanh-sinh panels (the value kept), or Gauss-Legendre
               panels (the last resort as the second form)

From M it derives E[X(t)] and E[Y(t) | x, t_x, T] of both models, and it
computes P(alive) and P(X(t) = n) from their closed forms (the incomplete
beta by mpmath.betainc, cross-checked against its hypergeometric form
x^a (1-x)^b / (a B(a,b)) 2F1(a+b, 1; a+1; x), again to 30 digits).

Values are printed with 17 significant digits. The script is deterministic
(random.Random(20240611)). Run time: a few seconds per point and core.
"""
import csv
import math
import random
import sys

import mpmath as mp
from mpmath import mpf

mp.mp.dps = 40
AGREE = mpf(10) ** -30

# The box. t_x is uniform in [0, T]; x = 0 in one point of eight.
BOX = dict(r=(1e-3, 1e4), alpha=(1e-3, 1e4), a=(1e-3, 1e8), b=(1e-3, 1e8),
           x=(1, 1e4), T=(1e-3, 1e4), t=(1e-3, 1e4))


def logit_inv(y):
    return 1 / (1 + mp.exp(-y))


def _closed(a, bp, k, tau, pfaff):
    """M by a hypergeometric closed form, raising precision until 1-2F1
    keeps 40 significant digits:
      pfaff=False: c/(a-1) * (1 - 2F1(a-1, k; c; -tau))
      pfaff=True:  c/(a-1) * (1 - (1+tau)^-k 2F1(k, b'; c; tau/(1+tau)))
    (A&S 15.3.4). mpmath sums the two by different series and
    transformations."""
    a, bp, k, tau = map(mpf, (a, bp, k, tau))
    extra = 20
    for _ in range(8):
        with mp.workdps(40 + extra):
            c = a + bp - 1
            if pfaff:
                f = (1 + tau) ** (-k) * mp.hyp2f1(k, bp, c, tau / (1 + tau), maxterms=10**5)
            else:
                f = mp.hyp2f1(a - 1, k, c, -tau, maxterms=10**5)
            d = 1 - f
            if d == 0:
                extra *= 2
                continue
            lost = max(0, int(-mp.log10(abs(d))) + 1) if abs(d) < 1 else 0
            # dividing by a-1 loses the digits of a-1 vs 1
            lost += max(0, int(-mp.log10(abs(a - 1))) + 1) if abs(a - 1) < 1 else 0
            if lost + 45 <= 40 + extra:
                return +(c / (a - 1) * d)
            extra = lost + 30
    raise ValueError("closed form did not settle")


def _slope(y, a, bp, k, tau):
    p = 1 / (1 + math.exp(-y))
    q = 1 - p
    s = p * tau
    g = -math.expm1(-k * math.log1p(s))
    w = k * s * math.exp(-(k + 1) * math.log1p(s)) / g if g > 0 else 1.0
    return q * (a - 1 + w) - p * bp


def _lnh(y, a, bp, k, tau, lnB):
    """float ln h(y), only to prune negligible intervals."""
    lp = -math.log1p(math.exp(-y)) if y > -700 else y
    lq = -math.log1p(math.exp(y)) if y < 700 else -y
    p = math.exp(lp)
    g = -math.expm1(-k * math.log1p(p * tau))
    return (a - 1) * lp + bp * lq - lnB + (math.log(g) if g > 0 else -1e300)


def core_quad(a, bp, k, tau, method="tanh-sinh"):
    """M by quadrature of the Beta integral (see the module doc)."""
    af, bf, kf, tf = a, bp, k, tau
    a, bp, k, tau = map(mpf, (a, bp, k, tau))
    lnB = mp.log(mp.beta(a, bp))
    lnBf = math.lgamma(af) + math.lgamma(bf) - math.lgamma(af + bf)

    def h(y):  # integrand in y = logit(p)
        p = logit_inv(y)
        q = logit_inv(-y)
        g = -mp.expm1(-k * mp.log1p(p * tau))
        return mp.exp((a - 1) * mp.log(p) + bp * mp.log(q) - lnB) * g

    # mode of h: bisection on the float slope (it changes sign once).
    y0 = math.log(af) - math.log(bf)
    lo, hi = y0 - 200, y0 + 1
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        try:
            d = _slope(mid, af, bf, kf, tf)
        except (OverflowError, ZeroDivisionError):
            d = af
        if d > 0:
            lo = mid
        else:
            hi = mid
    ym = 0.5 * (lo + hi)
    pm = 1 / (1 + math.exp(-ym))
    sig = 1 / math.sqrt((af + bf) * pm * (1 - pm) + 1)
    # far-tail cut points: there the integrand is a pure power to 1e-3.
    pL = min(1e-3 / (kf * tf + bf + af + 2), 0.25)
    qR = min(1e-3 / (af + kf + 2), 0.25)
    yL = math.log(pL) - math.log1p(-pL)
    yR = -(math.log(qR) - math.log1p(-qR))
    pts = set()
    for m in (0, 1, 2, 3, 4, 6, 8, 11, 15, 20, 26, 33, 40, 50, 60):
        for sgn in (-1, 1):
            pts.add(ym + sgn * m * sig)
    y = yL
    while y < yR:
        pts.add(y)
        y += 1.5
    pts = sorted(v for v in pts if yL < v < yR)
    pts = [yL] + pts + [yR]
    # h is unimodal, so an interval without the mode has its maximum at an
    # end: drop intervals (and tails) below e^-140 of the peak.
    lh = [_lnh(v, af, bf, kf, tf, lnBf) for v in pts]
    top = max(max(lh), _lnh(ym, af, bf, kf, tf, lnBf))
    keep = [i for i in range(len(pts) - 1)
            if pts[i] <= ym <= pts[i + 1] or max(lh[i], lh[i + 1]) > top - 140]
    total = mpf(0)
    for i in keep:
        total += mp.quad(h, [mpf(pts[i]), mpf(pts[i + 1])], method=method)
    pLm = logit_inv(mpf(yL))
    qRm = logit_inv(-mpf(yR))

    def left(v):  # p in (0, pL], v = (p/pL)^a
        if v == 0:
            return mpf(0)
        p = pLm * v ** (1 / a)
        g = -mp.expm1(-k * mp.log1p(p * tau))
        return (g / p) * mp.exp((bp - 1) * mp.log1p(-p) - lnB)

    def right(v):  # 1-p in (0, qR], v = ((1-p)/qR)^b'
        if v == 0:
            return mpf(0)
        q = qRm * v ** (1 / bp)
        p = 1 - q
        g = -mp.expm1(-k * mp.log1p(p * tau))
        return g * mp.exp((a - 2) * mp.log1p(-q) - lnB)

    if 0 in keep or lh[0] > top - 140 - math.log(1 / af):
        total += pLm ** a / a * mp.quad(left, [0, 1], method=method)
    if len(pts) - 2 in keep or lh[-1] > top - 140 - math.log(1 / bf):
        total += qRm ** bp / bp * mp.quad(right, [0, 1], method=method)
    return total


class _Slow(Exception):
    pass


def _alarm(signum, frame):
    raise _Slow()


def _timed(f, *args, secs=4):
    import signal
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(secs)
    try:
        return f(*args)
    except (_Slow, mp.libmp.NoConvergence, ValueError, ZeroDivisionError):
        return None
    finally:
        signal.alarm(0)


def core(a, bp, k, tau):
    """M, cross-checked: the tanh-sinh quadrature must agree to 30 digits
    with the closed form, or failing that (no convergence in 4 s, or a
    wrong value: mpmath's 2F1 returns garbage for some large parameters
    with -tau < -1, e.g. -4e233 at a = 2866, b' = 4.1e4, k = 0.03,
    tau = 45) with the Pfaff form, or with Gauss-Legendre quadrature."""
    x1 = _timed(core_quad, a, bp, k, tau, secs=300)
    if x1 is None:
        raise ValueError("quadrature failed")
    others = [lambda: _timed(_closed, a, bp, k, tau, False),
              lambda: _timed(_closed, a, bp, k, tau, True),
              lambda: _timed(core_quad, a, bp, k, tau, "gauss-legendre", secs=300)]
    for f in others:
        x2 = f()
        if x2 is not None and abs(x1 - x2) <= AGREE * abs(x1):
            return x1
    raise ValueError("no second form of M agrees with the quadrature")


def palive(r, alpha, a, b, x, tx, T, s):
    r, alpha, a, b, x, tx, T = map(mpf, (r, alpha, a, b, x, tx, T))
    if x + s == 0:
        return mpf(1)
    lo = mp.log(a) - mp.log(b + x + s - 1) + (r + x) * mp.log((alpha + T) / (alpha + tx))
    return 1 / (1 + mp.exp(lo))


def regincbeta(n, r, x):
    i1 = mp.betainc(n, r, 0, x, regularized=True)
    i2 = x ** n * (1 - x) ** r / (n * mp.beta(n, r)) * mp.hyp2f1(n + r, 1, n + 1, x, maxterms=10**6)
    if abs(i1 - i2) > AGREE * abs(i1):
        raise ValueError("incomplete beta forms disagree")
    return i1


def pmf(r, alpha, a, b, n, t, s):
    r, alpha, a, b, t = map(mpf, (r, alpha, a, b, t))
    B = mp.beta
    nb = mp.exp(mp.loggamma(r + n) - mp.loggamma(r) - mp.loggamma(n + 1)) * \
        (alpha / (alpha + t)) ** r * (t / (alpha + t)) ** n
    p = B(a, b + n + s) / B(a, b) * nb
    if n + s > 0:
        tail = 1 if n == 0 else regincbeta(n, r, t / (alpha + t))
        p += B(a + 1, b + n + s - 1) / B(a, b) * tail
    return p


def logu(rng, lo, hi):
    return math.exp(rng.uniform(math.log(lo), math.log(hi)))


def f17(v):
    return "%.17g" % float(v)


FIELDS = ["name", "r", "alpha", "a", "b", "x", "tx", "T", "t", "n",
          "bg_M_uncond", "bg_EX", "bg_EY", "bg_palive", "bg_pmf",
          "mbg_EX", "mbg_EY", "mbg_palive", "mbg_pmf"]


def row(name, r, alpha, a, b, x, tx, T, t, n):
    out = dict(name=name, r=f17(r), alpha=f17(alpha), a=f17(a), b=f17(b), x=f17(x),
               tx=f17(tx), T=f17(T), t=f17(t), n=str(n))
    # float64 inputs exactly as the Go test will form them
    tau_u = t / alpha
    tau_c = t / (alpha + T)
    for s, pre in ((0, "bg"), (1, "mbg")):
        mu = core(a, b + s, r, tau_u)
        ex = mu if s == 0 else mpf(b) / (mpf(a) + mpf(b)) * mu
        pa = palive(r, alpha, a, b, x, tx, T, s)
        mc = core(a, (b + x) + s, r + x, tau_c)
        out[pre + "_EX"] = f17(ex)
        out[pre + "_EY"] = f17(mc * pa)
        out[pre + "_palive"] = f17(pa)
        out[pre + "_pmf"] = f17(pmf(r, alpha, a, b, n, t, s))
        if s == 0:
            out["bg_M_uncond"] = f17(mu)
    return out


def points():
    rng = random.Random(20240611)
    # CDNOW-like (FHL 2005) and the reported failures.
    cd = dict(r=0.243, alpha=4.414, a=0.793, b=2.426)
    yield ("cdnow", cd["r"], cd["alpha"], cd["a"], cd["b"], 2, 30.43, 38.86, 52, 3)
    yield ("cdnow-r100", 100, cd["alpha"], cd["a"], cd["b"], 2, 30.43, 38.86, 52, 3)
    yield ("cdnow-r1000", 1000, cd["alpha"], cd["a"], cd["b"], 2, 30.43, 38.86, 52, 3)
    yield ("cdnow-a1e4", cd["r"], cd["alpha"], 1e4, cd["b"], 2, 30.43, 38.86, 52, 3)
    yield ("cdnow-a1e6", cd["r"], cd["alpha"], 1e6, cd["b"], 2, 30.43, 38.86, 52, 3)
    # corners of the box (x, t_x at both ends too)
    lo, hi = {k: v[0] for k, v in BOX.items()}, {k: v[1] for k, v in BOX.items()}
    i = 0
    for r in (lo["r"], hi["r"]):
        for al in (lo["alpha"], hi["alpha"]):
            for a in (lo["a"], hi["a"]):
                for b in (lo["b"], hi["b"]):
                    for T, t in ((lo["T"], hi["t"]), (hi["T"], lo["t"]), (hi["T"], hi["t"])):
                        x = 0 if i % 3 == 0 else (1 if i % 3 == 1 else 1e4)
                        tx = 0 if x == 0 else T * (0.5 if i % 2 else 1)
                        yield ("corner%d" % i, r, al, a, b, x, tx, T, t, [0, 1, 100][i % 3])
                        i += 1
    k = 0
    while True:
        r = logu(rng, *BOX["r"])
        al = logu(rng, *BOX["alpha"])
        a = logu(rng, *BOX["a"])
        b = logu(rng, *BOX["b"])
        T = logu(rng, *BOX["T"])
        t = logu(rng, *BOX["t"])
        x = 0 if rng.random() < 0.125 else float(round(logu(rng, *BOX["x"])))
        tx = 0.0 if x == 0 else rng.uniform(0, T)
        n = int(round(logu(rng, 1, 1e4))) if rng.random() < 0.8 else rng.choice([0, 1, 2])
        yield ("rand%d" % k, r, al, a, b, x, tx, T, t, n)
        k += 1


def _row(pt):
    try:
        return pt, row(*pt), None
    except (ValueError, ZeroDivisionError, mp.libmp.NoConvergence) as e:
        return pt, None, str(e)


def main():
    """bgref.py [out.csv [random points [processes]]]"""
    import itertools
    import multiprocessing
    path = sys.argv[1] if len(sys.argv) > 1 else __file__.rsplit("/", 1)[0] + "/bgref.csv"
    want = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    procs = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    gen = points()
    fixed = list(itertools.takewhile(lambda pt: not pt[0].startswith("rand"), gen))
    todo = fixed + list(itertools.islice(gen, want))
    kept = dropped = 0
    with open(path, "w", newline="") as fh, multiprocessing.Pool(procs) as pool:
        fh.write("# BG/NBD and MBG/NBD reference values: mpmath %s, mp.dps = 40, by bgref.py\n" % mp.__version__)
        fh.write("# (two independent forms of M and of I_x agree to 30 digits at every row kept)\n")
        w = csv.DictWriter(fh, FIELDS)
        w.writeheader()
        for pt, out, err in pool.imap(_row, todo, chunksize=4):
            if out is None:
                dropped += 1
                print("dropped", pt, err, file=sys.stderr)
                continue
            w.writerow(out)
            kept += 1
            fh.flush()
    print("kept %d, dropped %d" % (kept, dropped), file=sys.stderr)


if __name__ == "__main__":
    main()
