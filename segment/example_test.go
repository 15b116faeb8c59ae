package segment_test

import (
	"fmt"
	"time"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/segment"
)

func exampleTxns() []clv.Transaction {
	d := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	return []clv.Transaction{
		{CustomerID: "ann", At: d("2024-06-01"), Amount: 120},
		{CustomerID: "ann", At: d("2024-06-20"), Amount: 80},
		{CustomerID: "ann", At: d("2024-06-28"), Amount: 60},
		{CustomerID: "bob", At: d("2024-02-10"), Amount: 35},
		{CustomerID: "cy", At: d("2024-06-25"), Amount: 15},
		{CustomerID: "dee", At: d("2024-03-05"), Amount: 300},
		{CustomerID: "dee", At: d("2024-03-05"), Amount: 50}, // same day: one occasion
		{CustomerID: "dee", At: d("2024-04-15"), Amount: 150},
		{CustomerID: "eve", At: d("2024-05-30"), Amount: 40},
		{CustomerID: "eve", At: d("2024-07-02"), Amount: 999}, // after the analysis date
	}
}

// Hand check of the output: monetary 15, 35, 40, 260, 500 has type-7 edges
// (h = 0.8, 1.6, 2.4, 3.2) 31, 38, 128, 308, so M = 1 + #{e < v} is
// 1, 2, 3, 4, 5; days since last 2, 5, 31, 76, 141 have edges 4.4, 20.6,
// 49, 89 and R = 5 − #{e < d} = 5, 4, 3, 2, 1; frequency 1, 1, 1, 2, 3 has
// edges 1, 1, 1.4, 2.2. Segments from (R, ⌊(F+M)/2⌋) in the ElevenSegments
// table: ann (5, 4), bob (1, 1), cy (4, 1), dee (2, 4), eve (3, 2).
func ExampleCompute() {
	res, err := segment.Compute(exampleTxns(), time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range res.Customers {
		fmt.Printf("%-4s %3d days %d× %6.2f  R%d F%d M%d  %s\n", c.CustomerID, c.SinceLast, c.Frequency, c.Monetary,
			c.R, c.F, c.M, segment.Assign(c, segment.ElevenSegments()))
	}
	fmt.Printf("frequency edges %.2f\n", res.Frequency.Edges)
	// Output:
	// ann    2 days 3× 260.00  R5 F5 M4  Champions
	// bob  141 days 1×  35.00  R1 F1 M2  Lost
	// cy     5 days 1×  15.00  R4 F1 M1  New Customers
	// dee   76 days 2× 500.00  R2 F4 M5  At Risk
	// eve   31 days 1×  40.00  R3 F1 M3  About To Sleep
	// frequency edges [1.00 1.00 1.40 2.20]
}

// Hand check: R×F cells bob 11, dee 24, eve 31, cy 41, ann 55; revenue
// shares of 850: 35, 500, 40, 15, 260.
func ExampleSummarize() {
	res, _ := segment.Compute(exampleTxns(), time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC), nil)
	clvByID := map[string]float64{"ann": 410, "dee": 220, "bob": 12}
	sums, _ := segment.Summarize(res.Customers, segment.RFGrid(), clvByID)
	for _, s := range sums {
		if s.Customers > 0 {
			fmt.Printf("%-18s %d  %.2f of customers  %.2f of revenue  mean CLV %.0f\n",
				s.Segment, s.Customers, s.Share, s.RevenueShare, s.MeanValue)
		}
	}
	// Output:
	// Hibernating        1  0.20 of customers  0.04 of revenue  mean CLV 12
	// At Risk            1  0.20 of customers  0.59 of revenue  mean CLV 220
	// About To Sleep     1  0.20 of customers  0.05 of revenue  mean CLV NaN
	// Promising          1  0.20 of customers  0.02 of revenue  mean CLV NaN
	// Champions          1  0.20 of customers  0.31 of revenue  mean CLV 410
}

// Hand check: total 850; share above 500 is 0 (A), 260: .59 (A), 40: .89
// (B), 35: .94 (B), 15: .98 (C).
func ExampleABC() {
	revenue := []float64{500, 260, 35, 15, 40}
	classes, _ := segment.ABC(revenue, 0.8, 0.95)
	fmt.Println(classes)
	// Output:
	// [A A B C B]
}
