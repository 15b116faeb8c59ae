package survival_test

import (
	"fmt"

	"github.com/ltvgo/ltv/survival"
)

// aml is R's acute myelogenous leukaemia data: weeks to relapse (Event) or
// censoring, in the maintained and non-maintained arms.
func aml() (maintained, nonmaintained []survival.Observation) {
	obs := func(times []float64, relapsed []bool) []survival.Observation {
		out := make([]survival.Observation, len(times))
		for i := range times {
			out[i] = survival.Observation{Time: times[i], Event: relapsed[i]}
		}
		return out
	}
	maintained = obs([]float64{9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161},
		[]bool{true, true, false, true, true, false, true, true, false, true, false})
	nonmaintained = obs([]float64{5, 5, 8, 8, 12, 16, 23, 27, 30, 33, 43, 45},
		[]bool{true, true, true, true, true, false, true, true, true, true, true, true})
	return maintained, nonmaintained
}

func ExampleKaplanMeier() {
	m, n := aml()
	c, err := survival.KaplanMeier(append(m, n...), nil) // R's defaults: log bands, 95%
	if err != nil {
		panic(err)
	}
	for j := range 4 {
		fmt.Printf("t=%3.0f n=%2.0f d=%.0f S=%.4f SE=%.4f CI=(%.4f, %.4f)\n",
			c.Time[j], c.AtRisk[j], c.Events[j], c.Survival[j], c.StdErr[j], c.Lower[j], c.Upper[j])
	}
	est, lo, hi := c.Median()
	fmt.Printf("median %.0f (%.0f, %.0f)\n", est, lo, hi)
	mean, se := c.RestrictedMean(100)
	fmt.Printf("restricted mean to 100 weeks %.4f (se %.4f)\n", mean, se)
	// Output:
	// t=  5 n=23 d=2 S=0.9130 SE=0.0588 CI=(0.8049, 1.0000)
	// t=  8 n=21 d=2 S=0.8261 SE=0.0790 CI=(0.6848, 0.9965)
	// t=  9 n=19 d=1 S=0.7826 SE=0.0860 CI=(0.6310, 0.9707)
	// t= 12 n=18 d=1 S=0.7391 SE=0.0916 CI=(0.5798, 0.9422)
	// median 27 (18, 45)
	// restricted mean to 100 weeks 31.3126 (se 5.7864)
}

func ExampleCurve_Quantile() {
	m, n := aml()
	c, err := survival.KaplanMeier(append(m, n...), &survival.Options{Conf: survival.ConfLogLog})
	if err != nil {
		panic(err)
	}
	for _, p := range []float64{0.25, 0.5, 0.75} {
		est, lo, hi := c.Quantile(p)
		fmt.Printf("q%.0f = %.0f (%.0f, %.0f)\n", 100*p, est, lo, hi)
	}
	// Output:
	// q25 = 12 (5, 23)
	// q50 = 27 (13, 34)
	// q75 = 43 (30, NaN)
}

func ExampleCurve_Table() {
	m, _ := aml()
	c, err := survival.KaplanMeier(m, nil)
	if err != nil {
		panic(err)
	}
	// At risk at week t counts the relapse times ≥ t (6 at week 24: 28, 31,
	// 34, 45, 48, 161); S is R's survfit value for the maintained arm.
	r := c.Table([]float64{0, 12, 24, 36, 48})
	for i, t := range r.Time {
		fmt.Printf("week %2.0f: at risk %2.0f, relapses since last %.0f, S %.3f\n", t, r.AtRisk[i], r.Events[i], r.Survival[i])
	}
	// Output:
	// week  0: at risk 11, relapses since last 0, S 1.000
	// week 12: at risk 10, relapses since last 1, S 0.909
	// week 24: at risk  6, relapses since last 3, S 0.614
	// week 36: at risk  3, relapses since last 2, S 0.368
	// week 48: at risk  2, relapses since last 1, S 0.184
}

func ExampleNelsonAalen() {
	m, n := aml()
	h, err := survival.NelsonAalen(append(m, n...), &survival.Options{HazardTies: survival.HazardFlemingHarrington})
	if err != nil {
		panic(err)
	}
	fmt.Printf("H(%.0f) = %.4f (sd %.4f)\n", h.Time[0], h.Hazard[0], h.StdErr[0])
	// Output:
	// H(5) = 0.0889 (sd 0.0629)
}

func ExampleLogRankTest() {
	m, n := aml()
	groups := [][]survival.Observation{m, n}
	r, err := survival.LogRankTest(groups, nil)
	if err != nil {
		panic(err)
	}
	fmt.Printf("O = %.0f, %.0f; E = %.4f, %.4f\n", r.Observed[0], r.Observed[1], r.Expected[0], r.Expected[1])
	fmt.Printf("log-rank chi2 = %.4f, df = %d, p = %.4f\n", r.ChiSquare, r.DF, r.P)
	pp, err := survival.LogRankTest(groups, &survival.LogRankOptions{Rho: 1})
	if err != nil {
		panic(err)
	}
	fmt.Printf("Peto-Peto chi2 = %.4f, p = %.4f\n", pp.ChiSquare, pp.P)
	// Output:
	// O = 7, 11; E = 10.6893, 7.3107
	// log-rank chi2 = 3.3964, df = 1, p = 0.0653
	// Peto-Peto chi2 = 2.7793, p = 0.0955
}
