// Package storetest is the conformance suite of the case store (package sinks/store): the
// behaviour every backend must show, written once and run against each, as river's
// riverdrivertest is. Run takes a function that opens a Store on a fresh, empty database
// for the test it is given; the suite opens further Stores on the same database with
// Store.Reopen. A failure is a behaviour a user of the store would notice.
package storetest
