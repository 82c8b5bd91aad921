package pipeline

import (
	"testing"
	"time"
)

func TestDue(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, HelpCenterZone)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tt := range []struct {
		received string
		rule     DueRule
		want     string
	}{
		{"2026-11-24 09:30", DueRule{}, "2026-11-29"},
		// Received late in the evening in California: still that day, although UTC is the next.
		{"2026-11-24 23:30", DueRule{}, "2026-11-29"},
		// Business days: Thanksgiving (26th) and the day after are state holidays, then a weekend.
		{"2026-11-24 09:30", DueRule{BusinessDays: true}, "2026-12-03"},
		// Christmas 2022 fell on a Sunday: observed on Monday the 26th.
		{"2022-12-22 10:00", DueRule{BusinessDays: true}, "2022-12-30"},
		// Cesar Chavez Day (March 31, 2027 is a Wednesday).
		{"2027-03-29 10:00", DueRule{BusinessDays: true, Days: 3}, "2027-04-02"},
		{"2026-11-24 09:30", DueRule{Days: 2}, "2026-11-26"},
	} {
		if got := tt.rule.Due(at(tt.received)); got != tt.want {
			t.Errorf("received %s, %+v: due %s, want %s", tt.received, tt.rule, got, tt.want)
		}
	}
	for _, d := range []string{"2026-01-19", "2026-02-12", "2026-02-16", "2026-05-25", "2026-09-07", "2026-09-25", "2026-11-11", "2026-11-27"} {
		day, _ := time.Parse("2006-01-02", d)
		if !IsStateHoliday(day) {
			t.Errorf("%s is a California state holiday", d)
		}
	}
	for _, d := range []string{"2026-11-25", "2026-06-19", "2026-10-12"} {
		day, _ := time.Parse("2006-01-02", d)
		if IsStateHoliday(day) {
			t.Errorf("%s is not a California state holiday", d)
		}
	}
}
