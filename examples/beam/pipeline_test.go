package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"github.com/ltvgo/ltv/clv"
)

// TestMain runs the pipelines on the Prism runner, in process.
func TestMain(m *testing.M) { ptest.Main(m) }

// The calibration end and settings of the tests.
var (
	testEnd = time.Date(1997, 9, 30, 0, 0, 0, 0, time.UTC)
	testCfg = Config{Header: "customer_id,date,amount", Period: 7 * 24 * time.Hour, End: testEnd, Model: ModelBGNBD,
		Horizon: 12, CashFlow: clv.Month, Discount: 0.01, Margin: 0.3, Level: 0.9, Shards: 3}
)

// simulatedLog draws a seeded log of n customers from the CDNOW BG/NBD
// and Gamma-Gamma estimates (Fader, Hardie & Lee 2005), about 2.8
// transactions each, running past testEnd so that the pipeline must drop
// the later ones.
func simulatedLog(t *testing.T, n int) []clv.Transaction {
	t.Helper()
	txns, err := clv.SimulateBGNBD(clv.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}, clv.SimulationOptions{
		Customers: n, Start: time.Date(1997, 1, 1, 0, 0, 0, 0, time.UTC), AcquisitionDays: 84,
		End: time.Date(1998, 6, 30, 0, 0, 0, 0, time.UTC), Period: 7 * 24 * time.Hour,
		Spend: clv.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}, Seed: 18,
	})
	if err != nil {
		t.Fatal(err)
	}
	return txns
}

// writeLog writes txns round-robin into files CSV files under dir, each
// with the header line, so every customer's purchases are spread over
// several files; extra lines are appended to the last file.
func writeLog(t *testing.T, dir string, txns []clv.Transaction, files int, extra ...string) {
	t.Helper()
	ws := make([]*bufio.Writer, files)
	fs := make([]*os.File, files)
	for i := range fs {
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("log-%d.csv", i)))
		if err != nil {
			t.Fatal(err)
		}
		fs[i], ws[i] = f, bufio.NewWriter(f)
		fmt.Fprintln(ws[i], testCfg.Header)
	}
	for i, x := range txns {
		fmt.Fprintf(ws[i%files], "%s,%s,%s\n", x.CustomerID, x.At.Format(time.RFC3339Nano), strconv.FormatFloat(x.Amount, 'g', -1, 64))
	}
	for _, line := range extra {
		fmt.Fprintln(ws[files-1], line)
	}
	for i := range fs {
		if err := ws[i].Flush(); err != nil {
			t.Fatal(err)
		}
		if err := fs[i].Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// readShards returns the records of every shard of an output, without
// their header lines.
func readShards(t *testing.T, prefix string) [][]string {
	t.Helper()
	names, err := filepath.Glob(prefix + "-*-of-*.csv")
	if err != nil {
		t.Fatal(err)
	}
	var out [][]string
	for _, name := range names {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out = append(out, recs[1:]...)
	}
	return out
}

// runPipeline writes txns and the extra lines into four files, runs the
// pipeline with cfg on them and returns its models and counters.
func runPipeline(t *testing.T, cfg *Config, txns []clv.Transaction, extra ...string) (models, map[string]int64) {
	t.Helper()
	dir := t.TempDir()
	writeLog(t, dir, txns, 4, extra...)
	cfg.Input = filepath.Join(dir, "log-*.csv")
	cfg.Output = filepath.Join(dir, "out") + string(filepath.Separator)
	if err := cfg.check(); err != nil {
		t.Fatal(err)
	}
	p, s := beam.NewPipelineWithRoot()
	Build(s, *cfg)
	start := time.Now()
	pr, err := ptest.RunWithMetrics(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("pipeline on %d transactions: %v", len(txns), time.Since(start))
	counters := map[string]int64{}
	for _, c := range pr.Metrics().AllMetrics().Counters() {
		counters[c.Key.Name] += c.Result()
	}
	data, err := os.ReadFile(cfg.Output + modelsName)
	if err != nil {
		t.Fatal(err)
	}
	var m models
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m, counters
}

// closeTo fails t unless got is want to a relative 1e-9.
func closeTo(t *testing.T, name string, got, want float64) {
	t.Helper()
	if !(rel(got, want) <= 1e-9) {
		t.Errorf("%s = %v, want %v (the library's fit)", name, got, want)
	}
}

// checkScores checks that the pipeline's score files hold exactly the
// summaries cs, clv.Score's numbers for them under the pipeline's models
// m, and clv.ScoreWithIntervals' bounds at cfg.Level.
func checkScores(t *testing.T, cfg Config, m models, cs []clv.Customer) {
	t.Helper()
	want, err := clv.Score(m.purchase(), m.Spend.Model, cs, cfg.valueOptions())
	if err != nil {
		t.Fatal(err)
	}
	pm, pf := m.purchaseFit()
	iv, _, err := clv.ScoreWithIntervals(pm, pf, m.Spend.Model, m.Spend.Fit, cs, cfg.valueOptions(), clv.IntervalOptions{Level: cfg.Level})
	if err != nil {
		t.Fatal(err)
	}
	rows := readShards(t, cfg.Output+scoresName)
	if len(rows) != len(cs) {
		t.Fatalf("%d score rows, want %d customers", len(rows), len(cs))
	}
	byID := map[string][]string{}
	for _, r := range rows {
		byID[r[0]] = r
	}
	for i, c := range cs {
		w, v := want[i], iv[i]
		wantRow := []string{c.ID, num(c.Frequency), num(c.Recency), num(c.T), num(c.Monetary),
			num(w.PAlive), num(w.Purchases), num(w.Spend), num(w.Value),
			num(v.PAlive.Lower), num(v.PAlive.Upper), num(v.Purchases.Lower), num(v.Purchases.Upper), num(v.Value.Lower), num(v.Value.Upper)}
		if r := byID[c.ID]; strings.Join(r, ",") != strings.Join(wantRow, ",") {
			t.Fatalf("customer %s: pipeline %v, want the library's %v", c.ID, r, wantRow)
		}
	}
}

// TestPipelineEqualsLibrary runs the pipeline on a simulated log of about
// 1e5 transactions in four files, with bad lines, and checks it against
// the library on one machine: summaries and scores bit for bit, the
// fitted parameters to 1e-9, and every bad line in the dead letters.
func TestPipelineEqualsLibrary(t *testing.T) {
	txns := simulatedLog(t, 36_000)
	if len(txns) < 90_000 || len(txns) > 120_000 {
		t.Fatalf("the simulation drew %d transactions, want about 1e5", len(txns))
	}
	bad := []string{
		"0042,1997-02-30,10",           // no such day
		",1997-03-01T10:00:00Z,5",      // no customer ID
		"0043,1997-03-01T10:00:00Z,-3", // a refund
		"0044,1997-03-01T10:00:00Z",    // a missing column
	}
	cfg := testCfg
	m, counters := runPipeline(t, &cfg, txns, bad...)
	if counters["transactions"] != int64(len(txns)) || counters["bad_lines"] != int64(len(bad)) {
		t.Errorf("counters %v, want %d transactions and %d bad lines", counters, len(txns), len(bad))
	}

	// The library on one machine.
	cs, err := clv.Summarize(txns, cfg.summaryOptions())
	if err != nil {
		t.Fatal(err)
	}
	fo := &clv.FitOptions{Period: cfg.Period}
	bg, bgFit, err := clv.FitBGNBD(cs, fo)
	if err != nil {
		t.Fatal(err)
	}
	gg, ggFit, err := clv.FitGammaGamma(cs, fo)
	if err != nil {
		t.Fatal(err)
	}

	// Models: the parameters to 1e-9 (the histogram's rows come in
	// another order than Summarize's customers). Fit.Fingerprint is not
	// compared: it identifies the rows a fit was given (the customers
	// here, the weighted histogram there).
	if m.BGNBD == nil || m.ParetoNBD != nil || m.Customers != len(cs) {
		t.Fatalf("models %+v, want a BG/NBD fitted on %d customers", m, len(cs))
	}
	got := m.BGNBD.Model
	closeTo(t, "R", got.R, bg.R)
	closeTo(t, "Alpha", got.Alpha, bg.Alpha)
	closeTo(t, "A", got.A, bg.A)
	closeTo(t, "B", got.B, bg.B)
	closeTo(t, "LogLikelihood", m.BGNBD.Fit.LogLikelihood, bgFit.LogLikelihood)
	closeTo(t, "P", m.Spend.Model.P, gg.P)
	closeTo(t, "Q", m.Spend.Model.Q, gg.Q)
	closeTo(t, "Gamma", m.Spend.Model.Gamma, gg.Gamma)
	closeTo(t, "spend LogLikelihood", m.Spend.Fit.LogLikelihood, ggFit.LogLikelihood)
	t.Logf("relative differences: R %.1e, Alpha %.1e, A %.1e, B %.1e, P %.1e, Q %.1e, Gamma %.1e",
		rel(got.R, bg.R), rel(got.Alpha, bg.Alpha), rel(got.A, bg.A), rel(got.B, bg.B),
		rel(m.Spend.Model.P, gg.P), rel(m.Spend.Model.Q, gg.Q), rel(m.Spend.Model.Gamma, gg.Gamma))

	checkScores(t, cfg, m, cs)

	dead := readShards(t, cfg.Output+deadLettersName)
	if len(dead) != len(bad) {
		t.Fatalf("dead letters %v, want the %d bad lines", dead, len(bad))
	}
	lines := map[string]string{}
	for _, d := range dead {
		if filepath.Base(d[0]) != "log-3.csv" || d[2] == "" {
			t.Errorf("dead letter %q: want the file log-3.csv and a reason", d)
		}
		lines[d[3]] = d[1]
	}
	wantField := map[string]string{bad[0]: "date", bad[1]: "customer_id", bad[2]: "amount", bad[3]: "amount"}
	for line, field := range wantField {
		if f, ok := lines[line]; !ok || f != field {
			t.Errorf("dead letter for %q: field %q (present %v), want %q", line, f, ok, field)
		}
	}
}

// TestPipelineParetoNBD checks the -model paretonbd path on a smaller log:
// the parameters are clv.FitParetoNBD's to 1e-9, and the scores are
// clv.Score's under the pipeline's models exactly.
func TestPipelineParetoNBD(t *testing.T) {
	txns := simulatedLog(t, 4_000)
	cfg := testCfg
	cfg.Model = ModelParetoNBD
	m, _ := runPipeline(t, &cfg, txns)
	cs, err := clv.Summarize(txns, cfg.summaryOptions())
	if err != nil {
		t.Fatal(err)
	}
	pn, _, err := clv.FitParetoNBD(cs, &clv.FitOptions{Period: cfg.Period})
	if err != nil {
		t.Fatal(err)
	}
	if m.ParetoNBD == nil || m.BGNBD != nil {
		t.Fatalf("models %+v, want a Pareto/NBD", m)
	}
	got := m.ParetoNBD.Model
	closeTo(t, "R", got.R, pn.R)
	closeTo(t, "Alpha", got.Alpha, pn.Alpha)
	closeTo(t, "S", got.S, pn.S)
	closeTo(t, "Beta", got.Beta, pn.Beta)
	checkScores(t, cfg, m, cs)
}

// rel is the relative difference of got from want.
func rel(got, want float64) float64 { return math.Abs(got-want) / math.Abs(want) }

// TestPipelineEmptyInput checks that a log with no valid transaction, and
// a glob that matches no file, fail with errors that say so.
func TestPipelineEmptyInput(t *testing.T) {
	dir := t.TempDir()
	writeLog(t, dir, nil, 2, "not,a,transaction")
	cfg := testCfg
	cfg.Input = filepath.Join(dir, "log-*.csv")
	cfg.Output = filepath.Join(dir, "out") + string(filepath.Separator)
	err := Run(context.Background(), cfg)
	if err == nil || !strings.Contains(err.Error(), "no customer to fit") || !strings.Contains(err.Error(), "1 lines rejected") {
		t.Errorf("empty log: error %v, want one saying there is no customer to fit and 1 line was rejected", err)
	}

	cfg.Input = filepath.Join(dir, "nothing-*.csv")
	if err := Run(context.Background(), cfg); !errors.Is(err, errNoInput) {
		t.Errorf("no input file: error %v, want errNoInput", err)
	}
}

// TestConfigCheck checks that bad settings fail before the pipeline runs,
// naming the setting.
func TestConfigCheck(t *testing.T) {
	for _, tc := range []struct {
		edit func(*Config)
		want string
	}{
		{func(c *Config) { c.Model = "bgbb" }, "model"},
		{func(c *Config) { c.Shards = 0 }, "shards"},
		{func(c *Config) { c.Period = 0 }, "Period"},
		{func(c *Config) { c.End = time.Time{} }, "End"},
		{func(c *Config) { c.Horizon = 0 }, "Horizon"},
		{func(c *Config) { c.Margin = 0 }, "Margin"},
		{func(c *Config) { c.Discount = -1 }, "Discount"},
		{func(c *Config) { c.Level = 1 }, "level"},
		{func(c *Config) { c.Header = "id,when,amount" }, "header"},
	} {
		cfg := testCfg
		cfg.Input, cfg.Output = "in", "out"
		tc.edit(&cfg)
		if err := cfg.check(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want one naming %s", cfg, err, tc.want)
		}
	}
}
