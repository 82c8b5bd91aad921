// Package classify will turn OCR pages into documents: separation, kind, language, fields
// with confidences, and case typing. It holds pure functions over the ocr package's page and
// word types: no files, no database. Not built yet (issue 4).
package classify
