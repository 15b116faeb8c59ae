package clv_test

import (
	"fmt"

	"github.com/ltvgo/ltv/clv"
)

// Fader, Hardie, Liu, Davin & Steenburgh (2018): the "high end" segment of
// FH 2007, years 0..7, fitted with and without duration dependence. The
// BdW's c > 1 (a customer's own churn risk rises with tenure) fits
// significantly better, and projects years 8..12 (actual: 468, 445, 427,
// 409, 394) closer than the sBG.
func ExampleFitBetaDiscreteWeibull() {
	alive := []float64{1000, 869, 743, 653, 593, 551, 517, 491}
	m, fit, err := clv.FitBetaDiscreteWeibull(alive, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("α=%.4f β=%.4f c=%.4f (SE %.4f) LL=%.4f\n", m.Alpha, m.Beta, m.C, fit.StdErr[2], fit.LogLikelihood)
	sbg, sbgFit, err := clv.FitShiftedBetaGeometric(alive, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	lr, p := clv.LikelihoodRatioTest(sbgFit, fit, false)
	fmt.Printf("LR vs sBG %.2f, p=%.5f\n", lr, p)
	bdw, s := m.ExpectedAlive(1000, 12), sbg.ExpectedAlive(1000, 12)
	fmt.Printf("year 12: BdW %.0f, sBG %.0f\n", bdw[12], s[12])
	fmt.Printf("r_2=%.4f r_12=%.4f DERL(10%%, 7 renewals)=%.4f\n", m.RetentionRate(2), m.RetentionRate(12), m.DERL(0.1, 7))
	// Output:
	// α=0.2143 β=1.4266 c=1.7236 (SE 0.3010) LL=-1605.3142
	// LR vs sBG 11.69, p=0.00063
	// year 12: BdW 404, sBG 378
	// r_2=0.8516 r_12=0.9689 DERL(10%, 7 renewals)=8.3189
}
