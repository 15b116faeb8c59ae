package churn

import (
	"fmt"
	"math"
	"time"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/internal/fault"
	"github.com/ltvgo/ltv/internal/numeric"
	"github.com/ltvgo/ltv/internal/parallel"
)

// ProbEach returns Prob of every row of X, in order, on up to GOMAXPROCS
// goroutines for large inputs. X is not modified.
//
// Errors: a *clv.DataError wrapping clv.ErrInvalid naming the first bad
// row: one of another length than l.Coef (Field "X") or holding a NaN or
// ±Inf (Field "X[j]"), or clv.ErrEmpty for no rows (clv.ErrInvalid for a nil l).
func (l *Logistic) ProbEach(X [][]float64) ([]float64, error) {
	const fn = "churn.Logistic.ProbEach"
	if l == nil {
		return nil, fault.New(fn, -1, "Logistic", clv.ErrInvalid, "is nil")
	}
	if len(X) == 0 {
		return nil, fault.New(fn, -1, "X", clv.ErrEmpty, "has no rows")
	}
	out := make([]float64, len(X))
	chunks := parallel.Chunks(len(X), rowCost(len(l.Coef)))
	bad := make([]*fault.DataError, chunks)
	parallel.For(len(X), rowCost(len(l.Coef)), func(chunk, lo, hi int) {
		for i := lo; i < hi; i++ {
			if err := l.checkRow(fn, i, X[i]); err != nil {
				bad[chunk] = err
				return
			}
			out[i] = numeric.Expit(l.LogOdds(X[i]))
		}
	})
	for _, err := range bad { // chunks are in row order, so the first is the first bad row
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// rowCost is the time of one row of ProbEach with k features.
func rowCost(k int) time.Duration { return time.Duration(10+k) * time.Nanosecond }

// checkRow returns the error of row i of ProbEach's X, or nil.
func (l *Logistic) checkRow(fn string, i int, x []float64) *fault.DataError {
	if len(x) != len(l.Coef) {
		return fault.New(fn, i, "X", clv.ErrInvalid, "has %d values, want %d (one per coefficient)", len(x), len(l.Coef))
	}
	for j, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fault.New(fn, i, fmt.Sprintf("X[%d]", j), clv.ErrInvalid, "is %v", v)
		}
	}
	return nil
}
