package clv_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/ltvgo/ltv/clv"
)

// benchFits fits BG/NBD and Gamma-Gamma once to a simulated base of
// 1e5 customers, for their covariances.
var benchFits = sync.OnceValues(func() (clv.Fit, clv.Fit) {
	cs := simulatedBase(100_000, 11)
	_, fit, err := clv.FitBGNBD(cs, nil)
	if err != nil {
		panic(err)
	}
	_, ggFit, err := clv.FitGammaGamma(cs, nil)
	if err != nil {
		panic(err)
	}
	return fit, ggFit
})

// BenchmarkScoreWithIntervals is issue 13's target: delta-method intervals
// for every customer within 3× the time of BenchmarkScore on the same
// customers (the same simulatedBase, options and models).
func BenchmarkScoreWithIntervals(b *testing.B) {
	fit, ggFit := benchFits()
	for _, n := range []int{1e3, 1e5, 1e6} {
		cs := simulatedBase(n, 9)
		opt := clv.ValueOptions{Period: week, Horizon: 12, Discount: 0.01, Margin: 1}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := clv.ScoreWithIntervals(bgPub, fit, ggPub, ggFit, cs, opt, clv.IntervalOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkTotalValueDraws is issue 13's other target: 1,000 parameter
// draws of the population total for 1e6 customers within 5 s.
func BenchmarkTotalValueDraws(b *testing.B) {
	fit, ggFit := benchFits()
	for _, n := range []int{1e4, 1e6} {
		cs := simulatedBase(n, 9)
		opt := clv.ValueOptions{Period: week, Horizon: 12, Discount: 0.01, Margin: 1}
		iv := clv.IntervalOptions{Method: clv.ParameterDraws, Draws: 1000, Seed: 1}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := clv.TotalValueInterval(bgPub, fit, ggPub, ggFit, cs, opt, iv); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
