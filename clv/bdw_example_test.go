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

// Individual subscribers of FH 2007's two segments (years 0..7), with a
// covariate marking the "high end" segment on both α and β. With one
// binary covariate on both shapes, each segment gets its own sBG: For(0)
// is the regular segment's (0.704, 1.182), For(1) the high end's (0.668,
// 3.806).
func ExampleFitShiftedBetaGeometricSubscribers() {
	segments := [][]float64{
		{1000, 631, 468, 382, 326, 289, 262, 241}, // regular
		{1000, 869, 743, 653, 593, 551, 517, 491}, // high end
	}
	var subs []clv.Subscriber
	var z [][]float64
	for seg, alive := range segments {
		for t := 1; t < len(alive); t++ { // those who cancelled at the end of period t
			subs = append(subs, clv.Subscriber{Periods: t, Churned: true, Weight: alive[t-1] - alive[t]})
			z = append(z, []float64{float64(seg)})
		}
		subs = append(subs, clv.Subscriber{Periods: 7, Weight: alive[7]}) // still active
		z = append(z, []float64{float64(seg)})
	}
	m, fit, err := clv.FitShiftedBetaGeometricSubscribers(subs, clv.SubscriberCovariates{Alpha: z, Beta: z}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("γ_α=%.3f (SE %.3f) γ_β=%.3f (SE %.3f)\n", m.AlphaCoef[0], fit.StdErr[2], m.BetaCoef[0], fit.StdErr[3])
	for seg, name := range []string{"regular", "high end"} {
		s := m.For([]float64{float64(seg)}, []float64{float64(seg)})
		fmt.Printf("%s: α=%.3f β=%.3f S(12)=%.4f\n", name, s.Alpha, s.Beta, s.Survival(12))
	}
	// Output:
	// γ_α=0.052 (SE 0.181) γ_β=-1.169 (SE 0.243)
	// regular: α=0.704 β=1.182 S(12)=0.1700
	// high end: α=0.668 β=3.806 S(12)=0.3780
}
