package steps

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/examples/internal/data"
	"github.com/ltvgo/ltv/examples/internal/report"
	"github.com/ltvgo/ltv/segment"
)

// ValueSettings say how customers are valued.
type ValueSettings struct {
	Months       int     // horizon in calendar months
	AnnualRate   float64 // effective annual discount rate
	Margin       float64 // contribution per unit of revenue, in (0, 1]
	TopCustomers int     // rows of the top-customer table
}

// Value computes each customer's discounted expected value over the next
// months from the models fitted on the full log, and lists the most valuable
// customers. It returns the values by customer ID.
func Value(rep *report.Report, m Models, cs []clv.Customer, set ValueSettings) (map[string]float64, error) {
	rep.Section("Customer value")
	monthly := clv.RatePer(set.AnnualRate, clv.Month)
	vals, err := clv.Value(m.Purchase, m.Spend, cs, clv.ValueOptions{
		Period:   data.Week,
		CashFlow: clv.Month,
		Horizon:  set.Months,
		Discount: monthly,
		Margin:   set.Margin,
	})
	if err != nil {
		return nil, err
	}
	horizon := float64(set.Months) * float64(clv.Month) / float64(data.Week)
	total := 0.0
	byID := make(map[string]float64, len(cs))
	order := make([]int, len(cs))
	for i, c := range cs {
		byID[c.ID] = vals[i]
		total += vals[i]
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int { return cmp.Compare(vals[j], vals[i]) })
	top := min(set.TopCustomers, len(cs))
	topSum := 0.0
	t := report.Table{
		Caption: fmt.Sprintf("Top %d customers by %d-month value (margin %.0f%%, %.1f%% a year = %.3f%% a month)",
			top, set.Months, 100*set.Margin, 100*set.AnnualRate, 100*monthly),
		Header: []string{"customer", "x", "t_x (wk)", "T (wk)", "mean spend", "P(alive)", "E[purchases]", "E[spend/purchase]", "value"},
	}
	for _, i := range order[:top] {
		c := cs[i]
		topSum += vals[i]
		t.Rows = append(t.Rows, []string{c.ID, report.Num(c.Frequency, 0), report.Num(c.Recency, 1), report.Num(c.T, 1),
			report.Num(c.Monetary, 2), report.Num(m.Purchase.PAlive(c), 3),
			report.Num(m.Purchase.ConditionalExpectedPurchases(c, horizon), 2),
			report.Num(m.Spend.ConditionalExpectedSpend(c), 2), report.Num(vals[i], 2)})
	}
	rep.Table(t)
	rep.Textf("Total value of %d customers: %.0f; the top %d hold %.1f%% of it.", len(cs), total, top, 100*topSum/total)
	return byID, nil
}

// Segments scores the customers by RFM at the end of the data, names the
// eleven usual segments and shows each segment's size, revenue and mean
// model value.
func Segments(rep *report.Report, s data.Store, values map[string]float64) (*segment.Result, error) {
	rep.Section("RFM segments")
	res, err := segment.Compute(s.Txns, s.End, nil)
	if err != nil {
		return nil, err
	}
	sums, err := segment.Summarize(res.Customers, segment.ElevenSegments(), values)
	if err != nil {
		return nil, err
	}
	t := report.Table{
		Caption: fmt.Sprintf("Segments on %s (R, F, M quintile scores; recency in days since the last purchase)", s.End.Format(time.DateOnly)),
		Header:  []string{"segment", "customers", "share", "revenue share", "days since last", "purchase days", "total spend", "mean value"},
	}
	for _, g := range sums {
		t.Rows = append(t.Rows, []string{g.Segment, fmt.Sprint(g.Customers), report.Pct(g.Share, 1), report.Pct(g.RevenueShare, 1),
			report.Num(g.MeanSinceLast, 0), report.Num(g.MeanFrequency, 1), report.Num(g.MeanMonetary, 2), report.Num(g.MeanValue, 2)})
	}
	rep.Table(t)
	rep.Textf("RFM describes the past; the model value looks ahead. Compare each segment's past spend with its mean value: a segment that spent much but is worth little has mostly left.")
	return res, nil
}
