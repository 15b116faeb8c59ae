// Cdnow reproduces Fader, Hardie & Lee (2005), "Counting your customers the
// easy way", on the CDNOW sample: 2,357 customers who first bought in the
// first quarter of 1997, calibrated on 39 weeks to 30 September 1997 and
// checked on the 39 weeks to 30 June 1998. It prints the BG/NBD and
// Gamma-Gamma estimates beside the published ones, compares BG/NBD with
// Pareto/NBD and MBG/NBD, and draws the paper's tracking plot (Figure 2)
// and conditional expectations (Figure 4).
//
//	go run ./examples/cdnow [-data CDNOW_sample.txt] [-out ltv-out/cdnow]
//
// The log is looked for in $LTV_REFDATA/cdnow, or ../shared/refdata/cdnow
// beside the module root; without it the story runs on a log simulated
// from the paper's estimates, and says so.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/examples/internal/data"
	"github.com/ltvgo/ltv/examples/internal/report"
	"github.com/ltvgo/ltv/examples/internal/steps"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "cdnow:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("cdnow", flag.ContinueOnError)
	fs.SetOutput(stdout)
	def := filepath.Join(data.RefdataDir(), "cdnow", "CDNOW_sample.txt")
	path := fs.String("data", def, "the CDNOW sample `file`")
	out := fs.String("out", filepath.Join("ltv-out", "cdnow"), "`folder` for the plots and index.html")
	if err := fs.Parse(args); err != nil {
		return err
	}
	txns, err := data.ReadCDNOW(*path)
	if errors.Is(err, os.ErrNotExist) && *path == def {
		// No reference data (a fresh clone): tell the same story on a log
		// simulated from the published BG/NBD and Gamma-Gamma estimates.
		fmt.Fprintf(stdout, "%s not found: running on a simulated CDNOW-like log (FHL 2005's estimates); give the real sample with -data or LTV_REFDATA.\n\n", *path)
		txns, err = simulatedCDNOW()
	}
	if err != nil {
		return fmt.Errorf("%w (give the CDNOW sample with -data, or set LTV_REFDATA)", err)
	}
	s := data.Store{
		Txns:           txns,
		Start:          time.Date(1997, 1, 1, 0, 0, 0, 0, time.UTC),
		CalibrationEnd: time.Date(1997, 9, 30, 0, 0, 0, 0, time.UTC),
		End:            time.Date(1998, 6, 30, 0, 0, 0, 0, time.UTC),
	}
	rep, err := report.New("CDNOW: Fader, Hardie & Lee (2005) reproduced", *out, stdout)
	if err != nil {
		return err
	}
	sum, err := steps.Summarize(rep, s)
	if err != nil {
		return err
	}
	cs := steps.Customers(sum.Calibration)
	m, err := steps.FitModels(rep, cs, "calibration, 39 weeks")
	if err != nil {
		return err
	}
	published(rep, m)
	if err := compareModels(rep, cs, m.PurchaseFit); err != nil {
		return err
	}
	if err := steps.Tracking(rep, m.Purchase, s); err != nil {
		return err
	}
	if _, err := steps.Holdout(rep, m.Purchase, sum.Calibration, 7); err != nil {
		return err
	}
	if err := steps.Heatmaps(rep, m.Purchase, 39, 39, 20); err != nil {
		return err
	}
	index, err := rep.Write()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nOpen %s to see the tables and plots together.\n", index)
	return nil
}

// published sets the estimates beside those of the papers (FHL 2005,
// Table 1 / note 025; refdata README).
func published(rep *report.Report, m steps.Models) {
	rep.Section("Against the published estimates")
	row := func(name string, ours, se, paper float64) []string {
		return []string{name, report.Num(ours, 4), report.Num(se, 4), report.Num(paper, 3), report.Num((ours-paper)/se, 2)}
	}
	p, g := m.Purchase, m.Spend
	rep.Table(report.Table{
		Caption: "Estimates, their standard errors and the published values (z = difference in standard errors)",
		Header:  []string{"parameter", "here", "std. error", "published", "z"},
		Rows: [][]string{
			row("BG/NBD r", p.R, steps.StdErr(m.PurchaseFit, 0), 0.243),
			row("BG/NBD α (weeks)", p.Alpha, steps.StdErr(m.PurchaseFit, 1), 4.414),
			row("BG/NBD a", p.A, steps.StdErr(m.PurchaseFit, 2), 0.793),
			row("BG/NBD b", p.B, steps.StdErr(m.PurchaseFit, 3), 2.426),
			row("Gamma-Gamma p", g.P, steps.StdErr(m.SpendFit, 0), 6.25),
			row("Gamma-Gamma q", g.Q, steps.StdErr(m.SpendFit, 1), 3.74),
			row("Gamma-Gamma γ", g.Gamma, steps.StdErr(m.SpendFit, 2), 15.44),
		},
	})
	rep.Textf("BG/NBD log-likelihood %.1f (published −9582.4); Gamma-Gamma %.1f on %.0f customers with a repeat purchase.",
		m.PurchaseFit.LogLikelihood, m.SpendFit.LogLikelihood, m.SpendFit.N)
}

// compareModels fits Pareto/NBD and MBG/NBD to the same summaries and lists
// the three purchase models' fit.
func compareModels(rep *report.Report, cs []clv.Customer, bg clv.Fit) error {
	rep.Section("Three purchase models on the same data")
	pnbd, pf, err := clv.FitParetoNBD(cs, nil)
	if err != nil && !errors.Is(err, clv.ErrNotConverged) {
		return fmt.Errorf("Pareto/NBD: %w", err)
	}
	mbg, mf, err := clv.FitMBGNBD(cs, nil)
	if err != nil && !errors.Is(err, clv.ErrNotConverged) {
		return fmt.Errorf("MBG/NBD: %w", err)
	}
	row := func(name, params string, f clv.Fit, paper string) []string {
		return []string{name, params, report.Num(f.LogLikelihood, 2), paper, report.Num(f.AIC(), 1), report.Num(f.BIC(), 1)}
	}
	rep.Table(report.Table{
		Caption: "Log-likelihood, AIC and BIC (lower is better) of the purchase models",
		Header:  []string{"model", "parameters", "log-likelihood", "published LL", "AIC", "BIC"},
		Rows: [][]string{
			row("BG/NBD", "", bg, "−9582.4"),
			row("Pareto/NBD", fmt.Sprintf("r %.3f, α %.3f, s %.3f, β %.3f", pnbd.R, pnbd.Alpha, pnbd.S, pnbd.Beta), pf, "−9595.0"),
			row("MBG/NBD", fmt.Sprintf("r %.3f, α %.3f, a %.3f, b %.3f", mbg.R, mbg.Alpha, mbg.A, mbg.B), mf, "−9582.13"),
		},
	})
	rep.Textf("Pareto/NBD's β is weakly identified here (its standard error is %s), so compare the models by fit and predictions rather than by β.",
		report.Num(steps.StdErr(pf, 3), 2))
	return nil
}

// simulatedCDNOW draws 2,357 customers acquired in the first 12 weeks of
// 1997 from the BG/NBD and Gamma-Gamma estimates of Fader, Hardie & Lee
// (2005; note 025), observed to 1998-06-30 like the CDNOW sample.
func simulatedCDNOW() ([]clv.Transaction, error) {
	return clv.SimulateBGNBD(clv.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}, clv.SimulationOptions{
		Customers:       2357,
		Start:           time.Date(1997, 1, 1, 0, 0, 0, 0, time.UTC),
		AcquisitionDays: 84,
		End:             time.Date(1998, 6, 30, 0, 0, 0, 0, time.UTC),
		Period:          7 * 24 * time.Hour,
		Spend:           clv.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44},
		Seed:            1997,
	})
}
