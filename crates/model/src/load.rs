//! Reading a problem from JSON, validating every field and reporting every
//! error at once (DESIGN.md convention 1).

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::{Map, Value};

use crate::error::{ErrorCode, InputError, LoadError};
use crate::problem::{
    Assignment, Event, Interval, Job, JobStatus, LatLon, Position, Problem, RescheduleWithin,
    Settings, Shift, ShiftKind, Source, Technician, Time, Travel, PROBLEM_SCHEMA,
};
use crate::time::{format_time, parse_time, TIME_TOL};

/// Inputs larger than this are refused before parsing, to keep memory
/// bounded: a parsed JSON value takes up to 15 times its text (a 100 MB
/// file of jobs peaked at 1.5 GB). A 6000-location day with a full travel
/// matrix still fits.
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;
/// Technicians + jobs of one day: the dense travel matrix grows with the
/// square of this, so larger days must be split (by region) first.
pub const MAX_LOCATIONS: usize = 6000;
/// Bounds that keep arithmetic finite and meaningful; far beyond any real day.
const MAX_MINUTES: f64 = 1.0e7;
const MAX_MONEY: f64 = 1.0e12;

/// Reads and validates a problem file.
///
/// # Errors
/// [`LoadError::Io`] when the file cannot be read, else every input error.
pub fn load_problem_file(path: &std::path::Path) -> Result<Problem, LoadError> {
    let text = read_text(path)?;
    parse_problem(&text)
}

/// Reads a file as text, refusing files over [`MAX_INPUT_BYTES`].
///
/// # Errors
/// [`LoadError::Io`] when missing, unreadable or too large.
pub fn read_text(path: &std::path::Path) -> Result<String, LoadError> {
    let io = |source| LoadError::Io {
        path: path.display().to_string(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.len() > MAX_INPUT_BYTES {
        return Err(io(std::io::Error::other(format!(
            "file is {} bytes; at most {MAX_INPUT_BYTES} are read",
            meta.len()
        ))));
    }
    std::fs::read_to_string(path).map_err(io)
}

/// Parses JSON text into a value, or one `E1001` error.
///
/// # Errors
/// The JSON is empty, malformed or nested too deep.
pub fn parse_json(text: &str) -> Result<Value, InputError> {
    if text.trim().is_empty() {
        return Err(InputError {
            code: ErrorCode::MalformedJson,
            path: "$".into(),
            message: "the file is empty".into(),
        });
    }
    serde_json::from_str(text).map_err(|e| InputError {
        code: ErrorCode::MalformedJson,
        path: "$".into(),
        message: format!("not valid JSON: {e}"),
    })
}

/// Parses and validates a problem from JSON text.
///
/// # Errors
/// Every input error found, in file order.
pub fn parse_problem(text: &str) -> Result<Problem, LoadError> {
    let value = parse_json(text).map_err(|e| LoadError::Invalid(vec![e]))?;
    problem_from_value(&value)
}

/// Validates a JSON value as a problem.
///
/// # Errors
/// Every input error found, in file order.
pub fn problem_from_value(value: &Value) -> Result<Problem, LoadError> {
    let mut r = Reader::default();
    let problem = read_problem(&mut r, value);
    match problem {
        Some(p) if r.errors.is_empty() => Ok(p),
        _ => {
            if r.errors.is_empty() {
                r.err(
                    ErrorCode::WrongType,
                    "$",
                    "the problem could not be read".into(),
                );
            }
            Err(LoadError::Invalid(r.errors))
        }
    }
}

/// A number as people read it: `1e300`, not three hundred digits.
fn short(x: f64) -> String {
    if x != 0.0 && !(1e-4..1e9).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

pub(crate) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Typed access to JSON values that records errors with their paths and
/// keeps going, so one pass finds every error.
#[derive(Default)]
pub(crate) struct Reader {
    pub errors: Vec<InputError>,
}

pub(crate) fn join(path: &str, key: &str) -> String {
    if path == "$" {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

pub(crate) fn index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

impl Reader {
    pub fn err(&mut self, code: ErrorCode, path: &str, message: String) {
        self.errors.push(InputError {
            code,
            path: path.to_string(),
            message,
        });
    }

    fn wrong(&mut self, path: &str, want: &str, v: &Value) -> Option<()> {
        self.err(
            ErrorCode::WrongType,
            path,
            format!("expected {want}, got {}", type_name(v)),
        );
        None
    }

    pub fn obj<'a>(&mut self, v: &'a Value, path: &str) -> Option<&'a Map<String, Value>> {
        match v {
            Value::Object(m) => Some(m),
            _ => self.wrong(path, "an object", v).and(None),
        }
    }

    pub fn list<'a>(&mut self, v: &'a Value, path: &str) -> Option<&'a Vec<Value>> {
        match v {
            Value::Array(a) => Some(a),
            _ => self.wrong(path, "a list", v).and(None),
        }
    }

    pub fn string(&mut self, v: &Value, path: &str) -> Option<String> {
        match v {
            Value::String(s) => Some(s.clone()),
            _ => self.wrong(path, "a string", v).and(None),
        }
    }

    pub fn boolean(&mut self, v: &Value, path: &str) -> Option<bool> {
        match v {
            Value::Bool(b) => Some(*b),
            _ => self.wrong(path, "true or false", v).and(None),
        }
    }

    /// A finite number in `[min, max]` (or `(min, max]` when `exclusive`).
    pub fn number(
        &mut self,
        v: &Value,
        path: &str,
        min: f64,
        exclusive: bool,
        max: f64,
    ) -> Option<f64> {
        let Some(x) = v.as_f64().filter(|_| v.is_number()) else {
            return self.wrong(path, "a number", v).and(None);
        };
        let below = if exclusive { x <= min } else { x < min };
        if below || x > max || !x.is_finite() {
            let lo = if exclusive { "> " } else { ">= " };
            self.err(
                ErrorCode::OutOfRange,
                path,
                format!(
                    "must be {lo}{} and <= {}, got {}",
                    short(min),
                    short(max),
                    short(x)
                ),
            );
            return None;
        }
        Some(x)
    }

    pub fn time(&mut self, v: &Value, path: &str) -> Option<Time> {
        let Value::String(s) = v else {
            return self.wrong(path, "a date-time string", v).and(None);
        };
        match parse_time(s) {
            Ok(t) => Some(Time(t)),
            Err(m) => {
                self.err(ErrorCode::BadTime, path, m);
                None
            }
        }
    }

    pub fn strings(&mut self, v: &Value, path: &str) -> Option<Vec<String>> {
        let list = self.list(v, path)?;
        let mut out = Vec::with_capacity(list.len());
        let mut ok = true;
        for (i, s) in list.iter().enumerate() {
            match self.string(s, &index(path, i)) {
                Some(s) => out.push(s),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    pub fn enumerated<T: Copy>(
        &mut self,
        v: &Value,
        path: &str,
        choices: &[(&str, T)],
    ) -> Option<T> {
        if let Value::String(s) = v {
            if let Some((_, t)) = choices.iter().find(|(name, _)| name == s) {
                return Some(*t);
            }
        }
        let names: Vec<&str> = choices.iter().map(|(n, _)| *n).collect();
        self.err(
            ErrorCode::UnknownEnum,
            path,
            format!("must be one of {}, got {v}", names.join(", ")),
        );
        None
    }

    pub fn require<'a>(
        &mut self,
        m: &'a Map<String, Value>,
        key: &str,
        path: &str,
    ) -> Option<&'a Value> {
        let v = m.get(key);
        if v.is_none() {
            self.err(
                ErrorCode::MissingField,
                &join(path, key),
                format!("missing required field '{key}'"),
            );
        }
        v
    }

    pub fn interval(&mut self, v: &Value, path: &str) -> Option<Interval> {
        let m = self.obj(v, path)?;
        let s = self.require(m, "start", path);
        let e = self.require(m, "end", path);
        let s = s.and_then(|s| self.time(s, &join(path, "start")));
        let e = e.and_then(|e| self.time(e, &join(path, "end")));
        let (s, e) = (s?, e?);
        if e.0 < s.0 - TIME_TOL {
            self.err(
                ErrorCode::InvertedInterval,
                path,
                format!(
                    "end {} is before start {}",
                    format_time(e.0),
                    format_time(s.0)
                ),
            );
            return None;
        }
        Some(Interval { start: s, end: e })
    }

    fn latlon(&mut self, v: &Value, path: &str) -> Option<LatLon> {
        let m = self.obj(v, path)?;
        let lat = self.require(m, "lat", path);
        let lon = self.require(m, "lon", path);
        let lat = lat.and_then(|x| self.number(x, &join(path, "lat"), -90.0, false, 90.0));
        let lon = lon.and_then(|x| self.number(x, &join(path, "lon"), -180.0, false, 180.0));
        Some(LatLon {
            lat: lat?,
            lon: lon?,
        })
    }

    /// An optional field: absent or null gives `None` without an error.
    fn opt<'a>(m: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
        m.get(key).filter(|v| !v.is_null())
    }
}

fn read_problem(r: &mut Reader, v: &Value) -> Option<Problem> {
    let m = r.obj(v, "$")?;
    match m.get("schema") {
        Some(Value::String(s)) if s == PROBLEM_SCHEMA => {}
        Some(other) => {
            r.err(
                ErrorCode::UnknownSchema,
                "schema",
                format!("must be \"{PROBLEM_SCHEMA}\", got {other}"),
            );
            return None;
        }
        None => {
            r.err(
                ErrorCode::UnknownSchema,
                "schema",
                format!("missing; this reader takes \"{PROBLEM_SCHEMA}\""),
            );
            return None;
        }
    }
    let name = r.require(m, "name", "$").and_then(|v| r.string(v, "name"));
    let bh = r
        .require(m, "business_hours", "$")
        .and_then(|v| r.interval(v, "business_hours"));
    let now = Reader::opt(m, "now").and_then(|v| r.time(v, "now"));
    let settings = match Reader::opt(m, "settings") {
        Some(v) => read_settings(r, v),
        None => Some(Settings::default()),
    };
    let travel = r.require(m, "travel", "$").and_then(|v| read_travel(r, v));
    let matrix = matches!(travel, Some(Travel::Matrix { .. }));
    let techs_v = r
        .require(m, "technicians", "$")
        .and_then(|v| r.list(v, "technicians"));
    let jobs_v = r.require(m, "jobs", "$").and_then(|v| r.list(v, "jobs"));
    let locations = techs_v.map_or(0, Vec::len) + jobs_v.map_or(0, Vec::len);
    if locations > MAX_LOCATIONS {
        r.err(
            ErrorCode::OutOfRange,
            "jobs",
            format!(
                "{locations} technicians and jobs; at most {MAX_LOCATIONS} fit one day's travel \
                 matrix: split the day by region"
            ),
        );
        return None;
    }

    let mut techs = Vec::new();
    let mut tech_ids: HashMap<String, usize> = HashMap::new();
    let mut techs_ok = techs_v.is_some();
    // file index of each technician read, for paths that name it later
    let mut tech_at: Vec<usize> = Vec::new();
    for (i, tv) in techs_v.into_iter().flatten().enumerate() {
        let path = index("technicians", i);
        match read_technician(r, tv, &path, matrix) {
            Some(t) => {
                tech_at.push(i);
                if tech_ids.insert(t.id.clone(), i).is_some() {
                    r.err(
                        ErrorCode::DuplicateTechnician,
                        &join(&path, "id"),
                        format!("technician id {:?} is used twice", t.id),
                    );
                }
                techs.push(t);
            }
            None => techs_ok = false,
        }
    }
    let mut jobs = Vec::new();
    let mut job_ids: HashSet<String> = HashSet::new();
    let mut jobs_ok = jobs_v.is_some();
    for (i, jv) in jobs_v.into_iter().flatten().enumerate() {
        let path = index("jobs", i);
        match read_job(r, jv, &path, matrix) {
            Some(j) => {
                if !job_ids.insert(j.id.clone()) {
                    r.err(
                        ErrorCode::DuplicateJob,
                        &join(&path, "id"),
                        format!("job id {:?} is used twice", j.id),
                    );
                }
                if techs_ok {
                    check_job_refs(r, &j, &path, &tech_ids);
                }
                jobs.push(j);
            }
            None => jobs_ok = false,
        }
    }
    if jobs_ok {
        for (t, &i) in techs.iter().zip(&tech_at) {
            if let Some(p) = &t.position {
                if !job_ids.contains(&p.job) {
                    r.err(
                        ErrorCode::UnknownJob,
                        &join(&index("technicians", i), "position.job"),
                        format!("unknown job {:?}", p.job),
                    );
                }
            }
        }
    }
    if let (Some(Travel::Matrix { minutes }), true, true) = (&travel, techs_ok, jobs_ok) {
        let n = techs.len() + jobs.len();
        if minutes.len() != n {
            r.err(
                ErrorCode::MatrixShape,
                "travel.minutes",
                format!(
                    "must be {n}x{n} ({} technicians then {} jobs), has {} rows",
                    techs.len(),
                    jobs.len(),
                    minutes.len()
                ),
            );
        }
        for (a, row) in minutes.iter().enumerate() {
            if row.len() != n {
                r.err(
                    ErrorCode::MatrixShape,
                    &index("travel.minutes", a),
                    format!("must have {n} entries, has {}", row.len()),
                );
            }
        }
    }
    Some(Problem {
        schema: PROBLEM_SCHEMA.to_string(),
        name: name?,
        now,
        business_hours: bh?,
        settings: settings?,
        travel: travel?,
        technicians: techs_ok.then_some(techs)?,
        jobs: jobs_ok.then_some(jobs)?,
    })
}

fn check_job_refs(r: &mut Reader, j: &Job, path: &str, techs: &HashMap<String, usize>) {
    if let Some(a) = &j.assignment {
        if !techs.contains_key(&a.technician) {
            r.err(
                ErrorCode::UnknownTechnician,
                &join(path, "assignment.technician"),
                format!("unknown technician {:?}", a.technician),
            );
        }
    }
}

fn read_settings(r: &mut Reader, v: &Value) -> Option<Settings> {
    let path = "settings";
    let m = r.obj(v, path)?;
    let d = Settings::default();
    let mut ok = true;
    let mut get =
        |r: &mut Reader, key: &str, f: &mut dyn FnMut(&mut Reader, &Value, &str) -> bool| {
            if let Some(v) = Reader::opt(m, key) {
                if !f(r, v, &join(path, key)) {
                    ok = false;
                }
            }
        };
    let mut s = d;
    get(r, "reschedule_within", &mut |r, v, p| {
        r.enumerated(
            v,
            p,
            &[
                ("arrival_window", RescheduleWithin::ArrivalWindow),
                ("business_hours", RescheduleWithin::BusinessHours),
            ],
        )
        .map(|x| s.reschedule_within = x)
        .is_some()
    });
    get(r, "max_drive_minutes", &mut |r, v, p| {
        r.number(v, p, 0.0, false, MAX_MINUTES)
            .map(|x| s.max_drive_minutes = Some(x))
            .is_some()
    });
    get(r, "drive_cost_per_minute", &mut |r, v, p| {
        r.number(v, p, 0.0, false, MAX_MONEY)
            .map(|x| s.drive_cost_per_minute = x)
            .is_some()
    });
    get(r, "tag_weights", &mut |r, v, p| {
        let Some(tw) = r.obj(v, p) else { return false };
        let mut good = true;
        let mut out = BTreeMap::new();
        for (k, w) in tw {
            match r.number(w, &join(p, k), 0.0, true, MAX_MONEY) {
                Some(w) => {
                    out.insert(k.clone(), w);
                }
                None => good = false,
            }
        }
        s.tag_weights = out;
        good
    });
    get(r, "enabled_job_types", &mut |r, v, p| {
        r.strings(v, p)
            .map(|x| s.enabled_job_types = Some(x))
            .is_some()
    });
    get(r, "return_home", &mut |r, v, p| {
        r.boolean(v, p).map(|x| s.return_home = x).is_some()
    });
    get(r, "lock_before_start_minutes", &mut |r, v, p| {
        r.number(v, p, 0.0, false, MAX_MINUTES)
            .map(|x| s.lock_before_start_minutes = x)
            .is_some()
    });
    get(r, "preferred_technician_bonus", &mut |r, v, p| {
        r.number(v, p, 0.0, false, MAX_MONEY)
            .map(|x| s.preferred_technician_bonus = x)
            .is_some()
    });
    ok.then_some(s)
}

fn read_travel(r: &mut Reader, v: &Value) -> Option<Travel> {
    let m = r.obj(v, "travel")?;
    let model = r.require(m, "model", "travel")?;
    let model = r.enumerated(
        model,
        "travel.model",
        &[("haversine", 0u8), ("matrix", 1u8)],
    )?;
    if model == 0 {
        let speed = r
            .require(m, "speed_kmh", "travel")
            // below walking pace a day's drives leave the calendar
            .and_then(|v| r.number(v, "travel.speed_kmh", 0.1, false, 1.0e6));
        let road = match Reader::opt(m, "road_factor") {
            Some(v) => r.number(v, "travel.road_factor", 0.0, true, 100.0),
            None => Some(1.0),
        };
        Some(Travel::Haversine {
            speed_kmh: speed?,
            road_factor: road?,
        })
    } else {
        let rows = r
            .require(m, "minutes", "travel")
            .and_then(|v| r.list(v, "travel.minutes"))?;
        let mut out = Vec::with_capacity(rows.len());
        let mut ok = true;
        for (a, row) in rows.iter().enumerate() {
            let path = index("travel.minutes", a);
            let Some(row) = r.list(row, &path) else {
                ok = false;
                continue;
            };
            let mut vals = Vec::with_capacity(row.len());
            for (b, x) in row.iter().enumerate() {
                match r.number(x, &index(&path, b), 0.0, false, MAX_MINUTES) {
                    Some(x) => vals.push(x),
                    None => ok = false,
                }
                if r.errors.len() > 1000 {
                    return None;
                }
            }
            out.push(vals);
        }
        ok.then_some(Travel::Matrix { minutes: out })
    }
}

fn read_technician(r: &mut Reader, v: &Value, path: &str, matrix: bool) -> Option<Technician> {
    let m = r.obj(v, path)?;
    let id = r
        .require(m, "id", path)
        .and_then(|v| r.string(v, &join(path, "id")));
    let name = match Reader::opt(m, "name") {
        Some(v) => r.string(v, &join(path, "name")).map(Some),
        None => Some(None),
    };
    let home = match Reader::opt(m, "home") {
        Some(v) => r.latlon(v, &join(path, "home")).map(Some),
        None if !matrix => {
            r.err(
                ErrorCode::MissingLocation,
                &join(path, "home"),
                "missing; the haversine travel model needs every technician's home".into(),
            );
            None
        }
        None => Some(None),
    };
    let skills = opt_strings(r, m, "skills", path);
    let zones = opt_strings(r, m, "zones", path);
    let dispatch_pro = opt_bool(r, m, "dispatch_pro", path, true);
    let mut ok = true;
    let mut shifts = Vec::new();
    let shifts_v = r
        .require(m, "shifts", path)
        .and_then(|v| r.list(v, &join(path, "shifts")));
    if shifts_v.is_none() {
        ok = false;
    }
    for (k, sv) in shifts_v.into_iter().flatten().enumerate() {
        let sp = index(&join(path, "shifts"), k);
        let Some(sm) = r.obj(sv, &sp) else {
            ok = false;
            continue;
        };
        let iv = r.interval(sv, &sp);
        let kind = r.require(sm, "kind", &sp).and_then(|v| {
            r.enumerated(
                v,
                &join(&sp, "kind"),
                &[
                    ("regular", ShiftKind::Regular),
                    ("on_call", ShiftKind::OnCall),
                    ("time_off", ShiftKind::TimeOff),
                ],
            )
        });
        match (iv, kind) {
            (Some(iv), Some(kind)) => shifts.push(Shift {
                start: iv.start,
                end: iv.end,
                kind,
            }),
            _ => ok = false,
        }
    }
    let mut events = Vec::new();
    if let Some(ev) = Reader::opt(m, "events") {
        let ep = join(path, "events");
        match r.list(ev, &ep) {
            Some(list) => {
                for (k, e) in list.iter().enumerate() {
                    let p = index(&ep, k);
                    let Some(em) = r.obj(e, &p) else {
                        ok = false;
                        continue;
                    };
                    let iv = r.interval(e, &p);
                    let id = match Reader::opt(em, "id") {
                        Some(v) => r.string(v, &join(&p, "id")).map(Some),
                        None => Some(None),
                    };
                    let code = match Reader::opt(em, "timesheet_code") {
                        Some(v) => r.string(v, &join(&p, "timesheet_code")).map(Some),
                        None => Some(None),
                    };
                    match (iv, id, code) {
                        (Some(iv), Some(id), Some(code)) => events.push(Event {
                            id,
                            start: iv.start,
                            end: iv.end,
                            timesheet_code: code,
                        }),
                        _ => ok = false,
                    }
                }
            }
            None => ok = false,
        }
    }
    let mut conversion = BTreeMap::new();
    if let Some(cv) = Reader::opt(m, "conversion") {
        let cp = join(path, "conversion");
        match r.obj(cv, &cp) {
            Some(cm) => {
                for (k, x) in cm {
                    match r.number(x, &join(&cp, k), 0.0, false, 1.0e6) {
                        Some(x) => {
                            conversion.insert(k.clone(), x);
                        }
                        None => ok = false,
                    }
                }
            }
            None => ok = false,
        }
    }
    let position = match Reader::opt(m, "position") {
        Some(pv) => {
            let pp = join(path, "position");
            r.obj(pv, &pp)
                .and_then(|pm| {
                    let job = r
                        .require(pm, "job", &pp)
                        .and_then(|v| r.string(v, &join(&pp, "job")));
                    let free = match Reader::opt(pm, "free_from") {
                        Some(v) => r.time(v, &join(&pp, "free_from")).map(Some),
                        None => Some(None),
                    };
                    Some(Position {
                        job: job?,
                        free_from: free?,
                    })
                })
                .map(Some)
        }
        None => Some(None),
    };
    let position = match position {
        Some(p) => p,
        None => {
            ok = false;
            None
        }
    };
    if !ok {
        return None;
    }
    Some(Technician {
        id: id?,
        name: name?,
        home: home?,
        skills: skills?,
        shifts,
        events,
        conversion,
        zones: zones?,
        dispatch_pro: dispatch_pro?,
        position,
    })
}

fn opt_strings(
    r: &mut Reader,
    m: &Map<String, Value>,
    key: &str,
    path: &str,
) -> Option<Option<Vec<String>>> {
    match Reader::opt(m, key) {
        Some(v) => r.strings(v, &join(path, key)).map(Some),
        None => Some(None),
    }
}

fn opt_bool(
    r: &mut Reader,
    m: &Map<String, Value>,
    key: &str,
    path: &str,
    default: bool,
) -> Option<bool> {
    match m.get(key) {
        Some(v) => r.boolean(v, &join(path, key)),
        None => Some(default),
    }
}

fn read_job(r: &mut Reader, v: &Value, path: &str, matrix: bool) -> Option<Job> {
    let m = r.obj(v, path)?;
    let id = r
        .require(m, "id", path)
        .and_then(|v| r.string(v, &join(path, "id")));
    let location = match Reader::opt(m, "location") {
        Some(v) => r.latlon(v, &join(path, "location")).map(Some),
        None if !matrix => {
            r.err(
                ErrorCode::MissingLocation,
                &join(path, "location"),
                "missing; the haversine travel model needs every job's location".into(),
            );
            None
        }
        None => Some(None),
    };
    let job_type = r
        .require(m, "job_type", path)
        .and_then(|v| r.string(v, &join(path, "job_type")));
    let tags = match m.get("tags") {
        Some(v) => r.strings(v, &join(path, "tags")),
        None => Some(Vec::new()),
    };
    let window = r
        .require(m, "arrival_window", path)
        .and_then(|v| r.interval(v, &join(path, "arrival_window")));
    let duration = r
        .require(m, "duration_minutes", path)
        .and_then(|v| r.number(v, &join(path, "duration_minutes"), 0.0, false, MAX_MINUTES));
    let value = r
        .require(m, "value", path)
        .and_then(|v| r.number(v, &join(path, "value"), 0.0, false, MAX_MONEY));
    let skills = match m.get("skills") {
        Some(v) => r.strings(v, &join(path, "skills")),
        None => Some(Vec::new()),
    };
    let tech_req = match m.get("technicians_required") {
        Some(v) => {
            let p = join(path, "technicians_required");
            r.number(v, &p, 1.0, false, 1.0e6).and_then(|x| {
                if x.fract() == 0.0 {
                    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                    Some(x as u32)
                } else {
                    r.err(
                        ErrorCode::OutOfRange,
                        &p,
                        format!("must be a whole number, got {x}"),
                    );
                    None
                }
            })
        }
        None => Some(1),
    };
    let multi_day = opt_bool(r, m, "multi_day", path, false);
    let dispatch_pro = opt_bool(r, m, "dispatch_pro", path, true);
    let tech_specific = opt_bool(r, m, "technician_specific", path, false);
    let status = r.require(m, "status", path).and_then(|v| {
        r.enumerated(
            v,
            &join(path, "status"),
            &[
                ("scheduled", JobStatus::Scheduled),
                ("dispatched", JobStatus::Dispatched),
                ("working", JobStatus::Working),
                ("hold", JobStatus::Hold),
                ("done", JobStatus::Done),
                ("canceled", JobStatus::Canceled),
            ],
        )
    });
    let zone = match Reader::opt(m, "zone") {
        Some(v) => r.string(v, &join(path, "zone")).map(Some),
        None => Some(None),
    };
    let preferred = match Reader::opt(m, "preferred_technician") {
        Some(v) => r.string(v, &join(path, "preferred_technician")).map(Some),
        None => Some(None),
    };
    let assignment = match Reader::opt(m, "assignment") {
        Some(av) => {
            let ap = join(path, "assignment");
            r.obj(av, &ap)
                .and_then(|am| {
                    let tech = r
                        .require(am, "technician", &ap)
                        .and_then(|v| r.string(v, &join(&ap, "technician")));
                    let start = r
                        .require(am, "start", &ap)
                        .and_then(|v| r.time(v, &join(&ap, "start")));
                    let source = match Reader::opt(am, "source") {
                        Some(v) => r
                            .enumerated(
                                v,
                                &join(&ap, "source"),
                                &[
                                    ("manual", Source::Manual),
                                    ("dispatch_pro", Source::DispatchPro),
                                ],
                            )
                            .map(Some),
                        None => Some(None),
                    };
                    Some(Assignment {
                        technician: tech?,
                        start: start?,
                        source: source?,
                    })
                })
                .map(Some)
        }
        None => Some(None),
    };
    Some(Job {
        id: id?,
        location: location?,
        job_type: job_type?,
        tags: tags?,
        arrival_window: window?,
        duration_minutes: duration?,
        value: value?,
        skills: skills?,
        technicians_required: tech_req?,
        multi_day: multi_day?,
        dispatch_pro: dispatch_pro?,
        technician_specific: tech_specific?,
        status: status?,
        assignment: assignment?,
        zone: zone?,
        preferred_technician: preferred?,
    })
}
