package clv

import (
	"errors"
	"fmt"
	"math"

	"github.com/ltvgo/ltv/internal/fault"
	"github.com/ltvgo/ltv/resample"
)

// bootstrapOutputs returns the customer bootstrap (resample.Bootstrap) of
// the outputs of predict: at the fitted θ and spend parameters θ_S, and at
// every replicate's refit of both (spend nil: no spend model, θ_S nil). A replicate
// whose refit fails, other than by stopping at a limit of the parameter
// space (ErrBoundary: the limiting model is used), or whose predictions
// fail, counts as failed. The refits start from the fitted parameters.
func bootstrapOutputs(fn string, space *paramSpace, spend *spendSpace, cs []Customer, iv IntervalOptions,
	predict func(th, thS []float64) ([]float64, error)) (resample.Result, error) {
	var spendAt []float64
	if spend != nil {
		spendAt = spend.theta
	}
	at, err := predict(space.theta, spendAt)
	if err != nil {
		return resample.Result{}, err
	}
	counts := make([]float64, len(cs))
	for i, c := range cs {
		counts[i] = c.weight()
	}
	refit := func(w []float64) ([]float64, error) {
		var rows []int
		var rcs []Customer
		for i, n := range w {
			if n > 0 {
				c := cs[i]
				c.Weight = n
				rcs = append(rcs, c)
				rows = append(rows, i)
			}
		}
		th, err := space.refit(rcs, rows)
		if err != nil && !errors.Is(err, ErrBoundary) {
			return nil, err
		}
		s := spendAt
		if spend != nil {
			s, err = spend.refit(rcs, rows)
			if err != nil && !errors.Is(err, ErrBoundary) {
				return nil, err
			}
		}
		return predict(th, s)
	}
	identity := func(out []float64) []float64 { return out }
	res, err := resample.Bootstrap(at, counts, refit, identity, &resample.Options{Replicates: iv.Draws, Level: iv.Level, Seed: iv.Seed})
	var de *DataError
	switch {
	case errors.As(err, &de): // a Weight is the bootstrap's count of customers
		c := *de
		c.Func = fn
		if c.Field == "counts" {
			c.Field = "Weight"
		}
		return res, &c
	case err != nil: // fewer than two replicates worked
		return res, failures(fn, res)
	}
	return res, nil
}

// bootstrapScores is ScoreWithIntervals with Bootstrap: per customer
// P(alive), purchases and value, then the total, from scoreWith with every
// group's purchase and spend model at the replicate's parameters.
func bootstrapScores(fn string, space *paramSpace, sp *spendSpace, cs []Customer, opt ValueOptions, iv IntervalOptions) ([]ScoreInterval, Interval, error) {
	predict := func(th, thS []float64) ([]float64, error) {
		models := make([]PurchaseModel, space.groups)
		for g := range models {
			models[g] = space.model(th, g)
		}
		spends := make([]GammaGamma, max(len(sp.z), 1))
		for g := range spends {
			spends[g] = sp.model(thS, g)
		}
		scores, err := scoreWith(fn, models, space.groupOf, func(i int) GammaGamma { return spends[sp.group(i)] }, cs, opt)
		if err != nil {
			return nil, err
		}
		out := make([]float64, 3*len(cs)+1)
		for i, sc := range scores {
			out[3*i], out[3*i+1], out[3*i+2] = sc.PAlive, sc.Purchases, sc.Value
			out[3*len(cs)] += cs[i].weight() * sc.Value
		}
		return out, nil
	}
	res, err := bootstrapOutputs(fn, space, sp, cs, iv, predict)
	if err != nil {
		return nil, Interval{}, err
	}
	out := make([]ScoreInterval, len(cs))
	for i := range out {
		out[i] = ScoreInterval{PAlive: res.Intervals[3*i], Purchases: res.Intervals[3*i+1], Value: res.Intervals[3*i+2]}
	}
	return out, res.Intervals[3*len(cs)], failures(fn, res)
}

// bootstrapPredictions is PredictionIntervals with Bootstrap.
func bootstrapPredictions(fn string, space *paramSpace, cs []Customer, pred Prediction, iv IntervalOptions) ([]Interval, Interval, error) {
	predict := func(th, _ []float64) ([]float64, error) {
		out := make([]float64, len(cs)+1)
		for i, c := range cs {
			var g int
			if space.groupOf != nil {
				g = int(space.groupOf[i])
			}
			m := space.model(th, g)
			f, _, _, _ := pred.function(fn, m)
			out[i] = f(m, c)
			if math.IsNaN(out[i]) || math.IsInf(out[i], 0) {
				return nil, fault.New(fn, i, "", ErrUndefined, "has no finite prediction under %+v", m)
			}
			out[len(cs)] += c.weight() * out[i]
		}
		return out, nil
	}
	res, err := bootstrapOutputs(fn, space, nil, cs, iv, predict)
	if err != nil {
		return nil, Interval{}, err
	}
	return res.Intervals[:len(cs)], res.Intervals[len(cs)], failures(fn, res)
}

// failures returns nil when every replicate of res succeeded, and
// otherwise an error wrapping ErrNotConverged that counts the failed
// ones and quotes the first: the intervals are returned with it, from
// the replicates that succeeded.
func failures(fn string, res resample.Result) error {
	if res.Failed == 0 {
		return nil
	}
	return &BootstrapError{Func: fn, Failed: res.Failed, Replicates: res.Replicates + res.Failed, First: res.FirstFailure}
}

// BootstrapError reports bootstrap replicates whose refit failed; the
// intervals returned with it come from the others. It wraps
// ErrNotConverged.
type BootstrapError struct {
	Func       string
	Failed     int   // replicates that failed
	Replicates int   // replicates run
	First      error // the first failure (lowest replicate index)
}

// Error returns "Func: Failed of Replicates bootstrap replicates failed (first: …)".
func (e *BootstrapError) Error() string {
	return fmt.Sprintf("%s: %d of %d bootstrap replicates failed (first: %v)", e.Func, e.Failed, e.Replicates, e.First)
}

// Unwrap returns ErrNotConverged.
func (e *BootstrapError) Unwrap() error { return ErrNotConverged }
