package survival_test

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/internal/modelenc/modelenctest"
	"github.com/ltvgo/ltv/survival"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/saved")

// savedCurve is a Kaplan-Meier curve that reaches S = 0 (its last
// standard errors and bands are NaN, LogStdErr +Inf) under lifelines'
// quantile rule and log-log bands: what used to fail to save, and to lose
// its rule on a round trip.
func savedCurve(t *testing.T) *survival.Curve {
	obs := []survival.Observation{{Time: 1, Event: true}, {Time: 2}, {Time: 2, Event: true}, {Time: 3, Event: true},
		{Time: 4, Event: true}, {Time: 5, Event: true}, {Time: 5, Event: true}}
	c, err := survival.KaplanMeier(obs, &survival.Options{Quantile: survival.QuantileFirstBelow, Conf: survival.ConfLogLog, Level: 0.9})
	require.NoError(t, err)
	require.Zero(t, c.Survival[len(c.Survival)-1])
	return c
}

// savedCox is the zph.R toy's Cox fit (with its stored PH test) and a
// second, stratified fit with two columns.
func savedCox(t *testing.T) (toy, strat *survival.Cox) {
	obs, X := coxToy()
	toy, err := survival.FitCox(obs, X, nil)
	require.NoError(t, err)
	obs, X = simulateCox(60, []float64{0.5, -0.3}, true, 7)
	strata := make([]int, len(obs))
	for i := range strata {
		strata[i] = i % 2
	}
	strat, err = survival.FitCox(obs, X, &survival.CoxOptions{Strata: strata})
	require.NoError(t, err)
	return toy, strat
}

// savedAFT is a Weibull AFT on a simulated sample.
func savedAFT(t *testing.T) *survival.AFT {
	obs, X := simulateCox(60, []float64{0.5, -0.3}, false, 8)
	m, err := survival.FitAFT(obs, X, survival.Weibull, nil)
	require.NoError(t, err)
	return m
}

// same reports whether a and b are equal, NaN equal to NaN.
func same(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }

// TestSavedCurve: a curve that reaches S = 0 saves, loads to the same
// curve (its quantile rule and bands included) and saves to the same bytes.
func TestSavedCurve(t *testing.T) {
	c := savedCurve(t)
	b, err := json.Marshal(c)
	require.NoError(t, err)
	modelenctest.Golden(t, filepath.Join("testdata", "saved", "Curve.json"), b, 0, *update)
	var got survival.Curve
	require.NoError(t, json.Unmarshal(b, &got))
	again, err := json.Marshal(&got)
	require.NoError(t, err)
	assert.Equal(t, string(b), string(again))

	for _, p := range []float64{0.25, 0.5, 0.75} {
		e1, l1, u1 := c.Quantile(p)
		e2, l2, u2 := got.Quantile(p)
		assert.True(t, same(e1, e2) && same(l1, l2) && same(u1, u2), "Quantile(%v)", p)
	}
	for _, x := range []float64{0, 1.5, 2, 4.5, 9} {
		assert.Equal(t, c.At(x), got.At(x))
	}
	m1, s1 := c.RestrictedMean(4)
	m2, s2 := got.RestrictedMean(4)
	assert.Equal(t, m1, m2)
	assert.Equal(t, s1, s2)
	assert.Equal(t, fmt.Sprint(c.Table([]float64{0, 2, 5})), fmt.Sprint(got.Table([]float64{0, 2, 5})), "NaN-aware")
}

// savedIncidence is a two-cause Aalen–Johansen estimate whose event-free
// probability reaches 0 (NaN limits there).
func savedIncidence(t *testing.T) *survival.Incidence {
	var obs []survival.CompetingObservation
	for i, c := range []int{1, 2, 0, 1, 1, 2, 0, 1} {
		obs = append(obs, survival.CompetingObservation{Time: float64(1 + i/2), Cause: c})
	}
	obs[len(obs)-1].Time = 9 // the last row ends it by cause 1
	inc, err := survival.CumulativeIncidence(obs, nil)
	require.NoError(t, err)
	return inc
}

// TestSavedIncidence: an Incidence saves, loads to the same estimate
// (NaN limits included) and saves to the same bytes.
func TestSavedIncidence(t *testing.T) {
	inc := savedIncidence(t)
	b, err := json.Marshal(inc)
	require.NoError(t, err)
	modelenctest.Golden(t, filepath.Join("testdata", "saved", "Incidence.json"), b, 1e-12, *update)
	var got survival.Incidence
	require.NoError(t, json.Unmarshal(b, &got))
	again, err := json.Marshal(&got)
	require.NoError(t, err)
	assert.Equal(t, string(b), string(again))
	for s := range inc.Causes() + 1 {
		for _, x := range []float64{0.5, 2, 3.5, 9} {
			p1, se1 := inc.At(s, x)
			p2, se2 := got.At(s, x)
			assert.True(t, same(p1, p2) && same(se1, se2), "state %d at %v", s, x)
		}
	}
}

// TestSavedCox: a loaded Cox predicts, draws its curves with their bands
// and reports its PH test as the fitted one.
func TestSavedCox(t *testing.T) {
	toy, strat := savedCox(t)
	for name, c := range map[string]*survival.Cox{"CoxToy": toy, "CoxStrata": strat} {
		t.Run(name, func(t *testing.T) {
			b, err := json.Marshal(c)
			require.NoError(t, err)
			modelenctest.Golden(t, filepath.Join("testdata", "saved", name+".json"), b, 1e-9, *update)
			var got survival.Cox
			require.NoError(t, json.Unmarshal(b, &got))
			again, err := json.Marshal(&got)
			require.NoError(t, err)
			assert.Equal(t, string(b), string(again))

			x := make([]float64, len(c.Coef))
			for j := range x {
				x[j] = 0.5
			}
			for _, st := range c.Baseline {
				want, err := c.SurvivalCurve(x, st.Stratum, nil)
				require.NoError(t, err)
				have, err := got.SurvivalCurve(x, st.Stratum, nil)
				require.NoError(t, err)
				assert.Equal(t, fmt.Sprint(want), fmt.Sprint(have), "NaN-aware")
				assert.Equal(t, c.SurvivalAt(x, st.Stratum, 3), got.SurvivalAt(x, st.Stratum, 3))
			}
			terms, global, err := c.PHTest()
			require.NoError(t, err)
			gotTerms, gotGlobal, err := got.PHTest()
			require.NoError(t, err)
			assert.Equal(t, terms, gotTerms)
			assert.Equal(t, global, gotGlobal)
		})
	}
}

func TestSavedAFT(t *testing.T) {
	m := savedAFT(t)
	b, err := json.Marshal(m)
	require.NoError(t, err)
	modelenctest.Golden(t, filepath.Join("testdata", "saved", "AFT.json"), b, 1e-9, *update)
	var got survival.AFT
	require.NoError(t, json.Unmarshal(b, &got))
	assert.Equal(t, *m, got)
}

// Every invalid load is an error naming the key.
func TestSavedInvalid(t *testing.T) {
	toy, _ := savedCox(t)
	saved := map[string]any{"Curve": savedCurve(t), "Cox": toy, "AFT": savedAFT(t), "Incidence": savedIncidence(t)}
	cases := []struct {
		name, kind, field string
		edit              func(env, params map[string]any)
	}{
		{"unknown kind", "Curve", "kind", func(e, _ map[string]any) { e["kind"] = "survival.Nope" }},
		{"future version", "Cox", "version", func(e, _ map[string]any) { e["version"] = 9 }},
		{"unknown key", "AFT", "params.Shape", func(_, p map[string]any) { p["Shape"] = 1 }},
		{"missing field", "Curve", "params.Survival", func(_, p map[string]any) { delete(p, "Survival") }},
		{"missing options", "Curve", "params.Options", func(_, p map[string]any) { delete(p, "Options") }},
		{"bad quantile rule", "Curve", "Options.Quantile", func(_, p map[string]any) { p["Options"].(map[string]any)["Quantile"] = 9 }},
		{"times out of order", "Curve", "params.Time[1]", func(_, p map[string]any) { p["Time"].([]any)[1] = 0.5 }},
		{"short column", "Curve", "params.Upper", func(_, p map[string]any) { p["Upper"] = p["Upper"].([]any)[1:] }},
		{"NaN coefficient", "Cox", "params.Coef[0]", func(_, p map[string]any) { p["Coef"] = []any{"NaN"} }},
		{"bad tie rule", "Cox", "params.Ties", func(_, p map[string]any) { p["Ties"] = 7 }},
		{"short covariance", "Cox", "params.Cov", func(_, p map[string]any) { p["Cov"] = []any{} }},
		{"risk set row out of range", "Cox", "params.RiskSets[0].Row[0]", func(_, p map[string]any) {
			p["RiskSets"].([]any)[0].(map[string]any)["Row"].([]any)[0] = 99
		}},
		{"bad distribution", "AFT", "params.Dist", func(_, p map[string]any) { p["Dist"] = 9 }},
		{"zero scale", "AFT", "params.Scale", func(_, p map[string]any) { p["Scale"] = 0 }},
		{"infinite intercept", "AFT", "params.Intercept", func(_, p map[string]any) { p["Intercept"] = "-Inf" }},
		{"incidence of another kind", "Incidence", "kind", func(e, _ map[string]any) { e["kind"] = "survival.Curve" }},
		{"incidence times out of order", "Incidence", "params.Time[1]", func(_, p map[string]any) { p["Time"].([]any)[1] = 0.5 }},
		{"incidence short column", "Incidence", "params.AtRisk", func(_, p map[string]any) { p["AtRisk"] = p["AtRisk"].([]any)[1:] }},
		{"incidence state missing", "Incidence", "params.StdErr", func(_, p map[string]any) { p["StdErr"] = p["StdErr"].([]any)[1:] }},
		{"incidence short state row", "Incidence", "params.Upper[2]", func(_, p map[string]any) {
			u := p["Upper"].([]any)
			u[2] = u[2].([]any)[1:]
		}},
		{"incidence without a cause", "Incidence", "params.Prob", func(_, p map[string]any) { p["Prob"] = p["Prob"].([]any)[:1] }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(saved[tc.kind])
			require.NoError(t, err)
			var env map[string]any
			require.NoError(t, json.Unmarshal(b, &env))
			tc.edit(env, env["params"].(map[string]any))
			b, err = json.Marshal(env)
			require.NoError(t, err)
			var into any
			switch tc.kind {
			case "Curve":
				into = &survival.Curve{}
			case "Cox":
				into = &survival.Cox{}
			case "Incidence":
				into = &survival.Incidence{}
			default:
				into = &survival.AFT{}
			}
			err = json.Unmarshal(b, into)
			var de *survival.DataError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, tc.field, de.Field, "%v", err)
			assert.True(t, errors.Is(err, survival.ErrInvalid))
		})
	}
}

// FuzzSavedCurve: loading never panics, and a loaded curve saves and
// loads to the same bytes.
func FuzzSavedCurve(f *testing.F) {
	f.Add([]byte(`{"kind":"survival.Curve","version":1,"params":{}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var c survival.Curve
		if json.Unmarshal(data, &c) != nil {
			return
		}
		b, err := json.Marshal(&c)
		require.NoError(t, err)
		var again survival.Curve
		require.NoError(t, json.Unmarshal(b, &again))
		b2, err := json.Marshal(&again)
		require.NoError(t, err)
		assert.Equal(t, string(b), string(b2))
		c.Median()
		c.At(1)
	})
}
