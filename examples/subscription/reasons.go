package main

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/ltvgo/ltv/examples/internal/plots"
	"github.com/ltvgo/ltv/examples/internal/report"
	"github.com/ltvgo/ltv/survival"
)

// Churn reasons, the competing risks of the subscriber simulation.
const (
	stillSubscribed = iota
	cancelled
	paymentFailed
)

var reasonNames = []string{cancelled: "cancelled", paymentFailed: "payment failed"}

var planNames = []string{"monthly", "annual"}

// The simulation's monthly hazards by plan (monthly, annual).
var (
	cancelRate = []float64{0.040, 0.015}
	failRate   = []float64{0.008, 0.012}
)

// trueIncidence is the simulation's F_k(t) on plan p: with constant
// hazards λ_k, F_k(t) = λ_k/Λ·(1 − e^(−Λt)), Λ = Σ λ_k.
func trueIncidence(p, k int, t float64) float64 {
	total := cancelRate[p] + failRate[p]
	rate := cancelRate[p]
	if k == paymentFailed {
		rate = failRate[p]
	}
	return rate / total * -math.Expm1(-total*t)
}

// subscriber is one simulated subscriber: plan 0 (monthly) or 1 (annual),
// and how follow-up ended.
type subscriber struct {
	plan int
	obs  survival.CompetingObservation
}

// simulateReasons draws n subscribers who joined uniformly over the last
// three years: 40% on the annual plan, cancelling at 4.0% a month on the
// monthly plan and 1.5% on the annual one, losing their payment method at
// 0.8% and 1.2% a month (an annual renewal is a larger charge). Times are
// months, rounded up to quarter months (about a week) as billing systems
// record them.
func simulateReasons(n int, seed uint64) []subscriber {
	rng := rand.New(rand.NewPCG(seed, 15))
	subs := make([]subscriber, n)
	for i := range subs {
		p := 0
		if rng.Float64() < 0.4 {
			p = 1
		}
		tc := rng.ExpFloat64() / cancelRate[p]
		tf := rng.ExpFloat64() / failRate[p]
		follow := 36 * (1 - rng.Float64()) // joined up to 36 months before the end
		t, cause := follow, stillSubscribed
		switch {
		case tc < t && tc < tf:
			t, cause = tc, cancelled
		case tf < t:
			t, cause = tf, paymentFailed
		}
		subs[i] = subscriber{plan: p, obs: survival.CompetingObservation{Time: math.Ceil(4*t) / 4, Cause: cause}}
	}
	return subs
}

// churnReasons adds the competing-risks section: the cumulative incidence
// of each churn reason by plan (Aalen–Johansen, R's survfit with a factor
// status), Gray's test per reason, and the plot.
func churnReasons(rep *report.Report, plotName string) error {
	rep.Section("Why subscribers leave: cancellation and failed payments by plan")
	subs := simulateReasons(5000, 2027)
	rep.Textf("5,000 simulated subscribers (40%% on the annual plan) who leave for one of two reasons, whichever comes first: they cancel, or their payment fails. The cumulative incidence F_k(t) is the share lost to reason k by month t; with the share still subscribed they add up to 100%%.")
	byPlan := make([][]survival.CompetingObservation, len(planNames))
	for _, s := range subs {
		byPlan[s.plan] = append(byPlan[s.plan], s.obs)
	}
	months := []float64{6, 12, 24, 30} // by 36 months almost no one is left in follow-up
	t := report.Table{
		Caption: "Share of each plan lost to each reason by month t (%, Aalen–Johansen, 95% log band; the simulation's true value in parentheses)",
		Header:  []string{"plan", "reason"},
	}
	for _, m := range months {
		t.Header = append(t.Header, fmt.Sprintf("month %.0f", m))
	}
	chart := plots.Chart{
		Title:  "Cumulative incidence of the two churn reasons by plan",
		XLabel: "months since joining",
		YLabel: "% of the plan's subscribers lost to the reason",
		ZeroY:  true,
		Legend: plots.TopLeft,
	}
	for p, obs := range byPlan {
		inc, err := survival.CumulativeIncidence(obs, &survival.IncidenceOptions{Causes: 2})
		if err != nil {
			return err
		}
		for k := cancelled; k <= paymentFailed; k++ {
			row := []string{planNames[p], reasonNames[k]}
			for _, m := range months {
				row = append(row, pctAt(inc, k, m)+" ("+report.Num(100*trueIncidence(p, k, m), 1)+")")
			}
			t.Rows = append(t.Rows, row)
			chart.Series = append(chart.Series, plots.Series{
				Name:  planNames[p] + ": " + reasonNames[k],
				X:     append([]float64{0}, inc.Time...),
				Y:     percent(0, inc.Prob[k]),
				Lower: percent(0, inc.Lower[k]),
				Upper: percent(0, inc.Upper[k]),
				Style: plots.Steps,
			})
		}
	}
	rep.Table(t)
	for k := cancelled; k <= paymentFailed; k++ {
		g, err := survival.GrayTest(byPlan, k, nil)
		if err != nil {
			return err
		}
		rep.Textf("Gray's test, %s: χ² = %.1f on %d df, p = %.2g.", reasonNames[k], g.ChiSquare, g.DF, g.P)
	}
	// The tempting shortcut: Kaplan–Meier with the other reason censored.
	var all []survival.CompetingObservation
	for _, s := range subs {
		all = append(all, s.obs)
	}
	rows, err := survival.CauseSpecific(all, cancelled)
	if err != nil {
		return err
	}
	km, err := survival.KaplanMeier(rows, nil)
	if err != nil {
		return err
	}
	inc, err := survival.CumulativeIncidence(all, nil)
	if err != nil {
		return err
	}
	f30, _ := inc.At(cancelled, 30)
	rep.Textf("Over both plans, %s of subscribers cancel within 30 months. One minus Kaplan–Meier with failed payments censored says %s: it answers \"how many would cancel if payments never failed\", not how many do.",
		report.Pct(f30, 1), report.Pct(1-km.At(30), 1))
	if err := chart.Save(rep.Path(plotName)); err != nil {
		return err
	}
	rep.Image(plotName, "Cumulative incidence of cancellation and payment failure, monthly and annual plan, with 95% bands: the annual plan cancels far less but loses more subscribers to failed payments.")
	return nil
}

// pctAt formats F_k(m) of inc with its band as "12.3 [10.9, 13.8]".
func pctAt(inc *survival.Incidence, k int, m float64) string {
	j := 0
	for j < len(inc.Time) && inc.Time[j] <= m {
		j++
	}
	if j == 0 {
		return "0.0"
	}
	j--
	return fmt.Sprintf("%s [%s, %s]", report.Num(100*inc.Prob[k][j], 1),
		report.Num(100*inc.Lower[k][j], 1), report.Num(100*inc.Upper[k][j], 1))
}

// percent returns first followed by 100·p: a curve from time 0. The band
// limits are NaN where the incidence is still 0; they are drawn at 0.
func percent(first float64, p []float64) []float64 {
	out := make([]float64, 0, len(p)+1)
	out = append(out, first)
	for _, x := range p {
		if math.IsNaN(x) {
			x = 0
		}
		out = append(out, 100*x)
	}
	return out
}
