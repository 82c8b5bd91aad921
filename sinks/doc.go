// Package sinks holds where results go: sinks/store (the case store: an embedded SQLite
// default and PostgreSQL behind one implementation, with one conformance suite run against
// both), sinks/archive (originals, their OCR text and result records, quarantine) and
// sinks/letters (the acknowledgement letter and its return cover sheet as PDF). Sinks
// implement the interfaces the pipeline declares (pipeline.Store, pipeline.Archive,
// ack.Renderer) and never reach back into the flow.
package sinks
