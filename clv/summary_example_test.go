package clv_test

import (
	"fmt"
	"time"

	"github.com/ltvgo/ltv/clv"
)

func ExampleSummarizeHoldout() {
	day := func(m time.Month, d int) time.Time { return time.Date(2024, m, d, 12, 0, 0, 0, time.UTC) }
	txns := []clv.Transaction{
		{CustomerID: "a", At: day(1, 1), Amount: 10},
		{CustomerID: "a", At: day(1, 29), Amount: 20},
		{CustomerID: "a", At: day(2, 20), Amount: 5}, // holdout
		{CustomerID: "a", At: day(2, 20), Amount: 7}, // same holdout day
		{CustomerID: "b", At: day(1, 15), Amount: 30},
		{CustomerID: "c", At: day(2, 2), Amount: 8}, // first purchase in the holdout: no row
	}
	opt := clv.SummaryOptions{Period: 7 * 24 * time.Hour, End: day(1, 31)}
	hs, err := clv.SummarizeHoldout(txns, opt, day(3, 27))
	if err != nil {
		panic(err)
	}
	for _, h := range hs {
		fmt.Printf("%s x=%.0f t_x=%.2f T=%.2f | x*=%.0f spend*=%.2f T*=%.0f\n",
			h.ID, h.Frequency, h.Recency, h.T, h.HoldoutPurchases, h.HoldoutSpend, h.HoldoutT)
	}
	// Output:
	// a x=1 t_x=4.00 T=4.29 | x*=1 spend*=12.00 T*=8
	// b x=0 t_x=0.00 T=2.29 | x*=0 spend*=0.00 T*=8
}

// Simulate a year of BG/NBD purchases at the CDNOW parameters, summarise the
// log and fit the model back.
func ExampleSimulateBGNBD() {
	truth := clv.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(1, 0, 0)
	txns, err := clv.SimulateBGNBD(truth, clv.SimulationOptions{
		Customers:       20_000,
		Start:           start,
		AcquisitionDays: 90,
		End:             end,
		Period:          7 * 24 * time.Hour,
		Spend:           clv.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44},
		Seed:            1,
	})
	if err != nil {
		panic(err)
	}
	cs, err := clv.Summarize(txns, clv.SummaryOptions{Period: 7 * 24 * time.Hour, End: end})
	if err != nil {
		panic(err)
	}
	m, _, err := clv.FitBGNBD(cs, nil)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%d customers\n", len(cs))
	fmt.Printf("r=%.2f alpha=%.1f a=%.1f b=%.1f\n", m.R, m.Alpha, m.A, m.B)
	// Output:
	// 20000 customers
	// r=0.24 alpha=4.6 a=0.8 b=2.4
}
