package clv

import (
	"maps"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// PAliveGrid returns P(alive) over a frequency × recency grid for
// customers of age T: out[i][j] is for Frequency freqs[i] and Recency
// recencies[j], the data of a heat map. Cells that are not valid
// customers (recency > T, or recency 0 and x not both 0) are NaN. The inputs
// are not modified.
func PAliveGrid(m PurchaseModel, T float64, freqs, recencies []float64) [][]float64 {
	return grid(freqs, recencies, T, m.PAlive)
}

// ExpectedPurchasesGrid returns E[Y(t) | x, t_x, T] over the same grid as
// PAliveGrid: the expected purchases in the next t periods.
func ExpectedPurchasesGrid(m PurchaseModel, T, t float64, freqs, recencies []float64) [][]float64 {
	return grid(freqs, recencies, T, func(c Customer) float64 { return m.ConditionalExpectedPurchases(c, t) })
}

func grid(freqs, recencies []float64, T float64, f func(Customer) float64) [][]float64 {
	out := make([][]float64, len(freqs))
	for i, x := range freqs {
		out[i] = make([]float64, len(recencies))
		for j, tx := range recencies {
			out[i][j] = f(Customer{Frequency: x, Recency: tx, T: T}) // NaN when invalid
		}
	}
	return out
}

// ExpectedCumulativePurchases returns the tracking curve of a population
// whose members made their first purchase at the times in firsts: for
// each time in at, Σ_i E[X(at − firsts_i)] over the customers already
// acquired (firsts_i < at). All times are in the model's unit on one
// calendar origin (e.g. weeks since the start of the data). Compare it
// with the actual cumulative repeat purchases (FHL 2005, Figure 2).
// Identical first-purchase times are evaluated once. The inputs are not
// modified.
//
// Special cases are:
//
//	a NaN first-purchase time contributes NaN to every later point
func ExpectedCumulativePurchases(m PurchaseModel, firsts, at []float64) []float64 {
	counts := map[float64]float64{}
	for _, f := range firsts {
		counts[f]++
	}
	distinct := slices.Sorted(maps.Keys(counts)) // a fixed summation order
	out := make([]float64, len(at))
	for i, t := range at {
		for _, f := range distinct {
			if f < t || math.IsNaN(f) {
				out[i] += counts[f] * m.ExpectedPurchases(t-f)
			}
		}
	}
	return out
}

// ConditionalExpectedPurchasesBetween returns the expected purchases of a
// customer in (T+t1, T+t2] — "next quarter, starting a month from now" —
// as E[Y(t2) | x, t_x, T] − E[Y(t1) | x, t_x, T], the expected count being
// additive over disjoint intervals. For the BG/BB, t1 and t2 count
// transaction opportunities after n. The difference is exact to about
// 1e-16·E[Y(t2)] in absolute terms (it loses relative digits only when
// the interval is short and the count small).
//
// Special cases are:
//
//	t1 < 0, t2 < t1 or either NaN  NaN
func ConditionalExpectedPurchasesBetween(m PurchaseModel, c Customer, t1, t2 float64) float64 {
	if !(t1 >= 0 && t2 >= t1) {
		return math.NaN()
	}
	return m.ConditionalExpectedPurchases(c, t2) - m.ConditionalExpectedPurchases(c, t1)
}

// LikelihoodRatioTest compares a restricted model nested in a full one:
// LR = 2·(LL_full − LL_restricted) against χ² with NumParams_full −
// NumParams_restricted degrees of freedom. With boundary set, the null
// value lies on the edge of the parameter space (e.g. a zero dropout
// rate) and p is halved, the ½χ²_0 + ½χ²_1 mixture of Self & Liang
// (1987) for one boundary parameter. p is NaN when the degrees of freedom
// are not positive.
func LikelihoodRatioTest(restricted, full Fit, boundary bool) (lr, p float64) {
	lr = 2 * (full.LogLikelihood - restricted.LogLikelihood)
	df := full.NumParams - restricted.NumParams
	if df <= 0 {
		return lr, math.NaN()
	}
	p = distuv.ChiSquared{K: float64(df)}.Survival(math.Max(lr, 0))
	if boundary {
		p /= 2
	}
	return lr, p
}
