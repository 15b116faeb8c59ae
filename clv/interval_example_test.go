package clv_test

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/ltvgo/ltv/clv"
)

// Intervals for the 12-month value of a simulated store's customers, and
// for the store's total, from the uncertainty of both fits.
func ExampleScoreWithIntervals() {
	week := 7 * 24 * time.Hour
	cs, err := clv.SimulateBGNBDCustomers(clv.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}, clv.CustomerSimulationOptions{
		Customers: 2000, Period: week, Spend: clv.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}, Seed: 1,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	bg, fit, err := clv.FitBGNBD(cs, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	gg, ggFit, err := clv.FitGammaGamma(cs, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	opt := clv.ValueOptions{Period: week, Horizon: 12, Discount: clv.RatePer(0.10, clv.Month), Margin: 0.3}
	scores, total, err := clv.ScoreWithIntervals(bg, fit, gg, ggFit, cs, opt, clv.IntervalOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, c := range cs[:3] {
		s := scores[i]
		fmt.Printf("x = %2.0f: P(alive) %.3f [%.3f, %.3f], value %5.2f [%5.2f, %5.2f]\n", c.Frequency,
			s.PAlive.Estimate, s.PAlive.Lower, s.PAlive.Upper, s.Value.Estimate, s.Value.Lower, s.Value.Upper)
	}
	fmt.Printf("total: %.0f ± %.0f, 90%% [%.0f, %.0f]\n", total.Estimate, total.StdErr, total.Lower, total.Upper)
	draws, err := clv.TotalValueInterval(bg, fit, gg, ggFit, cs, opt, clv.IntervalOptions{Method: clv.ParameterDraws, Draws: 200, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("by 200 draws: 90%% [%.0f, %.0f]\n", draws.Lower, draws.Upper)
	// Output:
	// x =  0: P(alive) 1.000 [1.000, 1.000], value  1.44 [ 1.30,  1.58]
	// x =  0: P(alive) 1.000 [1.000, 1.000], value 13.17 [12.01, 14.33]
	// x =  1: P(alive) 0.466 [0.421, 0.511], value  4.33 [ 3.85,  4.81]
	// total: 18327 ± 819, 90% [16979, 19675]
	// by 200 draws: 90% [17014, 19716]
}

// A tornado table: how the store's 12-month value moves with margin,
// discount rate and horizon.
func ExampleValueSensitivity() {
	week := 7 * 24 * time.Hour
	bg := clv.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	gg := clv.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}
	cs, err := clv.SimulateBGNBDCustomers(bg, clv.CustomerSimulationOptions{Customers: 2000, Period: week, Spend: gg, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	base := clv.ValueOptions{Period: week, Horizon: 12, Discount: clv.RatePer(0.10, clv.Month), Margin: 0.3}
	s, err := clv.ValueSensitivity(bg, gg, cs, base, clv.SensitivityOptions{
		Margins:   []float64{0.2, 0.4},
		Discounts: []float64{clv.RatePer(0.05, clv.Month), clv.RatePer(0.20, clv.Month)},
		Horizons:  []int{6, 24},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("base %.0f\n", s.Base)
	for _, in := range s.Inputs {
		fmt.Printf("%-8s %6.0f .. %6.0f\n", in.Name, in.Low, in.High)
	}
	// Output:
	// base 18336
	// Horizon   10621 ..  29530
	// Margin    12224 ..  24448
	// Discount  17579 ..  18759
}

// Intervals for a BG/NBD with a covariate: customers from two channels,
// the second buying faster. Each customer's interval carries the
// uncertainty of the base parameters and of the channel's coefficient.
func ExampleScoreWithIntervalsCov() {
	week := 7 * 24 * time.Hour
	truth := clv.BGNBDCov{BGNBD: clv.BGNBD{R: 0.5, Alpha: 8, A: 0.6, B: 2.5}, Purchase: []float64{0.7}}
	var cs []clv.Customer
	var cov clv.Covariates
	for channel := range 2 {
		z := []float64{float64(channel)}
		part, err := clv.SimulateBGNBDCustomers(truth.For(z, nil), clv.CustomerSimulationOptions{
			Customers: 1500, Period: week, Spend: clv.GammaGamma{P: 6, Q: 4, Gamma: 15}, Seed: uint64(channel + 1), Continuous: true,
		})
		if err != nil {
			fmt.Println(err)
			return
		}
		for range part {
			cov.Purchase = append(cov.Purchase, z)
		}
		cs = append(cs, part...)
	}
	m, fit, errP := clv.FitBGNBDCov(cs, cov, nil)
	gg, ggFit, errS := clv.FitGammaGamma(cs, nil)
	if err := errors.Join(errP, errS); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("channel coefficient %.2f (SE %.2f)\n", m.Purchase[0], fit.StdErr[4])
	opt := clv.ValueOptions{Period: week, Horizon: 12, Discount: clv.RatePer(0.10, clv.Month), Margin: 0.3}
	scores, total, err := clv.ScoreWithIntervalsCov(m, fit, gg, ggFit, cs, cov, opt, clv.IntervalOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, from := range []int{0, 1500} { // each channel's first customer with two repeat purchases
		i := from
		for cs[i].Frequency != 2 {
			i++
		}
		s := scores[i]
		fmt.Printf("channel %.0f, x = 2: expected purchases %.2f [%.2f, %.2f]\n", cov.Purchase[i][0],
			s.Purchases.Estimate, s.Purchases.Lower, s.Purchases.Upper)
	}
	fmt.Printf("total: 90%% [%.0f, %.0f]\n", total.Lower, total.Upper)
	// Output:
	// channel coefficient 0.72 (SE 0.07)
	// channel 0, x = 2: expected purchases 1.76 [1.71, 1.81]
	// channel 1, x = 2: expected purchases 2.34 [2.26, 2.42]
	// total: 90% [47018, 51070]
}

// Value intervals when spend depends on a covariate: channel-1 customers
// spend e^0.5 = 1.65 times as much per transaction (mean spend p·γ/(q−1)
// with γ·e^0.5), and the intervals carry the uncertainty of the channel
// coefficient too.
func ExampleScoreWithIntervalsSpendCov() {
	week := 7 * 24 * time.Hour
	bgTruth := clv.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	var cs []clv.Customer
	var cov clv.SpendCovariates
	for channel, gamma := range []float64{15.44, 15.44 * math.Exp(0.5)} {
		part, err := clv.SimulateBGNBDCustomers(bgTruth, clv.CustomerSimulationOptions{
			Customers: 1000, Period: week, Spend: clv.GammaGamma{P: 6.25, Q: 3.74, Gamma: gamma}, Seed: uint64(1 + channel),
		})
		if err != nil {
			fmt.Println(err)
			return
		}
		cs = append(cs, part...)
		for range part {
			cov.Spend = append(cov.Spend, []float64{float64(channel)})
		}
	}
	cov.Names = []string{"channel"}
	bg, fit, err := clv.FitBGNBD(cs, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	gg, ggFit, err := clv.FitGammaGammaCov(cs, cov, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("channel coefficient δ = %.2f (SE %.2f)\n", gg.Spend[0], ggFit.StdErr[3])
	opt := clv.ValueOptions{Period: week, Horizon: 12, Discount: clv.RatePer(0.10, clv.Month), Margin: 0.3}
	scores, total, err := clv.ScoreWithIntervalsSpendCov(bg, fit, gg, ggFit, cs, clv.Covariates{}, cov, opt, clv.IntervalOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, i := range []int{2, 1002} {
		s := scores[i]
		fmt.Printf("channel %.0f, x = %.0f: value %5.2f [%5.2f, %5.2f]\n", cov.Spend[i][0], cs[i].Frequency,
			s.Value.Estimate, s.Value.Lower, s.Value.Upper)
	}
	fmt.Printf("total: %.0f ± %.0f, 90%% [%.0f, %.0f]\n", total.Estimate, total.StdErr, total.Lower, total.Upper)
	// Output:
	// channel coefficient δ = 0.53 (SE 0.04)
	// channel 0, x = 1: value  4.27 [ 3.78,  4.75]
	// channel 1, x = 3: value 11.96 [10.81, 13.12]
	// total: 22935 ± 1077, 90% [21163, 24707]
}
