package clv_test

import (
	"fmt"
	"log"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ltvgo/ltv/clv"
)

// The README's first program, kept here so that it always compiles and its
// output is checked; TestReadmeFirstProgram holds the two copies equal.
func Example_readme() {
	week := 7 * 24 * time.Hour // the model's time unit
	end := time.Date(1997, 9, 30, 0, 0, 0, 0, time.UTC)

	// Your purchase log goes here; this one is simulated from the CDNOW
	// BG/NBD and Gamma-Gamma parameters (Fader, Hardie & Lee 2005).
	txns, err := clv.SimulateBGNBD(clv.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}, clv.SimulationOptions{
		Customers:       2000,
		Start:           time.Date(1997, 1, 1, 0, 0, 0, 0, time.UTC),
		AcquisitionDays: 84,
		End:             end,
		Period:          week,
		Spend:           clv.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44},
		Seed:            1,
	})
	if err != nil {
		log.Fatal(err)
	}

	cs, err := clv.Summarize(txns, clv.SummaryOptions{Period: week, End: end})
	if err != nil {
		log.Fatal(err)
	}
	bg, fit, err := clv.FitBGNBD(cs, nil) // r, α (in weeks), a, b
	if err != nil {
		log.Fatal(err)
	}
	gg, _, err := clv.FitGammaGamma(cs, nil) // spend per purchase
	if err != nil {
		log.Fatal(err)
	}
	values, err := clv.Value(bg, gg, cs, clv.ValueOptions{
		Period:   week,                         // the unit the model was fitted in
		CashFlow: clv.Month,                    // discount month by month
		Horizon:  12,                           // 12 months
		Discount: clv.RatePer(0.12, clv.Month), // 12% a year, as a monthly rate
		Margin:   0.3,                          // 30% of revenue is profit
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("r = %.3f ± %.3f, α = %.2f, a = %.2f, b = %.2f\n", bg.R, fit.StdErr[0], bg.Alpha, bg.A, bg.B)
	c := cs[0]
	fmt.Printf("customer %s: P(alive) %.2f, %.2f purchases in the next year, value $%.2f\n",
		c.ID, bg.PAlive(c), bg.ConditionalExpectedPurchases(c, 52), values[0])
	// Output:
	// r = 0.248 ± 0.014, α = 5.20, a = 0.63, b = 2.22
	// customer 0000: P(alive) 1.00, 0.27 purchases in the next year, value $2.67
}

// TestReadmeFirstProgram checks that the body of main in the README's first
// program is the body of Example_readme, line for line.
func TestReadmeFirstProgram(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	example, err := os.ReadFile("example_readme_test.go")
	if err != nil {
		t.Fatal(err)
	}
	want := between(t, string(readme), "func main() {\n", "\n}\n")
	got := between(t, string(example), "func Example_readme() {\n", "\t// Output:")
	if strings.TrimSpace(got) != strings.TrimSpace(want) {
		t.Errorf("README's first program and Example_readme differ:\nREADME:\n%s\nexample:\n%s", want, got)
	}
}

// between returns the text of s after the first start and before the next end.
func between(t *testing.T, s, start, end string) string {
	t.Helper()
	i := strings.Index(s, start)
	if i < 0 {
		t.Fatalf("%q not found", start)
	}
	s = s[i+len(start):]
	j := strings.Index(s, end)
	if j < 0 {
		t.Fatalf("%q not found after %q", end, start)
	}
	return s[:j]
}
