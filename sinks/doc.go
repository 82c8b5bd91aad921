// Package sinks will hold where results go: the case store (an embedded default and
// PostgreSQL behind one interface, with one conformance suite run against both), the
// archive of originals and the letters. Sinks implement the interfaces the pipeline
// declares and never reach back into the flow. Not built yet (issues 5 and 6).
package sinks
