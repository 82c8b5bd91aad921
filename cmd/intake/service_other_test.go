//go:build !linux

package main

import "os/exec"

// dieWithTest does nothing where the kernel cannot kill a child with its parent; the
// tests' cleanups still kill every child they started.
func dieWithTest(cmd *exec.Cmd) {}
