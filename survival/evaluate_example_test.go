package survival_test

import (
	"fmt"

	"github.com/ltvgo/ltv/survival"
)

// Scoring a churn model: the time-dependent AUC of a Cox model's linear
// predictor and the Brier score of its predicted survival at 6, 12 and 18
// months (in-sample here; pass the training rows as train and held-out
// customers as test in practice).
func ExampleCumulativeDynamicAUC() {
	obs, x := subscribers()
	fit, err := survival.FitCox(obs, x, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	times := []float64{6, 12, 18}
	risk := make([][]float64, len(obs))
	surv := make([][]float64, len(obs))
	for i, row := range x {
		risk[i] = []float64{fit.LinearPredictor(row)}
		for _, t := range times {
			surv[i] = append(surv[i], fit.SurvivalAt(row, 0, t))
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
	// month  6: AUC 0.986, Brier 0.061
	// month 12: AUC 0.830, Brier 0.159
	// month 18: AUC 0.920, Brier 0.119
	// mean AUC 0.909, integrated Brier 0.125
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
