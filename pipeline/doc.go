// Package pipeline owns the flow of a submission: source, stages, sinks.
//
//   - Service watches the inboxes (pipeline/watch), describes each complete file
//     (pipeline/source), claims it by an atomic rename into the inbox's spool, and hands it
//     to the Runner; at start it resumes what an earlier run claimed and did not finish.
//   - Runner runs items on a few workers: a transient failure (store unreachable, disk full)
//     is retried with backoff and jitter, a permanent one (a file that cannot be read, a
//     panic met on one odd file) sends the item to quarantine; one bad file never stops the
//     others. A Job's Done (the file leaves the spool) runs only after the commit.
//   - Processor is one item through every stage: hash, duplicate check, OCR (ReadPages),
//     classify.Analyze, archive, case decisions (match.go) and one store transaction keyed
//     by the item's claim, so committing twice is impossible.
//
// The package declares what it needs from the sinks (Store and Tx, Archive); the records it
// keeps are in pipeline/record. Nothing here logs health information: ids and counts only.
package pipeline
