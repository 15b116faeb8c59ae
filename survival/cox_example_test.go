package survival_test

import (
	"fmt"

	"github.com/ltvgo/ltv/survival"
)

// subscribers are 16 customers followed for up to 24 months: months to
// churn (or to the end of observation), whether they churned, and two
// covariates, an annual plan (0/1) and support tickets in the first month.
func subscribers() ([]survival.Observation, [][]float64) {
	rows := []struct {
		months  float64
		churned bool
		annual  float64
		tickets float64
	}{
		{3, true, 0, 4}, {5, true, 0, 2}, {6, true, 0, 5}, {6, false, 1, 0},
		{8, true, 0, 1}, {9, true, 1, 3}, {11, true, 0, 0}, {12, false, 1, 1},
		{14, true, 0, 2}, {15, false, 0, 1}, {17, true, 1, 2}, {20, false, 1, 0},
		{21, true, 0, 1}, {24, false, 1, 0}, {24, false, 1, 1}, {24, false, 0, 0},
	}
	obs := make([]survival.Observation, len(rows))
	x := make([][]float64, len(rows))
	for i, r := range rows {
		obs[i] = survival.Observation{Time: r.months, Event: r.churned}
		x[i] = []float64{r.annual, r.tickets}
	}
	return obs, x
}

// A Cox model of churn: hazard ratios with 95% limits, the likelihood
// ratio test and Harrell's C (R's summary(coxph(Surv(months, churned) ~
// annual + tickets)) prints the same numbers).
func ExampleFitCox() {
	obs, x := subscribers()
	fit, err := survival.FitCox(obs, x, &survival.CoxOptions{Names: []string{"annual", "tickets"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, t := range fit.Summary(0.95) {
		fmt.Printf("%-7s HR %.3f [%.3f, %.3f]  p %.3f\n", t.Name, t.HazardRatio, t.Lower, t.Upper, t.P)
	}
	fmt.Printf("LR %.2f on %d df, p %.4f; C %.3f\n", fit.LikelihoodRatio.ChiSquare, fit.LikelihoodRatio.DF,
		fit.LikelihoodRatio.P, fit.Concordance)
	// Output:
	// annual  HR 0.282 [0.054, 1.484]  p 0.135
	// tickets HR 2.388 [1.281, 4.451]  p 0.006
	// LR 12.84 on 2 df, p 0.0016; C 0.862
}

// The predicted survival of one customer: the share still subscribed at
// 12 months and the median lifetime, with the curve's confidence limits.
func ExampleCox_SurvivalCurve() {
	obs, x := subscribers()
	fit, err := survival.FitCox(obs, x, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	customer := []float64{0, 2} // monthly plan, two tickets
	curve, err := fit.SurvivalCurve(customer, 0, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	at := curve.Table([]float64{12})
	fmt.Printf("S(12) = %.3f [%.3f, %.3f]\n", at.Survival[0], at.Lower[0], at.Upper[0])
	med, lo, hi := curve.Median()
	fmt.Printf("median %.0f months [%.0f, %.0f]\n", med, lo, hi)
	fmt.Printf("S(12) again: %.3f\n", fit.SurvivalAt(customer, 0, 12))
	// Output:
	// S(12) = 0.349 [0.111, 1.000]
	// median 9 months [8, NaN]
	// S(12) again: 0.349
}

// Grambsch and Therneau's test of proportional hazards (R's cox.zph).
func ExampleCox_PHTest() {
	obs, x := subscribers()
	fit, err := survival.FitCox(obs, x, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	terms, global, err := fit.PHTest()
	if err != nil {
		fmt.Println(err)
		return
	}
	for j, t := range terms {
		fmt.Printf("column %d: chi2 %.3f, p %.3f\n", j, t.ChiSquare, t.P)
	}
	fmt.Printf("global:   chi2 %.3f, p %.3f\n", global.ChiSquare, global.P)
	// Output:
	// column 0: chi2 0.141, p 0.707
	// column 1: chi2 2.244, p 0.134
	// global:   chi2 2.450, p 0.294
}

// A time-varying covariate: customers who move to the annual plan part way
// through. SplitAt cuts each history at month 6, the plan is set per piece,
// and Cluster = Row keeps each customer one unit for the standard errors.
func ExampleSplitAt() {
	obs, x := subscribers()
	split, err := survival.SplitAt(obs, x, []float64{6})
	if err != nil {
		fmt.Println(err)
		return
	}
	for k, row := range split.Row {
		if split.Episode[k] == 1 && row%3 == 1 { // some monthly customers upgrade at month 6
			split.X[k][0] = 1
		}
	}
	fmt.Printf("%d rows become %d pieces\n", len(obs), len(split.Obs))
	fit, err := survival.FitCox(split.Obs, split.X, &survival.CoxOptions{Cluster: split.Row})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("annual plan HR %.3f (robust SE of log HR %.3f)\n", fit.RiskScore([]float64{1, 0}), fit.StdErr[0])
	// Output:
	// 16 rows become 28 pieces
	// annual plan HR 0.513 (robust SE of log HR 0.477)
}

// Harrell's and Uno's concordance of a churn score (higher = churns
// sooner) with the observed lifetimes.
func ExampleHarrellC() {
	obs, x := subscribers()
	score := make([]float64, len(x))
	for i, r := range x {
		score[i] = r[1] - 2*r[0] // tickets, less for annual plans
	}
	fmt.Printf("Harrell %.3f, Uno (to 18 months) %.3f\n", survival.HarrellC(obs, score), survival.UnoC(obs, score, 18))
	r, err := survival.Concordance(obs, score, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("C %.3f ± %.3f from %.0f concordant, %.0f discordant and %.0f tied pairs\n",
		r.C, r.StdErr, r.Concordant, r.Discordant, r.TiedRisk)
	// Output:
	// Harrell 0.856, Uno (to 18 months) 0.841
	// C 0.856 ± 0.048 from 70 concordant, 8 discordant and 9 tied pairs
}
