package clv_test

import (
	"fmt"
	"math"

	"github.com/ltvgo/ltv/clv"
)

// Predictions for donors of Fader, Hardie & Shang (2010), 6 yearly
// opportunities observed, at the BTYD walkthrough's BG/BB fit. The values
// are those of MODELS.md §5 (BTYD's own functions) and FHS Table 6.
func ExampleBGBB() {
	m := clv.BGBB{Alpha: 1.203507, Beta: 0.7497667, Gamma: 0.6567568, Delta: 2.783887}
	for _, c := range []clv.Customer{
		{Frequency: 0, Recency: 0, T: 6},
		{Frequency: 4, Recency: 5, T: 6},
	} {
		fmt.Printf("x=%v t_x=%v: next 10 years %.4f, DERT(10%%) %.4f\n",
			c.Frequency, c.Recency, m.ConditionalExpectedPurchases(c, 10), m.DERT(c, 0.1))
	}
	fmt.Printf("P(alive in year 7) of a donor who gave every year: %.2f\n",
		m.PAlive(clv.Customer{Frequency: 6, Recency: 6, T: 6}))
	fmt.Printf("E[X(10)] of a new donor: %.4f\n", m.ExpectedPurchases(10))
	// Output:
	// x=0 t_x=0: next 10 years 0.1302, DERT(10%) 0.1148
	// x=4 t_x=5: next 10 years 3.6279, DERT(10%) 3.1971
	// P(alive in year 7) of a donor who gave every year: 0.93
	// E[X(10)] of a new donor: 3.1798
}

// Fitting BG/BB to 20,000 simulated customers with 6 opportunities each,
// and checking that the estimates cover the truth.
func ExampleFitBGBB() {
	truth := clv.BGBB{Alpha: 1.2, Beta: 0.75, Gamma: 0.66, Delta: 2.8}
	cs, err := clv.SimulateBGBB(truth, clv.BGBBSimulationOptions{Customers: 20000, Opportunities: 6, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	m, fit, err := clv.FitBGBB(cs, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	covered := true
	for j, v := range []float64{m.Alpha - truth.Alpha, m.Beta - truth.Beta, m.Gamma - truth.Gamma, m.Delta - truth.Delta} {
		covered = covered && math.Abs(v) < 3*fit.StdErr[j]
	}
	fmt.Printf("customers %.0f, converged %v, truth within 3 SEs %v\n", fit.N, fit.Converged, covered)
	// Output:
	// customers 20000, converged true, truth within 3 SEs true
}
