package pipeline

import "time"

// DueRule says how the acknowledgement's due date is counted from the day of receipt.
type DueRule struct {
	Days int // default 5
	// BusinessDays counts only weekdays that are not California state holidays; the
	// default counts calendar days.
	BusinessDays bool
}

// Due is the date (YYYY-MM-DD, Help Center time) by which a case received at received must
// be acknowledged.
func (r DueRule) Due(received time.Time) string {
	days := r.Days
	if days <= 0 {
		days = ackDays
	}
	d := received.In(HelpCenterZone)
	day := time.Date(d.Year(), d.Month(), d.Day(), 12, 0, 0, 0, time.UTC)
	if !r.BusinessDays {
		return day.AddDate(0, 0, days).Format("2006-01-02")
	}
	for n := 0; n < days; {
		day = day.AddDate(0, 0, 1)
		if IsBusinessDay(day) {
			n++
		}
	}
	return day.Format("2006-01-02")
}

// IsBusinessDay: a weekday that is not a California state holiday.
func IsBusinessDay(day time.Time) bool {
	if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	return !IsStateHoliday(day)
}

// IsStateHoliday tells whether the date is a holiday observed by California state offices
// (Government Code 6700): New Year's Day, Martin Luther King Jr. Day, Lincoln's Birthday,
// Washington's Birthday, Cesar Chavez Day, Memorial Day, Independence Day, Labor Day,
// Native American Day, Veterans Day, Thanksgiving and the day after, and Christmas. A
// holiday on a Sunday is observed on the Monday after; one on a Saturday is not moved.
func IsStateHoliday(day time.Time) bool {
	y, m, d := day.Date()
	date := time.Date(y, m, d, 12, 0, 0, 0, time.UTC)
	for _, h := range stateHolidays(y) {
		if h.Equal(date) {
			return true
		}
	}
	return false
}

func stateHolidays(y int) []time.Time {
	fixed := func(m time.Month, d int) time.Time {
		t := time.Date(y, m, d, 12, 0, 0, 0, time.UTC)
		if t.Weekday() == time.Sunday {
			t = t.AddDate(0, 0, 1)
		}
		return t
	}
	// nth weekday of a month (n = -1: the last).
	nth := func(m time.Month, wd time.Weekday, n int) time.Time {
		if n < 0 {
			t := time.Date(y, m+1, 1, 12, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
			for t.Weekday() != wd {
				t = t.AddDate(0, 0, -1)
			}
			return t
		}
		t := time.Date(y, m, 1, 12, 0, 0, 0, time.UTC)
		for t.Weekday() != wd {
			t = t.AddDate(0, 0, 1)
		}
		return t.AddDate(0, 0, 7*(n-1))
	}
	thanksgiving := nth(time.November, time.Thursday, 4)
	return []time.Time{
		fixed(time.January, 1),
		nth(time.January, time.Monday, 3),
		fixed(time.February, 12),
		nth(time.February, time.Monday, 3),
		fixed(time.March, 31),
		nth(time.May, time.Monday, -1),
		fixed(time.July, 4),
		nth(time.September, time.Monday, 1),
		nth(time.September, time.Friday, 4),
		fixed(time.November, 11),
		thanksgiving,
		thanksgiving.AddDate(0, 0, 1),
		fixed(time.December, 25),
	}
}
