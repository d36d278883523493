//! The `dispatch-problem/1` format: typed, with every default of FORMAT.md.

use std::collections::BTreeMap;

use serde::{Serialize, Serializer};

use crate::time::format_time;

pub const PROBLEM_SCHEMA: &str = "dispatch-problem/1";

/// A wall-clock time, in minutes since 2000-01-01T00:00 (see [`crate::time`]).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct Time(pub f64);

impl Serialize for Time {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_time(self.0))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    pub start: Time,
    pub end: Time,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LatLon {
    pub lat: f64,
    pub lon: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum RescheduleWithin {
    #[default]
    ArrivalWindow,
    BusinessHours,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Settings {
    pub reschedule_within: RescheduleWithin,
    pub max_drive_minutes: Option<f64>,
    pub drive_cost_per_minute: f64,
    pub tag_weights: BTreeMap<String, f64>,
    pub enabled_job_types: Option<Vec<String>>,
    pub return_home: bool,
    pub lock_before_start_minutes: f64,
    pub preferred_technician_bonus: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            reschedule_within: RescheduleWithin::ArrivalWindow,
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

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "model", rename_all = "snake_case")]
pub enum Travel {
    Haversine { speed_kmh: f64, road_factor: f64 },
    Matrix { minutes: Vec<Vec<f64>> },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ShiftKind {
    Regular,
    OnCall,
    TimeOff,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Shift {
    pub start: Time,
    pub end: Time,
    pub kind: ShiftKind,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub start: Time,
    pub end: Time,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timesheet_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Position {
    pub job: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub free_from: Option<Time>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Technician {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub home: Option<LatLon>,
    /// `None`: qualified for every job.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skills: Option<Vec<String>>,
    pub shifts: Vec<Shift>,
    pub events: Vec<Event>,
    pub conversion: BTreeMap<String, f64>,
    /// `None`: serves every zone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zones: Option<Vec<String>>,
    pub dispatch_pro: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
}

impl Technician {
    /// The name when given, else the id.
    #[must_use]
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    Scheduled,
    Dispatched,
    Working,
    Hold,
    Done,
    Canceled,
}

impl JobStatus {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Scheduled => "scheduled",
            Self::Dispatched => "dispatched",
            Self::Working => "working",
            Self::Hold => "hold",
            Self::Done => "done",
            Self::Canceled => "canceled",
        }
    }

    /// hold, done and canceled jobs are not planned (FORMAT.md "Nothing lost").
    #[must_use]
    pub fn is_excluded(self) -> bool {
        matches!(self, Self::Hold | Self::Done | Self::Canceled)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Manual,
    DispatchPro,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assignment {
    pub technician: String,
    pub start: Time,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Job {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<LatLon>,
    pub job_type: String,
    pub tags: Vec<String>,
    pub arrival_window: Interval,
    pub duration_minutes: f64,
    pub value: f64,
    pub skills: Vec<String>,
    pub technicians_required: u32,
    pub multi_day: bool,
    pub dispatch_pro: bool,
    pub technician_specific: bool,
    pub status: JobStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignment: Option<Assignment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preferred_technician: Option<String>,
}

/// One dispatch day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    pub schema: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub now: Option<Time>,
    pub business_hours: Interval,
    pub settings: Settings,
    pub travel: Travel,
    pub technicians: Vec<Technician>,
    pub jobs: Vec<Job>,
}

impl Problem {
    /// `now`, defaulting to the start of business hours.
    #[must_use]
    pub fn now(&self) -> f64 {
        self.now.map_or(self.business_hours.start.0, |t| t.0)
    }

    /// The problem as pretty JSON (the format it was read from).
    #[must_use]
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a problem always serializes")
    }
}
