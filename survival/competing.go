package survival

import (
	"sort"

	"github.com/ltvgo/ltv/internal/fault"
)

// CompetingObservation is one subject (or, with Weight, a bundle of
// identical subjects) followed until the first of several kinds of event,
// the competing risks: a customer who churns either by cancelling or by a
// failed payment, say.
//
// Cause is 0 when the subject is censored at Time (still event-free when
// observation ends) and 1, 2, … K for the kind of event that ended
// follow-up at Time (R's Surv(time, factor(status)) with the censoring
// level first). Time, Entry and Weight mean what they mean in an
// Observation: Time finite and ≥ 0, Weight a case weight ≥ 0 (0 means 1),
// Entry a late-entry time before Time. Late entry is taken by
// CauseSpecific (and so by FitCox) and by CumulativeIncidence with its
// default variance; GrayTest, FineGray and FitFineGray need Entry = 0.
type CompetingObservation struct {
	Time   float64
	Cause  int
	Entry  float64
	Weight float64
}

// maxCauses bounds Cause, so that a mistyped code cannot ask for millions
// of curves.
const maxCauses = 1024

// observation returns o as an Observation whose event is any cause.
func (o CompetingObservation) observation() Observation {
	return Observation{Time: o.Time, Event: o.Cause != 0, Entry: o.Entry, Weight: o.Weight}
}

// CauseSpecific returns obs as Observations for the cause-specific hazard
// of cause: Event is true for the rows that end with that cause, and the
// other causes are censorings. FitCox on them fits the cause-specific Cox
// model (R's coxph(Surv(time, status == cause) ~ x)); KaplanMeier on them
// estimates 1 − the cause's "net" risk, which is not the cumulative
// incidence when the other causes are not independent of it (use
// CumulativeIncidence for that). Entry and Weight are kept.
//
// CauseSpecific neither modifies nor keeps obs. Errors: a *DataError
// wrapping ErrInvalid for cause < 1 (Field "cause") or for a row whose Cause
// is negative or above 1024; the other fields are checked by the function
// the rows are passed to.
func CauseSpecific(obs []CompetingObservation, cause int) ([]Observation, error) {
	const fn = "survival.CauseSpecific"
	if err := checkCause(fn, cause); err != nil {
		return nil, err
	}
	if _, err := checkCauses(fn, -1, obs, true); err != nil {
		return nil, err
	}
	out := make([]Observation, len(obs))
	for i, o := range obs {
		out[i] = Observation{Time: o.Time, Event: o.Cause == cause, Entry: o.Entry, Weight: o.Weight}
	}
	return out, nil
}

// checkCause checks the cause-of-interest argument of function fn.
func checkCause(fn string, cause int) error {
	if cause < 1 || cause > maxCauses {
		return fault.New(fn, -1, "cause", ErrInvalid, "is %d, want 1 … %d", cause, maxCauses)
	}
	return nil
}

// checkCauses checks the Cause (and, unless lateEntry, that Entry is 0) of
// every row of obs (group group, −1 for none) and returns the largest
// cause.
func checkCauses(fn string, group int, obs []CompetingObservation, lateEntry bool) (int, error) {
	k := 0
	for i, o := range obs {
		switch {
		case o.Cause < 0 || o.Cause > maxCauses:
			return 0, fault.NewInGroup(fn, group, i, "Cause", ErrInvalid, "is %d, want 0 (censored) … %d", o.Cause, maxCauses)
		case !lateEntry && o.Entry != 0:
			return 0, fault.NewInGroup(fn, group, i, "Entry", ErrInvalid,
				"is %g: late entry is not supported here (Entry must be 0)", o.Entry)
		}
		k = max(k, o.Cause)
	}
	return k, nil
}

// competingTable validates obs and builds the life table of "any event":
// the distinct exit times with n_j, d_j, c_j and n_j − d_j, merged as
// opt.ExactTimes says. rows[i] is the table row of obs[i].
func competingTable(fn string, obs []CompetingObservation, exact bool) (table, []int, error) {
	all := make([]Observation, len(obs))
	for i, o := range obs {
		all[i] = o.observation()
	}
	_, t, err := buildTable(fn, all, &Options{ExactTimes: exact})
	if err != nil {
		return table{}, nil, err
	}
	return t, exitRows(t.time, obs), nil
}

// exitRows returns the table row of each observation: the last row whose
// (merged) time is ≤ its Time. A merged run's time is its smallest member,
// so this is the run the exit belongs to.
func exitRows(times []float64, obs []CompetingObservation) []int {
	rows := make([]int, len(obs))
	for i, o := range obs {
		rows[i] = sort.Search(len(times), func(j int) bool { return times[j] > o.Time }) - 1
	}
	return rows
}
