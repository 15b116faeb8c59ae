package survival_test

import (
	"strconv"
	"testing"

	"github.com/ltvgo/ltv/internal/refdata/refdatatest"
	"github.com/ltvgo/ltv/survival"
	"github.com/stretchr/testify/require"
)

// Every number checked here is from refdata competing/expected.json (R
// 4.2.2, survival 3.5-3, cmprsk 2.2-11; oracle competing_ref.R), to the
// absolute tolerance 1e-6 of issue 15.
const competingTol = 1e-6

// competingRef is the part of competing/expected.json checked here.
type competingRef struct {
	AalenJohansen struct {
		Times        []float64 `json:"times"`
		NRisk        []float64 `json:"n_risk"`
		CIFVoluntary []float64 `json:"cif_voluntary"`
		SEVoluntary  []float64 `json:"se_voluntary"`
		CIFPayment   []float64 `json:"cif_payment"`
		SEPayment    []float64 `json:"se_payment"`
		EventFree    []float64 `json:"p_event_free"`
		SEEventFree  []float64 `json:"se_event_free"`
		GraySEVol    []float64 `json:"cuminc_se_voluntary"`
		GraySEPay    []float64 `json:"cuminc_se_payment"`
		ByPlan       map[string]struct {
			NRisk        []float64 `json:"n_risk"`
			CIFVoluntary []float64 `json:"cif_voluntary"`
			SEVoluntary  []float64 `json:"se_voluntary"`
			CIFPayment   []float64 `json:"cif_payment"`
			SEPayment    []float64 `json:"se_payment"`
		} `json:"by_plan"`
		GrayTest struct {
			Voluntary, Payment grayRef
		} `json:"gray_test_by_plan"`
	} `json:"aalen_johansen"`
	FineGray         map[string]refCoxFit `json:"fine_gray"`
	CauseSpecificCox map[string]refCoxFit `json:"cause_specific_cox"`
}

// grayRef is one Gray test of the refdata.
type grayRef struct {
	ChiSq float64 `json:"chisq"`
	DF    int     `json:"df"`
	P     float64 `json:"p"`
}

// refCoxFit is one Fine–Gray or cause-specific fit of the refdata,
// coefficients by covariate name.
type refCoxFit struct {
	Coef        map[string]float64 `json:"coef"`
	SE          map[string]float64 `json:"se"`
	SEModel     map[string]float64 `json:"se_model"`
	SERobust    map[string]float64 `json:"se_robust_cluster_id"`
	LogLik      []float64          `json:"loglik"`
	BreslowCoef map[string]float64 `json:"breslow_coef"`
	BreslowSE   map[string]float64 `json:"breslow_se"`
	NRows       int                `json:"n_rows_finegray"`
}

// competingData reads competing/churn_competing.csv: the subscribers, and
// their covariates (plan, usage) and plan labels.
func competingData(t *testing.T) (obs []survival.CompetingObservation, X [][]float64, plan []int) {
	recs := refdatatest.CSV(t, "competing/churn_competing.csv")
	require.Equal(t, []string{"id", "time", "status", "plan", "usage"}, recs[0])
	for _, rec := range recs[1:] {
		num := func(k int) float64 {
			v, err := strconv.ParseFloat(rec[k], 64)
			require.NoError(t, err)
			return v
		}
		obs = append(obs, survival.CompetingObservation{Time: num(1), Cause: int(num(2))})
		X = append(X, []float64{num(3), num(4)})
		plan = append(plan, int(num(3)))
	}
	return obs, X, plan
}

func loadCompetingRef(t *testing.T) competingRef {
	var ref competingRef
	refdatatest.JSON(t, "competing/expected.json", &ref)
	return ref
}

// readAt returns, for state s, the probabilities and standard errors of
// inc at times.
func readAt(inc *survival.Incidence, s int, times []float64) (p, se []float64) {
	for _, x := range times {
		a, b := inc.At(s, x)
		p, se = append(p, a), append(se, b)
	}
	return p, se
}

func TestCumulativeIncidenceRefdata(t *testing.T) {
	ref := loadCompetingRef(t)
	aj := ref.AalenJohansen
	obs, _, plan := competingData(t)

	inc, err := survival.CumulativeIncidence(obs, nil)
	require.NoError(t, err)
	require.Equal(t, 2, inc.Causes())
	for _, c := range []struct {
		state   int
		cif, se []float64
	}{
		{0, aj.EventFree, aj.SEEventFree},
		{1, aj.CIFVoluntary, aj.SEVoluntary},
		{2, aj.CIFPayment, aj.SEPayment},
	} {
		p, se := readAt(inc, c.state, aj.Times)
		require.Len(t, p, len(c.cif))
		require.InDeltaSlice(t, c.cif, p, competingTol, "state %d", c.state)
		require.InDeltaSlice(t, c.se, se, competingTol, "SE of state %d", c.state)
	}

	gray, err := survival.CumulativeIncidence(obs, &survival.IncidenceOptions{Variance: survival.VarianceGray})
	require.NoError(t, err)
	for c, want := range map[int][]float64{1: aj.GraySEVol, 2: aj.GraySEPay} {
		_, se := readAt(gray, c, aj.Times)
		require.InDeltaSlice(t, want, se, competingTol, "cuminc SE of cause %d", c)
	}

	for label, g := range map[string]int{"plan0": 0, "plan1": 1} {
		var sub []survival.CompetingObservation
		for i, o := range obs {
			if plan[i] == g {
				sub = append(sub, o)
			}
		}
		want := aj.ByPlan[label]
		inc, err := survival.CumulativeIncidence(sub, nil)
		require.NoError(t, err)
		for _, c := range []struct {
			state   int
			cif, se []float64
		}{{1, want.CIFVoluntary, want.SEVoluntary}, {2, want.CIFPayment, want.SEPayment}} {
			p, se := readAt(inc, c.state, aj.Times)
			require.InDeltaSlice(t, c.cif, p, competingTol, "%s state %d", label, c.state)
			require.InDeltaSlice(t, c.se, se, competingTol, "%s SE of state %d", label, c.state)
		}
	}
}

func TestGrayTestRefdata(t *testing.T) {
	ref := loadCompetingRef(t)
	obs, _, plan := competingData(t)
	groups := make([][]survival.CompetingObservation, 2)
	for i, o := range obs {
		groups[plan[i]] = append(groups[plan[i]], o)
	}
	for cause, want := range map[int]grayRef{1: ref.AalenJohansen.GrayTest.Voluntary, 2: ref.AalenJohansen.GrayTest.Payment} {
		got, err := survival.GrayTest(groups, cause, nil)
		require.NoError(t, err)
		require.Equal(t, want.DF, got.DF)
		require.InDelta(t, want.ChiSq, got.ChiSquare, competingTol*want.ChiSq, "cause %d", cause)
		require.InEpsilon(t, want.P, got.P, 1e-6, "cause %d", cause)
	}
}

// refCoef returns the plan and usage entries of a refdata map.
func refCoef(m map[string]float64) []float64 { return []float64{m["plan"], m["usage"]} }

func TestFitFineGrayRefdata(t *testing.T) {
	ref := loadCompetingRef(t)
	obs, X, _ := competingData(t)
	for cause, name := range map[int]string{1: "voluntary", 2: "payment"} {
		want := ref.FineGray[name]
		if cause == 1 {
			rows, source, err := survival.FineGray(obs, cause, false)
			require.NoError(t, err)
			require.Len(t, rows, want.NRows)
			require.Len(t, source, want.NRows)
		}
		fit, err := survival.FitFineGray(obs, X, cause, nil)
		require.NoError(t, err)
		require.InDeltaSlice(t, refCoef(want.Coef), fit.Coef, competingTol, name)
		require.InDelta(t, want.LogLik[0], fit.NullLogLikelihood, competingTol*-want.LogLik[0], name)
		require.InDelta(t, want.LogLik[1], fit.LogLikelihood, competingTol*-want.LogLik[1], name)
		if want.SERobust != nil {
			require.InDeltaSlice(t, refCoef(want.SERobust), fit.StdErr, competingTol, name)
		}
		// The refdata's "model-based" SE is what coxph prints without
		// cluster(id): with fractional weights its default is the
		// row-level sandwich (FitCox does the same), not the inverse
		// information (Cox.NaiveStdErr, checked in competing_extra_test.go).
		rows, source, err := survival.FineGray(obs, cause, false)
		require.NoError(t, err)
		xs := make([][]float64, len(rows))
		for r, i := range source {
			xs[r] = X[i]
		}
		byRow, err := survival.FitCox(rows, xs, nil)
		require.NoError(t, err)
		require.InDeltaSlice(t, refCoef(want.SEModel), byRow.StdErr, competingTol, name)
	}
}

func TestCauseSpecificCoxRefdata(t *testing.T) {
	ref := loadCompetingRef(t)
	obs, X, _ := competingData(t)
	for cause, name := range map[int]string{1: "voluntary", 2: "payment"} {
		want := ref.CauseSpecificCox[name]
		rows, err := survival.CauseSpecific(obs, cause)
		require.NoError(t, err)
		for ties, w := range map[survival.CoxTies][2][]float64{
			survival.Efron:   {refCoef(want.Coef), refCoef(want.SE)},
			survival.Breslow: {refCoef(want.BreslowCoef), refCoef(want.BreslowSE)},
		} {
			fit, err := survival.FitCox(rows, X, &survival.CoxOptions{Ties: ties})
			require.NoError(t, err)
			require.InDeltaSlice(t, w[0], fit.Coef, competingTol, "%s %v", name, ties)
			require.InDeltaSlice(t, w[1], fit.StdErr, competingTol, "%s %v", name, ties)
			if ties == survival.Efron {
				require.InDeltaSlice(t, want.LogLik, []float64{fit.NullLogLikelihood, fit.LogLikelihood}, competingTol*1e4, name)
			}
		}
	}
}
