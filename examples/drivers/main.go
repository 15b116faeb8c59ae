// Drivers asks what drives customer value: which customers buy more
// often, which stay longer and which spend more per order, by acquisition
// channel and by the value of their first order. It fits a Pareto/NBD with
// covariates on both the purchase and the dropout process and a
// Gamma-Gamma with covariates on spend, prints the coefficients with
// standard errors, p-values and likelihood-ratio tests against the models
// without covariates, draws them as a forest plot, and values every
// customer over the next 12 months with their own purchase and spend
// models.
//
//	go run ./examples/drivers [-customers 6000] [-seed 3] [-out ltv-out/drivers]
//
// The store is simulated (no file is needed) from known coefficients, so
// every estimate can be set against the truth it should recover. Time is
// in weeks.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/examples/internal/plots"
	"github.com/ltvgo/ltv/examples/internal/report"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "drivers:", err)
		os.Exit(1)
	}
}

const week = 7 * 24 * time.Hour

// The simulated store. Channel is a categorical covariate (organic is the
// reference level) and first-order value enters as log(value/50), so a
// coefficient is the effect of doubling it divided by ln 2.
var (
	channels = []string{"organic", "paid", "referral"}
	chanMix  = []float64{0.5, 0.3, 0.2}
	names    = []string{"paid", "referral", "log_first_order"}
	// Pareto/NBD (Fader & Hardie 2007 parameterisation): α_i = α·exp(−γ_p·z),
	// β_i = β·exp(−γ_d·z), so a positive purchase coefficient raises the
	// purchase rate and a positive dropout coefficient shortens lifetimes.
	truePurchase = clv.ParetoNBDCov{
		ParetoNBD: clv.ParetoNBD{R: 0.6, Alpha: 8, S: 0.8, Beta: 12, Period: week},
		Purchase:  []float64{-0.3, 0.35, 0.3},
		Dropout:   []float64{0.5, -0.4, -0.25},
	}
	// Gamma-Gamma with γ_i = γ·exp(δ·z): mean spend per order p·γ_i/(q−1).
	trueSpend = clv.GammaGammaCov{
		GammaGamma: clv.GammaGamma{P: 6, Q: 4, Gamma: 15},
		Spend:      []float64{-0.1, 0.15, 0.5},
	}
)

// store is the simulated calibration data: one summary row and one
// covariate row per customer.
type store struct {
	cs      []clv.Customer
	z       [][]float64
	channel []int
}

// simulate draws n customers: a channel from the mix, a first order worth
// 50·exp(N(0, 0.5²)), and then each customer's purchases and spend from
// their own models over an age of 1 to 52 weeks, in the models' own
// continuous time.
func simulate(n int, seed uint64) (store, error) {
	rng := rand.New(rand.NewPCG(seed, 7))
	s := store{cs: make([]clv.Customer, n), z: make([][]float64, n), channel: make([]int, n)}
	for i := range n {
		u, ch := rng.Float64(), 0
		for ch < len(chanMix)-1 && u >= chanMix[ch] {
			u -= chanMix[ch]
			ch++
		}
		z := []float64{0, 0, 0.5 * rng.NormFloat64()}
		if ch > 0 {
			z[ch-1] = 1
		}
		rows, err := clv.SimulateParetoNBDCustomers(truePurchase.For(z, z), clv.CustomerSimulationOptions{
			// A seed from the store's stream: seeds that differ only in a few
			// bits (seed<<32 + i) gave correlated customers and biased the
			// spend coefficients by 0.7 standard errors on average.
			Customers: 1, Weeks: 52, Period: week, Spend: trueSpend.For(z), Seed: rng.Uint64(),
			Continuous: true, // day buckets would merge same-day orders and inflate spend per order
		})
		if err != nil {
			return s, err
		}
		rows[0].ID = fmt.Sprintf("c%05d", i)
		s.cs[i], s.z[i], s.channel[i] = rows[0], z, ch
	}
	return s, nil
}

// drivers is what the example fits.
type drivers struct {
	purchase              clv.ParetoNBDCov
	spend                 clv.GammaGammaCov
	purchaseFit, spendFit clv.Fit
	plainPurchase         clv.Fit // the same models without covariates, for the LR tests
	plainSpend            clv.Fit
}

// fit fits the models with and without covariates.
func fit(s store) (drivers, error) {
	var d drivers
	var err error
	cov := clv.Covariates{Purchase: s.z, Dropout: s.z, PurchaseNames: names, DropoutNames: names}
	if d.purchase, d.purchaseFit, err = clv.FitParetoNBDCov(s.cs, cov, &clv.FitOptions{Period: week}); err != nil {
		return d, fmt.Errorf("Pareto/NBD with covariates: %w", err)
	}
	if _, d.plainPurchase, err = clv.FitParetoNBD(s.cs, &clv.FitOptions{Period: week}); err != nil {
		return d, fmt.Errorf("Pareto/NBD: %w", err)
	}
	if d.spend, d.spendFit, err = clv.FitGammaGammaCov(s.cs, clv.SpendCovariates{Spend: s.z, Names: names}, nil); err != nil {
		return d, fmt.Errorf("Gamma-Gamma with covariates: %w", err)
	}
	if _, d.plainSpend, err = clv.FitGammaGamma(s.cs, nil); err != nil {
		return d, fmt.Errorf("Gamma-Gamma: %w", err)
	}
	return d, nil
}

// coefficient is one estimated coefficient with its truth.
type coefficient struct {
	process, name       string
	estimate, se, truth float64
}

// coefficients lists the purchase, dropout and spend coefficients in
// Fit.StdErr order: after the base parameters (4 for the Pareto/NBD, 3 for
// the Gamma-Gamma) come the purchase, then the dropout coefficients.
func (d drivers) coefficients() []coefficient {
	var out []coefficient
	k := len(names)
	for j, name := range names {
		out = append(out,
			coefficient{"purchase rate", name, d.purchase.Purchase[j], d.purchaseFit.StdErr[4+j], truePurchase.Purchase[j]},
			coefficient{"dropout rate", name, d.purchase.Dropout[j], d.purchaseFit.StdErr[4+k+j], truePurchase.Dropout[j]},
			coefficient{"spend per order", name, d.spend.Spend[j], d.spendFit.StdErr[3+j], trueSpend.Spend[j]})
	}
	slices.SortStableFunc(out, func(a, b coefficient) int {
		return slices.Index([]string{"purchase rate", "dropout rate", "spend per order"}, a.process) -
			slices.Index([]string{"purchase rate", "dropout rate", "spend per order"}, b.process)
	})
	return out
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("drivers", flag.ContinueOnError)
	fs.SetOutput(stdout)
	n := fs.Int("customers", 6000, "simulated `customers`")
	seed := fs.Uint64("seed", 3, "random `seed` of the simulation")
	out := fs.String("out", filepath.Join("ltv-out", "drivers"), "`folder` for the plots and index.html")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n < 500 {
		return fmt.Errorf("-customers %d: want at least 500", *n)
	}
	rep, err := report.New("What drives value: purchase, dropout and spend by channel and first order", *out, stdout)
	if err != nil {
		return err
	}
	s, err := simulate(*n, *seed)
	if err != nil {
		return err
	}
	d, err := fit(s)
	if err != nil {
		return err
	}
	if err := coefficientTable(rep, d); err != nil {
		return err
	}
	if err := valueByDriver(rep, s, d); err != nil {
		return err
	}
	index, err := rep.Write()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nOpen %s to see the tables and plots together.\n", index)
	return nil
}

// coefficientTable prints the coefficients with their tests and draws them
// as a forest plot against the truth.
func coefficientTable(rep *report.Report, d drivers) error {
	rep.Section("Which customers buy more, stay longer and spend more")
	rep.Textf("A Pareto/NBD with the same three covariates on the purchase and on the dropout process (CLVTools' parameterisation: each moves its process's rate by the factor exp(γ·z)), and a Gamma-Gamma with them on the scale of spend (each moves the mean spend per order by exp(δ·z)). Organic is the reference channel; log_first_order is log(first order value / 50).")
	t := report.Table{
		Caption: "Coefficients with standard errors, Wald z and two-sided p-values, and the simulated truth",
		Header:  []string{"process", "covariate", "estimate", "std. error", "z", "p", "rate factor exp(γ)", "truth"},
	}
	var rows []plots.ForestRow
	for _, c := range d.coefficients() {
		z := c.estimate / c.se
		t.Rows = append(t.Rows, []string{c.process, c.name, report.Num(c.estimate, 3), report.Num(c.se, 3), report.Num(z, 2),
			report.PValue(math.Erfc(math.Abs(z) / math.Sqrt2)), report.Num(math.Exp(c.estimate), 3), report.Num(c.truth, 2)})
		rows = append(rows, plots.ForestRow{Name: c.process + ": " + c.name, Estimate: c.estimate,
			Lower: c.estimate - 1.96*c.se, Upper: c.estimate + 1.96*c.se, Truth: c.truth})
	}
	rep.Table(t)
	for _, lr := range []struct {
		what             string
		restricted, full clv.Fit
	}{{"purchase and dropout (Pareto/NBD)", d.plainPurchase, d.purchaseFit}, {"spend (Gamma-Gamma)", d.plainSpend, d.spendFit}} {
		stat, p := clv.LikelihoodRatioTest(lr.restricted, lr.full, false)
		rep.Textf("Likelihood-ratio test of the covariates on %s: χ² = %.1f on %d df, p-value %s; AIC %.1f without, %.1f with.",
			lr.what, stat, lr.full.NumParams-lr.restricted.NumParams, report.PValue(p), lr.restricted.AIC(), lr.full.AIC())
	}
	f := plots.Forest{
		Title:     "What drives value: coefficients with 95% intervals and the simulated truth",
		XLabel:    "coefficient (change in the log of the rate or of mean spend)",
		Rows:      rows,
		Linear:    true,
		Reference: plots.Marker{X: 0, Label: "no effect"},
	}
	if err := f.Save(rep.Path("drivers_coefficients.png")); err != nil {
		return err
	}
	rep.Image("drivers_coefficients.png", "Each coefficient with its 95% Wald interval; the truth it should recover is marked.")
	return nil
}

// valueByDriver values every customer over the next 12 months with their
// own purchase and spend models and summarises the values by channel and
// by first-order quintile.
func valueByDriver(rep *report.Report, s store, d drivers) error {
	rep.Section("Predicted 12-month value by channel and first order")
	purchases, err := d.purchase.Models(clv.Covariates{Purchase: s.z, Dropout: s.z, PurchaseNames: names, DropoutNames: names})
	if err != nil {
		return err
	}
	spends, err := d.spend.Models(clv.SpendCovariates{Spend: s.z, Names: names})
	if err != nil {
		return err
	}
	opt := clv.ValueOptions{Horizon: 12, Discount: clv.RatePer(0.10, clv.Month), Margin: 0.3}
	scores, err := clv.ScoreEachWithSpend(purchases, spends, s.cs, opt)
	if err != nil {
		var undefined *clv.DataError
		if errors.As(err, &undefined) {
			return fmt.Errorf("valuing customer %d: %w", undefined.Row, err)
		}
		return err
	}
	t := report.Table{
		Caption: "Mean per customer over the next 12 months (30% margin, 10% a year discount)",
		Header:  []string{"channel", "customers", "P(alive)", "expected orders", "spend per order", "value"},
	}
	// Quintiles of first-order value, by their edges over all customers.
	firsts := make([]float64, len(s.z))
	for i, z := range s.z {
		firsts[i] = z[2]
	}
	edges := slices.Sorted(slices.Values(firsts))
	quintile := func(v float64) int {
		q, _ := slices.BinarySearch(edges, v)
		return min(4, 5*q/len(edges))
	}
	chart := plots.Chart{
		Title:  "Predicted 12-month value by first-order quintile and channel",
		XLabel: "first-order value quintile (1 = smallest first orders)",
		YLabel: "mean predicted 12-month value per customer",
		ZeroY:  true,
		Legend: plots.TopLeft,
	}
	for ch, name := range channels {
		var n, alive, orders, spend, value float64
		var sum, count [5]float64
		for i, sc := range scores {
			if s.channel[i] != ch {
				continue
			}
			n++
			alive += sc.PAlive
			orders += sc.Purchases
			spend += sc.Spend
			value += sc.Value
			q := quintile(firsts[i])
			sum[q] += sc.Value
			count[q]++
		}
		t.Rows = append(t.Rows, []string{name, report.Num(n, 0), report.Num(alive/n, 3), report.Num(orders/n, 2),
			report.Num(spend/n, 2), report.Num(value/n, 2)})
		var x, y []float64
		for q := range sum {
			if count[q] > 0 {
				x = append(x, float64(q+1))
				y = append(y, sum[q]/count[q])
			}
		}
		chart.Series = append(chart.Series, plots.Series{Name: name, X: x, Y: y, Style: plots.LinePoints})
	}
	rep.Table(t)
	if err := chart.Save(rep.Path("drivers_value.png")); err != nil {
		return err
	}
	rep.Image("drivers_value.png", "Mean predicted 12-month value per customer by channel, across quintiles of the first order's value: both drivers at once.")
	return nil
}
