package ocr

import (
	"fmt"
	"os"
	"syscall"
)

// SingleThreaded makes sure Tesseract's OpenMP runtime is limited to one thread. OpenMP
// reads OMP_THREAD_LIMIT once, when the process loads it, so setting the variable later
// has no effect: when it is unset, SingleThreaded restarts the running program with it set
// (same arguments, same environment otherwise) and does not return. Call it first thing in
// main or TestMain. With one engine per worker, OpenMP's own threads only compete with the
// other workers: on two cores they made a page several times slower.
func SingleThreaded() error {
	if os.Getenv("OMP_THREAD_LIMIT") != "" {
		return nil
	}
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("ocr: cannot restart with OMP_THREAD_LIMIT=1: %w", err)
	}
	env := append(os.Environ(), "OMP_THREAD_LIMIT=1")
	if err := syscall.Exec(exe, os.Args, env); err != nil {
		return fmt.Errorf("ocr: cannot restart with OMP_THREAD_LIMIT=1: %w", err)
	}
	return nil
}
