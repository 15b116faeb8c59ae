package clv_test

import (
	"fmt"
	"math"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat"

	"github.com/ltvgo/ltv/clv"
)

// Published parameter sets (MODELS.md §2 Pub, §3 Mb, §4 Pp, §7), in weeks.
var (
	simBGNBD  = clv.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	simMBGNBD = clv.MBGNBD{R: 0.52484, Alpha: 6.18299, A: 0.89136, B: 1.61400}
	simPareto = clv.ParetoNBD{R: 0.553, Alpha: 10.578, S: 0.606, Beta: 11.669}
	simSpend  = clv.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}
)

// must returns v, panicking on err (which fails the test): the
// simulations of the tests take valid settings, so an error is a bug.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// Closed forms of E[X(t)] written from MODELS.md §2, §3, §4 (the FHL and
// SMC forms with gonum's 2F1), independent of the package's model code.
func refExpectBGNBD(m clv.BGNBD, t float64) float64 {
	z := t / (m.Alpha + t)
	return (m.A + m.B - 1) / (m.A - 1) * (1 - math.Pow(m.Alpha/(m.Alpha+t), m.R)*mathext.Hypergeo(m.R, m.B, m.A+m.B-1, z))
}

func refExpectMBGNBD(m clv.MBGNBD, t float64) float64 {
	z := t / (m.Alpha + t)
	return m.B / (m.A - 1) * (1 - math.Pow(m.Alpha/(m.Alpha+t), m.R)*mathext.Hypergeo(m.R, m.B+1, m.A+m.B, z))
}

func refExpectPareto(m clv.ParetoNBD, t float64) float64 {
	return m.R * m.Beta / (m.Alpha * (m.S - 1)) * (1 - math.Pow(m.Beta/(m.Beta+t), m.S-1))
}

// The reference closed forms above reproduce the MODELS.md check values.
func TestExpectationReferences(t *testing.T) {
	// §2: E[X(39)], E[X(78)] at Pub.
	assert.InDelta(t, 1.196723193, refExpectBGNBD(simBGNBD, 39), 1e-9)
	assert.InDelta(t, 1.860519058, refExpectBGNBD(simBGNBD, 78), 1e-9)
	// §3: E[X(39)] at Mb.
	assert.InDelta(t, 1.182284128, refExpectMBGNBD(simMBGNBD, 39), 1e-9)
	// §4: E[X(1)], E[X(9)] at (0.55, 10.56, 0.61, 11.64), BTYD manual.
	bt := clv.ParetoNBD{R: 0.55, Alpha: 10.56, S: 0.61, Beta: 11.64}
	assert.InDelta(t, 0.0507782062, refExpectPareto(bt, 1), 1e-10)
	assert.InDelta(t, 0.3890921095, refExpectPareto(bt, 9), 1e-10)
}

// meanSE returns the sample mean of xs and its standard error.
func meanSE(xs []float64) (mean, se float64) {
	mean, sd := stat.MeanStdDev(xs, nil)
	return mean, sd / math.Sqrt(float64(len(xs)))
}

// The simulated logs have the moments of their models: with every first
// purchase on one day at a uniform time of day u, the repeat purchases of a
// customer in the log (rows − 1, no collapsing of days) have mean
// ∫₀¹ E[X((D+1−u)/7)] du over the D+1 observed days; the amounts have mean
// pγ/(q−1) (MODELS.md §7). Tolerance: 4 standard errors of the simulation.
func TestSimulateMoments(t *testing.T) {
	const n, days = 100_000, 272
	opt := clv.SimulationOptions{
		Customers: n,
		Start:     utcDay(1997, 1, 1),
		End:       utcDay(1997, 1, 1).AddDate(0, 0, days),
		Period:    weekly,
		Spend:     simSpend,
		Seed:      7,
	}
	tests := []struct {
		name     string
		simulate func() []clv.Transaction
		expect   func(t float64) float64
	}{
		{"BGNBD", func() []clv.Transaction { return must(clv.SimulateBGNBD(simBGNBD, opt)) }, func(t float64) float64 { return refExpectBGNBD(simBGNBD, t) }},
		{"MBGNBD", func() []clv.Transaction { return must(clv.SimulateMBGNBD(simMBGNBD, opt)) }, func(t float64) float64 { return refExpectMBGNBD(simMBGNBD, t) }},
		{"ParetoNBD", func() []clv.Transaction { return must(clv.SimulateParetoNBD(simPareto, opt)) }, func(t float64) float64 { return refExpectPareto(simPareto, t) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			txns := tt.simulate()
			rows := map[string]float64{}
			amounts := make([]float64, len(txns))
			stop := opt.End.AddDate(0, 0, 1)
			for i, tx := range txns {
				require.False(t, tx.At.Before(opt.Start), "row %d", i)
				require.True(t, tx.At.Before(stop), "row %d", i)
				rows[tx.CustomerID]++
				amounts[i] = tx.Amount
			}
			require.Len(t, rows, n)
			repeats := make([]float64, 0, n)
			for _, r := range rows {
				repeats = append(repeats, r-1)
			}
			// Midpoint rule over u with 200 nodes; E[X] is smooth in t.
			var want float64
			for k := range 200 {
				u := (float64(k) + 0.5) / 200
				want += tt.expect((days+1-u)/7) / 200
			}
			got, se := meanSE(repeats)
			t.Logf("mean repeats %.5f ± %.5f, model %.5f", got, se, want)
			assert.InDelta(t, want, got, 4*se, "mean repeat purchases")

			wantSpend := simSpend.P * simSpend.Gamma / (simSpend.Q - 1) // 35.218978, MODELS.md §7
			gotSpend, seSpend := meanSE(amounts)
			assert.InDelta(t, wantSpend, gotSpend, 4*seSpend, "mean amount")
		})
	}
}

// With Continuous, the direct generator gives the model's own data: the
// residuals x − E[X(T)] (closed forms above, MODELS.md §2–4) average 0
// within 4 standard errors, over ages of 1..78 weeks.
func TestSimulateCustomersContinuous(t *testing.T) {
	tests := []struct {
		name   string
		gen    func(clv.CustomerSimulationOptions) []clv.Customer
		expect func(t float64) float64
	}{
		{"BGNBD", func(o clv.CustomerSimulationOptions) []clv.Customer {
			return must(clv.SimulateBGNBDCustomers(simBGNBD, o))
		},
			func(t float64) float64 { return refExpectBGNBD(simBGNBD, t) }},
		{"MBGNBD", func(o clv.CustomerSimulationOptions) []clv.Customer {
			return must(clv.SimulateMBGNBDCustomers(simMBGNBD, o))
		},
			func(t float64) float64 { return refExpectMBGNBD(simMBGNBD, t) }},
		{"ParetoNBD", func(o clv.CustomerSimulationOptions) []clv.Customer {
			return must(clv.SimulateParetoNBDCustomers(simPareto, o))
		},
			func(t float64) float64 { return refExpectPareto(simPareto, t) }},
	}
	residuals := func(cs []clv.Customer, expect func(float64) float64) (mean, se float64) {
		res := make([]float64, len(cs))
		for i, c := range cs {
			res[i] = c.Frequency - expect(c.T)
		}
		return meanSE(res)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := clv.CustomerSimulationOptions{Customers: 200_000, Period: weekly, Seed: 9, Continuous: true}
			cs := tt.gen(opt)
			for _, c := range cs {
				require.LessOrEqual(t, c.Recency, c.T)
				require.Equal(t, c.Frequency == 0, c.Recency == 0)
			}
			mean, se := residuals(cs, tt.expect)
			t.Logf("continuous: mean x − E[X(T)] = %.5f ± %.5f", mean, se)
			assert.InDelta(t, 0, mean, 4*se)

		})
	}
}

// Summarize of a simulated log agrees with the direct customer generator
// at the same age (13 weeks): mean Frequency, Recency, share of x = 0 and
// mean Monetary, within 4 combined standard errors.
func TestSimulateCustomersMatchesLog(t *testing.T) {
	const weeks = 13
	start := utcDay(2020, 1, 1)
	txns := must(clv.SimulateBGNBD(simBGNBD, clv.SimulationOptions{
		Customers: 100_000, Start: start, End: start.AddDate(0, 0, 7*weeks),
		Period: weekly, Spend: simSpend, Seed: 3,
	}))
	fromLog, err := clv.Summarize(txns, clv.SummaryOptions{Period: weekly, End: start.AddDate(0, 0, 7*weeks)})
	require.NoError(t, err)
	require.Len(t, fromLog, 100_000)

	all := must(clv.SimulateBGNBDCustomers(simBGNBD, clv.CustomerSimulationOptions{
		Customers: 1_300_000, Weeks: weeks, Period: weekly, Spend: simSpend, Seed: 4,
	}))
	var direct []clv.Customer
	for _, c := range all {
		if c.T == weeks {
			direct = append(direct, c)
		}
	}
	require.Greater(t, len(direct), 90_000) // 1/13 of the rows, ≈ 100,000

	stats := func(cs []clv.Customer) (x, tx, zero, m []float64) {
		for _, c := range cs {
			x = append(x, c.Frequency)
			tx = append(tx, c.Recency)
			zero = append(zero, boolFloat(c.Frequency == 0))
			if c.Frequency > 0 {
				m = append(m, c.Monetary)
			}
		}
		return x, tx, zero, m
	}
	lx, ltx, lzero, lm := stats(fromLog)
	dx, dtx, dzero, dm := stats(direct)
	for _, q := range []struct {
		name     string
		log, dir []float64
	}{{"Frequency", lx, dx}, {"Recency", ltx, dtx}, {"share x=0", lzero, dzero}, {"Monetary", lm, dm}} {
		a, sa := meanSE(q.log)
		b, sb := meanSE(q.dir)
		t.Logf("%s: log %.5f ± %.5f, direct %.5f ± %.5f", q.name, a, sa, b, sb)
		assert.InDelta(t, a, b, 4*math.Hypot(sa, sb), q.name)
	}
}

func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// The direct generator's rows have the documented shape.
func TestSimulateCustomersShape(t *testing.T) {
	tests := []struct {
		name string
		gen  func(clv.CustomerSimulationOptions) []clv.Customer
	}{
		{"BGNBD", func(o clv.CustomerSimulationOptions) []clv.Customer {
			return must(clv.SimulateBGNBDCustomers(simBGNBD, o))
		}},
		{"MBGNBD", func(o clv.CustomerSimulationOptions) []clv.Customer {
			return must(clv.SimulateMBGNBDCustomers(simMBGNBD, o))
		}},
		{"ParetoNBD", func(o clv.CustomerSimulationOptions) []clv.Customer {
			return must(clv.SimulateParetoNBDCustomers(simPareto, o))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs := tt.gen(clv.CustomerSimulationOptions{Customers: 50_000, Period: weekly, Seed: 1})
			require.Len(t, cs, 50_000)
			ages := map[float64]bool{}
			for i, c := range cs {
				if i > 0 {
					require.Less(t, cs[i-1].ID, c.ID)
				}
				ages[c.T] = true
				require.Equal(t, math.Trunc(c.T), c.T, "T whole weeks")
				require.True(t, c.T >= 1 && c.T <= 78, "T in 1..78 weeks")
				txDays := c.Recency * 7
				require.InDelta(t, math.Round(txDays), txDays, 1e-9, "t_x whole days")
				require.LessOrEqual(t, c.Recency, c.T)
				require.LessOrEqual(t, c.Frequency, math.Round(txDays), "at most one occasion a day")
				if c.Frequency == 0 {
					require.Zero(t, c.Recency)
				}
				require.Zero(t, c.Monetary) // no Spend
			}
			require.Len(t, ages, 78)
		})
	}
}

func TestSimulateDeterministic(t *testing.T) {
	opt := clv.SimulationOptions{Customers: 2000, Start: utcDay(2020, 1, 1), AcquisitionDays: 90,
		End: utcDay(2021, 1, 1), Period: weekly, Spend: simSpend, Seed: 11}
	a := must(clv.SimulateParetoNBD(simPareto, opt))
	require.Equal(t, a, must(clv.SimulateParetoNBD(simPareto, opt)))
	opt.Seed++
	require.NotEqual(t, a, must(clv.SimulateParetoNBD(simPareto, opt)))

	copt := clv.CustomerSimulationOptions{Customers: 100_000, Period: weekly, Spend: simSpend, Seed: 5}
	c := must(clv.SimulateMBGNBDCustomers(simMBGNBD, copt))
	require.Equal(t, c, must(clv.SimulateMBGNBDCustomers(simMBGNBD, copt)))
	copt.Seed++
	require.NotEqual(t, c, must(clv.SimulateMBGNBDCustomers(simMBGNBD, copt)))
}

// TestSimulateErrors: a bad parameter or option (once a panic) is a
// *clv.DataError wrapping clv.ErrInvalid that names it, with Row -1, and no
// result.
func TestSimulateErrors(t *testing.T) {
	good := clv.SimulationOptions{Customers: 10, Start: utcDay(2020, 1, 1), End: utcDay(2020, 6, 1), Period: weekly}
	goodC := clv.CustomerSimulationOptions{Customers: 10, Period: weekly}
	bgbb := clv.BGBB{Alpha: 1.2, Beta: 0.75, Gamma: 0.66, Delta: 2.78}
	goodB := clv.BGBBSimulationOptions{Customers: 10, Opportunities: 6}
	sbg := clv.ShiftedBetaGeometric{Alpha: 0.7, Beta: 1.2}
	goodS := clv.CohortSimulationOptions{Size: 100, Periods: 5}
	with := func(f func(*clv.SimulationOptions)) clv.SimulationOptions { o := good; f(&o); return o }
	withC := func(f func(*clv.CustomerSimulationOptions)) clv.CustomerSimulationOptions {
		o := goodC
		f(&o)
		return o
	}
	run := func(out any, err error) (bool, error) { return reflect.ValueOf(out).IsNil(), err }
	for _, tc := range []struct {
		fn, field string
		call      func() (bool, error) // reports whether the result is nil
	}{
		{"clv.SimulateBGNBD", "BGNBD.R", func() (bool, error) { return run(clv.SimulateBGNBD(clv.BGNBD{R: -1, Alpha: 1, A: 1, B: 1}, good)) }},
		{"clv.SimulateMBGNBD", "MBGNBD.B", func() (bool, error) {
			return run(clv.SimulateMBGNBD(clv.MBGNBD{R: 1, Alpha: 1, A: 1, B: math.Inf(1)}, good))
		}},
		{"clv.SimulateParetoNBD", "ParetoNBD.Alpha", func() (bool, error) {
			return run(clv.SimulateParetoNBD(clv.ParetoNBD{R: 1, Alpha: math.NaN(), S: 1, Beta: 1}, good))
		}},
		{"clv.SimulateBGNBD", "SimulationOptions.Customers", func() (bool, error) {
			return run(clv.SimulateBGNBD(simBGNBD, with(func(o *clv.SimulationOptions) { o.Customers = 0 })))
		}},
		{"clv.SimulateBGNBD", "SimulationOptions.Period", func() (bool, error) {
			return run(clv.SimulateBGNBD(simBGNBD, with(func(o *clv.SimulationOptions) { o.Period = -weekly })))
		}},
		{"clv.SimulateBGNBD", "SimulationOptions.Start", func() (bool, error) {
			return run(clv.SimulateBGNBD(simBGNBD, with(func(o *clv.SimulationOptions) { o.Start = time.Time{} })))
		}},
		{"clv.SimulateMBGNBD", "SimulationOptions.End", func() (bool, error) {
			return run(clv.SimulateMBGNBD(simMBGNBD, with(func(o *clv.SimulationOptions) { o.End = time.Time{} })))
		}},
		{"clv.SimulateBGNBD", "SimulationOptions.AcquisitionDays", func() (bool, error) {
			return run(clv.SimulateBGNBD(simBGNBD, with(func(o *clv.SimulationOptions) { o.AcquisitionDays = 400 })))
		}},
		{"clv.SimulateParetoNBD", "SimulationOptions.AcquisitionDays", func() (bool, error) {
			return run(clv.SimulateParetoNBD(simPareto, with(func(o *clv.SimulationOptions) { o.AcquisitionDays = -1 })))
		}},
		{"clv.SimulateBGNBD", "SimulationOptions.Spend.Q", func() (bool, error) {
			return run(clv.SimulateBGNBD(simBGNBD, with(func(o *clv.SimulationOptions) { o.Spend = clv.GammaGamma{P: 1} })))
		}},
		{"clv.SimulateBGNBDCustomers", "CustomerSimulationOptions.Period", func() (bool, error) {
			return run(clv.SimulateBGNBDCustomers(simBGNBD, withC(func(o *clv.CustomerSimulationOptions) { o.Period = time.Hour })))
		}},
		{"clv.SimulateMBGNBDCustomers", "CustomerSimulationOptions.Weeks", func() (bool, error) {
			return run(clv.SimulateMBGNBDCustomers(simMBGNBD, withC(func(o *clv.CustomerSimulationOptions) { o.Weeks = -1 })))
		}},
		{"clv.SimulateParetoNBDCustomers", "CustomerSimulationOptions.Customers", func() (bool, error) {
			return run(clv.SimulateParetoNBDCustomers(simPareto, withC(func(o *clv.CustomerSimulationOptions) { o.Customers = -5 })))
		}},
		{"clv.SimulateParetoNBDCustomers", "ParetoNBD.S", func() (bool, error) {
			return run(clv.SimulateParetoNBDCustomers(clv.ParetoNBD{R: 1, Alpha: 1, Beta: 1}, goodC))
		}},
		{"clv.SimulateBGNBDCustomers", "CustomerSimulationOptions.Spend.Gamma", func() (bool, error) {
			return run(clv.SimulateBGNBDCustomers(simBGNBD, withC(func(o *clv.CustomerSimulationOptions) { o.Spend = clv.GammaGamma{P: 1, Q: 2, Gamma: -3} })))
		}},
		{"clv.SimulateBGBB", "BGBB.Alpha", func() (bool, error) { return run(clv.SimulateBGBB(clv.BGBB{}, goodB)) }},
		{"clv.SimulateBGBB", "BGBB.Delta", func() (bool, error) {
			return run(clv.SimulateBGBB(clv.BGBB{Alpha: 1, Beta: 1, Gamma: 1, Delta: math.Inf(1)}, goodB))
		}},
		{"clv.SimulateBGBB", "BGBBSimulationOptions.Customers", func() (bool, error) {
			return run(clv.SimulateBGBB(bgbb, clv.BGBBSimulationOptions{Customers: -1, Opportunities: 3}))
		}},
		{"clv.SimulateBGBB", "BGBBSimulationOptions.Opportunities", func() (bool, error) {
			return run(clv.SimulateBGBB(bgbb, clv.BGBBSimulationOptions{Customers: 1}))
		}},
		{"clv.SimulateBGBB", "BGBBSimulationOptions.Opportunities", func() (bool, error) {
			return run(clv.SimulateBGBB(bgbb, clv.BGBBSimulationOptions{Customers: 1, Opportunities: clv.MaxOpportunities + 1}))
		}},
		{"clv.SimulateShiftedBetaGeometric", "ShiftedBetaGeometric.Alpha", func() (bool, error) {
			return run(clv.SimulateShiftedBetaGeometric(clv.ShiftedBetaGeometric{}, goodS))
		}},
		{"clv.SimulateShiftedBetaGeometric", "CohortSimulationOptions.Size", func() (bool, error) {
			return run(clv.SimulateShiftedBetaGeometric(sbg, clv.CohortSimulationOptions{Size: -1, Periods: 3}))
		}},
		{"clv.SimulateShiftedBetaGeometric", "CohortSimulationOptions.Periods", func() (bool, error) {
			return run(clv.SimulateShiftedBetaGeometric(sbg, clv.CohortSimulationOptions{Size: 10}))
		}},
	} {
		t.Run(tc.fn+" "+tc.field, func(t *testing.T) {
			var isNil bool
			var err error
			require.NotPanics(t, func() { isNil, err = tc.call() })
			require.True(t, isNil, "a result with an error")
			require.ErrorIs(t, err, clv.ErrInvalid)
			var de *clv.DataError
			require.ErrorAs(t, err, &de)
			require.Equal(t, []any{tc.fn, -1, tc.field}, []any{de.Func, de.Row, de.Field}, "%v", err)
		})
	}
}

// summaryBenchEnd and summaryBenchLog make the Summarize benchmark data: a BG/NBD log at
// the CDNOW parameters, acquisitions over a quarter, 78 weeks observed,
// about 2.8 rows per customer, cut to n rows.
var summaryBenchEnd = utcDay(2020, 1, 1).AddDate(0, 0, 7*78)

func summaryBenchLog(n int) []clv.Transaction {
	txns := must(clv.SimulateBGNBD(simBGNBD, clv.SimulationOptions{
		Customers: n/2 + 1, Start: utcDay(2020, 1, 1), AcquisitionDays: 90, End: summaryBenchEnd,
		Period: weekly, Spend: simSpend, Seed: 1,
	}))
	if len(txns) < n {
		panic("benchLog: too few rows")
	}
	return txns[:n]
}

var sinkTxns []clv.Transaction

func BenchmarkSimulateBGNBD(b *testing.B) {
	for _, n := range []int{1e3, 1e4, 1e5, 1e6} {
		b.Run(fmt.Sprintf("customers=%.0e", float64(n)), func(b *testing.B) {
			opt := clv.SimulationOptions{Customers: n, Start: utcDay(2020, 1, 1), AcquisitionDays: 90,
				End: summaryBenchEnd, Period: weekly, Spend: simSpend, Seed: 1}
			b.ReportAllocs()
			for b.Loop() {
				sinkTxns = must(clv.SimulateBGNBD(simBGNBD, opt))
			}
		})
	}
}

func BenchmarkSimulateBGNBDCustomers(b *testing.B) {
	for _, n := range []int{1e3, 1e4, 1e5, 1e6, 1e7} {
		b.Run(fmt.Sprintf("customers=%.0e", float64(n)), func(b *testing.B) {
			if n > 1e6 && os.Getenv("LTV_BENCH_LARGE") != "1" {
				b.Skip("set LTV_BENCH_LARGE=1 for the 1e7 tier")
			}
			opt := clv.CustomerSimulationOptions{Customers: n, Period: weekly, Seed: 1}
			b.ReportAllocs()
			for b.Loop() {
				sinkCustomers = must(clv.SimulateBGNBDCustomers(simBGNBD, opt))
			}
		})
	}
}
