//! Routing benchmarks as FORMAT.md problems (`autodispatch import`).
//!
//! TOPTW (team orienteering with time windows): every tour is a technician
//! based at the depot, whose shift is the depot's window (so the drive
//! home must end by its due time); every vertex a job worth its score,
//! starting inside its window; no drive cost. Solomon VRPTW: the same,
//! with the demand as the value (as the Solomon-based TOPTW files do) and
//! the file's vehicle number as the default number of tours; capacity has
//! no counterpart in FORMAT.md and is ignored. Travel is the Euclidean
//! distance in minutes, rounded down to `decimals` when given (the TOPTW
//! literature uses 1 decimal for the Solomon-based sets, 2 for Cordeau's).

use std::collections::BTreeMap;

use autodispatch_model::problem::{
    Interval, Job, JobStatus, Problem, Settings, Shift, ShiftKind, Technician, Time, Travel,
    PROBLEM_SCHEMA,
};
use autodispatch_model::time::parse_time;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ImportError {
    #[error("line {line}: {msg}")]
    Parse { line: usize, msg: String },
    #[error("{0}")]
    Invalid(String),
}

/// One vertex of a benchmark: node 0 is the depot.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub x: f64,
    pub y: f64,
    pub service: f64,
    pub value: f64,
    pub ready: f64,
    pub due: f64,
}

/// A parsed benchmark: depot and customers, and the tours its file names.
#[derive(Debug, Clone, PartialEq)]
pub struct Bench {
    pub name: String,
    pub nodes: Vec<Node>,
    /// Vehicles (Solomon) or `v` (TOPTW: tours that visit everything).
    pub tours_hint: usize,
}

fn num(tok: &str, line: usize) -> Result<f64, ImportError> {
    tok.parse::<f64>().map_err(|_| ImportError::Parse {
        line,
        msg: format!("'{tok}' is not a number"),
    })
}

/// Reads a TOPTW file (`TOPTW_format.txt`).
///
/// # Errors
/// A line that does not follow the format.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
pub fn parse_toptw(name: &str, text: &str) -> Result<Bench, ImportError> {
    let lines: Vec<(usize, Vec<&str>)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.split_whitespace().collect::<Vec<_>>()))
        .filter(|(_, t)| !t.is_empty())
        .collect();
    let Some((l1, head)) = lines.first() else {
        return Err(ImportError::Invalid("empty file".into()));
    };
    if head.len() < 3 {
        return Err(ImportError::Parse {
            line: *l1,
            msg: "expected 'k v N t'".into(),
        });
    }
    let v = num(head[1], *l1)? as usize;
    let n = num(head[2], *l1)? as usize;
    // the second line (D Q) is not relevant; node lines have 9 + a fields
    let mut nodes = Vec::with_capacity(n + 1);
    for (line, t) in lines.iter().skip(2) {
        if nodes.len() == n + 1 {
            break;
        }
        if t.len() < 9 {
            return Err(ImportError::Parse {
                line: *line,
                msg: format!("a vertex line needs at least 9 fields, found {}", t.len()),
            });
        }
        let a = num(t[6], *line)? as usize;
        if t.len() < 9 + a {
            return Err(ImportError::Parse {
                line: *line,
                msg: format!(
                    "a vertex line with a = {a} needs {} fields, found {}",
                    9 + a,
                    t.len()
                ),
            });
        }
        nodes.push(Node {
            x: num(t[1], *line)?,
            y: num(t[2], *line)?,
            service: num(t[3], *line)?,
            value: num(t[4], *line)?,
            ready: num(t[7 + a], *line)?,
            due: num(t[8 + a], *line)?,
        });
    }
    if nodes.len() != n + 1 {
        return Err(ImportError::Invalid(format!(
            "the header announces {n} vertices and a depot, the file has {} lines of them",
            nodes.len()
        )));
    }
    Ok(Bench {
        name: name.to_string(),
        nodes,
        tours_hint: v,
    })
}

/// Reads a Solomon VRPTW file.
///
/// # Errors
/// A line that does not follow the format.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
pub fn parse_solomon(text: &str) -> Result<Bench, ImportError> {
    let lines: Vec<(usize, Vec<&str>)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.split_whitespace().collect::<Vec<_>>()))
        .filter(|(_, t)| !t.is_empty())
        .collect();
    let name = lines
        .first()
        .and_then(|l| l.1.first())
        .map(ToString::to_string)
        .ok_or_else(|| ImportError::Invalid("empty file".into()))?;
    let mut vehicles = None;
    let mut nodes = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let (line, t) = &lines[i];
        if t[0].eq_ignore_ascii_case("NUMBER") {
            if let Some((l2, t2)) = lines.get(i + 1) {
                vehicles = Some(num(t2[0], *l2)? as usize);
            }
            i += 2;
            continue;
        }
        if t.len() == 7 && t.iter().all(|x| x.parse::<f64>().is_ok()) {
            nodes.push(Node {
                x: num(t[1], *line)?,
                y: num(t[2], *line)?,
                value: num(t[3], *line)?,
                ready: num(t[4], *line)?,
                due: num(t[5], *line)?,
                service: num(t[6], *line)?,
            });
        }
        i += 1;
    }
    if nodes.len() < 2 {
        return Err(ImportError::Invalid(
            "no customer lines (7 numbers each) found".into(),
        ));
    }
    Ok(Bench {
        name,
        nodes,
        tours_hint: vehicles.unwrap_or(1),
    })
}

/// The decimals the TOPTW literature rounds distances down to for a file
/// name: 2 for Cordeau's `pr` sets, 1 for the Solomon-based ones.
#[must_use]
pub fn toptw_decimals(file_name: &str) -> u32 {
    if file_name.to_ascii_lowercase().starts_with("pr") {
        2
    } else {
        1
    }
}

/// Options of the conversion.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportOptions {
    pub tours: usize,
    /// Round distances down to this many decimals; `None`: exact.
    pub decimals: Option<u32>,
    pub drive_cost_per_minute: f64,
}

/// The benchmark as a FORMAT.md problem; time 0 is 2026-01-05T00:00.
///
/// # Errors
/// No tours, or a window that ends before it starts.
#[allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_wrap,
    clippy::cast_possible_truncation
)]
pub fn to_problem(b: &Bench, opts: &ImportOptions) -> Result<Problem, ImportError> {
    if opts.tours == 0 {
        return Err(ImportError::Invalid("at least one tour is needed".into()));
    }
    let base = parse_time("2026-01-05T00:00").map_err(ImportError::Invalid)?;
    let at = |m: f64| Time(base + m);
    let depot = &b.nodes[0];
    if depot.due < depot.ready {
        return Err(ImportError::Invalid(
            "the depot's window ends before it opens".into(),
        ));
    }
    let m = opts.tours;
    // locations: every technician's home (the depot), then every customer
    let pts: Vec<(f64, f64)> = std::iter::repeat((depot.x, depot.y))
        .take(m)
        .chain(b.nodes[1..].iter().map(|n| (n.x, n.y)))
        .collect();
    let round = |d: f64| match opts.decimals {
        Some(k) => {
            let f = 10f64.powi(k as i32);
            // a hair of slack so 12.3 stored as 12.29999.. is not cut to 12.2
            (d * f + 1e-9).floor() / f
        }
        None => d,
    };
    let minutes: Vec<Vec<f64>> = pts
        .iter()
        .map(|a| {
            pts.iter()
                .map(|p| round((a.0 - p.0).hypot(a.1 - p.1)))
                .collect()
        })
        .collect();
    let technicians = (0..m)
        .map(|i| Technician {
            id: format!("T{}", i + 1),
            name: None,
            home: None,
            skills: None,
            shifts: vec![Shift {
                start: at(depot.ready),
                end: at(depot.due),
                kind: ShiftKind::Regular,
            }],
            events: Vec::new(),
            conversion: BTreeMap::new(),
            zones: None,
            dispatch_pro: true,
            position: None,
        })
        .collect();
    let mut jobs = Vec::with_capacity(b.nodes.len() - 1);
    for (i, n) in b.nodes.iter().enumerate().skip(1) {
        if n.due < n.ready {
            return Err(ImportError::Invalid(format!(
                "vertex {i}: its window ends before it opens"
            )));
        }
        jobs.push(Job {
            id: format!("J{i}"),
            location: None,
            job_type: "visit".into(),
            tags: Vec::new(),
            arrival_window: Interval {
                start: at(n.ready),
                end: at(n.due),
            },
            duration_minutes: n.service,
            value: n.value,
            skills: Vec::new(),
            technicians_required: 1,
            multi_day: false,
            dispatch_pro: true,
            technician_specific: false,
            status: JobStatus::Scheduled,
            assignment: None,
            zone: None,
            preferred_technician: None,
        });
    }
    Ok(Problem {
        schema: PROBLEM_SCHEMA.into(),
        name: format!("{}-m{m}", b.name),
        now: None,
        business_hours: Interval {
            start: at(depot.ready),
            end: at(depot.due),
        },
        settings: Settings {
            drive_cost_per_minute: opts.drive_cost_per_minute,
            return_home: true,
            ..Settings::default()
        },
        travel: Travel::Matrix { minutes },
        technicians,
        jobs,
    })
}
