package main

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ltvgo/ltv/clv"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	if err := run([]string{"-customers", "800", "-out", dir}, &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{"saved to", "POST /customers/c42/purchases → 200 OK", `"purchases":3`, "GET /customers/c42/score?as_of=2025-12-31 → 200 OK", `"p_alive":{"estimate":`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "model.json")); err != nil {
		t.Error(err)
	}
}

// serve starts the service with models fitted to a simulated log and
// saved to a file, on a loopback port, and returns its base URL and the
// models it loaded.
func serve(t *testing.T) (string, Models) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "model.json")
	if err := fitAndSave(path, 800, io.Discard); err != nil {
		t.Fatal(err)
	}
	m, err := load(path)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := NewService(m, valuation, 0.9)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: svc.Handler()}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String(), m
}

// send sends body (if any) as JSON and decodes the answer into v; it
// returns the status.
func send(method, url string, body, v any) (int, error) {
	var in io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		in = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, in)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	return resp.StatusCode, json.NewDecoder(resp.Body).Decode(v)
}

// TestConcurrentClients: 64 clients at once each send one customer's
// purchases, newest first, then ask for the customer's score from its state
// and for the score of the whole history in one request. Both answers must
// be what the library gives for the customer's Summarize row. Run it with
// -race.
func TestConcurrentClients(t *testing.T) {
	base, m := serve(t)
	sim := simulation(64)
	sim.Seed = 64
	txns, err := clv.SimulateBGNBD(clv.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}, sim)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := clv.Summarize(txns, clv.SummaryOptions{Period: week, End: sim.End})
	if err != nil {
		t.Fatal(err)
	}
	want, _, err := clv.ScoreWithIntervals(m.Purchase.Model, m.Purchase.Fit, m.Spend.Model, m.Spend.Fit, cs, valuation, clv.IntervalOptions{Level: 0.9})
	if err != nil {
		t.Fatal(err)
	}
	history := map[string][]Purchase{}
	for _, tx := range txns {
		history[tx.CustomerID] = append(history[tx.CustomerID], Purchase{tx.At, tx.Amount})
	}
	if len(cs) != 64 {
		t.Fatalf("%d customers, want 64", len(cs))
	}
	asOf := sim.End.Format("2006-01-02")

	var wg sync.WaitGroup
	for i, c := range cs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := history[c.ID]
			for k := len(h) - 1; k >= 0; k-- {
				var added map[string]any
				if status, err := send(http.MethodPost, base+"/customers/"+c.ID+"/purchases", h[k], &added); err != nil || status != http.StatusOK {
					t.Errorf("%s: purchase %d: status %d, %v", c.ID, k, status, err)
					return
				}
			}
			var fromState, fromHistory Score
			if status, err := send(http.MethodGet, base+"/customers/"+c.ID+"/score?as_of="+asOf, nil, &fromState); err != nil || status != http.StatusOK {
				t.Errorf("%s: score: status %d, %v", c.ID, status, err)
				return
			}
			if status, err := send(http.MethodPost, base+"/score", History{c.ID, asOf, h}, &fromHistory); err != nil || status != http.StatusOK {
				t.Errorf("%s: score of the history: status %d, %v", c.ID, status, err)
				return
			}
			for _, got := range []Score{fromState, fromHistory} {
				check(t, got, c, want[i])
			}
		}()
	}
	wg.Wait()
}

// check compares a served score with the library's.
func check(t *testing.T, got Score, c clv.Customer, want clv.ScoreInterval) {
	t.Helper()
	if got.CustomerID != c.ID || got.Frequency != c.Frequency || got.Recency != c.Recency || got.T != c.T {
		t.Errorf("%s: summary %+v, want %+v", c.ID, got, c)
	}
	for _, q := range []struct {
		name string
		got  Interval
		want clv.Interval
	}{{"p_alive", got.PAlive, want.PAlive}, {"expected_purchases", got.ExpectedPurchases, want.Purchases}, {"value", got.Value, want.Value}} {
		for _, v := range [][2]float64{{q.got.Estimate, q.want.Estimate}, {q.got.Lower, q.want.Lower}, {q.got.Upper, q.want.Upper}} {
			if math.Abs(v[0]-v[1]) > 1e-12*math.Max(1, math.Abs(v[1])) {
				t.Errorf("%s: %s %+v, want %+v", c.ID, q.name, q.got, q.want)
				break
			}
		}
	}
}

// TestBadRequests: a bad request is answered with a status and a message.
func TestBadRequests(t *testing.T) {
	base, _ := serve(t)
	p := Purchase{At: simulation(1).Start, Amount: 10}
	for _, tc := range []struct {
		name, method, path string
		body               any
		status             int
	}{
		{"unknown customer", http.MethodGet, "/customers/nobody/score?as_of=2025-12-31", nil, http.StatusNotFound},
		{"no as_of", http.MethodPost, "/score", History{CustomerID: "a", Transactions: []Purchase{p}}, http.StatusBadRequest},
		{"unknown field", http.MethodPost, "/customers/a/purchases", map[string]any{"at": p.At, "amount": 1, "qty": 2}, http.StatusBadRequest},
		{"negative amount", http.MethodPost, "/customers/a/purchases", Purchase{At: p.At, Amount: -1}, http.StatusBadRequest},
		{"no customer ID", http.MethodPost, "/score", History{AsOf: "2025-12-31", Transactions: []Purchase{p}}, http.StatusBadRequest},
		{"as_of before every purchase", http.MethodPost, "/score", History{CustomerID: "a", AsOf: "2024-12-31", Transactions: []Purchase{p}}, http.StatusUnprocessableEntity},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var answer map[string]string
			status, err := send(tc.method, base+tc.path, tc.body, &answer)
			if err != nil || status != tc.status || answer["error"] == "" {
				t.Errorf("status %d, answer %v, %v; want %d with an error", status, answer, err, tc.status)
			}
		})
	}
}
