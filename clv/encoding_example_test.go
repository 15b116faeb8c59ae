package clv_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ltvgo/ltv/clv"
)

// A model fitted in weeks records its unit; valuing it with a daily
// period is refused instead of reading every week as a day.
func ExampleUnitError() {
	week := 7 * 24 * time.Hour
	cs, _ := clv.SimulateBGNBDCustomers(clv.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426},
		clv.CustomerSimulationOptions{Customers: 500, Period: week, Spend: clv.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}, Seed: 1})
	m, _, _ := clv.FitBGNBD(cs, &clv.FitOptions{Period: week})
	spend := clv.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}

	_, err := clv.Value(m, spend, cs, clv.ValueOptions{Period: 24 * time.Hour, Horizon: 12, Margin: 1})
	var ue *clv.UnitError
	fmt.Println(errors.As(err, &ue), errors.Is(err, clv.ErrInvalid))
	fmt.Println(err)

	v, err := clv.Value(m, spend, cs, clv.ValueOptions{Horizon: 12, Margin: 1}) // Period 0: the model's
	fmt.Printf("%d values, err %v\n", len(v), err)
	// Output:
	// true true
	// clv.Score: ValueOptions.Period is 24h0m0s, but the model was fitted in periods of 168h0m0s: invalid input
	// 500 values, err <nil>
}

// Fit at start-up, save the model with its report, load it in another
// process and score: the loaded model keeps its unit, its parameters bit
// for bit, named standard errors and the fingerprint of its training data.
func ExampleFitted() {
	week := 7 * 24 * time.Hour
	cs, _ := clv.SimulateBGNBDCustomers(clv.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426},
		clv.CustomerSimulationOptions{Customers: 2000, Period: week, Seed: 7})
	m, fit, err := clv.FitBGNBD(cs, &clv.FitOptions{Period: week})
	if err != nil {
		fmt.Println(err)
		return
	}
	saved, _ := json.Marshal(clv.Fitted[clv.BGNBD]{Model: m, Fit: fit})

	var loaded clv.Fitted[clv.BGNBD]
	if err := json.Unmarshal(saved, &loaded); err != nil {
		fmt.Println(err)
		return
	}
	se, _ := loaded.Fit.StdErrOf("Alpha")
	fmt.Println(loaded.Model == m, loaded.Model.Period)
	fmt.Printf("alpha %.3f (SE %.3f)\n", loaded.Model.Alpha, se)
	fmt.Println(loaded.Fit.Fingerprint == clv.Fingerprint(cs))

	var bad clv.BGNBD
	err = json.Unmarshal([]byte(`{"kind":"clv.BGNBD","version":1,"unit":"168h0m0s","params":{"R":0.2,"alpha":4.4,"A":0.8,"B":2.4}}`), &bad)
	fmt.Println(err)
	// Output:
	// true 168h0m0s
	// alpha 4.541 (SE 0.416)
	// true
	// clv.BGNBD.UnmarshalJSON: params.Alpha is missing: invalid input
}
