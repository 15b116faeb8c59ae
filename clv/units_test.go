package clv_test

import (
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/clv"
)

// unitCustomers is a seeded weekly BG/NBD sample.
func unitCustomers() []clv.Customer {
	return must(clv.SimulateBGNBDCustomers(bgPub, clv.CustomerSimulationOptions{Customers: 400, Period: week, Spend: ggPub, Seed: 16}))
}

// valueCalls are the value and interval functions that take
// ValueOptions, each reduced to its population total.
var valueCalls = map[string]func(m clv.PurchaseModel, cs []clv.Customer, opt clv.ValueOptions) (float64, error){
	"clv.Score": func(m clv.PurchaseModel, cs []clv.Customer, opt clv.ValueOptions) (float64, error) {
		s, err := clv.Score(m, ggPub, cs, opt)
		if err != nil {
			return 0, err
		}
		var sum float64
		for _, c := range s {
			sum += c.Value
		}
		return sum, nil
	},
	"clv.ScoreEach": func(m clv.PurchaseModel, cs []clv.Customer, opt clv.ValueOptions) (float64, error) {
		models := make([]clv.BGNBD, len(cs))
		for i := range models {
			models[i] = m.(clv.BGNBD)
		}
		v, err := clv.ValueEach(models, ggPub, cs, opt)
		var sum float64
		for _, x := range v {
			sum += x
		}
		return sum, err
	},
	"clv.ScoreWithIntervals": func(m clv.PurchaseModel, cs []clv.Customer, opt clv.ValueOptions) (float64, error) {
		_, total, err := clv.ScoreWithIntervals(m, unitFit, ggPub, unitSpendFit, cs, opt, clv.IntervalOptions{})
		return total.Estimate, err
	},
	"clv.TotalValueInterval": func(m clv.PurchaseModel, cs []clv.Customer, opt clv.ValueOptions) (float64, error) {
		total, err := clv.TotalValueInterval(m, unitFit, ggPub, unitSpendFit, cs, opt, clv.IntervalOptions{Method: clv.ParameterDraws, Draws: 20, Seed: 1})
		return total.Estimate, err
	},
	"clv.ValueSensitivity": func(m clv.PurchaseModel, cs []clv.Customer, opt clv.ValueOptions) (float64, error) {
		s, err := clv.ValueSensitivity(m, ggPub, cs, opt, clv.SensitivityOptions{Margins: []float64{0.5}})
		return s.Base, err
	},
}

// unitFit and unitSpendFit are covariances for the interval functions
// (diagonal, small).
var (
	unitFit      = clv.Fit{Cov: [][]float64{{1e-4, 0, 0, 0}, {0, 1e-3, 0, 0}, {0, 0, 1e-4, 0}, {0, 0, 0, 1e-3}}}
	unitSpendFit = clv.Fit{Cov: [][]float64{{1e-3, 0, 0}, {0, 1e-3, 0}, {0, 0, 1e-2}}}
)

// The trap of issue 16: a weekly model valued with a daily Period reads
// every week as a day. A model that states its unit refuses it with a
// *UnitError; matching units, or the unit stated once on either side,
// give the numbers of the unstated model.
func TestValueRefusesAnotherUnit(t *testing.T) {
	cs := unitCustomers()
	weekly := bgPub
	weekly.Period = week
	daily := clv.ValueOptions{Period: 24 * time.Hour, Horizon: 12, Margin: 1}
	weeks := clv.ValueOptions{Period: week, Horizon: 12, Margin: 1}
	for name, call := range valueCalls {
		t.Run(name, func(t *testing.T) {
			_, err := call(weekly, cs, daily)
			var ue *clv.UnitError
			require.ErrorAs(t, err, &ue)
			assert.ErrorIs(t, err, clv.ErrInvalid)
			assert.Equal(t, clv.UnitError{Func: name, Field: "ValueOptions.Period", Model: week, Stated: 24 * time.Hour}, *ue)
			assert.Contains(t, err.Error(), "ValueOptions.Period")

			old, err := call(bgPub, cs, weeks) // published parameters, the unit stated in the options
			require.NoError(t, err)
			same, err := call(weekly, cs, weeks)
			require.NoError(t, err)
			assert.Equal(t, old, same)
			weeks0 := weeks
			weeks0.Period = 0 // the model's unit
			same, err = call(weekly, cs, weeks0)
			require.NoError(t, err)
			assert.Equal(t, old, same)

			_, err = call(bgPub, cs, weeks0) // nobody states the unit
			var de *clv.DataError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, "ValueOptions.Period", de.Field)
		})
	}
}

// The trap's numbers: the same customers valued as weeks and, wrongly, as
// days differ by a factor of ~3.6, which is why the unit must be checked.
func TestUnitTrapMagnitude(t *testing.T) {
	cs := unitCustomers()
	asWeeks, err := valueCalls["clv.Score"](bgPub, cs, clv.ValueOptions{Period: week, Horizon: 12, Margin: 1})
	require.NoError(t, err)
	asDays, err := valueCalls["clv.Score"](bgPub, cs, clv.ValueOptions{Period: 24 * time.Hour, Horizon: 12, Margin: 1})
	require.NoError(t, err)
	assert.Greater(t, asDays/asWeeks, 3.0)
}

func TestFitRecordsUnitNamesAndFingerprint(t *testing.T) {
	cs := unitCustomers()
	m, fit, err := clv.FitBGNBD(cs, &clv.FitOptions{Period: week})
	require.NoError(t, err)
	assert.Equal(t, week, m.Period)
	assert.Equal(t, []string{"R", "Alpha", "A", "B"}, fit.Names)
	for j, name := range fit.Names {
		se, ok := fit.StdErrOf(name)
		assert.True(t, ok)
		assert.Equal(t, fit.StdErr[j], se)
	}
	se, ok := fit.StdErrOf("alpha") // up to case
	assert.True(t, ok)
	assert.Equal(t, fit.StdErr[1], se)
	_, ok = fit.StdErrOf("beta")
	assert.False(t, ok)

	assert.Equal(t, clv.Fingerprint(cs), fit.Fingerprint)
	assert.Regexp(t, `^sha256:[0-9a-f]{64}$`, fit.Fingerprint)
	shuffled := append([]clv.Customer(nil), cs...)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	assert.Equal(t, fit.Fingerprint, clv.Fingerprint(shuffled), "the order of the rows does not matter")
	changed := append([]clv.Customer(nil), cs...)
	changed[0].T += 1
	assert.NotEqual(t, fit.Fingerprint, clv.Fingerprint(changed))

	gg, ggFit, err := clv.FitGammaGamma(must(clv.SimulateBGNBDCustomers(bgPub, clv.CustomerSimulationOptions{Customers: 400, Period: week, Spend: ggPub, Seed: 3})), nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"P", "Q", "Gamma"}, ggFit.Names)
	assert.NotZero(t, gg.P)

	sbg, sbgFit, err := clv.FitShiftedBetaGeometric([]float64{1000, 631, 468, 382, 326}, &clv.FitOptions{Period: clv.Year})
	require.NoError(t, err)
	assert.Equal(t, clv.Year, sbg.Period)
	assert.Equal(t, []string{"Alpha", "Beta"}, sbgFit.Names)
	assert.Equal(t, clv.FingerprintCohorts([][]float64{{1000, 631, 468, 382, 326}}), sbgFit.Fingerprint)

	_, _, err = clv.FitBGNBD(cs, &clv.FitOptions{Period: -week})
	var de *clv.DataError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, "FitOptions.Period", de.Field)
}

func TestCovariateNames(t *testing.T) {
	cs, cov := covSmall()
	cov.Purchase = nil
	cov.DropoutNames = []string{"channel", "promo"}
	m, fit, err := clv.FitBGNBDCov(cs, cov, &clv.FitOptions{Period: week})
	require.NoError(t, err)
	assert.Equal(t, []string{"R", "Alpha", "A", "B", "Dropout[channel]", "Dropout[promo]"}, fit.Names)
	assert.Equal(t, cov.DropoutNames, m.DropoutNames)
	assert.Nil(t, m.PurchaseNames)
	assert.Equal(t, week, m.For(nil, []float64{1, 0}).Period, "a customer's model keeps the unit")

	models, err := m.Models(cov)
	require.NoError(t, err)
	assert.Equal(t, week, models[0].Period)
	swapped := cov
	swapped.DropoutNames = []string{"promo", "channel"}
	_, err = m.Models(swapped)
	var de *clv.DataError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, "Covariates.DropoutNames", de.Field)

	for _, bad := range [][]string{{"channel"}, {"channel", ""}, {"a", "a"}} {
		c := cov
		c.DropoutNames = bad
		_, _, err := clv.FitParetoNBDCov(cs, c, nil)
		require.ErrorAs(t, err, &de, "%q", bad)
		assert.Equal(t, "Covariates.DropoutNames", de.Field)
		assert.True(t, errors.Is(err, clv.ErrInvalid))
	}
}
