package main

import (
	"os/exec"
	"syscall"
)

// dieWithTest has the kernel kill the child when the test process dies before its
// cleanups run (a -timeout panic, a kill): no intake is left running behind a test.
func dieWithTest(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
