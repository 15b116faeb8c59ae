// Quickstart runs the whole ltv story on a store's purchase log: summary,
// BG/NBD and Gamma-Gamma with standard errors, a holdout check, the most
// valuable customers with 90% intervals, the total value's interval and
// its sensitivity to margin, discount rate and horizon, RFM segments with their value, cohort retention,
// customer lifetimes by cohort (Kaplan-Meier) and a churn model's lift table.
//
// Without flags it uses a built-in simulated store:
//
//	go run ./examples/quickstart
//
// On your own log, a CSV with the columns customer_id, date, amount (header
// optional; dates as YYYY-MM-DD or RFC 3339):
//
//	go run ./examples/quickstart -csv orders.csv -out report
//
// Tables are printed; the plots and an index.html showing everything go to
// the -out folder (default ./ltv-out).
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/examples/internal/data"
	"github.com/ltvgo/ltv/examples/internal/report"
	"github.com/ltvgo/ltv/examples/internal/steps"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// options are the command-line settings.
type options struct {
	source     data.Source
	out        string
	margin     float64
	annualRate float64
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("quickstart", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o.source.Register(fs)
	fs.StringVar(&o.out, "out", "ltv-out", "`folder` for the plots and index.html")
	fs.Float64Var(&o.margin, "margin", 0.3, "contribution margin per unit of revenue, in (0, 1]")
	fs.Float64Var(&o.annualRate, "discount", 0.10, "effective annual discount rate")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if o.margin <= 0 || o.margin > 1 {
		return o, fmt.Errorf("-margin %g is not in (0, 1]", o.margin)
	}
	return o, nil
}

func run(args []string, stdout io.Writer) error {
	o, err := parseFlags(args, stdout)
	if err != nil {
		return err
	}
	store, source, err := o.source.Load()
	if err != nil {
		return err
	}
	rep, err := report.New("ltv quickstart: "+source, o.out, stdout)
	if err != nil {
		return err
	}
	if err := story(rep, store, o); err != nil {
		return err
	}
	path, err := rep.Write()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nOpen %s to see the tables and plots together.\n", path)
	return nil
}

// story runs the steps in order; each prints its tables and draws its plots.
func story(rep *report.Report, s data.Store, o options) error {
	sum, err := steps.Summarize(rep, s)
	if err != nil {
		return err
	}
	cal, err := steps.FitModels(rep, steps.Customers(sum.Calibration), "calibration period")
	if err != nil {
		return err
	}
	holdoutWeeks := sum.Calibration[0].HoldoutT
	if err := steps.Heatmaps(rep, cal.Purchase, maxT(sum.Calibration), holdoutWeeks, 20); err != nil {
		return err
	}
	if _, err := steps.Holdout(rep, cal.Purchase, sum.Calibration, 7); err != nil {
		return err
	}
	if err := steps.Tracking(rep, cal.Purchase, s); err != nil {
		return err
	}
	full, err := steps.FitModels(rep, sum.Full, "whole log, for decisions today")
	if err != nil {
		return err
	}
	values, err := steps.Value(rep, full, sum.Full, steps.ValueSettings{Months: 12, AnnualRate: o.annualRate, Margin: o.margin, TopCustomers: 10, Intervals: true})
	if err != nil {
		return err
	}
	if _, err := steps.Segments(rep, s, values); err != nil {
		return err
	}
	if _, err := steps.Cohorts(rep, s); err != nil {
		return err
	}
	if err := steps.Lifetimes(rep, s, 90*24*time.Hour); err != nil {
		return err
	}
	_, err = steps.Churn(rep, s, 90)
	return err
}

// maxT is the age of the oldest customer, in weeks.
func maxT(cs []clv.HoldoutCustomer) float64 {
	t := 0.0
	for _, c := range cs {
		t = max(t, c.T)
	}
	return t
}
