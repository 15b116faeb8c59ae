package survival_test

import (
	"fmt"

	"github.com/ltvgo/ltv/survival"
)

// churnReasons are 21 subscribers followed for up to 24 months: months to
// churn (or to the end of observation), the reason (0 still subscribed, 1
// cancelled, 2 payment failed) and whether they are on the annual plan.
func churnReasons() ([]survival.CompetingObservation, [][]float64) {
	rows := [][3]float64{
		{2, 1, 0}, {3, 2, 0}, {4, 1, 0}, {5, 1, 1}, {6, 0, 1}, {6, 2, 1}, {7, 1, 0},
		{8, 2, 1}, {9, 1, 0}, {10, 0, 0}, {11, 1, 1}, {12, 2, 0}, {13, 1, 0},
		{15, 0, 1}, {16, 2, 1}, {18, 1, 0}, {19, 0, 0}, {20, 0, 1}, {22, 2, 1}, {24, 0, 1}, {24, 0, 0},
	}
	obs := make([]survival.CompetingObservation, len(rows))
	x := make([][]float64, len(rows))
	for i, r := range rows {
		obs[i] = survival.CompetingObservation{Time: r[0], Cause: int(r[1])}
		x[i] = []float64{r[2]}
	}
	return obs, x
}

// The share of subscribers lost to each reason by 6, 12 and 24 months,
// with survfit's standard errors (R's summary(survfit(Surv(months,
// factor(reason)) ~ 1), times = c(6, 12, 24)) prints the same numbers).
func ExampleCumulativeIncidence() {
	obs, _ := churnReasons()
	inc, err := survival.CumulativeIncidence(obs, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, t := range []float64{6, 12, 24} {
		free, _ := inc.At(0, t)
		cancel, seC := inc.At(1, t)
		failed, seF := inc.At(2, t)
		fmt.Printf("%2.0f months: subscribed %.4f  cancelled %.4f (SE %.4f)  payment failed %.4f (SE %.4f)\n",
			t, free, cancel, seC, failed, seF)
	}
	// Output:
	//  6 months: subscribed 0.7619  cancelled 0.1429 (SE 0.0764)  payment failed 0.0952 (SE 0.0641)
	// 12 months: subscribed 0.4987  cancelled 0.2999 (SE 0.1031)  payment failed 0.2014 (SE 0.0905)
	// 24 months: subscribed 0.2111  cancelled 0.4186 (SE 0.1147)  payment failed 0.3703 (SE 0.1269)
}

// Does the annual plan change the risk of each churn reason? Gray's test
// compares the cumulative incidences of the two plans (cmprsk's cuminc),
// the Fine–Gray model gives the subdistribution hazard ratio (R's finegray
// and coxph(… + cluster(id))) and the cause-specific Cox model the hazard
// ratio of the reason's own rate.
func ExampleFitFineGray() {
	obs, x := churnReasons()
	plans := make([][]survival.CompetingObservation, 2)
	for i, o := range obs {
		plans[int(x[i][0])] = append(plans[int(x[i][0])], o)
	}
	for cause := 1; cause <= 2; cause++ {
		name := [...]string{1: "cancelled", 2: "payment failed"}[cause]
		gray, err := survival.GrayTest(plans, cause, nil)
		if err != nil {
			fmt.Println(err)
			return
		}
		fg, err := survival.FitFineGray(obs, x, cause, nil)
		if err != nil {
			fmt.Println(err)
			return
		}
		rows, err := survival.CauseSpecific(obs, cause)
		if err != nil {
			fmt.Println(err)
			return
		}
		cs, err := survival.FitCox(rows, x, nil)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s: Gray χ² %.3f (p %.3f); Fine–Gray coef %.3f (robust SE %.3f); cause-specific coef %.3f (SE %.3f)\n",
			name, gray.ChiSquare, gray.P, fg.Coef[0], fg.StdErr[0], cs.Coef[0], cs.StdErr[0])
	}
	// Output:
	// cancelled: Gray χ² 2.201 (p 0.138); Fine–Gray coef -1.166 (robust SE 0.778); cause-specific coef -1.148 (SE 0.818)
	// payment failed: Gray χ² 1.009 (p 0.315); Fine–Gray coef 0.869 (robust SE 0.848); cause-specific coef 0.521 (SE 0.871)
}
