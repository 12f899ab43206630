package flowtest

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"

	"github.com/authflow/authflow/flow"
)

// The invariants of the pure machine, flow.Step, which CheckStep checks
// for one step and the machine model (see TestMachine in this package's
// tests) checks on every step of random sign-ins it drives itself,
// answering the machine's requests as a driver does.
const (
	// InvStepPure: Step writes through none of its inputs. The State, the
	// Event and the Pool, AppClient and User it points to, its
	// parameters, replies and random bytes are deeply equal before and
	// after the step.
	InvStepPure = "Step writes through none of its inputs"
	// InvStepDeterministic: Step is a function of its inputs. The same
	// State and Event (deep copies of them) give a deeply equal Outcome.
	InvStepDeterministic = "the same State and Event give the same Outcome"
	// InvStepTableEdges: a decision's Transitions are declared edges of
	// flow.Transitions, one after another, from the State's phase to the
	// Outcome's next phase (for a retry, back to the State's phase).
	InvStepTableEdges = "a step takes declared edges only, from its phase to its next state's"
	// InvStepNeedAlone: an Outcome with a request (Need) decides nothing:
	// no next state, transitions, challenge, grant, effects or error.
	InvStepNeedAlone = "a step that makes a request decides nothing"
	// InvStepReplayStable: stepping again with the answers to the
	// requests so far takes the same path. With the first k replies of a
	// call, Step asks for exactly the request it asked for with k-1 of
	// them followed by the k-th (so the driver may answer a request once
	// and replay), and a Grant only comes from a Step that had every
	// request it made answered: a pending request is answered before
	// tokens.
	InvStepReplayStable = "a step replayed with the answers so far asks the same requests"
	// InvStepRandomExact: a decision uses every random byte it was given,
	// and asks for none it does not use: with one byte fewer, the same
	// step asks for more (NeedRandom), so a driver that draws exactly what
	// is asked keeps its random stream as it would be with direct reads.
	InvStepRandomExact = "a step uses every random byte it is given and asks for no more"
)

// StepError is an invariant of flow.Step broken by one step.
type StepError struct {
	Invariant string // one of the InvStep constants
	Detail    string
}

func (e *StepError) Error() string { return "flowtest: " + e.Invariant + ": " + e.Detail }

// CheckStep runs flow.Step(s, ev) and checks InvStepPure,
// InvStepDeterministic, InvStepTableEdges and InvStepNeedAlone on that
// one step. It returns the outcome, and a *StepError for the first
// invariant broken. It costs a second Step and deep copies of the inputs.
func CheckStep(s *flow.State, ev *flow.Event) (flow.Outcome, error) {
	return checkStep(s, ev, true)
}

// CheckStepPure is CheckStep without the second Step, and so without
// InvStepDeterministic: for a test that checks many steps and can afford
// the second run on some only.
func CheckStepPure(s *flow.State, ev *flow.Event) (flow.Outcome, error) {
	return checkStep(s, ev, false)
}

func checkStep(s *flow.State, ev *flow.Event, again bool) (flow.Outcome, error) {
	before := snapshot(s, ev)
	o := flow.Step(s, ev)
	if after := snapshot(s, ev); !reflect.DeepEqual(before, after) {
		return o, &StepError{InvStepPure, "Step changed its inputs: " + firstDifference(before, after)}
	}
	if again {
		s2, ev2 := deepCopy(s), deepCopy(ev)
		if o2 := flow.Step(s2, ev2); !reflect.DeepEqual(o, o2) {
			return o, &StepError{InvStepDeterministic, "the same inputs gave another outcome: " + firstDifference(o, o2)}
		}
	}
	if o.Need != nil {
		rest := o
		rest.Need = nil
		if !reflect.DeepEqual(rest, flow.Outcome{}) {
			return o, &StepError{InvStepNeedAlone, "an outcome with a " + o.Need.Kind.String() + " request also decides: " + firstDifference(flow.Outcome{}, rest)}
		}
		return o, nil
	}
	if err := checkEdges(s, o); err != nil {
		return o, &StepError{InvStepTableEdges, err.Error()}
	}
	return o, nil
}

// checkEdges checks a decision's transitions against the table.
func checkEdges(s *flow.State, o flow.Outcome) error {
	from := flow.PhaseStart
	if s != nil {
		from = s.Phase
	}
	if len(o.Transitions) == 0 || o.Next == nil {
		return errors.New("a decision records no transition or no next state")
	}
	declared := map[string]bool{}
	for _, e := range flow.Edges() {
		declared[e.String()] = true
	}
	at := from
	for _, t := range o.Transitions {
		if t.From != at {
			return fmt.Errorf("transition %s starts in %s, not in %s", t, t.From, at)
		}
		if !declared[t.String()] {
			return fmt.Errorf("undeclared transition %s", t)
		}
		at = t.To
	}
	want := at
	if o.Retry {
		want = from
		if at != from {
			return fmt.Errorf("a retry goes %s -> %s, not back to its phase", from, at)
		}
	}
	if o.Next.Phase != want {
		return fmt.Errorf("transitions end in %s, the next state is in %s", at, o.Next.Phase)
	}
	return nil
}

// snapshot deep-copies the inputs of a step.
func snapshot(s *flow.State, ev *flow.Event) any {
	return [2]any{deepCopy(s), deepCopy(ev)}
}

// deepCopy copies v through pointers, slices and maps, so that a write
// anywhere in v's graph shows as a difference. Interface values (errors,
// the SRP port) are copied as they are.
func deepCopy[T any](v T) T {
	rv := reflect.ValueOf(&v).Elem()
	out := reflect.New(rv.Type()).Elem()
	copyValue(out, rv)
	return out.Interface().(T)
}

func copyValue(dst, src reflect.Value) {
	switch src.Kind() {
	case reflect.Pointer:
		if src.IsNil() {
			return
		}
		p := reflect.New(src.Elem().Type())
		copyValue(p.Elem(), src.Elem())
		dst.Set(p)
	case reflect.Slice:
		if src.IsNil() {
			return
		}
		s := reflect.MakeSlice(src.Type(), src.Len(), src.Len())
		for i := range src.Len() {
			copyValue(s.Index(i), src.Index(i))
		}
		dst.Set(s)
	case reflect.Map:
		if src.IsNil() {
			return
		}
		m := reflect.MakeMapWithSize(src.Type(), src.Len())
		for it := src.MapRange(); it.Next(); {
			v := reflect.New(it.Value().Type()).Elem()
			copyValue(v, it.Value())
			m.SetMapIndex(it.Key(), v)
		}
		dst.Set(m)
	case reflect.Struct:
		dst.Set(src) // unexported fields as they are (time.Time's included)
		for i := range src.NumField() {
			if dst.Field(i).CanSet() {
				copyValue(dst.Field(i), src.Field(i))
			}
		}
	case reflect.Array:
		for i := range src.Len() {
			copyValue(dst.Index(i), src.Index(i))
		}
	default:
		dst.Set(src)
	}
}

// firstDifference names where a and b first differ (a path and both
// values), for a readable failure.
func firstDifference(a, b any) string {
	path, va, vb := diff("", reflect.ValueOf(a), reflect.ValueOf(b))
	if path == "" {
		path = "(value)"
	}
	return fmt.Sprintf("%s: %s != %s", path, show(va), show(vb))
}

func show(v reflect.Value) string {
	if !v.IsValid() {
		return "<none>"
	}
	if v.CanInterface() {
		s := fmt.Sprintf("%#v", v.Interface())
		if len(s) > 120 {
			s = s[:120] + "..."
		}
		return s
	}
	return v.String()
}

func diff(path string, a, b reflect.Value) (string, reflect.Value, reflect.Value) {
	if !a.IsValid() || !b.IsValid() || a.Type() != b.Type() {
		return path, a, b
	}
	switch a.Kind() {
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				return path, a, b
			}
			return "", a, b
		}
		return diff(path, a.Elem(), b.Elem())
	case reflect.Struct:
		for i := range a.NumField() {
			if p, x, y := diff(path+"."+a.Type().Field(i).Name, a.Field(i), b.Field(i)); p != "" {
				return p, x, y
			}
		}
		return "", a, b
	case reflect.Slice, reflect.Array:
		if a.Len() != b.Len() {
			return path + ".len", reflect.ValueOf(a.Len()), reflect.ValueOf(b.Len())
		}
		for i := range a.Len() {
			if p, x, y := diff(fmt.Sprintf("%s[%d]", path, i), a.Index(i), b.Index(i)); p != "" {
				return p, x, y
			}
		}
		return "", a, b
	case reflect.Map:
		keys := map[string]reflect.Value{}
		for _, k := range a.MapKeys() {
			keys[fmt.Sprint(k)] = k
		}
		for _, k := range b.MapKeys() {
			keys[fmt.Sprint(k)] = k
		}
		for name, k := range keys {
			if p, x, y := diff(path+"["+strings.TrimSpace(name)+"]", a.MapIndex(k), b.MapIndex(k)); p != "" {
				return p, x, y
			}
		}
		return "", a, b
	}
	if a.CanInterface() && b.CanInterface() {
		if !reflect.DeepEqual(a.Interface(), b.Interface()) {
			return path, a, b
		}
		return "", a, b
	}
	if a.String() != b.String() {
		return path, a, b
	}
	return "", a, b
}

// Drive runs one call through the machine as a driver does: it steps,
// answers each request (random bytes from random, anything else with
// answer), and steps again until the machine decides. Every step is
// checked with CheckStep, and the decision with InvStepReplayStable and
// InvStepRandomExact. ev is the call's event; Drive works on a copy of
// it and returns the event the decision was made with (its Random and
// Replies filled in).
func Drive(s *flow.State, ev flow.Event, random io.Reader, answer func(flow.Request) flow.Reply) (flow.Outcome, flow.Event, error) {
	var asked []flow.Request
	for range 16 {
		o, err := CheckStep(s, &ev)
		if err != nil {
			return o, ev, err
		}
		if o.Need == nil {
			return o, ev, checkDecision(s, ev, o, asked)
		}
		if o.Need.Kind == flow.NeedRandom {
			if o.Need.Random <= 0 {
				return o, ev, &StepError{InvStepRandomExact, "a request for no random bytes"}
			}
			b := make([]byte, o.Need.Random)
			if _, err := io.ReadFull(random, b); err != nil {
				return o, ev, err
			}
			ev.Random = append(slices.Clip(ev.Random), b...)
			continue
		}
		asked = append(asked, *o.Need)
		ev.Replies = append(slices.Clip(ev.Replies), answer(*o.Need))
	}
	return flow.Outcome{}, ev, &StepError{InvStepReplayStable, "the machine kept asking (16 requests)"}
}

// checkDecision checks that a decision needed every answer and byte it
// was given: without the last reply the step asks for it again, the
// earlier replies replay to the same requests, and with a random byte
// fewer it asks for more.
func checkDecision(s *flow.State, ev flow.Event, o flow.Outcome, asked []flow.Request) error {
	for k := range asked {
		e := ev
		e.Replies = ev.Replies[:k]
		got := flow.Step(s, &e)
		if got.Need == nil || !reflect.DeepEqual(*got.Need, asked[k]) {
			return &StepError{InvStepReplayStable, fmt.Sprintf("with %d replies the step does not ask for request %d (%s) again", k, k, asked[k].Kind)}
		}
	}
	if n := len(ev.Random); n > 0 {
		e := ev
		e.Random = ev.Random[:n-1]
		got := flow.Step(s, &e)
		if got.Need == nil || got.Need.Kind != flow.NeedRandom {
			return &StepError{InvStepRandomExact, fmt.Sprintf("the decision was given %d random bytes and decides the same with one fewer", n)}
		}
	}
	if o.Grant && len(asked) > 0 && len(ev.Replies) != len(asked) {
		return &StepError{InvStepReplayStable, "tokens granted with requests unanswered"}
	}
	return nil
}
