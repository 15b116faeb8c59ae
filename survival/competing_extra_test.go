package survival_test

import (
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"strconv"
	"testing"

	"github.com/ltvgo/ltv/survival"
	"github.com/stretchr/testify/require"
)

// The expected values of this file are testdata/competing_extra.json,
// written by testdata/competing_extra.R (R 4.2.2, survival 3.5-3, cmprsk
// 2.2-11) from testdata/competing_extra.csv: 80 subjects in three groups,
// whole-day times with many ties, two causes, case weights, late entries
// for every third subject, and everyone's follow-up ending with an event
// at the last time (S reaches 0).

// extraCompeting is testdata/competing_extra.csv.
type extraCompeting struct {
	obs, weighted      []survival.CompetingObservation
	late, lateWeighted []survival.CompetingObservation
	x                  [][]float64
	group              []int
}

func readCompetingExtra(t *testing.T) extraCompeting {
	f, err := os.Open("testdata/competing_extra.csv")
	require.NoError(t, err)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	require.Equal(t, []string{"id", "group", "x", "w", "time", "status", "entry"}, recs[0])
	var d extraCompeting
	for _, rec := range recs[1:] {
		v := make([]float64, len(rec))
		for k, s := range rec {
			v[k], err = strconv.ParseFloat(s, 64)
			require.NoError(t, err)
		}
		o := survival.CompetingObservation{Time: v[4], Cause: int(v[5])}
		d.obs = append(d.obs, o)
		o.Weight = v[3]
		d.weighted = append(d.weighted, o)
		o.Entry = v[6]
		d.lateWeighted = append(d.lateWeighted, o)
		o.Weight = 0
		d.late = append(d.late, o)
		d.x = append(d.x, []float64{v[2]})
		d.group = append(d.group, int(v[1])-1)
	}
	return d
}

// nullable is a JSON array in which R's NA is null.
type nullable []*float64

func (n nullable) values() []float64 {
	out := make([]float64, len(n))
	for i, p := range n {
		out[i] = math.NaN()
		if p != nil {
			out[i] = *p
		}
	}
	return out
}

type ajExtra struct {
	Time           []float64
	P0, P1, P2     []float64
	SE0, SE1, SE2  []float64
	Lower1, Upper1 nullable
}

type grayExtra struct {
	ChiSq []float64
	DF    int
	P     []float64
}

type fgExtra struct {
	Rows      int
	Coef      float64
	SENaive   float64 `json:"se_naive"`
	SERows    float64 `json:"se_rows"`
	SECluster float64 `json:"se_cluster"`
}

type competingExtra struct {
	AJ          ajExtra   `json:"aj"`
	AJWeighted  ajExtra   `json:"aj_weighted"`
	AJLate      ajExtra   `json:"aj_late"`
	AJLateW     ajExtra   `json:"aj_late_weighted"`
	CumincTimes []float64 `json:"cuminc_times"`
	CumincVar1  []float64 `json:"cuminc_var1"`
	CumincVar2  []float64 `json:"cuminc_var2"`
	GrayRho0    grayExtra `json:"gray_rho0"`
	GrayRho1    grayExtra `json:"gray_rho1"`
	FineGrayOne fgExtra   `json:"finegray_one"`
	FineGrayTwo fgExtra   `json:"finegray_two"`
	StrataOne   fgExtra   `json:"finegray_strata_one"`
	StrataTwo   fgExtra   `json:"finegray_strata_two"`
}

func loadCompetingExtra(t *testing.T) competingExtra {
	b, err := os.ReadFile("testdata/competing_extra.json")
	require.NoError(t, err)
	var ref competingExtra
	require.NoError(t, json.Unmarshal(b, &ref))
	return ref
}

// equalNaN checks got against want (NaN where R gives NA) within tol.
func equalNaN(t *testing.T, want, got []float64, tol float64, msg string) {
	t.Helper()
	require.Len(t, got, len(want), msg)
	for i := range want {
		if math.IsNaN(want[i]) {
			require.True(t, math.IsNaN(got[i]), "%s [%d]: got %v, want NaN", msg, i, got[i])
			continue
		}
		require.InDelta(t, want[i], got[i], tol, "%s [%d]", msg, i)
	}
}

func TestCumulativeIncidenceTiesWeightsLateEntry(t *testing.T) {
	d, ref := readCompetingExtra(t), loadCompetingExtra(t)
	for _, c := range []struct {
		name string
		obs  []survival.CompetingObservation
		want ajExtra
	}{
		{"unweighted", d.obs, ref.AJ}, {"weighted", d.weighted, ref.AJWeighted},
		{"late entry", d.late, ref.AJLate}, {"late entry, weighted", d.lateWeighted, ref.AJLateW},
	} {
		inc, err := survival.CumulativeIncidence(c.obs, nil)
		require.NoError(t, err)
		require.Equal(t, c.want.Time, inc.Time, c.name)
		for s, w := range [][2][]float64{{c.want.P0, c.want.SE0}, {c.want.P1, c.want.SE1}, {c.want.P2, c.want.SE2}} {
			require.InDeltaSlice(t, w[0], inc.Prob[s], 1e-12, "%s state %d", c.name, s)
			require.InDeltaSlice(t, w[1], inc.StdErr[s], 1e-12, "%s SE of state %d", c.name, s)
		}
		equalNaN(t, c.want.Lower1.values(), inc.Lower[1], 1e-12, c.name+" lower")
		equalNaN(t, c.want.Upper1.values(), inc.Upper[1], 1e-12, c.name+" upper")
	}

	gray, err := survival.CumulativeIncidence(d.obs, &survival.IncidenceOptions{Variance: survival.VarianceGray})
	require.NoError(t, err)
	for c, v := range map[int][]float64{1: ref.CumincVar1, 2: ref.CumincVar2} {
		for i, x := range ref.CumincTimes {
			_, se := gray.At(c, x)
			require.InDelta(t, math.Sqrt(v[i]), se, 1e-12, "cuminc SE of cause %d at %v", c, x)
		}
	}
}

func TestGrayTestThreeGroups(t *testing.T) {
	d, ref := readCompetingExtra(t), loadCompetingExtra(t)
	groups := make([][]survival.CompetingObservation, 3)
	for i, o := range d.obs {
		groups[d.group[i]] = append(groups[d.group[i]], o)
	}
	for rho, want := range map[float64]grayExtra{0: ref.GrayRho0, 1: ref.GrayRho1} {
		for cause := 1; cause <= 2; cause++ {
			got, err := survival.GrayTest(groups, cause, &survival.GrayOptions{Rho: rho})
			require.NoError(t, err)
			require.Equal(t, want.DF, got.DF)
			require.InDelta(t, want.ChiSq[cause-1], got.ChiSquare, 1e-10, "rho %v cause %d", rho, cause)
			require.InDelta(t, want.P[cause-1], got.P, 1e-10, "rho %v cause %d", rho, cause)
		}
	}
}

func TestFitFineGrayVariances(t *testing.T) {
	d, ref := readCompetingExtra(t), loadCompetingExtra(t)
	for cause, want := range map[int]fgExtra{1: ref.FineGrayOne, 2: ref.FineGrayTwo} {
		fit, err := survival.FitFineGray(d.obs, d.x, cause, nil)
		require.NoError(t, err)
		require.Equal(t, want.Rows, fit.N)
		require.InDelta(t, want.Coef, fit.Coef[0], 1e-8, "cause %d", cause)
		require.InDelta(t, want.SECluster, fit.StdErr[0], 1e-8, "cause %d", cause)
		require.InDelta(t, want.SENaive, fit.NaiveStdErr[0], 1e-8, "cause %d", cause)

		// Without cluster(id), R's coxph takes the fractional weights for
		// sampling weights and reports the row-level sandwich.
		rows, source, err := survival.FineGray(d.obs, cause, false)
		require.NoError(t, err)
		xs := make([][]float64, len(rows))
		for r, i := range source {
			xs[r] = d.x[i]
		}
		byRow, err := survival.FitCox(rows, xs, nil)
		require.NoError(t, err)
		require.InDelta(t, want.SERows, byRow.StdErr[0], 1e-8, "cause %d", cause)
	}
}

// Fine–Gray within strata: G and the expansion per group, a stratified fit.
func TestFitFineGrayStrata(t *testing.T) {
	d, ref := readCompetingExtra(t), loadCompetingExtra(t)
	for cause, want := range map[int]fgExtra{1: ref.StrataOne, 2: ref.StrataTwo} {
		fit, err := survival.FitFineGray(d.obs, d.x, cause, &survival.CoxOptions{Strata: d.group})
		require.NoError(t, err)
		require.Equal(t, want.Rows, fit.N)
		require.InDelta(t, want.Coef, fit.Coef[0], 1e-8, "cause %d", cause)
		require.InDelta(t, want.SECluster, fit.StdErr[0], 1e-8, "cause %d", cause)
		require.InDelta(t, want.SENaive, fit.NaiveStdErr[0], 1e-8, "cause %d", cause)
	}
}
