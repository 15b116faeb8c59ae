package survival_test

import (
	"fmt"
	"math"
	"time"

	"github.com/ltvgo/ltv/survival"
)

// A Weibull AFT fit of the aml data with the arm as covariate (x = 1 for
// not maintained); R's survreg(Surv(time, status) ~ x, aml) gives the same
// numbers (R 4.2.2, survival 3.5-3), the median included.
func ExampleFitAFT() {
	m, n := aml()
	obs := append(m, n...)
	X := make([][]float64, len(obs))
	for i := range X {
		X[i] = []float64{0}
		if i >= len(m) {
			X[i][0] = 1
		}
	}
	fit, err := survival.FitAFT(obs, X, survival.Weibull, nil)
	if err != nil {
		panic(err)
	}
	fmt.Printf("intercept %.4f (SE %.4f)\n", fit.Intercept, fit.StdErr[0])
	fmt.Printf("not maintained %.4f (SE %.4f), time ratio %.3f\n", fit.Coef[0], fit.StdErr[1], math.Exp(fit.Coef[0]))
	fmt.Printf("scale %.4f, log-likelihood %.3f (null %.3f)\n", fit.Scale, fit.LogLikelihood, fit.NullLogLikelihood)
	fmt.Printf("LR test chi2 %.3f on %d df, p %.4f\n", fit.LikelihoodRatio.ChiSquare, fit.LikelihoodRatio.DF, fit.LikelihoodRatio.P)

	// One patient of the non-maintained arm, in weeks.
	life := fit.For([]float64{1})
	fmt.Printf("median %.2f weeks; at 10 weeks: S %.3f, expected remaining %.2f weeks (%.2f within the next 26)\n",
		life.Median(), life.Survival(10), life.ResidualLife(10), life.RestrictedResidualLife(10, 26))
	// Output:
	// intercept 4.1091 (SE 0.2999)
	// not maintained -0.9293 (SE 0.3825), time ratio 0.395
	// scale 0.7910, log-likelihood -80.522 (null -83.179)
	// LR test chi2 5.314 on 1 df, p 0.0212
	// median 17.99 weeks; at 10 weeks: S 0.719, expected remaining 18.98 weeks (14.85 within the next 26)
}

// The value of a subscriber from a survival model fitted in days: billed
// every 30 days, 12.5 per payment, 10% a year, valued 120 days into the
// subscription, over the next 12 payments and over all of them.
func ExampleSubscriptionValue() {
	life := survival.Lifetime{Dist: survival.LogLogistic, Location: 6, Scale: 0.8} // days
	opt := survival.SubscriptionOptions{
		Unit:           24 * time.Hour,
		Period:         30 * 24 * time.Hour,
		Revenue:        12.5,
		AnnualDiscount: 0.10,
		Horizon:        12,
	}
	year, err := survival.SubscriptionValue(life, 120, opt)
	if err != nil {
		panic(err)
	}
	opt.Horizon = 0
	all, err := survival.SubscriptionValue(life, 120, opt)
	if err != nil {
		panic(err)
	}
	fmt.Printf("next 12 payments %.2f, all payments %.2f\n", year, all)
	// Output:
	// next 12 payments 103.11, all payments 295.64
}
