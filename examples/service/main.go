// Service is an HTTP scoring service. It loads a saved purchase model and
// spend model (clv.Fitted, versioned JSON with the fit's covariance), scores
// a customer's history per request — P(alive), expected purchases and
// value over the next year, each with a 90% interval from the parameters'
// uncertainty — and keeps each customer's state as purchases arrive
// (clv.CustomerStates), so a score never re-reads a log.
//
//	go run ./examples/service [-model model.json] [-addr 127.0.0.1:8080] [-out ltv-out/service]
//
// Without -model it first fits BG/NBD and Gamma-Gamma to a simulated log
// and saves them to -out/model.json, then loads that file as a service
// started elsewhere would. Without -addr it serves on a free loopback
// port, sends itself a few requests, prints the answers and stops; with
// -addr it serves until interrupted. See Service.Handler for the routes.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"time"

	"github.com/ltvgo/ltv/clv"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "service:", err)
		os.Exit(1)
	}
}

const week = 7 * 24 * time.Hour

// valuation is how the service values customers: 12 months ahead, 10% a
// year, a 30% margin, in the purchase model's own unit.
var valuation = clv.ValueOptions{CashFlow: clv.Month, Horizon: 12, Discount: clv.RatePer(0.10, clv.Month), Margin: 0.3}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("service", flag.ContinueOnError)
	fs.SetOutput(stdout)
	model := fs.String("model", "", "saved models `file` (JSON); empty: fit a simulated log and save it to -out/model.json")
	addr := fs.String("addr", "", "`address` to serve on until interrupted; empty: a short demonstration on a loopback port")
	out := fs.String("out", filepath.Join("ltv-out", "service"), "`folder` for the saved models")
	customers := fs.Int("customers", 2000, "simulated customers to fit when there is no -model")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *model == "" {
		*model = filepath.Join(*out, "model.json")
		if err := fitAndSave(*model, *customers, stdout); err != nil {
			return err
		}
	}
	m, err := load(*model)
	if err != nil {
		return err
	}
	svc, err := NewService(m, valuation, 0.9)
	if err != nil {
		return err
	}
	if *addr != "" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		defer stop()
		srv := &http.Server{Addr: *addr, Handler: svc.Handler(), ReadHeaderTimeout: 10 * time.Second}
		go func() {
			<-ctx.Done()
			srv.Shutdown(context.Background())
		}()
		fmt.Fprintf(stdout, "serving on %s\n", *addr)
		if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	}
	return demo(svc, stdout)
}

// simulation is the log the service is fitted to without -model: CDNOW's
// BG/NBD and Gamma-Gamma parameters (in weeks), a year of purchases.
func simulation(customers int) clv.SimulationOptions {
	return clv.SimulationOptions{
		Customers:       customers,
		Start:           time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		AcquisitionDays: 84,
		End:             time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC),
		Period:          week,
		Spend:           clv.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44},
		Seed:            16,
	}
}

// fitAndSave fits BG/NBD and Gamma-Gamma to a simulated log and saves both
// with their fits to path.
func fitAndSave(path string, customers int, stdout io.Writer) error {
	sim := simulation(customers)
	txns, err := clv.SimulateBGNBD(clv.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}, sim)
	if err != nil {
		return err
	}
	cs, err := clv.Summarize(txns, clv.SummaryOptions{Period: week, End: sim.End})
	if err != nil {
		return err
	}
	var m Models
	if m.Purchase.Model, m.Purchase.Fit, err = clv.FitBGNBD(cs, &clv.FitOptions{Period: week}); err != nil {
		return fmt.Errorf("BG/NBD: %w", err)
	}
	if m.Spend.Model, m.Spend.Fit, err = clv.FitGammaGamma(cs, nil); err != nil {
		return fmt.Errorf("Gamma-Gamma: %w", err)
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "fitted BG/NBD and Gamma-Gamma to %d simulated customers; saved to %s (%d bytes)\n", len(cs), path, len(b))
	return nil
}

// load reads saved models; loading checks kind, version, parameters and
// keys.
func load(path string) (Models, error) {
	var m Models
	b, err := os.ReadFile(path)
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// demo serves on a free loopback port, records three purchases of one
// customer as they arrive, scores the customer from its state and from
// the whole history in one request, and prints the answers.
func demo(svc *Service, stdout io.Writer) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: svc.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, "serving on %s\n", base)

	day := func(m time.Month, d int) time.Time { return time.Date(2025, m, d, 12, 0, 0, 0, time.UTC) }
	history := []Purchase{{day(3, 2), 31.5}, {day(5, 14), 18.2}, {day(9, 30), 42}}
	for _, p := range history {
		if err := call(stdout, http.MethodPost, base+"/customers/c42/purchases", p); err != nil {
			return err
		}
	}
	if err := call(stdout, http.MethodGet, base+"/customers/c42/score?as_of=2025-12-31", nil); err != nil {
		return err
	}
	return call(stdout, http.MethodPost, base+"/score", History{CustomerID: "c42", AsOf: "2025-12-31", Transactions: history})
}

// call sends body (if any) as JSON and prints the request and the answer.
func call(stdout io.Writer, method, url string, body any) error {
	var in io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		in = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, in)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\n%s %s → %s\n%s", method, req.URL.RequestURI(), resp.Status, answer)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: %s", method, url, resp.Status)
	}
	return nil
}
