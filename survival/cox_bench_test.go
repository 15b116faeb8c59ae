package survival_test

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"testing"

	"github.com/ltvgo/ltv/survival"
)

// coxBenchBeta are the coefficients of the benchmark data: 10 columns,
// binary and normal in turn.
var coxBenchBeta = []float64{0.4, -0.3, 0.2, 0.1, -0.5, 0.3, 0, -0.2, 0.25, 0.15}

// coxBenchData is n rows of the benchmark: whole-day times, so that many
// events are tied (Efron's sums matter), seeded.
func coxBenchData(n int) ([]survival.Observation, [][]float64) {
	return simulateCox(n, coxBenchBeta, true, 2026)
}

// BenchmarkFitCox: FitCox with Efron ties (and everything it computes: the
// concordance, the baselines; not the PH test, which waits for PHTest, as
// R's coxph leaves it to cox.zph) on n rows × 10 covariates.
// bench/cox/run.sh times R's coxph on the same data.
func BenchmarkFitCox(b *testing.B) {
	for _, n := range []int{1e3, 1e4, 1e5, 1e6} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			obs, x := coxBenchData(n)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := survival.FitCox(obs, x, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFitCoxTies: the tie rules and a robust fit at 1e5 rows.
func BenchmarkFitCoxTies(b *testing.B) {
	obs, x := coxBenchData(1e5)
	for _, tc := range []struct {
		name string
		opt  survival.CoxOptions
	}{
		{"breslow", survival.CoxOptions{Ties: survival.Breslow}},
		{"efron", survival.CoxOptions{}},
		{"efron-robust", survival.CoxOptions{Robust: true}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := survival.FitCox(obs, x, &tc.opt); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkConcordance: Harrell's C with its standard error.
func BenchmarkConcordance(b *testing.B) {
	for _, n := range []int{1e3, 1e4, 1e5, 1e6} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			obs, x := coxBenchData(n)
			risk := make([]float64, n)
			for i, r := range x {
				for j, v := range r {
					risk[i] += coxBenchBeta[j] * v
				}
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := survival.Concordance(obs, risk, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestWriteCoxBenchCSV writes the benchmark's data to the file named by
// LTV_COX_BENCH_CSV (rows from LTV_COX_BENCH_N, default 1e6) for
// bench/cox/run.sh; it is skipped otherwise.
func TestWriteCoxBenchCSV(t *testing.T) {
	path := os.Getenv("LTV_COX_BENCH_CSV")
	if path == "" {
		t.Skip("set LTV_COX_BENCH_CSV to write the benchmark data")
	}
	n := 1_000_000
	if s := os.Getenv("LTV_COX_BENCH_N"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			t.Fatal(err)
		}
	}
	obs, x := coxBenchData(n)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprint(w, "time,event")
	for j := range coxBenchBeta {
		fmt.Fprintf(w, ",x%d", j)
	}
	fmt.Fprintln(w)
	for i, o := range obs {
		ev := 0
		if o.Event {
			ev = 1
		}
		fmt.Fprintf(w, "%s,%d", strconv.FormatFloat(o.Time, 'g', -1, 64), ev)
		for _, v := range x[i] {
			fmt.Fprintf(w, ",%s", strconv.FormatFloat(v, 'g', -1, 64))
		}
		fmt.Fprintln(w)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}
