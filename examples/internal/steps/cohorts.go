package steps

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/ltvgo/ltv/chart"
	"github.com/ltvgo/ltv/cohort"
	"github.com/ltvgo/ltv/examples/internal/data"
	"github.com/ltvgo/ltv/examples/internal/report"
	"github.com/ltvgo/ltv/survival"
)

// Cohorts tabulates monthly acquisition cohorts: the share of each cohort
// active k months after its first purchase, as a table and a heat map.
func Cohorts(rep *report.Report, s data.Store) (*cohort.Tables, error) {
	rep.Section("Cohort retention")
	c, err := cohort.Build(s.Txns, &cohort.Options{End: s.End})
	if err != nil {
		return nil, err
	}
	ret := c.Retention()
	avg := ret.Average()
	t := report.Table{
		Caption: "Share of each monthly cohort buying in month k after acquisition (– : not yet observed)",
		Header:  []string{"cohort", "customers"},
	}
	var cols []int
	for _, k := range []int{1, 2, 3, 6, 9, 12, 18, 24} {
		if k < len(avg) {
			cols = append(cols, k)
			t.Header = append(t.Header, "k="+strconv.Itoa(k))
		}
	}
	for i, label := range ret.Labels {
		row := []string{label, strconv.Itoa(ret.Sizes[i])}
		for _, k := range cols {
			row = append(row, report.Pct(ret.Cells[i][k], 1))
		}
		t.Rows = append(t.Rows, row)
	}
	row := []string{"all (weighted)", ""}
	for _, k := range cols {
		row = append(row, report.Pct(avg[k], 1))
	}
	t.Rows = append(t.Rows, row)
	rep.Table(t)

	fig, err := retentionHeat(ret).Figure()
	if err != nil {
		return nil, err
	}
	return c, rep.Plot("cohort_retention.png", "Cohort retention: each row a monthly acquisition cohort, each column the months since acquisition; blank cells are not yet observed.", fig)
}

// retentionHeat draws a retention table in percent, coloured on the range of
// the months after acquisition (month 0 is 100% by definition).
func retentionHeat(ret cohort.Table) chart.Heat {
	names := make([]string, len(ret.Labels))
	z := make([][]float64, len(ret.Cells))
	hi := 0.0
	for i, row := range ret.Cells {
		names[i] = fmt.Sprintf("%s (%d)", ret.Labels[i], ret.Sizes[i])
		z[i] = make([]float64, len(row))
		for k, v := range row {
			z[i][k] = 100 * v
			if k > 0 && !math.IsNaN(v) {
				hi = math.Max(hi, 100*v)
			}
		}
	}
	x := make([]float64, len(z[0]))
	for k := range x {
		x[k] = float64(k)
	}
	h := chart.Heat{
		Title:    "Monthly cohorts: % of customers buying k months after acquisition",
		XLabel:   "months since acquisition k",
		YLabel:   "acquisition cohort (customers)",
		ZLabel:   "% active",
		X:        x,
		RowNames: names,
		Z:        z,
		Min:      0,
		Max:      math.Max(hi, 1),
	}
	if len(z) <= 16 && len(x) <= 24 {
		h.CellFormat = "%.0f"
	}
	return h
}

// maxCurves is the most Kaplan-Meier curves drawn in one plot.
const maxCurves = 6

// Lifetimes measures customer lifetimes by quarterly cohort: a customer has
// churned once gap passes without a purchase, and is censored while still
// inside a gap at the end of data. It reports Kaplan-Meier curves with 95%
// bands, medians, and a log-rank test of whether the cohorts differ.
func Lifetimes(rep *report.Report, s data.Store, gap time.Duration) error {
	rep.Section("Customer lifetimes by cohort (Kaplan-Meier)")
	lt, err := cohort.BuildLifetimes(s.Txns, cohort.LifetimeOptions{
		Options: cohort.Options{Period: cohort.Quarterly, End: s.End},
		Gap:     gap,
	})
	if err != nil {
		return err
	}
	gapDays := gap.Hours() / 24
	rep.Textf("A customer has churned once %.0f days pass without a purchase; lifetimes run from the first purchase to the moment that is known, in days. Customers still inside a gap at the end are censored.", gapDays)
	groups := lt.ByCohort()
	curves := make([]*survival.Curve, len(groups))
	t := report.Table{
		Caption: "Lifetimes by quarterly cohort",
		Header:  []string{"cohort", "customers", "churned", "median days", "95% interval", "S(180 d)", "S(365 d)"},
	}
	for i, g := range groups {
		curves[i], err = survival.KaplanMeier(g, nil)
		if err != nil {
			return fmt.Errorf("cohort %s: %w", lt.Labels[i], err)
		}
		c := curves[i]
		med, lo, hi := c.Median()
		t.Rows = append(t.Rows, []string{lt.Labels[i], strconv.Itoa(len(g)), report.Num(sum(c.Events), 0),
			report.Num(med, 0), report.Num(lo, 0) + " … " + report.Num(hi, 0),
			report.Pct(survivalAt(c, 180), 1), report.Pct(survivalAt(c, 365), 1)})
	}
	rep.Table(t)
	if len(groups) > 1 {
		if test, err := survival.LogRank(groups); err == nil {
			rep.Textf("Log-rank test that all cohorts share one lifetime curve: χ² = %.2f on %d df, p = %.3g.", test.ChiSquare, test.DF, test.P)
		} else {
			rep.Textf("Log-rank test not available: %v", err)
		}
	}
	shown := largest(groups, maxCurves)
	var shownCurves []*survival.Curve
	var names []string
	for _, i := range shown {
		shownCurves = append(shownCurves, curves[i])
		names = append(names, lt.Labels[i])
	}
	fig, err := chart.KaplanMeier(shownCurves, names, chart.Labels{
		Title: fmt.Sprintf("Customer lifetimes by acquisition quarter (churn = %.0f days without a purchase)", gapDays),
		X:     "days since first purchase",
		Y:     "share not yet churned S(t)",
	})
	if err != nil {
		return err
	}
	caption := "Share of each cohort not yet churned, with 95% bands (log transform, as R); the table gives the customers still at risk."
	if len(shown) < len(groups) {
		caption += fmt.Sprintf(" The %d largest of %d cohorts are drawn.", len(shown), len(groups))
	}
	return rep.Plot("lifetimes_km.png", caption, fig)
}

// survivalAt is S(t), or NaN past the curve's last time, where the
// estimate says nothing.
func survivalAt(c *survival.Curve, t float64) float64 {
	if t > c.Time[len(c.Time)-1] {
		return math.NaN()
	}
	return c.At(t)
}

// largest returns the indices of the n largest groups, in their order.
func largest(groups [][]survival.Observation, n int) []int {
	idx := make([]int, len(groups))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(len(groups[b]), len(groups[a])) })
	idx = idx[:min(n, len(idx))]
	slices.Sort(idx)
	return idx
}

func sum(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s
}
