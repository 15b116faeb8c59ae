// Subscription projects contractual retention the way Fader & Hardie (2007),
// "How to project customer retention", do: it fits the shifted-beta-geometric
// (sBG) model and four curve-fitting regressions to the first seven years of
// two cohorts of 1,000 subscribers ("regular" and "high end"), projects years
// 8 to 12, and compares both with what happened. It also reports the
// retention rates and the discounted expected residual lifetime (DERL) of a
// subscriber by tenure. A last section follows simulated subscribers who
// leave for one of two reasons, cancellation or a failed payment: the
// cumulative incidence of each reason by plan (competing risks), and
// Gray's test of the plans.
//
//	go run ./examples/subscription [-data fh2007_retention.csv] [-fit 7] [-out ltv-out/subscription]
//
// The data are looked for in $LTV_REFDATA/sbg, or ../shared/refdata/sbg
// beside the module root; without them the story runs on cohorts simulated
// from the paper's estimates, and says so.
package main

import (
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/cohort"
	"github.com/ltvgo/ltv/examples/internal/data"
	"github.com/ltvgo/ltv/examples/internal/plots"
	"github.com/ltvgo/ltv/examples/internal/report"
	"github.com/ltvgo/ltv/examples/internal/steps"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "subscription:", err)
		os.Exit(1)
	}
}

// segmentData is one cohort's survivor counts by year.
type segmentData struct {
	Name  string
	Alive []float64 // customers active at the start of year t, t = 0, 1, …
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("subscription", flag.ContinueOnError)
	fs.SetOutput(stdout)
	def := filepath.Join(data.RefdataDir(), "sbg", "fh2007_retention.csv")
	path := fs.String("data", def, "retention `file`: a year column, then one column of survivor counts per segment")
	fitYears := fs.Int("fit", 7, "fit the models on years 0..`n`, project the rest")
	discount := fs.Float64("discount", 0.10, "annual discount rate for DERL")
	out := fs.String("out", filepath.Join("ltv-out", "subscription"), "`folder` for the plots and index.html")
	if err := fs.Parse(args); err != nil {
		return err
	}
	segs, err := readRetention(*path)
	if errors.Is(err, os.ErrNotExist) && *path == def {
		// No reference data (a fresh clone): simulate the two segments
		// from Fader & Hardie's (2007) published sBG estimates.
		fmt.Fprintf(stdout, "%s not found: running on cohorts simulated from FH 2007's estimates; give the real counts with -data or LTV_REFDATA.\n\n", *path)
		segs, err = simulatedSegments()
	}
	if err != nil {
		return fmt.Errorf("%w (give the file with -data, or set LTV_REFDATA)", err)
	}
	rep, err := report.New("Subscription retention: sBG against curve fitting (Fader & Hardie 2007)", *out, stdout)
	if err != nil {
		return err
	}
	for i, seg := range segs {
		if *fitYears < 2 || *fitYears >= len(seg.Alive) {
			return fmt.Errorf("-fit %d: need 2 ≤ n < %d (the years in the data)", *fitYears, len(seg.Alive))
		}
		if err := project(rep, seg, *fitYears, *discount, fmt.Sprintf("retention_%d.png", i+1)); err != nil {
			return fmt.Errorf("%s: %w", seg.Name, err)
		}
	}
	if err := churnReasons(rep, "churn_reasons.png"); err != nil {
		return fmt.Errorf("churn reasons: %w", err)
	}
	index, err := rep.Write()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nOpen %s to see the tables and plots together.\n", index)
	return nil
}

// project fits the models on years 0..fit of one segment and compares
// their projections with the actual survivors.
func project(rep *report.Report, seg segmentData, fit int, discount float64, plotName string) error {
	rep.Section(fmt.Sprintf("%s: fitted on years 0–%d, projected to year %d", seg.Name, fit, len(seg.Alive)-1))
	pr, err := cohort.ProjectRetention(seg.Alive[:fit+1], nil)
	if err != nil {
		return err
	}
	m := pr.SBG
	rep.Textf("sBG: churn probability θ ~ Beta(α, β) across subscribers; α = %.4f (SE %s), β = %.4f (SE %s), log-likelihood %.2f.",
		m.Alpha, report.Num(steps.StdErr(pr.Fit, 0), 4), m.Beta, report.Num(steps.StdErr(pr.Fit, 1), 4), pr.Fit.LogLikelihood)

	n0 := seg.Alive[0]
	years := len(seg.Alive)
	t := report.Table{
		Caption: "Share of the cohort still subscribed (%); years after the fit are projections",
		Header:  []string{"year", "actual", "sBG"},
	}
	models := []cohort.SurvivalModel{m}
	for _, tr := range pr.Trends {
		t.Header = append(t.Header, tr.Form.String())
		models = append(models, tr)
	}
	absErr := make([]float64, len(models))
	for y := range years {
		row := []string{strconv.Itoa(y), report.Num(100*seg.Alive[y]/n0, 1)}
		for j, sm := range models {
			if y == 0 && j > 0 {
				row = append(row, "–") // the regressions are fitted on t ≥ 1 (ln t)
				continue
			}
			row = append(row, report.Num(100*sm.Survival(y), 1))
			if y > fit {
				absErr[j] += math.Abs(sm.Survival(y)-seg.Alive[y]/n0) / (seg.Alive[y] / n0)
			}
		}
		t.Rows = append(t.Rows, row)
	}
	errRow := []string{"MAPE, projected years", ""}
	for _, e := range absErr {
		errRow = append(errRow, report.Pct(e/float64(years-1-fit), 1))
	}
	r2Row := []string{"R² on fitted years", ""}
	r2Row = append(r2Row, "")
	for _, tr := range pr.Trends {
		r2Row = append(r2Row, report.Num(tr.R2, 3))
	}
	t.Rows = append(t.Rows, errRow, r2Row)
	rep.Table(t)
	rep.Textf("The regressions fit the observed years closely (high R²) and still miss the later years; the sBG's rising retention rate comes from heterogeneity, not from a curve shape.")

	derl := report.Table{
		Caption: fmt.Sprintf("Retention rate and discounted expected residual lifetime (DERL, years, %.0f%% discount) by tenure", 100*discount),
		Header:  []string{"renewals so far", "next renewal rate", "DERL (years)"},
	}
	for _, renewals := range []int{0, 1, 2, 4, 7, 10} {
		derl.Rows = append(derl.Rows, []string{strconv.Itoa(renewals), report.Pct(m.RetentionRate(renewals+1), 1), report.Num(m.DERL(discount, renewals), 3)})
	}
	rep.Table(derl)
	rep.Textf("A new subscriber's discounted expected lifetime (DEL) is %.3f years: multiply by the annual payment for their value.", m.DEL(discount))

	if err := retentionChart(seg, pr, fit).Save(rep.Path(plotName)); err != nil {
		return err
	}
	rep.Image(plotName, seg.Name+": actual survival, the sBG and the four regressions fitted to the years left of the marker.")
	return nil
}

func retentionChart(seg segmentData, pr *cohort.Projection, fit int) plots.Chart {
	years := make([]float64, len(seg.Alive))
	actual := make([]float64, len(seg.Alive))
	for y := range years {
		years[y], actual[y] = float64(y), 100*seg.Alive[y]/seg.Alive[0]
	}
	curve := func(sm cohort.SurvivalModel, from int) []float64 {
		out := make([]float64, len(years)-from)
		for y := range out {
			out[y] = 100 * sm.Survival(y+from)
		}
		return out
	}
	c := plots.Chart{
		Title:   seg.Name + ": projecting retention from the first " + strconv.Itoa(fit) + " years",
		XLabel:  "years since acquisition",
		YLabel:  "% of the cohort still subscribed",
		YMin:    0,
		YMax:    105,
		Markers: []plots.Marker{{X: float64(fit), Label: "end of fitted years"}},
		Legend:  plots.BottomLeft,
		Series: []plots.Series{
			{Name: "actual", X: years, Y: actual, Style: plots.Points},
			{Name: "sBG", X: years, Y: curve(pr.SBG, 0), Style: plots.Line},
		},
	}
	for _, tr := range pr.Trends {
		// Regressions start at year 1: they are fitted on t ≥ 1.
		c.Series = append(c.Series, plots.Series{Name: tr.Form.String() + " regression", X: years[1:], Y: curve(tr, 1), Style: plots.Dashed})
	}
	return c
}

// readRetention reads a CSV whose first column is the year and whose other
// columns are survivor counts, one per segment, named by the header
// ("regular_alive" becomes "Regular").
func readRetention(path string) ([]segmentData, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(recs) < 4 || len(recs[0]) < 2 {
		return nil, fmt.Errorf("%s: want a header and at least three years of counts", path)
	}
	segs := make([]segmentData, len(recs[0])-1)
	for j := range segs {
		segs[j].Name = segmentName(recs[0][j+1])
	}
	for i, rec := range recs[1:] {
		for j := range segs {
			v, err := strconv.ParseFloat(rec[j+1], 64)
			if err != nil {
				return nil, fmt.Errorf("%s: line %d: count %q is not a number", path, i+2, rec[j+1])
			}
			segs[j].Alive = append(segs[j].Alive, v)
		}
	}
	return segs, nil
}

var segmentNames = map[string]string{"regular_alive": "Regular", "highend_alive": "High End"}

func segmentName(column string) string {
	if name, ok := segmentNames[column]; ok {
		return name
	}
	return column
}

// simulatedSegments draws 1,000 customers for 12 years from each of the
// sBG estimates of Fader & Hardie (2007): Regular (α 0.704, β 1.182) and
// High End (α 0.668, β 3.806).
func simulatedSegments() ([]segmentData, error) {
	var segs []segmentData
	for _, s := range []struct {
		name string
		m    clv.ShiftedBetaGeometric
		seed uint64
	}{
		{"Regular", clv.ShiftedBetaGeometric{Alpha: 0.704, Beta: 1.182}, 2007},
		{"High End", clv.ShiftedBetaGeometric{Alpha: 0.668, Beta: 3.806}, 2008},
	} {
		alive, err := clv.SimulateShiftedBetaGeometric(s.m, clv.CohortSimulationOptions{Size: 1000, Periods: 12, Seed: s.seed})
		if err != nil {
			return nil, err
		}
		segs = append(segs, segmentData{Name: s.name, Alive: alive})
	}
	return segs, nil
}
