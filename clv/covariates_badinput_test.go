package clv_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/clv"
)

// covSmall is a seeded sample of 300 Pareto/NBD customers with purchase
// covariates (binary, continuous, continuous) and dropout covariates (the
// same binary, another binary).
func covSmall() ([]clv.Customer, clv.Covariates) {
	cs := must(clv.SimulateParetoNBDCustomers(pnbdPub, clv.CustomerSimulationOptions{Customers: 300, Period: week, Seed: 21}))
	rng := rand.New(rand.NewPCG(21, 22))
	cov := clv.Covariates{Purchase: make([][]float64, len(cs)), Dropout: make([][]float64, len(cs))}
	for i := range cs {
		channel := float64(rng.IntN(2))
		cov.Purchase[i] = []float64{channel, rng.NormFloat64(), rng.NormFloat64()}
		cov.Dropout[i] = []float64{channel, float64(rng.IntN(2))}
	}
	return cs, cov
}

// cloneCov returns a deep copy of cov.
func cloneCov(cov clv.Covariates) clv.Covariates {
	deep := func(z [][]float64) [][]float64 {
		if z == nil {
			return nil
		}
		out := make([][]float64, len(z))
		for i, r := range z {
			out[i] = slices.Clone(r)
		}
		return out
	}
	return clv.Covariates{Purchase: deep(cov.Purchase), Dropout: deep(cov.Dropout), Shared: slices.Clone(cov.Shared), L2: cov.L2}
}

// covFits are the fits with covariates, reduced to their error (FitBGBBCov
// on the customers made discrete).
var covFits = map[string]func([]clv.Customer, clv.Covariates, *clv.FitOptions) error{
	"clv.FitParetoNBDCov": func(cs []clv.Customer, cov clv.Covariates, opt *clv.FitOptions) error {
		_, _, err := clv.FitParetoNBDCov(cs, cov, opt)
		return err
	},
	"clv.FitBGNBDCov": func(cs []clv.Customer, cov clv.Covariates, opt *clv.FitOptions) error {
		_, _, err := clv.FitBGNBDCov(cs, cov, opt)
		return err
	},
	"clv.FitMBGNBDCov": func(cs []clv.Customer, cov clv.Covariates, opt *clv.FitOptions) error {
		_, _, err := clv.FitMBGNBDCov(cs, cov, opt)
		return err
	},
	"clv.FitBGBBCov": func(cs []clv.Customer, cov clv.Covariates, opt *clv.FitOptions) error {
		_, _, err := clv.FitBGBBCov(discrete(cs), cov, opt)
		return err
	},
}

// discrete returns a copy of cs as BG/BB summaries: t_x and T rounded up
// to whole opportunities, and at most one purchase per opportunity.
func discrete(cs []clv.Customer) []clv.Customer {
	out := slices.Clone(cs)
	for i := range out {
		out[i].Recency, out[i].T = math.Ceil(out[i].Recency), math.Ceil(out[i].T)
		out[i].Frequency = math.Min(out[i].Frequency, out[i].Recency)
	}
	return out
}

// The covariate part of the bad-input catalogue: every bad covariate value
// or setting is a *DataError naming the row and field (Row −1 for a
// setting or a whole column), for each of the fits, and the inputs
// are left alone.
func TestCovariatesBadInput(t *testing.T) {
	cs, good := covSmall()
	nan, inf := math.NaN(), math.Inf(1)
	edit := func(f func(c *clv.Covariates)) clv.Covariates {
		c := cloneCov(good)
		f(&c)
		return c
	}
	tests := []struct {
		name   string
		cov    clv.Covariates
		opt    *clv.FitOptions
		row    int
		field  string
		err    error
		reason []string // parts of the message
	}{
		{"purchase rows", edit(func(c *clv.Covariates) { c.Purchase = c.Purchase[1:] }), nil, -1, "Covariates.Purchase", clv.ErrInvalid, []string{"299 rows", "300"}},
		{"dropout rows", edit(func(c *clv.Covariates) { c.Dropout = append(c.Dropout, []float64{0, 1}) }), nil, -1, "Covariates.Dropout", clv.ErrInvalid, nil},
		{"ragged row", edit(func(c *clv.Covariates) { c.Purchase[3] = c.Purchase[3][:2] }), nil, 3, "Purchase", clv.ErrInvalid, []string{"2 values, want 3"}},
		{"NaN value", edit(func(c *clv.Covariates) { c.Purchase[17][2] = nan }), nil, 17, "Purchase[2]", clv.ErrInvalid, []string{"NaN"}},
		{"infinite value", edit(func(c *clv.Covariates) { c.Dropout[5][0] = -inf }), nil, 5, "Dropout[0]", clv.ErrInvalid, []string{"-Inf"}},
		{"shared out of range", edit(func(c *clv.Covariates) { c.Shared = []int{2} }), nil, -1, "Covariates.Shared", clv.ErrInvalid, []string{"column 2", "both"}},
		{"shared negative", edit(func(c *clv.Covariates) { c.Shared = []int{-1} }), nil, -1, "Covariates.Shared", clv.ErrInvalid, nil},
		{"shared without dropout", edit(func(c *clv.Covariates) { c.Dropout, c.Shared = nil, []int{0} }), nil, -1, "Covariates.Shared", clv.ErrInvalid, nil},
		{"shared twice", edit(func(c *clv.Covariates) { c.Shared = []int{0, 0} }), nil, -1, "Covariates.Shared", clv.ErrInvalid, []string{"twice"}},
		{"negative L2", edit(func(c *clv.Covariates) { c.L2 = -1 }), nil, -1, "Covariates.L2", clv.ErrInvalid, nil},
		{"NaN L2", edit(func(c *clv.Covariates) { c.L2 = nan }), nil, -1, "Covariates.L2", clv.ErrInvalid, nil},
		{"infinite L2", edit(func(c *clv.Covariates) { c.L2 = inf }), nil, -1, "Covariates.L2", clv.ErrInvalid, nil},
		{"zero column", edit(func(c *clv.Covariates) {
			for _, r := range c.Purchase {
				r[1] = 0
			}
		}), nil, -1, "Purchase[1]", clv.ErrSingular, []string{"Purchase[1] is constant: collinear with"}},
		{"constant dropout column", edit(func(c *clv.Covariates) {
			for _, r := range c.Dropout {
				r[1] = 3
			}
		}), nil, -1, "Dropout[1]", clv.ErrSingular, []string{"Dropout[1] is constant"}},
		{"collinear columns", edit(func(c *clv.Covariates) {
			for _, r := range c.Purchase {
				r[2] = 2*r[0] - r[1] + 5
			}
		}), nil, -1, "Purchase[2]", clv.ErrSingular, []string{"Purchase[2] is collinear with Purchase[0], Purchase[1]"}},
		{"start of the wrong length", good, &clv.FitOptions{Start: []float64{1, 2, 1, 2}}, -1, "FitOptions.Start", clv.ErrInvalid, nil},
		{"NaN start coefficient", good, &clv.FitOptions{Start: []float64{1, 2, 1, 2, 0, 0, nan, 0, 0}}, -1, "FitOptions.Start", clv.ErrInvalid, []string{"value 6"}},
	}
	for _, tt := range tests {
		for fn, fit := range covFits {
			t.Run(tt.name+"/"+fn, func(t *testing.T) {
				cov, before, csBefore := tt.cov, cloneCov(tt.cov), slices.Clone(cs)
				var err error
				require.NotPanics(t, func() { err = fit(cs, cov, tt.opt) })
				require.ErrorIs(t, err, tt.err)
				var de *clv.DataError
				require.True(t, errors.As(err, &de), "%v", err)
				assert.Equal(t, fn, de.Func)
				assert.Equal(t, tt.row, de.Row)
				assert.Equal(t, tt.field, de.Field)
				for _, part := range tt.reason {
					assert.Contains(t, err.Error(), part)
				}
				assert.Equal(t, fmt.Sprint(before), fmt.Sprint(cov), "covariates modified")
				assert.True(t, sameCustomers(csBefore, cs), "customers modified")
			})
		}
	}
	// The scale a constant column is collinear with, per model.
	zero := edit(func(c *clv.Covariates) {
		for _, r := range c.Dropout {
			r[1] = 0
		}
	})
	assert.ErrorContains(t, covFits["clv.FitParetoNBDCov"](cs, zero, nil), "Dropout[1] is constant: collinear with the scale β")
	assert.ErrorContains(t, covFits["clv.FitBGNBDCov"](cs, zero, nil), "Dropout[1] is constant: collinear with the scales a and b")
	assert.ErrorContains(t, covFits["clv.FitBGBBCov"](cs, zero, nil), "Dropout[1] is constant: collinear with the log-odds ln(γ/δ)")
	assert.ErrorContains(t, covFits["clv.FitParetoNBDCov"](cs, edit(func(c *clv.Covariates) {
		for _, r := range c.Purchase {
			r[1] = 0
		}
	}), nil), "Purchase[1] is constant: collinear with the scale α")
}

func TestCovariateModelsBadInput(t *testing.T) {
	m := clv.ParetoNBDCov{ParetoNBD: pnbdPub, Purchase: []float64{0.5, -0.2}, Dropout: []float64{0.3}}
	for _, tt := range []struct {
		name  string
		cov   clv.Covariates
		row   int
		field string
		err   error
	}{
		{"no rows", clv.Covariates{}, -1, "Covariates", clv.ErrEmpty},
		{"missing process", clv.Covariates{Purchase: [][]float64{{1, 2}}}, -1, "Covariates.Dropout", clv.ErrInvalid},
		{"wrong columns", clv.Covariates{Purchase: [][]float64{{1, 2, 3}}, Dropout: [][]float64{{1}}}, -1, "Covariates.Purchase", clv.ErrInvalid},
		{"rows differ", clv.Covariates{Purchase: [][]float64{{1, 2}, {0, 1}}, Dropout: [][]float64{{1}}}, -1, "Covariates.Dropout", clv.ErrInvalid},
		{"NaN", clv.Covariates{Purchase: [][]float64{{1, 2}, {0, math.NaN()}}, Dropout: [][]float64{{1}, {0}}}, 1, "Purchase[1]", clv.ErrInvalid},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := m.Models(tt.cov)
			require.ErrorIs(t, err, tt.err)
			var de *clv.DataError
			require.True(t, errors.As(err, &de), "%v", err)
			assert.Equal(t, "clv.ParetoNBDCov.Models", de.Func)
			assert.Equal(t, tt.row, de.Row)
			assert.Equal(t, tt.field, de.Field)
		})
	}
	// For with covariates of the wrong length has NaN parameters.
	for _, p := range []clv.ParetoNBD{m.For([]float64{1}, []float64{1}), m.For([]float64{1, 2}, nil)} {
		assert.True(t, math.IsNaN(p.Alpha) || math.IsNaN(p.Beta), "%+v", p)
		assert.True(t, math.IsNaN(p.PAlive(clv.Customer{Frequency: 1, Recency: 2, T: 5})))
	}
	_, err := clv.ScoreEach([]clv.ParetoNBD{pnbdPub}, ggPub, []clv.Customer{{T: 3}, {T: 4}}, clv.ValueOptions{Period: week, Horizon: 3, Margin: 1})
	var de *clv.DataError
	require.True(t, errors.As(err, &de), "%v", err)
	assert.Equal(t, "models", de.Field)
	require.ErrorIs(t, err, clv.ErrInvalid)
}

// TestCovariatesNoneIsThePlainModel: an empty Covariates{} fits exactly
// what the model without covariates fits (the same search on the same
// likelihood), with CDNOW's published summaries.
func TestCovariatesNoneIsThePlainModel(t *testing.T) {
	cs := cdnowCSV(t)
	pm, pf, perr := clv.FitParetoNBD(cs, nil)
	pc, pcf, pcerr := clv.FitParetoNBDCov(cs, clv.Covariates{}, nil)
	require.NoError(t, perr)
	require.NoError(t, pcerr)
	assert.Equal(t, pm, pc.ParetoNBD)
	assert.Empty(t, pc.Purchase)
	assert.Empty(t, pc.Dropout)
	assert.Equal(t, pf, pcf)

	bm, bf, berr := clv.FitBGNBD(cs, nil)
	bc, bcf, bcerr := clv.FitBGNBDCov(cs, clv.Covariates{}, nil)
	require.NoError(t, berr)
	require.NoError(t, bcerr)
	assert.Equal(t, bm, bc.BGNBD)
	assert.Equal(t, bf, bcf)

	mm, mf, merr := clv.FitMBGNBD(cs, nil)
	mc, mcf, mcerr := clv.FitMBGNBDCov(cs, clv.Covariates{}, nil)
	require.NoError(t, merr)
	require.NoError(t, mcerr)
	assert.Equal(t, mm, mc.MBGNBD)
	assert.Equal(t, mf, mcf)
}

// TestCovariateFitsHonourWeights: a sample with each row twice fits as the
// sample with Weight 2, and compression of identical (x, t_x, T, z) rows
// does not change the fit.
func TestCovariateFitsHonourWeights(t *testing.T) {
	cs, cov := covSmall()
	for i, r := range cov.Purchase {
		cov.Purchase[i] = r[:2]
	}
	for name, fit := range map[string]func([]clv.Customer, clv.Covariates) ([]float64, clv.Fit, error){
		"BGNBD": func(cs []clv.Customer, cov clv.Covariates) ([]float64, clv.Fit, error) {
			m, f, err := clv.FitBGNBDCov(cs, cov, nil)
			return append([]float64{m.R, m.Alpha, m.A, m.B}, append(m.Purchase, m.Dropout...)...), f, err
		},
		"BGBB": func(cs []clv.Customer, cov clv.Covariates) ([]float64, clv.Fit, error) {
			m, f, err := clv.FitBGBBCov(discrete(cs), cov, nil)
			return append([]float64{m.Alpha, m.Beta, m.Gamma, m.Delta}, append(m.Purchase, m.Dropout...)...), f, err
		},
	} {
		twice, cov2, weighted := doubled(cs, cov)
		p1, f1, err := fit(twice, cov2)
		require.NoError(t, err, name)
		p2, f2, err := fit(weighted, cov)
		require.NoError(t, err, name)
		assert.InDelta(t, f1.LogLikelihood, f2.LogLikelihood, 1e-8*math.Abs(f1.LogLikelihood), name)
		require.Len(t, p2, len(p1), name)
		for j := range p1 {
			assert.InDelta(t, p1[j], p2[j], 1e-7*math.Max(1, math.Abs(p1[j])), "%s: parameter %d", name, j)
		}
		assert.Equal(t, 2*float64(len(cs)), f2.N, name)
	}
}

// doubled returns cs with every customer twice in a row, with their
// covariate rows, and a copy of cs with every Weight 2.
func doubled(cs []clv.Customer, cov clv.Covariates) (twice []clv.Customer, cov2 clv.Covariates, weighted []clv.Customer) {
	weighted = slices.Clone(cs)
	for i, c := range cs {
		twice = append(twice, c, c)
		cov2.Purchase = append(cov2.Purchase, cov.Purchase[i], cov.Purchase[i])
		cov2.Dropout = append(cov2.Dropout, cov.Dropout[i], cov.Dropout[i])
		weighted[i].Weight = 2
	}
	return twice, cov2, weighted
}

// TestCovariateUnitsDoNotMatter: a column in other units (age in years
// rather than standardised, z' = 12·z + 40) fits the same model: the same
// log-likelihood, the coefficient divided by 12, and the scale parameter
// moved by the shift, α' = α·exp(40·γ'), as the parameterisation says.
func TestCovariateUnitsDoNotMatter(t *testing.T) {
	cs, cov := covSmall()
	raw := cloneCov(cov)
	for _, r := range raw.Purchase {
		r[1] = 12*r[1] + 40
	}
	m, f, err := clv.FitBGNBDCov(cs, cov, nil)
	require.NoError(t, err)
	mr, fr, err := clv.FitBGNBDCov(cs, raw, nil)
	require.NoError(t, err)
	assert.InDelta(t, f.LogLikelihood, fr.LogLikelihood, 1e-7*math.Abs(f.LogLikelihood))
	assert.InDelta(t, m.Purchase[1]/12, mr.Purchase[1], 1e-5*math.Abs(m.Purchase[1]))
	assert.InDelta(t, m.Alpha, mr.Alpha*math.Exp(-40*mr.Purchase[1]), 1e-5*m.Alpha)
	assert.InDelta(t, f.StdErr[5]/12, fr.StdErr[5], 1e-4*f.StdErr[5])

	p, pf, err := clv.FitParetoNBDCov(cs, cov, nil)
	require.NoError(t, err)
	pr, prf, err := clv.FitParetoNBDCov(cs, raw, nil)
	require.NoError(t, err)
	assert.InDelta(t, pf.LogLikelihood, prf.LogLikelihood, 1e-7*math.Abs(pf.LogLikelihood))
	assert.InDelta(t, p.Purchase[1]/12, pr.Purchase[1], 1e-5*math.Abs(p.Purchase[1]))
	assert.InDelta(t, p.Alpha, pr.Alpha*math.Exp(-40*pr.Purchase[1]), 1e-5*p.Alpha)
}

// TestBGNBDCovBoundaryIsReported: customers who all have the same dropout
// probability (a, b in the thousands) push a BG/NBD fit with a dropout
// covariate to a, b → ∞, where the covariate has nothing to spread; the
// fit says so with a *BoundaryError and a NaN standard error for the held
// shape rather than returning a ridge point as converged.
func TestBGNBDCovBoundaryIsReported(t *testing.T) {
	cs := must(clv.SimulateBGNBDCustomers(clv.BGNBD{R: 0.8, Alpha: 8, A: 3000, B: 9000}, clv.CustomerSimulationOptions{Customers: 4000, Period: week, Seed: 5, Continuous: true}))
	rng := rand.New(rand.NewPCG(1, 2))
	var cov clv.Covariates
	for range cs {
		cov.Dropout = append(cov.Dropout, []float64{float64(rng.IntN(2))})
	}
	m, fit, err := clv.FitBGNBDCov(cs, cov, nil)
	require.ErrorIs(t, err, clv.ErrBoundary)
	var be *clv.BoundaryError
	require.True(t, errors.As(err, &be))
	assert.Equal(t, "clv.FitBGNBDCov", be.Func)
	// The larger shape, B, is held; A is refitted, so the mean dropout
	// probability a/(a+b) stays near the truth's 0.25.
	assert.Equal(t, []string{"B"}, be.Params)
	assert.InDelta(t, 0.25, m.A/(m.A+m.B), 0.03)
	require.Len(t, fit.StdErr, 5)
	assert.True(t, math.IsNaN(fit.StdErr[3]))
	assert.Equal(t, 5-len(be.Params), fit.NumParams)
}
