package cohort

import (
	"slices"
	"time"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/internal/fault"
	"github.com/ltvgo/ltv/internal/txlog"
	"github.com/ltvgo/ltv/survival"
)

// LifetimeOptions define churn by inactivity. Options gives the cohort
// calendar and the end of data, as for Build.
type LifetimeOptions struct {
	Options
	// Gap is the inactivity that ends a customer's lifetime: a customer
	// whose next purchase comes Gap or more after the previous one (or who
	// has not bought again Gap after their last purchase by the end of
	// data) has churned. Required, > 0.
	Gap time.Duration
	// Unit is the unit of Observation.Time (default 24h: days).
	Unit time.Duration
}

// Lifetimes are customers' lifetimes from activity, one row per customer
// in order of first appearance, ready for survival.KaplanMeier (one call
// per cohort with ByCohort) or survival.LogRank.
type Lifetimes struct {
	Unit         time.Duration // unit of Observations[i].Time
	CustomerIDs  []string
	Cohort       []int       // per row: index into Labels and Starts
	Labels       []string    // cohort names, oldest first, as in Table
	Starts       []time.Time // midnight of the first day of each cohort's period
	Observations []survival.Observation
}

// BuildLifetimes turns a transaction log into right-censored lifetimes.
// txns is neither modified nor kept.
//
// Time zero is a customer's first purchase t₁. The end of data E is the
// end of the end day (midnight after it, in Location). With t_j the first
// purchase followed by a gap ≥ Gap (the next purchase, or E, coming Gap or
// more later):
//
//	churned:  Event = true,  Time = (t_j − t₁) + Gap   (churn is known once the gap has elapsed)
//	censored: Event = false, Time = E − t₁              (inside a gap at E, or still buying)
//
// So Time is the time from acquisition until churn by this rule is
// established, an exactly right-censored quantity: a customer is censored
// precisely when the gap has not elapsed by E. Subtract Gap from an event
// time for the active life (first to last purchase). Purchases after a
// churning gap (reactivations) do not extend the lifetime. Observation
// Entry and Weight are 0 (from the start, weight 1).
//
// Errors are those of Build, and a *clv.DataError wrapping clv.ErrInvalid
// for Gap ≤ 0 or Unit < 0.
func BuildLifetimes(txns []clv.Transaction, opt LifetimeOptions) (*Lifetimes, error) {
	const fn = "cohort.BuildLifetimes"
	if opt.Gap <= 0 {
		return nil, fault.New(fn, -1, "LifetimeOptions.Gap", clv.ErrInvalid, "is %v, want > 0", opt.Gap)
	}
	unit := opt.Unit
	switch {
	case unit < 0:
		return nil, fault.New(fn, -1, "LifetimeOptions.Unit", clv.ErrInvalid, "is %v, want > 0", unit)
	case unit == 0:
		unit = 24 * time.Hour
	}
	o, err := opt.Options.resolve(fn)
	if err != nil {
		return nil, err
	}
	s, err := scan(fn, txns, o)
	if err != nil {
		return nil, err
	}
	end := midnight(s.endDay+1, o.Location)

	// Each customer's purchase times.
	offsets, times := txlog.Group(s.Log, func(i int) time.Time { return txns[i].At })

	cohorts := slices.Clone(s.first)
	slices.Sort(cohorts)
	cohorts = slices.Compact(cohorts)
	l := &Lifetimes{
		Unit:         unit,
		CustomerIDs:  slices.Clone(s.IDs),
		Cohort:       make([]int, len(s.IDs)),
		Labels:       make([]string, len(cohorts)),
		Starts:       make([]time.Time, len(cohorts)),
		Observations: make([]survival.Observation, len(s.IDs)),
	}
	for r, p := range cohorts {
		l.Labels[r] = o.Period.label(int64(p))
		l.Starts[r] = o.Period.start(int64(p), o.Location)
	}
	gap := opt.Gap.Seconds()
	perUnit := unit.Seconds()
	for c := range s.IDs {
		l.Cohort[c], _ = slices.BinarySearch(cohorts, s.first[c])
		ts := times[offsets[c]:offsets[c+1]]
		slices.SortFunc(ts, time.Time.Compare)
		obs := survival.Observation{Time: seconds(ts[0], end) / perUnit}
		for j, t := range ts {
			if (j+1 < len(ts) && ts[j+1].Sub(t) >= opt.Gap) || (j+1 == len(ts) && end.Sub(t) >= opt.Gap) {
				obs = survival.Observation{Time: (seconds(ts[0], t) + gap) / perUnit, Event: true}
				break
			}
		}
		l.Observations[c] = obs
	}
	return l, nil
}

// seconds returns b − a in seconds without the ±292-year limit of
// time.Duration.
func seconds(a, b time.Time) float64 {
	return float64(b.Unix()-a.Unix()) + float64(b.Nanosecond()-a.Nanosecond())/1e9
}

// ByCohort returns the observations grouped by cohort, in the order of
// Labels: groups[i] feeds survival.KaplanMeier for cohort i, and the whole
// slice survival.LogRank. The groups are fresh slices.
func (l *Lifetimes) ByCohort() [][]survival.Observation {
	groups := make([][]survival.Observation, len(l.Labels))
	for i, o := range l.Observations {
		groups[l.Cohort[i]] = append(groups[l.Cohort[i]], o)
	}
	return groups
}
