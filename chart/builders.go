package chart

import (
	"errors"
	"fmt"
	"math"
	"strconv"

	"gonum.org/v1/plot"

	"github.com/ltvgo/ltv/churn"
	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/survival"
)

// Labels are the words on a chart built from a library result. An empty
// field keeps the builder's default.
type Labels struct {
	Title, X, Y string
	Model       string // legend name of the model's (or the estimates') series, where there is one
}

// or returns l with its empty fields taken from def.
func (l Labels) or(def Labels) Labels {
	pick := func(a, b string) string {
		if a != "" {
			return a
		}
		return b
	}
	return Labels{pick(l.Title, def.Title), pick(l.X, def.X), pick(l.Y, def.Y), pick(l.Model, def.Model)}
}

// plotOnly builds c, which has no table, as a plain plot.
func (c Lines) plotOnly() (*plot.Plot, error) {
	f, err := c.Figure()
	if err != nil {
		return nil, err
	}
	return f.Plot, nil
}

// KaplanMeier draws survival curves as steps from S(0) = 1 with their
// confidence bands (when a curve has them) and, under the x axis, the
// number at risk of each curve at the axis's major ticks. names[i] labels
// curves[i]. It returns an error for no curves, a nil or empty curve, or
// names that do not match the curves.
func KaplanMeier(curves []*survival.Curve, names []string, lab Labels) (*Figure, error) {
	lab = lab.or(Labels{Title: "Kaplan-Meier survival", X: "time", Y: "S(t)"})
	if len(curves) == 0 {
		return nil, errors.New("chart.KaplanMeier: no curves")
	}
	if len(names) != len(curves) {
		return nil, fmt.Errorf("chart.KaplanMeier: %d names for %d curves", len(names), len(curves))
	}
	last := 0.0
	for i, c := range curves {
		if c == nil || len(c.Time) == 0 || len(c.Survival) != len(c.Time) {
			return nil, fmt.Errorf("chart.KaplanMeier: curve %q is empty or malformed", names[i])
		}
		last = math.Max(last, c.Time[len(c.Time)-1])
	}
	ticks := MajorTicks(0, last)
	c := Lines{
		Title: lab.Title, XLabel: lab.X, YLabel: lab.Y,
		YMin: 0, YMax: 1.02,
		Table: &NumbersTable{Title: "Number at risk", X: ticks, Names: names},
	}
	for i, cv := range curves {
		s := Series{Name: names[i], X: append([]float64{0}, cv.Time...), Y: append([]float64{1}, cv.Survival...), Style: Steps}
		if len(cv.Lower) == len(cv.Time) && len(cv.Upper) == len(cv.Time) {
			s.Lower, s.Upper = append([]float64{1}, cv.Lower...), append([]float64{1}, cv.Upper...)
		}
		c.Series = append(c.Series, s)
		risk := cv.Table(ticks)
		row := make([]string, len(ticks))
		for j, n := range risk.AtRisk {
			row[j] = strconv.FormatFloat(n, 'f', 0, 64)
		}
		c.Table.Rows = append(c.Table.Rows, row)
	}
	return c.Figure()
}

// Gains draws the cumulative gains curve of a score from its gains table
// (churn.Gains, highest scores first) against the diagonal of a random
// order.
func Gains(groups []churn.GainsGroup, lab Labels) (*plot.Plot, error) {
	lab = lab.or(Labels{Title: "Cumulative gains", X: "share of customers contacted, highest score first",
		Y: "share of all churners reached", Model: "score"})
	if len(groups) == 0 {
		return nil, errors.New("chart.Gains: no groups")
	}
	share, gain := []float64{0}, []float64{0}
	for i, g := range groups {
		share = append(share, float64(i+1)/float64(len(groups)))
		gain = append(gain, g.Gain)
	}
	return Lines{
		Title: lab.Title, XLabel: lab.X, YLabel: lab.Y,
		YMin: 0, YMax: 1,
		Legend: BottomRight,
		Series: []Series{
			{Name: lab.Model, X: share, Y: gain, Style: LinePoints},
			{Name: "random order", X: []float64{0, 1}, Y: []float64{0, 1}, Style: Dashed},
		},
	}.plotOnly()
}

// Calibration draws calibration (reliability) curves from their bins
// (churn.Calibration), names[i] labelling bins[i]: the observed rate
// against the mean predicted probability, with the diagonal of perfect
// calibration. It returns an error for no curves, names that do not match
// them, or a curve without bins.
func Calibration(names []string, bins [][]churn.CalibrationBin, lab Labels) (*plot.Plot, error) {
	lab = lab.or(Labels{Title: "Calibration", X: "mean predicted probability in the bin", Y: "observed rate in the bin"})
	if len(names) != len(bins) {
		return nil, fmt.Errorf("chart.Calibration: %d names for %d curves", len(names), len(bins))
	}
	c := Lines{Title: lab.Title, XLabel: lab.X, YLabel: lab.Y, Diagonal: true, Legend: TopLeft}
	for i, bs := range bins {
		pred := make([]float64, len(bs))
		actual := make([]float64, len(bs))
		for j, b := range bs {
			pred[j], actual[j] = b.MeanPredicted, b.FractionPositive
		}
		c.Series = append(c.Series, Series{Name: names[i], X: pred, Y: actual, Style: LinePoints})
	}
	return c.plotOnly()
}

// Holdout draws a holdout evaluation (clv.EvaluateHoldout) as Fader, Hardie
// and Lee (2005, Figure 4) do: the actual and the predicted mean holdout
// purchases by calibration frequency.
func Holdout(ev clv.HoldoutEvaluation, lab Labels) (*plot.Plot, error) {
	lab = lab.or(Labels{Title: "Calibration vs holdout", X: "repeat purchases in calibration",
		Y: "mean purchases in the holdout", Model: "model prediction"})
	if len(ev.Groups) == 0 {
		return nil, errors.New("chart.Holdout: no groups")
	}
	n := len(ev.Groups)
	x, actual, predicted := make([]float64, n), make([]float64, n), make([]float64, n)
	for i, g := range ev.Groups {
		x[i], actual[i], predicted[i] = float64(g.Frequency), g.Actual, g.Predicted
	}
	return Lines{
		Title: lab.Title, XLabel: lab.X, YLabel: lab.Y,
		ZeroY:  true,
		Legend: TopLeft,
		Series: []Series{
			{Name: "actual", X: x, Y: actual, Style: LinePoints},
			{Name: lab.Model, X: x, Y: predicted, Style: Dashed},
		},
	}.plotOnly()
}

// Tracking draws the actual and the expected cumulative repeat purchases
// (clv.ExpectedCumulativePurchases) at the times at, as Fader, Hardie and
// Lee (2005, Figure 2) do, with a line at calibrationEnd (none when it is
// NaN). It returns an error when the three slices differ in length.
func Tracking(at, actual, expected []float64, calibrationEnd float64, lab Labels) (*plot.Plot, error) {
	lab = lab.or(Labels{Title: "Tracking: cumulative repeat purchases", X: "time",
		Y: "cumulative repeat purchases", Model: "model expected"})
	if len(actual) != len(at) || len(expected) != len(at) {
		return nil, fmt.Errorf("chart.Tracking: %d times, %d actual and %d expected values", len(at), len(actual), len(expected))
	}
	c := Lines{
		Title: lab.Title, XLabel: lab.X, YLabel: lab.Y,
		Legend: TopLeft,
		Series: []Series{
			{Name: "actual", X: at, Y: actual, Style: Line},
			{Name: lab.Model, X: at, Y: expected, Style: Dashed},
		},
	}
	if !math.IsNaN(calibrationEnd) {
		c.Markers = []Marker{{X: calibrationEnd, Label: "end of calibration"}}
	}
	return c.plotOnly()
}

// ValueIntervals draws customers' values with their intervals
// (clv.ScoreInterval.Value, say), one row per customer from the top,
// names[i] labelling ivs[i]. It returns an error for no rows, names that do
// not match the intervals, or an interval without finite limits.
func ValueIntervals(names []string, ivs []clv.Interval, lab Labels) (*plot.Plot, error) {
	lab = lab.or(Labels{Title: "Values with their intervals", X: "value", Model: "value and interval"})
	if len(names) != len(ivs) {
		return nil, fmt.Errorf("chart.ValueIntervals: %d names for %d intervals", len(names), len(ivs))
	}
	f := Forest{Title: lab.Title, XLabel: lab.X, Linear: true, Legend: lab.Model}
	for i, iv := range ivs {
		f.Rows = append(f.Rows, ForestRow{Name: names[i], Estimate: iv.Estimate, Lower: iv.Lower, Upper: iv.Upper, Truth: math.NaN()})
	}
	return f.Plot()
}

// CoxRows returns the rows of a forest plot of hazard ratios with their
// confidence limits (survival.Cox.Summary), without true values (Truth is
// NaN): put them in a Forest with the zero Linear.
func CoxRows(terms []survival.CoxTerm) []ForestRow {
	rows := make([]ForestRow, len(terms))
	for i, t := range terms {
		rows[i] = ForestRow{Name: t.Name, Estimate: t.HazardRatio, Lower: t.Lower, Upper: t.Upper, Truth: math.NaN()}
	}
	return rows
}
