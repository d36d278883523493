//! The `dispatch-plan/1` format, and the schedule every solver returns.

use serde::Serialize;

use crate::problem::Time;

pub const PLAN_SCHEMA: &str = "dispatch-plan/1";

/// What a solver returns: per technician index, the route's stops in time
/// order, fixed stops included, each as (job index, start minute).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Schedule {
    pub routes: Vec<Vec<Visit>>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Visit {
    pub job: usize,
    pub start: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SolverStatus {
    Optimal,
    Feasible,
    TimeLimit,
    Fallback,
}

impl SolverStatus {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Optimal => "optimal",
            Self::Feasible => "feasible",
            Self::TimeLimit => "time_limit",
            Self::Fallback => "fallback",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SolverInfo {
    pub name: String,
    pub status: SolverStatus,
    pub seconds: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bound: Option<f64>,
    /// Why a fallback happened, or other notes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Kept,
    Assigned,
    Reassigned,
    Rescheduled,
    Locked,
}

impl Action {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Kept => "kept",
            Self::Assigned => "assigned",
            Self::Reassigned => "reassigned",
            Self::Rescheduled => "rescheduled",
            Self::Locked => "locked",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanStop {
    pub job: String,
    pub start: Time,
    pub end: Time,
    pub drive_minutes: f64,
    pub action: Action,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanRoute {
    pub technician: String,
    pub drive_minutes: f64,
    pub stops: Vec<PlanStop>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unassigned {
    pub job: String,
    pub reason: crate::reason::ReasonCode,
    pub detail: String,
}

impl Serialize for crate::reason::ReasonCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExcludedJob {
    pub job: String,
    pub status: crate::problem::JobStatus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    DoubleBooking,
    ManualOverride,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alert {
    pub job: String,
    pub kind: AlertKind,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Metrics {
    pub assigned: usize,
    pub unassigned: usize,
    pub value: f64,
    pub weighted_value: f64,
    pub drive_minutes: f64,
    pub objective: f64,
    /// Jobs given to their preferred technician (not in FORMAT.md; readers ignore it).
    pub preferred: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    pub schema: String,
    pub problem: String,
    pub solver: SolverInfo,
    pub routes: Vec<PlanRoute>,
    pub unassigned: Vec<Unassigned>,
    pub excluded: Vec<ExcludedJob>,
    pub alerts: Vec<Alert>,
    pub metrics: Metrics,
}

impl Plan {
    /// Pretty JSON.
    #[must_use]
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a plan always serializes")
    }

    /// The plan as a JSON value, as the checker reads it.
    #[must_use]
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("a plan always serializes")
    }
}
