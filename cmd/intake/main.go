// Command intake is the Help Center's document-intake pipeline. This file only parses the
// command line and wires the packages together; see README.md for the commands.
package main

import (
	"fmt"
	"io"
	"os"
	"syscall"

	"intake/ocr"
)

const usage = `intake: the Help Center's batch document-intake pipeline

Usage:
  intake fixtures --out DIR [--seed N] [--count N]   generate the synthetic test corpus
  intake ocr [--json] [--workers N] FILE...          read PDFs and TIFFs: each page's text, or words with boxes
  intake eval [--json] [--ocr-cache DIR] CORPUS      score separation, kinds and fields against a corpus's truth
  intake process [--json] [--db URL] [--data DIR] PATH...   read files and folders once: cases into the store
  intake run --inbox DIR[,channel=mail|fax][,station=NAME]... [--db URL] [--data DIR]   watch inboxes, process continuously
  intake cases list|show NUMBER|unmatched [--json]    cases, their documents and fields, and what waits for a person
  intake migrate [--db URL] [--data DIR]              apply the store's migrations
  intake ack [--at TIME] [--dry-run] [--json]          make the acknowledgement letters that are due
  intake config check [--config FILE] [flags]         validate the configuration and print what is in force
  intake healthcheck [--url URL]                      exit 0 when the service's /healthz answers
  intake user add [--db URL] [--data DIR] NAME        add a reviewer (password in INTAKE_USER_PASSWORD or on stdin)

Every command that uses the store reads --config FILE (or INTAKE_CONFIG), then the
environment (INTAKE_DATA, INTAKE_DB, INTAKE_DB_PASSWORD, ...), then its flags, each
overriding the one before.
`

func main() {
	// Tesseract's OpenMP runtime must be limited before it loads; this restarts the
	// program with OMP_THREAD_LIMIT=1 when it is unset.
	if err := ocr.SingleThreaded(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	// The data folder holds health information: what intake creates is not for others.
	syscall.Umask(0o027)
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes one command and returns the process exit status: 0 success, 1 failure of
// the work, 2 a usage or configuration error.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "fixtures":
		return cmdFixtures(args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	case "ocr":
		return cmdOCR(args[1:], stdout, stderr)
	case "eval":
		return cmdEval(args[1:], stdout, stderr)
	case "process":
		return cmdProcess(args[1:], stdout, stderr)
	case "run":
		return cmdRun(args[1:], stdout, stderr)
	case "cases":
		return cmdCases(args[1:], stdout, stderr)
	case "migrate":
		return cmdMigrate(args[1:], stdout, stderr)
	case "ack":
		return cmdAck(args[1:], stdout, stderr)
	case "config":
		return cmdConfig(args[1:], stdout, stderr)
	case "healthcheck":
		return cmdHealthcheck(args[1:], stdout, stderr)
	case "user":
		return cmdUser(args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "intake: unknown command %q\n\n%s", args[0], usage)
	return 2
}
