package main

import (
	"fmt"
	"image/png"
	"math/rand/v2"
	"os"
	"time"

	"intake/fixtures/device"
	"intake/fixtures/paperwork"
)

func main() {
	r := rand.New(rand.NewPCG(7, 9))
	c := paperwork.NewCase(r, 1, paperwork.Scenario{})
	d := paperwork.IMRForm(r, c, paperwork.FormOptions{})
	for _, cond := range device.Conditions {
		e := device.RandomEffects(r, cond)
		e.Skew = 2.5
		e.Streak = true
		e.Dropouts = cond.Fax()
		t0 := time.Now()
		img := device.Scan(r, d.Pages[0], cond, e, "NOV 24 2026 09:30  FROM: 9165550142  P.02/06")
		fmt.Println(cond, img.Bounds(), time.Since(t0))
		f, _ := os.Create(fmt.Sprintf("/tmp/pv/%s.png", cond))
		png.Encode(f, img)
		f.Close()
	}
}
