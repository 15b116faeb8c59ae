package survival_test

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"slices"
	"strconv"
	"testing"

	"github.com/ltvgo/ltv/survival"
	"github.com/stretchr/testify/require"
)

// The expected values of this file are testdata/cox_extra.json, written by
// testdata/cox_extra.R (R 4.2.2, survival 3.5-3, coxph eps 1e-12) from
// testdata/cox_extra.csv: 67 (start, stop] rows of 40 subjects in two
// strata with case weights 0.5, 1 and 2.5, tied integer times, and a
// covariate that changes at week 5.

// extraData is testdata/cox_extra.csv.
type extraData struct {
	obs             []survival.Observation
	x               [][]float64
	id, stratum     []int
	unweightedObs   []survival.Observation
	extraNewSubject []float64
}

func loadExtra(t *testing.T) extraData {
	t.Helper()
	f, err := os.Open("testdata/cox_extra.csv")
	require.NoError(t, err)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	var d extraData
	for _, rec := range recs[1:] {
		v := make([]float64, len(rec))
		for k, s := range rec {
			v[k], err = strconv.ParseFloat(s, 64)
			require.NoError(t, err)
		}
		// id,stratum,start,stop,status,x1,x2,w
		o := survival.Observation{Entry: v[2], Time: v[3], Event: v[4] == 1, Weight: v[7]}
		d.obs = append(d.obs, o)
		o.Weight = 0
		d.unweightedObs = append(d.unweightedObs, o)
		d.x = append(d.x, []float64{v[5], v[6]})
		d.id = append(d.id, int(v[0]))
		d.stratum = append(d.stratum, int(v[1]))
	}
	d.extraNewSubject = []float64{0.3, 1}
	return d
}

// extraFit is one fit of cox_extra.json.
type extraFit struct {
	Coef        []float64   `json:"coef"`
	Var         [][]float64 `json:"var"`
	NaiveVar    [][]float64 `json:"naive_var"`
	RScore      *float64    `json:"rscore"`
	Loglik      []float64   `json:"loglik"`
	Means       []float64   `json:"means"`
	Iter        int         `json:"iter"`
	Concordance []float64   `json:"concordance"`
	LR          []float64   `json:"lr"`
	Wald        float64     `json:"wald"`
	Score       float64     `json:"score"`
	Martingale  []float64   `json:"martingale"`
	Deviance    []float64   `json:"deviance"`
	ScoreResid  [][]float64 `json:"score_resid"`
	DFBeta      [][]float64 `json:"dfbeta"`
	Zph         struct {
		Table  [][]float64 `json:"table"`
		X      []float64   `json:"x"`
		Time   []float64   `json:"time"`
		Y      [][]float64 `json:"y"`
		Strata []int       `json:"strata"`
	} `json:"zph"`
	Survfit struct {
		Strata []int     `json:"strata"`
		Time   []float64 `json:"time"`
		Surv   []float64 `json:"surv"`
		StdErr []float64 `json:"std_err"`
		Cumhaz []float64 `json:"cumhaz"`
		NRisk  []float64 `json:"n_risk"`
	} `json:"survfit"`
	Robust struct {
		SE          []float64 `json:"se"`
		NaiveSE     []float64 `json:"naive_se"`
		Wald        float64   `json:"wald"`
		RScore      float64   `json:"rscore"`
		Concordance []float64 `json:"concordance"`
	} `json:"robust"`
	DF      float64 `json:"df"`
	Penalty float64 `json:"penalty"`
}

func loadExtraExpected(t *testing.T) map[string]extraFit {
	t.Helper()
	b, err := os.ReadFile("testdata/cox_extra.json")
	require.NoError(t, err)
	raw := map[string]json.RawMessage{}
	require.NoError(t, json.Unmarshal(b, &raw))
	out := map[string]extraFit{}
	for _, k := range []string{"efron", "breslow", "exact", "ridge", "ridge_scaled"} {
		var f extraFit
		require.NoError(t, json.Unmarshal(raw[k], &f), k)
		out[k] = f
	}
	return out
}

func relCloseSlice(t *testing.T, want, got []float64, tol float64, name string) {
	t.Helper()
	require.Len(t, got, len(want), name)
	for i := range want {
		relClose(t, want[i], got[i], tol, "%s[%d]", name, i)
	}
}

// absCloseSlice compares values that may be 0 (residuals) to tol.
func absCloseSlice(t *testing.T, want, got []float64, tol float64, name string) {
	t.Helper()
	require.Len(t, got, len(want), name)
	require.InDeltaSlice(t, want, got, tol, name)
}

func checkExtraFit(t *testing.T, want extraFit, got *survival.Cox) {
	t.Helper()
	relCloseSlice(t, want.Coef, got.Coef, coxTol, "coef")
	for j := range want.Var {
		relCloseSlice(t, want.Var[j], got.Cov[j], coxTol, "var")
		if want.NaiveVar != nil {
			relCloseSlice(t, want.NaiveVar[j], got.NaiveCov[j], coxTol, "naive var")
		}
	}
	relClose(t, want.Loglik[0], got.NullLogLikelihood, coxLLTol, "null loglik")
	relClose(t, want.Loglik[1], got.LogLikelihood, coxLLTol, "loglik")
}

func TestFitCoxWeightedStrataCounting(t *testing.T) {
	d := loadExtra(t)
	e := loadExtraExpected(t)
	for _, ties := range []survival.CoxTies{survival.Efron, survival.Breslow} {
		t.Run(ties.String(), func(t *testing.T) {
			want := e[ties.String()]
			opt := &survival.CoxOptions{Ties: ties, Strata: d.stratum, Tolerance: refEps}
			fit, err := survival.FitCox(d.obs, d.x, opt)
			require.NoError(t, err)
			checkExtraFit(t, want, fit)
			absCloseSlice(t, want.Means, fit.Means, 1e-15, "means")
			require.Equal(t, want.Iter, fit.Iterations)
			relClose(t, want.Concordance[0], fit.Concordance, coxTol, "concordance")
			relClose(t, want.Concordance[1], fit.ConcordanceStdErr, coxTol, "concordance se")
			relClose(t, want.LR[0], fit.LikelihoodRatio.ChiSquare, coxTol, "LR")
			relClose(t, want.Wald, fit.Wald.ChiSquare, coxTol, "Wald")
			// Non-integer weights make the fit robust, as in R: Score is
			// R's robust score test, NaiveScore its score test.
			require.True(t, fit.Robust)
			relClose(t, *want.RScore, fit.Score.ChiSquare, coxTol, "robust score")
			relClose(t, want.Score, fit.NaiveScore.ChiSquare, coxTol, "score")

			res, err := fit.Residuals(d.obs, d.x, opt)
			require.NoError(t, err)
			absCloseSlice(t, want.Martingale, res.Martingale, 1e-9, "martingale")
			absCloseSlice(t, want.Deviance, res.Deviance, 1e-9, "deviance")
			for i := range want.ScoreResid {
				absCloseSlice(t, want.ScoreResid[i], res.Score[i], 1e-9, "score residual")
				absCloseSlice(t, want.DFBeta[i], res.DFBeta[i], 1e-9, "dfbeta")
			}

			// cox.zph: the table, and the scaled residuals as rows of
			// (stratum, time, x, y…), sorted, since R lists tied times in
			// reverse row order for (start, stop] data.
			ph, err := fit.PHTestWith(d.obs, d.x, opt, nil)
			require.NoError(t, err)
			for j := range 2 {
				relClose(t, want.Zph.Table[j][0], ph.Terms[j].ChiSquare, coxTol, "zph %d", j)
			}
			relClose(t, want.Zph.Table[2][0], ph.Global.ChiSquare, coxTol, "zph global")
			terms, global, err := fit.PHTest()
			require.NoError(t, err)
			sameTests(t, append(ph.Terms, ph.Global), append(terms, global))
			rowsOf := func(strata []int, tm, x []float64, y [][]float64) [][]float64 {
				var rows [][]float64
				for i := range tm {
					rows = append(rows, append([]float64{float64(strata[i]), tm[i], x[i]}, y[i]...))
				}
				slices.SortFunc(rows, func(a, b []float64) int { return slices.Compare(a, b) })
				return rows
			}
			wantRows := rowsOf(want.Zph.Strata, want.Zph.Time, want.Zph.X, want.Zph.Y)
			gotRows := rowsOf(ph.Strata, ph.Time, ph.X, ph.Residuals)
			require.Len(t, gotRows, len(wantRows))
			for i := range wantRows {
				absCloseSlice(t, wantRows[i], gotRows[i], 1e-9, "zph row")
			}

			// survfit(fit, newdata) per stratum at weeks 5 and 10.
			sf := want.Survfit
			for k, s := range sf.Strata {
				curve, err := fit.SurvivalCurve(d.extraNewSubject, s, nil)
				require.NoError(t, err)
				tab := curve.Table([]float64{sf.Time[k]})
				relClose(t, sf.Surv[k], tab.Survival[0], coxTol, "S stratum %d t %g", s, sf.Time[k])
				relClose(t, sf.StdErr[k], tab.StdErr[0], coxTol, "SE stratum %d t %g", s, sf.Time[k])
				relClose(t, sf.NRisk[k], tab.AtRisk[0], 1e-12, "n.risk stratum %d t %g", s, sf.Time[k])
				relClose(t, sf.Cumhaz[k], fit.CumHazardAt(d.extraNewSubject, s, sf.Time[k]), coxTol, "cumhaz")
			}

			// cluster(id): the sandwich, R's robust tests and the
			// concordance's standard error by subject.
			ropt := *opt
			ropt.Cluster = d.id
			rfit, err := survival.FitCox(d.obs, d.x, &ropt)
			require.NoError(t, err)
			relCloseSlice(t, want.Robust.SE, rfit.StdErr, coxTol, "robust se")
			relCloseSlice(t, want.Robust.NaiveSE, rfit.NaiveStdErr, coxTol, "naive se")
			relClose(t, want.Robust.Wald, rfit.Wald.ChiSquare, coxTol, "robust Wald")
			relClose(t, want.Robust.RScore, rfit.Score.ChiSquare, coxTol, "robust score")
			relClose(t, want.Robust.Concordance[1], rfit.ConcordanceStdErr, coxTol, "concordance se by cluster")
		})
	}
}

func TestFitCoxExactCounting(t *testing.T) {
	d := loadExtra(t)
	want := loadExtraExpected(t)["exact"]
	opt := &survival.CoxOptions{Ties: survival.Exact, Strata: d.stratum, Tolerance: refEps}
	fit, err := survival.FitCox(d.unweightedObs, d.x, opt)
	require.NoError(t, err)
	checkExtraFit(t, want, fit)
	res, err := fit.Residuals(d.unweightedObs, d.x, opt)
	require.NoError(t, err)
	absCloseSlice(t, want.Martingale, res.Martingale, 1e-9, "martingale")
	require.Nil(t, res.Score, "R has no score residuals for the exact method")
}

func TestFitCoxRidge(t *testing.T) {
	d := loadExtra(t)
	e := loadExtraExpected(t)
	for _, scaled := range []bool{false, true} {
		key := "ridge"
		if scaled {
			key = "ridge_scaled"
		}
		t.Run(key, func(t *testing.T) {
			want := e[key]
			fit, err := survival.FitCox(d.unweightedObs, d.x, &survival.CoxOptions{Strata: d.stratum, L2: 5,
				PenalizeStandardized: scaled, Tolerance: refEps})
			require.NoError(t, err)
			checkExtraFit(t, want, fit)
			relClose(t, want.DF, fit.EffectiveDF, coxTol, "effective df")
			// R's penalty term θ/2·Σ v_j β_j² at β̂.
			pen := 0.0
			for j, b := range fit.Coef {
				v := 1.0
				if scaled {
					v = columnVariance(d.x, j)
				}
				pen += 2.5 * v * b * b
			}
			relClose(t, want.Penalty, pen, coxTol, "penalty")
		})
	}
}

// columnVariance is the sample variance (n − 1) of column j.
func columnVariance(x [][]float64, j int) float64 {
	m := 0.0
	for _, r := range x {
		m += r[j]
	}
	m /= float64(len(x))
	s := 0.0
	for _, r := range x {
		s += (r[j] - m) * (r[j] - m)
	}
	return s / float64(len(x)-1)
}
