// Command beam summarises, fits and scores a transaction log of any size
// with Apache Beam: the same pipeline runs in-process on the Prism runner
// and on Dataflow, Flink or Spark.
//
//	textio lines → clv.ReadTransactions per line (bad lines → dead letters)
//	→ CombinePerKey by customer with clv.CustomerState as the accumulator
//	→ summary rows (clv.CustomerState.Customer, as clv.Summarize builds them)
//	→ histograms of (x, t_x, T) and (x, m̄), one GROUP BY each
//	→ clv.FitBGNBD (or clv.FitParetoNBD) and clv.FitGammaGamma on one worker
//	→ the models as a side input → clv.Score per customer → sharded CSV
//
// Outputs, after -output: scores-SSSSS-of-NNNNN.csv (each customer's
// summary, P(alive), expected purchases, expected spend and value, and the
// intervals of P(alive), purchases and value at -level),
// deadletters-SSSSS-of-NNNNN.csv (every rejected line with its file, field
// and reason; no file when none) and models.json (the fitted models with
// their fit reports, in clv's saved form). Counters ltv/transactions and
// ltv/bad_lines count the lines read.
//
// Run locally:
//
//	go run . -input 'logs/*.csv' -output out/ -end 2024-12-31 -period 168h \
//	    -horizon 12 -discount 0.01 -margin 0.3
//
// and on a cluster with the runner's flags (see the README, "Beyond one
// machine").
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/gcs"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"
	"github.com/ltvgo/ltv/clv"
)

var (
	input    = flag.String("input", "", "glob of the CSV transaction logs (local or gs://)")
	output   = flag.String("output", "", "prefix of the output files, e.g. gs://bucket/ltv/ or out/")
	header   = flag.String("header", "customer_id,date,amount", "the logs' header line: names the columns; lines equal to it are skipped")
	period   = flag.Duration("period", 7*24*time.Hour, "the model's time unit")
	end      = flag.String("end", "", "end of the calibration period, YYYY-MM-DD (the day is included)")
	model    = flag.String("model", ModelBGNBD, "purchase model: bgnbd or paretonbd")
	horizon  = flag.Int("horizon", 12, "cash-flow periods to value")
	cashFlow = flag.Duration("cashflow", clv.Month, "the cash-flow period (default one average month)")
	discount = flag.Float64("discount", 0.01, "discount rate per cash-flow period")
	margin   = flag.Float64("margin", 1, "contribution per unit of revenue, in (0, 1]")
	level    = flag.Float64("level", 0.9, "level of the delta-method intervals of P(alive), purchases and value; 0: none")
	shards   = flag.Int("shards", 1, "files per output (scores, dead letters)")
)

func main() {
	flag.Parse()
	beam.Init()
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "beam:", err)
		os.Exit(1)
	}
}

// run builds the pipeline from the flags and runs it on the runner of the
// -runner flag (Beam's; "prism", in process, when unset).
func run(ctx context.Context) error {
	endDay, err := time.Parse(time.DateOnly, *end)
	if err != nil {
		return fmt.Errorf("-end %q: want YYYY-MM-DD", *end)
	}
	cfg := Config{Input: *input, Output: *output, Header: *header, Period: *period, End: endDay, Model: *model,
		Horizon: *horizon, CashFlow: *cashFlow, Discount: *discount, Margin: *margin, Level: *level, Shards: *shards}
	return Run(ctx, cfg)
}

// Run checks cfg, checks that its input matches at least one file, and
// runs the pipeline.
func Run(ctx context.Context, cfg Config) error {
	if err := cfg.check(); err != nil {
		return err
	}
	if err := matchesFiles(ctx, cfg.Input); err != nil {
		return err
	}
	p, s := beam.NewPipelineWithRoot()
	Build(s, cfg)
	return beamx.Run(ctx, p)
}

// errNoInput reports an input glob that matches no file.
var errNoInput = errors.New("no input file")

// matchesFiles returns errNoInput, wrapped with the glob, when it matches
// no file.
func matchesFiles(ctx context.Context, glob string) error {
	fs, err := filesystem.New(ctx, glob)
	if err != nil {
		return err
	}
	defer fs.Close()
	files, err := fs.List(ctx, glob)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("%w matches %q", errNoInput, glob)
	}
	return nil
}
