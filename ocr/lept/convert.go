package lept

/*
#include <leptonica/allheaders.h>
*/
import "C"

import (
	"encoding/binary"
	"image"
	"runtime"
	"unsafe"
)

// Gray8 is Gray for an 8 bpp image without a colour map, copying four pixels at a time
// (several times faster on a page); other images go through Gray.
func (x *Pix) Gray8() (*image.Gray, error) {
	w, h, d := x.Size()
	if d != 8 || C.pixGetColormap(x.p) != nil || w == 0 || h == 0 {
		return x.Gray()
	}
	wpl := int(C.pixGetWpl(x.p))
	// Leptonica keeps each row as 32-bit words holding four pixels, the leftmost in the
	// most significant byte, in the machine's byte order.
	data := unsafe.Slice((*byte)(unsafe.Pointer(C.pixGetData(x.p))), 4*wpl*h)
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		src := data[4*wpl*y : 4*wpl*(y+1)]
		dst := img.Pix[y*img.Stride : y*img.Stride+w]
		n := w &^ 3
		for i := 0; i < n; i += 4 {
			binary.BigEndian.PutUint32(dst[i:], binary.NativeEndian.Uint32(src[i:]))
		}
		if n < w {
			var tail [4]byte
			binary.BigEndian.PutUint32(tail[:], binary.NativeEndian.Uint32(src[n:]))
			copy(dst[n:], tail[:])
		}
	}
	runtime.KeepAlive(x)
	return img, nil
}
