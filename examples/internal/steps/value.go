package steps

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"

	"gonum.org/v1/plot/vg"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/examples/internal/data"
	"github.com/ltvgo/ltv/examples/internal/plots"
	"github.com/ltvgo/ltv/examples/internal/report"
	"github.com/ltvgo/ltv/segment"
)

// ValueSettings say how customers are valued.
type ValueSettings struct {
	Months       int     // horizon in calendar months
	AnnualRate   float64 // effective annual discount rate
	Margin       float64 // contribution per unit of revenue, in (0, 1]
	TopCustomers int     // rows of the top-customer table
	// Intervals adds 90% intervals from the models' parameter uncertainty
	// (delta method) to the table and the total, a chart of the top
	// customers' values with their intervals, and a tornado chart of the
	// total's sensitivity to margin, discount rate and horizon.
	Intervals bool
}

// Value computes each customer's discounted expected value over the next
// months from the models fitted on the full log, and lists the most valuable
// customers. It returns the values by customer ID.
func Value(rep *report.Report, m Models, cs []clv.Customer, set ValueSettings) (map[string]float64, error) {
	rep.Section("Customer value")
	monthly := clv.RatePer(set.AnnualRate, clv.Month)
	opt := clv.ValueOptions{
		Period:   data.Week,
		CashFlow: clv.Month,
		Horizon:  set.Months,
		Discount: monthly,
		Margin:   set.Margin,
	}
	vals, err := clv.Value(m.Purchase, m.Spend, cs, opt)
	if err != nil {
		return nil, err
	}
	var ivs []clv.ScoreInterval
	var totalIv clv.Interval
	if set.Intervals {
		ivs, totalIv, err = clv.ScoreWithIntervals(m.Purchase, m.PurchaseFit, m.Spend, m.SpendFit, cs, opt, clv.IntervalOptions{Level: 0.9})
		if err != nil { // e.g. a fit without a covariance: the point values stand
			rep.Textf("No intervals: %v.", err)
			ivs = nil
		}
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
	if ivs != nil {
		t.Header = append(t.Header, "90% interval")
	}
	for _, i := range order[:top] {
		c := cs[i]
		topSum += vals[i]
		row := []string{c.ID, report.Num(c.Frequency, 0), report.Num(c.Recency, 1), report.Num(c.T, 1),
			report.Num(c.Monetary, 2), report.Num(m.Purchase.PAlive(c), 3),
			report.Num(m.Purchase.ConditionalExpectedPurchases(c, horizon), 2),
			report.Num(m.Spend.ConditionalExpectedSpend(c), 2), report.Num(vals[i], 2)}
		if ivs != nil {
			row = append(row, report.Num(ivs[i].Value.Lower, 2)+" … "+report.Num(ivs[i].Value.Upper, 2))
		}
		t.Rows = append(t.Rows, row)
	}
	rep.Table(t)
	rep.Textf("Total value of %d customers: %.0f; the top %d hold %.1f%% of it.", len(cs), total, top, 100*topSum/total)
	if ivs == nil {
		return byID, nil
	}
	rep.Textf("With the uncertainty of the fitted parameters, the total is %.0f … %.0f (90%% interval, delta method: "+
		"the customers share the parameters, so their errors add up rather than cancel). The intervals leave out "+
		"the randomness of each customer's future purchases.", totalIv.Lower, totalIv.Upper)
	if err := valueIntervalChart(rep, cs, ivs, order[:top], set.Months); err != nil {
		return nil, err
	}
	return byID, tornado(rep, m, cs, opt, set)
}

// valueIntervalChart draws the top customers' values with their 90%
// intervals.
func valueIntervalChart(rep *report.Report, cs []clv.Customer, ivs []clv.ScoreInterval, top []int, months int) error {
	f := plots.Forest{
		Title:  fmt.Sprintf("Top %d customers: %d-month value with 90%% intervals", len(top), months),
		XLabel: "value (currency)", Linear: true, Legend: "value and 90% interval (delta method)",
	}
	for _, i := range top {
		v := ivs[i].Value
		f.Rows = append(f.Rows, plots.ForestRow{Name: cs[i].ID, Estimate: v.Estimate, Lower: v.Lower, Upper: v.Upper, Truth: math.NaN()})
	}
	if err := f.Save(rep.Path("value_intervals.png")); err != nil {
		return err
	}
	rep.Image("value_intervals.png", "Each bar is a customer's 90% interval from the uncertainty of the fitted parameters; the randomness of their future purchases comes on top.")
	return nil
}

// tornado shows how the total value moves with margin (half to 1.5 times),
// the annual discount rate (0% to twice) and the horizon (half to twice),
// one input at a time.
func tornado(rep *report.Report, m Models, cs []clv.Customer, opt clv.ValueOptions, set ValueSettings) error {
	sens, err := clv.ValueSensitivity(m.Purchase, m.Spend, cs, opt, clv.SensitivityOptions{
		Margins:   []float64{set.Margin / 2, min(1, 1.5*set.Margin)},
		Discounts: []float64{0, clv.RatePer(2*set.AnnualRate, clv.Month)},
		Horizons:  []int{max(1, set.Months/2), 2 * set.Months},
	})
	if err != nil {
		return err
	}
	label := map[string]func(v float64) string{
		"Margin":   func(v float64) string { return report.Pct(v, 0) },
		"Discount": func(v float64) string { return report.Pct(math.Pow(1+v, 12)-1, 0) + " a year" },
		"Horizon":  func(v float64) string { return report.Num(v, 0) + " months" },
	}
	f := plots.Forest{
		Title:  "What moves the total value: one input at a time",
		XLabel: "total value (currency)", Linear: true, BarWidth: vg.Points(14),
		Reference: plots.Marker{X: sens.Base, Label: "base case"},
	}
	t := report.Table{Caption: "Sensitivity of the total value (tornado chart's rows)", Header: []string{"input", "settings", "total value", "swing"}}
	for _, in := range sens.Inputs {
		lo, hi := label[in.Name](in.Settings[0]), label[in.Name](in.Settings[len(in.Settings)-1])
		f.Rows = append(f.Rows, plots.ForestRow{Name: in.Name + " " + lo + "–" + hi, Estimate: math.NaN(), Lower: in.Low, Upper: in.High, Truth: math.NaN()})
		t.Rows = append(t.Rows, []string{in.Name, lo + " … " + hi, report.Num(in.Low, 0) + " … " + report.Num(in.High, 0), report.Num(in.High-in.Low, 0)})
	}
	rep.Table(t)
	if err := f.Save(rep.Path("value_tornado.png")); err != nil {
		return err
	}
	rep.Image("value_tornado.png", "Each bar is the total value as one input moves over its range, the others at the base case; the widest bar matters most.")
	return nil
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
