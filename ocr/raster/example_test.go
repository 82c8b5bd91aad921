package raster_test

import (
	"bytes"
	"fmt"
	"log"
	"os"

	"intake/ocr/raster"
)

// Open a received fax and decode its pages one at a time.
func Example() {
	doc, err := raster.OpenFile("../../../shared/data/fax-conformance/G32D.TIF", raster.Limits{})
	if err != nil {
		log.Fatal(err) // errors.Is(err, raster.ErrDamaged) and the like say what is wrong with the file
	}
	defer doc.Close()
	fmt.Println(doc.Format(), "with", doc.NumPages(), "page")
	for i := range doc.NumPages() {
		p, err := doc.Page(i)
		if err != nil {
			log.Fatal(err)
		}
		b := p.Image.Bounds()
		fmt.Printf("page %d: %dx%d pixels at %vx%v dpi, %s\n", p.Index+1, b.Dx(), b.Dy(), p.XDPI, p.YDPI, p.Source)
	}
	// Output:
	// tiff with 1 page
	// page 1: 2464x3248 pixels at 300x300 dpi, tiff/g3-2d
}

// Open reads from anything that reads at an offset: a file, or bytes held in memory.
func ExampleOpen() {
	data, err := os.ReadFile("../../../shared/data/fax-conformance/CCITT_1.TIF")
	if err != nil {
		log.Fatal(err)
	}
	doc, err := raster.Open(bytes.NewReader(data), int64(len(data)), raster.Limits{MaxPages: 200})
	if err != nil {
		log.Fatal(err)
	}
	defer doc.Close()
	p, err := doc.Page(0)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.Image.Bounds().Size(), p.XDPI, p.Source)
	// Output: (1728,2376) 200 tiff/g4
}
