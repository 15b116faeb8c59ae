package cohort_test

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/cohort"
)

// handMRR is a six-month ledger (Jan..Jun 2024):
//
//	a: Jan 100, Feb 120, Mar 120, —, May 50, Jun 50   (expands, churns in Apr, reactivates in May)
//	b: Jan 200, Feb 100+50, Mar..May 150, Jun 0       (contracts, churns in Jun)
//	c: Mar 80, Apr..Jun 100                           (new in Mar, expands)
//	d: Jun 30                                          (new in Jun; recorded in Tokyo time)
//
// Totals: Jan 300, Feb 270, Mar 350, Apr 250, May 300, Jun 180.
func handMRR(t testing.TB) []cohort.MRR {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	require.NoError(t, err)
	m := func(id string, month time.Month, amount float64) cohort.MRR {
		return cohort.MRR{CustomerID: id, Month: time.Date(2024, month, 15, 0, 0, 0, 0, time.UTC), Amount: amount}
	}
	return []cohort.MRR{
		m("a", 1, 100), m("a", 2, 120), m("a", 3, 120), m("a", 5, 50), m("a", 6, 50),
		m("b", 1, 200), m("b", 2, 100), m("b", 2, 50), m("b", 3, 150), m("b", 4, 150), m("b", 5, 150), m("b", 6, 0),
		m("c", 3, 80), m("c", 4, 100), m("c", 5, 100), m("c", 6, 100),
		{CustomerID: "d", Month: time.Date(2024, 6, 30, 23, 0, 0, 0, tokyo), Amount: 30}, // 14:00 UTC, June either way
	}
}

func TestMovementsHandComputed(t *testing.T) {
	recs := handMRR(t)
	before := slices.Clone(recs)
	r, err := cohort.BuildRecurring(recs)
	require.NoError(t, err)
	require.Equal(t, before, recs)
	mv := r.Movements()
	// Hand-computed from handMRR; each row satisfies
	// End = Start + New + Reactivation + Expansion − Contraction − Churn.
	want := []cohort.Movement{
		{Month: month(2), Start: 300, Expansion: 20, Contraction: 50, End: 270, Customers: 2},
		{Month: month(3), Start: 270, New: 80, End: 350, Customers: 3},
		{Month: month(4), Start: 350, Expansion: 20, Churn: 120, End: 250, Customers: 2},
		{Month: month(5), Start: 250, Reactivation: 50, End: 300, Customers: 3},
		{Month: month(6), Start: 300, New: 30, Churn: 150, End: 180, Customers: 3},
	}
	require.Equal(t, want, mv)
}

func month(m time.Month) time.Time { return time.Date(2024, m, 1, 0, 0, 0, 0, time.UTC) }

func TestRetentionHandComputed(t *testing.T) {
	r, err := cohort.BuildRecurring(handMRR(t))
	require.NoError(t, err)
	cases := []struct {
		window int
		want   []cohort.NetRetention
	}{
		// Month over month, by hand:
		// Feb: S = 100+200; a +20, b −50: NRR 270/300, GRR 250/300.
		// Apr: S = 120+150+80; a churns 120, c +20: NRR 250/350, GRR 230/350.
		// May: S = 150+100 (a's return is not counted): 1, 1.
		// Jun: S = 50+150+100; b churns 150: 150/300.
		{1, []cohort.NetRetention{
			{Month: month(2), Start: 300, Expansion: 20, Contraction: 50, NRR: 0.9, GRR: 250.0 / 300},
			{Month: month(3), Start: 270, NRR: 1, GRR: 1},
			{Month: month(4), Start: 350, Expansion: 20, Churn: 120, NRR: 250.0 / 350, GRR: 230.0 / 350},
			{Month: month(5), Start: 250, NRR: 1, GRR: 1},
			{Month: month(6), Start: 300, Churn: 150, NRR: 0.5, GRR: 0.5},
		}},
		// Three months, by hand:
		// Jan→Apr: S = 300; a churns 100, b 200→150: 150/300 both.
		// Feb→May: S = 120+150; a 120→50 contracts 70: 200/270 both.
		// Mar→Jun: S = 120+150+80; a −70, b churns 150, c +20: NRR 150/350, GRR 130/350.
		{3, []cohort.NetRetention{
			{Month: month(4), Start: 300, Contraction: 50, Churn: 100, NRR: 0.5, GRR: 0.5},
			{Month: month(5), Start: 270, Contraction: 70, NRR: 200.0 / 270, GRR: 200.0 / 270},
			{Month: month(6), Start: 350, Expansion: 20, Contraction: 70, Churn: 150, NRR: 150.0 / 350, GRR: 130.0 / 350},
		}},
		{6, nil}, // no month has a six-month window inside Jan..Jun
	}
	for _, tc := range cases {
		got, err := r.Retention(tc.window)
		require.NoError(t, err)
		require.Len(t, got, len(tc.want), "window %d", tc.window)
		for i, w := range tc.want {
			g := got[i]
			require.True(t, w.Month.Equal(g.Month), "window %d row %d", tc.window, i)
			require.InDeltaSlice(t,
				[]float64{w.Start, w.Expansion, w.Contraction, w.Churn, w.NRR, w.GRR},
				[]float64{g.Start, g.Expansion, g.Contraction, g.Churn, g.NRR, g.GRR}, 1e-12, "window %d row %d", tc.window, i)
		}
	}
	_, err = r.Retention(0)
	require.ErrorIs(t, err, clv.ErrInvalid)
}

func TestCohortRetentionHandComputed(t *testing.T) {
	r, err := cohort.BuildRecurring(handMRR(t))
	require.NoError(t, err)
	nrr, grr := r.CohortRetention()
	require.Equal(t, []string{"2024-01", "2024-03", "2024-06"}, nrr.Labels)
	require.Equal(t, []int{2, 1, 1}, nrr.Sizes)
	// Jan cohort {a, b}, start 300: MRR 270, 270, 150, 200, 50 in Feb..Jun;
	// Σ min(MRR, start MRR) = 100+150, 100+150, 0+150, 50+150, 50+0.
	// Mar cohort {c}, start 80: 100 in Apr..Jun, capped at 80 for GRR.
	requireCells(t, [][]float64{
		{1, 0.9, 0.9, 0.5, 200.0 / 300, 50.0 / 300},
		{1, 1.25, 1.25, 1.25, nan, nan},
		{1, nan, nan, nan, nan, nan},
	}, nrr.Cells)
	requireCells(t, [][]float64{
		{1, 250.0 / 300, 250.0 / 300, 0.5, 200.0 / 300, 50.0 / 300},
		{1, 1, 1, 1, nan, nan},
		{1, nan, nan, nan, nan, nan},
	}, grr.Cells)
	// Average by customers: k1 = (2·0.9 + 1·1.25)/3, k3 = (2·0.5 + 1.25)/3, k4 = Jan only.
	requireCells(t, [][]float64{{1, 3.05 / 3, 3.05 / 3, 2.25 / 3, 200.0 / 300, 50.0 / 300}}, [][]float64{nrr.Average()})
}

func TestBuildRecurringErrors(t *testing.T) {
	ok := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name  string
		recs  []cohort.MRR
		want  error
		row   int
		field string
	}{
		{"empty", nil, clv.ErrEmpty, -1, ""},
		{"empty id", []cohort.MRR{{Month: ok, Amount: 1}}, clv.ErrInvalid, 0, "CustomerID"},
		{"zero month", []cohort.MRR{{CustomerID: "a", Amount: 1}}, clv.ErrInvalid, 0, "Month"},
		{"negative", []cohort.MRR{{CustomerID: "a", Month: ok, Amount: 1}, {CustomerID: "a", Month: ok, Amount: -1}}, clv.ErrInvalid, 1, "Amount"},
		{"NaN", []cohort.MRR{{CustomerID: "a", Month: ok, Amount: math.NaN()}}, clv.ErrInvalid, 0, "Amount"},
		{"Inf", []cohort.MRR{{CustomerID: "a", Month: ok, Amount: math.Inf(1)}}, clv.ErrInvalid, 0, "Amount"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := cohort.BuildRecurring(tc.recs)
			require.ErrorIs(t, err, tc.want)
			var de *clv.DataError
			require.True(t, errors.As(err, &de))
			require.Equal(t, tc.row, de.Row)
			require.Equal(t, tc.field, de.Field)
		})
	}
}

// A ledger of zero amounts only has months but no paying customer.
func TestRecurringAllZero(t *testing.T) {
	r, err := cohort.BuildRecurring([]cohort.MRR{
		{CustomerID: "a", Month: month(1)}, {CustomerID: "a", Month: month(2)},
	})
	require.NoError(t, err)
	require.Equal(t, []cohort.Movement{{Month: month(2)}}, r.Movements())
	got, err := r.Retention(1)
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.True(t, math.IsNaN(got[0].NRR) && math.IsNaN(got[0].GRR))
	nrr, _ := r.CohortRetention()
	require.Empty(t, nrr.Cells)
}

// Months from year 1 to 9999 with a cohort in each of 600 of them would
// need 600 × 119,988 cells: refused with an error instead of exhausting
// memory.
func TestBuildRecurringTooManyCells(t *testing.T) {
	recs := []cohort.MRR{{CustomerID: "first", Month: time.Date(1, 2, 1, 0, 0, 0, 0, time.UTC), Amount: 1}}
	for i := range 600 {
		recs = append(recs, cohort.MRR{CustomerID: "c" + strconv.Itoa(i), Month: time.Date(9999-i, 1, 1, 0, 0, 0, 0, time.UTC), Amount: 1})
	}
	_, err := cohort.BuildRecurring(recs)
	require.ErrorIs(t, err, clv.ErrInvalid)
}

// A large account churning beside small ones that stay: Retention used to
// compute (Start − Contraction − Churn)/Start and got exactly 0; it now
// sums the retained MRR (4.10e-18, as CohortRetention has it). Amounts
// whose totals could overflow are bad input.
func TestRetentionWithoutCancellation(t *testing.T) {
	jan := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	feb := jan.AddDate(0, 1, 0)
	r, err := cohort.BuildRecurring([]cohort.MRR{
		{CustomerID: "a", Month: jan, Amount: 0.10345},
		{CustomerID: "b", Month: jan, Amount: 1.79536612294656e14},
		{CustomerID: "c", Month: jan, Amount: 0.001231444999575615},
		{CustomerID: "c", Month: feb, Amount: 0.0007364582270383835},
	})
	require.NoError(t, err)
	ret, err := r.Retention(1)
	require.NoError(t, err)
	require.Len(t, ret, 1)
	want := 0.0007364582270383835 / (0.10345 + 1.79536612294656e14 + 0.001231444999575615)
	require.InEpsilon(t, want, ret[0].NRR, 1e-12)
	require.InEpsilon(t, want, ret[0].GRR, 1e-12)
	_, err = cohort.BuildRecurring([]cohort.MRR{{CustomerID: "a", Month: jan, Amount: 1e308}})
	var de *clv.DataError
	require.True(t, errors.As(err, &de))
	require.Equal(t, "Amount", de.Field)
}
