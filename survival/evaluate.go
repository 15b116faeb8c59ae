package survival

import (
	"cmp"
	"math"
	"slices"

	"github.com/ltvgo/ltv/internal/fault"
)

// censoringCurve is the Kaplan–Meier estimate Ĝ of the censoring
// distribution in scikit-survival's convention (CensoringDistributionEstimator,
// kaplan_meier_estimator(reverse = True)): at a time with at-risk weight n,
// event weight d and censored weight c,
//
//	Ĝ(t) = Π_{s ≤ t} (1 − c_s/(n_s − d_s)),
//
// events leaving before the censorings of their time. Ĝ is
// right-continuous: Ĝ(T) includes the censorings at T.
type censoringCurve struct {
	time []float64 // distinct exit times, ascending
	g    []float64 // Ĝ at each
}

// newCensoringCurve estimates Ĝ from rows already checked by checkEvalRows.
func newCensoringCurve(obs []Observation) *censoringCurve {
	rows := slices.Clone(obs)
	slices.SortFunc(rows, func(a, b Observation) int { return cmp.Compare(a.Time, b.Time) })
	atRisk := 0.0
	for _, o := range rows {
		atRisk += o.weight()
	}
	c := &censoringCurve{}
	g := 1.0
	for a := 0; a < len(rows); {
		t := rows[a].Time
		var d, cens float64
		b := a
		for ; b < len(rows) && rows[b].Time == t; b++ {
			if rows[b].Event {
				d += rows[b].weight()
			} else {
				cens += rows[b].weight()
			}
		}
		if cens > 0 {
			g *= 1 - cens/(atRisk-d)
		}
		c.time = append(c.time, t)
		c.g = append(c.g, g)
		atRisk -= d + cens
		a = b
	}
	return c
}

// at returns Ĝ(t): 1 before the first time, NaN after the last one when
// Ĝ is still above 0 there (the curve says nothing about later times;
// scikit-survival raises ValueError), and 0 after it otherwise.
func (c *censoringCurve) at(t float64) float64 {
	k, found := slices.BinarySearch(c.time, t)
	switch {
	case found:
		return c.g[k]
	case k == 0:
		return 1
	case k == len(c.time) && c.g[k-1] > 0:
		return math.NaN()
	}
	return c.g[k-1]
}

// checkEvalRows checks the rows of an evaluation's test or training data:
// valid observations without late entry (the censoring distribution of
// (start, stop] rows is not defined). Field names are prefixed with
// prefix ("" for the test rows, "train." for the training rows).
func checkEvalRows(fn string, obs []Observation, prefix string) error {
	if len(obs) == 0 {
		return fault.New(fn, -1, prefix+"Time", ErrEmpty, "no observations")
	}
	total := 0.0
	for i, o := range obs {
		if err := checkRow(fn, -1, i, o, true, &total); err != nil {
			err.(*DataError).Field = prefix + err.(*DataError).Field
			return err
		}
		if o.Entry > 0 {
			return fault.New(fn, i, prefix+"Entry", ErrInvalid, "is %g: the censoring weights are not defined for (start, stop] rows", o.Entry)
		}
	}
	return nil
}

// checkEvalTimes checks that times is not empty, finite, strictly
// increasing and within the test data's follow-up [min Time, max Time), as
// scikit-survival requires.
func checkEvalTimes(fn string, test []Observation, times []float64) error {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, o := range test {
		lo, hi = math.Min(lo, o.Time), math.Max(hi, o.Time)
	}
	if len(times) == 0 {
		return fault.New(fn, -1, "times", ErrEmpty, "no evaluation times")
	}
	for k, t := range times {
		switch {
		case math.IsNaN(t) || math.IsInf(t, 0):
			return fault.New(fn, -1, "times", ErrInvalid, "times[%d] is %g", k, t)
		case k > 0 && t <= times[k-1]:
			return fault.New(fn, -1, "times", ErrInvalid, "times[%d] = %g is not above times[%d] = %g: times must increase", k, t, k-1, times[k-1])
		case t < lo || t >= hi:
			return fault.New(fn, -1, "times", ErrInvalid, "times[%d] = %g is outside the test follow-up [%g, %g)", k, t, lo, hi)
		}
	}
	return nil
}

// checkEvalMatrix checks that m has one row per test row, each of width
// len(times) (or 1 when single is allowed), with finite values in
// [lo, hi].
func checkEvalMatrix(fn, field string, m [][]float64, n, width int, single bool, lo, hi float64) error {
	if len(m) != n {
		return fault.New(fn, -1, field, ErrInvalid, "has %d rows for %d test observations", len(m), n)
	}
	for i, row := range m {
		if len(row) != width && !(single && len(row) == 1) {
			return fault.New(fn, i, field, ErrInvalid, "has %d values for %d times", len(row), width)
		}
		for k, v := range row {
			if !(v >= lo && v <= hi) || math.IsInf(v, 0) {
				return fault.New(fn, i, field, ErrInvalid, "value %d is %g, want finite and in [%g, %g]", k, v, lo, hi)
			}
		}
	}
	return nil
}

// evalSetup checks the arguments of an evaluation — test and train rows
// (train nil: the test rows), times, and the matrix m of scores or
// probabilities named field (see checkEvalMatrix) — and returns the
// censoring curve of train and the case weights of the test rows.
func evalSetup(fn string, train, test []Observation, times []float64, field string, m [][]float64, single bool, lo, hi float64) (*censoringCurve, []float64, error) {
	if err := checkEvalRows(fn, test, ""); err != nil {
		return nil, nil, err
	}
	if train == nil {
		train = test
	} else if err := checkEvalRows(fn, train, "train."); err != nil {
		return nil, nil, err
	}
	if err := checkEvalTimes(fn, test, times); err != nil {
		return nil, nil, err
	}
	if err := checkEvalMatrix(fn, field, m, len(test), len(times), single, lo, hi); err != nil {
		return nil, nil, err
	}
	g := newCensoringCurve(train)
	omega, err := caseWeights(fn, g, test, times[len(times)-1])
	return g, omega, err
}

// caseWeights returns the inverse-probability-of-censoring weights
// ω_i = w_i/Ĝ(T_i) of the test events at T_i ≤ last (0 for the other
// rows), or an error naming an event where Ĝ is 0 or undefined.
func caseWeights(fn string, g *censoringCurve, test []Observation, last float64) ([]float64, error) {
	omega := make([]float64, len(test))
	for i, o := range test {
		if o.Event && o.Time <= last {
			gi := g.at(o.Time)
			if !(gi > 0) {
				return nil, fault.New(fn, i, "Time", ErrInvalid, "is %g: the censoring curve is %g there", o.Time, gi)
			}
			omega[i] = o.weight() / gi
		}
	}
	return omega, nil
}

// TimeAUC is the cumulative/dynamic AUC of a risk score at chosen times.
type TimeAUC struct {
	Times []float64 // the evaluation times, as given
	AUC   []float64 // AUC(t) at each; NaN when no case or no control has weight
	// Mean is scikit-survival's summary over [0, Times[last]]: the AUC(t)
	// weighted by the Kaplan–Meier decrements of the test data,
	// Σ_k AUC(t_k)·(Ŝ(t_{k−1}) − Ŝ(t_k)) / (1 − Ŝ(t_last)) with Ŝ(t_0) = 1
	// (Lambert & Chevret 2016); AUC(t_1) for one time.
	Mean float64
}

// CumulativeDynamicAUC returns the cumulative/dynamic time-dependent AUC of
// risk scores (higher = earlier event) at each of times, as
// scikit-survival's cumulative_dynamic_auc (Uno, Cai, Tian & Wei 2007;
// Hung & Chiang 2010): at time t the cases are the test rows with an event
// at T_i ≤ t, the controls those with T_j > t, and
//
//	AUC(t) = Σ_i Σ_j ω_i·w_j·[I(s_i > s_j) + ½·I(s_i ≈ s_j)] / (Σ_i ω_i · Σ_j w_j),
//	ω_i = w_i/Ĝ(T_i),
//
// with w the case weights (scikit-survival has none), s the scores and Ĝ
// the Kaplan–Meier estimate of the censoring distribution from train
// (scikit-survival's survival_train; nil: the test rows), right-continuous
// with the events of a time leaving before its censorings:
// Ĝ(t) = Π_{s≤t}(1 − c_s/(n_s − d_s)). Rows censored before t are neither
// cases nor controls. Scores are tied as scikit-survival ties them: sorted,
// a run of neighbours each within 1e-8 of the next is one threshold (of
// the ROC curve, integrated by the trapezoidal rule).
//
// risk has one row per test observation: either len(times) scores (column
// k for times[k]) or one score used at every time. times must increase
// strictly and lie in [min T, max T) of the test rows.
//
// It neither modifies nor keeps its arguments. Errors (all *DataError):
// ErrEmpty for no test (or training) rows or no times; ErrInvalid for an
// invalid observation or one with Entry > 0 (Field prefixed "train." for
// the training rows), times out of order or out of range (Field "times"),
// risk of the wrong shape or not finite (Row, Field "risk"), or an event
// at a time where Ĝ is 0 or undefined (beyond the training data: Row,
// Field "Time"), where scikit-survival raises ValueError.
func CumulativeDynamicAUC(train, test []Observation, risk [][]float64, times []float64) (*TimeAUC, error) {
	const fn = "survival.CumulativeDynamicAUC"
	_, omega, err := evalSetup(fn, train, test, times, "risk", risk, true, math.Inf(-1), math.Inf(1))
	if err != nil {
		return nil, err
	}
	res := &TimeAUC{Times: slices.Clone(times), AUC: make([]float64, len(times))}
	// One score per row serves every time: sort once.
	uniform := !slices.ContainsFunc(risk, func(r []float64) bool { return len(r) != 1 })
	type scored struct {
		s float64
		i int
	}
	rows := make([]scored, len(test))
	for k, t := range times {
		if k == 0 || !uniform {
			for i, r := range risk {
				rows[i] = scored{r[min(k, len(r)-1)], i}
			}
			slices.SortFunc(rows, func(a, b scored) int { return cmp.Compare(a.s, b.s) })
		}
		// Ascending by score: each tie run's cases beat the controls below
		// it and tie with its own controls.
		var num, cases, controls, below float64
		for a := 0; a < len(rows); {
			var cw, kw float64
			b := a
			for ; b < len(rows) && (b == a || rows[b].s-rows[b-1].s <= sksurvTiedTol); b++ {
				o := test[rows[b].i]
				switch {
				case o.Time > t:
					kw += o.weight()
				case o.Event:
					cw += omega[rows[b].i]
				}
			}
			num += cw * (below + kw/2)
			below += kw
			cases += cw
			controls += kw
			a = b
		}
		res.AUC[k] = math.NaN()
		if cases > 0 && controls > 0 {
			// The sums round apart by an ulp or so: keep the ratio in [0, 1].
			res.AUC[k] = math.Min(num/(cases*controls), 1)
		}
	}
	res.Mean = res.AUC[0]
	if len(times) > 1 {
		km, err := KaplanMeier(test, &Options{ExactTimes: true})
		if err != nil {
			return nil, err
		}
		prev, sum := 1.0, 0.0
		for k, t := range times {
			s := km.At(t)
			sum += res.AUC[k] * (prev - s)
			prev = s
		}
		res.Mean = math.Min(sum/(1-prev), 1) // the decrements sum to 1 − Ŝ up to rounding
	}
	return res, nil
}

// Brier is the IPCW Brier score of predicted survival probabilities at
// chosen times.
type Brier struct {
	Times []float64 // the evaluation times, as given
	Score []float64 // BS(t) at each
	// Integrated is scikit-survival's integrated Brier score: the
	// trapezoidal integral of BS over [Times[0], Times[last]] divided by
	// its length; NaN for a single time.
	Integrated float64
}

// BrierScore returns the time-dependent Brier score of predicted survival
// probabilities (Graf, Schmoor, Sauerbrei & Schumacher 1999), as
// scikit-survival's brier_score and integrated_brier_score:
//
//	BS(t) = Σ_i w_i·[I(T_i ≤ t, δ_i)·Ŝ_i(t)²/Ĝ(T_i) + I(T_i > t)·(1 − Ŝ_i(t))²/Ĝ(t)] / Σ_i w_i,
//
// over the test rows, with w the case weights (scikit-survival has none),
// Ŝ_i(t) = surv[i][k] the predicted probability that row i is event-free
// at t = times[k], and Ĝ the censoring curve of CumulativeDynamicAUC
// (right-continuous, from train; nil: the test rows). Rows censored by t
// contribute 0. Integrated is Σ_k (t_k − t_{k−1})·(BS_k + BS_{k−1})/2 /
// (t_last − t_1).
//
// times must increase strictly and lie in [min T, max T) of the test rows.
// It neither modifies nor keeps its arguments. Errors (all *DataError):
// those of CumulativeDynamicAUC, with surv (Row, Field "surv") in place of
// risk: one row of len(times) probabilities in [0, 1] per test row; where
// Ĝ is 0 at a case's T_i or at a time with controls (scikit-survival then
// gives those rows weight 0, which biases the score), an error naming the
// row (Field "Time") or the time (Field "times").
func BrierScore(train, test []Observation, surv [][]float64, times []float64) (*Brier, error) {
	const fn = "survival.BrierScore"
	g, omega, err := evalSetup(fn, train, test, times, "surv", surv, false, 0, 1)
	if err != nil {
		return nil, err
	}
	total := 0.0
	for _, o := range test {
		total += o.weight()
	}
	res := &Brier{Times: slices.Clone(times), Score: make([]float64, len(times)), Integrated: math.NaN()}
	for k, t := range times {
		var cases, controls float64 // Σ ω·Ŝ² over the cases, Σ w·(1 − Ŝ)² over the controls
		anyControl := false
		for i, o := range test {
			s := surv[i][k]
			switch {
			case o.Time > t:
				controls += o.weight() * (1 - s) * (1 - s)
				anyControl = true
			case o.Event:
				cases += omega[i] * s * s
			}
		}
		if anyControl {
			gt := g.at(t)
			if !(gt > 0) {
				return nil, fault.New(fn, -1, "times", ErrInvalid, "times[%d] = %g: the censoring curve is %g there", k, t, gt)
			}
			controls /= gt
		}
		res.Score[k] = (cases + controls) / total
	}
	if n := len(times); n > 1 {
		area := 0.0
		for k := 1; k < n; k++ {
			area += (times[k] - times[k-1]) * (res.Score[k] + res.Score[k-1]) / 2
		}
		res.Integrated = area / (times[n-1] - times[0])
	}
	return res, nil
}
