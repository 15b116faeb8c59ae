package survival

import (
	"math"
	"slices"

	"github.com/ltvgo/ltv/internal/fault"
)

// SplitRows are the pieces of SplitAt, one per output row.
type SplitRows struct {
	Obs []Observation
	// X holds a copy of the covariate row of each piece (nil when SplitAt
	// got nil), so that a time-varying covariate can be set per piece.
	X [][]float64
	// Row is the caller's row the piece comes from: the label for
	// CoxOptions.Cluster, and the key to join time-varying values.
	Row []int
	// Episode is the number of cut times ≤ the piece's start (R's episode
	// − 1): 0 before the first cut.
	Episode []int
}

// SplitAt cuts the interval (Entry, Time] of every row at the cut times
// strictly inside it, as R's survSplit(…, cut = cuts) does: a row (e, t]
// with cuts e < c₁ < … < c_k < t becomes (e, c₁], (c₁, c₂], …, (c_k, t],
// the event (if any) on the last piece, the weight on every piece. A Cox
// fit on the pieces equals the fit on the rows; give each piece its own
// covariate values to fit time-varying covariates (x(t) constant on each
// piece), with CoxOptions.Cluster = Row for robust standard errors by
// subject. Rows keep their order, pieces in time order.
//
// SplitAt neither modifies nor keeps its arguments. Errors (all
// *DataError wrapping ErrInvalid): an invalid observation (as
// KaplanMeier), X of the wrong shape or not finite (as FitCox), a NaN or
// infinite cut time (Field "cuts").
func SplitAt(obs []Observation, X [][]float64, cuts []float64) (*SplitRows, error) {
	const fn = "survival.SplitAt"
	if _, err := checkDesignMatrix(fn, X, len(obs), nil); err != nil {
		return nil, err
	}
	total := 0.0
	for i, o := range obs {
		if err := checkRow(fn, -1, i, o, false, &total); err != nil {
			return nil, err
		}
	}
	for _, c := range cuts {
		if math.IsNaN(c) || math.IsInf(c, 0) {
			return nil, fault.New(fn, -1, "cuts", ErrInvalid, "holds %g", c)
		}
	}
	cs := slices.Clone(cuts)
	slices.Sort(cs)
	cs = slices.Compact(cs)
	out := &SplitRows{}
	for i, o := range obs {
		// The cuts strictly inside (Entry, Time).
		lo, _ := slices.BinarySearch(cs, math.Nextafter(o.Entry, math.Inf(1)))
		hi, _ := slices.BinarySearch(cs, o.Time)
		start := o.Entry
		for k := lo; k <= hi; k++ {
			piece := Observation{Entry: start, Weight: o.Weight}
			if k < hi {
				piece.Time = cs[k]
			} else {
				piece.Time, piece.Event = o.Time, o.Event
			}
			ep, _ := slices.BinarySearch(cs, math.Nextafter(start, math.Inf(1)))
			out.Obs = append(out.Obs, piece)
			out.Row = append(out.Row, i)
			out.Episode = append(out.Episode, ep)
			if X != nil {
				out.X = append(out.X, slices.Clone(X[i]))
			}
			start = piece.Time
		}
	}
	return out, nil
}
