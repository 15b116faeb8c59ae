package clv_test

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/clv"
)

// benchSizes returns the benchmark tiers; those above 1e6 only with
// LTV_BENCH_LARGE=1.
func benchSizes() []int {
	sizes := []int{1e3, 1e4, 1e5, 1e6}
	if os.Getenv("LTV_BENCH_LARGE") == "1" {
		sizes = append(sizes, 1e7)
	}
	return sizes
}

// simulatedBase is a CDNOW-like base: T whole weeks 1..78, t_x whole days
// (issue 2's benchmark population), at the published BG/NBD parameters.
func simulatedBase(n int, seed uint64) []clv.Customer {
	return must(clv.SimulateBGNBDCustomers(bgPub, clv.CustomerSimulationOptions{
		Customers: n, Weeks: 78, Period: week, Spend: ggPub, Seed: seed,
	}))
}

func TestFitBGNBDRecovery(t *testing.T) {
	// Seeded simulation at the published parameters, with exact
	// (continuous) times: every estimate within 3 standard errors of the
	// truth. (Day-rounded summaries drop same-day repeat purchases, which
	// biases α by ~5% at this size: not a sample of the model.)
	cs := must(clv.SimulateBGNBDCustomers(bgPub, clv.CustomerSimulationOptions{
		Customers: 100_000, Period: week, Seed: 1, Continuous: true,
	}))
	m, fit, err := clv.FitBGNBD(cs, nil)
	require.NoError(t, err)
	truth := []float64{bgPub.R, bgPub.Alpha, bgPub.A, bgPub.B}
	got := []float64{m.R, m.Alpha, m.A, m.B}
	for j := range truth {
		assert.InDelta(t, truth[j], got[j], 3*fit.StdErr[j], "param %d (se %v)", j, fit.StdErr[j])
	}
}

func TestFitMBGNBDRecovery(t *testing.T) {
	truth := clv.MBGNBD{R: 0.52484, Alpha: 6.18299, A: 0.89136, B: 1.61400}
	cs := must(clv.SimulateMBGNBDCustomers(truth, clv.CustomerSimulationOptions{Customers: 100_000, Period: week, Seed: 2, Continuous: true}))
	m, fit, err := clv.FitMBGNBD(cs, nil)
	require.NoError(t, err)
	want := []float64{truth.R, truth.Alpha, truth.A, truth.B}
	got := []float64{m.R, m.Alpha, m.A, m.B}
	for j := range want {
		assert.InDelta(t, want[j], got[j], 3*fit.StdErr[j], "param %d", j)
	}
}

func TestFitGammaGammaRecovery(t *testing.T) {
	cs := must(clv.SimulateBGNBDCustomers(bgPub, clv.CustomerSimulationOptions{
		Customers: 50_000, Period: week, Spend: ggPub, Seed: 3, Continuous: true,
	}))
	m, fit, err := clv.FitGammaGamma(cs, nil)
	require.NoError(t, err)
	want := []float64{ggPub.P, ggPub.Q, ggPub.Gamma}
	got := []float64{m.P, m.Q, m.Gamma}
	for j := range want {
		assert.InDelta(t, want[j], got[j], 3*fit.StdErr[j], "param %d", j)
	}
}

func BenchmarkFitBGNBD(b *testing.B) {
	for _, n := range benchSizes() {
		cs := simulatedBase(n, 7)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := clv.FitBGNBD(cs, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFitBGNBDContinuous fits exact (continuous) times, where nearly
// every customer with a repeat purchase is a distinct row: 1e7 customers
// make ~3.9e6 rows (issue 17's target: ≤ 2 s).
func BenchmarkFitBGNBDContinuous(b *testing.B) {
	for _, n := range benchSizes()[2:] {
		cs := must(clv.SimulateBGNBDCustomers(bgPub, clv.CustomerSimulationOptions{
			Customers: n, Period: week, Spend: ggPub, Seed: 7, Continuous: true,
		}))
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := clv.FitBGNBD(cs, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFitGammaGamma fits simulated bases of n customers (about 38%
// of them repeat buyers, the rows the fit uses) and, as issue 17's target,
// 1e6 repeat buyers: bench/gammagamma's data set, which it times against
// scipy.
func BenchmarkFitGammaGamma(b *testing.B) {
	run := func(name string, cs []clv.Customer) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := clv.FitGammaGamma(cs, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	for _, n := range []int{1e3, 1e5} {
		run(fmt.Sprint(n), simulatedBase(n, 8))
	}
	run("repeat=1000000", repeatBuyers(1_000_000, 8))
}

// repeatBuyers returns the first n customers with a repeat purchase of
// simulatedBase(3n, seed), bench/gammagamma's data set.
func repeatBuyers(n int, seed uint64) []clv.Customer {
	var out []clv.Customer
	for _, c := range simulatedBase(3*n, seed) {
		if c.Frequency > 0 && len(out) < n {
			out = append(out, c)
		}
	}
	return out
}

// BenchmarkScore is issue 2's scoring target: P(alive), expected
// purchases and 12-month value for every customer.
func BenchmarkScore(b *testing.B) {
	for _, n := range []int{1e3, 1e5, 1e6} {
		cs := simulatedBase(n, 9)
		opt := clv.ValueOptions{Period: week, Horizon: 12, Discount: 0.01, Margin: 1}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := clv.Score(bgPub, ggPub, cs, opt); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPipeline is issue 17's whole pipeline on a transaction log of n
// rows (BenchmarkSummarize's, ~2 rows per customer): Summarize, FitBGNBD,
// FitGammaGamma and the 12-month Score, reporting each stage's seconds
// per run (the 1e7 tier with LTV_BENCH_LARGE=1; bench/pipeline compares it
// with pandas + scipy).
func BenchmarkPipeline(b *testing.B) {
	for _, n := range benchSizes()[2:] {
		txns := summaryBenchLog(n)
		b.Run(fmt.Sprintf("txns=%.0e", float64(n)), func(b *testing.B) {
			var stages [4]time.Duration
			b.ReportAllocs()
			for b.Loop() {
				t0 := time.Now()
				cs := must(clv.Summarize(txns, clv.SummaryOptions{Period: weekly, End: summaryBenchEnd}))
				t1 := time.Now()
				bg, _, err := clv.FitBGNBD(cs, &clv.FitOptions{Period: weekly})
				if err != nil {
					b.Fatal(err)
				}
				t2 := time.Now()
				gg, _, err := clv.FitGammaGamma(cs, nil)
				if err != nil {
					b.Fatal(err)
				}
				t3 := time.Now()
				sinkScores = must(clv.Score(bg, gg, cs, clv.ValueOptions{Horizon: 12, Discount: 0.01, Margin: 1}))
				for j, d := range []time.Duration{t1.Sub(t0), t2.Sub(t1), t3.Sub(t2), time.Since(t3)} {
					stages[j] += d
				}
			}
			for j, name := range []string{"summary-s/op", "bgnbd-s/op", "gammagamma-s/op", "value-s/op"} {
				b.ReportMetric(stages[j].Seconds()/float64(b.N), name)
			}
		})
	}
}

// BenchmarkFingerprint hashes the summary every fit records in
// Fit.Fingerprint.
func BenchmarkFingerprint(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprintf("customers=%d", n), func(b *testing.B) {
			cs := must(clv.SimulateBGNBDCustomers(bgPub, clv.CustomerSimulationOptions{Customers: n, Period: week, Spend: ggPub, Seed: 1, Continuous: true}))
			b.ReportAllocs()
			for b.Loop() {
				clv.Fingerprint(cs)
			}
		})
	}
}

// sinkScores keeps BenchmarkPipeline's scores alive.
var sinkScores []clv.CustomerScore
