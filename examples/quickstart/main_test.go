package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ltvgo/ltv/examples/internal/data"
	"github.com/ltvgo/ltv/examples/internal/outputtest"
)

var quickstartPlots = []string{
	"palive.png", "expected_purchases.png", "holdout.png", "tracking.png", "value_intervals.png", "value_tornado.png",
	"cohort_retention.png", "lifetimes_km.png", "churn_gains.png", "churn_calibration.png",
}

func TestRunSimulated(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	if err := run([]string{"-out", dir, "-customers", "1500", "-seed", "7"}, &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, section := range []string{"## The data", "## Holdout check", "## Customer value", "90% interval", "the total is", "Sensitivity of the total value", "## RFM segments",
		"## Cohort retention", "## Customer lifetimes", "## Churn model", "Lift table"} {
		if !strings.Contains(out.String(), section) {
			t.Errorf("output lacks %q", section)
		}
	}
	outputtest.Check(t, dir, quickstartPlots...)
}

// TestRunCSV runs the quickstart on a log written as CSV, with a header and
// both date forms, as a user would.
func TestRunCSV(t *testing.T) {
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "log.csv")
	st, err := data.SimulatedStore(1500, 3)
	if err != nil {
		t.Fatal(err)
	}
	writeStoreCSV(t, csvPath, st)
	var out bytes.Buffer
	outDir := filepath.Join(dir, "out")
	if err := run([]string{"-csv", csvPath, "-out", outDir, "-holdout", "120"}, &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "ltv quickstart: "+csvPath) {
		t.Errorf("the report does not name the log:\n%s", out.String())
	}
	outputtest.Check(t, outDir, quickstartPlots...)
}

func TestRunErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("customer_id,date,amount\nc1,2024-01-02,10\nc1,2024-02-30,5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-csv", bad}, "line 3"},
		{[]string{"-csv", filepath.Join(dir, "missing.csv")}, "missing.csv"},
		{[]string{"-margin", "0"}, "-margin"},
		{[]string{"extra"}, "unexpected arguments"},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		err := run(append(tt.args, "-out", filepath.Join(dir, "out")), &out)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("run(%q) = %v, want an error containing %q", tt.args, err, tt.want)
		}
	}
}

// writeStoreCSV writes the store's log as a user's CSV: a header, then dates
// alternately as YYYY-MM-DD and as RFC 3339 instants.
func writeStoreCSV(t *testing.T, path string, s data.Store) {
	t.Helper()
	var b strings.Builder
	b.WriteString("customer_id,date,amount\n")
	for i, tx := range s.Txns {
		date := tx.At.Format(time.DateOnly)
		if i%2 == 1 {
			date = tx.At.Format(time.RFC3339)
		}
		fmt.Fprintf(&b, "%s,%s,%.2f\n", tx.CustomerID, date, tx.Amount)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}
