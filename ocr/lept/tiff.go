package lept

/*
#cgo pkg-config: lept
#include <stdlib.h>
#include <leptonica/allheaders.h>
*/
import "C"

import (
	"runtime"
	"unsafe"
)

// ReadTIFF decodes image n (0-based) of the TIFF file held in data, through libtiff: every
// compression libtiff knows (CCITT Group 3 1-D and 2-D, Group 4, modified Huffman, LZW,
// Deflate, JPEG, PackBits, none), both fill orders and any resolution. Bilevel images come
// back 1 bit deep with 1 as black, whatever the file's photometric interpretation.
//
// libtiff trusts the file's directory chain and strip tables: callers should check them
// first when the file comes from outside (package raster does).
func ReadTIFF(data []byte, n int) (*Pix, error) {
	if len(data) == 0 || n < 0 {
		return nil, ErrLeptonica
	}
	p := C.pixReadMemTiff((*C.l_uint8)(unsafe.Pointer(&data[0])), C.size_t(len(data)), C.l_int32(n))
	runtime.KeepAlive(data)
	if p == nil {
		return nil, ErrLeptonica
	}
	return wrap(p), nil
}
