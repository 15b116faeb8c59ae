package churn

import (
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/internal/fault"
	"github.com/ltvgo/ltv/internal/txlog"
)

// CensorPolicy says what Build does with a customer whose label horizon
// runs past the end of the data, so that the label is not known.
type CensorPolicy int

const (
	// ExcludeCensored drops such rows (the default).
	ExcludeCensored CensorPolicy = iota
	// KeepCensored keeps them with Censored = true and Churned = false;
	// their features are valid but they must not be used as labelled rows.
	KeepCensored
)

// maxDays exceeds the span of the supported calendar (years 1 to 9999,
// about 3.65e6 days): longer horizons and windows mean the same and are
// cut to it before any day arithmetic, which would otherwise overflow.
const maxDays = 4_000_000

// FeatureOptions tune Build. A nil *FeatureOptions means the defaults.
type FeatureOptions struct {
	// Location defines the calendar days (default UTC). Every day count
	// below is in whole calendar days of this location.
	Location *time.Location
	// Windows are the trailing windows, in days (each ≥ 1), over which
	// purchase occasions and spend are counted; nil or empty means 30, 90,
	// 365. The first window also defines the trend feature.
	Windows []int
	// Horizon is the label horizon in days (default 90): a customer has
	// churned at as-of day A when they make no purchase on days
	// A+1 … A+Horizon.
	Horizon int
	// End is the last day of the data (inclusive). Zero means the day of
	// the latest transaction. Transactions after End are ignored.
	End time.Time
	// Censored chooses what happens to rows whose horizon runs past End.
	Censored CensorPolicy
	// Model, when not nil, adds two BTYD scores at each as-of date:
	// "p_alive" (Model.PAlive) and "expected_purchases"
	// (Model.ConditionalExpectedPurchases over ModelHorizon).
	Model clv.PurchaseModel
	// ModelPeriod is the model's time unit (e.g. 7*24*time.Hour for a
	// model fitted in weeks); required with Model.
	ModelPeriod time.Duration
	// ModelHorizon is the horizon of "expected_purchases" in model
	// periods; default Horizon days expressed in ModelPeriod.
	ModelHorizon float64
}

// Dataset is a feature matrix with its labels. Row i describes customer
// IDs[i] at the as-of date AsOf[i] using only the transactions on or before
// that day; Churned[i] is its label. Names[j] names column j of X.
type Dataset struct {
	Names    []string
	IDs      []string
	AsOf     []time.Time
	X        [][]float64
	Churned  []bool
	Censored []bool // only with KeepCensored: the label is unknown
}

// Subset returns the rows idx of d (in that order), sharing the feature
// rows with d.
//
// Special cases are:
//
//	Subset(idx) = nil if an index is outside [0, len(d.IDs))
func (d *Dataset) Subset(idx []int) *Dataset {
	for _, i := range idx {
		if i < 0 || i >= len(d.IDs) {
			return nil
		}
	}
	out := &Dataset{Names: d.Names}
	for _, i := range idx {
		out.IDs = append(out.IDs, d.IDs[i])
		out.AsOf = append(out.AsOf, d.AsOf[i])
		out.X = append(out.X, d.X[i])
		out.Churned = append(out.Churned, d.Churned[i])
		if d.Censored != nil {
			out.Censored = append(out.Censored, d.Censored[i])
		}
	}
	return out
}

// history is the purchase occasions of all customers, grouped by customer
// and sorted by day; same-day purchases are one occasion whose value is
// their sum (as in BTYD summaries).
type history struct {
	ids    []string  // customers in order of first appearance
	start  []int     // occasions of customer c are start[c]:start[c+1]
	day    []int64   // occasion day numbers
	cumAmt []float64 // cumAmt[o] = spend of the customer's occasions before o (per customer, starting at 0)
	amt    []float64 // occasion value
	end    int64     // last day of the data
}

// Build computes churn features and labels for every customer with a
// purchase on or before each as-of date, stacking the dates into one panel
// (rows by as-of date in the given order, then customers in order of first
// appearance in txns, among the transactions on or before End). Features at date A use only transactions on days
// ≤ A, so adding or removing later transactions changes labels but never
// features. The columns are, with W the windows and W₁ the first:
//
//	days_since_last       A − last purchase day (RFM recency)
//	tenure_days           A − first purchase day
//	occasions             purchase days so far (same-day purchases are one occasion)
//	spend                 total spend so far
//	occasions_<W>d        purchase days in (A−W, A]
//	spend_<W>d            spend in (A−W, A]
//	mean_gap_days         (last − first)/(occasions − 1); 0 for one-time buyers
//	recency_gap_ratio     days_since_last / mean_gap_days; 0 for one-time buyers
//	one_time              1 for a single purchase day so far, else 0
//	trend_<W₁>d           occasions in (A−W₁, A] minus occasions in (A−2W₁, A−W₁]
//	p_alive               with a Model: P(alive) at A
//	expected_purchases    with a Model: expected purchases in the next ModelHorizon
//
// The BTYD customer at A has x = occasions − 1, t_x = last − first and
// T = A − first, in model periods. Labels: churned when there is no
// purchase on days A+1 … A+Horizon; rows with A+Horizon after the end of
// the data follow FeatureOptions.Censored. txns and asOf are only read.
//
// Errors (*clv.DataError): no transactions or no as-of dates (clv.ErrEmpty);
// with clv.ErrInvalid, the first bad row of txns by the rules clv, cohort
// and segment share (an empty CustomerID, an At that is the zero Time or
// outside years 1..9999 UTC, an Amount that is NaN, negative or above 1e290;
// every row is checked, also those after End), an as-of date that is zero,
// outside years 1..9999 or after the end of the data, a model score that
// is NaN; and with Row -1 and Field the option, an option outside its
// domain (an End outside years 1..9999, a window < 1, a Horizon < 0, a Model
// without a positive ModelPeriod, a negative or NaN ModelHorizon, an
// unknown Censored).
func Build(txns []clv.Transaction, asOf []time.Time, opt *FeatureOptions) (*Dataset, error) {
	const fn = "churn.Build"
	o, err := featureDefaults(fn, opt)
	if err != nil {
		return nil, err
	}
	if len(txns) == 0 {
		return nil, fault.New(fn, -1, "txns", clv.ErrEmpty, "has no transactions")
	}
	if len(asOf) == 0 {
		return nil, fault.New(fn, -1, "asOf", clv.ErrEmpty, "has no dates")
	}
	clock := txlog.NewClock(o.Location)
	asOfDays := make([]int64, len(asOf))
	for i, a := range asOf {
		if r := txlog.CheckTime(a); r != "" {
			return nil, fault.New(fn, i, "asOf", clv.ErrInvalid, "%s", r)
		}
		asOfDays[i] = clock.Day(a)
	}
	h, err := newHistory(fn, txns, o)
	if err != nil {
		return nil, err
	}
	for i, a := range asOfDays {
		if a > h.end {
			return nil, fault.New(fn, i, "asOf", clv.ErrInvalid, "%v is after the end of the data", asOf[i])
		}
	}
	names := featureColumns(o)
	ds := &Dataset{Names: names}
	p := len(names)
	nc := len(h.ids)
	feats := make([]float64, 0, nc*p) // all rows back to back; X is sliced from it at the end
	ds.IDs = make([]string, 0, nc)
	ds.AsOf = make([]time.Time, 0, nc)
	ds.Churned = make([]bool, 0, nc)
	for ai, a := range asOfDays {
		labelled := a+int64(o.Horizon) <= h.end
		if !labelled && o.Censored == ExcludeCensored {
			continue
		}
		for c := range h.ids {
			occ := h.day[h.start[c]:h.start[c+1]]
			n := upperBound(occ, a)
			if n == 0 {
				continue
			}
			feats = h.features(feats, c, n, a, o)
			if o.Model != nil {
				if feats, err = btydScores(fn, feats, h, c, n, a, o); err != nil {
					return nil, err
				}
			}
			ds.IDs = append(ds.IDs, h.ids[c])
			ds.AsOf = append(ds.AsOf, asOf[ai])
			ds.Churned = append(ds.Churned, labelled && (n == len(occ) || occ[n] > a+int64(o.Horizon)))
			if o.Censored == KeepCensored {
				ds.Censored = append(ds.Censored, !labelled)
			}
		}
	}
	ds.X = make([][]float64, len(ds.IDs))
	for i := range ds.X {
		ds.X[i] = feats[i*p : (i+1)*p : (i+1)*p]
	}
	return ds, nil
}

// featureDefaults fills in the options of function fn, or returns a
// *clv.DataError for the first one outside its domain.
func featureDefaults(fn string, opt *FeatureOptions) (FeatureOptions, error) {
	var o FeatureOptions
	if opt != nil {
		o = *opt
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if len(o.Windows) == 0 {
		o.Windows = []int{30, 90, 365}
	}
	if o.Horizon == 0 {
		o.Horizon = 90
	}
	switch {
	case o.Horizon < 1:
		return o, fault.New(fn, -1, "FeatureOptions.Horizon", clv.ErrInvalid, "is %d days, want ≥ 1 (0: the default 90)", o.Horizon)
	case slices.Min(o.Windows) < 1:
		return o, fault.New(fn, -1, "FeatureOptions.Windows", clv.ErrInvalid, "are %v days, want each ≥ 1", o.Windows)
	case o.Model != nil && o.ModelPeriod <= 0:
		return o, fault.New(fn, -1, "FeatureOptions.ModelPeriod", clv.ErrInvalid, "is %v, want > 0 with a Model", o.ModelPeriod)
	case !(o.ModelHorizon >= 0):
		return o, fault.New(fn, -1, "FeatureOptions.ModelHorizon", clv.ErrInvalid, "is %v, want ≥ 0 (0: Horizon)", o.ModelHorizon)
	case o.Censored != ExcludeCensored && o.Censored != KeepCensored:
		return o, fault.New(fn, -1, "FeatureOptions.Censored", clv.ErrInvalid, "is %d, not a CensorPolicy", o.Censored)
	}
	if r := txlog.CheckTime(o.End); r != "" && !o.End.IsZero() { // zero End: the last day of the data
		return o, fault.New(fn, -1, "FeatureOptions.End", clv.ErrInvalid, "%s", r)
	}
	o.Horizon = min(o.Horizon, maxDays) // longer than the calendar: the same labels, no overflow
	if o.Model != nil && o.ModelHorizon == 0 {
		o.ModelHorizon = float64(o.Horizon) / (float64(o.ModelPeriod) / float64(24*time.Hour))
	}
	return o, nil
}

// featureColumns returns the column names for the options.
func featureColumns(o FeatureOptions) []string {
	names := []string{"days_since_last", "tenure_days", "occasions", "spend"}
	for _, w := range o.Windows {
		names = append(names, "occasions_"+strconv.Itoa(w)+"d", "spend_"+strconv.Itoa(w)+"d")
	}
	names = append(names, "mean_gap_days", "recency_gap_ratio", "one_time", "trend_"+strconv.Itoa(o.Windows[0])+"d")
	if o.Model != nil {
		names = append(names, "p_alive", "expected_purchases")
	}
	return names
}

// features appends customer c's features at day a to dst, given that its
// first n occasions are on or before a.
func (h *history) features(dst []float64, c, n int, a int64, o FeatureOptions) []float64 {
	s := h.start[c]
	occ := h.day[s : s+n]
	first, last := occ[0], occ[n-1]
	spendTo := func(k int) float64 { // spend of the first k occasions
		if k == n {
			return h.cumAmt[s+n-1] + h.amt[s+n-1]
		}
		return h.cumAmt[s+k]
	}
	countSince := func(d int64) int { return n - upperBound(occ, d) } // occasions in (d, a]
	dst = append(dst, float64(a-last), float64(a-first), float64(n), spendTo(n))
	for _, w := range o.Windows {
		k := countSince(a - int64(min(w, maxDays)))
		dst = append(dst, float64(k), spendTo(n)-spendTo(n-k))
	}
	var gap, ratio, oneTime float64 = 0, 0, 1
	if n > 1 {
		gap = float64(last-first) / float64(n-1)
		ratio = float64(a-last) / gap
		oneTime = 0
	}
	w1 := int64(min(o.Windows[0], maxDays)) // a window past the calendar counts everything
	trend := 2*countSince(a-w1) - countSince(a-2*w1)
	return append(dst, gap, ratio, oneTime, float64(trend))
}

// btydScores appends P(alive) and the expected purchases of customer c at
// day a (its first n occasions), from o.Model.
func btydScores(fn string, dst []float64, h *history, c, n int, a int64, o FeatureOptions) ([]float64, error) {
	s := h.start[c]
	daysPerPeriod := float64(o.ModelPeriod) / float64(24*time.Hour)
	cust := clv.Customer{
		ID:        h.ids[c],
		Frequency: float64(n - 1),
		Recency:   float64(h.day[s+n-1]-h.day[s]) / daysPerPeriod,
		T:         float64(a-h.day[s]) / daysPerPeriod,
	}
	if n > 1 {
		cust.Monetary = (h.cumAmt[s+n-1] + h.amt[s+n-1] - h.amt[s]) / float64(n-1)
	}
	pa := o.Model.PAlive(cust)
	ep := o.Model.ConditionalExpectedPurchases(cust, o.ModelHorizon)
	if math.IsNaN(pa) || math.IsNaN(ep) {
		return dst, fault.New(fn, -1, "FeatureOptions.Model", clv.ErrInvalid,
			"returned NaN for customer %q (x=%v, t_x=%v, T=%v)", cust.ID, cust.Frequency, cust.Recency, cust.T)
	}
	return append(dst, pa, ep), nil
}

// upperBound returns the number of days ≤ d in the sorted slice.
func upperBound(days []int64, d int64) int {
	lo, hi := 0, len(days)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if days[mid] <= d {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

// newHistory validates txns and groups them into per-customer occasions
// (internal/txlog), collapsing each customer's purchases of one day.
func newHistory(fn string, txns []clv.Transaction, o FeatureOptions) (*history, error) {
	last := txlog.LastDay(o.Location, o.End)
	log, bad := txlog.Read(txns, o.Location, last)
	if bad != nil {
		return nil, bad.Err(fn)
	}
	h := &history{ids: log.IDs, end: log.MaxDay}
	if !o.End.IsZero() {
		h.end = last
	}
	start, rows := txlog.Purchases(log, txns)
	// Collapse: occasions never outnumber rows.
	nc := len(h.ids)
	h.start = make([]int, nc+1)
	h.day = make([]int64, 0, len(rows))
	h.amt = make([]float64, 0, len(rows))
	h.cumAmt = make([]float64, 0, len(rows))
	out := 0
	for c := range nc {
		h.start[c] = out
		var cum float64
		for k, r := range rows[start[c]:start[c+1]] {
			if k > 0 && r.Day == h.day[out-1] {
				h.amt[out-1] += r.Amount
				cum += r.Amount
				continue
			}
			h.day = append(h.day, r.Day)
			h.amt = append(h.amt, r.Amount)
			h.cumAmt = append(h.cumAmt, cum)
			cum += r.Amount
			out++
		}
	}
	h.start[nc] = out
	return h, nil
}
