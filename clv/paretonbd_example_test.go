package clv_test

import (
	"fmt"
	"math"
	"time"

	"github.com/ltvgo/ltv/clv"
)

// Scoring a customer with the published CDNOW Pareto/NBD parameters (Fader,
// Hardie & Lee 2005; weekly model): two repeat purchases, the last 30.43
// weeks after the first, observed for 38.86 weeks.
func ExampleParetoNBD() {
	m := clv.ParetoNBD{R: 0.553, Alpha: 10.578, S: 0.606, Beta: 11.669}
	c := clv.Customer{Frequency: 2, Recency: 30.43, T: 38.86}
	// 15% a year, continuously compounded per week.
	delta := math.Log1p(0.15) * float64(7*24*time.Hour) / float64(clv.Year)
	fmt.Printf("P(alive)            %.4f\n", m.PAlive(c))
	fmt.Printf("E[Y(39 weeks)]      %.4f\n", m.ConditionalExpectedPurchases(c, 39))
	fmt.Printf("E[X(39 weeks)] new  %.4f\n", m.ExpectedPurchases(39))
	fmt.Printf("DERT at 15%%/year    %.4f\n", m.DERT(c, delta))
	// Output:
	// P(alive)            0.8692
	// E[Y(39 weeks)]      1.4551
	// E[X(39 weeks)] new  1.2130
	// DERT at 15%/year    6.5153
}

// Fitting a simulated weekly customer base drawn at the CDNOW parameters
// (purchases counted on whole days, like a real summary).
func ExampleFitParetoNBD() {
	truth := clv.ParetoNBD{R: 0.553, Alpha: 10.578, S: 0.606, Beta: 11.669}
	cs, err := clv.SimulateParetoNBDCustomers(truth, clv.CustomerSimulationOptions{
		Customers: 100_000, Period: 7 * 24 * time.Hour, Seed: 1,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	m, fit, err := clv.FitParetoNBD(cs, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("r %.2f (se %.2f)  alpha %.1f (se %.1f)\n", m.R, fit.StdErr[0], m.Alpha, fit.StdErr[1])
	fmt.Printf("s %.2f (se %.2f)  beta %.0f (se %.0f)\n", m.S, fit.StdErr[2], m.Beta, fit.StdErr[3])
	fmt.Printf("converged %v, N %.0f\n", fit.Converged, fit.N)
	// Output:
	// r 0.55 (se 0.01)  alpha 10.7 (se 0.1)
	// s 0.63 (se 0.02)  beta 13 (se 1)
	// converged true, N 100000
}
