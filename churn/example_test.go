package churn_test

import (
	"fmt"
	"math"
	"time"

	"github.com/ltvgo/ltv/churn"
	"github.com/ltvgo/ltv/clv"
)

func ExampleFitLogistic() {
	// Spector & Mazzeo (1980), as in statsmodels: GPA, TUCE score, PSI
	// (new teaching method) and whether the grade improved.
	data := [][4]float64{
		{2.66, 20, 0, 0}, {2.89, 22, 0, 0}, {3.28, 24, 0, 0}, {2.92, 12, 0, 0}, {4.00, 21, 0, 1},
		{2.86, 17, 0, 0}, {2.76, 17, 0, 0}, {2.87, 21, 0, 0}, {3.03, 25, 0, 0}, {3.92, 29, 0, 1},
		{2.63, 20, 0, 0}, {3.32, 23, 0, 0}, {3.57, 23, 0, 0}, {3.26, 25, 0, 1}, {3.53, 26, 0, 0},
		{2.74, 19, 0, 0}, {2.75, 25, 0, 0}, {2.83, 19, 0, 0}, {3.12, 23, 1, 0}, {3.16, 25, 1, 1},
		{2.06, 22, 1, 0}, {3.62, 28, 1, 1}, {2.89, 14, 1, 0}, {3.51, 26, 1, 0}, {3.54, 24, 1, 1},
		{2.83, 27, 1, 1}, {3.39, 17, 1, 1}, {2.67, 24, 1, 0}, {3.65, 21, 1, 1}, {4.00, 23, 1, 1},
		{3.10, 21, 1, 0}, {2.39, 19, 1, 1},
	}
	X := make([][]float64, len(data))
	y := make([]bool, len(data))
	for i, r := range data {
		X[i], y[i] = r[:3], r[3] == 1
	}
	fit, err := churn.FitLogistic(X, y, &churn.LogisticOptions{Names: []string{"GPA", "TUCE", "PSI"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, t := range fit.Summary(0.95) {
		fmt.Printf("%-11s %9.4f  SE %.4f  z %7.4f  p %.4f\n", t.Name, t.Estimate, t.StdErr, t.Z, t.P)
	}
	fmt.Printf("LL %.4f  McFadden R² %.4f\n", fit.LogLikelihood, fit.McFaddenR2())
	// Output:
	// (Intercept)  -13.0213  SE 4.9313  z -2.6405  p 0.0083
	// GPA            2.8261  SE 1.2629  z  2.2377  p 0.0252
	// TUCE           0.0952  SE 0.1416  z  0.6722  p 0.5014
	// PSI            2.3787  SE 1.0646  z  2.2344  p 0.0255
	// LL -12.8896  McFadden R² 0.3740
}

func ExampleAUC() {
	// scikit-learn's roc_auc_score example.
	scores := []float64{0.1, 0.4, 0.35, 0.8}
	churned := []bool{false, false, true, true}
	fmt.Printf("AUC %.2f, AP %.4f\n", churn.AUC(scores, churned), churn.AveragePrecision(scores, churned, nil))
	// Output: AUC 0.75, AP 0.8333
}

func ExampleBuild() {
	day := func(m time.Month, d int) time.Time { return time.Date(2024, m, d, 10, 0, 0, 0, time.UTC) }
	txns := []clv.Transaction{
		{CustomerID: "ann", At: day(1, 5), Amount: 20},
		{CustomerID: "ann", At: day(2, 1), Amount: 35},
		{CustomerID: "bob", At: day(1, 20), Amount: 60},
		{CustomerID: "ann", At: day(3, 10), Amount: 15},
		{CustomerID: "bob", At: day(6, 30), Amount: 10},
	}
	ds, err := churn.Build(txns, []time.Time{day(2, 15)}, &churn.FeatureOptions{Windows: []int{30}, Horizon: 60})
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, id := range ds.IDs {
		fmt.Printf("%s: %s=%g %s=%g churned=%v\n", id, ds.Names[0], ds.X[i][0], ds.Names[2], ds.X[i][2], ds.Churned[i])
	}
	// Output:
	// ann: days_since_last=14 occasions=2 churned=false
	// bob: days_since_last=26 occasions=1 churned=true
}

func ExampleGains() {
	scores := []float64{.9, .8, .7, .6, .5, .4, .3, .2, .1, .05}
	churned := []bool{true, true, false, true, false, false, true, false, false, false}
	table, _ := churn.Gains(scores, churned, 5)
	for i, g := range table {
		fmt.Printf("group %d: rate %.2f lift %.2f gain %.2f\n", i+1, g.Rate, g.Lift, g.Gain)
	}
	// Output:
	// group 1: rate 1.00 lift 2.50 gain 0.50
	// group 2: rate 0.50 lift 1.25 gain 0.75
	// group 3: rate 0.00 lift 0.00 gain 0.75
	// group 4: rate 0.50 lift 1.25 gain 1.00
	// group 5: rate 0.00 lift 0.00 gain 1.00
}

// ProbEach scores many customers at once, and names the first bad row
// instead of returning a NaN score for it.
func ExampleLogistic_ProbEach() {
	// Coefficients as published by a fit (the Spector & Mazzeo model above).
	m := &churn.Logistic{Intercept: -13.0213, Coef: []float64{2.8261, 0.0952, 2.3787}}
	p, err := m.ProbEach([][]float64{{2.66, 20, 0}, {3.92, 29, 0}, {3.65, 21, 1}})
	fmt.Printf("%.4f %v\n", p, err)
	_, err = m.ProbEach([][]float64{{2.66, 20, 0}, {3.92, math.NaN(), 0}})
	fmt.Println(err)
	// Output:
	// [0.0266 0.6938 0.8418] <nil>
	// churn.Logistic.ProbEach: row 1: X[1] is NaN: invalid input
}
