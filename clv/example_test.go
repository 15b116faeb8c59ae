package clv_test

import (
	"fmt"
	"time"

	"github.com/ltvgo/ltv/clv"
)

// A BG/NBD fit on a store simulated at the published CDNOW parameters
// (r = 0.243, α = 4.414): the estimates land within their standard errors.
func ExampleFitBGNBD() {
	truth := clv.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426} // FHL 2005, weeks
	cs, err := clv.SimulateBGNBDCustomers(truth, clv.CustomerSimulationOptions{
		Customers: 20_000, Weeks: 78, Period: 7 * 24 * time.Hour, Seed: 42, Continuous: true,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	m, fit, err := clv.FitBGNBD(cs, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("r = %.3f ± %.3f, α = %.2f ± %.2f weeks\n", m.R, fit.StdErr[0], m.Alpha, fit.StdErr[1])
	c := clv.Customer{Frequency: 2, Recency: 30.43, T: 38.86} // CDNOW customer 1
	fmt.Printf("P(alive) = %.2f, next 39 weeks: %.2f purchases\n", m.PAlive(c), m.ConditionalExpectedPurchases(c, 39))
	// Output:
	// r = 0.247 ± 0.004, α = 4.33 ± 0.12 weeks
	// P(alive) = 0.71, next 39 weeks: 1.20 purchases
}

// The 12-month value of CDNOW customer 1 at 1% a month, at the published
// parameters. The model unit (a week) and the cash-flow period (a month of
// 365.25/12 days) are both Durations: a month is 4.348 weeks here.
func ExampleValue() {
	bg := clv.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	gg := clv.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}
	cs := []clv.Customer{{ID: "1", Frequency: 2, Recency: 30.43, T: 38.86, Monetary: 22.35}}
	v, err := clv.Value(bg, gg, cs, clv.ValueOptions{
		Period:   7 * 24 * time.Hour,
		CashFlow: clv.Month,
		Horizon:  12,
		Discount: 0.01,
		Margin:   1, // the amounts are already profits
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("customer %s: E[spend] %.2f, 12-month value %.2f\n", cs[0].ID, gg.ConditionalExpectedSpend(cs[0]), v[0])
	// Output:
	// customer 1: E[spend] 24.66, 12-month value 36.31
}

// Gamma-Gamma on the repeat buyers: a customer's expected spend is pulled
// from their own mean towards the population mean.
func ExampleGammaGamma_ConditionalExpectedSpend() {
	gg := clv.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44} // CDNOW, note 025
	fmt.Printf("population mean: %.2f\n", gg.MeanSpend())
	for _, c := range []clv.Customer{
		{Frequency: 1, Recency: 1, T: 10, Monetary: 100},
		{Frequency: 20, Recency: 9, T: 10, Monetary: 100},
	} {
		fmt.Printf("x = %2.0f, mean 100: %.2f\n", c.Frequency, gg.ConditionalExpectedSpend(c))
	}
	// Output:
	// population mean: 35.22
	// x =  1, mean 100: 80.26
	// x = 20, mean 100: 98.61
}
