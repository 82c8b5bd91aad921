package ocr_test

import (
	"context"
	"fmt"
	"image"

	"intake/ocr"
	"intake/ocr/ocrtest"
	"intake/ocr/raster"
)

// A pool reads pages on its engines; here a fake engine stands in for Tesseract, as in
// the tests of the packages above ocr (leave NewEngine out for Tesseract).
func ExamplePool() {
	pool, err := ocr.NewPool(ocr.PoolOptions{
		Workers:   2,
		NewEngine: ocrtest.Factory(ocrtest.Text("INDEPENDENT MEDICAL REVIEW\nApplication/Complaint Form")),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer pool.Close()

	// A fax page at normal resolution: 1728 dots across, 98 lines to the inch.
	img := image.NewGray(image.Rect(0, 0, 1728, 1078))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	page, err := pool.Recognize(context.Background(), &raster.Page{Image: img, XDPI: 204, YDPI: 98})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%dx%d pixels at %.0f dpi\n", page.Width, page.Height, page.DPI)
	for _, l := range page.Lines {
		fmt.Printf("%q at %.2f,%.2f\n", l.Text, l.Norm.X0, l.Norm.Y0)
	}
	// Output:
	// 1728x2244 pixels at 204 dpi
	// "INDEPENDENT MEDICAL REVIEW" at 0.10,0.10
	// "Application/Complaint Form" at 0.10,0.11
}
