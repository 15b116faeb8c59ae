package survival_test

import (
	"fmt"
	"math"

	"github.com/ltvgo/ltv/survival"
)

// Scoring a churn model on held-out customers: the time-dependent AUC of
// its risk score and the Brier score of its retention probabilities at 6,
// 12 and 18 months. The model here is a rule of thumb — risk grows with
// support tickets and falls with an annual plan, and monthly retention is
// 97% for annual plans and 93% otherwise, less a point per ticket; pass a
// fitted model's scores (Cox.LinearPredictor, Cox.SurvivalAt) the same way.
func ExampleCumulativeDynamicAUC() {
	obs, x := subscribers()
	times := []float64{6, 12, 18}
	risk := make([][]float64, len(obs))
	surv := make([][]float64, len(obs))
	for i, row := range x {
		annual, tickets := row[0], row[1]
		risk[i] = []float64{tickets - 2*annual}
		monthly := 0.93 + 0.04*annual - 0.01*tickets
		for _, t := range times {
			surv[i] = append(surv[i], math.Pow(monthly, t))
		}
	}
	auc, err := survival.CumulativeDynamicAUC(nil, obs, risk, times)
	if err != nil {
		fmt.Println(err)
		return
	}
	bs, err := survival.BrierScore(nil, obs, surv, times)
	if err != nil {
		fmt.Println(err)
		return
	}
	for k, t := range times {
		fmt.Printf("month %2.0f: AUC %.3f, Brier %.3f\n", t, auc.AUC[k], bs.Score[k])
	}
	fmt.Printf("mean AUC %.3f, integrated Brier %.3f\n", auc.Mean, bs.Integrated)
	// Output:
	// month  6: AUC 0.986, Brier 0.133
	// month 12: AUC 0.819, Brier 0.213
	// month 18: AUC 0.892, Brier 0.193
	// mean AUC 0.897, integrated Brier 0.188
}

// Calibration of a churn model's 12-month churn probabilities: the
// observed probability at each prediction comes from a Cox model on a
// spline of the prediction's complementary log-log.
func ExampleCalibrationAt() {
	obs, x := subscribers()
	// A churn model's 12-month retention: a pessimistic guess, 70% for
	// annual plans and 55% otherwise, less 3 points per support ticket.
	surv := make([]float64, len(obs))
	for i, row := range x {
		surv[i] = 0.55 + 0.15*row[0] - 0.03*row[1]
	}
	cal, err := survival.CalibrationAt(obs, surv, 12, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("ICI %.3f, E50 %.3f, E90 %.3f, Emax %.3f\n", cal.ICI, cal.E50, cal.E90, cal.EMax)
	// Output:
	// ICI 0.189, E50 0.230, E90 0.315, Emax 0.394
}
