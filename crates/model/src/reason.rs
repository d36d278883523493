//! Reason codes for unassigned jobs: the single source of their strings and
//! documentation (DESIGN.md convention 2). `docs/reason-codes.md` is
//! generated from [`ReasonCode::ALL`] and a test fails when it is stale.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ReasonCode {
    Skills,
    Zone,
    MultiTechnician,
    MultiDay,
    DispatchProOff,
    DriveTime,
    Availability,
    WindowPassed,
    Capacity,
}

impl ReasonCode {
    pub const ALL: [Self; 9] = [
        Self::Skills,
        Self::Zone,
        Self::MultiTechnician,
        Self::MultiDay,
        Self::DispatchProOff,
        Self::DriveTime,
        Self::Availability,
        Self::WindowPassed,
        Self::Capacity,
    ];

    /// The stable code written in plans.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Skills => "skills",
            Self::Zone => "zone",
            Self::MultiTechnician => "multi_technician",
            Self::MultiDay => "multi_day",
            Self::DispatchProOff => "dispatch_pro_off",
            Self::DriveTime => "drive_time",
            Self::Availability => "availability",
            Self::WindowPassed => "window_passed",
            Self::Capacity => "capacity",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// What the code means, for the generated docs.
    #[must_use]
    pub fn doc(self) -> &'static str {
        match self {
            Self::Skills => "No technician the optimizer manages has every skill the job needs (and, if the job has a zone, serves it).",
            Self::Zone => "No technician the optimizer manages serves the job's zone (among those with the skills).",
            Self::MultiTechnician => "The job needs more than one technician; the optimizer never assigns such jobs.",
            Self::MultiDay => "The job spans several days; the optimizer never assigns such jobs.",
            Self::DispatchProOff => "The job's Dispatch Pro toggle is off or its job type is not enabled: the optimizer leaves it alone.",
            Self::DriveTime => "Every qualified technician would have to drive longer than `max_drive_minutes` to reach it.",
            Self::Availability => "No qualified technician is free inside the start window: shifts, time off, on-call, events or locked work are in the way.",
            Self::WindowPassed => "The start window ended before `now`.",
            Self::Capacity => "The job fits a technician's day on its own but was displaced by work of higher value.",
        }
    }

    /// The reason-code table of `docs/reason-codes.md`.
    #[must_use]
    pub fn markdown_table() -> String {
        let mut out = String::from(
            "# Reason codes\n\n<!-- generated from crates/model/src/reason.rs; \
             `cargo test -p autodispatch-model` fails when this file is stale; \
             regenerate with `UPDATE_DOCS=1 cargo test -p autodispatch-model --test reasons` -->\n\n\
             Every unassigned job in a plan carries exactly one of these codes \
             and a sentence (`detail`) naming the rule and the technicians involved.\n\n\
             | code | meaning |\n|---|---|\n",
        );
        for c in Self::ALL {
            out.push_str(&format!("| `{}` | {} |\n", c.as_str(), c.doc()));
        }
        out
    }
}

impl fmt::Display for ReasonCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
