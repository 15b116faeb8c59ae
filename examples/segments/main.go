// Segments scores customers by recency, frequency and monetary value (RFM),
// names the eleven usual segments, draws the RFM map with each cell's size
// and model value, and splits customers into value tiers (ABC by expected
// value, heavy/medium/light by past revenue).
//
//	go run ./examples/segments [-csv orders.csv] [-margin 0.3] [-out ltv-out/segments]
package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"github.com/ltvgo/ltv/chart"
	"github.com/ltvgo/ltv/examples/internal/data"
	"github.com/ltvgo/ltv/examples/internal/report"
	"github.com/ltvgo/ltv/examples/internal/steps"
	"github.com/ltvgo/ltv/segment"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "segments:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("segments", flag.ContinueOnError)
	fs.SetOutput(stdout)
	var src data.Source
	src.Register(fs)
	margin := fs.Float64("margin", 0.3, "contribution margin per unit of revenue, in (0, 1]")
	out := fs.String("out", filepath.Join("ltv-out", "segments"), "`folder` for the plots and index.html")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *margin <= 0 || *margin > 1 {
		return fmt.Errorf("-margin %g is not in (0, 1]", *margin)
	}
	store, source, err := src.Load()
	if err != nil {
		return err
	}
	rep, err := report.New("RFM segments and value tiers: "+source, *out, stdout)
	if err != nil {
		return err
	}
	sum, err := steps.Summarize(rep, store)
	if err != nil {
		return err
	}
	m, err := steps.FitModels(rep, sum.Full, "whole log")
	if err != nil {
		return err
	}
	values, err := steps.Value(rep, m, sum.Full, steps.ValueSettings{Months: 12, AnnualRate: 0.10, Margin: *margin, TopCustomers: 5})
	if err != nil {
		return err
	}
	res, err := steps.Segments(rep, store, values)
	if err != nil {
		return err
	}
	if err := rfmMap(rep, res, values); err != nil {
		return err
	}
	if err := tiers(rep, res, values); err != nil {
		return err
	}
	index, err := rep.Write()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nOpen %s to see the tables and plots together.\n", index)
	return nil
}

// rfmMap draws the customers and their mean model value on the grid of the
// recency score R and the combined frequency-monetary score FM, the grid on
// which the eleven segments are defined.
func rfmMap(rep *report.Report, res *segment.Result, values map[string]float64) error {
	const n = 5
	count := make([][]float64, n)
	value := make([][]float64, n)
	for i := range count {
		count[i] = make([]float64, n)
		value[i] = make([]float64, n)
	}
	for _, c := range res.Customers {
		r, fm := c.R-1, c.FM()-1
		count[r][fm]++
		value[r][fm] += values[c.CustomerID]
	}
	for r := range value {
		for fm := range value[r] {
			if count[r][fm] == 0 {
				value[r][fm] = math.NaN()
			} else {
				value[r][fm] /= count[r][fm]
			}
		}
	}
	scores := []float64{1, 2, 3, 4, 5}
	rep.Section("The RFM map")
	maps := []struct {
		name, title, unit, caption string
		z                          [][]float64
		format                     string
	}{
		{"rfm_customers.png", "Customers by recency score R and frequency-monetary score FM", "customers",
			"Customers per cell of the RFM map: R = 5 bought most recently; FM = ⌊(F + M)/2⌋. The eleven segments are regions of this grid.", count, "%.0f"},
		{"rfm_value.png", "Mean 12-month model value by R and FM", "value per customer",
			"Mean model value per cell: big spenders who stopped buying (high FM, low R) are worth little to the model, which expects most of them are gone; the value sits with recent, frequent customers.", value, "%.1f"},
	}
	for _, mp := range maps {
		h := chart.Heat{
			Title:      mp.title,
			XLabel:     "FM score (1 = lowest frequency and spend, 5 = highest)",
			YLabel:     "R score (5 = most recent)",
			ZLabel:     mp.unit,
			X:          scores,
			Y:          scores,
			Z:          mp.z,
			CellFormat: mp.format,
		}
		fig, err := h.Figure()
		if err != nil {
			return err
		}
		if err := rep.Plot(mp.name, mp.caption, fig); err != nil {
			return err
		}
	}
	return nil
}

// tiers splits the customers by expected value (ABC: A holds the top 80% of
// the value, B the next 15%) and by past revenue (heavy = top 20% of
// customers, medium = the next 30%).
func tiers(rep *report.Report, res *segment.Result, values map[string]float64) error {
	rep.Section("Value tiers")
	clvs := make([]float64, len(res.Customers))
	revenue := make([]float64, len(res.Customers))
	for i, c := range res.Customers {
		clvs[i], revenue[i] = values[c.CustomerID], c.Revenue
	}
	abc, err := segment.ABC(clvs, 0.8, 0.95)
	if err != nil {
		return err
	}
	hml, err := segment.HeavyMediumLight(revenue, 0.2, 0.5)
	if err != nil {
		return err
	}
	rep.Table(tierTable("ABC tiers by 12-month model value (A: top 80% of the value, B: next 15%, C: the rest)", abc, []string{"A", "B", "C"}, clvs, revenue))
	rep.Table(tierTable("Heavy/medium/light by past revenue (heavy: top 20% of customers, medium: next 30%)", hml, []string{"Heavy", "Medium", "Light"}, clvs, revenue))
	rep.Textf("Past revenue and expected value disagree for customers who spent a lot but have stopped, and for new customers who are just starting.")
	return nil
}

func tierTable(caption string, tier, names []string, clvs, revenue []float64) report.Table {
	totalV, totalR := 0.0, 0.0
	for i := range clvs {
		totalV += clvs[i]
		totalR += revenue[i]
	}
	t := report.Table{Caption: caption, Header: []string{"tier", "customers", "share of customers", "share of value", "share of past revenue"}}
	for _, name := range names {
		n, v, r := 0, 0.0, 0.0
		for i, got := range tier {
			if got == name {
				n++
				v += clvs[i]
				r += revenue[i]
			}
		}
		t.Rows = append(t.Rows, []string{name, strconv.Itoa(n), report.Pct(float64(n)/float64(len(tier)), 1), report.Pct(v/totalV, 1), report.Pct(r/totalR, 1)})
	}
	return t
}
