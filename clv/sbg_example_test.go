package clv_test

import (
	"fmt"

	"github.com/ltvgo/ltv/clv"
)

// Fader & Hardie (2007): fit the sBG to the first 7 years of the "regular"
// segment, 1,000 customers, and project years 8..12. The fit is their
// (0.704, 1.182); the actual counts in years 8..12 were 222, 207, 194, 183
// and 173.
func ExampleFitShiftedBetaGeometric() {
	alive := []float64{1000, 631, 468, 382, 326, 289, 262, 241}
	m, fit, err := clv.FitShiftedBetaGeometric(alive, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("α=%.3f β=%.3f LL=%.2f\n", m.Alpha, m.Beta, fit.LogLikelihood)
	proj := m.ExpectedAlive(1000, 12)
	fmt.Printf("year 12: %.0f expected\n", proj[12])
	fmt.Printf("DEL(10%%) %.4f periods; a $100-a-year subscriber is worth $%.2f\n", m.DEL(0.1), m.NewSubscriberValue(100, 0.1))
	// Output:
	// α=0.704 β=1.182 LL=-1680.27
	// year 12: 170 expected
	// DEL(10%) 3.6949 periods; a $100-a-year subscriber is worth $369.49
}
