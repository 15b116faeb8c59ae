package clv_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ltvgo/ltv/clv"
)

// Two workers each summarise their shard of a log; the merged states give
// the rows Summarize gives on the whole log. A purchase that arrives later
// updates its customer, and the rows move to a later End.
func ExampleCustomerStates() {
	day := func(d int) time.Time { return time.Date(2024, 1, d, 12, 0, 0, 0, time.UTC) }
	shard1 := []clv.Transaction{{"a", day(1), 10}, {"a", day(8), 20}, {"b", day(3), 5}}
	shard2 := []clv.Transaction{{"a", day(8), 4}, {"b", day(10), 6}}

	s1, s2 := clv.NewCustomerStates(), clv.NewCustomerStates()
	if err := s1.Add(shard1...); err != nil {
		panic(err)
	}
	if err := s2.Add(shard2...); err != nil {
		panic(err)
	}
	s1.Merge(s2)
	opt := clv.SummaryOptions{Period: 24 * time.Hour, End: day(14)}
	merged, _ := s1.Customers(opt)
	whole, _ := clv.Summarize(append(shard1, shard2...), opt)
	fmt.Println("equal to Summarize:", fmt.Sprint(merged) == fmt.Sprint(whole))

	_ = s1.Add(clv.Transaction{CustomerID: "a", At: day(20), Amount: 30})
	opt.End = day(21)
	cs, _ := s1.Customers(opt)
	for _, c := range cs {
		fmt.Printf("%s x=%.0f t_x=%.0f T=%.0f m=%.2f\n", c.ID, c.Frequency, c.Recency, c.T, c.Monetary)
	}
	// Output:
	// equal to Summarize: true
	// a x=2 t_x=19 T=20 m=27.00
	// b x=1 t_x=7 T=18 m=6.00
}

// A log with a header in another order and a semicolon delimiter, as a
// spreadsheet in a decimal-comma locale exports it.
func ExampleReadTransactions() {
	log := `Datum;Kunde;Betrag
2024-01-02;K-1;12,50
2024-01-09 14:30:00;K-1;7,25
2024-01-03;K-2;40
`
	txns, err := clv.ReadTransactions(strings.NewReader(log), &clv.CSVOptions{
		CustomerIDColumn: "Kunde", AtColumn: "Datum", AmountColumn: "Betrag",
		Delimiter: ';', DecimalComma: true,
	})
	if err != nil {
		panic(err)
	}
	for _, t := range txns {
		fmt.Println(t.CustomerID, t.At.Format(time.DateTime), t.Amount)
	}
	_, err = clv.ReadTransactions(strings.NewReader("K-1,2024-01-02,12.50\nK-1,2024-13-01,3\n"), nil)
	fmt.Println(err)
	// Output:
	// K-1 2024-01-02 00:00:00 12.5
	// K-1 2024-01-09 14:30:00 7.25
	// K-2 2024-01-03 00:00:00 40
	// clv.ReadTransactions: row 2: column 2 "2024-13-01" matches none of the layouts ["2006-01-02T15:04:05.999999999Z07:00" "2006-01-02 15:04:05" "2006-01-02"]: invalid input
}

// A refit after the log has grown starts from the previous model, and a
// fit can be cancelled (here by its own deadline) and followed as it runs.
func ExampleFitOptions_warmStart() {
	cs, _ := clv.SimulateBGNBDCustomers(clv.BGNBD{R: 0.24, Alpha: 4.4, A: 0.79, B: 2.4},
		clv.CustomerSimulationOptions{Customers: 3000, Period: 7 * 24 * time.Hour, Seed: 1})
	m, _, _ := clv.FitBGNBD(cs[:2900], nil)
	_, cold, _ := clv.FitBGNBD(cs, nil)
	fmt.Printf("cold refit: %d iterations\n", cold.Iterations)

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	steps := 0
	m2, fit2, err := clv.FitBGNBD(cs, &clv.FitOptions{
		Start:    []float64{m.R, m.Alpha, m.A, m.B},
		Context:  ctx,
		Progress: func(int, float64, time.Duration) { steps++ },
	})
	fmt.Printf("warm refit: %d iterations, %d progress calls, err %v\n", fit2.Iterations, steps, err)
	fmt.Printf("r=%.3f alpha=%.3f a=%.3f b=%.3f\n", m2.R, m2.Alpha, m2.A, m2.B)
	// Output:
	// cold refit: 7 iterations
	// warm refit: 2 iterations, 2 progress calls, err <nil>
	// r=0.275 alpha=5.728 a=0.825 b=2.710
}
