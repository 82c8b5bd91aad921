package main

import (
	"sync"
	"time"
)

// A child's peak memory cannot be taken from its resource usage (wait4's ru_maxrss) here:
// Go starts a command with vfork, so until the exec the child runs in the parent's memory,
// and Linux keeps the larger of that memory's high-water mark and the program's own. A
// `/bin/true` started by a process holding 600 MB reports 600 MB. intake-bench holds the
// corpus's page images, so every figure taken that way was intake-bench's, not intake's
// (the 580 MB once reported for a 300-page PDF, against 433 MB sampled from /proc).
// The kernel's VmHWM in /proc/PID/status counts the program's own memory from its exec
// on; it only grows, so sampling it often and keeping the last value misses at most what
// happens in the last interval before the process exits (its shutdown, which frees).

// peakWatch samples a running process's high-water resident set until stopped.
type peakWatch struct {
	mu   sync.Mutex
	hwm  int64 // kB
	stop chan struct{}
	done chan struct{}
}

// watchPeak starts sampling pid's VmHWM every interval.
func watchPeak(pid int, interval time.Duration) *peakWatch {
	w := &peakWatch{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			w.sample(pid)
			select {
			case <-w.stop:
				return
			case <-t.C:
			}
		}
	}()
	return w
}

func (w *peakWatch) sample(pid int) {
	_, hwm := procMem(pid)
	w.mu.Lock()
	w.hwm = max(w.hwm, hwm)
	w.mu.Unlock()
}

// peak is the highest mark seen so far, in kB.
func (w *peakWatch) peak() int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.hwm
}

// end stops sampling and returns the peak in kB. Call it once the process has written its
// last output and before it is waited for, while /proc still has it.
func (w *peakWatch) end() int64 {
	close(w.stop)
	<-w.done
	return w.peak()
}
