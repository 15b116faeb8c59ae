package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"sync"
	"time"

	"github.com/ltvgo/ltv/clv"
)

// Models is the file the service loads: a purchase model and a spend
// model, each saved with its fit report (clv.Fitted), whose covariance
// gives the intervals.
type Models struct {
	Purchase clv.Fitted[clv.BGNBD]      `json:"purchase"`
	Spend    clv.Fitted[clv.GammaGamma] `json:"spend"`
}

// Interval is an estimate with its interval.
type Interval struct {
	Estimate float64 `json:"estimate"`
	Lower    float64 `json:"lower"`
	Upper    float64 `json:"upper"`
}

// Score is the answer for one customer as of the end of a day: the summary
// row in the model's periods and the three predictions over the horizon.
type Score struct {
	CustomerID        string   `json:"customer_id"`
	AsOf              string   `json:"as_of"`
	Frequency         float64  `json:"frequency"`
	Recency           float64  `json:"recency"`
	T                 float64  `json:"t"`
	PAlive            Interval `json:"p_alive"`
	ExpectedPurchases Interval `json:"expected_purchases"`
	Value             Interval `json:"value"`
}

// Purchase is one purchase in a request.
type Purchase struct {
	At     time.Time `json:"at"`
	Amount float64   `json:"amount"`
}

// History is the body of POST /score.
type History struct {
	CustomerID   string     `json:"customer_id"`
	AsOf         string     `json:"as_of"`
	Transactions []Purchase `json:"transactions"`
}

// Service scores customers with one pair of models. Its handlers are safe
// for concurrent use: the models are values, and the customer states sit
// behind a mutex.
type Service struct {
	models Models
	value  clv.ValueOptions
	level  float64

	mu     sync.Mutex
	states *clv.CustomerStates
}

// NewService returns a service that values customers with opt (its Period
// may be 0: the purchase model's unit, which the model must record) and
// intervals at level. It returns an error for a model without a unit.
func NewService(m Models, opt clv.ValueOptions, level float64) (*Service, error) {
	if m.Purchase.Model.Period <= 0 {
		return nil, errors.New("the purchase model records no time unit (fit it with FitOptions.Period)")
	}
	return &Service{models: m, value: opt, level: level, states: clv.NewCustomerStates()}, nil
}

// Handler returns the service's routes:
//
//	POST /score                     score the history in the body (a History); nothing is kept
//	POST /customers/{id}/purchases  add a purchase (a Purchase) to the customer's state
//	GET  /customers/{id}/score      score the customer's state; ?as_of=YYYY-MM-DD
func (s *Service) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /score", handle(s.scoreHistory))
	mux.HandleFunc("POST /customers/{id}/purchases", handle(s.addPurchase))
	mux.HandleFunc("GET /customers/{id}/score", handle(s.scoreCustomer))
	return mux
}

// scoreHistory scores the customer whose history is in the body.
func (s *Service) scoreHistory(r *http.Request) (any, error) {
	var h History
	if err := decode(r, &h); err != nil {
		return nil, err
	}
	opt, err := s.summaryOptions(h.AsOf)
	if err != nil {
		return nil, err
	}
	var st clv.CustomerState
	for _, p := range h.Transactions {
		if err := st.Add(clv.Transaction{CustomerID: h.CustomerID, At: p.At, Amount: p.Amount}); err != nil {
			return nil, err
		}
	}
	c, ok, err := st.Customer(opt)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fail(http.StatusUnprocessableEntity, "no purchase on or before %s", h.AsOf)
	}
	return s.score(c, h.AsOf)
}

// addPurchase adds the purchase in the body to customer {id}'s state and
// answers with the number of purchases the state holds.
func (s *Service) addPurchase(r *http.Request) (any, error) {
	var p Purchase
	if err := decode(r, &p); err != nil {
		return nil, err
	}
	id := r.PathValue("id")
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.states.Add(clv.Transaction{CustomerID: id, At: p.At, Amount: p.Amount}); err != nil {
		return nil, err
	}
	return map[string]any{"customer_id": id, "purchases": s.states.State(id).Len()}, nil
}

// scoreCustomer scores customer {id} from its state.
func (s *Service) scoreCustomer(r *http.Request) (any, error) {
	id, asOf := r.PathValue("id"), r.URL.Query().Get("as_of")
	opt, err := s.summaryOptions(asOf)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	st := s.states.State(id) // a copy: the summary is made outside the lock
	s.mu.Unlock()
	if st == nil {
		return nil, fail(http.StatusNotFound, "no customer %q", id)
	}
	c, ok, err := st.Customer(opt)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fail(http.StatusUnprocessableEntity, "customer %q has no purchase on or before %s", id, asOf)
	}
	return s.score(c, asOf)
}

// score predicts for one summary row, outside any lock: the models are
// values.
func (s *Service) score(c clv.Customer, asOf string) (Score, error) {
	ivs, _, err := clv.ScoreWithIntervals(s.models.Purchase.Model, s.models.Purchase.Fit,
		s.models.Spend.Model, s.models.Spend.Fit, []clv.Customer{c}, s.value, clv.IntervalOptions{Level: s.level})
	if err != nil {
		return Score{}, err
	}
	iv := ivs[0]
	sc := Score{
		CustomerID: c.ID, AsOf: asOf, Frequency: c.Frequency, Recency: c.Recency, T: c.T,
		PAlive:            Interval{iv.PAlive.Estimate, iv.PAlive.Lower, iv.PAlive.Upper},
		ExpectedPurchases: Interval{iv.Purchases.Estimate, iv.Purchases.Lower, iv.Purchases.Upper},
		Value:             Interval{iv.Value.Estimate, iv.Value.Lower, iv.Value.Upper},
	}
	for _, v := range []Interval{sc.PAlive, sc.ExpectedPurchases, sc.Value} {
		for _, x := range []float64{v.Estimate, v.Lower, v.Upper} {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return Score{}, fail(http.StatusUnprocessableEntity, "customer %q cannot be scored (a non-finite prediction)", c.ID)
			}
		}
	}
	return sc, nil
}

// summaryOptions returns the summary options for the day asOf
// (YYYY-MM-DD), in the purchase model's unit.
func (s *Service) summaryOptions(asOf string) (clv.SummaryOptions, error) {
	end, err := time.Parse(time.DateOnly, asOf)
	if err != nil {
		return clv.SummaryOptions{}, fail(http.StatusBadRequest, "as_of: want YYYY-MM-DD, got %q", asOf)
	}
	return clv.SummaryOptions{Period: s.models.Purchase.Model.Period, End: end}, nil
}

// httpError is an error with the status it is answered with; any other
// error (the library's, about the caller's data) is a 400.
type httpError struct {
	status int
	err    error
}

func (e *httpError) Error() string { return e.err.Error() }

func fail(status int, format string, args ...any) error {
	return &httpError{status, fmt.Errorf(format, args...)}
}

// handle turns f into a handler that answers with f's value as JSON, or
// with its error as {"error": …}. Bodies are limited to 1 MiB.
func handle(f func(r *http.Request) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
		v, err := f(r)
		w.Header().Set("Content-Type", "application/json")
		if err != nil {
			status := http.StatusBadRequest
			if he, ok := err.(*httpError); ok {
				status = he.status
			}
			w.WriteHeader(status)
			v = map[string]string{"error": err.Error()}
		}
		json.NewEncoder(w).Encode(v) // the client may be gone; nothing to do then
	}
}

// decode reads a JSON body with no unknown fields.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fail(http.StatusBadRequest, "body: %v", err)
	}
	return nil
}
