package resample_test

import (
	"fmt"

	"github.com/ltvgo/ltv/resample"
)

// The bootstrap of a mean spend over compressed rows: 3 customers spent
// 10, 5 spent 20 and 2 spent 60. The "refit" is the weighted mean of a
// replicate's customers. The SE matches the plug-in closed form
// sqrt(Σw(x−x̄)²)/N = sqrt(3250)/10 = 5.70.
func ExampleBootstrap() {
	spend := []float64{10, 20, 60}
	customers := []float64{3, 5, 2}
	mean := func(w []float64) (float64, error) {
		var s, n float64
		for i, x := range spend {
			s += w[i] * x
			n += w[i]
		}
		return s / n, nil
	}
	at, _ := mean(customers)
	res, err := resample.Bootstrap(at, customers, mean, func(m float64) []float64 { return []float64{m} },
		&resample.Options{Replicates: 2000, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	iv := res.Intervals[0]
	fmt.Printf("mean %.1f, SE %.1f, 90%% interval [%.1f, %.1f] from %d replicates\n", iv.Estimate, iv.StdErr, iv.Lower, iv.Upper, res.Replicates)
	// Output:
	// mean 25.0, SE 5.7, 90% interval [16.0, 35.0] from 2000 replicates
}
