// Package classify turns OCR'd pages into documents and facts: it separates an input's
// pages into documents, recognises each document's kind and language, and extracts the
// contract's fields (../shared/contract/OUTPUT.md), each with a confidence, the page it
// came from and whether a person should review it.
//
// Everything here is a pure function over what the ocr package read (words, boxes,
// confidences) and what Inspect measured on the page image while it was in memory
// (barcodes, checkboxes, ink): no files, no database, no logging. The page image itself is
// never kept, so memory stays bounded by one page per worker.
//
// The flow, for one input file:
//
//	pages := []classify.Page{classify.Inspect(ocrPage, img), ...} // one per page, in file order
//	res := classify.Analyze(pages)                                  // documents, blank and separator pages
//
// Nothing here is tuned to a particular health plan: letters are read with keywords,
// label-value patterns and the grammars of dates, ids and codes; the regulator's own forms
// (DMHC 20-224, 20-160) are read from their printed labels, in both editions and languages.
package classify
