package clv_test

import (
	"math"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/internal/refdata/refdatatest"
)

// covExpected is the part of refdata covariates/expected.json the tests
// read: fits of an independent numpy/scipy oracle (btyd_cov_ref.py, its own
// quadrature of the Pareto/NBD integral) on two seeded synthetic samples.
type covExpected struct {
	Data struct {
		File string `json:"file"`
	} `json:"data"`
	Fits  map[string]covExpectedFit `json:"fits"`
	Tests map[string]struct {
		ChiSq float64 `json:"chisq"`
		DF    int     `json:"df"`
		P     float64 `json:"p"`
	} `json:"tests"`
	Fixed struct {
		Params struct {
			Base     []float64          `json:"base"`
			Purchase map[string]float64 `json:"purchase"`
			Dropout  map[string]float64 `json:"dropout"`
		} `json:"params"`
		LogLik    float64              `json:"loglik_full_model_at_truth"`
		Gradient  []float64            `json:"gradient_at_truth_wrt_log_base_then_gammas"`
		Customers []map[string]float64 `json:"first5_customers_at_full_fit"`
	} `json:"at_fixed_params"`
}

type covExpectedFit struct {
	ParamNames []string           `json:"param_names"`
	Estimate   map[string]float64 `json:"estimate"`
	Purchase   []float64          `json:"purchase_coefficients"`
	Dropout    []float64          `json:"dropout_coefficients"`
	SE         map[string]float64 `json:"se"`
	Cov        [][]float64        `json:"cov"`
	LogLik     float64            `json:"loglik"`
	NParams    int                `json:"n_params"`
	AIC        float64            `json:"aic"`
	BIC        float64            `json:"bic"`
	Covariates struct {
		Purchase []string `json:"purchase"`
		Dropout  []string `json:"dropout"`
		Shared   []int    `json:"shared"`
		L2       float64  `json:"l2"`
	} `json:"covariates"`
}

// loadCovExpected returns expected.json's two models by key.
func loadCovExpected(t testing.TB) map[string]covExpected {
	var all struct {
		PNBD  covExpected `json:"pnbd"`
		BGNBD covExpected `json:"bgnbd"`
	}
	refdatatest.JSON(t, "covariates/expected.json", &all)
	return map[string]covExpected{"pnbd": all.PNBD, "bgnbd": all.BGNBD}
}

// covSample is a refdata covariate sample: summaries and named columns.
type covSample struct {
	cs      []clv.Customer
	columns map[string][]float64
}

func loadCovSample(t testing.TB, file string) covSample {
	t.Helper()
	recs := refdatatest.CSV(t, "covariates/"+file)
	head := recs[0]
	s := covSample{columns: map[string][]float64{}}
	for _, r := range recs[1:] {
		v := make([]float64, len(r))
		for j := range r {
			var err error
			if v[j], err = strconv.ParseFloat(r[j], 64); err != nil {
				t.Fatal(err)
			}
		}
		s.cs = append(s.cs, clv.Customer{ID: r[0], Frequency: v[1], Recency: v[2], T: v[3]})
		for j, name := range head[4:] {
			s.columns[name] = append(s.columns[name], v[4+j])
		}
	}
	return s
}

// rows returns the customers' values of the named columns, one row each
// (nil for no names).
func (s covSample) rows(names []string) [][]float64 {
	if len(names) == 0 {
		return nil
	}
	out := make([][]float64, len(s.cs))
	for i := range out {
		for _, name := range names {
			out[i] = append(out[i], s.columns[name][i])
		}
	}
	return out
}

// covModel runs one of the covariate models on the refdata.
type covModel struct {
	key string // in expected.json
	fit func(cs []clv.Customer, cov clv.Covariates, opt *clv.FitOptions) (base []float64, purchase, dropout []float64, f clv.Fit, err error)
	// at returns customer i's model at base and the coefficients.
	at func(base, purchase, dropout []float64, zp, zd []float64) clv.PurchaseModel
	// scaled returns the customer-level parameters the oracle lists.
	scaled func(m clv.PurchaseModel) map[string]float64
}

var covModels = []covModel{
	{
		key: "pnbd",
		fit: func(cs []clv.Customer, cov clv.Covariates, opt *clv.FitOptions) ([]float64, []float64, []float64, clv.Fit, error) {
			m, f, err := clv.FitParetoNBDCov(cs, cov, opt)
			return []float64{m.R, m.Alpha, m.S, m.Beta}, m.Purchase, m.Dropout, f, err
		},
		at: func(base, purchase, dropout, zp, zd []float64) clv.PurchaseModel {
			m := clv.ParetoNBDCov{ParetoNBD: clv.ParetoNBD{R: base[0], Alpha: base[1], S: base[2], Beta: base[3]}, Purchase: purchase, Dropout: dropout}
			return m.For(zp, zd)
		},
		scaled: func(m clv.PurchaseModel) map[string]float64 {
			p := m.(clv.ParetoNBD)
			return map[string]float64{"r": p.R, "alpha_i": p.Alpha, "s": p.S, "beta_i": p.Beta}
		},
	},
	{
		key: "bgnbd",
		fit: func(cs []clv.Customer, cov clv.Covariates, opt *clv.FitOptions) ([]float64, []float64, []float64, clv.Fit, error) {
			m, f, err := clv.FitBGNBDCov(cs, cov, opt)
			return []float64{m.R, m.Alpha, m.A, m.B}, m.Purchase, m.Dropout, f, err
		},
		at: func(base, purchase, dropout, zp, zd []float64) clv.PurchaseModel {
			m := clv.BGNBDCov{BGNBD: clv.BGNBD{R: base[0], Alpha: base[1], A: base[2], B: base[3]}, Purchase: purchase, Dropout: dropout}
			return m.For(zp, zd)
		},
		scaled: func(m clv.PurchaseModel) map[string]float64 {
			p := m.(clv.BGNBD)
			return map[string]float64{"r": p.R, "alpha_i": p.Alpha, "a_i": p.A, "b_i": p.B}
		},
	},
}

// relClose asserts |got − want| ≤ tol·|want|, and that got is finite.
func relClose(t *testing.T, want, got, tol float64, msg string, args ...any) {
	t.Helper()
	require.False(t, math.IsNaN(got) || math.IsInf(got, 0), append([]any{msg}, args...)...)
	assert.InDelta(t, want, got, tol*math.Abs(want), append([]any{msg}, args...)...)
}

// covFitOrder is the order of the oracle's fits: no_covariates and full
// come before the tests that compare them.
var covFitOrder = []string{"no_covariates", "full", "shared_channel", "l2_lambda5", "l2_lambda5_shared_channel"}

func TestCovariateFitsMatchReference(t *testing.T) {
	for _, cm := range covModels {
		t.Run(cm.key, func(t *testing.T) {
			exp := loadCovExpected(t)[cm.key]
			sample := loadCovSample(t, exp.Data.File)
			fits := map[string]clv.Fit{}
			for _, name := range covFitOrder {
				want := exp.Fits[name]
				cov := clv.Covariates{
					Purchase: sample.rows(want.Covariates.Purchase),
					Dropout:  sample.rows(want.Covariates.Dropout),
					Shared:   want.Covariates.Shared,
					L2:       want.Covariates.L2,
				}
				base, purchase, dropout, fit, err := cm.fit(sample.cs, cov, nil)
				require.NoError(t, err, name)
				fits[name] = fit
				// Estimates in the oracle's order: base, then the purchase
				// coefficients, then the dropout ones not shared.
				got := append(slices.Clone(base), purchase...)
				for j, g := range dropout {
					if !slices.Contains(want.Covariates.Shared, j) {
						got = append(got, g)
					}
				}
				require.Len(t, got, len(want.ParamNames), name)
				require.Len(t, fit.StdErr, len(want.ParamNames), name)
				for j, pn := range want.ParamNames {
					relClose(t, want.Estimate[pn], got[j], 1e-4, "%s: %s", name, pn)
					relClose(t, want.SE[pn], fit.StdErr[j], 1e-3, "%s: SE %s", name, pn)
					for k := range want.ParamNames {
						assert.InDelta(t, want.Cov[j][k], fit.Cov[j][k], 2e-3*math.Sqrt(want.Cov[j][j]*want.Cov[k][k]), "%s: Cov[%d][%d]", name, j, k)
					}
				}
				assert.InDeltaSlice(t, want.Purchase, purchase, 1e-4*(1+maxAbs(want.Purchase)), "%s: purchase", name)
				assert.InDeltaSlice(t, want.Dropout, dropout, 1e-4*(1+maxAbs(want.Dropout)), "%s: dropout", name)
				assert.InDelta(t, want.LogLik, fit.LogLikelihood, 1e-6, "%s: LL", name)
				assert.Equal(t, want.NParams, fit.NumParams, name)
				assert.InDelta(t, want.AIC, fit.AIC(), 1e-5, "%s: AIC", name)
				assert.InDelta(t, want.BIC, fit.BIC(), 1e-5, "%s: BIC", name)
				assert.Equal(t, want.Covariates.L2 > 0, fit.Penalized, name)
			}
			for test, pair := range map[string][2]string{
				"lr_shared_vs_full":        {"shared_channel", "full"},
				"lr_no_covariates_vs_full": {"no_covariates", "full"},
			} {
				want := exp.Tests[test]
				lr, p := clv.LikelihoodRatioTest(fits[pair[0]], fits[pair[1]], false)
				assert.InDelta(t, want.ChiSq, lr, 2e-6, test)
				assert.InDelta(t, want.P, p, 1e-6*want.P+1e-300, test)
				assert.Equal(t, want.DF, fits[pair[1]].NumParams-fits[pair[0]].NumParams, test)
			}
		})
	}
}

func maxAbs(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m = math.Max(m, math.Abs(x))
	}
	return m
}

func TestCovariateModelsAtFixedParams(t *testing.T) {
	// Per-customer parameters, P(alive) and ℓ_i at the oracle's full fit,
	// and the total LL at the simulation truth: no optimiser involved.
	for _, cm := range covModels {
		t.Run(cm.key, func(t *testing.T) {
			exp := loadCovExpected(t)[cm.key]
			sample := loadCovSample(t, exp.Data.File)
			full := exp.Fits["full"]
			names := full.ParamNames
			base := []float64{full.Estimate[names[0]], full.Estimate[names[1]], full.Estimate[names[2]], full.Estimate[names[3]]}
			zp, zd := sample.rows(full.Covariates.Purchase), sample.rows(full.Covariates.Dropout)
			for _, want := range exp.Fixed.Customers {
				i := int(want["id"]) - 1
				m := cm.at(base, full.Purchase, full.Dropout, zp[i], zd[i])
				for k, v := range cm.scaled(m) {
					relClose(t, want[k], v, 1e-13, "customer %d: %s", i+1, k)
				}
				relClose(t, want["p_alive"], m.PAlive(sample.cs[i]), 1e-10, "customer %d: P(alive)", i+1)
				relClose(t, want["loglik_i"], m.LogLikelihood(sample.cs[i]), 1e-11, "customer %d: ℓ", i+1)
			}
			truth := exp.Fixed.Params
			gp := []float64{truth.Purchase[full.Covariates.Purchase[0]], truth.Purchase[full.Covariates.Purchase[1]]}
			gd := []float64{truth.Dropout[full.Covariates.Dropout[0]], truth.Dropout[full.Covariates.Dropout[1]]}
			var ll float64
			for i, c := range sample.cs {
				ll += cm.at(truth.Base, gp, gd, zp[i], zd[i]).LogLikelihood(c)
			}
			assert.InDelta(t, exp.Fixed.LogLik, ll, 1e-7, "LL at the truth")
		})
	}
}
