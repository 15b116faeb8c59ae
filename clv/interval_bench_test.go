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

// BenchmarkScoreWithIntervalsCov: delta-method intervals of a BG/NBD with
// covariates, with a categorical covariate (three levels, two dummies:
// three covariate groups) and with a continuous one (a group per
// customer).
func BenchmarkScoreWithIntervalsCov(b *testing.B) {
	m := clv.BGNBDCov{BGNBD: bgPub, Purchase: []float64{0.3, -0.2}, Dropout: []float64{0.4}}
	fit := clv.Fit{Cov: randomCov([]float64{bgPub.R, bgPub.Alpha, bgPub.A, bgPub.B, 0.3, -0.2, 0.4}, 4, 0.05, 1)}
	ggFit := clv.Fit{Cov: randomCov([]float64{ggPub.P, ggPub.Q, ggPub.Gamma}, 3, 0.05, 2)}
	opt := clv.ValueOptions{Period: week, Horizon: 12, Discount: 0.01, Margin: 1}
	for _, tc := range []struct {
		name       string
		n          int
		continuous bool
	}{{"categorical", 1e3, false}, {"categorical", 1e5, false}, {"continuous", 1e3, true}, {"continuous", 1e4, true}} {
		cs := simulatedBase(tc.n, 9)
		cov := clv.Covariates{Purchase: make([][]float64, tc.n), Dropout: make([][]float64, tc.n)}
		for i := range cs {
			level := i % 3
			cov.Purchase[i] = []float64{float64(level / 2), float64(level % 2)}
			cov.Dropout[i] = []float64{float64(level % 2)}
			if tc.continuous {
				cov.Dropout[i][0] = float64(i%1000) / 1000
			}
		}
		b.Run(fmt.Sprintf("%s/%d", tc.name, tc.n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := clv.ScoreWithIntervalsCov(m, fit, ggPub, ggFit, cs, cov, opt, clv.IntervalOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkScoreWithIntervalsBootstrap: 20 bootstrap replicates (BG/NBD
// and Gamma-Gamma refits from the estimates, then Score) of a simulated
// base, per replicate the cost of the refits and one Score.
func BenchmarkScoreWithIntervalsBootstrap(b *testing.B) {
	for _, n := range []int{1e3, 1e4} {
		cs := simulatedBase(n, 9)
		bg, _, err := clv.FitBGNBD(cs, nil)
		if err != nil {
			b.Fatal(err)
		}
		gg, _, err := clv.FitGammaGamma(cs, nil)
		if err != nil {
			b.Fatal(err)
		}
		opt := clv.ValueOptions{Period: week, Horizon: 12, Discount: 0.01, Margin: 1}
		iv := clv.IntervalOptions{Method: clv.Bootstrap, Draws: 20, Seed: 1}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := clv.ScoreWithIntervals(bg, clv.Fit{}, gg, clv.Fit{}, cs, opt, iv); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
