//! Scenario files: TOML describing a kind of day (area, technicians, job
//! mix, the day's surprises and how the replay behaves). Unknown keys are
//! rejected and every error names the key and its line, because a typo in a
//! research scenario otherwise silently runs the wrong experiment.

use std::collections::BTreeMap;

use serde::Deserialize;

use autodispatch_model::time::parse_time;

/// A scenario could not be read or makes no sense.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    /// The TOML does not parse or does not fit the scenario's shape.
    #[error("{}key `{key}`: {message}", line.map(|l| format!("line {l}: ")).unwrap_or_default())]
    Invalid {
        key: String,
        line: Option<usize>,
        message: String,
    },
}

impl ScenarioError {
    /// The key the error is about (dotted path when known).
    #[must_use]
    pub fn key(&self) -> Option<&str> {
        match self {
            Self::Invalid { key, .. } => Some(key),
            Self::Io { .. } => None,
        }
    }

    /// The 1-based line of the key, when known.
    #[must_use]
    pub fn line(&self) -> Option<usize> {
        match self {
            Self::Invalid { line, .. } => *line,
            Self::Io { .. } => None,
        }
    }
}

/// A whole scenario file.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    /// First simulated day (`YYYY-MM-DD`); day k is k days later.
    pub start_date: String,
    pub business_hours: Hours,
    pub area: Area,
    #[serde(default)]
    pub settings: SettingsSpec,
    pub technicians: TechSpec,
    pub job_types: Vec<JobTypeSpec>,
    pub jobs: JobSpec,
    #[serde(default)]
    pub replay: ReplaySpec,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Hours {
    /// `HH:MM`
    pub start: String,
    pub end: String,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Area {
    /// `[lat, lon]` of the metro centre.
    pub center: [f64; 2],
    pub radius_km: f64,
    /// Zone names, as equal angular sectors around the centre (empty: no zones).
    #[serde(default)]
    pub zones: Vec<String>,
    #[serde(default = "default_speed")]
    pub speed_kmh: f64,
    #[serde(default = "default_road_factor")]
    pub road_factor: f64,
    /// Dense neighbourhoods jobs cluster around.
    #[serde(default)]
    pub hotspots: u32,
    /// Share of jobs placed near a hotspot (the rest uniformly).
    #[serde(default)]
    pub hotspot_share: f64,
}

fn default_speed() -> f64 {
    40.0
}
fn default_road_factor() -> f64 {
    1.3
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SettingsSpec {
    #[serde(default = "default_reschedule")]
    pub reschedule_within: String,
    #[serde(default)]
    pub max_drive_minutes: Option<f64>,
    #[serde(default = "one")]
    pub drive_cost_per_minute: f64,
    #[serde(default)]
    pub tag_weights: BTreeMap<String, f64>,
    #[serde(default)]
    pub enabled_job_types: Option<Vec<String>>,
    #[serde(default = "yes")]
    pub return_home: bool,
    /// Autolock.
    #[serde(default)]
    pub lock_before_start_minutes: f64,
    #[serde(default)]
    pub preferred_technician_bonus: f64,
}

impl Default for SettingsSpec {
    fn default() -> Self {
        Self {
            reschedule_within: default_reschedule(),
            max_drive_minutes: None,
            drive_cost_per_minute: 1.0,
            tag_weights: BTreeMap::new(),
            enabled_job_types: None,
            return_home: true,
            lock_before_start_minutes: 0.0,
            preferred_technician_bonus: 0.0,
        }
    }
}

fn default_reschedule() -> String {
    "arrival_window".into()
}
fn one() -> f64 {
    1.0
}
fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TechSpec {
    pub count: usize,
    /// Share of technicians holding each skill.
    pub skills: BTreeMap<String, f64>,
    /// Zones each technician serves, around their home's (0: all zones).
    #[serde(default)]
    pub zones_each: usize,
    pub shifts: Vec<ShiftPattern>,
    /// Per job type, the `[low, high]` range a technician's conversion is drawn from.
    #[serde(default)]
    pub conversion: BTreeMap<String, [f64; 2]>,
    #[serde(default)]
    pub lunch: Option<Lunch>,
    /// Share of technicians with a 30–60 minute calendar block (no timesheet code).
    #[serde(default)]
    pub meeting_share: f64,
    /// Share with half the day off (a `time_off` shift).
    #[serde(default)]
    pub time_off_share: f64,
    /// Share on call for the last two hours of their shift.
    #[serde(default)]
    pub on_call_share: f64,
    /// Share not managed by the optimizer (`dispatch_pro: false`).
    #[serde(default)]
    pub unmanaged_share: f64,
    /// Probability per technician and day of calling out during the day (replay).
    #[serde(default)]
    pub callout_rate: f64,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ShiftPattern {
    pub start: String,
    pub end: String,
    pub share: f64,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Lunch {
    /// Earliest lunch start, `HH:MM`; each technician's is 0–60 minutes later.
    pub start: String,
    pub minutes: f64,
    pub share: f64,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct JobTypeSpec {
    pub name: String,
    pub share: f64,
    /// The job needs one of these skills, drawn uniformly (empty: no skill).
    #[serde(default)]
    pub trades: Vec<String>,
    /// `[low, high]` value, uniform.
    pub value: [f64; 2],
    /// `[low, high]` estimated duration in minutes, uniform, rounded to 5.
    pub duration: [f64; 2],
    /// The value is a sale made with the technician's conversion probability.
    #[serde(default)]
    pub sells: bool,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct JobSpec {
    /// Jobs booked before the day starts.
    pub booked: usize,
    /// Arrival windows booked jobs choose from, `[start, end]` as `HH:MM`.
    pub windows: Vec<[String; 2]>,
    /// Mean number of same-day emergency call-ins (Poisson).
    #[serde(default)]
    pub emergencies: f64,
    /// Job type of the call-ins.
    #[serde(default)]
    pub emergency_type: Option<String>,
    /// Tags every call-in carries.
    #[serde(default)]
    pub emergency_tags: Vec<String>,
    /// Hours a call-in's arrival window lasts from the call.
    #[serde(default = "four")]
    pub emergency_window_hours: f64,
    /// Relative call-in intensity per business hour (empty: uniform).
    #[serde(default)]
    pub booking_profile: Vec<f64>,
    /// Probability a job is canceled during the day.
    #[serde(default)]
    pub cancel_rate: f64,
    /// Probability a job carries each tag.
    #[serde(default)]
    pub tags: BTreeMap<String, f64>,
    #[serde(default)]
    pub technician_specific_share: f64,
    #[serde(default)]
    pub preferred_share: f64,
    #[serde(default)]
    pub multi_technician_share: f64,
    #[serde(default)]
    pub dispatch_pro_off_share: f64,
}

fn four() -> f64 {
    4.0
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ReplaySpec {
    /// Minutes before business hours the first plan is made.
    #[serde(default = "thirty")]
    pub plan_before_minutes: f64,
    /// Re-optimization period during business hours.
    #[serde(default = "ten")]
    pub cycle_minutes: f64,
    /// Actual / estimated duration: lognormal with this mean and spread.
    #[serde(default = "overrun")]
    pub duration_factor: Noise,
    /// Actual / estimated drive: lognormal with this mean and spread.
    #[serde(default = "travel")]
    pub travel_factor: Noise,
    /// Probability per job that the dispatcher assigns it by hand during the day.
    #[serde(default)]
    pub manual_rate: f64,
    /// Also re-plan at once when a call-in or a call-out arrives.
    #[serde(default = "yes")]
    pub resolve_on_events: bool,
}

impl Default for ReplaySpec {
    fn default() -> Self {
        Self {
            plan_before_minutes: 30.0,
            cycle_minutes: 10.0,
            duration_factor: overrun(),
            travel_factor: travel(),
            manual_rate: 0.0,
            resolve_on_events: true,
        }
    }
}

fn thirty() -> f64 {
    30.0
}
fn ten() -> f64 {
    10.0
}
fn overrun() -> Noise {
    Noise {
        mean: 1.05,
        sd: 0.2,
    }
}
fn travel() -> Noise {
    Noise {
        mean: 1.0,
        sd: 0.15,
    }
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Noise {
    pub mean: f64,
    pub sd: f64,
}

/// Minutes after midnight of an `HH:MM` text.
pub(crate) fn hhmm(text: &str) -> Option<f64> {
    let (h, m) = text.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let h: u32 = h.parse().ok()?;
    let m: u32 = m.parse().ok()?;
    (h <= 24 && m < 60 && h * 60 + m <= 24 * 60).then(|| f64::from(h * 60 + m))
}

/// A TOML file's text.
pub(crate) fn read_file(path: &std::path::Path) -> Result<String, ScenarioError> {
    std::fs::read_to_string(path).map_err(|source| ScenarioError::Io {
        path: path.display().to_string(),
        source,
    })
}

impl Scenario {
    /// Reads and checks a scenario file.
    ///
    /// # Errors
    /// The file is unreadable, or any key is unknown, mistyped or out of range.
    pub fn load(path: &std::path::Path) -> Result<Self, ScenarioError> {
        Self::parse(&read_file(path)?)
    }

    /// Parses and checks scenario text.
    ///
    /// # Errors
    /// Any key unknown, mistyped or out of range, with its line.
    pub fn parse(text: &str) -> Result<Self, ScenarioError> {
        let sc: Self = toml::from_str(text).map_err(|e| de_error(text, &e))?;
        sc.check()
            .map_err(|(key, message)| ScenarioError::Invalid {
                line: line_of_key(text, &key),
                key,
                message,
            })?;
        Ok(sc)
    }

    /// Minutes since the model's epoch of midnight on day `day`.
    #[must_use]
    pub fn midnight(&self, day: u32) -> f64 {
        parse_time(&format!("{}T00:00", self.start_date)).unwrap_or(0.0) + f64::from(day) * 1440.0
    }

    #[allow(clippy::too_many_lines)]
    fn check(&self) -> Result<(), (String, String)> {
        use limits::*;
        type Check = Result<(), (String, String)>;
        // `lo <= v <= hi`; NaN and infinities fail every comparison
        fn within(key: &str, v: f64, lo: f64, hi: f64) -> Check {
            if v.is_finite() && lo <= v && v <= hi {
                Ok(())
            } else {
                Err((
                    key.into(),
                    format!(
                        "must be between {} and {}, not {}",
                        show(lo),
                        show(hi),
                        show(v)
                    ),
                ))
            }
        }
        fn share(key: &str, v: f64) -> Check {
            within(key, v, 0.0, 1.0)
        }
        // `0 < v <= hi`
        fn above_zero(key: &str, v: f64, hi: f64) -> Check {
            if v.is_finite() && v > 0.0 && v <= hi {
                Ok(())
            } else {
                Err((
                    key.into(),
                    format!("must be above 0 and at most {}, not {}", show(hi), show(v)),
                ))
            }
        }
        fn clock(key: &str, v: &str) -> Result<f64, (String, String)> {
            hhmm(v).ok_or_else(|| (key.into(), format!("must be a time HH:MM, not {v:?}")))
        }
        fn range(key: &str, r: [f64; 2], hi: f64) -> Check {
            if r[0].is_finite() && r[1].is_finite() && 0.0 <= r[0] && r[0] <= r[1] && r[1] <= hi {
                Ok(())
            } else {
                Err((
                    key.into(),
                    format!(
                        "must be [low, high] with 0 ≤ low ≤ high ≤ {}, not {r:?}",
                        show(hi)
                    ),
                ))
            }
        }
        fn interval(ka: &str, kb: &str, a: &str, b: &str) -> Result<(f64, f64), (String, String)> {
            let (s, e) = (clock(ka, a)?, clock(kb, b)?);
            if s < e {
                Ok((s, e))
            } else {
                Err((kb.into(), format!("ends ({b}) before it starts ({a})")))
            }
        }
        fn noise(key: &str, n: Noise) -> Check {
            within(
                &format!("{key}.mean"),
                n.mean,
                MIN_FACTOR_MEAN,
                MAX_FACTOR_MEAN,
            )?;
            within(&format!("{key}.sd"), n.sd, 0.0, MAX_FACTOR_SD)
        }
        if self.name.trim().is_empty() {
            return Err(("name".into(), "must not be empty".into()));
        }
        let year: Option<u32> = self.start_date.get(..4).and_then(|y| y.parse().ok());
        if parse_time(&format!("{}T00:00", self.start_date)).is_err()
            || !year.is_some_and(|y| (1970..=2900).contains(&y))
        {
            return Err((
                "start_date".into(),
                format!(
                    "must be a date YYYY-MM-DD between 1970 and 2900, not {:?}",
                    self.start_date
                ),
            ));
        }
        interval(
            "business_hours.start",
            "business_hours.end",
            &self.business_hours.start,
            &self.business_hours.end,
        )?;
        let a = &self.area;
        let [lat, lon] = a.center;
        if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
            return Err(("area.center".into(), "must be [lat, lon] in degrees".into()));
        }
        above_zero("area.radius_km", a.radius_km, MAX_RADIUS_KM)?;
        // every point is drawn within the radius, with the generator's own
        // flat-earth offsets: the whole disc must keep to valid coordinates
        let fits = (MAX_LAT - lat.abs()) * KM_PER_DEGREE;
        let fits =
            fits.min((MAX_LON - lon.abs()) * KM_PER_DEGREE * lat.to_radians().cos().max(0.05));
        if a.radius_km > fits {
            return Err((
                "area.radius_km".into(),
                format!(
                    "is {} km, but around center [{lat}, {lon}] the area must stay within \
                     latitude ±{MAX_LAT} and longitude ±{MAX_LON}: at most {:.3} km",
                    show(a.radius_km),
                    fits.max(0.0)
                ),
            ));
        }
        within("area.speed_kmh", a.speed_kmh, MIN_SPEED_KMH, MAX_SPEED_KMH)?;
        within("area.road_factor", a.road_factor, 1.0, MAX_ROAD_FACTOR)?;
        // replayed drives stretch this by the travel factor: keep every time
        // of the day within printable dates
        let crossing = 2.0 * a.radius_km * a.road_factor / a.speed_kmh * 60.0;
        if crossing > MAX_CROSSING_MINUTES {
            return Err((
                "area.radius_km".into(),
                format!(
                    "makes a drive across the area (2 × radius_km × road_factor / speed_kmh) \
                     take {} minutes; at most {}",
                    show(crossing.round()),
                    show(MAX_CROSSING_MINUTES)
                ),
            ));
        }
        if a.hotspots > MAX_HOTSPOTS {
            return Err((
                "area.hotspots".into(),
                format!("must be at most {MAX_HOTSPOTS}, not {}", a.hotspots),
            ));
        }
        share("area.hotspot_share", a.hotspot_share)?;
        let s = &self.settings;
        if !matches!(
            s.reschedule_within.as_str(),
            "arrival_window" | "business_hours"
        ) {
            return Err((
                "settings.reschedule_within".into(),
                format!(
                    "must be \"arrival_window\" or \"business_hours\", not {:?}",
                    s.reschedule_within
                ),
            ));
        }
        if let Some(m) = s.max_drive_minutes {
            above_zero("settings.max_drive_minutes", m, DAY_MINUTES)?;
        }
        within(
            "settings.drive_cost_per_minute",
            s.drive_cost_per_minute,
            0.0,
            MAX_MONEY,
        )?;
        within(
            "settings.lock_before_start_minutes",
            s.lock_before_start_minutes,
            0.0,
            DAY_MINUTES,
        )?;
        within(
            "settings.preferred_technician_bonus",
            s.preferred_technician_bonus,
            0.0,
            MAX_MONEY,
        )?;
        for (tag, w) in &s.tag_weights {
            above_zero(&format!("settings.tag_weights.{tag}"), *w, MAX_MONEY)?;
        }
        let t = &self.technicians;
        if t.count == 0 || t.count > MAX_LOCATIONS {
            return Err((
                "technicians.count".into(),
                format!("must be 1..={MAX_LOCATIONS}, not {}", t.count),
            ));
        }
        for (k, v) in &t.skills {
            share(&format!("technicians.skills.{k}"), *v)?;
        }
        if !a.zones.is_empty() && t.zones_each > a.zones.len() {
            return Err((
                "technicians.zones_each".into(),
                format!(
                    "is {} but the area has {} zones",
                    t.zones_each,
                    a.zones.len()
                ),
            ));
        }
        if t.shifts.is_empty() {
            return Err((
                "technicians.shifts".into(),
                "needs at least one shift pattern".into(),
            ));
        }
        for sh in &t.shifts {
            interval(
                "technicians.shifts",
                "technicians.shifts",
                &sh.start,
                &sh.end,
            )?;
            share("technicians.shifts.share", sh.share)?;
        }
        if t.shifts.iter().map(|s| s.share).sum::<f64>() <= 0.0 {
            return Err((
                "technicians.shifts.share".into(),
                "shares must not all be 0".into(),
            ));
        }
        for (k, r) in &t.conversion {
            range(&format!("technicians.conversion.{k}"), *r, MAX_CONVERSION)?;
            if r[1] > 1.0 && self.job_types.iter().any(|j| &j.name == k && j.sells) {
                return Err((
                    format!("technicians.conversion.{k}"),
                    "is a sale probability for a job type that sells: at most 1".into(),
                ));
            }
        }
        if let Some(l) = &t.lunch {
            clock("technicians.lunch", &l.start)?;
            within("technicians.lunch", l.minutes, 1.0, MAX_LUNCH_MINUTES)?;
            share("technicians.lunch", l.share)?;
        }
        share("technicians.meeting_share", t.meeting_share)?;
        share("technicians.time_off_share", t.time_off_share)?;
        share("technicians.on_call_share", t.on_call_share)?;
        share("technicians.unmanaged_share", t.unmanaged_share)?;
        share("technicians.callout_rate", t.callout_rate)?;
        if self.job_types.is_empty() {
            return Err(("job_types".into(), "needs at least one job type".into()));
        }
        let mut names: Vec<&str> = Vec::new();
        for (i, jt) in self.job_types.iter().enumerate() {
            let k = |field: &str| format!("job_types[{i}].{field}");
            if jt.name.trim().is_empty() || names.contains(&jt.name.as_str()) {
                return Err((k("name"), format!("{:?} is empty or repeated", jt.name)));
            }
            names.push(&jt.name);
            share(&k("share"), jt.share)?;
            range(&k("value"), jt.value, MAX_MONEY)?;
            range(&k("duration"), jt.duration, MAX_JOB_MINUTES)?;
            if jt.duration[1] < 5.0 {
                return Err((
                    k("duration"),
                    format!("high must be 5..={MAX_JOB_MINUTES} minutes"),
                ));
            }
        }
        if self.job_types.iter().map(|j| j.share).sum::<f64>() <= 0.0 {
            return Err(("job_types.share".into(), "shares must not all be 0".into()));
        }
        let j = &self.jobs;
        // the day's problem holds every technician and job: keep it loadable
        let booked_room = MAX_LOCATIONS - t.count;
        if j.booked > booked_room {
            return Err((
                "jobs.booked".into(),
                format!(
                    "is {} but a day holds at most {MAX_LOCATIONS} technicians and jobs: with \
                     {} technicians, at most {booked_room}",
                    j.booked, t.count
                ),
            ));
        }
        if j.windows.is_empty() {
            return Err(("jobs.windows".into(), "needs at least one window".into()));
        }
        for w in &j.windows {
            interval("jobs.windows", "jobs.windows", &w[0], &w[1])?;
        }
        // call-ins join the day too (the draw is capped at the room left)
        #[allow(clippy::cast_precision_loss)]
        let em_room = (booked_room - j.booked) as f64;
        if !(j.emergencies.is_finite() && (0.0..=em_room).contains(&j.emergencies)) {
            return Err((
                "jobs.emergencies".into(),
                format!(
                    "must be between 0 and {em_room} (a day holds at most {MAX_LOCATIONS} \
                     technicians and jobs), not {}",
                    show(j.emergencies)
                ),
            ));
        }
        if let Some(ty) = &j.emergency_type {
            if !names.contains(&ty.as_str()) {
                return Err((
                    "jobs.emergency_type".into(),
                    format!("{ty:?} is not among job_types"),
                ));
            }
        }
        above_zero(
            "jobs.emergency_window_hours",
            j.emergency_window_hours,
            DAY_MINUTES / 60.0,
        )?;
        for v in &j.booking_profile {
            within("jobs.booking_profile", *v, 0.0, MAX_MONEY)?;
        }
        share("jobs.cancel_rate", j.cancel_rate)?;
        for (k, v) in &j.tags {
            share(&format!("jobs.tags.{k}"), *v)?;
        }
        share(
            "jobs.technician_specific_share",
            j.technician_specific_share,
        )?;
        share("jobs.preferred_share", j.preferred_share)?;
        share("jobs.multi_technician_share", j.multi_technician_share)?;
        share("jobs.dispatch_pro_off_share", j.dispatch_pro_off_share)?;
        let r = &self.replay;
        within(
            "replay.plan_before_minutes",
            r.plan_before_minutes,
            0.0,
            DAY_MINUTES,
        )?;
        within("replay.cycle_minutes", r.cycle_minutes, 1.0, DAY_MINUTES)?;
        noise("replay.duration_factor", r.duration_factor)?;
        noise("replay.travel_factor", r.travel_factor)?;
        share("replay.manual_rate", r.manual_rate)?;
        Ok(())
    }
}

/// The bounds a scenario's numbers are checked against. Each is at least as
/// strict as what the problem loader accepts for the field it feeds, so a
/// scenario that loads only ever generates days that load, and keeps every
/// time of a replayed day finite and printable.
pub mod limits {
    /// Money (job values, costs, bonuses, tag weights), as the loader's.
    pub const MAX_MONEY: f64 = 1.0e12;
    /// Technicians plus jobs of one day, as the loader's.
    pub const MAX_LOCATIONS: usize = autodispatch_model::load::MAX_LOCATIONS;
    /// Planning lead, re-planning period, drive limit, autolock.
    pub const DAY_MINUTES: f64 = 1440.0;
    /// A job's estimated duration.
    pub const MAX_JOB_MINUTES: f64 = 600.0;
    pub const MAX_LUNCH_MINUTES: f64 = 720.0;
    /// A technician's conversion for a job type that does not sell.
    pub const MAX_CONVERSION: f64 = 1.0e6;
    pub const MIN_SPEED_KMH: f64 = 0.1;
    pub const MAX_SPEED_KMH: f64 = 1.0e6;
    pub const MAX_ROAD_FACTOR: f64 = 100.0;
    pub const MAX_RADIUS_KM: f64 = 2000.0;
    /// The area keeps this far from the poles and the date line, so every
    /// drawn coordinate (rounded to 1e-5 degrees) stays valid.
    pub const MAX_LAT: f64 = 89.99;
    pub const MAX_LON: f64 = 179.99;
    /// Kilometres per degree of latitude, as the generator offsets points.
    pub const KM_PER_DEGREE: f64 = 111.32;
    /// A drive across the whole area, as estimated.
    pub const MAX_CROSSING_MINUTES: f64 = 1.0e5;
    pub const MAX_HOTSPOTS: u32 = 1000;
    /// Actual / estimated duration and drive (lognormal mean and spread).
    pub const MIN_FACTOR_MEAN: f64 = 0.01;
    pub const MAX_FACTOR_MEAN: f64 = 10.0;
    pub const MAX_FACTOR_SD: f64 = 1.0;
    /// A single draw of either factor, whatever its tail.
    pub const MAX_FACTOR: f64 = 1000.0;
}

/// A number as a person reads it in an error: huge and tiny ones (a
/// mistyped `1e308`) in exponent form rather than hundreds of digits.
pub(crate) fn show(v: f64) -> String {
    if v != 0.0 && v.is_finite() && !(1e-4..1e9).contains(&v.abs()) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// Turns a TOML error into one naming the key and line.
pub(crate) fn de_error(text: &str, e: &toml::de::Error) -> ScenarioError {
    let message = e.message().trim().to_string();
    let Some(span) = e.span() else {
        return ScenarioError::Invalid {
            key: "(file)".into(),
            line: None,
            message,
        };
    };
    let start = span.start.min(text.len());
    let line = text[..start].matches('\n').count() + 1;
    let line_text = text.lines().nth(line - 1).unwrap_or("");
    // unknown keys point at the key itself; wrong values point after `key =`
    let spanned = text.get(span).unwrap_or("").trim();
    let key = if message.starts_with("unknown field") {
        spanned.trim_matches('"').to_string()
    } else if let Some((k, _)) = line_text.split_once('=') {
        k.trim().trim_matches('"').to_string()
    } else if let Some(field) = message.strip_prefix("missing field `") {
        field.trim_end_matches('`').to_string()
    } else {
        line_text.trim().trim_matches(['[', ']']).to_string()
    };
    let table = table_at(text, line);
    let key = match table {
        Some(t) if !message.starts_with("missing field") || line_text.contains('=') => {
            format!("{t}.{key}")
        }
        _ => key,
    };
    ScenarioError::Invalid {
        key,
        line: Some(line),
        message,
    }
}

/// The `[table]` header in force at a 1-based line.
fn table_at(text: &str, line: usize) -> Option<String> {
    let mut table = None;
    for l in text.lines().take(line) {
        let l = l.trim();
        if l.starts_with('[') {
            table = Some(l.trim_matches(['[', ']']).trim().to_string());
        }
    }
    table
}

/// Finds the line of a dotted key (`technicians.count`), or of its closest
/// parent that the file spells out.
pub(crate) fn line_of_key(text: &str, key: &str) -> Option<usize> {
    // `table[n].field`: the field inside the n-th `[[table]]`
    if let Some((table, rest)) = key.split_once('[') {
        let (n, field) = rest.split_once("].")?;
        let n: usize = n.parse().ok()?;
        let header = format!("[[{table}]]");
        let mut seen = 0;
        let mut at = None;
        for (i, l) in text.lines().enumerate() {
            let t = l.trim();
            if t.starts_with('[') {
                if at.is_some() {
                    break;
                }
                if t == header {
                    if seen == n {
                        at = Some(i + 1);
                    }
                    seen += 1;
                }
                continue;
            }
            // the field itself, or the table holding it (`tag_weights = { .. }`)
            let holds = |k: &str| {
                let k = k.trim().trim_matches('"');
                k == field || field.strip_prefix(k).is_some_and(|r| r.starts_with('.'))
            };
            if at.is_some() && t.split_once('=').is_some_and(|(k, _)| holds(k)) {
                return Some(i + 1);
            }
        }
        return at;
    }
    let parts: Vec<&str> = key.split('.').collect();
    for depth in (1..=parts.len()).rev() {
        let (table, last) = (parts[..depth - 1].join("."), parts[depth - 1]);
        // a dotted key inside its table (`tag_weights.no-heat = 3`)
        let dotted = parts[depth - 1..].join(".");
        let mut current = String::new();
        for (i, l) in text.lines().enumerate() {
            let t = l.trim();
            if t.starts_with('[') {
                current = t.trim_matches(['[', ']']).trim().to_string();
                if current == parts[..depth].join(".") {
                    return Some(i + 1);
                }
                continue;
            }
            if current != table {
                continue;
            }
            if let Some((k, _)) = t.split_once('=') {
                let k = k.trim().trim_matches('"');
                if k == last || k == dotted {
                    return Some(i + 1);
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = r#"
name = "t"
start_date = "2026-11-26"
[business_hours]
start = "08:00"
end = "18:00"
[area]
center = [32.78, -96.80]
radius_km = 10
[technicians]
count = 2
skills = { hvac = 1.0 }
shifts = [{ start = "08:00", end = "17:00", share = 1.0 }]
[[job_types]]
name = "repair"
share = 1.0
value = [100, 200]
duration = [60, 90]
[jobs]
booked = 5
windows = [["08:00", "12:00"]]
"#;

    #[test]
    fn a_minimal_scenario_parses_with_defaults() {
        let sc = Scenario::parse(BASE).unwrap();
        assert_eq!(sc.technicians.count, 2);
        assert!((sc.replay.cycle_minutes - 10.0).abs() < 1e-12);
        assert!(sc.settings.return_home);
    }

    #[test]
    fn unknown_key_is_named_with_its_line() {
        let text = BASE.replace("radius_km = 10", "radius_km = 10\nradius_mi = 6");
        let e = Scenario::parse(&text).unwrap_err();
        assert_eq!(e.line(), Some(10), "{e}");
        assert!(e.key().unwrap().contains("radius_mi"), "{e}");
        assert!(e.to_string().contains("line 10"), "{e}");
    }

    #[test]
    fn wrong_type_is_named_with_its_line() {
        let text = BASE.replace("count = 2", "count = \"two\"");
        let e = Scenario::parse(&text).unwrap_err();
        assert_eq!(e.line(), Some(11), "{e}");
        assert_eq!(e.key(), Some("technicians.count"), "{e}");
    }

    #[test]
    fn out_of_range_value_is_named_with_its_line() {
        let text = BASE.replace("booked = 5", "booked = 5\ncancel_rate = 1.5");
        let e = Scenario::parse(&text).unwrap_err();
        assert_eq!(e.key(), Some("jobs.cancel_rate"), "{e}");
        assert_eq!(e.line(), Some(21), "{e}");
        let text = format!("{BASE}[[job_types]]\nname = \"install\"\nshare = 2.0\nvalue = [1, 2]\nduration = [60, 90]\n");
        let e = Scenario::parse(&text).unwrap_err();
        assert_eq!(e.key(), Some("job_types[1].share"), "{e}");
        assert_eq!(
            e.line(),
            Some(text.lines().position(|l| l == "share = 2.0").unwrap() + 1),
            "{e}"
        );
        let text = BASE.replace("end = \"18:00\"", "end = \"7pm\"");
        let e = Scenario::parse(&text).unwrap_err();
        assert_eq!(e.key(), Some("business_hours.end"), "{e}");
        assert_eq!(e.line(), Some(6), "{e}");
    }
}
