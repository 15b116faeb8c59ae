// Package steps holds the steps of the examples' story, each a small
// function that computes one thing with the library, prints its tables into a
// report and draws its plots: summaries, purchase and spend models, the
// holdout check, customer value, RFM segments, cohorts, lifetimes and a churn
// model. The examples call the steps they need, in order.
package steps

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/ltvgo/ltv/chart"
	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/examples/internal/data"
	"github.com/ltvgo/ltv/examples/internal/report"
)

// Summaries are the BTYD summaries of a store, in weeks.
type Summaries struct {
	// Calibration is the summary at the end of the calibration period with
	// each customer's purchases in the holdout.
	Calibration []clv.HoldoutCustomer
	// Full is the summary of the whole log, for decisions made today.
	Full []clv.Customer
}

// Summarize turns the store's log into BTYD summaries and reports what the
// data hold.
func Summarize(rep *report.Report, s data.Store) (Summaries, error) {
	rep.Section("The data")
	cal, err := clv.SummarizeHoldout(s.Txns, clv.SummaryOptions{Period: data.Week, End: s.CalibrationEnd}, s.End)
	if err != nil {
		return Summaries{}, err
	}
	full, err := clv.Summarize(s.Txns, clv.SummaryOptions{Period: data.Week, End: s.End})
	if err != nil {
		return Summaries{}, err
	}
	revenue := 0.0
	for _, t := range s.Txns {
		revenue += t.Amount
	}
	repeat, sumX, sumT := 0, 0.0, 0.0
	for _, c := range cal {
		if c.Frequency > 0 {
			repeat++
		}
		sumX += c.Frequency
		sumT += c.T
	}
	n := float64(len(cal))
	day := func(t time.Time) string { return t.Format(time.DateOnly) }
	rep.Table(report.Table{
		Caption: "Transaction log and calibration summary (time unit: weeks)",
		Header:  []string{"quantity", "value"},
		Rows: [][]string{
			{"transactions", fmt.Sprint(len(s.Txns))},
			{"customers (whole log)", fmt.Sprint(len(full))},
			{"revenue (whole log)", report.Num(revenue, 2)},
			{"calibration period", day(s.Start) + " to " + day(s.CalibrationEnd)},
			{"holdout period", day(s.CalibrationEnd.AddDate(0, 0, 1)) + " to " + day(s.End)},
			{"customers acquired in calibration", fmt.Sprint(len(cal))},
			{"with a repeat purchase", report.Pct(float64(repeat)/n, 1)},
			{"mean repeat purchases x", report.Num(sumX/n, 2)},
			{"mean age T (weeks)", report.Num(sumT/n, 1)},
		},
	})
	return Summaries{Calibration: cal, Full: full}, nil
}

// Customers returns the plain summaries of holdout rows.
func Customers(hs []clv.HoldoutCustomer) []clv.Customer {
	cs := make([]clv.Customer, len(hs))
	for i, h := range hs {
		cs[i] = h.Customer
	}
	return cs
}

// Models are a fitted purchase model and spend model with their fit reports.
type Models struct {
	Purchase    clv.BGNBD
	PurchaseFit clv.Fit
	Spend       clv.GammaGamma
	SpendFit    clv.Fit
}

// FitModels fits BG/NBD and Gamma-Gamma to cs (in weeks) and reports the
// estimates with standard errors. A fit that stops short of convergence is
// reported and kept; any other failure is returned.
func FitModels(rep *report.Report, cs []clv.Customer, what string) (Models, error) {
	rep.Section("Purchase and spend models (" + what + ")")
	var m Models
	var err error
	m.Purchase, m.PurchaseFit, err = clv.FitBGNBD(cs, nil)
	if err = tolerateNotConverged(rep, "BG/NBD", err); err != nil {
		return m, err
	}
	m.Spend, m.SpendFit, err = clv.FitGammaGamma(cs, nil)
	if err = tolerateNotConverged(rep, "Gamma-Gamma", err); err != nil {
		return m, err
	}
	rep.Table(ParameterTable("BG/NBD: purchases while alive ~ Poisson(λ), λ ~ Gamma(r, α); dropout after each repeat purchase ~ Beta(a, b)",
		[]string{"r", "α (weeks)", "a", "b"},
		[]float64{m.Purchase.R, m.Purchase.Alpha, m.Purchase.A, m.Purchase.B}, m.PurchaseFit))
	rep.Table(ParameterTable("Gamma-Gamma: spend per purchase ~ Gamma(p, ν), ν ~ Gamma(q, γ)",
		[]string{"p", "q", "γ (currency)"},
		[]float64{m.Spend.P, m.Spend.Q, m.Spend.Gamma}, m.SpendFit))
	rep.Textf("BG/NBD: log-likelihood %.2f, AIC %.1f, BIC %.1f over %.0f customers. Gamma-Gamma: mean spend per purchase %.2f.",
		m.PurchaseFit.LogLikelihood, m.PurchaseFit.AIC(), m.PurchaseFit.BIC(), m.PurchaseFit.N, m.Spend.MeanSpend())
	if rho, err := clv.SpendFrequencyCorrelation(cs); err == nil {
		rep.Textf("Gamma-Gamma assumes spend does not depend on frequency: their correlation here is %.3f (near 0 is good).", rho)
	}
	return m, nil
}

// tolerateNotConverged reports a fit that did not converge and lets the
// example go on with its best estimate; other errors are returned.
func tolerateNotConverged(rep *report.Report, model string, err error) error {
	if errors.Is(err, clv.ErrNotConverged) {
		rep.Textf("Warning: the %s fit did not fully converge (%v); its best estimate is used.", model, err)
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: %w", model, err)
	}
	return nil
}

// ParameterTable lists estimates with their standard errors and 95% Wald
// intervals.
func ParameterTable(caption string, names []string, est []float64, fit clv.Fit) report.Table {
	t := report.Table{Caption: caption, Header: []string{"parameter", "estimate", "std. error", "95% interval"}}
	for i, name := range names {
		se := StdErr(fit, i)
		t.Rows = append(t.Rows, []string{name, report.Num(est[i], 4), report.Num(se, 4),
			report.Num(est[i]-1.96*se, 3) + " … " + report.Num(est[i]+1.96*se, 3)})
	}
	return t
}

// StdErr is the i-th standard error of f, NaN when the fit has none (the
// Hessian was not positive definite).
func StdErr(f clv.Fit, i int) float64 {
	if i < len(f.StdErr) {
		return f.StdErr[i]
	}
	return math.NaN()
}

// Heatmaps draws P(alive) and the expected purchases in the next horizon
// weeks over frequency × recency for customers of age T weeks.
func Heatmaps(rep *report.Report, m clv.PurchaseModel, T, horizon float64, maxFreq int) error {
	freqs := make([]float64, maxFreq+1)
	for i := range freqs {
		freqs[i] = float64(i)
	}
	recencies := make([]float64, 40)
	for j := range recencies {
		recencies[j] = T * float64(j) / float64(len(recencies)-1)
	}
	alive := chart.Heat{
		Title:  fmt.Sprintf("P(alive) of a customer first seen %.0f weeks ago", T),
		XLabel: "recency t_x: weeks from first to last purchase",
		YLabel: "frequency x: repeat purchases",
		ZLabel: "P(alive)",
		X:      recencies, Y: freqs,
		Z:   clv.PAliveGrid(m, T, freqs, recencies),
		Min: 0, Max: 1,
	}
	fig, err := alive.Figure()
	if err != nil {
		return err
	}
	if err := rep.Plot("palive.png", "Probability that a customer is still active: high for recent buyers, low for frequent buyers who stopped (white: impossible cells; a customer without repeat purchases has recency 0).", fig); err != nil {
		return err
	}
	exp := alive
	exp.Title = fmt.Sprintf("Expected purchases in the next %.0f weeks (age %.0f weeks)", horizon, T)
	exp.ZLabel = "purchases"
	exp.Z = clv.ExpectedPurchasesGrid(m, T, horizon, freqs, recencies)
	exp.Min, exp.Max = 0, 0
	if fig, err = exp.Figure(); err != nil {
		return err
	}
	return rep.Plot("expected_purchases.png", "Expected purchases over the horizon by frequency and recency: the best prospects are frequent and recent.", fig)
}
