// Package sinks holds where results go: sinks/store (the case store: an embedded SQLite
// default and PostgreSQL behind one implementation, with one conformance suite run against
// both) and sinks/archive (originals, their OCR text and result records, quarantine). The
// letters come with issue 6. Sinks implement the interfaces the pipeline declares
// (pipeline.Store, pipeline.Archive) and never reach back into the flow.
package sinks
