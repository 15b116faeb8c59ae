// Package resample is the customer bootstrap of ltv (Efron & Tibshirani
// 1993, An Introduction to the Bootstrap, ch. 6 and 13): resample the
// customers with replacement, refit the model, repredict, and read the
// uncertainty of every prediction off the replicates. It is the slow,
// assumption-light companion of the delta method and of parameter draws,
// and works for any model a caller can refit: it takes the refit and the
// prediction as functions (Go generics), so clv's purchase and spend
// models, survival's Cox and AFT fits and churn's logistic scoring can
// all use it.
//
// It sits on the ground floor of the module beside internal: it imports
// no model package, and clv, survival and churn may all import it.
// clv.Interval is this package's Interval.
//
// # Resampling customers, not rows
//
// Rows carry counts: a row with count w stands for w identical customers
// (a compressed histogram, clv.Customer.Weight). A replicate draws N = Σw
// customers uniformly with replacement, so the row counts of a replicate
// are Multinomial(N; w_1/N, …, w_n/N), and a row may be drawn 0 times or
// more than w times. Resampling the rows themselves would give a heavy
// row and a light one the same chance, which is a different (wrong)
// bootstrap of the customers.
//
// # Determinism
//
// Replicate b draws from its own PCG stream (math/rand/v2) seeded with
// (Options.Seed, b), and the replicates run in parallel through
// internal/parallel; each result lands in its own slot, so the intervals
// are the same on any machine and for any GOMAXPROCS.
package resample

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/montanaflynn/stats"

	"github.com/ltvgo/ltv/internal/fault"
	"github.com/ltvgo/ltv/internal/parallel"
)

// Sentinels, the same values as clv's and survival's.
var (
	ErrEmpty        = fault.ErrEmpty
	ErrInvalid      = fault.ErrInvalid
	ErrNotConverged = fault.ErrNotConverged
)

// DataError is the error type of ltv (the same type as clv.DataError).
type DataError = fault.DataError

// Interval is a prediction with its uncertainty: an estimate, its
// standard error and the limits of an interval at a stated level.
type Interval struct {
	Estimate float64 // the prediction at the fitted parameters
	StdErr   float64 // its standard error (delta method), or the replicates' (draws') standard deviation
	Lower    float64 // lower limit at the requested level
	Upper    float64 // upper limit at the requested level
}

// Options set a bootstrap; the zero value (or nil) gives 1,000 replicates,
// 90% intervals and seed 0.
type Options struct {
	Replicates int     // number of replicates, 2 to MaxReplicates; 0 means DefaultReplicates
	Level      float64 // coverage of the percentile intervals, in (0, 1); 0 means 0.90
	Seed       uint64  // seed of the replicates' streams
}

// DefaultReplicates is the number of replicates when Options.Replicates is 0.
const DefaultReplicates = 1000

// MaxReplicates bounds Options.Replicates.
const MaxReplicates = 1_000_000

// Result is the outcome of a bootstrap.
type Result struct {
	// Intervals has one entry per output of predict: Estimate is the
	// output at the caller's fit, StdErr the replicates' standard
	// deviation and Lower, Upper their percentiles (R type 7) at
	// (1 ∓ Level)/2. An output that is NaN or ±Inf in any successful
	// replicate has NaN StdErr, Lower and Upper.
	Intervals []Interval
	// Replicates is the number of replicates the intervals come from:
	// those whose refit succeeded.
	Replicates int
	// Failed counts the replicates whose refit returned an error or whose
	// refit or predict panicked; they are left out of the intervals, which
	// is only honest while they are few. FirstFailure is the error of the
	// failed replicate with the lowest index (nil when none failed).
	Failed       int
	FirstFailure error
}

// Bootstrap returns the customer-bootstrap intervals of the outputs of
// predict, a vector function of a fitted model (per-customer predictions,
// a population total, …). at is the model fitted to all customers and
// counts[i] the number of customers row i stands for (a whole number ≥ 0;
// 1 for each row of uncompressed data). For each replicate b it draws the row counts
// of N = Σ counts customers (see the package doc), calls refit with them
// (a fresh slice of len(counts), rows not drawn at 0) and predict with the
// refitted model. refit and predict are called concurrently from several
// goroutines, so they must be safe for that; a refit that returns an error
// or panics is counted in Result.Failed, not used. counts is not modified.
//
// Errors: a *DataError wrapping ErrInvalid for a count that is negative,
// not whole or not finite (Row i, Field "counts"), a bad Options field
// (Row −1, e.g. "Options.Level"), or predict giving outputs of another
// length than at's ("predict"); ErrEmpty for no rows or N = 0; an error
// wrapping ErrNotConverged, with the Result so far, when fewer than two
// replicates succeed.
func Bootstrap[M any](at M, counts []float64, refit func(counts []float64) (M, error),
	predict func(M) []float64, opt *Options) (Result, error) {
	const fn = "resample.Bootstrap"
	var o Options
	if opt != nil {
		o = *opt
	}
	if o.Replicates == 0 {
		o.Replicates = DefaultReplicates
	}
	if o.Level == 0 {
		o.Level = 0.9
	}
	switch {
	case o.Replicates < 2 || o.Replicates > MaxReplicates:
		return Result{}, fault.New(fn, -1, "Options.Replicates", ErrInvalid, "is %d, want 2 to %d (0: %d)", o.Replicates, MaxReplicates, DefaultReplicates)
	case !(o.Level > 0 && o.Level < 1):
		return Result{}, fault.New(fn, -1, "Options.Level", ErrInvalid, "is %v, want a coverage in (0, 1)", o.Level)
	}
	cum, err := cumulative(fn, counts)
	if err != nil {
		return Result{}, err
	}
	pick := picker(cum, maxUrn)
	est := predict(at)
	k := len(est)
	reps := make([][]float64, o.Replicates) // nil: failed
	fails := make([]error, o.Replicates)
	parallel.For(o.Replicates, replicateCost, func(_, lo, hi int) {
		for b := lo; b < hi; b++ {
			reps[b], fails[b] = replicate(len(cum), cum[len(cum)-1], pick, uint64(b), o.Seed, refit, predict)
		}
	})
	res := Result{Intervals: make([]Interval, k)}
	ok := make([][]float64, 0, o.Replicates)
	for b, r := range reps {
		switch {
		case fails[b] != nil:
			res.Failed++
			if res.FirstFailure == nil {
				res.FirstFailure = fmt.Errorf("replicate %d: %w", b, fails[b])
			}
		case len(r) != k:
			return Result{}, fault.New(fn, -1, "predict", ErrInvalid, "gave %d outputs in replicate %d, but %d at the fit", len(r), b, k)
		default:
			ok = append(ok, r)
		}
	}
	res.Replicates = len(ok)
	if len(ok) < 2 {
		return res, fmt.Errorf("%s: %d of %d replicates failed (first: %w): %w", fn, res.Failed, o.Replicates, res.FirstFailure, ErrNotConverged)
	}
	vals := make([]float64, len(ok))
	for j := range k {
		for b, r := range ok {
			vals[b] = r[j]
		}
		res.Intervals[j] = Percentile(est[j], vals, o.Level)
	}
	return res, nil
}

// replicateCost is the least time one replicate (a refit) is taken to
// cost, so that every replicate can be its own chunk.
const replicateCost = parallel.ChunkWork

// cumulative checks counts and returns their running sums as whole
// numbers.
func cumulative(fn string, counts []float64) ([]uint64, error) {
	if len(counts) == 0 {
		return nil, fault.New(fn, -1, "counts", ErrEmpty, "no rows")
	}
	cum := make([]uint64, len(counts))
	var total uint64
	for i, w := range counts {
		if !(w >= 0 && w <= 1<<53) || w != math.Trunc(w) {
			return nil, fault.New(fn, i, "counts", ErrInvalid, "is %v, want a whole number of customers ≥ 0", w)
		}
		total += uint64(w)
		if total > 1<<53 {
			return nil, fault.New(fn, i, "counts", ErrInvalid, "brings the customers past 2^53")
		}
		cum[i] = total
	}
	if total == 0 {
		return nil, fault.New(fn, -1, "counts", ErrEmpty, "no customers: every count is 0")
	}
	return cum, nil
}

// maxUrn is the largest number of customers whose rows picker lists one
// by one (4 bytes each); past it a customer's row is found by binary
// search.
const maxUrn = 1 << 24

// picker returns the row of customer u ∈ [0, N) for the running sums cum
// (N = the last): the first row whose running sum exceeds u. Up to urnMax
// customers it reads a table of every customer's row, one memory access
// instead of a binary search's log2(rows).
func picker(cum []uint64, urnMax uint64) func(u uint64) int {
	total := cum[len(cum)-1]
	if total > urnMax {
		return func(u uint64) int {
			i, _ := slices.BinarySearch(cum, u+1)
			return i
		}
	}
	urn := make([]int32, total)
	var lo uint64
	for i, hi := range cum {
		for u := lo; u < hi; u++ {
			urn[u] = int32(i)
		}
		lo = hi
	}
	return func(u uint64) int { return int(urn[u]) }
}

// replicate runs replicate b: the counts of the rows of N customers drawn
// uniformly with replacement (customer u's row pick(u)), a refit and a
// prediction. A panic in refit or predict is returned as the replicate's
// error.
func replicate[M any](rows int, total uint64, pick func(uint64) int, b, seed uint64,
	refit func([]float64) (M, error), predict func(M) []float64) (out []float64, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, fmt.Errorf("panic: %v", p)
		}
	}()
	rng := rand.New(rand.NewPCG(seed, b))
	w := make([]float64, rows)
	for range total {
		w[pick(rng.Uint64N(total))]++
	}
	m, err := refit(w)
	if err != nil {
		return nil, err
	}
	return predict(m), nil
}

// Percentile returns the interval of replicates (or draws) vals around the
// estimate est: their standard deviation and their percentiles (R type 7,
// as montanaflynn/stats.Percentile) at (1 ∓ level)/2, level 0 meaning
// 0.90. vals is not modified.
//
// Special cases are:
//
//	Percentile(est, vals, level) has StdErr, Lower and Upper NaN if vals has a NaN or ±Inf,
//	                             or fewer than two values, or level is not in (0, 1)
func Percentile(est float64, vals []float64, level float64) Interval {
	nan := math.NaN()
	iv := Interval{Estimate: est, StdErr: nan, Lower: nan, Upper: nan}
	if level == 0 {
		level = 0.9
	}
	if len(vals) < 2 || !(level > 0 && level < 1) {
		return iv
	}
	var mean float64
	for _, v := range vals {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return iv
		}
		mean += v
	}
	mean /= float64(len(vals))
	var ss float64
	for _, v := range vals {
		ss += (v - mean) * (v - mean)
	}
	sorted := slices.Clone(vals) // stats.Percentile sorts a copy; sorted input makes that cheap
	slices.Sort(sorted)
	iv.StdErr = math.Sqrt(ss / float64(len(vals)-1))
	iv.Lower, _ = stats.Percentile(sorted, 100*(1-level)/2)
	iv.Upper, _ = stats.Percentile(sorted, 100*(1+level)/2)
	return iv
}
