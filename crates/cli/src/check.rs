//! `autodispatch check PROBLEM.json PLAN.json [--json]`: exit 0 valid,
//! 1 violations (listed), 2 unreadable input.

use std::path::PathBuf;
use std::process::ExitCode;

use autodispatch_model::check::{check, Violation};
use autodispatch_model::load::{parse_json, read_text};

use crate::common::{load_problem, usage};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The problem (FORMAT.md `dispatch-problem/1`).
    pub problem: PathBuf,
    /// The plan to check (FORMAT.md `dispatch-plan/1`).
    pub plan: PathBuf,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

/// One violation as a line: `[rule] job=J technician=T detail`.
pub fn describe(v: &Violation) -> String {
    let mut s = format!("[{}]", v.rule.as_str());
    if let Some(j) = &v.job {
        s.push_str(&format!(" job={j}"));
    }
    if let Some(t) = &v.technician {
        s.push_str(&format!(" technician={t}"));
    }
    s.push(' ');
    s.push_str(&v.detail);
    s
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let problem = load_problem(&args.problem)?;
    let text = read_text(&args.plan).map_err(|e| usage(e.to_string()))?;
    let plan = parse_json(&text).map_err(|e| usage(format!("{}: {e}", args.plan.display())))?;
    let report = check(&problem, &plan);
    let m = &report.metrics;
    if args.json {
        let violations: Vec<serde_json::Value> = report
            .violations
            .iter()
            .map(|v| {
                serde_json::json!({
                    "rule": v.rule.as_str(),
                    "job": v.job,
                    "technician": v.technician,
                    "detail": v.detail,
                })
            })
            .collect();
        let out = serde_json::json!({
            "valid": report.is_valid(),
            "violations": violations,
            "metrics": {
                "assigned": m.assigned,
                "unassigned": m.unassigned,
                "value": m.value,
                "weighted_value": m.weighted_value,
                "drive_minutes": m.drive_minutes,
                "objective": m.objective,
                "preferred": m.preferred,
            }
        });
        crate::outln!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        if report.is_valid() {
            crate::outln!("VALID");
        } else {
            crate::outln!("INVALID: {} violation(s)", report.violations.len());
            for v in &report.violations {
                crate::outln!("  {}", describe(v));
            }
        }
        crate::outln!(
            "recomputed: assigned {}  unassigned {}  value {:.2}  weighted {:.2}  drive {:.2} min  objective {:.2}",
            m.assigned, m.unassigned, m.value, m.weighted_value, m.drive_minutes, m.objective
        );
    }
    Ok(if report.is_valid() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
