package churn

// spector is the Spector & Mazzeo (1980) data set of 32 students, as
// shipped with statsmodels (statsmodels.datasets.spector): GPA, TUCE, PSI
// and GRADE (1 = grade improved). Public data; the rows are reproduced here
// with that citation.
var spector = []struct {
	gpa, tuce, psi float64
	grade          bool
}{
	{2.66, 20, 0, false}, {2.89, 22, 0, false}, {3.28, 24, 0, false}, {2.92, 12, 0, false},
	{4.00, 21, 0, true}, {2.86, 17, 0, false}, {2.76, 17, 0, false}, {2.87, 21, 0, false},
	{3.03, 25, 0, false}, {3.92, 29, 0, true}, {2.63, 20, 0, false}, {3.32, 23, 0, false},
	{3.57, 23, 0, false}, {3.26, 25, 0, true}, {3.53, 26, 0, false}, {2.74, 19, 0, false},
	{2.75, 25, 0, false}, {2.83, 19, 0, false}, {3.12, 23, 1, false}, {3.16, 25, 1, true},
	{2.06, 22, 1, false}, {3.62, 28, 1, true}, {2.89, 14, 1, false}, {3.51, 26, 1, false},
	{3.54, 24, 1, true}, {2.83, 27, 1, true}, {3.39, 17, 1, true}, {2.67, 24, 1, false},
	{3.65, 21, 1, true}, {4.00, 23, 1, true}, {3.10, 21, 1, false}, {2.39, 19, 1, true},
}

// spectorXY returns the Spector design (GPA, TUCE, PSI) and labels.
func spectorXY() ([][]float64, []bool) {
	X := make([][]float64, len(spector))
	y := make([]bool, len(spector))
	for i, r := range spector {
		X[i] = []float64{r.gpa, r.tuce, r.psi}
		y[i] = r.grade
	}
	return X, y
}
