package steps

import (
	"fmt"
	"time"

	"github.com/ltvgo/ltv/churn"
	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/examples/internal/data"
	"github.com/ltvgo/ltv/examples/internal/plots"
	"github.com/ltvgo/ltv/examples/internal/report"
	"github.com/ltvgo/ltv/survival"
)

// ChurnLeaderboard scores the churn model's test customers three ways and
// compares them on one leaderboard: a BG/NBD fitted on the purchase days
// up to the test date (P(no purchase in the next H days)), the logistic
// churn score, and a Cox model of the days from the training date to the
// next purchase, fitted on the same features as the logistic score
// (S(H | features), the probability that the next purchase comes after
// H days). It prints the table and draws the three calibration curves.
func ChurnLeaderboard(rep *report.Report, s data.Store, cm ChurnModel) error {
	rep.Section("Three churn scores on one leaderboard")
	h := cm.HorizonDays
	trainAt, testAt := cm.Train.AsOf[0], cm.Test.AsOf[0]
	const day = 24 * time.Hour
	cal, err := clv.SummarizeHoldout(s.Txns, clv.SummaryOptions{Period: day, End: testAt}, testAt.AddDate(0, 0, h))
	if err != nil {
		return err
	}
	customers := make([]clv.Customer, len(cal))
	for i, c := range cal {
		customers[i] = c.Customer
	}
	bg, _, err := clv.FitBGNBD(customers, nil)
	if err != nil {
		return fmt.Errorf("leaderboard BG/NBD: %w", err)
	}
	cox, err := fitNextPurchase(s, cm, trainAt)
	if err != nil {
		return err
	}
	// The logistic and Cox scores are per test row; line them up with the
	// holdout customers by ID.
	row := make(map[string]int, len(cm.Test.IDs))
	for i, id := range cm.Test.IDs {
		row[id] = i
	}
	logistic, coxScore := make([]float64, len(cal)), make([]float64, len(cal))
	for i, c := range cal {
		j, ok := row[c.ID]
		if !ok {
			return fmt.Errorf("leaderboard: customer %s has no churn features on %s", c.ID, testAt.Format(time.DateOnly))
		}
		logistic[i] = cm.Scores[j]
		coxScore[i] = cox.SurvivalAt(cm.Test.X[j], 0, float64(h))
	}
	tab, err := churn.Leaderboard(cal, []churn.Contender{
		{Name: "BG/NBD P(no purchase)", Model: bg},
		{Name: "logistic churn score", NoPurchase: logistic},
		{Name: "Cox S(H) of the next purchase", NoPurchase: coxScore},
	}, nil)
	if err != nil {
		return err
	}
	t := report.Table{
		Caption: fmt.Sprintf("%.0f customers on %s; %.1f%% made no purchase in the next %d days. Scores of \"no purchase\": higher AUC and average precision, lower Brier and log loss are better.",
			tab.Customers, testAt.Format(time.DateOnly), 100*tab.ShareWithout, h),
		Header: []string{"scorer", "AUC", "avg. precision", "Brier", "log loss", "mean score", "purchases MAE"},
	}
	chart := plots.Chart{
		Title:    fmt.Sprintf("Calibration of three churn scores (no purchase in %d days)", h),
		XLabel:   "mean predicted probability of no purchase in the bin",
		YLabel:   "observed share without a purchase",
		Diagonal: true,
		Legend:   plots.TopLeft,
	}
	for _, r := range tab.Rows {
		mae := "–"
		if r.Purchases != nil {
			mae = report.Num(r.Purchases.MAE, 3)
		}
		t.Rows = append(t.Rows, []string{r.Name, report.Num(r.AUC, 3), report.Num(r.AveragePrecision, 3),
			report.Num(r.Brier, 3), report.Num(r.LogLoss, 3), report.Pct(r.MeanNoPurchase, 1), mae})
		var x, y []float64
		for _, b := range r.Calibration {
			x = append(x, b.MeanPredicted)
			y = append(y, b.FractionPositive)
		}
		chart.Series = append(chart.Series, plots.Series{Name: r.Name, X: x, Y: y, Style: plots.LinePoints})
	}
	rep.Table(t)
	rep.Textf("The BG/NBD sees only purchase days; the logistic and Cox scores see the %d features and were trained %d days earlier. P(alive) of the BG/NBD has AUC %.3f for \"buys again\": it is 1 for every one-time buyer, which is why P(no purchase) is the BTYD churn score.",
		len(cm.Train.Names), h, tab.Rows[0].AUCAlive)
	if err := chart.Save(rep.Path("churn_leaderboard.png")); err != nil {
		return err
	}
	rep.Image("churn_leaderboard.png", "Calibration of the three scores on the same customers: points on the diagonal can be read as churn rates.")
	return nil
}

// fitNextPurchase fits a Cox model of the days from trainAt to each
// training customer's next purchase, censored at the horizon (the churn
// label says whether it came within it), on the logistic model's features.
func fitNextPurchase(s data.Store, cm ChurnModel, trainAt time.Time) (*survival.Cox, error) {
	h := cm.HorizonDays
	next := make(map[string]int, len(cm.Train.IDs)) // days to the first purchase after trainAt
	for _, tx := range s.Txns {
		d := int(data.Day(tx.At).Sub(trainAt).Hours() / 24)
		if d < 1 || d > h {
			continue
		}
		if old, ok := next[tx.CustomerID]; !ok || d < old {
			next[tx.CustomerID] = d
		}
	}
	obs := make([]survival.Observation, len(cm.Train.IDs))
	for i, id := range cm.Train.IDs {
		d, bought := next[id]
		if bought == cm.Train.Churned[i] {
			return nil, fmt.Errorf("leaderboard: customer %s: next purchase and churn label disagree", id)
		}
		obs[i] = survival.Observation{Time: float64(h), Event: bought}
		if bought {
			obs[i].Time = float64(d)
		}
	}
	cox, err := survival.FitCox(obs, cm.Train.X, nil)
	if err != nil {
		return nil, fmt.Errorf("leaderboard Cox model: %w", err)
	}
	return cox, nil
}
