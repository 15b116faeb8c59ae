package steps

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/ltvgo/ltv/chart"
	"github.com/ltvgo/ltv/churn"
	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/examples/internal/data"
	"github.com/ltvgo/ltv/examples/internal/report"
)

// ChurnModel is a logistic churn score fitted at one as-of date and
// evaluated out of time at a later one.
type ChurnModel struct {
	Model       *churn.Logistic
	Train, Test *churn.Dataset
	Scores      []float64 // churn probabilities of the test rows
	HorizonDays int
}

// Churn builds churn features and labels ("no purchase in the next
// horizonDays days") at two as-of dates, horizonDays apart so the training
// labels are known before the test date; fits a logistic regression on the
// first and scores the second. It reports the AUC and the lift table, and
// draws the gains chart and the calibration plot.
func Churn(rep *report.Report, s data.Store, horizonDays int) (ChurnModel, error) {
	rep.Section("Churn model")
	cm := ChurnModel{HorizonDays: horizonDays}
	testAt := data.Day(s.End).AddDate(0, 0, -horizonDays)
	trainAt := testAt.AddDate(0, 0, -horizonDays)
	if trainAt.Before(data.Day(s.Start).AddDate(0, 0, 30)) {
		return cm, fmt.Errorf("churn model: the data span too few days for two %d-day label windows after a month of history", horizonDays)
	}
	ds, err := churn.Build(s.Txns, []time.Time{trainAt, testAt}, &churn.FeatureOptions{
		Windows: []int{30, 90},
		Horizon: horizonDays,
		End:     s.End,
	})
	if err != nil {
		return cm, err
	}
	trainRows, testRows := churn.TimeSplit(ds.AsOf, testAt, horizonDays)
	cm.Train, cm.Test = ds.Subset(trainRows), ds.Subset(testRows)
	cm.Model, err = fitChurn(rep, cm.Train)
	if err != nil {
		return cm, err
	}
	cm.Scores = make([]float64, len(cm.Test.X))
	for i, x := range cm.Test.X {
		cm.Scores[i] = cm.Model.Prob(x)
	}
	churned := 0
	for _, c := range cm.Test.Churned {
		if c {
			churned++
		}
	}
	rep.Textf("Trained on %d customers as of %s, tested on %d customers as of %s, of whom %.1f%% made no purchase in the next %d days. Test AUC %.3f, Brier score %.3f.",
		len(cm.Train.X), trainAt.Format(time.DateOnly), len(cm.Test.X), testAt.Format(time.DateOnly),
		100*float64(churned)/float64(len(cm.Test.X)), horizonDays,
		churn.AUC(cm.Scores, cm.Test.Churned), churn.Brier(cm.Scores, cm.Test.Churned, nil))
	if err := liftAndGains(rep, cm); err != nil {
		return cm, err
	}
	return cm, calibrationPlot(rep, cm)
}

// fitChurn fits the logistic regression, falling back to a small ridge
// penalty when the features separate the classes or are collinear.
func fitChurn(rep *report.Report, train *churn.Dataset) (*churn.Logistic, error) {
	m, err := churn.FitLogistic(train.X, train.Churned, &churn.LogisticOptions{Names: train.Names})
	if errors.Is(err, churn.ErrSeparation) || errors.Is(err, clv.ErrSingular) {
		rep.Textf("Note: %v; refitting with a ridge penalty (λ = 1 on standardised features).", err)
		m, err = churn.FitLogistic(train.X, train.Churned, &churn.LogisticOptions{Names: train.Names, L2: 1, PenalizeStandardized: true})
	}
	if err != nil {
		return nil, fmt.Errorf("churn model: %w", err)
	}
	return m, nil
}

func liftAndGains(rep *report.Report, cm ChurnModel) error {
	gains, err := churn.Gains(cm.Scores, cm.Test.Churned, 10)
	if err != nil {
		return err
	}
	t := report.Table{
		Caption: "Lift table on the test date: customers in deciles of the churn score, highest first",
		Header:  []string{"decile", "customers", "churners", "churn rate", "lift", "cum. share of churners", "cum. lift", "scores"},
	}
	for i, g := range gains {
		t.Rows = append(t.Rows, []string{strconv.Itoa(i + 1), strconv.Itoa(g.Count), strconv.Itoa(g.Positives),
			report.Pct(g.Rate, 1), report.Num(g.Lift, 2), report.Pct(g.Gain, 1), report.Num(g.CumLift, 2),
			report.Num(g.MinScore, 2) + "–" + report.Num(g.MaxScore, 2)})
	}
	rep.Table(t)
	p, err := chart.Gains(gains, chart.Labels{Title: "Cumulative gains of the churn score (test date)", Model: "logistic churn score"})
	if err != nil {
		return err
	}
	return rep.Plot("churn_gains.png", "Gains chart: contacting the top decile reaches the churners the first point shows; the lift is that share divided by 10%.", p)
}

func calibrationPlot(rep *report.Report, cm ChurnModel) error {
	bins, err := churn.Calibration(cm.Scores, cm.Test.Churned, 10, churn.UniformBins)
	if err != nil {
		return err
	}
	p, err := chart.Calibration([]string{"logistic churn score"}, [][]churn.CalibrationBin{bins}, chart.Labels{
		Title: "Churn score calibration (test date, 10 equal-width bins)",
		X:     "mean predicted churn probability in the bin",
		Y:     "observed churn rate in the bin",
	})
	if err != nil {
		return err
	}
	return rep.Plot("churn_calibration.png", "Calibration: points on the diagonal mean the predicted probabilities can be read as churn rates.", p)
}
