package scheduler_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/issuersim/issuersim/fixtures"
	"github.com/issuersim/issuersim/sim/clock"
	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/fake"
	"github.com/issuersim/issuersim/sim/job"
	"github.com/issuersim/issuersim/sim/org"
	"github.com/issuersim/issuersim/sim/scheduler"
	"github.com/issuersim/issuersim/sim/store"
	"github.com/issuersim/issuersim/sim/store/memory"
)

var start = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// world is a scheduler bound to a memory store over the default fixtures.
type world struct {
	sched  *scheduler.Scheduler
	store  *memory.Store
	clocks *clock.Tenants
	a, b   string
}

func newWorld(t *testing.T, base clock.Clock) *world {
	t.Helper()
	src := fake.New(1)
	d, err := org.Parse(fixtures.Default, src)
	if err != nil {
		t.Fatal(err)
	}
	w := &world{clocks: clock.NewTenants(base), a: d.Orgs[0].ID, b: d.Orgs[1].ID}
	w.sched = scheduler.New(w.clocks, nil)
	w.store, err = memory.New(d, memory.Options{Sealer: event.NewSealer(src, nil), Observers: []store.Observer{w.sched}})
	if err != nil {
		t.Fatal(err)
	}
	w.sched.Bind(w.store)
	return w
}

// schedule writes jobs of a tenant in one command with the given correlation id.
func (w *world) schedule(t *testing.T, tenant, cid string, jobs ...job.Job) {
	t.Helper()
	meta := store.Meta{Tenant: tenant, CID: cid, Time: w.clocks.For(tenant).Now()}
	err := w.store.Update(context.Background(), meta, func(tx store.Tx) error {
		for _, j := range jobs {
			if _, err := tx.Schedule(j); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func names(ran []scheduler.Ran) []string {
	var out []string
	for _, r := range ran {
		out = append(out, r.Job.Subject.ID)
	}
	return out
}

// TestAdvanceRunsDueJobsInOrderAndTheJobsTheySchedule proves an advance runs exactly the jobs due by its end,
// by due time then scheduling order, including jobs a job schedules that fall due within it, and that each
// job runs with its tenant's time and the correlation id of the command that caused it.
func TestAdvanceRunsDueJobsInOrderAndTheJobsTheySchedule(t *testing.T) {
	w := newWorld(t, clock.NewVirtual(start))
	type seen struct {
		subject string
		at      time.Time
		cid     string
	}
	var got []seen
	w.sched.Register("test.record", func(_ context.Context, tx store.Tx, j job.Job) error {
		got = append(got, seen{j.Subject.ID, tx.Meta().Time, tx.Meta().CID})
		if j.Subject.ID == "chain" { // schedules a follow-up a minute later
			_, err := tx.Schedule(job.Job{Kind: "test.record", Subject: event.Subject{Kind: "t", ID: "follow-up"}, Due: tx.Meta().Time.Add(time.Minute)})
			return err
		}
		return nil
	})
	at := func(d time.Duration) time.Time { return start.Add(d) }
	w.schedule(t, w.a, "cid-a",
		job.Job{Kind: "test.record", Subject: event.Subject{Kind: "t", ID: "late"}, Due: at(3 * time.Hour)},
		job.Job{Kind: "test.record", Subject: event.Subject{Kind: "t", ID: "second"}, Due: at(2 * time.Minute)},
		job.Job{Kind: "test.record", Subject: event.Subject{Kind: "t", ID: "chain"}, Due: at(time.Minute)},
		job.Job{Kind: "test.record", Subject: event.Subject{Kind: "t", ID: "second-too"}, Due: at(2 * time.Minute)},
	)
	now, ran, err := w.sched.Advance(w.a, time.Hour)
	if err != nil || !now.Equal(at(time.Hour)) {
		t.Fatalf("Advance = %v, %v", now, err)
	}
	// follow-up falls due at 2m like second and second-too, but was scheduled after them (while chain ran), so
	// it runs after them: ties go by scheduling order.
	if want := []string{"chain", "second", "second-too", "follow-up"}; !slices.Equal(names(ran), want) {
		t.Fatalf("ran %v, want %v", names(ran), want)
	}
	for _, s := range got {
		if s.cid != "cid-a" {
			t.Errorf("job %s ran with cid %q, want the causing command's", s.subject, s.cid)
		}
	}
	if !got[0].at.Equal(at(time.Minute)) || !got[len(got)-1].at.Equal(at(2*time.Minute)) {
		t.Errorf("jobs ran at %+v, want their due times", got)
	}
	pending, _ := w.store.Jobs(context.Background(), w.a)
	if len(pending) != 1 || pending[0].Subject.ID != "late" {
		t.Errorf("pending after the advance: %+v, want the late job", pending)
	}
}

// TestAdvanceIsPerTenant proves advancing one tenant runs none of another's jobs.
func TestAdvanceIsPerTenant(t *testing.T) {
	w := newWorld(t, clock.NewVirtual(start))
	var ran []string
	w.sched.Register("test.record", func(_ context.Context, tx store.Tx, j job.Job) error {
		ran = append(ran, tx.Meta().Tenant)
		return nil
	})
	w.schedule(t, w.a, "", job.Job{Kind: "test.record", Due: start.Add(time.Minute)})
	w.schedule(t, w.b, "", job.Job{Kind: "test.record", Due: start.Add(time.Minute)})
	w.sched.Advance(w.a, time.Hour)
	if !slices.Equal(ran, []string{w.a}) {
		t.Fatalf("advancing A ran jobs of %v", ran)
	}
	w.sched.Advance(w.b, time.Minute)
	if !slices.Equal(ran, []string{w.a, w.b}) {
		t.Fatalf("advancing B ran jobs of %v", ran)
	}
}

// TestAFailedJobStaysVisible proves a failing handler rolls its work back, and the job stays listed as
// failed with the error, is reported by the advance, and never runs again; a job of an unregistered kind
// fails the same way.
func TestAFailedJobStaysVisible(t *testing.T) {
	w := newWorld(t, clock.NewVirtual(start))
	runs := 0
	w.sched.Register("test.fail", func(_ context.Context, tx store.Tx, j job.Job) error {
		runs++
		if _, err := tx.Schedule(job.Job{Kind: "test.fail", Due: start}); err != nil { // rolled back with the failure
			return err
		}
		return errors.New("the receiver is gone")
	})
	w.schedule(t, w.a, "", job.Job{Kind: "test.fail", Due: start.Add(time.Second), Data: json.RawMessage(`{"n":1}`)},
		job.Job{Kind: "test.unknown", Due: start.Add(2 * time.Second)})
	_, ran, _ := w.sched.Advance(w.a, time.Minute)
	if len(ran) != 2 || ran[0].Err == nil || !strings.Contains(ran[0].Err.Error(), "the receiver is gone") ||
		!errors.Is(ran[1].Err, scheduler.ErrUnknownKind) {
		t.Fatalf("ran %+v, want both failed", ran)
	}
	jobs, _ := w.store.Jobs(context.Background(), w.a)
	if len(jobs) != 2 || jobs[0].Error == "" || jobs[1].Error == "" || string(jobs[0].Data) != `{"n":1}` {
		t.Fatalf("jobs after the failures: %+v, want both listed as failed, and nothing the failed run scheduled", jobs)
	}
	w.sched.Advance(w.a, 24*time.Hour)
	if runs != 1 {
		t.Fatalf("the failed job ran %d times", runs)
	}
}

// TestCancelledJobDoesNotRun proves a job cancelled before it falls due is skipped and not reported.
func TestCancelledJobDoesNotRun(t *testing.T) {
	w := newWorld(t, clock.NewVirtual(start))
	w.sched.Register("test.never", func(context.Context, store.Tx, job.Job) error {
		t.Error("a cancelled job ran")
		return nil
	})
	subject := event.Subject{Kind: "t", ID: "x"}
	w.schedule(t, w.a, "", job.Job{Kind: "test.never", Subject: subject, Due: start.Add(time.Minute)})
	err := w.store.Update(context.Background(), store.Meta{Tenant: w.a}, func(tx store.Tx) error {
		_, err := tx.CancelJobs("test.never", subject)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, ran, _ := w.sched.Advance(w.a, time.Hour); len(ran) != 0 {
		t.Fatalf("ran %+v", ran)
	}
}

// TestRealClockRunsJobsOnRealTime proves jobs run without an advance on the real clock, which cannot be
// advanced.
func TestRealClockRunsJobsOnRealTime(t *testing.T) {
	w := newWorld(t, clock.Real{})
	done := make(chan string, 1)
	w.sched.Register("test.now", func(_ context.Context, tx store.Tx, j job.Job) error {
		done <- tx.Meta().CID
		return nil
	})
	w.schedule(t, w.a, "cid-real", job.Job{Kind: "test.now", Due: time.Now()})
	select {
	case cid := <-done:
		if cid != "cid-real" {
			t.Errorf("cid %q", cid)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a due job did not run on the real clock")
	}
	if _, _, err := w.sched.Advance(w.a, time.Hour); !errors.Is(err, scheduler.ErrRealClock) {
		t.Errorf("Advance on the real clock: %v", err)
	}
}

// TestRegisterTwicePanics guards against two domains claiming one kind.
func TestRegisterTwicePanics(t *testing.T) {
	w := newWorld(t, clock.NewVirtual(start))
	h := func(context.Context, store.Tx, job.Job) error { return nil }
	w.sched.Register("test.kind", h)
	defer func() {
		if recover() == nil {
			t.Fatal("registering a kind twice did not panic")
		}
	}()
	w.sched.Register("test.kind", h)
}
