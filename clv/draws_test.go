package clv_test

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/clv"
)

func TestDrawModelsDistribution(t *testing.T) {
	// ln θ ~ N(ln θ̂, D⁻¹ΣD⁻¹): the sample mean and covariance of 20,000
	// draws, within 5 standard errors of their sampling distributions.
	_, bg, fit, gg, ggFit, _ := cdnowIntervalModels(t)
	iv := clv.IntervalOptions{Draws: 20_000, Seed: 7}
	ms, err := clv.DrawModels(bg, fit, iv)
	require.NoError(t, err)
	require.Len(t, ms, 20_000)
	th := []float64{bg.R, bg.Alpha, bg.A, bg.B}
	phi := make([][]float64, len(ms))
	for d, m := range ms {
		b := m.(clv.BGNBD)
		phi[d] = []float64{math.Log(b.R), math.Log(b.Alpha), math.Log(b.A), math.Log(b.B)}
	}
	n := float64(len(ms))
	for i := range 4 {
		var mean float64
		for _, p := range phi {
			mean += p[i] / n
		}
		sd := math.Sqrt(fit.Cov[i][i]) / th[i]
		assert.InDelta(t, math.Log(th[i]), mean, 5*sd/math.Sqrt(n), "mean %d", i)
		for j := range 4 {
			var c float64
			for _, p := range phi {
				c += (p[i] - math.Log(th[i])) * (p[j] - math.Log(th[j])) / n
			}
			want := fit.Cov[i][j] / (th[i] * th[j])
			sdj := math.Sqrt(fit.Cov[j][j]) / th[j]
			assert.InDelta(t, want, c, 5*sd*sdj*math.Sqrt(2/n), "cov %d %d", i, j)
		}
	}
	// Reproducible, and the spend draws keep q > 1.
	again, err := clv.DrawModels(bg, fit, iv)
	require.NoError(t, err)
	assert.Equal(t, ms[123], again[123])
	other, err := clv.DrawModels(bg, fit, clv.IntervalOptions{Draws: 10, Seed: 8})
	require.NoError(t, err)
	assert.NotEqual(t, ms[0], other[0])
	spends, err := clv.DrawSpendModels(gg, ggFit, iv)
	require.NoError(t, err)
	for _, s := range spends {
		require.Greater(t, s.Q, 1.0)
	}
	m := clv.MapDraws(gg, spends, 0.9, clv.GammaGamma.MeanSpend)
	assert.Equal(t, gg.MeanSpend(), m.Estimate)
	assert.Less(t, m.Lower, m.Estimate)
	assert.Greater(t, m.Upper, m.Estimate)
}

func TestMapDrawsSpecialCases(t *testing.T) {
	id := func(v float64) float64 { return v }
	vals := []float64{5, 1, 4, 2, 3}
	iv := clv.MapDraws(3.0, vals, 0.5, id)
	// Type-7 quartiles of 1..5 are 2 and 4; the SD of 1..5 is sqrt(2.5).
	assert.Equal(t, clv.Interval{Estimate: 3, StdErr: math.Sqrt(2.5), Lower: 2, Upper: 4}, iv)
	assert.Equal(t, []float64{5, 1, 4, 2, 3}, vals, "draws not modified")
	for _, bad := range []clv.Interval{
		clv.MapDraws(3.0, []float64{1, math.NaN()}, 0.9, id),
		clv.MapDraws(3.0, []float64{1}, 0.9, id),
		clv.MapDraws(3.0, vals, 1, id),
	} {
		assert.Equal(t, 3.0, bad.Estimate)
		assert.True(t, math.IsNaN(bad.StdErr) && math.IsNaN(bad.Lower) && math.IsNaN(bad.Upper))
	}
}

func TestParameterDrawsAgreeWithDelta(t *testing.T) {
	// With near-normal predictions the draws' SD approaches the delta SE:
	// within 10% at 2,000 draws (the SD's own sampling error is 1.6%).
	_, bg, fit, gg, ggFit, opt := cdnowIntervalModels(t)
	cs := cdnowCSV(t)[:100]
	delta, dTotal, err := clv.ScoreWithIntervals(bg, fit, gg, ggFit, cs, opt, clv.IntervalOptions{})
	require.NoError(t, err)
	iv := clv.IntervalOptions{Method: clv.ParameterDraws, Draws: 2000, Seed: 1}
	draws, total, err := clv.ScoreWithIntervals(bg, fit, gg, ggFit, cs, opt, iv)
	require.NoError(t, err)
	require.Len(t, draws, len(cs))
	for i := range cs {
		for _, q := range [][2]clv.Interval{{delta[i].PAlive, draws[i].PAlive}, {delta[i].Purchases, draws[i].Purchases}, {delta[i].Value, draws[i].Value}} {
			d, p := q[0], q[1]
			assert.InEpsilon(t, d.Estimate, p.Estimate, 1e-12)
			if d.StdErr == 0 {
				assert.Equal(t, 0.0, p.StdErr, "ID %s", cs[i].ID)
				continue
			}
			assert.InEpsilon(t, d.StdErr, p.StdErr, 0.1, "ID %s", cs[i].ID)
			assert.Less(t, p.Lower, p.Estimate)
			assert.Greater(t, p.Upper, p.Estimate)
		}
	}
	assert.InEpsilon(t, dTotal.StdErr, total.StdErr, 0.1)
	// TotalValueInterval's compressed path gives the same draws' total.
	fast, err := clv.TotalValueInterval(bg, fit, gg, ggFit, cs, opt, iv)
	require.NoError(t, err)
	assert.InEpsilon(t, total.Estimate, fast.Estimate, 1e-12)
	assert.InEpsilon(t, total.Lower, fast.Lower, 1e-12)
	assert.InEpsilon(t, total.Upper, fast.Upper, 1e-12)
	assert.InEpsilon(t, total.StdErr, fast.StdErr, 1e-9)
	dFast, err := clv.TotalValueInterval(bg, fit, gg, ggFit, cs, opt, clv.IntervalOptions{})
	require.NoError(t, err)
	assert.Equal(t, dTotal, dFast)

	// PredictionIntervals by draws.
	p0d, p0dTotal, err := clv.PredictionIntervals(bg, fit, cs, clv.Prediction{Kind: clv.NoPurchasePrediction, Horizon: 39}, clv.IntervalOptions{})
	require.NoError(t, err)
	p0, p0Total, err := clv.PredictionIntervals(bg, fit, cs, clv.Prediction{Kind: clv.NoPurchasePrediction, Horizon: 39}, iv)
	require.NoError(t, err)
	for i := range cs {
		assert.InEpsilon(t, p0d[i].StdErr, p0[i].StdErr, 0.1)
	}
	assert.InEpsilon(t, p0dTotal.StdErr, p0Total.StdErr, 0.1)
}

func TestIntervalsOtherModels(t *testing.T) {
	// Pareto/NBD and BG/BB (numerical gradients throughout): delta SEs
	// against the draws' SDs, DERT included, within 15% at 3,000 draws.
	pn := clv.ParetoNBD{R: 0.553, Alpha: 10.578, S: 0.606, Beta: 11.669}
	pnFit := clv.Fit{Cov: [][]float64{ // CDNOW-like: SEs of MODELS.md §4, corr(s, β) = 0.97
		{0.04763 * 0.04763, 0, 0, 0}, {0, 0.8427 * 0.8427, 0, 0},
		{0, 0, 0.1873 * 0.1873, 0.97 * 0.1873 * 6.211}, {0, 0, 0.97 * 0.1873 * 6.211, 6.211 * 6.211}}}
	cs := []clv.Customer{{T: 38.86}, {Frequency: 2, Recency: 30.43, T: 38.86}, {Frequency: 7, Recency: 29.43, T: 38.86}}
	bb := clv.BGBB{Alpha: 1.203522, Beta: 0.7497164, Gamma: 0.6567182, Delta: 2.783442}
	bbFit := clv.Fit{Cov: [][]float64{{0.0694 * 0.0694, 0, 0, 0}, {0, 0.0294 * 0.0294, 0, 0}, {0, 0, 0.0510 * 0.0510, 0}, {0, 0, 0, 0.3208 * 0.3208}}}
	bbCs := []clv.Customer{{T: 6}, {Frequency: 2, Recency: 4, T: 6}, {Frequency: 6, Recency: 6, T: 6}}
	draws := clv.IntervalOptions{Method: clv.ParameterDraws, Draws: 3000, Seed: 3}
	for _, tc := range []struct {
		m    clv.PurchaseModel
		fit  clv.Fit
		cs   []clv.Customer
		pred clv.Prediction
	}{
		{pn, pnFit, cs, clv.Prediction{Kind: clv.PAlivePrediction}},
		{pn, pnFit, cs, clv.Prediction{Kind: clv.NoPurchasePrediction, Horizon: 39}},
		{pn, pnFit, cs, clv.Prediction{Kind: clv.PurchasesPrediction, Horizon: 52}},
		{pn, pnFit, cs, clv.Prediction{Kind: clv.DERTPrediction, Rate: math.Log(1.15) / 52.178571}},
		{bb, bbFit, bbCs, clv.Prediction{Kind: clv.PAlivePrediction}},
		{bb, bbFit, bbCs, clv.Prediction{Kind: clv.NoPurchasePrediction, Horizon: 5}},
		{bb, bbFit, bbCs, clv.Prediction{Kind: clv.PurchasesPrediction, Horizon: 10}},
		{bb, bbFit, bbCs, clv.Prediction{Kind: clv.DERTPrediction, Rate: 0.1}},
	} {
		d, dt, err := clv.PredictionIntervals(tc.m, tc.fit, tc.cs, tc.pred, clv.IntervalOptions{})
		require.NoError(t, err)
		p, pt, err := clv.PredictionIntervals(tc.m, tc.fit, tc.cs, tc.pred, draws)
		require.NoError(t, err)
		for i := range tc.cs {
			assert.InEpsilon(t, d[i].StdErr, p[i].StdErr, 0.15, "%T %+v %+v", tc.m, tc.pred, tc.cs[i])
		}
		assert.InEpsilon(t, dt.StdErr, pt.StdErr, 0.15, "%T %+v total", tc.m, tc.pred)
	}

	// ScoreWithIntervals for the Pareto/NBD: value SEs by both methods. With
	// CDNOW's SEs and no correlations the spend E[Z] = pγ/(q−1) has a
	// log-scale SD of 0.35, where the lognormal draws' SD exceeds the
	// linearisation by 10% (a property of the draws, the same at any
	// purchase covariance), so both covariances are those of a 4× larger
	// sample here.
	quarter := func(cov [][]float64) clv.Fit {
		out := make([][]float64, len(cov))
		for i, row := range cov {
			for _, v := range row {
				out[i] = append(out[i], v/4)
			}
		}
		return clv.Fit{Cov: out}
	}
	small := quarter(pnFit.Cov)
	ggFit := quarter([][]float64{{1.415, 0, 0}, {0, 0.0842, 0}, {0, 0, 17.31}}) // SEs of MODELS.md §7
	spendCs := []clv.Customer{{T: 38.86}, {Frequency: 2, Recency: 30.43, T: 38.86, Monetary: 22.35}, {Frequency: 7, Recency: 29.43, T: 38.86, Monetary: 73.74}}
	opt := clv.ValueOptions{Period: week, Horizon: 12, Discount: 0.01, Margin: 0.3}
	d, dt, err := clv.ScoreWithIntervals(pn, small, ggPub, ggFit, spendCs, opt, clv.IntervalOptions{})
	require.NoError(t, err)
	p, pt, err := clv.ScoreWithIntervals(pn, small, ggPub, ggFit, spendCs, opt, draws)
	require.NoError(t, err)
	for i := range spendCs {
		assert.InEpsilon(t, d[i].Value.StdErr, p[i].Value.StdErr, 0.15, "%+v", spendCs[i])
		assert.InEpsilon(t, d[i].PAlive.StdErr, p[i].PAlive.StdErr, 0.15, "%+v", spendCs[i])
	}
	assert.InEpsilon(t, dt.StdErr, pt.StdErr, 0.15)

	// MBG/NBD's closed-form gradients of P(alive) and P0 against central
	// differences: with Σ = e_j·e_j' the SE is |∂f/∂θ_j|.
	mb := clv.MBGNBD{R: 0.52484, Alpha: 6.18299, A: 0.89136, B: 1.614}
	for j := range 4 {
		cov := make([][]float64, 4)
		for k := range cov {
			cov[k] = make([]float64, 4)
		}
		cov[j][j] = 1
		p := []float64{mb.R, mb.Alpha, mb.A, mb.B}
		at := func(e float64) clv.MBGNBD {
			q := append([]float64(nil), p...)
			q[j] += e
			return clv.MBGNBD{R: q[0], Alpha: q[1], A: q[2], B: q[3]}
		}
		c := cs[1]
		h := 1e-6 * p[j]
		wantPA := (at(h).PAlive(c) - at(-h).PAlive(c)) / (2 * h)
		wantP0 := (at(h).ProbNoPurchase(c, 39) - at(-h).ProbNoPurchase(c, 39)) / (2 * h)
		got, _, err := clv.PredictionIntervals(mb, clv.Fit{Cov: cov}, []clv.Customer{c}, clv.Prediction{Kind: clv.PAlivePrediction}, clv.IntervalOptions{})
		require.NoError(t, err)
		assert.InEpsilon(t, math.Abs(wantPA), got[0].StdErr, 1e-6, "P(alive) param %d", j)
		got, _, err = clv.PredictionIntervals(mb, clv.Fit{Cov: cov}, []clv.Customer{c}, clv.Prediction{Kind: clv.NoPurchasePrediction, Horizon: 39}, clv.IntervalOptions{})
		require.NoError(t, err)
		assert.InEpsilon(t, math.Abs(wantP0), got[0].StdErr, 1e-6, "P0 param %d", j)
	}
}

func TestIntervalErrors(t *testing.T) {
	_, bg, fit, gg, ggFit, opt := cdnowIntervalModels(t)
	cs := []clv.Customer{{ID: "a", Frequency: 2, Recency: 30, T: 38, Monetary: 20}}
	field := func(err error) string {
		var de *clv.DataError
		if !errors.As(err, &de) {
			return "not a DataError: " + err.Error()
		}
		return de.Field
	}
	for _, tc := range []struct {
		name, field string
		sentinel    error
		run         func() error
	}{
		{"level", "IntervalOptions.Level", clv.ErrInvalid, func() error {
			_, _, err := clv.ScoreWithIntervals(bg, fit, gg, ggFit, cs, opt, clv.IntervalOptions{Level: 1.5})
			return err
		}},
		{"method", "IntervalOptions.Method", clv.ErrInvalid, func() error {
			_, _, err := clv.ScoreWithIntervals(bg, fit, gg, ggFit, cs, opt, clv.IntervalOptions{Method: 7})
			return err
		}},
		{"draws", "IntervalOptions.Draws", clv.ErrInvalid, func() error {
			_, err := clv.DrawModels(bg, fit, clv.IntervalOptions{Draws: -1})
			return err
		}},
		{"no cov", "fit.Cov", clv.ErrInvalid, func() error {
			_, _, err := clv.ScoreWithIntervals(bg, clv.Fit{}, gg, ggFit, cs, opt, clv.IntervalOptions{})
			return err
		}},
		{"penalised", "fit.Cov", clv.ErrInvalid, func() error {
			pen := fit
			pen.Penalized = true
			_, _, err := clv.PredictionIntervals(bg, pen, cs, clv.Prediction{}, clv.IntervalOptions{})
			return err
		}},
		{"spend cov size", "spendFit.Cov", clv.ErrInvalid, func() error {
			_, _, err := clv.ScoreWithIntervals(bg, fit, gg, fit, cs, opt, clv.IntervalOptions{})
			return err
		}},
		{"NaN cov", "fit.Cov", clv.ErrInvalid, func() error {
			bad := clv.Fit{Cov: [][]float64{{math.NaN(), 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}}}
			_, _, err := clv.PredictionIntervals(bg, bad, cs, clv.Prediction{}, clv.IntervalOptions{})
			return err
		}},
		{"not PD", "fit.Cov", clv.ErrSingular, func() error {
			bad := clv.Fit{Cov: [][]float64{{1, 2, 0, 0}, {2, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}}}
			_, err := clv.DrawModels(bg, bad, clv.IntervalOptions{})
			return err
		}},
		{"foreign model", "model", clv.ErrInvalid, func() error {
			_, _, err := clv.PredictionIntervals(constantModel(1), fit, cs, clv.Prediction{}, clv.IntervalOptions{})
			return err
		}},
		{"no DERT", "Prediction.Kind", clv.ErrInvalid, func() error {
			_, _, err := clv.PredictionIntervals(bg, fit, cs, clv.Prediction{Kind: clv.DERTPrediction, Rate: 0.1}, clv.IntervalOptions{})
			return err
		}},
		{"horizon", "Prediction.Horizon", clv.ErrInvalid, func() error {
			_, _, err := clv.PredictionIntervals(bg, fit, cs, clv.Prediction{Kind: clv.PurchasesPrediction, Horizon: math.Inf(1)}, clv.IntervalOptions{})
			return err
		}},
		{"whole horizon", "Prediction.Horizon", clv.ErrInvalid, func() error {
			_, _, err := clv.PredictionIntervals(clv.BGBB{Alpha: 1, Beta: 1, Gamma: 1, Delta: 1}, fit, []clv.Customer{{T: 3}},
				clv.Prediction{Kind: clv.NoPurchasePrediction, Horizon: 1.5}, clv.IntervalOptions{})
			return err
		}},
		{"rate", "Prediction.Rate", clv.ErrInvalid, func() error {
			_, _, err := clv.PredictionIntervals(clv.ParetoNBD{R: 1, Alpha: 1, S: 1, Beta: 1}, fit, cs, clv.Prediction{Kind: clv.DERTPrediction}, clv.IntervalOptions{})
			return err
		}},
		{"spend q ≤ 1", "spend", clv.ErrUndefined, func() error {
			_, err := clv.DrawSpendModels(clv.GammaGamma{P: 1, Q: 0.9, Gamma: 1}, ggFit, clv.IntervalOptions{})
			return err
		}},
		{"bad customer", "Recency", clv.ErrInvalid, func() error {
			_, _, err := clv.ScoreWithIntervals(bg, fit, gg, ggFit, []clv.Customer{{Frequency: 1, T: 3, Monetary: 1}}, opt, clv.IntervalOptions{})
			return err
		}},
		{"BG/BB cash flows off the opportunities", "", clv.ErrUndefined, func() error {
			// As Score: 1.5 opportunities per cash-flow period have no value.
			bb := clv.BGBB{Alpha: 1.2, Beta: 0.75, Gamma: 0.66, Delta: 2.8}
			o := clv.ValueOptions{Period: 24 * time.Hour, CashFlow: 36 * time.Hour, Horizon: 3, Margin: 1}
			bbCs := []clv.Customer{{Frequency: 2, Recency: 4, T: 6, Monetary: 10}}
			_, errScore := clv.Score(bb, gg, bbCs, o)
			require.ErrorIs(t, errScore, clv.ErrUndefined)
			_, _, err := clv.ScoreWithIntervals(bb, fit, gg, ggFit, bbCs, o, clv.IntervalOptions{})
			return err
		}},
		{"bad option", "ValueOptions.Margin", clv.ErrInvalid, func() error {
			o := opt
			o.Margin = 2
			_, err := clv.TotalValueInterval(bg, fit, gg, ggFit, cs, o, clv.IntervalOptions{Method: clv.ParameterDraws})
			return err
		}},
		{"empty", "", clv.ErrEmpty, func() error {
			_, _, err := clv.PredictionIntervals(bg, fit, nil, clv.Prediction{}, clv.IntervalOptions{})
			return err
		}},
	} {
		err := tc.run()
		require.Error(t, err, tc.name)
		assert.ErrorIs(t, err, tc.sentinel, tc.name)
		assert.Equal(t, tc.field, field(err), tc.name)
	}
	// Inputs are left alone.
	in := cdnowCSV(t)[:50]
	keep := append([]clv.Customer(nil), in...)
	_, _, err := clv.ScoreWithIntervals(bg, fit, gg, ggFit, in, opt, clv.IntervalOptions{Method: clv.ParameterDraws, Draws: 20})
	require.NoError(t, err)
	assert.Equal(t, keep, in)
}
