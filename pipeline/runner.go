package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime/debug"
	"sync"
	"time"
)

// Job is an item and its acknowledgement: Done is called once the item's outcome is
// committed, and only then may the file leave the spool (or the inbox).
type Job struct {
	Item Item
	Done func() error
}

// Runner runs jobs on a few workers, retrying transient failures with backoff and jitter
// and sending inputs that cannot be processed to quarantine. One bad file never stops the
// others.
type Runner struct {
	Processor *Processor
	// Workers is how many files are processed at once (default 2). Pages of each file
	// share the Processor's OCR pool.
	Workers int
	// MinBackoff and MaxBackoff bound the wait between retries (defaults 1 s and 2 min).
	MinBackoff, MaxBackoff time.Duration
	// Outcome, when set, is called after each committed outcome (from several goroutines).
	Outcome func(Item, *Outcome)
	// Refused, when set, tells the errors of a store that refuses what it was given (a
	// value it cannot hold, a constraint broken): an input that fails so refusedAfter times
	// in a row goes to quarantine instead of blocking its worker for ever. Every other
	// failure (the store away, the disk full) is retried until it passes.
	Refused func(error) bool
	Log     *slog.Logger
}

// refusedAfter is how many times in a row the store may refuse an input before it is
// quarantined.
const refusedAfter = 3

// Run processes jobs until the channel is closed and every job is finished, or ctx ends
// (jobs in flight are then abandoned uncommitted: they stay in the spool and resume).
func (r *Runner) Run(ctx context.Context, jobs <-chan Job) {
	n := r.Workers
	if n < 1 {
		n = 2
	}
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-ctx.Done():
					return
				case j, ok := <-jobs:
					if !ok {
						return
					}
					r.one(ctx, j)
				}
			}
		}()
	}
	wg.Wait()
}

func (r *Runner) one(ctx context.Context, j Job) {
	log := r.log().With("claim", j.Item.ClaimID)
	wait := r.MinBackoff
	if wait <= 0 {
		wait = time.Second
	}
	maxWait := r.MaxBackoff
	if maxWait <= 0 {
		maxWait = 2 * time.Minute
	}
	for attempt := 1; ; attempt++ {
		o, err := r.safely(ctx, j.Item)
		var perm *Permanent
		switch {
		case errors.As(err, &perm):
			o, err = r.Processor.Quarantine(ctx, j.Item, perm.Reason)
		case err != nil && ctx.Err() == nil && attempt >= refusedAfter && r.Refused != nil && r.Refused(err):
			log.Error("the store refuses the input; it goes to quarantine", "attempts", attempt, "error", err)
			o, err = r.Processor.Quarantine(ctx, j.Item, "The file could not be recorded because of an internal error; it has been kept for the operators.")
		}
		if err == nil {
			if j.Done != nil {
				if derr := j.Done(); derr != nil {
					// Committed, but the file could not leave the spool: the next start
					// finds the claim committed and only finishes the clean-up.
					log.Error("committed but could not remove the file from the spool", "error", derr)
				}
			}
			if r.Outcome != nil {
				r.Outcome(j.Item, o)
			}
			return
		}
		if ctx.Err() != nil {
			return
		}
		log.Warn("waiting to retry", "attempt", attempt, "retry_in", wait.Round(time.Millisecond).String(), "error", err)
		jitter := time.Duration(rand.Int64N(int64(wait)/2 + 1))
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait/2 + jitter):
		}
		wait = min(wait*2, maxWait)
	}
}

// safely runs Process, turning a panic (a bug met by one odd file) into a permanent failure
// so the file is quarantined rather than crashing the service again at every restart.
func (r *Runner) safely(ctx context.Context, it Item) (o *Outcome, err error) {
	defer func() {
		if v := recover(); v != nil {
			r.log().Error("processing panicked", "claim", it.ClaimID, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			o, err = nil, &Permanent{Reason: "The file could not be processed because of an internal error; it has been kept for the operators."}
		}
	}()
	return r.Processor.Process(ctx, it)
}

func (r *Runner) log() *slog.Logger {
	if r.Log != nil {
		return r.Log
	}
	return slog.New(slog.DiscardHandler)
}
