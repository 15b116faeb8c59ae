// Retention follows a simulated subscriber base from sign-up to
// cancellation and asks what drives churn and what a subscriber who has
// stayed is worth: a Cox proportional-hazards model with hazard ratios by
// plan and acquisition channel (a table and a forest plot), the check of
// proportional hazards (Grambsch & Therneau's test per term and globally,
// and a plot of scaled Schoenfeld residuals against time), survival curves
// per plan adjusted for the channel mix, and a Weibull accelerated failure
// time model that values the remaining subscription of a subscriber who has
// stayed 14 months.
//
//	go run ./examples/retention [-subscribers 4000] [-seed 14] [-out ltv-out/retention]
//
// The data are simulated (no file is needed), so every estimate can be set
// against the truth it should recover. Time is in months throughout.
package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/ltvgo/ltv/chart"
	"github.com/ltvgo/ltv/examples/internal/report"
	"github.com/ltvgo/ltv/survival"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "retention:", err)
		os.Exit(1)
	}
}

// month is the model's time unit and the billing period: an average
// calendar month, 365.25/12 days.
const month = 2_629_800 * time.Second

// The simulated world. Lifetimes are Weibull with shape k and, for a basic
// plan bought through organic search, scale λ months; plan and channel
// multiply the hazard by exp(β·x), so
//
//	S(t | x) = exp(−(t/λ)^k·exp(β·x)).
const (
	trueShape = 1.3  // k > 1: the cancellation hazard rises with tenure
	trueScale = 30.0 // λ, months
	window    = 36.0 // sign-ups are spread over the 36 months before the data are pulled
	tenure    = 14.0 // the subscriber valued at the end
	discount  = 0.10 // effective annual discount rate
)

var (
	plans    = []string{"basic", "pro", "enterprise"}
	planMix  = []float64{0.50, 0.35, 0.15}
	revenue  = []float64{19, 49, 199} // per month, by plan
	channels = []string{"organic", "paid search", "referral"}
	chanMix  = []float64{0.40, 0.35, 0.25}
	// Model columns (basic and organic are the reference levels) and their
	// true log hazard ratios.
	terms    = []string{"pro", "enterprise", "paid_search", "referral"}
	trueBeta = []float64{math.Log(0.6), math.Log(0.35), math.Log(1.5), math.Log(0.75)}
)

// subscriber is one simulated row.
type subscriber struct {
	plan, channel int
	obs           survival.Observation
}

// design returns the model's covariate row for a plan and channel.
func design(plan, channel int) []float64 {
	x := make([]float64, len(terms))
	if plan > 0 {
		x[plan-1] = 1
	}
	if channel > 0 {
		x[1+channel] = 1
	}
	return x
}

// trueLifetime is the simulated lifetime distribution of a plan and
// channel as an AFT Lifetime: a Weibull PH model with shape k is the AFT
// model log T = log λ − β·x/k + (1/k)·ε.
func trueLifetime(plan, channel int) survival.Lifetime {
	eta := math.Log(trueScale)
	for j, v := range design(plan, channel) {
		eta -= trueBeta[j] * v / trueShape
	}
	return survival.Lifetime{Dist: survival.Weibull, Location: eta, Scale: 1 / trueShape}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("retention", flag.ContinueOnError)
	fs.SetOutput(stdout)
	n := fs.Int("subscribers", 4000, "simulated `subscribers`")
	seed := fs.Uint64("seed", 14, "random `seed` of the simulation")
	out := fs.String("out", filepath.Join("ltv-out", "retention"), "`folder` for the plots and index.html")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n < 200 {
		return fmt.Errorf("-subscribers %d: want at least 200", *n)
	}
	rep, err := report.New("Subscriber retention: Cox and Weibull models of who cancels, and what staying is worth", *out, stdout)
	if err != nil {
		return err
	}
	subs := simulate(*n, *seed)
	describe(rep, subs)

	obs := make([]survival.Observation, len(subs))
	X := make([][]float64, len(subs))
	for i, s := range subs {
		obs[i], X[i] = s.obs, design(s.plan, s.channel)
	}
	cox, err := survival.FitCox(obs, X, &survival.CoxOptions{Names: terms})
	if err != nil {
		return fmt.Errorf("fitting the Cox model: %w", err)
	}
	if err := hazardRatios(rep, cox); err != nil {
		return err
	}
	if err := phCheck(rep, cox, obs, X); err != nil {
		return err
	}
	if err := adjustedCurves(rep, cox, subs); err != nil {
		return err
	}
	aft, err := survival.FitAFT(obs, X, survival.Weibull, nil)
	if err != nil {
		return fmt.Errorf("fitting the Weibull AFT model: %w", err)
	}
	weibull(rep, aft, cox)
	if err := values(rep, aft, cox); err != nil {
		return err
	}
	index, err := rep.Write()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nOpen %s to see the tables and plots together.\n", index)
	return nil
}

// simulate draws n subscribers: a plan and a channel from their mixes, a
// sign-up time uniform over the window, and a Weibull lifetime by
// inversion, T = λ·(E·exp(−β·x))^(1/k) with E standard exponential. A
// subscriber still subscribed when the data are pulled is censored there
// (administrative censoring).
func simulate(n int, seed uint64) []subscriber {
	rng := rand.New(rand.NewPCG(seed, 2024))
	pick := func(mix []float64) int {
		u := rng.Float64()
		for i, p := range mix {
			if u < p {
				return i
			}
			u -= p
		}
		return len(mix) - 1
	}
	subs := make([]subscriber, n)
	for i := range subs {
		s := subscriber{plan: pick(planMix), channel: pick(chanMix)}
		lp := 0.0
		for j, v := range design(s.plan, s.channel) {
			lp += trueBeta[j] * v
		}
		life := trueScale * math.Pow(rng.ExpFloat64()*math.Exp(-lp), 1/trueShape)
		followUp := window * (1 - rng.Float64()) // in (0, window]
		s.obs = survival.Observation{Time: math.Min(life, followUp), Event: life <= followUp}
		subs[i] = s
	}
	return subs
}

// describe prints the base by plan and channel.
func describe(rep *report.Report, subs []subscriber) {
	rep.Section("The subscriber base")
	rep.Textf("%d simulated subscribers who signed up over the last %.0f months; a subscriber still subscribed today is censored at today's tenure. Lifetimes are Weibull (shape %.1f, scale %.0f months for basic/organic) with hazard ratios by plan and channel.",
		len(subs), window, trueShape, trueScale)
	t := report.Table{
		Caption: "Subscribers and cancellations by plan and acquisition channel",
		Header:  []string{"plan", "channel", "subscribers", "cancelled", "cancelled %", "median months observed"},
	}
	for p, plan := range plans {
		for c, ch := range channels {
			var times []float64
			events := 0
			for _, s := range subs {
				if s.plan == p && s.channel == c {
					times = append(times, s.obs.Time)
					if s.obs.Event {
						events++
					}
				}
			}
			t.Rows = append(t.Rows, []string{plan, ch, strconv.Itoa(len(times)), strconv.Itoa(events),
				report.Pct(float64(events)/float64(len(times)), 1), report.Num(median(times), 1)})
		}
	}
	rep.Table(t)
}

// hazardRatios prints the Cox model's hazard ratios and draws them as a
// forest plot.
func hazardRatios(rep *report.Report, cox *survival.Cox) error {
	rep.Section("Cox model: what moves the cancellation hazard")
	rep.Textf("Cox proportional hazards, Efron ties: h(t | x) = h₀(t)·exp(β·x), reference levels basic and organic. %d subscribers, %d cancellations; likelihood-ratio χ² = %.1f on %d df (p %s), concordance %.3f.",
		cox.N, cox.Events, cox.LikelihoodRatio.ChiSquare, cox.LikelihoodRatio.DF, report.PValue(cox.LikelihoodRatio.P), cox.Concordance)
	t := report.Table{
		Caption: "Hazard ratios with Wald 95% intervals (true: the simulated value)",
		Header:  []string{"term", "coef", "std. error", "z", "p", "hazard ratio", "95% interval", "true"},
	}
	summary := cox.Summary(0.95)
	rows := chart.CoxRows(summary)
	for j, term := range summary {
		truth := math.Exp(trueBeta[j])
		t.Rows = append(t.Rows, []string{term.Name, report.Num(term.Coef, 4), report.Num(term.StdErr, 4),
			report.Num(term.Z, 2), report.PValue(term.P), report.Num(term.HazardRatio, 3),
			report.Num(term.Lower, 3) + " … " + report.Num(term.Upper, 3), report.Num(truth, 3)})
		rows[j].Truth = truth
	}
	rep.Table(t)
	rep.Textf("A hazard ratio below 1 means fewer cancellations at every tenure: an enterprise subscriber cancels at %.0f%% of a basic subscriber's rate.", 100*math.Exp(cox.Coef[1]))
	const name = "hazard_ratios.png"
	f := chart.Forest{Title: "Cox hazard ratios (reference: basic plan, organic channel)", XLabel: "hazard ratio (log scale)", Rows: rows}
	p, err := f.Plot()
	if err != nil {
		return err
	}
	return rep.Plot(name, "Hazard ratios with 95% intervals; crosses mark the simulated truth.", p)
}

// phCheck prints the proportional-hazards test and plots one term's
// scaled Schoenfeld residuals against time.
func phCheck(rep *report.Report, cox *survival.Cox, obs []survival.Observation, X [][]float64) error {
	rep.Section("Are the hazards proportional?")
	termTests, global, err := cox.PHTest()
	if err != nil {
		return err
	}
	t := report.Table{
		Caption: "Grambsch–Therneau test (R's cox.zph, Kaplan–Meier time transform): a small p says the term's effect changes with tenure",
		Header:  []string{"term", "χ²", "df", "p"},
	}
	for j, ts := range termTests {
		t.Rows = append(t.Rows, []string{terms[j], report.Num(ts.ChiSquare, 3), strconv.Itoa(ts.DF), report.PValue(ts.P)})
	}
	t.Rows = append(t.Rows, []string{"GLOBAL", report.Num(global.ChiSquare, 3), strconv.Itoa(global.DF), report.PValue(global.P)})
	rep.Table(t)

	res, err := cox.PHTestWith(obs, X, &survival.CoxOptions{Names: terms}, nil)
	if err != nil {
		return err
	}
	// paid_search: a binary column puts each residual on one of two bands
	// (x = 1 or 0 against the risk set's share); one held by about a third
	// of the base keeps both bands and the trend on one readable scale.
	const j = 2
	y := make([]float64, len(res.Time))
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, r := range res.Residuals {
		y[i] = r[j]
		lo, hi = math.Min(lo, y[i]), math.Max(hi, y[i])
	}
	bx, by := binnedMeans(res.Time, y, 12)
	ends := []float64{0, window}
	c := chart.Lines{
		Title:  "Scaled Schoenfeld residuals of " + terms[j] + " against tenure",
		XLabel: "months since sign-up (cancellation time)",
		YLabel: "β(t) of " + terms[j],
		YMin:   lo - 0.05*(hi-lo), YMax: hi + 0.45*(hi-lo), // room for the legend
		Legend: chart.TopRight,
		Series: []chart.Series{
			{Name: "residual + β̂ (one per cancellation)", X: res.Time, Y: y, Style: chart.Points},
			{Name: "mean per 3 months", X: bx, Y: by, Style: chart.LinePoints},
			{Name: "β̂ (constant under PH)", X: ends, Y: []float64{cox.Coef[j], cox.Coef[j]}, Style: chart.Line},
			{Name: "true β", X: ends, Y: []float64{trueBeta[j], trueBeta[j]}, Style: chart.Dashed},
		},
	}
	const name = "schoenfeld_paid_search.png"
	fig, err := c.Figure()
	if err != nil {
		return err
	}
	if err := rep.Plot(name, "A flat trend of the residuals around β̂ is what proportional hazards look like; a slope would say the channel's effect fades or grows with tenure.", fig); err != nil {
		return err
	}
	rep.Textf("The simulation has proportional hazards, so the tests should mostly not reject (global p %s).", report.PValue(global.P))
	return nil
}

// adjustedCurves draws the Cox model's survival curve of each plan
// averaged over the channel mix of the whole base (direct adjustment), next
// to the true curves.
func adjustedCurves(rep *report.Report, cox *survival.Cox, subs []subscriber) error {
	rep.Section("Survival by plan, adjusted for the channel mix")
	share := make([]float64, len(channels))
	for _, s := range subs {
		share[s.channel] += 1 / float64(len(subs))
	}
	rep.Textf("Each plan's curve is the average of the Cox model's predicted curves over the base's channel mix (%s), so the plans are compared on the same customers.", mixText(share))
	times := []float64{3, 6, 12, 24, 36}
	t := report.Table{Caption: "Share still subscribed (Cox, channel-adjusted; true in brackets)", Header: []string{"plan"}}
	for _, m := range times {
		t.Header = append(t.Header, fmt.Sprintf("%.0f months", m))
	}
	grid := make([]float64, 0, 145)
	for m := 0.0; m <= window; m += 0.25 {
		grid = append(grid, m)
	}
	c := chart.Lines{
		Title:  "Share of subscribers still subscribed, by plan",
		XLabel: "months since sign-up",
		YLabel: "% still subscribed",
		YMin:   0, YMax: 102,
		Legend: chart.BottomLeft,
	}
	for p, plan := range plans {
		var adj *survival.Curve
		for ch := range channels {
			cv, err := cox.SurvivalCurve(design(p, ch), 0, nil)
			if err != nil {
				return err
			}
			if adj == nil {
				adj = &survival.Curve{Time: cv.Time, Survival: make([]float64, len(cv.Time))}
			}
			for i, s := range cv.Survival {
				adj.Survival[i] += share[ch] * s
			}
		}
		truth := func(t float64) float64 {
			s := 0.0
			for ch := range channels {
				s += share[ch] * trueLifetime(p, ch).Survival(t)
			}
			return s
		}
		row := []string{plan}
		for _, m := range times {
			row = append(row, report.Pct(adj.At(m), 1)+" ("+report.Pct(truth(m), 1)+")")
		}
		t.Rows = append(t.Rows, row)
		x := append([]float64{0}, adj.Time...)
		y := append([]float64{100}, scaled(adj.Survival, 100)...)
		ty := make([]float64, len(grid))
		for i, m := range grid {
			ty[i] = 100 * truth(m)
		}
		col := p
		c.Series = append(c.Series,
			chart.Series{Name: plan + " (Cox, adjusted)", X: x, Y: y, Style: chart.Steps, Color: &col},
			chart.Series{Name: plan + " (true)", X: grid, Y: ty, Style: chart.Dashed, Color: &col})
	}
	rep.Table(t)
	ticks := chart.MajorTicks(0, window)
	c.Table = &chart.NumbersTable{Title: "At risk", X: ticks, Names: plans}
	for p := range plans {
		var row []string
		for _, m := range ticks {
			k := 0
			for _, s := range subs {
				if s.plan == p && s.obs.Time >= m {
					k++
				}
			}
			row = append(row, strconv.Itoa(k))
		}
		c.Table.Rows = append(c.Table.Rows, row)
	}
	const name = "survival_by_plan.png"
	fig, err := c.Figure()
	if err != nil {
		return err
	}
	return rep.Plot(name, "Channel-adjusted Cox survival curves per plan (steps) against the simulated truth (dashed).", fig)
}

// weibull prints the Weibull AFT fit and sets its implied hazard ratios
// against the Cox model's and the truth.
func weibull(rep *report.Report, aft *survival.AFT, cox *survival.Cox) {
	rep.Section("Weibull AFT model: a parametric curve to extrapolate")
	shape := 1 / aft.Scale
	shapeSE := shape * aft.StdErr[len(aft.StdErr)-1] // delta method on log σ
	rep.Textf("R survreg's Weibull model, log T = β₀ + β·x + σ·ε: log-likelihood %.2f, σ = %.4f, so the Weibull shape 1/σ = %.3f (SE %.3f; true %.1f). A Weibull AFT model is also a PH model with hazard ratio exp(−β/σ).",
		aft.LogLikelihood, aft.Scale, shape, shapeSE, trueShape)
	t := report.Table{
		Caption: "Weibull AFT coefficients: time ratios, and the hazard ratios they imply, against Cox and the truth",
		Header:  []string{"term", "coef", "std. error", "time ratio", "implied HR", "Cox HR", "true HR"},
	}
	t.Rows = append(t.Rows, []string{"(Intercept)", report.Num(aft.Intercept, 4), report.Num(aft.StdErr[0], 4),
		"–", "–", "–", "–"})
	for j, b := range aft.Coef {
		t.Rows = append(t.Rows, []string{terms[j], report.Num(b, 4), report.Num(aft.StdErr[j+1], 4),
			report.Num(math.Exp(b), 3), report.Num(math.Exp(-b/aft.Scale), 3),
			report.Num(math.Exp(cox.Coef[j]), 3), report.Num(math.Exp(trueBeta[j]), 3)})
	}
	rep.Table(t)
}

// values prints the expected discounted revenue still to come from a
// subscriber who has just paid for month 14, by plan and channel.
func values(rep *report.Report, aft *survival.AFT, cox *survival.Cox) error {
	rep.Section(fmt.Sprintf("What a subscriber who has stayed %.0f months is worth", tenure))
	rep.Textf("Expected discounted revenue still to come from a subscriber who has just paid for month %.0f: model unit and billing period one month (365.25/12 days), revenue per month %s, %.0f%% a year discount, payment k made if still subscribed at month %.0f + k (survival.SubscriptionValue).",
		tenure, revenueText(), 100*discount, tenure)
	all := survival.SubscriptionOptions{Unit: month, Period: month, AnnualDiscount: discount}
	// The Cox curves stop at the last cancellation seen (below 36 months)
	// and stay flat after it: they can value the payments up to the end of
	// the data, not beyond.
	through := int(window - tenure)
	part := all
	part.Horizon = through
	t := report.Table{
		Caption: fmt.Sprintf("Residual value per subscriber: all future payments (Weibull AFT, true), and the next %d payments (to month %.0f, within the data) from Cox too", through, window),
		Header:  []string{"plan", "channel", "all: Weibull", "all: true", fmt.Sprintf("next %d: Weibull", through), fmt.Sprintf("next %d: Cox", through), fmt.Sprintf("next %d: true", through)},
	}
	for p, plan := range plans {
		all.Revenue, part.Revenue = revenue[p], revenue[p]
		for ch, channel := range channels {
			x := design(p, ch)
			curve, err := cox.SurvivalCurve(x, 0, nil)
			if err != nil {
				return err
			}
			row := []string{plan, channel}
			for _, v := range []struct {
				s   survival.Survivor
				opt survival.SubscriptionOptions
			}{
				{aft.For(x), all}, {trueLifetime(p, ch), all},
				{aft.For(x), part}, {survival.SurvivorFunc(curve.At), part}, {trueLifetime(p, ch), part},
			} {
				val, err := survival.SubscriptionValue(v.s, tenure, v.opt)
				if err != nil {
					return err
				}
				row = append(row, report.Num(val, 0))
			}
			t.Rows = append(t.Rows, row)
		}
	}
	rep.Table(t)
	rep.Textf("The Weibull model extrapolates past the %.0f months of data; the Cox model cannot, so it only values the payments the data reach. Where the two overlap they should agree.", window)
	return nil
}

// binnedMeans returns the mean of y over 3-month bins of x in [0, bins·3),
// at each bin's mean x, leaving out empty bins.
func binnedMeans(x, y []float64, bins int) (bx, by []float64) {
	sx, sy, n := make([]float64, bins), make([]float64, bins), make([]float64, bins)
	for i, v := range x {
		b := int(v / 3)
		if b < 0 || b >= bins || math.IsNaN(y[i]) {
			continue
		}
		sx[b] += v
		sy[b] += y[i]
		n[b]++
	}
	for b := range bins {
		if n[b] > 0 {
			bx, by = append(bx, sx[b]/n[b]), append(by, sy[b]/n[b])
		}
	}
	return bx, by
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), v...)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func scaled(v []float64, k float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = k * x
	}
	return out
}

func mixText(share []float64) string {
	s := ""
	for c, ch := range channels {
		if c > 0 {
			s += ", "
		}
		s += ch + " " + report.Pct(share[c], 0)
	}
	return s
}

func revenueText() string {
	s := ""
	for p, plan := range plans {
		if p > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%s %.0f", plan, revenue[p])
	}
	return s
}
