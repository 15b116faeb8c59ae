package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ltvgo/ltv/examples/internal/outputtest"
	"github.com/ltvgo/ltv/internal/refdata/refdatatest"
)

func TestRun(t *testing.T) {
	path := refdatatest.Path(t, "sbg/fh2007_retention.csv")
	dir := t.TempDir()
	var out bytes.Buffer
	if err := run([]string{"-data", path, "-out", dir}, &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	// MODELS.md §6 check values (FH 2007 data, fitted on years 0–7):
	// Regular α = 0.7040773, β = 1.182043, LL −1680.265188,
	// DERL(0.1 | n = 1, 5, 8) = 2.9643993, 5.8940955, 6.8423151, DEL 3.694908;
	// High End α = 0.6680884, β = 3.806095, DEL 5.922253.
	for _, want := range []string{
		"α = 0.7041 (SE 0.0656), β = 1.1820 (SE 0.1525), log-likelihood -1680.27",
		"α = 0.6681 (SE 0.1037), β = 3.8061 (SE 0.7855), log-likelihood -1611.16",
		"62.7%         2.964", "88.0%         5.894", "92.1%         6.842",
		"(DEL) is 3.695 years", "(DEL) is 5.922 years",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	// The churn-reasons section, on simulated subscribers: the table rows
	// of both plans and reasons, Gray's tests and the 1 − KM comparison.
	for _, want := range []string{
		"monthly       cancelled", "annual  payment failed",
		"Gray's test, cancelled: χ² =", "Gray's test, payment failed: χ² =",
		"One minus Kaplan–Meier with failed payments censored says",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	outputtest.Check(t, dir, "retention_1.png", "retention_2.png", "churn_reasons.png")
}

func TestRunErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("year,a_alive\n0,100\n1,80\n2,x\n3,50\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "good.csv")
	if err := os.WriteFile(good, []byte("year,a_alive\n0,100\n1,80\n2,70\n3,65\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-data", bad}, `line 4: count "x"`},
		{[]string{"-data", filepath.Join(dir, "none.csv")}, "none.csv"},
		{[]string{"-data", good, "-fit", "4"}, "-fit 4"},
		{[]string{"-data", good, "-fit", "2"}, "linear baseline"}, // two years are too few for the regressions
	}
	for _, tt := range tests {
		var out bytes.Buffer
		err := run(append(tt.args, "-out", filepath.Join(dir, "out")), &out)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("run(%q) = %v, want an error containing %q", tt.args, err, tt.want)
		}
	}
}
