package steps

import (
	"fmt"
	"strconv"

	"github.com/ltvgo/ltv/chart"
	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/examples/internal/data"
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
	for i, g := range ev.Groups {
		label := strconv.Itoa(g.Frequency)
		if i == len(ev.Groups)-1 {
			label += "+"
		}
		t.Rows = append(t.Rows, []string{label, report.Num(g.Customers, 0), report.Num(g.Actual, 3), report.Num(g.Predicted, 3)})
	}
	rep.Table(t)
	rep.Textf("Total holdout purchases: actual %.0f, predicted %.1f (tracking error %+.1f%%). Per customer: MAE %.3f, RMSE %.3f, correlation %.3f.",
		ev.Actual, ev.Predicted, 100*ev.TrackingError, ev.MAE, ev.RMSE, ev.Correlation)
	p, err := chart.Holdout(ev, chart.Labels{
		Title: "Calibration vs holdout: mean holdout purchases by calibration frequency",
		X:     fmt.Sprintf("repeat purchases in calibration (last point: %d or more)", maxFreq),
		Y:     fmt.Sprintf("mean purchases in the %.0f-week holdout", cal[0].HoldoutT),
		Model: "BG/NBD prediction",
	})
	if err != nil {
		return ev, err
	}
	return ev, rep.Plot("holdout.png", "Conditional expectations: customers grouped by calibration frequency, actual vs predicted mean holdout purchases.", p)
}

// Tracking draws the actual and the expected cumulative repeat purchases of
// the whole customer base week by week (FHL 2005, Figure 2), with the end of
// calibration marked.
func Tracking(rep *report.Report, m clv.PurchaseModel, s data.Store) error {
	tr := data.Track(s, data.Week)
	expected := clv.ExpectedCumulativePurchases(m, tr.Firsts, tr.At)
	calEnd := s.CalibrationEnd.Sub(data.Day(s.Start)).Hours() / 24 / 7
	p, err := chart.Tracking(tr.At, tr.Actual, expected, calEnd, chart.Labels{
		Title: "Tracking: cumulative repeat purchases, actual vs model",
		X:     "weeks since " + s.Start.Format("2 Jan 2006"),
		Y:     "cumulative repeat purchases (purchase days)",
		Model: "BG/NBD expected",
	})
	if err != nil {
		return err
	}
	last := len(tr.At) - 1
	rep.Textf("After %.0f weeks: %.0f repeat purchases, the model expected %.1f (%+.1f%%).",
		tr.At[last], tr.Actual[last], expected[last], 100*(expected[last]-tr.Actual[last])/tr.Actual[last])
	return rep.Plot("tracking.png", "Cumulative repeat purchases of all customers; right of the marker the model forecasts data it has not seen.", p)
}
