package cohort_test

import (
	"fmt"
	"time"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/cohort"
	"github.com/ltvgo/ltv/survival"
)

func ExampleBuild() {
	day := func(m time.Month, d int) time.Time { return time.Date(2024, m, d, 12, 0, 0, 0, time.UTC) }
	txns := []clv.Transaction{
		{CustomerID: "ann", At: day(1, 5), Amount: 30},
		{CustomerID: "ann", At: day(2, 9), Amount: 20},
		{CustomerID: "bob", At: day(1, 20), Amount: 50},
		{CustomerID: "cat", At: day(2, 2), Amount: 40},
		{CustomerID: "cat", At: day(3, 3), Amount: 10},
		{CustomerID: "dan", At: day(3, 14), Amount: 25},
	}
	// The analysis date is 31 March: January to March are complete.
	c, err := cohort.Build(txns, &cohort.Options{End: day(3, 31)})
	if err != nil {
		fmt.Println(err)
		return
	}
	ret := c.Retention()
	for i, row := range ret.Cells {
		fmt.Printf("%s  n=%d  %.2f\n", ret.Labels[i], ret.Sizes[i], row)
	}
	fmt.Printf("average     %.2f\n", ret.Average())
	// Output:
	// 2024-01  n=2  [1.00 0.50 0.00]
	// 2024-02  n=1  [1.00 1.00 NaN]
	// 2024-03  n=1  [1.00 NaN NaN]
	// average     [1.00 0.67 0.00]
}

func ExampleRecurring_Movements() {
	m := func(id string, month time.Month, mrr float64) cohort.MRR {
		return cohort.MRR{CustomerID: id, Month: time.Date(2024, month, 1, 0, 0, 0, 0, time.UTC), Amount: mrr}
	}
	r, err := cohort.BuildRecurring([]cohort.MRR{
		m("a", 1, 100), m("a", 2, 150),
		m("b", 1, 80),
		m("c", 2, 60),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, mv := range r.Movements() {
		fmt.Printf("%s start %.0f new %.0f expansion %.0f churn %.0f end %.0f\n",
			mv.Month.Format("2006-01"), mv.Start, mv.New, mv.Expansion, mv.Churn, mv.End)
	}
	nrr, _ := r.Retention(1)
	fmt.Printf("NRR %.3f GRR %.3f\n", nrr[0].NRR, nrr[0].GRR)
	// Output:
	// 2024-02 start 180 new 60 expansion 50 churn 80 end 210
	// NRR 0.833 GRR 0.556
}

func ExampleBuildLifetimes() {
	day := func(m time.Month, d int) time.Time { return time.Date(2024, m, d, 0, 0, 0, 0, time.UTC) }
	txns := []clv.Transaction{
		{CustomerID: "ann", At: day(1, 1)}, {CustomerID: "ann", At: day(1, 21)},
		{CustomerID: "bob", At: day(1, 10)},
		{CustomerID: "cat", At: day(1, 15)}, {CustomerID: "cat", At: day(3, 20)},
	}
	l, err := cohort.BuildLifetimes(txns, cohort.LifetimeOptions{
		Options: cohort.Options{End: day(3, 31)},
		Gap:     30 * 24 * time.Hour,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, o := range l.Observations {
		fmt.Printf("%s %s churned=%v after %.0f days\n", l.CustomerIDs[i], l.Labels[l.Cohort[i]], o.Event, o.Time)
	}
	km, err := survival.KaplanMeier(l.ByCohort()[0], nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("S(45 days) = %.3f\n", km.At(45))
	// Output:
	// ann 2024-01 churned=true after 50 days
	// bob 2024-01 churned=true after 30 days
	// cat 2024-01 churned=true after 30 days
	// S(45 days) = 0.333
}

func ExampleProjectRetention() {
	// Fader & Hardie (2007), "regular" customers: still active of 1,000
	// at the start of years 0..7.
	alive := []float64{1000, 631, 468, 382, 326, 289, 262, 241}
	p, err := cohort.ProjectRetention(alive, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("sBG alpha %.3f beta %.3f\n", p.SBG.Alpha, p.SBG.Beta)
	fmt.Printf("year 12: sBG %.3f", p.SBG.Survival(12))
	for _, tr := range p.Trends {
		fmt.Printf(", %v %.3f", tr.Form, tr.Survival(12))
	}
	fmt.Println(" (actual 0.173)")
	// Output:
	// sBG alpha 0.704 beta 1.182
	// year 12: sBG 0.170, linear -0.107, quadratic 0.638, exponential 0.102, power 0.187 (actual 0.173)
}
