// Churn scores customers by their risk of not buying again: features from the
// transaction log at an as-of date, a logistic regression with its
// coefficient table, an out-of-time check with a lift table, a gains chart
// and a calibration plot, a leaderboard that compares the logistic score with
// a BG/NBD and a Cox model on the same customers, and reason codes for the
// customers most at risk.
//
//	go run ./examples/churn [-csv orders.csv] [-horizon 90] [-out ltv-out/churn]
package main

import (
	"cmp"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ltvgo/ltv/examples/internal/data"
	"github.com/ltvgo/ltv/examples/internal/report"
	"github.com/ltvgo/ltv/examples/internal/steps"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "churn:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("churn", flag.ContinueOnError)
	fs.SetOutput(stdout)
	var src data.Source
	src.Register(fs)
	horizon := fs.Int("horizon", 90, "churn = no purchase in the next `days`")
	top := fs.Int("top", 10, "customers listed with reason codes")
	out := fs.String("out", filepath.Join("ltv-out", "churn"), "`folder` for the plots and index.html")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *horizon < 1 {
		return fmt.Errorf("-horizon %d: want at least 1 day", *horizon)
	}
	store, source, err := src.Load()
	if err != nil {
		return err
	}
	rep, err := report.New("Churn scoring: "+source, *out, stdout)
	if err != nil {
		return err
	}
	cm, err := steps.Churn(rep, store, *horizon)
	if err != nil {
		return err
	}
	coefficients(rep, cm)
	if err := steps.ChurnLeaderboard(rep, store, cm); err != nil {
		return err
	}
	reasons(rep, cm, *top)
	index, err := rep.Write()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nOpen %s to see the tables and plots together.\n", index)
	return nil
}

// coefficients prints the logistic regression's coefficient table.
func coefficients(rep *report.Report, cm steps.ChurnModel) {
	rep.Section("What drives churn")
	t := report.Table{
		Caption: "Logistic regression of churn on the features at the training date (Wald 95% intervals; odds ratio per unit of the feature)",
		Header:  []string{"term", "estimate", "std. error", "z", "p", "odds ratio", "95% interval"},
	}
	for _, term := range cm.Model.Summary(0.95) {
		t.Rows = append(t.Rows, []string{term.Name, report.Num(term.Estimate, 4), report.Num(term.StdErr, 4),
			report.Num(term.Z, 2), report.PValue(term.P), report.Num(term.OddsRatio, 3),
			report.Num(term.OddsLower, 3) + " … " + report.Num(term.OddsUpper, 3)})
	}
	rep.Table(t)
	if !cm.Model.Penalized() {
		lr, df, p := cm.Model.LikelihoodRatio()
		rep.Textf("Likelihood-ratio test of all %d features: χ² = %.1f (p-value %s); McFadden R² = %.3f.", df, lr, report.PValue(p), cm.Model.McFaddenR2())
	}
}

// reasons lists the test customers with the highest churn scores and the
// three features that push each one's score up the most, relative to the
// average customer.
func reasons(rep *report.Report, cm steps.ChurnModel, top int) {
	rep.Section("Customers most at risk, with reasons")
	order := make([]int, len(cm.Scores))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(cm.Scores[b], cm.Scores[a]) })
	t := report.Table{
		Caption: fmt.Sprintf("Top %d churn scores on %s: each reason is a feature's value and its push on the log-odds of churn", top, cm.Test.AsOf[0].Format("2006-01-02")),
		Header:  []string{"customer", "P(churn)", "reason 1", "reason 2", "reason 3"},
	}
	for _, i := range order[:min(top, len(order))] {
		row := []string{cm.Test.IDs[i], report.Num(cm.Scores[i], 3)}
		rs := cm.Model.Reasons(cm.Test.X[i])
		for _, r := range rs[:min(3, len(rs))] {
			row = append(row, fmt.Sprintf("%s = %s (%+.2f)", r.Name, strings.TrimSuffix(report.Num(r.Value, 1), ".0"), r.Contribution))
		}
		t.Rows = append(t.Rows, row)
	}
	rep.Table(t)
}
