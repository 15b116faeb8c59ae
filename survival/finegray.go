package survival

import (
	"errors"
	"slices"
	"sort"

	"github.com/ltvgo/ltv/internal/fault"
)

// FineGray returns the counting-process data on which a weighted Cox fit is
// the Fine & Gray (1999) proportional subdistribution hazards model of
// cause, built as R's finegray(Surv(time, factor(status)) ~ ., etype =
// cause) builds them (Geskus 2011): source[r] is the row of obs that row r
// of rows comes from.
//
// A subject with an event of another cause stays in the risk set after
// its event, with the weight it would keep if it had been followed to
// censoring: w·G(t−)/G(T−), G the Kaplan–Meier curve of the censoring
// times (with events before censorings at a tied time, so that G's risk
// set at t is n − d). As finegray, the row is extended to the first
// censoring time at or after T with weight w, and one (start, stop] row is
// added for each later interval between censoring times (the last ending at
// the largest time) that holds an event of cause, with the weight G of the
// interval over G at T. Rows of cause are events, the others censorings;
// an event of cause or a censoring keeps one row with weight w.
//
// G is weighted by the case weights (so that a weight equals that many
// identical rows); R's finegray computes G without them, which differs
// only when some weight is not 1. Times are merged as in R unless
// exactTimes. The number of rows is n plus, for each subject with another
// cause, the number of censoring intervals after its event that hold
// events of cause: with many distinct times it can reach n·m, so round
// times (to days, say) on large data.
//
// FineGray neither modifies nor keeps obs. Errors: ErrEmpty for no rows;
// a *DataError wrapping ErrInvalid for cause < 1 or an invalid row (Row and
// Field name it, as KaplanMeier; Entry must be 0: finegray needs a
// subject id for (start, stop] data).
func FineGray(obs []CompetingObservation, cause int, exactTimes bool) (rows []Observation, source []int, err error) {
	const fn = "survival.FineGray"
	return fineGray(fn, obs, cause, exactTimes)
}

// fineGray is FineGray reporting errors as function fn.
func fineGray(fn string, obs []CompetingObservation, cause int, exactTimes bool) (rows []Observation, source []int, err error) {
	if err := checkCause(fn, cause); err != nil {
		return nil, nil, err
	}
	if _, err := checkCauses(fn, -1, obs, false); err != nil {
		return nil, nil, err
	}
	t, row, err := competingTable(fn, obs, exactTimes)
	if err != nil {
		return nil, nil, err
	}
	// The censoring times, then the largest time: interval i is
	// (cuts[i−1], cuts[i]] and G is g[i] on it (g[0] = 1).
	var cuts []float64
	g := []float64{1}
	for j, c := range t.censored {
		if c > 0 {
			cuts = append(cuts, t.time[j])
			g = append(g, g[len(g)-1]*((t.survivors[j]-c)/t.survivors[j]))
		}
	}
	cuts = append(cuts, t.time[len(t.time)-1])
	// keep[i]: interval i holds an event of cause.
	causeRows := make([]bool, len(t.time))
	for i, o := range obs {
		if o.Cause == cause {
			causeRows[row[i]] = true
		}
	}
	keep := make([]bool, len(cuts))
	for j, ok := range causeRows {
		if ok {
			keep[sort.SearchFloat64s(cuts, t.time[j])] = true
		}
	}
	rows = make([]Observation, 0, len(obs))
	source = make([]int, 0, len(obs))
	for i, o := range obs {
		r := Observation{Time: o.Time, Event: o.Cause == cause, Weight: o.Weight}
		if o.Cause == 0 || o.Cause == cause {
			rows, source = append(rows, r), append(source, i)
			continue
		}
		// Another cause: the row runs to the end of its censoring
		// interval, then one row per later interval with events of cause.
		// (An added row starting at time 0, possible only when a
		// censoring and this event are both at 0, is at risk at 0 here
		// and not in R; it matters only for events of cause at 0.)
		first := sort.SearchFloat64s(cuts, t.time[row[i]])
		r.Time = cuts[first]
		rows, source = append(rows, r), append(source, i)
		for c := first + 1; c < len(cuts); c++ {
			if keep[c] && cuts[c] > cuts[c-1] {
				rows = append(rows, Observation{Entry: cuts[c-1], Time: cuts[c], Weight: o.weightOf() * (g[c] / g[first])})
				source = append(source, i)
			}
		}
	}
	return rows, source, nil
}

// FitFineGray fits the Fine & Gray (1999) proportional subdistribution
// hazards model of cause,
//
//	h̃_k(t | x) = h̃_k0(t)·exp(x·β),   h̃_k(t) = −d log(1 − F_k(t))/dt
//
// as R does: FineGray's weighted (start, stop] rows and FitCox on them
// (coxph(Surv(fgstart, fgstop, fgstatus) ~ x, weights = fgwt), Efron ties
// by default). exp(β_j) is the subdistribution hazard ratio: how x moves
// the cumulative incidence of cause, the quantity a forecast of "churned by
// this reason by t" needs; the cause-specific hazard (FitCox on
// CauseSpecific rows) is the one for the mechanism.
//
// The rows of a subject are one cluster: Cox.StdErr is the robust
// sandwich standard error (R's coxph(… + cluster(id)), which Fine & Gray
// recommend and which cmprsk's crr reports, up to crr's handling of ties),
// and Cox.NaiveStdErr the model-based one, the inverse information (R's
// coxph(…, robust = FALSE); without cluster(id) R's coxph reports the
// row-level sandwich its fractional weights imply, which FitCox on
// FineGray's rows gives). opt.Cluster, if set, holds one label per row of
// obs and groups subjects further. opt.Strata, if set, holds one label per
// row of obs: G and the expansion are computed within each stratum and the
// Cox fit is stratified, as R's finegray(Surv(…) ~ … + strata(s)) followed
// by coxph(… + strata(s)) (times are merged within each stratum, where R
// merges them before splitting). Cox.N counts the expanded rows.
//
// FitFineGray neither modifies nor keeps obs, X or opt's slices. Errors
// are FineGray's and FitCox's, with rows named in obs's numbering, plus a
// *DataError for X, opt.Strata or opt.Cluster not of len(obs) rows.
func FitFineGray(obs []CompetingObservation, X [][]float64, cause int, opt *CoxOptions) (*Cox, error) {
	const fn = "survival.FitFineGray"
	var o CoxOptions
	if opt != nil {
		o = *opt
	}
	switch {
	case o.Strata != nil && len(o.Strata) != len(obs):
		return nil, fault.New(fn, -1, "CoxOptions.Strata", ErrInvalid, "has %d labels for %d rows", len(o.Strata), len(obs))
	case o.Cluster != nil && len(o.Cluster) != len(obs):
		return nil, fault.New(fn, -1, "CoxOptions.Cluster", ErrInvalid, "has %d labels for %d rows", len(o.Cluster), len(obs))
	case X != nil && len(X) != len(obs):
		return nil, fault.New(fn, -1, "X", ErrInvalid, "has %d rows for %d observations", len(X), len(obs))
	}
	rows, source, err := fineGrayStrata(fn, obs, cause, o.Strata, o.ExactTimes)
	if err != nil {
		return nil, err
	}
	var xs [][]float64
	if X != nil {
		xs = make([][]float64, len(rows))
		for r, i := range source {
			xs[r] = X[i]
		}
	}
	labels := func(perSubject []int) []int {
		out := make([]int, len(source))
		for r, i := range source {
			out[r] = perSubject[i]
		}
		return out
	}
	o.Cluster = slices.Clone(source)
	if opt != nil && opt.Cluster != nil {
		o.Cluster = labels(opt.Cluster)
	}
	if o.Strata != nil {
		o.Strata = labels(o.Strata)
	}
	fit, err := FitCox(rows, xs, &o)
	return fit, withSourceRow(err, fn, source)
}

// withSourceRow returns err, and a *DataError as one of function fn whose
// Row r becomes source[r].
func withSourceRow(err error, fn string, source []int) error {
	var de *DataError
	if !errors.As(err, &de) {
		return err
	}
	e := *de
	e.Func = fn
	if e.Row >= 0 {
		e.Row = source[e.Row]
	}
	return &e
}

// fineGrayStrata is fineGray within each stratum (all of obs when strata
// is nil), with source rows and errors in obs's numbering.
func fineGrayStrata(fn string, obs []CompetingObservation, cause int, strata []int, exact bool) (rows []Observation, source []int, err error) {
	if strata == nil {
		return fineGray(fn, obs, cause, exact)
	}
	for _, label := range distinctLabels([][]int{strata}) {
		var sub []CompetingObservation
		var idx []int
		for i, l := range strata {
			if l == label {
				sub, idx = append(sub, obs[i]), append(idx, i)
			}
		}
		r, src, err := fineGray(fn, sub, cause, exact)
		if err != nil {
			return nil, nil, withSourceRow(err, fn, idx)
		}
		rows = append(rows, r...)
		for _, i := range src {
			source = append(source, idx[i])
		}
	}
	return rows, source, nil
}
