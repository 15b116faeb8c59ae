package chart_test

import (
	"bytes"
	"image/png"
	"io"
	"math"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/ltvgo/ltv/chart"
	"github.com/ltvgo/ltv/churn"
	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/survival"
)

// drawing is what both a *plot.Plot and a *chart.Figure offer for saving.
type drawing interface {
	WriterTo(w, h vg.Length, format string) (io.WriterTo, error)
}

// legendEntries counts a plot's legend entries (gonum keeps them
// unexported; reflect can still read the length).
func legendEntries(p *plot.Plot) int {
	return reflect.ValueOf(p.Legend).FieldByName("entries").Len()
}

// renderPNG draws d at 6 × 4 inches in memory and checks the PNG's size.
func renderPNG(t *testing.T, d drawing) {
	t.Helper()
	wt, err := d.WriterTo(6*vg.Inch, 4*vg.Inch, "png")
	require.NoError(t, err)
	var buf bytes.Buffer
	_, err = wt.WriteTo(&buf)
	require.NoError(t, err)
	img, err := png.Decode(&buf)
	require.NoError(t, err)
	assert.Equal(t, 6*96, img.Bounds().Dx())
	assert.Equal(t, 4*96, img.Bounds().Dy())
}

func testCurves(t *testing.T) []*survival.Curve {
	t.Helper()
	var out []*survival.Curve
	for _, obs := range [][]survival.Observation{
		{{Time: 1, Event: true}, {Time: 2, Event: true}, {Time: 3}, {Time: 4, Event: true}, {Time: 6}},
		{{Time: 2, Event: true}, {Time: 3, Event: true}, {Time: 5, Event: true}, {Time: 7}},
	} {
		c, err := survival.KaplanMeier(obs, nil)
		require.NoError(t, err)
		out = append(out, c)
	}
	return out
}

func testGains(t *testing.T) []churn.GainsGroup {
	t.Helper()
	g, err := churn.Gains([]float64{0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05},
		[]bool{true, true, false, true, false, false, true, false, false, false}, 5)
	require.NoError(t, err)
	return g
}

func testBins(t *testing.T) []churn.CalibrationBin {
	t.Helper()
	b, err := churn.Calibration([]float64{0.1, 0.2, 0.4, 0.6, 0.8, 0.9}, []bool{false, false, true, false, true, true}, 3, churn.UniformBins)
	require.NoError(t, err)
	return b
}

var testHoldout = clv.HoldoutEvaluation{Groups: []clv.HoldoutGroup{
	{Frequency: 0, Customers: 10, Actual: 0.2, Predicted: 0.25},
	{Frequency: 1, Customers: 5, Actual: 0.8, Predicted: 0.7},
	{Frequency: 2, Customers: 2, Actual: 1.5, Predicted: 1.4},
}}

var testIntervals = []clv.Interval{
	{Estimate: 10, Lower: 8, Upper: 13},
	{Estimate: 7, Lower: 5, Upper: 9},
}

// TestBuilders builds each chart from a small input and checks its words,
// its number of legend entries (the series, plus a reference line where the
// chart has one) and that it renders.
func TestBuilders(t *testing.T) {
	for _, tc := range []struct {
		name          string
		build         func(t *testing.T) (*plot.Plot, drawing, error)
		title, x, y   string
		legendEntries int
	}{
		{"KaplanMeier", func(t *testing.T) (*plot.Plot, drawing, error) {
			f, err := chart.KaplanMeier(testCurves(t), []string{"A", "B"}, chart.Labels{Title: "KM", X: "days"})
			if err != nil {
				return nil, nil, err
			}
			require.NotNil(t, f.Table)
			assert.Len(t, f.Table.Rows, 2)
			assert.Equal(t, []string{"5", "4", "2", "1"}, f.Table.Rows[0], "at risk of A (times ≥ t) at 0, 2, 4, 6")
			return f.Plot, f, nil
		}, "KM", "days", "S(t)", 2},
		{"Gains", func(t *testing.T) (*plot.Plot, drawing, error) {
			p, err := chart.Gains(testGains(t), chart.Labels{Model: "logistic"})
			return p, p, err
		}, "Cumulative gains", "share of customers contacted, highest score first", "share of all churners reached", 2},
		{"Calibration", func(t *testing.T) (*plot.Plot, drawing, error) {
			p, err := chart.Calibration([]string{"a", "b"}, [][]churn.CalibrationBin{testBins(t), testBins(t)}, chart.Labels{})
			return p, p, err
		}, "Calibration", "mean predicted probability in the bin", "observed rate in the bin", 3},
		{"Holdout", func(t *testing.T) (*plot.Plot, drawing, error) {
			p, err := chart.Holdout(testHoldout, chart.Labels{Y: "mean holdout purchases"})
			return p, p, err
		}, "Calibration vs holdout", "repeat purchases in calibration", "mean holdout purchases", 2},
		{"Tracking", func(t *testing.T) (*plot.Plot, drawing, error) {
			p, err := chart.Tracking([]float64{1, 2, 3}, []float64{1, 3, 6}, []float64{1.2, 3.1, 5.5}, 2, chart.Labels{X: "weeks"})
			return p, p, err
		}, "Tracking: cumulative repeat purchases", "weeks", "cumulative repeat purchases", 2},
		{"ValueIntervals", func(t *testing.T) (*plot.Plot, drawing, error) {
			p, err := chart.ValueIntervals([]string{"c1", "c2"}, testIntervals, chart.Labels{})
			return p, p, err
		}, "Values with their intervals", "value", "", 1},
		{"Forest of Cox terms", func(t *testing.T) (*plot.Plot, drawing, error) {
			rows := chart.CoxRows([]survival.CoxTerm{
				{Name: "pro", HazardRatio: 0.7, Lower: 0.5, Upper: 0.95},
				{Name: "referral", HazardRatio: 1.3, Lower: 1.1, Upper: 1.6},
			})
			rows[0].Truth = 0.75
			p, err := chart.Forest{Title: "HR", XLabel: "hazard ratio", Rows: rows}.Plot()
			return p, p, err
		}, "HR", "hazard ratio", "", 2},
		{"Heat", func(t *testing.T) (*plot.Plot, drawing, error) {
			f, err := chart.Heat{Title: "H", XLabel: "x", YLabel: "y", ZLabel: "z", X: []float64{0, 1, 2}, Y: []float64{0, 1},
				Z: [][]float64{{1, 2, math.NaN()}, {4, 5, 6}}, CellFormat: "%.0f"}.Figure()
			if err != nil {
				return nil, nil, err
			}
			require.NotNil(t, f.ColorBar)
			assert.Equal(t, "z", f.ColorBar.Title.Text)
			return f.Plot, f, nil
		}, "H", "x", "y", 0},
		{"Lines with a table and a marker", func(t *testing.T) (*plot.Plot, drawing, error) {
			f, err := chart.Lines{
				Title: "L", XLabel: "x", YLabel: "y",
				Series: []chart.Series{
					{Name: "s", X: []float64{0, 1, 2}, Y: []float64{1, 0.8, 0.5}, Lower: []float64{1, 0.7, math.NaN()}, Upper: []float64{1, 0.9, math.NaN()}, Style: chart.Steps},
					{Name: "t", X: []float64{0, 2}, Y: []float64{1, 0.4}, Style: chart.Dashed},
				},
				Markers: []chart.Marker{{X: 1, Label: "m"}},
				Table:   &chart.NumbersTable{Title: "n", X: []float64{0, 1, 2}, Names: []string{"s"}, Rows: [][]string{{"3", "2", "1"}}},
			}.Figure()
			if err != nil {
				return nil, nil, err
			}
			return f.Plot, f, nil
		}, "L", "x", "y", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, d, err := tc.build(t)
			require.NoError(t, err)
			assert.Equal(t, tc.title, p.Title.Text)
			assert.Equal(t, tc.x, p.X.Label.Text)
			assert.Equal(t, tc.y, p.Y.Label.Text)
			assert.Equal(t, tc.legendEntries, legendEntries(p))
			renderPNG(t, d)
		})
	}
}

// TestBadInput: every builder returns an error, not a panic, for input it
// cannot draw.
func TestBadInput(t *testing.T) {
	nan := math.NaN()
	cs := testCurves(t)
	line := func(x, y []float64) chart.Lines {
		return chart.Lines{Series: []chart.Series{{Name: "s", X: x, Y: y}}}
	}
	heat := func(mod func(*chart.Heat)) error {
		h := chart.Heat{X: []float64{0, 1}, Y: []float64{0, 1}, Z: [][]float64{{1, 2}, {3, 4}}}
		mod(&h)
		_, err := h.Figure()
		return err
	}
	for name, build := range map[string]func() error{
		"KaplanMeier no curves":      func() error { _, err := chart.KaplanMeier(nil, nil, chart.Labels{}); return err },
		"KaplanMeier names ≠ curves": func() error { _, err := chart.KaplanMeier(cs, []string{"A"}, chart.Labels{}); return err },
		"KaplanMeier nil curve": func() error {
			_, err := chart.KaplanMeier([]*survival.Curve{nil}, []string{"A"}, chart.Labels{})
			return err
		},
		"KaplanMeier empty curve": func() error {
			_, err := chart.KaplanMeier([]*survival.Curve{{}}, []string{"A"}, chart.Labels{})
			return err
		},
		"Gains no groups":            func() error { _, err := chart.Gains(nil, chart.Labels{}); return err },
		"Calibration names ≠ curves": func() error { _, err := chart.Calibration([]string{"a"}, nil, chart.Labels{}); return err },
		"Calibration no curves":      func() error { _, err := chart.Calibration(nil, nil, chart.Labels{}); return err },
		"Calibration empty curve": func() error {
			_, err := chart.Calibration([]string{"a"}, [][]churn.CalibrationBin{nil}, chart.Labels{})
			return err
		},
		"Holdout no groups": func() error { _, err := chart.Holdout(clv.HoldoutEvaluation{}, chart.Labels{}); return err },
		"Tracking lengths differ": func() error {
			_, err := chart.Tracking([]float64{1, 2}, []float64{1}, []float64{1, 2}, 1, chart.Labels{})
			return err
		},
		"Tracking infinite marker": func() error {
			_, err := chart.Tracking([]float64{1}, []float64{1}, []float64{1}, math.Inf(1), chart.Labels{})
			return err
		},
		"ValueIntervals names ≠ ivs": func() error { _, err := chart.ValueIntervals([]string{"a"}, testIntervals, chart.Labels{}); return err },
		"ValueIntervals none":        func() error { _, err := chart.ValueIntervals(nil, nil, chart.Labels{}); return err },
		"ValueIntervals NaN limit": func() error {
			_, err := chart.ValueIntervals([]string{"a"}, []clv.Interval{{Estimate: 1, Lower: nan, Upper: 2}}, chart.Labels{})
			return err
		},
		"Forest ratio ≤ 0": func() error {
			_, err := chart.Forest{Rows: []chart.ForestRow{{Name: "a", Estimate: 1, Lower: 0, Upper: 2}}}.Plot()
			return err
		},
		"Forest infinite truth": func() error {
			_, err := chart.Forest{Rows: []chart.ForestRow{{Name: "a", Estimate: 1, Lower: 0.5, Upper: 2, Truth: math.Inf(1)}}}.Plot()
			return err
		},
		"Forest NaN reference": func() error {
			_, err := chart.Forest{Linear: true, Reference: chart.Marker{X: nan, Label: "base"}, Rows: []chart.ForestRow{{Name: "a", Estimate: 1, Lower: 0.5, Upper: 2, Truth: nan}}}.Plot()
			return err
		},
		"Heat no cells":         func() error { return heat(func(h *chart.Heat) { h.Z = nil }) },
		"Heat ragged":           func() error { return heat(func(h *chart.Heat) { h.Z[1] = []float64{1} }) },
		"Heat x ≠ columns":      func() error { return heat(func(h *chart.Heat) { h.X = []float64{0} }) },
		"Heat y ≠ rows":         func() error { return heat(func(h *chart.Heat) { h.Y = []float64{0} }) },
		"Heat row names ≠ rows": func() error { return heat(func(h *chart.Heat) { h.RowNames = []string{"a"} }) },
		"Heat NaN range":        func() error { return heat(func(h *chart.Heat) { h.Min = nan }) },
		"Heat min > max":        func() error { return heat(func(h *chart.Heat) { h.Min, h.Max = 2, 1 }) },
		"Lines no series":       func() error { _, err := chart.Lines{}.Figure(); return err },
		"Lines x ≠ y":           func() error { _, err := line([]float64{1, 2}, []float64{1}).Figure(); return err },
		"Lines no finite point": func() error { _, err := line([]float64{1, 2}, []float64{nan, math.Inf(1)}).Figure(); return err },
		"Lines band length": func() error {
			c := line([]float64{1, 2}, []float64{1, 2})
			c.Series[0].Lower, c.Series[0].Upper = []float64{1}, []float64{2}
			_, err := c.Figure()
			return err
		},
		"Lines table rows ≠ names": func() error {
			c := line([]float64{1}, []float64{1})
			c.Table = &chart.NumbersTable{X: []float64{1}, Rows: [][]string{{"1"}}}
			_, err := c.Figure()
			return err
		},
		"Lines table row ≠ X": func() error {
			c := line([]float64{1}, []float64{1})
			c.Table = &chart.NumbersTable{X: []float64{1}, Names: []string{"a"}, Rows: [][]string{{"1", "2"}}}
			_, err := c.Figure()
			return err
		},
		"Figure without a plot": func() error { _, err := (&chart.Figure{}).WriterTo(vg.Inch, vg.Inch, "png"); return err },
		"Figure in an unknown format": func() error {
			f, err := line([]float64{1}, []float64{1}).Figure()
			require.NoError(t, err)
			_, err = f.WriterTo(vg.Inch, vg.Inch, "bmp?")
			return err
		},
	} {
		t.Run(name, func(t *testing.T) {
			assert.Error(t, build())
		})
	}
}

// TestInputsKept: building a chart neither modifies nor keeps the caller's
// slices.
func TestInputsKept(t *testing.T) {
	cs := testCurves(t)
	before := []survival.Curve{*cs[0], *cs[1]}
	times := append([]float64(nil), cs[0].Time...)
	_, err := chart.KaplanMeier(cs, []string{"A", "B"}, chart.Labels{})
	require.NoError(t, err)
	assert.Equal(t, before[0], *cs[0])
	assert.Equal(t, before[1], *cs[1])
	assert.Equal(t, times, cs[0].Time)

	tab := &chart.NumbersTable{X: []float64{1}, Names: []string{"a"}, Rows: [][]string{{"7"}}}
	fig, err := chart.Lines{Series: []chart.Series{{X: []float64{1}, Y: []float64{1}}}, Table: tab}.Figure()
	require.NoError(t, err)
	tab.Rows[0][0], tab.X[0] = "8", 2
	assert.Equal(t, &chart.NumbersTable{X: []float64{1}, Names: []string{"a"}, Rows: [][]string{{"7"}}}, fig.Table)

	names := []string{"c1", "c2"}
	ivs := append([]clv.Interval(nil), testIntervals...)
	_, err = chart.ValueIntervals(names, ivs, chart.Labels{})
	require.NoError(t, err)
	assert.Equal(t, testIntervals, ivs)
	assert.Equal(t, []string{"c1", "c2"}, names)
}

// TestMajorTicks: ticks at 1, 2 or 5 × 10^k; a range narrower than the
// spacing of floats still ends.
func TestMajorTicks(t *testing.T) {
	assert.Equal(t, []float64{0, 2, 4, 6, 8, 10}, chart.MajorTicks(0, 10))
	assert.Equal(t, []float64{0, 0.05, 0.1, 0.15, 0.2, 0.25}, roundAll(chart.MajorTicks(0, 0.25)))
	assert.NotEmpty(t, chart.MajorTicks(1e16, math.Nextafter(1e16, 2e16)))
}

func roundAll(xs []float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = math.Round(x*1e9) / 1e9
	}
	return out
}
