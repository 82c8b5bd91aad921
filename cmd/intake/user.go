package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/crypto/bcrypt"
	"golang.org/x/sys/unix"

	"intake/sinks/store"
)

// The review station's users: `intake user add NAME` records a name and a bcrypt hash of
// the password. The password never comes from a flag, which anyone on the machine can
// read: from INTAKE_USER_PASSWORD, else one line of standard input.

const (
	// passwordCost is bcrypt's work factor: some 250 ms a sign-in on this hardware,
	// slow for a guesser with a copy of the database.
	passwordCost = 12
	// minPassword is the shortest password taken. bcrypt reads at most 72 bytes.
	minPassword, maxPassword = 12, 72
)

func cmdUser(args []string, stdout, stderr io.Writer) int {
	return cmdUserIO(args, os.Stdin, stdout, stderr)
}

// cmdUserIO is cmdUser reading the password from stdin when the environment has none.
func cmdUserIO(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	const use = "usage: intake user add [--config FILE] [--db URL] [--data DIR] NAME (the password in INTAKE_USER_PASSWORD or on standard input)"
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprintln(stderr, use)
		return 2
	}
	fl := flag.NewFlagSet("intake user add", flag.ContinueOnError)
	fl.SetOutput(stderr)
	var c common
	if err := c.register(fl, args[1:]); err != nil {
		fmt.Fprintf(stderr, "intake user: %v\n", err)
		return 2
	}
	if err := fl.Parse(args[1:]); err != nil {
		return 2
	}
	if fl.NArg() != 1 || strings.TrimSpace(fl.Arg(0)) == "" {
		fmt.Fprintln(stderr, use)
		return 2
	}
	name := strings.TrimSpace(fl.Arg(0))
	if err := c.ready(false); err != nil {
		fmt.Fprintf(stderr, "intake user: %v\n", err)
		return 2
	}
	password, err := readPassword(stdin, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "intake user: %v\n", err)
		return 2
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), passwordCost)
	if err != nil {
		fmt.Fprintf(stderr, "intake user: %v\n", err)
		return 1
	}
	ctx := context.Background()
	st, err := c.openStore(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "intake user: %v\n", err)
		return 2
	}
	defer st.Close()
	if _, err := st.AddUser(ctx, name, string(hash)); err != nil {
		if errors.Is(err, store.ErrExists) {
			fmt.Fprintf(stderr, "intake user: a user named %q already exists\n", name)
			return 1
		}
		fmt.Fprintf(stderr, "intake user: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "user %s added\n", name)
	return 0
}

// readPassword takes the password from INTAKE_USER_PASSWORD, else the first line of
// stdin (without echo when it is a terminal), and checks its length.
func readPassword(stdin io.Reader, stderr io.Writer) (string, error) {
	p, ok := os.LookupEnv("INTAKE_USER_PASSWORD")
	if !ok {
		var err error
		if p, err = readLine(stdin, stderr); err != nil {
			return "", err
		}
	}
	switch {
	case len(p) < minPassword:
		return "", fmt.Errorf("the password must have at least %d characters", minPassword)
	case len(p) > maxPassword:
		return "", fmt.Errorf("the password must have at most %d bytes (bcrypt reads no more)", maxPassword)
	}
	return p, nil
}

// readLine reads one line from r. On a terminal it asks for it and turns echo off
// meanwhile, so the password does not stay on the screen.
func readLine(r io.Reader, stderr io.Writer) (string, error) {
	if f, ok := r.(*os.File); ok {
		if old, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS); err == nil {
			quiet := *old
			quiet.Lflag &^= unix.ECHO
			if err := unix.IoctlSetTermios(int(f.Fd()), unix.TCSETS, &quiet); err == nil {
				defer func() {
					unix.IoctlSetTermios(int(f.Fd()), unix.TCSETS, old)
					fmt.Fprintln(stderr)
				}()
			}
			fmt.Fprint(stderr, "Password: ")
		}
	}
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		return "", errors.New("no password: set INTAKE_USER_PASSWORD or give it on standard input")
	}
	return strings.TrimRight(line, "\r\n"), nil
}
