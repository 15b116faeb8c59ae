package survival_test

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"testing"

	"github.com/ltvgo/ltv/internal/refdata/refdatatest"
	"github.com/ltvgo/ltv/survival"
	"github.com/stretchr/testify/require"
)

// Every expected value in this file comes from refdata cox/expected.json,
// written by R 4.2.2 with survival 3.5-3 (oracle cox_ref.R, Newton run to
// eps = 1e-12), unless a comment says otherwise. Tolerances are those of
// the Cox issue: coefficients, SEs, tests, concordance and zph 1e-6
// relative, log-likelihoods 1e-8 relative, baseline survival 1e-6.
const (
	coxTol   = 1e-6
	coxLLTol = 1e-8
	// refEps is the oracle's coxph.control(eps): the fits are run to it.
	refEps = 1e-12
)

// rossiCovariates is the covariate order of refdata cox/expected.json.
var rossiCovariates = []string{"fin", "age", "race", "wexp", "mar", "paro", "prio"}

// rossiData is refdata cox/rossi.csv (weeks to arrest, or censoring at
// week 52) or rossi_split.csv ((start, stop] rows) as observations, the
// covariate matrix in rossiCovariates order, and every column by name. The
// Cox and AFT reference tests both read it.
type rossiData struct {
	obs  []survival.Observation
	x    [][]float64
	cols map[string][]float64
}

// loadRossi reads refdata cox/<file> (it skips the test without refdata).
func loadRossi(t testing.TB, file string) rossiData {
	t.Helper()
	recs := refdatatest.CSV(t, "cox/"+file)
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	d := rossiData{cols: map[string][]float64{}}
	for _, rec := range recs[1:] {
		num := func(name string) float64 {
			v, err := strconv.ParseFloat(rec[col[name]], 64)
			require.NoError(t, err, name)
			return v
		}
		o := survival.Observation{Event: num("arrest") == 1}
		if _, ok := col["week"]; ok {
			o.Time = num("week")
		} else {
			o.Entry, o.Time = num("start"), num("stop")
		}
		d.obs = append(d.obs, o)
		row := make([]float64, len(rossiCovariates))
		for j, c := range rossiCovariates {
			row[j] = num(c)
		}
		d.x = append(d.x, row)
		for name := range col {
			d.cols[name] = append(d.cols[name], num(name))
		}
	}
	return d
}

// labels returns a column as integer labels.
func (d rossiData) labels(name string) []int {
	l := make([]int, len(d.obs))
	for i, v := range d.cols[name] {
		l[i] = int(v)
	}
	return l
}

// dropColumn returns X without column j.
func dropColumn(x [][]float64, j int) [][]float64 {
	out := make([][]float64, len(x))
	for i, row := range x {
		out[i] = append(append([]float64{}, row[:j]...), row[j+1:]...)
	}
	return out
}

// refTest is a chisq/df/p triple of expected.json.
type refTest struct {
	Chisq float64 `json:"chisq"`
	DF    int     `json:"df"`
	P     float64 `json:"p"`
}

// refConcordance is a concordance() result of expected.json. Counts is
// an object, or per stratum an array of arrays.
type refConcordance struct {
	C      float64         `json:"c"`
	SE     float64         `json:"se"`
	Counts json.RawMessage `json:"counts"`
}

// refCounts are R's concordance counts (reverse = TRUE).
type refCounts struct {
	Concordant float64 `json:"concordant"`
	Discordant float64 `json:"discordant"`
	TiedX      float64 `json:"tied.x"`
	TiedY      float64 `json:"tied.y"`
	TiedXY     float64 `json:"tied.xy"`
}

// refCox is one fit of expected.json's "cox" or "split" sections.
type refCox struct {
	N          int                `json:"n"`
	NEvent     int                `json:"nevent"`
	Iterations int                `json:"iterations"`
	Coef       map[string]float64 `json:"coef"`
	SE         map[string]float64 `json:"se"`
	NaiveSE    map[string]float64 `json:"naive_se"`
	Var        [][]float64        `json:"var"`
	LoglikNull float64            `json:"loglik_null"`
	Loglik     float64            `json:"loglik"`
	LR         refTest            `json:"lr_test"`
	Wald       refTest            `json:"wald_test"`
	Score      refTest            `json:"score_test"`
	WaldNaive  *refTest           `json:"wald_test_naive"`
	ScoreNaive *refTest           `json:"score_test_naive"`
	Conc       refConcordance     `json:"concordance"`
	Means      map[string]float64 `json:"means"`
}

// coxExpected is the part of refdata cox/expected.json these tests read.
type coxExpected struct {
	Cox      map[string]refCox             `json:"cox"`
	Split    map[string]any                `json:"split"`
	Zph      map[string]map[string]refTest `json:"zph"`
	Baseline map[string]any                `json:"baseline"`
	Predict  struct {
		Rows        []int     `json:"rows"`
		LP          []float64 `json:"lp_uncentred"`
		Surv52      []float64 `json:"surv_week52"`
		StdErr52    []float64 `json:"std_err_week52"`
		BreslowSurv []float64 `json:"breslow_surv_week52"`
	} `json:"predict"`
	Concordance map[string]any `json:"concordance"`
	Toy         struct {
		Breslow struct {
			Coef   float64   `json:"coef"`
			SE     float64   `json:"se"`
			Loglik []float64 `json:"loglik"`
		} `json:"breslow"`
		Efron struct {
			Coef   float64   `json:"coef"`
			SE     float64   `json:"se"`
			Loglik []float64 `json:"loglik"`
		} `json:"efron"`
		Exact struct {
			LoglikNull float64 `json:"loglik_null"`
		} `json:"exact"`
		Zph map[string]struct {
			R float64 `json:"r"`
		} `json:"zph"`
	} `json:"toy_closed_form"`
}

// remarshal decodes a generically decoded JSON value into out.
func remarshal(t testing.TB, v, out any) {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, out))
}

func loadCoxExpected(t testing.TB) coxExpected {
	t.Helper()
	var e coxExpected
	refdatatest.JSON(t, "cox/expected.json", &e)
	return e
}

// relClose asserts |got − want| ≤ tol·max(|want|, 1e-300)-ish relative, and
// that got is finite.
func relClose(t testing.TB, want, got, tol float64, msg string, args ...any) {
	t.Helper()
	require.False(t, math.IsNaN(got) || math.IsInf(got, 0), "%s: got %v", fmt.Sprintf(msg, args...), got)
	require.InDelta(t, want, got, tol*math.Abs(want)+1e-300, fmt.Sprintf(msg, args...))
}

func checkTest(t testing.TB, want refTest, got survival.Test, name string) {
	t.Helper()
	relClose(t, want.Chisq, got.ChiSquare, coxTol, "%s chisq", name)
	require.Equal(t, want.DF, got.DF, "%s df", name)
	relClose(t, want.P, got.P, coxTol, "%s p", name)
}

// sameTests asserts that two lists of tests agree to rounding (PHTest's
// stored test and PHTestWith's recomputation sum in different orders).
func sameTests(t testing.TB, want, got []survival.Test) {
	t.Helper()
	require.Len(t, got, len(want))
	for i := range want {
		require.Equal(t, want[i].DF, got[i].DF)
		relClose(t, want[i].ChiSquare, got[i].ChiSquare, 1e-12, "chisq %d", i)
		relClose(t, want[i].P, got[i].P, 1e-12, "p %d", i)
	}
}

func checkConcordance(t testing.TB, want refConcordance, c, se float64, name string) {
	t.Helper()
	relClose(t, want.C, c, coxTol, "%s concordance", name)
	relClose(t, want.SE, se, coxTol, "%s concordance se", name)
}

// checkFit compares a fit with an expected.json fit over the covariates
// names.
func checkFit(t *testing.T, want refCox, got *survival.Cox, names []string) {
	t.Helper()
	require.Len(t, got.Coef, len(names))
	require.Len(t, got.StdErr, len(names))
	for j, name := range names {
		relClose(t, want.Coef[name], got.Coef[j], coxTol, "coef %s", name)
		relClose(t, want.SE[name], got.StdErr[j], coxTol, "se %s", name)
		relClose(t, want.Means[name], got.Means[j], 1e-12, "mean %s", name)
		if want.NaiveSE != nil {
			relClose(t, want.NaiveSE[name], got.NaiveStdErr[j], coxTol, "naive se %s", name)
		}
		for k := range names {
			require.InDelta(t, want.Var[j][k], got.Cov[j][k], coxTol*math.Sqrt(want.Var[j][j]*want.Var[k][k]), "var %d %d", j, k)
		}
	}
	relClose(t, want.LoglikNull, got.NullLogLikelihood, coxLLTol, "null loglik")
	relClose(t, want.Loglik, got.LogLikelihood, coxLLTol, "loglik")
	checkTest(t, want.LR, got.LikelihoodRatio, "LR")
	checkTest(t, want.Wald, got.Wald, "Wald")
	checkTest(t, want.Score, got.Score, "score")
	if want.WaldNaive != nil {
		checkTest(t, *want.WaldNaive, got.NaiveWald, "naive Wald")
		checkTest(t, *want.ScoreNaive, got.NaiveScore, "naive score")
		require.True(t, got.Robust)
	}
	checkConcordance(t, want.Conc, got.Concordance, got.ConcordanceStdErr, "fit")
	require.Equal(t, want.N, got.N)
	require.Equal(t, want.NEvent, got.Events)
	// Newton from 0 with R's step rule takes R's number of iterations.
	require.Equal(t, want.Iterations, got.Iterations)
	require.True(t, got.Converged)
}

func TestFitCoxRossi(t *testing.T) {
	e := loadCoxExpected(t)
	d := loadRossi(t, "rossi.csv")
	withoutRace := dropColumn(d.x, 2)
	namesWithoutRace := []string{"fin", "age", "wexp", "mar", "paro", "prio"}
	tests := []struct {
		key   string
		x     [][]float64
		names []string
		opt   survival.CoxOptions
	}{
		{"efron", d.x, rossiCovariates, survival.CoxOptions{}},
		{"breslow", d.x, rossiCovariates, survival.CoxOptions{Ties: survival.Breslow}},
		{"exact", d.x, rossiCovariates, survival.CoxOptions{Ties: survival.Exact}},
		{"strata_race_efron", withoutRace, namesWithoutRace, survival.CoxOptions{Strata: d.labels("race")}},
		{"robust_efron", d.x, rossiCovariates, survival.CoxOptions{Robust: true}},
		{"cluster_mod40_efron", d.x, rossiCovariates, survival.CoxOptions{Cluster: d.labels("cluster")}},
	}
	for _, tc := range tests {
		t.Run(tc.key, func(t *testing.T) {
			want, ok := e.Cox[tc.key]
			require.True(t, ok)
			tc.opt.Tolerance = refEps
			tc.opt.Names = tc.names
			got, err := survival.FitCox(d.obs, tc.x, &tc.opt)
			require.NoError(t, err)
			checkFit(t, want, got, tc.names)
			require.Equal(t, tc.names, got.Names)
		})
	}
}

// TestFitCoxSplit: (start, stop] rows give the unsplit fit. The split rows
// are refdata's rossi_split.csv (R's survSplit at weeks 20 and 40) and
// SplitAt's own split, which must reproduce them.
func TestFitCoxSplit(t *testing.T) {
	e := loadCoxExpected(t)
	s := loadRossi(t, "rossi_split.csv")
	d := loadRossi(t, "rossi.csv")
	split, err := survival.SplitAt(d.obs, d.x, []float64{40, 20})
	require.NoError(t, err)
	require.Equal(t, s.obs, split.Obs)
	require.Equal(t, s.x, split.X)
	for i, r := range split.Row {
		require.Equal(t, s.cols["id"][i], float64(r+1), "row %d", i)
		require.Equal(t, s.cols["tgroup"][i], float64(split.Episode[i]+1), "row %d", i)
	}
	ids := s.labels("id")
	for _, key := range []string{"efron", "breslow", "efron_cluster_id"} {
		t.Run(key, func(t *testing.T) {
			var want refCox
			remarshal(t, e.Split[key], &want)
			opt := survival.CoxOptions{Tolerance: refEps}
			switch key {
			case "breslow":
				opt.Ties = survival.Breslow
			case "efron_cluster_id":
				opt.Cluster = ids
			}
			got, err := survival.FitCox(s.obs, s.x, &opt)
			require.NoError(t, err)
			checkFit(t, want, got, rossiCovariates)
			// SplitAt's rows fit the same.
			opt.Cluster = nil
			if key == "efron_cluster_id" {
				opt.Cluster = split.Row
			}
			own, err := survival.FitCox(split.Obs, split.X, &opt)
			require.NoError(t, err)
			checkFit(t, want, own, rossiCovariates)
		})
	}
	// And equal the unsplit robust fit (refdata: 7e-15).
	unsplit, err := survival.FitCox(d.obs, d.x, &survival.CoxOptions{Robust: true, Tolerance: refEps})
	require.NoError(t, err)
	bySubject, err := survival.FitCox(s.obs, s.x, &survival.CoxOptions{Cluster: ids, Tolerance: refEps})
	require.NoError(t, err)
	require.InDeltaSlice(t, unsplit.Coef, bySubject.Coef, 1e-12)
	require.InDeltaSlice(t, unsplit.StdErr, bySubject.StdErr, 1e-12)
}

func TestCoxPHTestRossi(t *testing.T) {
	e := loadCoxExpected(t)
	d := loadRossi(t, "rossi.csv")
	transforms := map[string]survival.PHTransform{"km": survival.PHKaplanMeier, "identity": survival.PHIdentity,
		"rank": survival.PHRank, "log": survival.PHLog}
	for _, key := range []string{"efron_km", "efron_identity", "efron_rank", "efron_log", "breslow_km"} {
		t.Run(key, func(t *testing.T) {
			want := e.Zph[key]
			opt := survival.CoxOptions{Tolerance: refEps}
			tr := transforms[key[len("efron_"):]]
			if key == "breslow_km" {
				opt.Ties, tr = survival.Breslow, survival.PHKaplanMeier
			}
			fit, err := survival.FitCox(d.obs, d.x, &opt)
			require.NoError(t, err)
			r, err := fit.PHTestWith(d.obs, d.x, &opt, &survival.PHTestOptions{Transform: tr})
			require.NoError(t, err)
			require.Len(t, r.Terms, len(rossiCovariates))
			for j, name := range rossiCovariates {
				checkTest(t, want[name], r.Terms[j], name)
			}
			checkTest(t, want["GLOBAL"], r.Global, "GLOBAL")
			if tr == survival.PHKaplanMeier {
				terms, global, err := fit.PHTest()
				require.NoError(t, err)
				sameTests(t, append(r.Terms, r.Global), append(terms, global))
			}
			// One scaled residual row per event, in time order.
			require.Len(t, r.Residuals, fit.Events)
			require.Len(t, r.Time, fit.Events)
			require.Len(t, r.X, fit.Events)
			require.Nil(t, r.Strata)
		})
	}
}

func TestCoxBaselineRossi(t *testing.T) {
	e := loadCoxExpected(t)
	d := loadRossi(t, "rossi.csv")
	fits := map[survival.CoxTies]*survival.Cox{}
	for _, ties := range []survival.CoxTies{survival.Efron, survival.Breslow} {
		fit, err := survival.FitCox(d.obs, d.x, &survival.CoxOptions{Ties: ties, Tolerance: refEps})
		require.NoError(t, err)
		fits[ties] = fit
	}
	for key, v := range e.Baseline {
		if key == "note" || key == "curve_csv" {
			continue
		}
		t.Run(key, func(t *testing.T) {
			var want struct {
				Covariates map[string]float64 `json:"covariates"`
				Ctype      int                `json:"ctype"`
				Time       []float64          `json:"time"`
				NRisk      []float64          `json:"n_risk"`
				Surv       []float64          `json:"surv"`
				StdErr     []float64          `json:"std_err"`
				Cumhaz     []float64          `json:"cumhaz"`
			}
			remarshal(t, v, &want)
			fit := fits[survival.Efron]
			if key == "breslow_default" {
				fit = fits[survival.Breslow]
			}
			x := make([]float64, len(rossiCovariates))
			for j, name := range rossiCovariates {
				x[j] = want.Covariates[name]
			}
			opt := &survival.CoxCurveOptions{Breslow: want.Ctype == 1}
			curve, err := fit.SurvivalCurve(x, 0, opt)
			require.NoError(t, err)
			tab := curve.Table(want.Time)
			for k, tm := range want.Time {
				relClose(t, want.Surv[k], tab.Survival[k], coxTol, "S(%g)", tm)
				relClose(t, want.StdErr[k], tab.StdErr[k], coxTol, "SE(%g)", tm)
				relClose(t, want.NRisk[k], tab.AtRisk[k], 0, "n.risk(%g)", tm)
				if want.Ctype == 2 || fit.Ties == survival.Breslow {
					relClose(t, want.Cumhaz[k], fit.CumHazardAt(x, 0, tm), coxTol, "cumhaz(%g)", tm)
					relClose(t, want.Surv[k], fit.SurvivalAt(x, 0, tm), coxTol, "SurvivalAt(%g)", tm)
				}
			}
		})
	}
	// The whole curve at the means, every distinct time.
	recs := refdatatest.CSV(t, "cox/baseline_curve_efron.csv")
	fit := fits[survival.Efron]
	curve, err := fit.SurvivalCurve(fit.Means, 0, nil)
	require.NoError(t, err)
	require.Len(t, curve.Time, len(recs)-1)
	b := fit.Baseline[0]
	for i, rec := range recs[1:] {
		v := make([]float64, len(rec))
		for k, s := range rec {
			var err error
			v[k], err = strconv.ParseFloat(s, 64)
			require.NoError(t, err)
		}
		// time,n_risk,n_event,n_censor,surv,std_err_surv,cumhaz
		require.Equal(t, v[0], curve.Time[i])
		require.Equal(t, v[1], curve.AtRisk[i])
		require.Equal(t, v[2], curve.Events[i])
		require.Equal(t, v[3], curve.Censored[i])
		relClose(t, v[4], curve.Survival[i], coxTol, "S row %d", i)
		relClose(t, v[5], curve.StdErr[i], coxTol, "SE row %d", i)
		relClose(t, v[6], b.CumHazard[i], coxTol, "cumhaz row %d", i)
	}
}

func TestCoxPredictRossi(t *testing.T) {
	e := loadCoxExpected(t)
	d := loadRossi(t, "rossi.csv")
	efron, err := survival.FitCox(d.obs, d.x, &survival.CoxOptions{Tolerance: refEps})
	require.NoError(t, err)
	breslow, err := survival.FitCox(d.obs, d.x, &survival.CoxOptions{Ties: survival.Breslow, Tolerance: refEps})
	require.NoError(t, err)
	for k, row := range e.Predict.Rows {
		x := d.x[row-1]
		relClose(t, e.Predict.LP[k], efron.LinearPredictor(x), coxTol, "lp row %d", row)
		relClose(t, math.Exp(e.Predict.LP[k]), efron.RiskScore(x), coxTol, "risk row %d", row)
		curve, err := efron.SurvivalCurve(x, 0, nil)
		require.NoError(t, err)
		tab := curve.Table([]float64{52})
		relClose(t, e.Predict.Surv52[k], tab.Survival[0], coxTol, "S(52) row %d", row)
		relClose(t, e.Predict.StdErr52[k], tab.StdErr[0], coxTol, "SE(52) row %d", row)
		relClose(t, e.Predict.BreslowSurv[k], breslow.SurvivalAt(x, 0, 52), coxTol, "Breslow S(52) row %d", row)
	}
}

// TestCoxRestrictedMean: the curve at the means read by RestrictedMean is
// R's print(survfit(fit), rmean = 52): 45.9816962, se 0.6104945 (R 4.2.2,
// survival 3.5-3, run by hand; printed to 7 digits).
func TestCoxRestrictedMean(t *testing.T) {
	d := loadRossi(t, "rossi.csv")
	fit, err := survival.FitCox(d.obs, d.x, nil)
	require.NoError(t, err)
	curve, err := fit.SurvivalCurve(fit.Means, 0, nil)
	require.NoError(t, err)
	mean, se := curve.RestrictedMean(52)
	require.InDelta(t, 45.9816962, mean, 5e-8)
	require.InDelta(t, 0.6104945, se, 5e-8)
}

func TestConcordanceRefdata(t *testing.T) {
	e := loadCoxExpected(t)
	d := loadRossi(t, "rossi.csv")
	fit, err := survival.FitCox(d.obs, d.x, &survival.CoxOptions{Tolerance: refEps})
	require.NoError(t, err)
	lp := make([]float64, len(d.obs))
	for i, x := range d.x {
		lp[i] = fit.LinearPredictor(x)
	}
	readRisk := func(file string) ([]survival.Observation, []float64) {
		recs := refdatatest.CSV(t, "cox/"+file)
		var obs []survival.Observation
		var risk []float64
		for _, rec := range recs[1:] {
			v := make([]float64, 3)
			for k := range v {
				var err error
				v[k], err = strconv.ParseFloat(rec[k], 64)
				require.NoError(t, err)
			}
			obs = append(obs, survival.Observation{Time: v[0], Event: v[1] == 1})
			risk = append(risk, v[2])
		}
		return obs, risk
	}
	toyObs, toyRisk := readRisk("concordance_toy.csv")
	synObs, synRisk := readRisk("uno_synth.csv")
	tau := e.Concordance["tau"].(float64)
	tests := []struct {
		path []string
		obs  []survival.Observation
		risk []float64
		uno  bool
		tau  float64
	}{
		{[]string{"efron_fit_harrell"}, d.obs, lp, false, 0},
		{[]string{"efron_fit_uno_tau40"}, d.obs, lp, true, tau},
		{[]string{"efron_fit_uno_no_tau"}, d.obs, lp, true, 0},
		{[]string{"risk_harrell"}, d.obs, d.cols["risk"], false, 0},
		{[]string{"risk_uno_tau40"}, d.obs, d.cols["risk"], true, tau},
		{[]string{"prio_harrell"}, d.obs, d.cols["prio"], false, 0},
		{[]string{"prio_uno_tau40"}, d.obs, d.cols["prio"], true, tau},
		{[]string{"toy", "harrell"}, toyObs, toyRisk, false, 0},
		{[]string{"toy", "uno_no_tau"}, toyObs, toyRisk, true, math.Inf(1)},
		{[]string{"toy", "uno_tau6"}, toyObs, toyRisk, true, 6},
		{[]string{"uno_synth", "harrell"}, synObs, synRisk, false, 0},
		{[]string{"uno_synth", "uno_no_tau"}, synObs, synRisk, true, -1},
		{[]string{"uno_synth", "uno_tau10"}, synObs, synRisk, true, 10},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.path), func(t *testing.T) {
			var node any = e.Concordance
			for _, k := range tc.path {
				node = node.(map[string]any)[k]
			}
			var want refConcordance
			remarshal(t, node, &want)
			got, err := survival.Concordance(tc.obs, tc.risk, &survival.ConcordanceOptions{Uno: tc.uno, Tau: tc.tau})
			require.NoError(t, err)
			checkConcordance(t, want, got.C, got.StdErr, "")
			var counts refCounts
			require.NoError(t, json.Unmarshal(want.Counts, &counts))
			relClose(t, counts.Concordant, got.Concordant, coxTol, "concordant")
			relClose(t, counts.Discordant, got.Discordant, coxTol, "discordant")
			relClose(t, counts.TiedX, got.TiedRisk, coxTol, "tied.x")
			relClose(t, counts.TiedY, got.TiedTime, coxTol, "tied.y")
			require.InDelta(t, counts.TiedXY, got.TiedBoth, coxTol*math.Max(1, counts.TiedXY), "tied.xy")
			if tc.uno {
				relClose(t, want.C, survival.UnoC(tc.obs, tc.risk, tc.tau), coxTol, "UnoC")
			} else {
				relClose(t, want.C, survival.HarrellC(tc.obs, tc.risk), coxTol, "HarrellC")
			}
		})
	}
}

// TestCoxToyClosedForm: survival's tests/zph.R toy (the NA row dropped).
// The Breslow and Efron MLEs have closed forms (refdata toy_closed_form,
// derived by hand and checked against R to 1e-12); they are recomputed here
// from the formulas, so the test does not rest on R alone.
func TestCoxToyClosedForm(t *testing.T) {
	e := loadCoxExpected(t)
	obs := []survival.Observation{{Time: 9, Event: true}, {Time: 1, Event: true}, {Time: 1}, {Time: 6, Event: true},
		{Time: 6, Event: true}, {Time: 8}}
	x := [][]float64{{0}, {1}, {1}, {1}, {0}, {0}}
	breslowMLE := math.Log((3 + math.Sqrt(33)) / 2)
	phi := math.Acos(45.0 / 23 * math.Sqrt(3.0/23))
	efronMLE := math.Log(2 * math.Sqrt(23.0/3) * math.Cos(phi/3))
	for _, tc := range []struct {
		ties      survival.CoxTies
		mle       float64
		se        float64
		ll        []float64
		zphKM     float64
		zphOthers map[survival.PHTransform]float64
	}{
		{survival.Breslow, breslowMLE, e.Toy.Breslow.SE, e.Toy.Breslow.Loglik, e.Toy.Zph["breslow_km"].R,
			map[survival.PHTransform]float64{survival.PHIdentity: e.Toy.Zph["breslow_identity"].R, survival.PHLog: e.Toy.Zph["breslow_log"].R}},
		{survival.Efron, efronMLE, e.Toy.Efron.SE, e.Toy.Efron.Loglik, e.Toy.Zph["efron_km"].R,
			map[survival.PHTransform]float64{survival.PHLog: e.Toy.Zph["efron_log"].R}},
	} {
		t.Run(tc.ties.String(), func(t *testing.T) {
			opt := &survival.CoxOptions{Ties: tc.ties, Tolerance: refEps}
			fit, err := survival.FitCox(obs, x, opt)
			require.NoError(t, err)
			relClose(t, tc.mle, fit.Coef[0], 1e-9, "closed-form MLE")
			relClose(t, tc.se, fit.StdErr[0], coxTol, "se")
			relClose(t, tc.ll[0], fit.NullLogLikelihood, coxLLTol, "null loglik")
			relClose(t, tc.ll[1], fit.LogLikelihood, coxLLTol, "loglik")
			_, global, err := fit.PHTest()
			require.NoError(t, err)
			relClose(t, tc.zphKM, global.ChiSquare, coxTol, "zph km")
			for tr, want := range tc.zphOthers {
				r, err := fit.PHTestWith(obs, x, opt, &survival.PHTestOptions{Transform: tr})
				require.NoError(t, err)
				relClose(t, want, r.Global.ChiSquare, coxTol, "zph %d", tr)
			}
		})
	}
	// The exact (discrete) likelihood of the toy increases without bound:
	// the fit comes back with ErrNotConverged naming the column.
	fit, err := survival.FitCox(obs, x, &survival.CoxOptions{Ties: survival.Exact, Names: []string{"x"}})
	require.ErrorIs(t, err, survival.ErrNotConverged)
	require.Contains(t, err.Error(), "0 (x)")
	require.NotNil(t, fit)
	require.False(t, fit.Converged)
	relClose(t, e.Toy.Exact.LoglikNull, fit.NullLogLikelihood, coxLLTol, "exact null loglik")
	require.Greater(t, fit.Coef[0], 10.0)
	require.Greater(t, fit.LogLikelihood, fit.NullLogLikelihood)
}

// TestCoxExactBaselineAndPHTest: an exact-ties fit uses Breslow's hazard
// for its baseline and Breslow's sums for cox.zph, as R does. Expected
// values: R 4.2.2, survival 3.5-3, run by hand on refdata rossi.csv:
// summary(survfit(fit), times = c(10, 26, 52)) and cox.zph(fit)$table
// for coxph(Surv(week, arrest) ~ fin + age + race + wexp + mar + paro +
// prio, ties = "exact"), printed to 15 significant digits.
func TestCoxExactBaselineAndPHTest(t *testing.T) {
	d := loadRossi(t, "rossi.csv")
	fit, err := survival.FitCox(d.obs, d.x, &survival.CoxOptions{Ties: survival.Exact})
	require.NoError(t, err)
	curve, err := fit.SurvivalCurve(fit.Means, 0, nil)
	require.NoError(t, err)
	tab := curve.Table([]float64{10, 26, 52})
	relCloseSlice(t, []float64{0.967352867945646, 0.879172928851184, 0.737230706174532}, tab.Survival, coxTol, "S")
	relCloseSlice(t, []float64{0.0136247597801815, 0.0409416777985195, 0.0780813959755887}, tab.StdErr, coxTol, "SE")
	_, global, err := fit.PHTest()
	require.NoError(t, err)
	relClose(t, 17.5939732090078, global.ChiSquare, coxTol, "zph global")
	relClose(t, 0.0139425845541, global.P, coxTol, "zph p")
}
