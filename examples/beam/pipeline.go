package main

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/textio"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/log"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/transforms/stats"
	"github.com/ltvgo/ltv/clv"
)

// Config is what one run of the pipeline reads, fits and writes; main
// fills it from the flags.
type Config struct {
	Input  string // glob of the CSV transaction logs, on any Beam filesystem
	Output string // prefix of the output files
	// Header is the logs' header line: it names the columns (by the
	// names clv.CSVOptions looks for: customer_id, date, amount) and a
	// line equal to it is skipped, so each file may start with it.
	Header   string
	Period   time.Duration // the model's time unit
	End      time.Time     // end of the calibration period (its day included)
	Model    string        // "bgnbd" or "paretonbd"
	Horizon  int           // cash-flow periods to value
	CashFlow time.Duration // the cash-flow period (clv.Month by default)
	Discount float64       // discount rate per cash-flow period
	Margin   float64       // contribution per unit of revenue, in (0, 1]
	// Level is the level of the delta-method intervals of P(alive),
	// purchases and value (clv.ScoreWithIntervals); 0 means none.
	Level  float64
	Shards int // files per output (scores, dead letters)
}

// Purchase models the pipeline fits.
const (
	ModelBGNBD     = "bgnbd"
	ModelParetoNBD = "paretonbd"
)

// check validates the settings that the library would only reject on a
// worker, so a bad flag fails before the pipeline starts.
func (c Config) check() error {
	switch {
	case c.Input == "":
		return errors.New("the input glob is empty")
	case c.Output == "":
		return errors.New("the output prefix is empty")
	case c.Model != ModelBGNBD && c.Model != ModelParetoNBD:
		return fmt.Errorf("model %q: want %q or %q", c.Model, ModelBGNBD, ModelParetoNBD)
	case c.Shards < 1:
		return fmt.Errorf("shards is %d, want ≥ 1", c.Shards)
	case !(c.Level == 0 || c.Level > 0 && c.Level < 1):
		return fmt.Errorf("level is %v, want in (0, 1), or 0 for no intervals", c.Level)
	}
	if _, err := clv.ReadTransactions(strings.NewReader(c.Header+"\n"), &clv.CSVOptions{Header: clv.HeaderPresent}); err != nil && !errors.Is(err, clv.ErrEmpty) {
		return fmt.Errorf("header %q: %w", c.Header, err)
	}
	if _, _, err := (&clv.CustomerState{}).Customer(c.summaryOptions()); err != nil {
		return err
	}
	// The value options are checked on a model of the right unit.
	_, err := clv.Score(clv.BGNBD{R: 1, Alpha: 1, A: 1, B: 1, Period: c.Period}, clv.GammaGamma{P: 1, Q: 2, Gamma: 1},
		[]clv.Customer{{ID: "check"}}, c.valueOptions())
	return err
}

func (c Config) summaryOptions() clv.SummaryOptions {
	return clv.SummaryOptions{Period: c.Period, End: c.End}
}

func (c Config) valueOptions() clv.ValueOptions {
	return clv.ValueOptions{Period: c.Period, CashFlow: c.CashFlow, Horizon: c.Horizon, Discount: c.Discount, Margin: c.Margin}
}

// Output files, after Config.Output.
const (
	scoresName      = "scores"      // one CSV line per customer: summary and scores
	deadLettersName = "deadletters" // one CSV line per rejected input line
	modelsName      = "models.json" // the fitted models with their fit reports
)

// scoresHeader and deadLettersHeader head every shard of their outputs.
const (
	scoresHeader = "customer_id,frequency,recency,t,monetary,p_alive,expected_purchases,expected_spend,value," +
		"p_alive_lower,p_alive_upper,purchases_lower,purchases_upper,value_lower,value_upper"
	deadLettersHeader = "file,field,reason,line"
)

// Build adds the pipeline to s:
//
//	textio lines → parse (bad lines → dead letters)
//	→ CombinePerKey(customer ID, clv.CustomerState) → summary rows
//	→ histograms of (x, t_x, T) and (x, m̄) → fit on one worker
//	→ models as a side input → score each customer → sharded CSV
func Build(s beam.Scope, cfg Config) {
	lines := textio.ReadWithFilename(s, cfg.Input)
	txns, bad := beam.ParDo2(s, &parseFn{Header: cfg.Header}, lines)
	writeShards(s.Scope("deadletters"), cfg.Output+deadLettersName, deadLettersHeader, cfg.Shards, bad)

	states := beam.CombinePerKey(s, &stateFn{}, txns)
	customers := beam.ParDo(s, &summaryFn{Period: cfg.Period, EndUnix: cfg.End.Unix()}, states)

	purchaseHist := stats.Count(s, beam.ParDo(s, purchaseKey, customers))
	spendHist := stats.Count(s, beam.ParDo(s, spendKey, customers))
	badCount := stats.CountElms(s, bad)
	models := beam.ParDo(s, &fitFn{Model: cfg.Model, Period: cfg.Period}, beam.Impulse(s),
		beam.SideInput{Input: purchaseHist}, beam.SideInput{Input: spendHist}, beam.SideInput{Input: badCount})
	textio.Write(s, cfg.Output+modelsName, beam.ParDo(s, modelsJSON, models))

	opt := cfg.valueOptions()
	scores := beam.ParDo(s, &scoreFn{Period: opt.Period, CashFlow: opt.CashFlow, Horizon: opt.Horizon, Discount: opt.Discount, Margin: opt.Margin, Level: cfg.Level},
		customers, beam.SideInput{Input: models})
	writeShards(s.Scope("scores"), cfg.Output+scoresName, scoresHeader, cfg.Shards, scores)
}

func init() {
	register.DoFn5x1[context.Context, string, string, func(string, txn), func(string), error](&parseFn{})
	register.Emitter2[string, txn]()
	register.Emitter1[string]()
	register.Combiner2[*clv.CustomerState, txn](&stateFn{})
	register.DoFn3x1[string, *clv.CustomerState, func(clv.Customer), error](&summaryFn{})
	register.Emitter1[clv.Customer]()
	register.Function1x1(purchaseKey)
	register.Function2x0(spendKey)
	register.Emitter1[spendRow]()
	register.DoFn6x1[context.Context, []byte, func(*purchaseRow, *int) bool, func(*spendRow, *int) bool, func(*int) bool, func(models), error](&fitFn{})
	register.Iter2[purchaseRow, int]()
	register.Iter2[spendRow, int]()
	register.Iter1[int]()
	register.Emitter1[models]()
	register.Function1x2(modelsJSON)
	register.DoFn2x2[clv.Customer, models, string, error](&scoreFn{})
	register.DoFn1x2[string, int, string](&shardFn{})
	register.DoFn3x1[context.Context, int, func(*string) bool, error](&writeShardFn{})
	register.Iter1[string]()
	beam.RegisterCoder(reflect.TypeFor[txn](), encodeTxn, decodeTxn)
	beam.RegisterCoder(reflect.TypeFor[*clv.CustomerState](), encodeState, decodeState)
	beam.RegisterCoder(reflect.TypeFor[models](), encodeModels, decodeModels)
}

// txn is a clv.Transaction with a compact binary coder: the instant in
// Unix seconds and nanoseconds, so a time zone costs nothing on the wire
// (the summary rules number days in SummaryOptions.Location only).
type txn struct{ clv.Transaction }

func encodeTxn(t txn) []byte {
	b := binary.AppendVarint(nil, t.At.Unix())
	b = binary.AppendUvarint(b, uint64(t.At.Nanosecond()))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(t.Amount))
	return append(b, t.CustomerID...)
}

func decodeTxn(b []byte) (txn, error) {
	sec, n := binary.Varint(b)
	if n <= 0 {
		return txn{}, errors.New("txn: bad seconds")
	}
	b = b[n:]
	nsec, n := binary.Uvarint(b)
	if n <= 0 || len(b) < n+8 {
		return txn{}, errors.New("txn: bad nanoseconds or amount")
	}
	b = b[n:]
	amount := math.Float64frombits(binary.LittleEndian.Uint64(b))
	return txn{clv.Transaction{CustomerID: string(b[8:]), At: time.Unix(sec, int64(nsec)).UTC(), Amount: amount}}, nil
}

func encodeState(s *clv.CustomerState) ([]byte, error) { return s.MarshalBinary() }

func decodeState(b []byte) (*clv.CustomerState, error) {
	s := new(clv.CustomerState)
	return s, s.UnmarshalBinary(b)
}

// parseFn parses each line with the library's CSV reader, under the
// configured header, and sends a line it rejects to the dead letters with
// its file and the field and reason the reader gives.
type parseFn struct {
	Header string `json:"header"`

	head  []string
	lines beam.Counter
	bad   beam.Counter
}

func (f *parseFn) Setup() {
	f.head = splitHeader(f.Header)
	f.lines = beam.NewCounter("ltv", "transactions")
	f.bad = beam.NewCounter("ltv", "bad_lines")
}

// splitHeader returns the fields of a header line, trimmed and lower-cased
// as clv.CSVOptions matches column names.
func splitHeader(line string) []string {
	fields := strings.Split(line, ",")
	for i, f := range fields {
		fields[i] = strings.ToLower(strings.TrimSpace(f))
	}
	return fields
}

func (f *parseFn) ProcessElement(ctx context.Context, file, line string, emit func(string, txn), dead func(string)) error {
	if strings.TrimSpace(line) == "" || slices.Equal(splitHeader(line), f.head) {
		return nil
	}
	// A textio line holds no line end, so it is one CSV record (an open
	// quote is an error): ReadTransactions returns one transaction or an
	// error.
	txns, err := clv.ReadTransactions(strings.NewReader(f.Header+"\n"+line), &clv.CSVOptions{Header: clv.HeaderPresent})
	if err != nil {
		field, reason := "", err.Error()
		if de := (*clv.DataError)(nil); errors.As(err, &de) {
			field, reason = de.Field, de.Reason
		}
		f.bad.Inc(ctx, 1)
		dead(csvLine(file, field, reason, line))
		return nil
	}
	f.lines.Inc(ctx, 1)
	emit(txns[0].CustomerID, txn{txns[0]})
	return nil
}

// csvLine returns fields as one CSV record without its line end.
func csvLine(fields ...string) string {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write(fields) // writes to a bytes.Buffer do not fail
	w.Flush()
	return strings.TrimSuffix(b.String(), "\n")
}

// stateFn builds each customer's clv.CustomerState: the library's
// mergeable state is the accumulator, so the runner may combine partial
// states on any worker in any order (Merge is associative and
// commutative) and the summary equals clv.Summarize's bit for bit.
type stateFn struct{}

func (stateFn) CreateAccumulator() *clv.CustomerState { return new(clv.CustomerState) }

func (stateFn) AddInput(s *clv.CustomerState, t txn) (*clv.CustomerState, error) {
	return s, s.Add(t.Transaction)
}

func (stateFn) MergeAccumulators(a, b *clv.CustomerState) (*clv.CustomerState, error) {
	return a, a.Merge(b)
}

// summaryFn turns each customer's state into the summary row as of End;
// a customer whose first purchase is after End has none.
type summaryFn struct {
	Period  time.Duration `json:"period"`
	EndUnix int64         `json:"end_unix"`
}

func (f *summaryFn) ProcessElement(_ string, s *clv.CustomerState, emit func(clv.Customer)) error {
	c, ok, err := s.Customer(clv.SummaryOptions{Period: f.Period, End: time.Unix(f.EndUnix, 0).UTC()})
	if ok {
		emit(c)
	}
	return err
}

// purchaseRow and spendRow are the keys of the two histograms: a purchase
// model's likelihood reads (x, t_x, T) only, Gamma-Gamma's (x, m̄) only.
type (
	purchaseRow struct{ X, Tx, T float64 }
	spendRow    struct{ X, M float64 }
)

func purchaseKey(c clv.Customer) purchaseRow { return purchaseRow{c.Frequency, c.Recency, c.T} }

// spendKey keys the customers with repeat purchases, the ones
// Gamma-Gamma is fitted to.
func spendKey(c clv.Customer, emit func(spendRow)) {
	if c.Frequency > 0 {
		emit(spendRow{c.Frequency, c.Monetary})
	}
}

// models are the fitted models, the side input of the scoring step and
// the content of the models file (clv's saved forms, with the fits).
type models struct {
	BGNBD     *clv.Fitted[clv.BGNBD]     `json:"bgnbd,omitempty"`
	ParetoNBD *clv.Fitted[clv.ParetoNBD] `json:"paretonbd,omitempty"`
	Spend     clv.Fitted[clv.GammaGamma] `json:"spend"`
	// Customers and Rows count the summaries and the histogram rows the
	// purchase model was fitted on.
	Customers int `json:"customers"`
	Rows      int `json:"rows"`
}

// purchase returns the fitted purchase model.
func (m models) purchase() clv.PurchaseModel {
	pm, _ := m.purchaseFit()
	return pm
}

// purchaseFit returns the fitted purchase model and its fit.
func (m models) purchaseFit() (clv.PurchaseModel, clv.Fit) {
	if m.ParetoNBD != nil {
		return m.ParetoNBD.Model, m.ParetoNBD.Fit
	}
	return m.BGNBD.Model, m.BGNBD.Fit
}

func encodeModels(m models) ([]byte, error) { return json.Marshal(m) }

func decodeModels(b []byte) (models, error) {
	var m models
	return m, json.Unmarshal(b, &m)
}

func modelsJSON(m models) (string, error) {
	b, err := json.MarshalIndent(m, "", "  ")
	return string(b), err
}

// fitFn fits the purchase model and Gamma-Gamma on one worker, from the
// histograms (Customer.Weight is the count of identical rows). The rows
// are sorted first, so the fit does not depend on the order the runner
// delivers them in.
type fitFn struct {
	Model  string        `json:"model"`
	Period time.Duration `json:"period"`
}

func (f *fitFn) ProcessElement(ctx context.Context, _ []byte, purchases func(*purchaseRow, *int) bool,
	spends func(*spendRow, *int) bool, bad func(*int) bool, emit func(models)) error {
	var cs []clv.Customer
	var m models
	var r purchaseRow
	var n int
	for purchases(&r, &n) {
		cs = append(cs, clv.Customer{Frequency: r.X, Recency: r.Tx, T: r.T, Weight: float64(n)})
		m.Customers += n
	}
	if len(cs) == 0 {
		var rejected, k int
		for bad(&k) {
			rejected += k
		}
		return fmt.Errorf("no customer to fit: the input holds no valid transaction on or before the calibration end (%d lines rejected, see the %s output)", rejected, deadLettersName)
	}
	m.Rows = len(cs)
	slices.SortFunc(cs, func(a, b clv.Customer) int {
		return cmp.Or(cmp.Compare(a.Frequency, b.Frequency), cmp.Compare(a.Recency, b.Recency), cmp.Compare(a.T, b.T))
	})
	opt := &clv.FitOptions{Period: f.Period}
	var err error
	if f.Model == ModelParetoNBD {
		var fitted clv.Fitted[clv.ParetoNBD]
		fitted.Model, fitted.Fit, err = clv.FitParetoNBD(cs, opt)
		m.ParetoNBD = &fitted
	} else {
		var fitted clv.Fitted[clv.BGNBD]
		fitted.Model, fitted.Fit, err = clv.FitBGNBD(cs, opt)
		m.BGNBD = &fitted
	}
	if err = usable(ctx, err); err != nil {
		return fmt.Errorf("fitting the %s model to %d histogram rows: %w", f.Model, len(cs), err)
	}

	var ss []clv.Customer
	var sr spendRow
	for spends(&sr, &n) {
		ss = append(ss, clv.Customer{Frequency: sr.X, Monetary: sr.M, Weight: float64(n)})
	}
	slices.SortFunc(ss, func(a, b clv.Customer) int {
		return cmp.Or(cmp.Compare(a.Frequency, b.Frequency), cmp.Compare(a.Monetary, b.Monetary))
	})
	m.Spend.Model, m.Spend.Fit, err = clv.FitGammaGamma(ss, opt)
	if err = usable(ctx, err); err != nil {
		return fmt.Errorf("fitting Gamma-Gamma to %d histogram rows: %w", len(ss), err)
	}
	emit(m)
	return nil
}

// usable returns err unless it only reports a fit at a boundary of the
// parameter space, whose model the library documents as safe to predict
// with: that is logged.
func usable(ctx context.Context, err error) error {
	if be := (*clv.BoundaryError)(nil); errors.As(err, &be) && !errors.Is(err, clv.ErrNotConverged) {
		log.Warnf(ctx, "%v", err)
		return nil
	}
	return err
}

// scoreFn scores each customer with clv.Score under the models of the
// side input, and with Level > 0 takes the intervals of
// clv.ScoreWithIntervals (delta method, from the fits' covariances), and
// writes the summary and the scores as one CSV line (empty interval
// fields without Level). Both compute each customer on its own, so one
// customer at a time gives the same numbers as a call on all of them.
type scoreFn struct {
	Period   time.Duration `json:"period"`
	CashFlow time.Duration `json:"cash_flow"`
	Horizon  int           `json:"horizon"`
	Discount float64       `json:"discount"`
	Margin   float64       `json:"margin"`
	Level    float64       `json:"level"`
}

func (f *scoreFn) ProcessElement(c clv.Customer, m models) (string, error) {
	opt := clv.ValueOptions{Period: f.Period, CashFlow: f.CashFlow, Horizon: f.Horizon, Discount: f.Discount, Margin: f.Margin}
	scores, err := clv.Score(m.purchase(), m.Spend.Model, []clv.Customer{c}, opt)
	if err != nil {
		return "", fmt.Errorf("customer %q: %w", c.ID, err)
	}
	s := scores[0]
	fields := []string{c.ID, num(c.Frequency), num(c.Recency), num(c.T), num(c.Monetary),
		num(s.PAlive), num(s.Purchases), num(s.Spend), num(s.Value), "", "", "", "", "", ""}
	if f.Level > 0 {
		pm, pf := m.purchaseFit()
		iv, _, err := clv.ScoreWithIntervals(pm, pf, m.Spend.Model, m.Spend.Fit, []clv.Customer{c}, opt,
			clv.IntervalOptions{Level: f.Level, Method: clv.DeltaMethod})
		if err != nil {
			return "", fmt.Errorf("customer %q: intervals (level 0 turns them off): %w", c.ID, err)
		}
		i := iv[0]
		copy(fields[9:], []string{num(i.PAlive.Lower), num(i.PAlive.Upper), num(i.Purchases.Lower), num(i.Purchases.Upper),
			num(i.Value.Lower), num(i.Value.Upper)})
	}
	return csvLine(fields...), nil
}

// num formats v in the fewest digits that read back to the same float64.
func num(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// writeShards writes lines to shards files named prefix-SSSSS-of-NNNNN.csv,
// each starting with header; a line's shard is a hash of the line, and a
// shard with no line has no file. Unlike textio.Write, which sends every
// line to one worker, the shards are written in parallel.
func writeShards(s beam.Scope, prefix, header string, shards int, lines beam.PCollection) {
	keyed := beam.ParDo(s, &shardFn{Shards: shards}, lines)
	beam.ParDo0(s, &writeShardFn{Prefix: prefix, Header: header, Shards: shards}, beam.GroupByKey(s, keyed))
}

type shardFn struct {
	Shards int `json:"shards"`
}

func (f *shardFn) ProcessElement(line string) (int, string) {
	h := fnv.New32a()
	h.Write([]byte(line))
	return int(h.Sum32() % uint32(f.Shards)), line
}

type writeShardFn struct {
	Prefix string `json:"prefix"`
	Header string `json:"header"`
	Shards int    `json:"shards"`
}

// shardName is the file of shard i of n.
func shardName(prefix string, i, n int) string {
	return fmt.Sprintf("%s-%05d-of-%05d.csv", prefix, i, n)
}

func (f *writeShardFn) ProcessElement(ctx context.Context, shard int, lines func(*string) bool) (err error) {
	name := shardName(f.Prefix, shard, f.Shards)
	fs, err := filesystem.New(ctx, name)
	if err != nil {
		return err
	}
	defer fs.Close()
	wc, err := fs.OpenWrite(ctx, name)
	if err != nil {
		return err
	}
	defer func() { err = cmp.Or(err, wc.Close()) }()
	w := bufio.NewWriter(wc)
	fmt.Fprintln(w, f.Header)
	var line string
	for lines(&line) {
		fmt.Fprintln(w, line)
	}
	return w.Flush()
}
