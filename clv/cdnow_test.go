package clv_test

import (
	"strconv"
	"testing"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/internal/refdata/refdatatest"
)

// cdnowCSV returns the 2,357 published CDNOW calibration summaries
// (cdnow_customers_summary_with_transactions.csv: weeks, 2 dp) with zbar as
// Monetary, in file order.
func cdnowCSV(t testing.TB) []clv.Customer {
	t.Helper()
	recs := refdatatest.CSV(t, "cdnow/cdnow_customers_summary_with_transactions.csv")
	cs := make([]clv.Customer, 0, len(recs)-1)
	for _, r := range recs[1:] {
		f := func(i int) float64 {
			v, err := strconv.ParseFloat(r[i], 64)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		cs = append(cs, clv.Customer{ID: r[0], Frequency: f(1), Recency: f(2), T: f(3), Monetary: f(4)})
	}
	return cs
}

// cdnowExpected is the part of refdata cdnow/expected.json the clv tests
// read (values from an independent numpy/scipy implementation, checked
// against published figures; see its "checks").
type cdnowExpected struct {
	BGNBD struct {
		Params          map[string]float64 `json:"params"`
		SE              map[string]float64 `json:"se"`
		LogLik          float64            `json:"loglik"`
		LogLikPublished float64            `json:"loglik_at_published_params"`
		ExpectedX       map[string]float64 `json:"unconditional_expected_X_t"`
		PMF39           []float64          `json:"pmf_t39_n0to10"`
		PMF39Published  []float64          `json:"pmf_t39_n0to10_at_published_params"`
	} `json:"bgnbd"`
	GammaGamma struct {
		Params   map[string]float64 `json:"params"`
		SE       map[string]float64 `json:"se"`
		LogLik   float64            `json:"loglik"`
		N        int                `json:"n_customers_x_gt_0"`
		MeanZ    float64            `json:"population_mean_spend_p_v_over_q_minus_1"`
		LLAtPubl float64            `json:"loglik_at_published_params"`
	} `json:"gamma_gamma"`
	Pareto struct {
		Params    map[string]float64 `json:"params"`
		SE        map[string]float64 `json:"se"`
		LogLik    float64            `json:"loglik"`
		LogLikPp  float64            `json:"loglik_at_params_0.553_10.578_0.606_11.669"`
		ExpectedX map[string]float64 `json:"unconditional_expected_X_t"`
	} `json:"pareto_nbd"`
	Fitted []map[string]float64 `json:"customers_fitted_params"`
	Fixed  struct {
		BGNBD []float64             `json:"bgnbd_params"`
		GG    []float64             `json:"gg_params"`
		PNBD  []float64             `json:"pnbd_params"`
		Rows  []map[string]*float64 `json:"rows"`
	} `json:"customers_at_fixed_params"`
	Totals map[string]float64 `json:"population_totals_fitted_params"`
}

func loadCDNOWExpected(t testing.TB) cdnowExpected {
	t.Helper()
	var e cdnowExpected
	refdatatest.JSON(t, "cdnow/expected.json", &e)
	return e
}

// byID indexes customers by ID.
func byID(cs []clv.Customer) map[string]clv.Customer {
	m := make(map[string]clv.Customer, len(cs))
	for _, c := range cs {
		m[c.ID] = c
	}
	return m
}
