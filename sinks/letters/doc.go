// Package letters prints the Help Center's letters as PDF files ready for the mailroom.
// Today it makes one letter: the acknowledgement that a submission arrived and which
// case number it has, which the Help Center promises within 5 days of receipt. Which
// cases get one, and recording what was sent, is the caller's (the nightly job's).
//
// # The acknowledgement
//
// RenderAck takes an Ack and returns a two-page PDF for US Letter paper (612 x 792 pt):
//
//  1. The letter: the Help Center's letterhead and contact block, the date, the
//     recipient's name and address where a #10 window envelope shows them, the header
//     every Help Center letter carries ("Patient:", "DMHC#:" with the case number,
//     "Health Plan:"), the date the submission was received, whether it is being
//     reviewed as an Independent Medical Review, as a consumer complaint, or that the
//     Help Center will decide which, the three stages of a case (Intake and
//     Processing; Information Gathering and Review; Determination) with their usual
//     times (urgent 7 days, others 30, an IMR up to 45), how to send more documents
//     (fax, mail, with the return cover sheet on top), and the phone and TDD numbers.
//     An urgent case gets a framed line saying so under the header; the authorized
//     assistant's copy says it is a copy and greets the enrollee.
//  2. The return cover sheet, laid out as the recogniser (package classify) was
//     developed on (fixtures/paperwork.ReturnSheet, style 0): "RETURN COVER SHEET", the
//     line "DMHC# (case number)", the case number in 30 pt Courier-Bold and as a Code
//     128 symbol (1.4 pt modules, 54 pt bars, at least 10 modules of quiet zone each
//     side), then what to do with the sheet, the patient and the health plan. A faxed
//     sheet at 204 x 98 dpi still reads, barcode and print.
//
// Language "es" prints the whole letter in Spanish; the cover sheet keeps "RETURN COVER
// SHEET" and "DMHC# (case number)" under Spanish text, so that it is recognised in both
// languages. Dates are printed as their calendar day in their own location: give them in
// the Help Center's time zone.
//
// The envelope window: 4.5 x 1.125 in, 0.875 in from the left edge of the sheet, its top
// 2.0 to 2.5 in from the top of the folded letter depending on how the letter settles in
// the envelope. The name and up to three address lines are set in 10 pt Helvetica inside
// the window in every position (2.5 to 3.125 in from the top), and nothing else is
// printed where the window may be.
//
// Text is set in the standard Type 1 fonts (Helvetica, Helvetica-Bold, Courier-Bold)
// with WinAnsiEncoding, which every PDF reader has and which holds the Spanish letters
// (á é í ó ú ü ñ ¿ ¡); text extractors read them back as written. The page content is
// written here; pdfcpu assembles and writes the file.
//
// Equal input gives equal bytes: pdfcpu's output is put in object order, dated with
// the letter's date instead of the clock, and given a file identifier computed from its
// content.
//
// # Batches
//
// Merge joins letters (or any PDFs pdfcpu reads) into one print batch, pages in order;
// PageCount counts a PDF's pages.
//
// # Errors
//
// RenderAck refuses, before drawing anything, an Ack it cannot print right: ErrInvalid
// for a missing value, a case number that is not canonical (HC26-000123-5, check digit
// valid), a language other than en and es, an unknown kind, a received date after the
// letter's date, or text the fonts cannot show (a character outside Windows-1252, a
// control character); ErrLayout for an address that does not fit the window (more than
// three lines under the name, a line wider than the window) or a letter that does not
// fit its page even in smaller type. ErrPDF wraps pdfcpu's failures and, from Merge and
// PageCount, input that is not a readable PDF. Error messages name fields, never their
// values: these are a patient's details. Nothing is logged.
//
// The first use tells pdfcpu not to keep a configuration folder under the user's home
// (api.DisableConfigDir, process-wide, as package ocr/raster does). The functions are
// safe for concurrent use.
package letters
