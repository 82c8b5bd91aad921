// Package pipeline owns the flow of a submission: source, stages, sinks. It will hold the
// document and job types, the stage contract (Process(ctx, doc) ([]doc, error): several
// results mean a split, an error marks the document without stopping the run), the worker
// pool, the watcher, retries, quarantine and the schedule, and it declares the small
// interfaces it needs from the store and the other sinks.
//
// Today it holds only casenum (case numbers); the flow comes with issue 5.
package pipeline
