package survival_test

import (
	"math"
	"slices"
	"strconv"
	"testing"

	"github.com/ltvgo/ltv/internal/refdata/refdatatest"
	"github.com/ltvgo/ltv/survival"
	"github.com/stretchr/testify/require"
)

// aftExpected is one fit of expected.json's "aft" key (R 4.2.2, survival
// 3.5-3, survreg on Rossi; written by the oracle cox_ref.R).
type aftExpected struct {
	Intercept   float64            `json:"intercept"`
	InterceptSE float64            `json:"intercept_se"`
	Coef        map[string]float64 `json:"coef"`
	SE          map[string]float64 `json:"se"`
	Scale       float64            `json:"scale"`
	LogScale    float64            `json:"log_scale"`
	LogScaleSE  *float64           `json:"log_scale_se"`
	ScaleFixed  bool               `json:"scale_fixed"`
	LogLikNull  float64            `json:"loglik_null"`
	LogLik      float64            `json:"loglik"`
	LRTest      struct {
		ChiSq float64 `json:"chisq"`
		DF    int     `json:"df"`
		P     float64 `json:"p"`
	} `json:"lr_test"`
	Var         [][]float64 `json:"var"`
	StdErrOrder []float64   `json:"stderr_contract_order"`
}

// TestFitAFTRossi checks every survreg number of refdata cox/expected.json
// "aft" for the four distributions: estimates, standard errors, the scale
// and its log with SE, and the covariance to 1e-6 relative; both
// log-likelihoods to 1e-8 relative.
func TestFitAFTRossi(t *testing.T) {
	var all struct {
		AFT map[string]aftExpected `json:"aft"`
	}
	refdatatest.JSON(t, "cox/expected.json", &all)
	d := loadRossi(t, "rossi.csv")
	obs, X := d.obs, d.x
	for _, tc := range []struct {
		key  string
		dist survival.AFTDist
	}{
		{"weibull", survival.Weibull},
		{"exponential", survival.Exponential},
		{"lognormal", survival.LogNormal},
		{"loglogistic", survival.LogLogistic},
	} {
		t.Run(tc.key, func(t *testing.T) {
			want, ok := all.AFT[tc.key]
			require.True(t, ok)
			m, err := survival.FitAFT(obs, X, tc.dist, nil)
			require.NoError(t, err)
			rel := func(name string, got, want, tol float64) {
				t.Helper()
				require.Truef(t, math.Abs(got-want) <= tol*math.Abs(want), "%s = %.12g, R %.12g", name, got, want)
			}
			rel("intercept", m.Intercept, want.Intercept, 1e-6)
			require.Len(t, m.Coef, len(rossiCovariates))
			for j, name := range rossiCovariates {
				rel(name, m.Coef[j], want.Coef[name], 1e-6)
				rel("SE "+name, m.StdErr[j+1], want.SE[name], 1e-6)
			}
			rel("intercept SE", m.StdErr[0], want.InterceptSE, 1e-6)
			rel("scale", m.Scale, want.Scale, 1e-6)
			require.Equal(t, want.ScaleFixed, m.ScaleFixed)
			if want.LogScaleSE != nil {
				rel("log scale", math.Log(m.Scale), want.LogScale, 1e-6)
				rel("log scale SE", m.StdErr[len(m.StdErr)-1], *want.LogScaleSE, 1e-6)
			}
			rel("loglik", m.LogLikelihood, want.LogLik, 1e-8)
			rel("null loglik", m.NullLogLikelihood, want.LogLikNull, 1e-8)
			rel("LR chi-square", m.LikelihoodRatio.ChiSquare, want.LRTest.ChiSq, 1e-6)
			require.Equal(t, want.LRTest.DF, m.LikelihoodRatio.DF)
			rel("LR p", m.LikelihoodRatio.P, want.LRTest.P, 1e-6)

			require.Len(t, m.StdErr, len(want.StdErrOrder))
			for j, se := range want.StdErrOrder {
				rel("StdErr["+strconv.Itoa(j)+"]", m.StdErr[j], se, 1e-6)
			}
			require.Len(t, m.Cov, len(want.Var))
			for i, row := range want.Var {
				require.Len(t, m.Cov[i], len(row))
				for j, v := range row {
					rel("Cov["+strconv.Itoa(i)+"]["+strconv.Itoa(j)+"]", m.Cov[i][j], v, 1e-6)
				}
			}
			require.Equal(t, float64(len(obs)), m.N)
			require.Equal(t, 114.0, m.Events) // refdata README: 114 arrests
		})
	}
}

// TestFitAFTReadsOnly checks that FitAFT leaves its inputs as they were.
func TestFitAFTReadsOnly(t *testing.T) {
	d := loadRossi(t, "rossi.csv")
	obs, X := d.obs, d.x
	obs0 := slices.Clone(obs)
	X0 := make([][]float64, len(X))
	for i := range X {
		X0[i] = slices.Clone(X[i])
	}
	_, err := survival.FitAFT(obs, X, survival.LogNormal, nil)
	require.NoError(t, err)
	require.Equal(t, obs0, obs)
	require.Equal(t, X0, X)
}
