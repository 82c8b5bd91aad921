// Package source says what is known about an input file before it is read: the channel it
// came by (mail or fax), the scanning station, when the Help Center received it and how
// that is known, and the fax server's metadata.
//
// Describe looks, in this order of trust, at:
//
//   - a fax sidecar beside the file (NAME.tif.json, then NAME.json): received_at (RFC 3339),
//     caller_number, called_number, csid, pages and status ("ok" or "partial"); every key is
//     optional and unknown keys are kept in Fax.Extra. A sidecar that is not a JSON object
//     is ignored and reported in Meta.SidecarError (a sentence that quotes nothing from the
//     file); a key of the wrong type is dropped and reported the same way;
//   - HylaFAX-style TIFF tags of the first page, found by the file's magic bytes, not its
//     name: ImageDescription (270) is the sender's station id (CSID), DateTime (306) the
//     receive time in the Help Center's local time. Only the header, the first directory and
//     those two values are read (a few KB at most); a damaged TIFF gives no tags, never an
//     error or a panic;
//   - the file name: a fax server's YYYYMMDD-HHMMSS-CALLER[-CALLED].tif|pdf, or a scanning
//     station's scan-STATION-YYYYMMDD-HHMMSS-NNN.pdf, both in local time;
//   - the file's modification time.
//
// The received time is never the time of processing. Each fax value comes from the most
// trusted place that has it. Phone numbers are digits only, North-American ones as 10
// digits (a leading 1 dropped), others with their "+". The channel and station come from the inbox (Hints) when it says, else the
// channel is fax when there is fax metadata and mail otherwise, and the station is the
// one in a scanning station's file name. Times written without a zone are read in the
// Help Center's zone, America/Los_Angeles unless told otherwise.
//
// Describe fails only when the file itself cannot be looked at: it is missing, unreadable
// or not a regular file (a FIFO or device is never opened for reading in a way that
// blocks). Nothing here logs, and nothing holds state between calls.
package source
