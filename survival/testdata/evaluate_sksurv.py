"""Reference values for TestEvaluateSksurv (survival/evaluate_test.go).

A numpy implementation of scikit-survival's definitions (sksurv 0.22,
sksurv/metrics.py cumulative_dynamic_auc, brier_score,
integrated_brier_score; sksurv/nonparametric.py kaplan_meier_estimator and
CensoringDistributionEstimator), written from their documented
algorithms: the censoring curve is the reverse Kaplan-Meier with the events
of a time leaving before its censorings, read right-continuously; the AUC
sorts scores descending, keeps the last position of each run of neighbours
within tied_tol = 1e-8, and integrates the ROC curve from (0, 0) by the
trapezoidal rule; the mean AUC weights AUC(t_k) by the decrements of the
test data's Kaplan-Meier curve; the Brier score uses 1/G(T_i) for cases and
1/G(t) for controls; the IBS is the trapezoidal integral over the times
divided by their range.

Regenerate from survival/testdata with Debian's python3-numpy:
    /usr/bin/python3 evaluate_sksurv.py
It writes evaluate_sksurv.json: the data (train and test rows, scores per
time, predicted survival per time, times) and the expected values.
"""
import json

import numpy as np


def km(event, time, reverse=False):
    """Kaplan-Meier (reverse=True: of the censoring distribution) at the
    distinct times, ascending."""
    uniq = np.unique(time)
    n_at_risk = np.array([np.sum(time >= u) for u in uniq], dtype=float)
    n_events = np.array([np.sum((time == u) & event) for u in uniq], dtype=float)
    n_cens = np.array([np.sum((time == u) & ~event) for u in uniq], dtype=float)
    if reverse:
        n_at_risk = n_at_risk - n_events
        n_events = n_cens
    ratio = np.divide(n_events, n_at_risk, out=np.zeros(len(uniq)), where=n_events != 0)
    return uniq, np.cumprod(1.0 - ratio)


def step(uniq, prob, t):
    """Right-continuous step function; 1 before the first time."""
    idx = np.searchsorted(uniq, t, side="right") - 1
    out = np.where(idx >= 0, prob[np.maximum(idx, 0)], 1.0)
    assert np.all(t <= uniq[-1]) or prob[-1] == 0
    return out


def censoring(train_event, train_time, t):
    uniq, prob = km(train_event, train_time, reverse=True)
    return step(uniq, prob, t)


def cumulative_dynamic_auc(train, test, estimate, times, tied_tol=1e-8):
    te, tt = test
    ipcw = np.zeros(len(tt))
    ipcw[te] = 1.0 / censoring(*train, tt[te])
    scores = np.empty(len(times))
    for k, t in enumerate(times):
        est = estimate[:, k]
        o = np.argsort(-est, kind="mergesort")
        e, s, w, ev = est[o], tt[o], ipcw[o], te[o]
        is_case = (s <= t) & ev
        is_control = s > t
        tied = np.abs(np.diff(np.r_[np.inf, e])) <= tied_tol
        tp = np.cumsum(is_case * w) / np.sum(is_case * w)
        fp = np.cumsum(is_control) / np.sum(is_control)
        keep = np.ones(len(e), dtype=bool)
        keep[np.flatnonzero(tied) - 1] = False
        tp, fp = np.r_[0, tp[keep]], np.r_[0, fp[keep]]
        scores[k] = np.sum(np.diff(fp) * (tp[1:] + tp[:-1]) / 2)
    uniq, prob = km(te, tt)
    st = step(uniq, prob, times)
    d = -np.diff(np.r_[1.0, st])
    return scores, float(np.sum(scores * d) / (1.0 - st[-1]))


def brier_score(train, test, estimate, times):
    te, tt = test
    g_t = censoring(*train, times)
    g_y = censoring(*train, tt)
    assert np.all(g_y[te & (tt <= times[-1])] > 0)  # the library reports such rows
    g_y[g_y == 0] = np.inf  # as scikit-survival: such rows weigh 0
    out = np.empty(len(times))
    for k, t in enumerate(times):
        est = estimate[:, k]
        case = (tt <= t) & te
        control = tt > t
        out[k] = np.mean(est**2 * case / g_y + (1 - est) ** 2 * control / g_t[k])
    return out


def main():
    rng = np.random.default_rng(20261202)
    n = 400

    x = rng.normal(size=n)

    def rows():
        t = np.ceil(rng.exponential(10 * np.exp(-x)) * 4) / 4  # quarter-day ties
        c = np.ceil(rng.uniform(0, 30, n) * 4) / 4
        return t <= c, np.minimum(t, c)

    train, test = rows(), rows()
    times = np.array([2.0, 5.0, 7.5, 11.0, 15.0])
    assert times[-1] < test[1].max() and times[0] >= test[1].min()
    # Scores per time: a noisy risk, rounded so that exact ties occur, and
    # every seventh shifted by 5e-9 (tied within scikit-survival's 1e-8).
    risk = np.round(x[:, None] + 0.7 * rng.normal(size=(n, len(times))), 1)
    risk[::7] += 5e-9
    surv = np.clip(np.exp(-np.exp(-x[:, None]) * times[None, :] / 12), 0, 1)
    assert np.all(censoring(*train, test[1][test[0] & (test[1] <= times[-1])]) > 0)
    auc, mean_auc = cumulative_dynamic_auc(train, test, risk, times)
    bs = brier_score(train, test, surv, times)
    ibs = float(np.sum(np.diff(times) * (bs[1:] + bs[:-1]) / 2) / (times[-1] - times[0]))
    out = {
        "train_time": train[1].tolist(), "train_event": train[0].astype(int).tolist(),
        "test_time": test[1].tolist(), "test_event": test[0].astype(int).tolist(),
        "times": times.tolist(), "risk": risk.tolist(), "surv": surv.tolist(),
        "auc": auc.tolist(), "mean_auc": mean_auc, "brier": bs.tolist(), "ibs": ibs,
    }
    with open("evaluate_sksurv.json", "w") as f:
        json.dump(out, f, indent=None)
        f.write("\n")


if __name__ == "__main__":
    main()
