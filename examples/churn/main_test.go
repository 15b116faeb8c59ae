package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/ltvgo/ltv/examples/internal/outputtest"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	if err := run([]string{"-customers", "1500", "-seed", "5", "-top", "5", "-out", dir}, &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{"Lift table", "days_since_last", "(Intercept)", "Top 5 churn scores", "BG/NBD P(no purchase)", "Cox S(H)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	outputtest.Check(t, dir, "churn_gains.png", "churn_calibration.png", "churn_leaderboard.png")
}

func TestRunErrors(t *testing.T) {
	for _, args := range [][]string{{"-horizon", "0"}, {"-horizon", "400"}} {
		var out bytes.Buffer
		if err := run(append(args, "-customers", "200", "-out", t.TempDir()), &out); err == nil {
			t.Errorf("run(%q) succeeded, want an error", args)
		}
	}
}
