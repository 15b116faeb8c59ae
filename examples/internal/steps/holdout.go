package steps

import (
	"fmt"
	"strconv"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/examples/internal/data"
	"github.com/ltvgo/ltv/examples/internal/plots"
	"github.com/ltvgo/ltv/examples/internal/report"
)

// Holdout compares the model's predictions of holdout purchases with what
// the customers did, by calibration frequency (FHL 2005, Figure 4), with a
// last group for maxFreq or more.
func Holdout(rep *report.Report, m clv.PurchaseModel, cal []clv.HoldoutCustomer, maxFreq int) (clv.HoldoutEvaluation, error) {
	rep.Section("Holdout check: does the model predict the next period?")
	ev, err := clv.EvaluateHoldout(m, cal, maxFreq)
	if err != nil {
		return ev, err
	}
	t := report.Table{
		Caption: fmt.Sprintf("Mean purchases per customer in the holdout (%.1f weeks), by repeat purchases in calibration", cal[0].HoldoutT),
		Header:  []string{"calibration x", "customers", "actual", "predicted"},
	}
	x := make([]float64, len(ev.Groups))
	actual := make([]float64, len(ev.Groups))
	predicted := make([]float64, len(ev.Groups))
	for i, g := range ev.Groups {
		label := strconv.Itoa(g.Frequency)
		if i == len(ev.Groups)-1 {
			label += "+"
		}
		t.Rows = append(t.Rows, []string{label, report.Num(g.Customers, 0), report.Num(g.Actual, 3), report.Num(g.Predicted, 3)})
		x[i], actual[i], predicted[i] = float64(g.Frequency), g.Actual, g.Predicted
	}
	rep.Table(t)
	rep.Textf("Total holdout purchases: actual %.0f, predicted %.1f (tracking error %+.1f%%). Per customer: MAE %.3f, RMSE %.3f, correlation %.3f.",
		ev.Actual, ev.Predicted, 100*ev.TrackingError, ev.MAE, ev.RMSE, ev.Correlation)
	chart := plots.Chart{
		Title:  "Calibration vs holdout: mean holdout purchases by calibration frequency",
		XLabel: fmt.Sprintf("repeat purchases in calibration (last point: %d or more)", maxFreq),
		YLabel: fmt.Sprintf("mean purchases in the %.0f-week holdout", cal[0].HoldoutT),
		ZeroY:  true,
		Legend: plots.TopLeft,
		Series: []plots.Series{
			{Name: "actual", X: x, Y: actual, Style: plots.LinePoints},
			{Name: "BG/NBD prediction", X: x, Y: predicted, Style: plots.Dashed},
		},
	}
	if err := chart.Save(rep.Path("holdout.png")); err != nil {
		return ev, err
	}
	rep.Image("holdout.png", "Conditional expectations: customers grouped by calibration frequency, actual vs predicted mean holdout purchases.")
	return ev, nil
}

// Tracking draws the actual and the expected cumulative repeat purchases of
// the whole customer base week by week (FHL 2005, Figure 2), with the end of
// calibration marked.
func Tracking(rep *report.Report, m clv.PurchaseModel, s data.Store) error {
	tr := data.Track(s, data.Week)
	expected := clv.ExpectedCumulativePurchases(m, tr.Firsts, tr.At)
	calEnd := s.CalibrationEnd.Sub(data.Day(s.Start)).Hours() / 24 / 7
	chart := plots.Chart{
		Title:  "Tracking: cumulative repeat purchases, actual vs model",
		XLabel: "weeks since " + s.Start.Format("2 Jan 2006"),
		YLabel: "cumulative repeat purchases (purchase days)",
		Series: []plots.Series{
			{Name: "actual", X: tr.At, Y: tr.Actual, Style: plots.Line},
			{Name: "BG/NBD expected", X: tr.At, Y: expected, Style: plots.Dashed},
		},
		Markers: []plots.Marker{{X: calEnd, Label: "end of calibration"}},
		Legend:  plots.TopLeft,
	}
	if err := chart.Save(rep.Path("tracking.png")); err != nil {
		return err
	}
	last := len(tr.At) - 1
	rep.Textf("After %.0f weeks: %.0f repeat purchases, the model expected %.1f (%+.1f%%).",
		tr.At[last], tr.Actual[last], expected[last], 100*(expected[last]-tr.Actual[last])/tr.Actual[last])
	rep.Image("tracking.png", "Cumulative repeat purchases of all customers; right of the marker the model forecasts data it has not seen.")
	return nil
}
