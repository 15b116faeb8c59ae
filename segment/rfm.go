package segment

import (
	"math"
	"slices"
	"time"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/internal/fault"
	"github.com/ltvgo/ltv/internal/txlog"
)

// RFM is one customer's recency, frequency and monetary values with their
// scores.
//
// SinceLast is the RFM recency: calendar days from the last purchase to the
// analysis date. It is not the BTYD recency clv.Customer.Recency (first to
// last purchase); at the same end date SinceLast = T − Recency in days.
type RFM struct {
	CustomerID string
	SinceLast  int     // days from the last purchase to the analysis date, ≥ 0
	Frequency  int     // purchase occasions (distinct days) or orders (rows), ≥ 1; see FrequencyBasis
	Monetary   float64 // total or mean spend, currency; see MonetaryBasis
	Revenue    float64 // total spend, currency, whatever MonetaryBasis says
	R, F, M    int     // scores 1..n; R is reversed so that n is the most recent
}

// FM returns the combined frequency-monetary score ⌊(F + M)/2⌋, the mean of
// F and M rounded down, which ElevenSegments uses.
func (c RFM) FM() int { return (c.F + c.M) / 2 }

// FrequencyBasis says what RFM frequency counts.
type FrequencyBasis int

const (
	// Occasions counts purchase occasions: all of a customer's rows on one
	// calendar day are one occasion (BTYD, lifetimes).
	Occasions FrequencyBasis = iota
	// Orders counts rows: two orders on one day count twice.
	Orders
)

// MonetaryBasis says what RFM monetary measures.
type MonetaryBasis int

const (
	// TotalSpend is the sum of all amounts up to the analysis date.
	TotalSpend MonetaryBasis = iota
	// MeanSpend is TotalSpend / Frequency: the mean per occasion or per
	// order, as FrequencyBasis counts. The first purchase is included
	// (unlike the Gamma-Gamma mean repeat spend of clv.Customer).
	MeanSpend
)

// Scoring is the rule that turns values into scores 1..n.
type Scoring int

const (
	// ByQuantile scores against the type-7 quantiles of the customers'
	// values at k/n, k = 1..n−1 (numpy/pandas "linear", R quantile type 7).
	// Tied values always share a score; tied edges leave scores empty.
	ByQuantile Scoring = iota
	// ByEqualCount ranks the customers (ties broken by CustomerID, ascending)
	// and cuts the ranking into n groups whose sizes differ by at most one,
	// the larger groups first (SQL NTILE). Tied values may get different
	// scores; the result does not depend on the order of the input.
	ByEqualCount
	// ByEdges scores against caller-given edges
	// (Options.RecencyEdges, FrequencyEdges, MonetaryEdges).
	ByEdges
)

// MaxScores bounds Options.Scores: a thousand score levels is finer than
// per-mille ranks, and each level costs memory and a pass.
const MaxScores = 1000

// Options tune Compute and Score. A nil *Options means the defaults.
type Options struct {
	// Location is the calendar in which days are counted (default UTC): a
	// purchase belongs to the civil date of its time in Location.
	Location *time.Location
	// Frequency: Occasions (default) or Orders.
	Frequency FrequencyBasis
	// Monetary: TotalSpend (default) or MeanSpend.
	Monetary MonetaryBasis
	// Scores is n, the number of score levels (default 5). With ByEdges
	// each edge list must hold n−1 values.
	Scores int // at most MaxScores
	// Scoring: ByQuantile (default), ByEqualCount or ByEdges.
	Scoring Scoring
	// RecencyEdges, FrequencyEdges and MonetaryEdges are the n−1
	// non-decreasing, finite edges of ByEdges, in days, purchases and
	// currency. They are read, never kept or modified.
	RecencyEdges, FrequencyEdges, MonetaryEdges []float64
}

// Scale records how one measure was scored.
type Scale struct {
	// Edges are the n−1 non-decreasing edges e_1..e_{n−1} in the measure's
	// units (for recency, days since the last purchase) under ByQuantile and
	// ByEdges; nil under ByEqualCount. A value v gets the score
	//   1 + #{k : e_k < v}   for frequency and monetary,
	//   n − #{k : e_k < d}   for recency d,
	// so a value equal to an edge goes to the lower bin of that measure:
	// v ≤ e_1 scores 1 (recency: n), e_{k−1} < v ≤ e_k scores k.
	Edges []float64
	// Bins has one entry per score 1..n, in order.
	Bins []Bin
}

// Bin describes the customers who got one score.
type Bin struct {
	Score     int
	Customers int
	Min, Max  float64 // smallest and largest value in the bin; NaN when the bin is empty
}

// Result is what Compute and Score return.
type Result struct {
	Customers                    []RFM // one row per customer
	Recency, Frequency, Monetary Scale
}

// Compute aggregates txns into one RFM row per customer at the analysis
// date at, and scores the rows as Score does.
//
// Days are civil dates in opt.Location (default UTC), the date of at too.
// A transaction dated after the date of at is ignored; the whole date of at
// is included. SinceLast is the number of days from the last purchase date
// to the date of at. Customers appear in the order of their first transaction in txns that
// is not ignored.
//
// Every transaction is checked, also the ignored ones, by the rules clv,
// churn and cohort share. Compute returns a *clv.DataError wrapping
// clv.ErrInvalid, naming the first bad row and field, for an empty
// CustomerID, an At that is the zero Time or outside years 1..9999 UTC, or
// an Amount that is NaN, negative or above 1e290; also for an at that is
// zero or outside years 1..9999, or options out of their domain; and one
// wrapping clv.ErrEmpty when txns is empty or at is before every
// transaction. txns is not modified or kept.
func Compute(txns []clv.Transaction, at time.Time, opt *Options) (*Result, error) {
	const fn = "segment.Compute"
	o, err := resolve(fn, opt)
	if err != nil {
		return nil, err
	}
	if len(txns) == 0 {
		return nil, fault.New(fn, -1, "", clv.ErrEmpty, "no transactions")
	}
	if r := txlog.CheckTime(at); r != "" {
		return nil, fault.New(fn, -1, "at", clv.ErrInvalid, "%s", r)
	}
	atDay := txlog.NewClock(o.Location).Day(at)

	// Validate and date every row and number the customers of the rows kept
	// (internal/txlog), then accumulate one flat record per customer.
	log, bad := txlog.Read(txns, o.Location, atDay)
	if bad != nil {
		return nil, bad.Err(fn)
	}
	ids := log.IDs
	aggs := make([]aggregate, len(ids))
	anyUnsort := false
	for i, c := range log.Cust {
		if c < 0 {
			continue
		}
		a, d := &aggs[c], log.Day[i]
		a.orders++
		a.revenue += txns[i].Amount
		// Occasions counted on the fly are right while a customer's rows
		// come in date order; otherwise they are recounted below.
		switch {
		case a.orders == 1 || d > a.lastDay:
			a.lastDay = d
			a.occasions++
		case d < a.lastDay:
			a.unsorted = true
			anyUnsort = true
		}
	}
	if len(ids) == 0 {
		return nil, fault.New(fn, -1, "at", clv.ErrEmpty, "(%s) is before every transaction", at.In(o.Location).Format(time.DateOnly))
	}
	if anyUnsort && o.Frequency == Occasions {
		recountOccasions(log, aggs)
	}

	rows := make([]RFM, len(ids))
	for c := range rows {
		a := &aggs[c]
		f := int(a.occasions)
		if o.Frequency == Orders {
			f = int(a.orders)
		}
		m := a.revenue
		if o.Monetary == MeanSpend {
			m /= float64(f)
		}
		rows[c] = RFM{CustomerID: ids[c], SinceLast: int(atDay - a.lastDay), Frequency: f, Monetary: m, Revenue: a.revenue}
	}
	res := &Result{Customers: rows}
	scoreAll(res, o)
	return res, nil
}

// aggregate is what Compute accumulates per customer.
type aggregate struct {
	lastDay   int64 // civil day of the last purchase so far
	revenue   float64
	orders    int32
	occasions int32
	unsorted  bool // rows of this customer arrived out of date order
}

// recountOccasions counts the distinct days of every customer flagged
// unsorted: each customer's days are grouped (internal/txlog), then the
// run of each such customer is sorted and its distinct values counted.
func recountOccasions(log *txlog.Log, aggs []aggregate) {
	start, days := txlog.Group(log, func(i int) int64 { return log.Day[i] })
	for c := range aggs {
		if a := &aggs[c]; a.unsorted {
			run := days[start[c]:start[c+1]]
			slices.Sort(run)
			a.occasions = int32(len(slices.Compact(run)))
		}
	}
}

// Score scores rows that already hold SinceLast, Frequency and Monetary
// (from a database, say), by the rules of opt; opt.Location, Frequency and
// Monetary are not used. It returns scored copies: rows is not modified or
// kept.
//
// Score returns a *clv.DataError wrapping clv.ErrEmpty for no rows, and one
// wrapping clv.ErrInvalid for an empty CustomerID, a negative SinceLast, a
// Frequency below 1, a NaN, infinite or negative Monetary or Revenue, or
// options out of their domain.
func Score(rows []RFM, opt *Options) (*Result, error) {
	const fn = "segment.Score"
	o, err := resolve(fn, opt)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, fault.New(fn, -1, "", clv.ErrEmpty, "no customers")
	}
	for i, r := range rows {
		switch {
		case r.CustomerID == "":
			return nil, fault.New(fn, i, "CustomerID", clv.ErrInvalid, "is empty")
		case r.SinceLast < 0:
			return nil, fault.New(fn, i, "SinceLast", clv.ErrInvalid, "is %d, want ≥ 0", r.SinceLast)
		case r.Frequency < 1:
			return nil, fault.New(fn, i, "Frequency", clv.ErrInvalid, "is %d, want ≥ 1", r.Frequency)
		case !finiteNonNegative(r.Monetary):
			return nil, fault.New(fn, i, "Monetary", clv.ErrInvalid, "is %v, want finite and ≥ 0", r.Monetary)
		case !finiteNonNegative(r.Revenue):
			return nil, fault.New(fn, i, "Revenue", clv.ErrInvalid, "is %v, want finite and ≥ 0", r.Revenue)
		}
	}
	res := &Result{Customers: slices.Clone(rows)}
	scoreAll(res, o)
	return res, nil
}

func finiteNonNegative(v float64) bool { return v >= 0 && !math.IsInf(v, 1) }

// resolve returns the options with defaults filled in, or an error for an
// option out of its domain.
func resolve(fn string, opt *Options) (Options, error) {
	var o Options
	if opt != nil {
		o = *opt
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.Scores == 0 {
		o.Scores = 5
	}
	switch {
	case o.Scores < 1 || o.Scores > MaxScores:
		return o, fault.New(fn, -1, "Options.Scores", clv.ErrInvalid, "is %d, want 1 to %d", o.Scores, MaxScores)
	case o.Frequency != Occasions && o.Frequency != Orders:
		return o, fault.New(fn, -1, "Options.Frequency", clv.ErrInvalid, "is %d, not a FrequencyBasis", o.Frequency)
	case o.Monetary != TotalSpend && o.Monetary != MeanSpend:
		return o, fault.New(fn, -1, "Options.Monetary", clv.ErrInvalid, "is %d, not a MonetaryBasis", o.Monetary)
	case o.Scoring < ByQuantile || o.Scoring > ByEdges:
		return o, fault.New(fn, -1, "Options.Scoring", clv.ErrInvalid, "is %d, not a Scoring", o.Scoring)
	}
	if o.Scoring == ByEdges {
		for _, e := range []struct {
			name  string
			edges []float64
		}{{"Options.RecencyEdges", o.RecencyEdges}, {"Options.FrequencyEdges", o.FrequencyEdges}, {"Options.MonetaryEdges", o.MonetaryEdges}} {
			if len(e.edges) != o.Scores-1 {
				return o, fault.New(fn, -1, e.name, clv.ErrInvalid, "has %d values, want Scores−1 = %d", len(e.edges), o.Scores-1)
			}
			for k, v := range e.edges {
				if math.IsNaN(v) || math.IsInf(v, 0) || (k > 0 && v < e.edges[k-1]) {
					return o, fault.New(fn, -1, e.name, clv.ErrInvalid, "value %d is %v, want finite and non-decreasing", k, v)
				}
			}
		}
	}
	return o, nil
}
