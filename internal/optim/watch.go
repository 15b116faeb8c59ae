package optim

import (
	"context"
	"time"

	"gonum.org/v1/gonum/optimize"
)

// Watch follows one fit for cancellation and progress, across all the
// searches the fit runs (starts, subsamples, refits): it numbers their
// iterations in one running count. A nil *Watch watches nothing. A Watch
// is not safe for concurrent use.
type Watch struct {
	ctx    context.Context
	report func(iteration int, objective float64, elapsed time.Duration)
	start  time.Time
	iter   int
	scale  float64 // reported objective = scale × the search's value
}

// NewWatch returns a Watch of ctx (nil: never cancelled) that passes each
// iteration to report (nil: none), or nil when there is nothing to watch.
func NewWatch(ctx context.Context, report func(iteration int, objective float64, elapsed time.Duration)) *Watch {
	if ctx == nil && report == nil {
		return nil
	}
	return &Watch{ctx: ctx, report: report, start: time.Now(), scale: 1}
}

// SetScale makes w report scale × the value of the searches that follow
// (e.g. −N to turn a mean negative log-likelihood into a total
// log-likelihood).
func (w *Watch) SetScale(scale float64) {
	if w != nil {
		w.scale = scale
	}
}

// Err returns the context's error once it is cancelled or past its
// deadline, else nil.
func (w *Watch) Err() error {
	if w == nil || w.ctx == nil {
		return nil
	}
	return w.ctx.Err()
}

// Step counts one iteration that reached the given objective value,
// reports it, and returns Err.
func (w *Watch) Step(objective float64) error {
	if w == nil {
		return nil
	}
	w.iter++
	if w.report != nil {
		w.report(w.iter, w.scale*objective, time.Since(w.start))
	}
	return w.Err()
}

// recorder adapts w to gonum's optimize.Recorder: it stops BFGS at the
// first operation after cancellation, and steps w at each major iteration.
type recorder struct{ w *Watch }

func (recorder) Init() error { return nil }

func (r recorder) Record(loc *optimize.Location, op optimize.Operation, _ *optimize.Stats) error {
	if op == optimize.MajorIteration {
		return r.w.Step(loc.F)
	}
	return r.w.Err()
}
