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
	if err := run([]string{"-customers", "1500", "-seed", "9", "-out", dir}, &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{"Champions", "ABC tiers", "Heavy"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	outputtest.Check(t, dir, "rfm_customers.png", "rfm_value.png")
}

func TestRunBadMargin(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"-margin", "1.5", "-out", t.TempDir()}, &out); err == nil || !strings.Contains(err.Error(), "-margin") {
		t.Errorf("run(-margin 1.5) = %v, want an error naming -margin", err)
	}
}
