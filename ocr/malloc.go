package ocr

/*
#include <malloc.h>

static void limit_arenas(void) { mallopt(M_ARENA_MAX, 2); }
static void trim_heap(void) { malloc_trim(0); }
*/
import "C"

// Tesseract and Leptonica allocate with the C library's malloc. glibc gives every thread
// that allocates at the same time as another its own arena, up to eight per core, and
// memory freed in one arena is not reused by another: with engines moving between
// goroutines (and so between OS threads), a long run grew by a few hundred megabytes of
// freed but unreturned memory. Two arenas hold that growth (measured on a 300-page PDF:
// peak RSS at one minute 561 MB with the default, 419 MB with two arenas), and trimming
// after each page hands the freed pages back to the system.
func init() { C.limit_arenas() }

// trimCHeap returns the C heap's free memory to the system.
func trimCHeap() { C.trim_heap() }
