//! Time of week and weekly schedules: the time layer that conditional access rules use.
//!
//! Owns: [`WeekTime`] (seconds since Monday 00:00, local time), [`Schedule`] (a set of weekly
//! intervals) and the parser for the subset of OSM `opening_hours` syntax that appears in
//! `*:conditional` tags (`Mo-Fr 07:00-09:00,17:00-19:30; Sa 08:00-12:00`, `19:00-06:00`).
//! Must never: know about roads or vehicles.
//! Invariants: a schedule's intervals are sorted, disjoint, non-empty, and lie in `0..WEEK`;
//! an interval that crosses midnight (or the end of Sunday) is split so that each lies within
//! the week. Intervals are half-open `[start, end)`.

use std::fmt;

/// Seconds in a day.
pub const DAY: u32 = 24 * 3600;
/// Seconds in a week.
pub const WEEK: u32 = 7 * DAY;

/// A moment in the week: seconds since Monday 00:00 local time, in `0..WEEK`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WeekTime(u32);

impl WeekTime {
    /// Monday 00:00.
    pub const MONDAY_MIDNIGHT: WeekTime = WeekTime(0);

    /// A moment from seconds since Monday 00:00 (wrapped into the week).
    pub fn from_seconds(seconds: u32) -> WeekTime {
        WeekTime(seconds % WEEK)
    }

    /// A moment on `day` (0 = Monday) at `seconds` after midnight.
    pub fn on_day(day: u8, seconds_of_day: u32) -> WeekTime {
        WeekTime::from_seconds(u32::from(day % 7) * DAY + seconds_of_day)
    }

    /// Seconds since Monday 00:00.
    pub fn seconds(self) -> u32 {
        self.0
    }

    /// Day of week, 0 = Monday.
    pub fn weekday(self) -> u8 {
        (self.0 / DAY) as u8
    }

    /// Seconds since this day's midnight.
    pub fn seconds_of_day(self) -> u32 {
        self.0 % DAY
    }

    /// Parse `HH:MM`, `HH:MM:SS`, optionally preceded by a weekday (`Tu 08:30`). Without a
    /// weekday the day is Monday.
    pub fn parse(text: &str) -> Result<WeekTime, TimeError> {
        let text = text.trim();
        let (day, clock) = match text.split_once(char::is_whitespace) {
            Some((d, rest)) => (
                parse_weekday(d).ok_or_else(|| {
                    TimeError::new(text, "unknown weekday (use Mo, Tu, We, Th, Fr, Sa, Su)")
                })?,
                rest.trim(),
            ),
            None => (0, text),
        };
        let seconds = parse_clock(clock, false).map_err(|why| TimeError::new(text, why))?;
        Ok(WeekTime::on_day(day, seconds))
    }
}

impl fmt::Display for WeekTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.seconds_of_day();
        write!(
            f,
            "{} {:02}:{:02}:{:02}",
            WEEKDAYS[self.weekday() as usize],
            s / 3600,
            s / 60 % 60,
            s % 60
        )
    }
}

const WEEKDAYS: [&str; 7] = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];

fn parse_weekday(text: &str) -> Option<u8> {
    WEEKDAYS
        .iter()
        .position(|d| d.eq_ignore_ascii_case(text))
        .map(|d| d as u8)
}

/// `HH:MM` or `HH:MM:SS` to seconds after midnight. `allow_past_midnight` accepts hours up to 48
/// (opening_hours writes `22:00-26:00`); otherwise up to `24:00`.
fn parse_clock(text: &str, allow_past_midnight: bool) -> Result<u32, &'static str> {
    let mut parts = text.split(':');
    let hours: u32 = parts
        .next()
        .and_then(|h| h.trim().parse().ok())
        .ok_or("expected HH:MM")?;
    let minutes: u32 = parts
        .next()
        .and_then(|m| m.trim().parse().ok())
        .ok_or("expected HH:MM")?;
    let seconds: u32 = match parts.next() {
        Some(s) => s.trim().parse().map_err(|_| "expected HH:MM:SS")?,
        None => 0,
    };
    if parts.next().is_some() || minutes > 59 || seconds > 59 {
        return Err("expected HH:MM with minutes 00-59");
    }
    // In u64: any u32 hour count fits, so a huge hour is out of range, never an overflow.
    let total = u64::from(hours) * 3600 + u64::from(minutes * 60 + seconds);
    let limit = if allow_past_midnight { 2 * DAY } else { DAY };
    if total > u64::from(limit)
        || (!allow_past_midnight && total == u64::from(DAY) && text.trim() != "24:00")
    {
        return Err("hour out of range (00:00-24:00)");
    }
    Ok(total as u32)
}

/// A time string that could not be read, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot read time `{text}`: {why}")]
pub struct TimeError {
    /// The text as given.
    pub text: String,
    /// What was expected.
    pub why: String,
}

impl TimeError {
    fn new(text: &str, why: &str) -> TimeError {
        TimeError {
            text: text.to_string(),
            why: why.to_string(),
        }
    }
}

/// A set of weekly intervals (for example the hours a conditional rule applies).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct Schedule {
    intervals: Vec<(u32, u32)>,
}

impl Schedule {
    /// The whole week.
    pub fn always() -> Schedule {
        Schedule {
            intervals: vec![(0, WEEK)],
        }
    }

    /// Build from arbitrary `[start, end)` second ranges relative to Monday 00:00; ranges may
    /// extend past the end of the week (they wrap) and may overlap (they merge).
    pub fn from_ranges(ranges: impl IntoIterator<Item = (u32, u32)>) -> Schedule {
        let mut pieces = Vec::new();
        for (start, end) in ranges {
            if end <= start {
                continue;
            }
            if end - start >= WEEK {
                return Schedule::always();
            }
            let (s, e) = (start % WEEK, start % WEEK + (end - start));
            if e <= WEEK {
                pieces.push((s, e));
            } else {
                pieces.push((s, WEEK));
                pieces.push((0, e - WEEK));
            }
        }
        pieces.sort_unstable();
        let mut merged: Vec<(u32, u32)> = Vec::with_capacity(pieces.len());
        for (s, e) in pieces {
            match merged.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        Schedule { intervals: merged }
    }

    /// Does the schedule contain this moment?
    pub fn contains(&self, t: WeekTime) -> bool {
        let s = t.seconds();
        // Intervals are sorted and disjoint: find the last interval starting at or before `s`.
        let idx = self.intervals.partition_point(|&(start, _)| start <= s);
        idx > 0 && s < self.intervals[idx - 1].1
    }

    /// True when the schedule never applies.
    pub fn is_empty(&self) -> bool {
        self.intervals.is_empty()
    }

    /// The sorted, disjoint `[start, end)` intervals in seconds since Monday 00:00.
    pub fn intervals(&self) -> &[(u32, u32)] {
        &self.intervals
    }

    /// Every moment at which the schedule switches on or off (within `0..WEEK`).
    pub fn boundaries(&self) -> impl Iterator<Item = u32> + '_ {
        self.intervals
            .iter()
            .flat_map(|&(s, e)| [s, e])
            .filter(|&b| b < WEEK)
    }

    /// Parse the opening_hours subset used in conditional tags: rules separated by `;`, each an
    /// optional weekday selector (`Mo-Fr`, `Sa,Su`, `Mo-We,Fr`) and optional comma-separated
    /// time ranges (`07:00-09:00,17:00-19:30`); a range whose end is before its start runs past
    /// midnight into the next day. `24/7` is the whole week. Public holidays (`PH`) are not
    /// modelled: a rule selecting only `PH` never applies.
    pub fn parse(text: &str) -> Result<Schedule, TimeError> {
        let trimmed = text.trim();
        if trimmed == "24/7" {
            return Ok(Schedule::always());
        }
        let mut ranges = Vec::new();
        for rule in trimmed.split(';').map(str::trim).filter(|r| !r.is_empty()) {
            ranges.extend(parse_rule(rule).map_err(|why| TimeError::new(text, &why))?);
        }
        if ranges.is_empty() && !trimmed.is_empty() {
            return Err(TimeError::new(text, "no weekday or time range found"));
        }
        Ok(Schedule::from_ranges(ranges))
    }
}

/// One opening_hours rule to week-relative ranges.
fn parse_rule(rule: &str) -> Result<Vec<(u32, u32)>, String> {
    // Split the rule into a leading weekday selector and the time selector.
    let (days_part, times_part) = match rule.find(|c: char| c.is_ascii_digit()) {
        Some(pos) => (rule[..pos].trim(), rule[pos..].trim()),
        None => (rule.trim(), ""),
    };
    let days = if days_part.is_empty() {
        [true; 7]
    } else {
        parse_weekday_selector(days_part)?
    };
    let mut day_ranges = Vec::new();
    if times_part.is_empty() {
        day_ranges.push((0, DAY));
    } else {
        for range in times_part.split(',').map(str::trim) {
            let (a, b) = range
                .split_once('-')
                .ok_or_else(|| format!("`{range}`: expected a time range HH:MM-HH:MM"))?;
            let start = parse_clock(a, true).map_err(|e| format!("`{range}`: {e}"))?;
            let mut end = parse_clock(b, true).map_err(|e| format!("`{range}`: {e}"))?;
            if start >= DAY {
                return Err(format!("`{range}`: a range must start before 24:00"));
            }
            if end <= start {
                end += DAY;
            }
            day_ranges.push((start, end));
        }
    }
    let mut out = Vec::new();
    for (day, selected) in days.iter().enumerate() {
        if *selected {
            for &(s, e) in &day_ranges {
                out.push((day as u32 * DAY + s, day as u32 * DAY + e));
            }
        }
    }
    Ok(out)
}

fn parse_weekday_selector(text: &str) -> Result<[bool; 7], String> {
    let mut days = [false; 7];
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if part.eq_ignore_ascii_case("PH") || part.eq_ignore_ascii_case("SH") {
            continue;
        }
        let unknown = || format!("`{part}`: unknown weekday (use Mo, Tu, We, Th, Fr, Sa, Su)");
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (
                    parse_weekday(a.trim()).ok_or_else(unknown)?,
                    parse_weekday(b.trim()).ok_or_else(unknown)?,
                );
                let mut d = a;
                loop {
                    days[d as usize] = true;
                    if d == b {
                        break;
                    }
                    d = (d + 1) % 7;
                }
            }
            None => days[parse_weekday(part).ok_or_else(unknown)? as usize] = true,
        }
    }
    Ok(days)
}

/// `HH:MM:SS` of seconds after midnight (beyond 24 h: `+1d` suffix).
pub fn clock(s: i64) -> String {
    let day = s.div_euclid(86_400);
    let r = s.rem_euclid(86_400);
    let base = format!("{:02}:{:02}:{:02}", r / 3600, r / 60 % 60, r % 60);
    if day == 0 {
        base
    } else {
        format!("{base}{day:+}d")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> WeekTime {
        WeekTime::parse(text).unwrap()
    }

    #[test]
    fn a_huge_hour_is_out_of_range_not_an_overflow() {
        // Found by the bays_csv and stations_csv fuzz targets (`hours` of a bay or charger).
        let e = Schedule::parse("Mo-Su 21041050:02-23:00").unwrap_err();
        assert!(e.to_string().contains("out of range"), "{e}");
        assert!(WeekTime::parse("Mo 4294967295:00").is_err());
    }

    #[test]
    fn overnight_range_runs_into_the_next_morning() {
        let s = Schedule::parse("19:00-06:00").unwrap();
        assert!(s.contains(at("Mo 20:00")));
        assert!(s.contains(at("Tu 05:59")));
        assert!(!s.contains(at("Tu 06:00")));
        assert!(!s.contains(at("Mo 12:00")));
        assert!(
            s.contains(at("Mo 03:00")),
            "Sunday's night wraps into Monday"
        );
    }

    #[test]
    fn weekday_ranges_and_several_intervals() {
        let s = Schedule::parse("Mo-Fr 00:00-06:30,21:30-24:00; Sa 00:00-08:00").unwrap();
        assert!(s.contains(at("We 05:00")));
        assert!(s.contains(at("Fr 22:00")));
        assert!(!s.contains(at("We 12:00")));
        assert!(s.contains(at("Sa 07:59")));
        assert!(!s.contains(at("Su 05:00")));
        let days = Schedule::parse("Sa,Su").unwrap();
        assert!(days.contains(at("Su 13:00")) && !days.contains(at("Fr 13:00")));
        let wrap = Schedule::parse("Fr-Mo 10:00-11:00").unwrap();
        assert!(
            wrap.contains(at("Su 10:30"))
                && wrap.contains(at("Mo 10:30"))
                && !wrap.contains(at("Tu 10:30"))
        );
    }

    #[test]
    fn bad_schedules_are_rejected_with_the_reason() {
        for bad in ["25:00-26:00", "Xy 10:00-11:00", "10:00", "07:61-09:00"] {
            let err = Schedule::parse(bad).unwrap_err();
            assert!(!err.why.is_empty(), "{bad}");
        }
        assert!(WeekTime::parse("25:00").is_err());
        assert!(WeekTime::parse("Tu 08:30").unwrap().weekday() == 1);
    }

    #[test]
    fn merging_and_boundaries() {
        let s = Schedule::from_ranges([(10, 20), (15, 30), (WEEK - 5, WEEK + 5)]);
        assert_eq!(s.intervals(), &[(0, 5), (10, 30), (WEEK - 5, WEEK)]);
        assert_eq!(
            s.boundaries().collect::<Vec<_>>(),
            vec![0, 5, 10, 30, WEEK - 5]
        );
    }
}
