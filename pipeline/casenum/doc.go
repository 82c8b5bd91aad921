// Package casenum formats and checks Help Center case numbers.
//
// A case number reads HC26-000123-5: "HC" (Help Center), the two-digit year the case was
// opened, a six-digit serial within that year, and a Luhn check digit over the year and
// serial. The check digit lets a reader of a faxed return sheet tell a misread number from
// a real one. Parse accepts the forms people and OCR produce (spaces, missing hyphens,
// lower case, O for 0) and rejects anything whose check digit does not hold.
package casenum
