package survival_test

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"testing"

	"github.com/ltvgo/ltv/internal/refdata/refdatatest"
	"github.com/ltvgo/ltv/survival"
	"github.com/stretchr/testify/require"
)

// Every number in refdata survival/expected.json (R 4.2.2, survival 3.5-3,
// written by the oracle km_ref.R) is checked to 1e-6 relative.
const refTol = 1e-6

// refSet is one data set of expected.json: its CSV and grouping column.
type refSet struct {
	key, csv, groupCol string
}

var refSets = []refSet{
	{"aml_overall", "aml.csv", ""},
	{"aml_by_x", "aml.csv", "x"},
	{"ties_overall", "ties.csv", ""},
	{"ties_by_group", "ties.csv", "group"},
	{"half", "half.csv", ""},
	{"lefttrunc_small", "lefttrunc_small.csv", ""},
	{"lefttrunc_small_by_group", "lefttrunc_small.csv", "group"},
}

// loadGroups reads a refdata CSV into observations by stratum label (R's
// "x=Maintained" style, or "all" without a grouping column), labels sorted
// as R orders factor levels.
func loadGroups(t *testing.T, csvName, groupCol string) (labels []string, groups [][]survival.Observation) {
	recs := refdatatest.CSV(t, "survival/"+csvName)
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	num := func(rec []string, name string) float64 {
		v, err := strconv.ParseFloat(rec[col[name]], 64)
		require.NoError(t, err)
		return v
	}
	by := map[string][]survival.Observation{}
	for _, rec := range recs[1:] {
		o := survival.Observation{}
		if _, ok := col["time"]; ok {
			o.Time = num(rec, "time")
		} else {
			o.Entry, o.Time = num(rec, "entry"), num(rec, "exit")
		}
		o.Event = num(rec, "status") == 1
		label := "all"
		if groupCol != "" {
			label = groupCol + "=" + rec[col[groupCol]]
		}
		by[label] = append(by[label], o)
	}
	for l := range by {
		labels = append(labels, l)
	}
	slices.Sort(labels)
	for _, l := range labels {
		groups = append(groups, by[l])
	}
	return labels, groups
}

// num converts a decoded JSON value to float64; null (R's NA) becomes NaN.
func num(t *testing.T, v any) float64 {
	switch x := v.(type) {
	case nil:
		return math.NaN()
	case float64:
		return x
	}
	t.Fatalf("not a number: %v", v)
	return 0
}

func nums(t *testing.T, v any) []float64 {
	xs, ok := v.([]any)
	require.True(t, ok, "not a list: %v", v)
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = num(t, x)
	}
	return out
}

// assertClose checks got against R's want to refTol relative; R's NA (NaN
// here) must be matched by a non-finite value (NaN, or +Inf for √V).
func assertClose(t *testing.T, want, got float64, what string) {
	t.Helper()
	if math.IsNaN(want) {
		if !math.IsNaN(got) && !math.IsInf(got, 0) {
			t.Errorf("%s: got %v, want NA", what, got)
		}
		return
	}
	if math.IsNaN(got) || math.Abs(got-want) > refTol*math.Max(math.Abs(want), 1e-6) {
		t.Errorf("%s: got %.12g, want %.12g", what, got, want)
	}
}

func assertCloseSlice(t *testing.T, want, got []float64, what string) {
	t.Helper()
	require.Len(t, got, len(want), what)
	for i := range want {
		assertClose(t, want[i], got[i], fmt.Sprintf("%s[%d]", what, i))
	}
}

func loadExpected(t *testing.T) map[string]map[string]any {
	var exp map[string]any
	refdatatest.JSON(t, "survival/expected.json", &exp)
	out := map[string]map[string]any{}
	for k, v := range exp {
		if m, ok := v.(map[string]any); ok {
			out[k] = m
		}
	}
	return out
}

// fitAll fits one curve per group with the given band type.
func fitAll(t *testing.T, groups [][]survival.Observation, conf survival.ConfType) []*survival.Curve {
	var cs []*survival.Curve
	for _, g := range groups {
		c, err := survival.KaplanMeier(g, &survival.Options{Conf: conf})
		require.NoError(t, err)
		cs = append(cs, c)
	}
	return cs
}

func TestKaplanMeierRefdataCurves(t *testing.T) {
	exp := loadExpected(t)
	for _, set := range refSets {
		t.Run(set.key, func(t *testing.T) {
			labels, groups := loadGroups(t, set.csv, set.groupCol)
			curve := exp[set.key]["curve"].(map[string]any)
			var strata []string
			for _, s := range curve["strata"].([]any) {
				strata = append(strata, s.(string))
			}
			// R concatenates the strata's rows in label order.
			var want []string
			for i, l := range labels {
				c := fitAll(t, groups[i:i+1], survival.ConfLog)[0]
				for range c.Time {
					want = append(want, l)
				}
			}
			require.Equal(t, want, strata)

			cat := func(conf survival.ConfType, col func(*survival.Curve) []float64) []float64 {
				var out []float64
				for _, c := range fitAll(t, groups, conf) {
					out = append(out, col(c)...)
				}
				return out
			}
			catH := func(ties survival.HazardTies, col func(*survival.CumHazard) []float64) []float64 {
				var out []float64
				for _, g := range groups {
					h, err := survival.NelsonAalen(g, &survival.Options{HazardTies: ties})
					require.NoError(t, err)
					out = append(out, col(h)...)
				}
				return out
			}
			log := survival.ConfLog
			checks := []struct {
				field string
				got   []float64
			}{
				{"time", cat(log, func(c *survival.Curve) []float64 { return c.Time })},
				{"n.risk", cat(log, func(c *survival.Curve) []float64 { return c.AtRisk })},
				{"n.event", cat(log, func(c *survival.Curve) []float64 { return c.Events })},
				{"n.censor", cat(log, func(c *survival.Curve) []float64 { return c.Censored })},
				{"surv", cat(log, func(c *survival.Curve) []float64 { return c.Survival })},
				{"se_logS_greenwood", cat(log, func(c *survival.Curve) []float64 { return c.LogStdErr })},
				{"se_S", cat(log, func(c *survival.Curve) []float64 { return c.StdErr })},
				{"lower_log", cat(log, func(c *survival.Curve) []float64 { return c.Lower })},
				{"upper_log", cat(log, func(c *survival.Curve) []float64 { return c.Upper })},
				{"lower_loglog", cat(survival.ConfLogLog, func(c *survival.Curve) []float64 { return c.Lower })},
				{"upper_loglog", cat(survival.ConfLogLog, func(c *survival.Curve) []float64 { return c.Upper })},
				{"lower_plain", cat(survival.ConfPlain, func(c *survival.Curve) []float64 { return c.Lower })},
				{"upper_plain", cat(survival.ConfPlain, func(c *survival.Curve) []float64 { return c.Upper })},
				{"cumhaz_nelson_aalen", catH(survival.HazardNelsonAalen, func(h *survival.CumHazard) []float64 { return h.Hazard })},
				{"std_chaz", catH(survival.HazardNelsonAalen, func(h *survival.CumHazard) []float64 { return h.StdErr })},
				{"surv_fleming_harrington", catH(survival.HazardNelsonAalen, func(h *survival.CumHazard) []float64 { return h.Survival })},
			}
			for _, c := range checks {
				assertCloseSlice(t, nums(t, curve[c.field]), c.got, c.field)
			}
		})
	}
}

func TestKaplanMeierRefdataSummaries(t *testing.T) {
	exp := loadExpected(t)
	confs := map[string]survival.ConfType{"log": survival.ConfLog, "loglog": survival.ConfLogLog, "plain": survival.ConfPlain}
	for _, set := range refSets {
		t.Run(set.key, func(t *testing.T) {
			labels, groups := loadGroups(t, set.csv, set.groupCol)
			e := exp[set.key]
			// R's print table integrates every curve up to the largest time of all of them.
			tauMax := 0.0
			for _, c := range fitAll(t, groups, survival.ConfLog) {
				tauMax = math.Max(tauMax, c.Time[len(c.Time)-1])
			}
			for name, conf := range confs {
				curves := fitAll(t, groups, conf)
				med := e["median"].(map[string]any)[name].(map[string]any)
				for i, l := range labels {
					row := med
					if set.groupCol != "" {
						row = med[l].(map[string]any)
					}
					est, lo, hi := curves[i].Median()
					what := name + " " + l
					assertClose(t, num(t, row["median"]), est, what+" median")
					assertClose(t, num(t, row["0.95LCL"]), lo, what+" median LCL")
					assertClose(t, num(t, row["0.95UCL"]), hi, what+" median UCL")
					assertClose(t, num(t, row["events"]), sum(curves[i].Events), what+" events")
					m, se := curves[i].RestrictedMean(tauMax)
					assertClose(t, num(t, row["rmean"]), m, what+" rmean")
					assertClose(t, num(t, row["se(rmean)"]), se, what+" se(rmean)")
				}
				if name == "plain" {
					continue
				}
				q := e["quantiles_"+name].(map[string]any)
				for i, l := range labels {
					for _, p := range []string{"25", "50", "75"} {
						pick := func(part string) float64 {
							m := q[part].(map[string]any)
							if set.groupCol != "" {
								m = m[l].(map[string]any)
							}
							return num(t, m[p])
						}
						pf, _ := strconv.ParseFloat(p, 64)
						est, lo, hi := curves[i].Quantile(pf / 100)
						what := fmt.Sprintf("%s %s q%s", name, l, p)
						assertClose(t, pick("quantile"), est, what)
						assertClose(t, pick("lower"), lo, what+" lower")
						assertClose(t, pick("upper"), hi, what+" upper")
					}
				}
			}
			curves := fitAll(t, groups, survival.ConfLog)
			for tauKey, v := range e["rmean"].(map[string]any) {
				tau, err := strconv.ParseFloat(tauKey, 64)
				require.NoError(t, err)
				for i, l := range labels {
					row := v.(map[string]any)[l].(map[string]any)
					m, se := curves[i].RestrictedMean(tau)
					assertClose(t, num(t, row["rmean"]), m, l+" rmean "+tauKey)
					assertClose(t, num(t, row["se_rmean"]), se, l+" se_rmean "+tauKey)
				}
			}
		})
	}
}

func sum(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s
}

func TestLogRankRefdata(t *testing.T) {
	exp := loadExpected(t)
	for _, set := range refSets {
		lr := exp[set.key]["logrank"].(map[string]any)
		if len(lr) == 0 {
			continue
		}
		t.Run(set.key, func(t *testing.T) {
			labels, groups := loadGroups(t, set.csv, set.groupCol)
			r, err := survival.LogRankTest(groups, nil)
			require.NoError(t, err)
			assertClose(t, num(t, lr["chisq"]), r.ChiSquare, "chisq")
			assertClose(t, num(t, lr["p"]), r.P, "p")
			require.Equal(t, int(num(t, lr["df"])), r.DF)
			plain, err := survival.LogRank(groups)
			require.NoError(t, err)
			require.Equal(t, r.Test, plain)
			if obs, ok := lr["observed"].(map[string]any); ok {
				for i, l := range labels {
					assertClose(t, num(t, obs[l]), r.Observed[i], "observed "+l)
					assertClose(t, num(t, lr["expected"].(map[string]any)[l]), r.Expected[i], "expected "+l)
				}
				for i, row := range lr["variance"].([]any) {
					assertCloseSlice(t, nums(t, row), r.Variance[i], fmt.Sprintf("variance[%d]", i))
				}
			}
			if pp, ok := lr["peto_peto_rho1"].(map[string]any); ok {
				r1, err := survival.LogRankTest(groups, &survival.LogRankOptions{Rho: 1})
				require.NoError(t, err)
				assertClose(t, num(t, pp["chisq"]), r1.ChiSquare, "rho=1 chisq")
				assertClose(t, num(t, pp["p"]), r1.P, "rho=1 p")
			}
		})
	}
}
