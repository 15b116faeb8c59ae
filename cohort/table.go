package cohort

import (
	"math"
	"math/bits"
	"slices"
	"time"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/internal/fault"
	"github.com/ltvgo/ltv/internal/txlog"
)

// maxCells caps cohorts × periods of one table (64 Mi cells, 512 MiB per
// table of float64): daily cohorts over decades are refused with an error
// instead of exhausting memory.
const maxCells = 1 << 26

// Table is a cohort matrix: one row per acquisition cohort (oldest first),
// one column per period index k = 0, 1, … (k = 0 is the acquisition
// period). Cells a cohort has not fully observed by the analysis date are
// NaN, never 0; so are ratios whose denominator is 0. Every row has the same
// length, the number of periods the oldest cohort has observed.
type Table struct {
	Period Period
	Labels []string    // cohort names: "2024-03-15", "2024-W09", "2024-03" or "2024-Q1"
	Starts []time.Time // midnight of the first day of each cohort's period, in the Location
	Sizes  []int       // customers acquired in each cohort
	Cells  [][]float64 // Cells[c][k]
}

// Average returns the cohort-size-weighted mean of each column over the
// cohorts whose cell is not NaN:
//
//	avg[k] = Σ_c n_c·x_ck / Σ_c n_c   over c with x_ck not NaN
//
// A column no cohort has observed is NaN. For a ratio such as retention
// this is the pooled ratio Σ active / Σ acquired over the cohorts that have
// reached period k, so young cohorts neither drag the curve towards 0 nor
// count in columns they have not reached.
func (t Table) Average() []float64 {
	width := 0
	if len(t.Cells) > 0 {
		width = len(t.Cells[0])
	}
	avg := make([]float64, width)
	for k := range avg {
		var num, den float64
		for c, row := range t.Cells {
			if v := row[k]; !math.IsNaN(v) {
				num += float64(t.Sizes[c]) * v
				den += float64(t.Sizes[c])
			}
		}
		avg[k] = num / den
		if den == 0 {
			avg[k] = math.NaN()
		}
	}
	return avg
}

// Tables holds the cohort tables of a transaction log. The count and sum
// tables are filled by Build; the rate tables are derived from them by the
// methods.
type Tables struct {
	Period   Period
	Location *time.Location
	// End is midnight, in Location, of the last day of data.
	End time.Time
	// Observed[c] is the number of periods cohort c has fully observed:
	// the cells k < Observed[c] of its row hold numbers, the others NaN.
	Observed []int

	// Active.Cells[c][k]: customers of cohort c with at least one purchase in
	// period k.
	Active Table
	// Surviving.Cells[c][k]: customers of cohort c with a purchase in period k or
	// later, up to the end of data. The last observed cells undercount
	// customers who will come back after the end of data; for lifetimes
	// with censoring see BuildLifetimes.
	Surviving Table
	// Revenue.Cells[c][k]: the sum of the amounts cohort c spent in period k.
	Revenue Table
}

// Build groups txns into acquisition cohorts and tabulates activity and
// revenue by period since acquisition. A nil opt means monthly cohorts in
// UTC up to the day of the latest transaction. txns is neither modified nor
// kept.
//
// A customer's cohort is the calendar period (in opt.Location) of their
// first purchase on or before the end day; the period index of a purchase
// is the number of calendar periods between the cohort's period and the
// purchase's period, so a purchase on 1 April by a customer acquired on
// 31 March has index 1 in monthly cohorts.
//
// Observed: cell (c, k) is observed when every day of period k of cohort c
// is on or before the end day (Options.End, or the day of the latest
// transaction). The period containing the end day is therefore observed
// only when the end day is its last day; a cohort acquired in that period
// has a row of NaN (but its size is counted).
//
// Errors (a *clv.DataError): clv.ErrEmpty when there is no transaction on
// or before the end day; clv.ErrInvalid for the first bad row by the rules
// clv, churn and segment share (an empty CustomerID, a zero At or one
// outside years 1..9999 UTC, an Amount that is NaN, negative or above
// 1e290; every row is checked, also those after End), an End outside
// years 1..9999, an unknown Period, or a table of more than 2²⁶ cells.
func Build(txns []clv.Transaction, opt *Options) (*Tables, error) {
	const fn = "cohort.Build"
	o, err := opt.resolve(fn)
	if err != nil {
		return nil, err
	}
	s, err := scan(fn, txns, o)
	if err != nil {
		return nil, err
	}
	g, err := newGrid(fn, s, o)
	if err != nil {
		return nil, err
	}
	revenue, active, surviving := g.tabulate(txns, s, g.span <= 64)
	return &Tables{
		Period:    o.Period,
		Location:  o.Location,
		End:       midnight(s.endDay, o.Location),
		Observed:  slices.Clone(g.observed),
		Active:    g.table(active),
		Surviving: g.table(surviving),
		Revenue:   g.table(revenue),
	}, nil
}

// grid is the shape of a cohort analysis: the cohorts present, each
// customer's row and how many periods each row has observed.
type grid struct {
	period   Period
	loc      *time.Location
	periods  []int64 // period number of each cohort, ascending
	rowOf    []int32 // per customer: cohort row
	sizes    []int
	observed []int
	span     int // columns of the working matrices: periods from the oldest cohort to the end day's period
	width    int // columns of the tables: periods the oldest cohort has fully observed
}

func newGrid(fn string, s *scanned, o Options) (*grid, error) {
	endP := o.Period.periodOf(s.endDay)
	lastFull := endP
	if o.Period.firstDay(endP+1)-1 != s.endDay {
		lastFull-- // the end day's period is partial
	}
	oldest := int64(slices.Min(s.first))
	span := int(endP-oldest) + 1
	g := &grid{period: o.Period, loc: o.Location, span: span, width: max(0, int(lastFull-oldest)+1)}

	rowAt := make([]int32, span) // cohort row of each period since the oldest, −1 when none
	for i := range rowAt {
		rowAt[i] = -1
	}
	for _, f := range s.first {
		rowAt[int64(f)-oldest] = 0
	}
	for i, r := range rowAt {
		if r == 0 {
			rowAt[i] = int32(len(g.periods))
			p := oldest + int64(i)
			g.periods = append(g.periods, p)
			g.observed = append(g.observed, max(0, int(lastFull-p)+1))
		}
	}
	if cells := len(g.periods) * span; cells > maxCells {
		return nil, fault.New(fn, -1, "", clv.ErrInvalid, "%d cohorts × %d periods exceed %d cells; use a longer Period", len(g.periods), span, maxCells)
	}
	g.rowOf = make([]int32, len(s.first))
	g.sizes = make([]int, len(g.periods))
	for c, f := range s.first {
		r := rowAt[int64(f)-oldest]
		g.rowOf[c] = r
		g.sizes[r]++
	}
	return g, nil
}

// tabulate returns the flat cohorts × span matrices of revenue, active
// customers and customers active in period k or later. Distinct active
// periods are counted with a bit mask per customer when the span fits in
// 64 bits (monthly cohorts over 5 years, quarterly over 16), and otherwise
// by grouping each customer's period indices with a counting sort.
// byMask selects the first way and needs span ≤ 64.
func (g *grid) tabulate(txns []clv.Transaction, s *scanned, byMask bool) (revenue, active, surviving []float64) {
	span := g.span
	n := len(g.periods) * span
	revenue, active = make([]float64, n), make([]float64, n)
	lastSeen := make([]float64, n) // customers whose latest purchase is in period k

	// One record per customer keeps the per-row random access to one line.
	type acc struct {
		mask  uint64 // periods with a purchase (span ≤ 64 only)
		base  int32  // row·span: the start of the customer's cohort row
		first int32  // cohort period number
	}
	accs := make([]acc, len(s.IDs))
	for c, f := range s.first {
		accs[c] = acc{base: g.rowOf[c] * int32(span), first: f}
	}
	for i, c := range s.Cust {
		if c < 0 {
			continue
		}
		a := &accs[c]
		k := s.period[i] - a.first
		revenue[a.base+k] += txns[i].Amount
		if byMask {
			a.mask |= 1 << k
		}
	}

	if byMask {
		for _, a := range accs {
			for m := a.mask; m != 0; m &= m - 1 {
				active[int(a.base)+bits.TrailingZeros64(m)]++
			}
			lastSeen[int(a.base)+63-bits.LeadingZeros64(a.mask)]++
		}
	} else {
		start, ks := txlog.Group(s.Log, func(i int) int32 { return s.period[i] - accs[s.Cust[i]].first })
		seen := make([]int32, span) // the last customer seen active in period k
		for k := range seen {
			seen[k] = -1
		}
		for c, a := range accs {
			last := int32(0)
			for _, k := range ks[start[c]:start[c+1]] {
				if seen[k] != int32(c) {
					seen[k] = int32(c)
					active[a.base+k]++
				}
				last = max(last, k)
			}
			lastSeen[a.base+last]++
		}
	}

	surviving = lastSeen // suffix sums, in place
	for r := range len(g.periods) {
		row := surviving[r*span : (r+1)*span]
		for k := span - 2; k >= 0; k-- {
			row[k] += row[k+1]
		}
	}
	return revenue, active, surviving
}

// table builds a Table from a flat cohorts × span matrix: it keeps the
// first width columns and writes NaN into the cells a cohort has not
// observed.
func (g *grid) table(m []float64) Table {
	t := Table{
		Period: g.period,
		Labels: make([]string, len(g.periods)),
		Starts: make([]time.Time, len(g.periods)),
		Sizes:  slices.Clone(g.sizes),
		Cells:  make([][]float64, len(g.periods)),
	}
	cells := make([]float64, len(g.periods)*g.width)
	for r, p := range g.periods {
		t.Labels[r] = g.period.label(p)
		t.Starts[r] = g.period.start(p, g.loc)
		row := cells[r*g.width : (r+1)*g.width : (r+1)*g.width]
		n := copy(row[:g.observed[r]], m[r*g.span:])
		for k := n; k < g.width; k++ {
			row[k] = math.NaN()
		}
		t.Cells[r] = row
	}
	return t
}

// derive returns a table of the same shape as t with cells f(c, k); cells
// that are NaN in t stay NaN.
func derive(t Table, f func(c, k int) float64) Table {
	out := Table{
		Period: t.Period,
		Labels: slices.Clone(t.Labels),
		Starts: slices.Clone(t.Starts),
		Sizes:  slices.Clone(t.Sizes),
		Cells:  make([][]float64, len(t.Cells)),
	}
	for c, row := range t.Cells {
		out.Cells[c] = make([]float64, len(row))
		for k, v := range row {
			out.Cells[c][k] = math.NaN()
			if !math.IsNaN(v) {
				out.Cells[c][k] = f(c, k)
			}
		}
	}
	return out
}

// ratio returns num/den, or NaN when den is 0.
func ratio(num, den float64) float64 {
	if den == 0 {
		return math.NaN()
	}
	return num / den
}

// Retention returns the share of each cohort active in period k:
// Active[c][k] / Sizes[c]. Column 0 is 1.
func (c *Tables) Retention() Table {
	return derive(c.Active, func(i, k int) float64 {
		return c.Active.Cells[i][k] / float64(c.Active.Sizes[i])
	})
}

// Survival returns the share of each cohort active in period k or later:
// Surviving[c][k] / Sizes[c], a non-increasing curve starting at 1 (see
// Surviving for its bias at the end of data).
func (c *Tables) Survival() Table {
	return derive(c.Surviving, func(i, k int) float64 {
		return c.Surviving.Cells[i][k] / float64(c.Surviving.Sizes[i])
	})
}

// RevenueRetention returns each cohort's revenue in period k relative to
// its acquisition period: Revenue[c][k] / Revenue[c][0]; NaN when the
// cohort's period-0 revenue is 0.
func (c *Tables) RevenueRetention() Table {
	return derive(c.Revenue, func(i, k int) float64 {
		return ratio(c.Revenue.Cells[i][k], c.Revenue.Cells[i][0])
	})
}

// CumulativeRevenuePerCustomer returns the empirical value curve: revenue
// of cohort c in periods 0..k divided by the customers acquired,
// Σ_{j≤k} Revenue[c][j] / Sizes[c], in currency per customer.
func (c *Tables) CumulativeRevenuePerCustomer() Table {
	cum := derive(c.Revenue, func(i, k int) float64 { return c.Revenue.Cells[i][k] })
	for i, row := range cum.Cells {
		sum := 0.0
		for k, v := range row {
			sum += v // NaN cells are a suffix, so they stay NaN
			row[k] = sum / float64(cum.Sizes[i])
		}
	}
	return cum
}
