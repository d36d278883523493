//! Why a job is not (or cannot be) assigned: per technician, which rule
//! rejects it, and for the plan, the most specific reason code with a
//! sentence a dispatcher understands.

use crate::instance::{Instance, JobClass};
use crate::reason::ReasonCode;
use crate::route::{best_insertion, Insertion, RouteStop};
use crate::rules::{overlaps, Fit, Rule, Skills, StartWindow, Zone};
use crate::time::clock;

/// A rule that keeps a technician from a job, in words.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejection {
    pub rule: Rule,
    pub detail: String,
}

/// The route of technician `t` holding only its fixed stops (locked jobs and
/// technician-specific jobs at their current start).
#[must_use]
pub fn fixed_route(inst: &Instance, t: usize) -> Vec<RouteStop> {
    inst.techs[t]
        .fixed
        .iter()
        .map(|&j| RouteStop {
            job: j,
            fixed: inst.jobs[j].assignment.map(|a| a.1),
        })
        .collect()
}

/// Does job `j` fit technician `t`'s day on its own (only fixed work
/// around it)? The best insertion, or the rule that says no.
///
/// # Errors
/// The rejecting rule with a sentence.
pub fn alone(inst: &Instance, j: usize, t: usize) -> Result<Insertion, Rejection> {
    in_route(inst, j, t, &fixed_route(inst, t))
}

/// The best insertion of job `j` into a given route of technician `t`.
///
/// # Errors
/// The rejecting rule with a sentence.
pub fn in_route(
    inst: &Instance,
    j: usize,
    t: usize,
    route: &[RouteStop],
) -> Result<Insertion, Rejection> {
    if let Fit::No(rule) = inst.fit(j, t) {
        return Err(Rejection {
            rule,
            detail: ineligible_sentence(inst, j, t, rule),
        });
    }
    if StartWindow::passed(inst, j) {
        return Err(Rejection {
            rule: Rule::StartWindow,
            detail: format!(
                "its start window ended at {}, before now ({})",
                clock(inst.jobs[j].window.1),
                clock(inst.now)
            ),
        });
    }
    best_insertion(inst, t, route, j).map_err(|f| {
        if f.rule == Rule::StartWindow {
            let (rule, detail) = availability(inst, j, t);
            Rejection { rule, detail }
        } else {
            Rejection {
                rule: f.rule,
                detail: f.detail,
            }
        }
    })
}

fn ineligible_sentence(inst: &Instance, j: usize, t: usize, rule: Rule) -> String {
    let job = &inst.problem.jobs[j];
    match rule {
        Rule::Skills => format!("lacks {}", quote_list(&Skills::missing(inst, j, t))),
        Rule::Zone => format!(
            "does not serve zone '{}'",
            job.zone.as_deref().unwrap_or("")
        ),
        Rule::UnmanagedTechnician => "is not managed by the optimizer (dispatch_pro off)".into(),
        Rule::TechnicianSpecific => format!(
            "cannot take it: the job is technician-specific to {}",
            inst.jobs[j]
                .assignment
                .map_or("another technician", |a| inst.techs[a.0].id.as_str())
        ),
        Rule::LockedMoved => "cannot take it: the job is locked where it is".into(),
        _ => "cannot take it: the optimizer may not assign this job".into(),
    }
}

/// What in technician `t`'s day blocks job `j`'s start window — off shift,
/// time off, on call, events, or locked work — as the rule and a sentence.
fn availability(inst: &Instance, j: usize, t: usize) -> (Rule, String) {
    let tech = &inst.techs[t];
    let job = &inst.jobs[j];
    let (ws, we) = (job.window.0.max(inst.now), job.window.1);
    let span_end = we + job.duration;
    let on_shift = tech
        .regular
        .iter()
        .any(|&(a, b)| a <= we && b >= ws.max(a) + job.duration);
    if !on_shift {
        return (
            Rule::OutsideShift,
            format!(
                "has no regular shift that holds {:.0} min starting {}–{}",
                job.duration,
                clock(ws),
                clock(we)
            ),
        );
    }
    let mut rule = Rule::StartWindow;
    let mut parts: Vec<String> = tech
        .blocked
        .iter()
        .filter(|b| overlaps(ws, span_end, b.start, b.end))
        .map(|b| {
            rule = match b.kind {
                crate::instance::BlockKind::Event { .. } => Rule::EventOverlap,
                _ => Rule::TimeOff,
            };
            format!("{} {}–{}", b.kind.describe(), clock(b.start), clock(b.end))
        })
        .collect();
    for &f in &tech.fixed {
        if let Some((_, s)) = inst.jobs[f].assignment {
            let e = s + inst.jobs[f].duration;
            if overlaps(ws, span_end, s, e) {
                if rule == Rule::StartWindow {
                    rule = Rule::Overlap;
                }
                parts.push(format!(
                    "busy with {} {}–{}",
                    inst.jobs[f].id,
                    clock(s),
                    clock(e)
                ));
            }
        }
    }
    if parts.is_empty() {
        return (
            Rule::Travel,
            format!(
                "cannot fit the drive there and {:.0} min of work starting {}–{} inside a shift",
                job.duration,
                clock(ws),
                clock(we)
            ),
        );
    }
    (rule, format!("is {}", parts.join(", ")))
}

fn quote_list(items: &[String]) -> String {
    let q: Vec<String> = items.iter().map(|s| format!("'{s}'")).collect();
    match q.len() {
        0 => "nothing".into(),
        1 => q[0].clone(),
        _ => format!("{} and {}", q[..q.len() - 1].join(", "), q[q.len() - 1]),
    }
}

fn names(inst: &Instance, techs: &[usize]) -> String {
    let ids: Vec<String> = techs.iter().map(|&t| inst.techs[t].id.clone()).collect();
    match ids.len() {
        0 => "no technician".into(),
        1 => ids[0].clone(),
        2..=4 => format!(
            "{} and {}",
            ids[..ids.len() - 1].join(", "),
            ids[ids.len() - 1]
        ),
        n => format!("{}, {} and {} others", ids[0], ids[1], n - 2),
    }
}

/// For rule 5's reasons: the managed technicians, those of them with the
/// job's skills, and those serving its zone.
pub struct QualifiedSets {
    pub managed: Vec<usize>,
    pub s_set: Vec<usize>,
    pub z_set: Vec<usize>,
}

/// The [`QualifiedSets`] of job `j`.
#[must_use]
pub fn qualified_sets(inst: &Instance, j: usize) -> QualifiedSets {
    let managed: Vec<usize> = (0..inst.techs.len())
        .filter(|&t| inst.techs[t].managed)
        .collect();
    let s_set = managed
        .iter()
        .copied()
        .filter(|&t| Skills::fits(inst, j, t))
        .collect();
    let z_set = managed
        .iter()
        .copied()
        .filter(|&t| Zone::fits(inst, j, t))
        .collect();
    QualifiedSets {
        managed,
        s_set,
        z_set,
    }
}

/// The most specific reason code for an unassigned job, with a sentence.
#[must_use]
#[allow(clippy::too_many_lines)]
pub fn reason(inst: &Instance, j: usize) -> (ReasonCode, String) {
    let pj = &inst.problem.jobs[j];
    let job = &inst.jobs[j];
    if let JobClass::Unassignable(code) = job.class {
        let detail = match code {
            ReasonCode::MultiTechnician => format!(
                "needs {} technicians; the optimizer never assigns multi-technician jobs",
                pj.technicians_required
            ),
            ReasonCode::MultiDay => {
                "spans several days; the optimizer never assigns multi-day jobs".into()
            }
            ReasonCode::DispatchProOff if !pj.dispatch_pro => {
                "its Dispatch Pro toggle is off; the optimizer leaves it to the dispatcher".into()
            }
            ReasonCode::DispatchProOff => format!(
                "its job type '{}' is not enabled for Dispatch Pro",
                pj.job_type
            ),
            _ => format!(
                "its status is {} but it has no assignment, so there is nothing to keep and \
                 it is not the optimizer's to place",
                pj.status.as_str()
            ),
        };
        return (code, detail);
    }
    let managed: Vec<usize> = (0..inst.techs.len())
        .filter(|&t| inst.techs[t].managed)
        .collect();
    if managed.is_empty() {
        return (
            ReasonCode::Availability,
            "no technician of this day is managed by the optimizer (dispatch_pro off for all)"
                .into(),
        );
    }
    let QualifiedSets { s_set, z_set, .. } = qualified_sets(inst, j);
    let both: Vec<usize> = s_set
        .iter()
        .copied()
        .filter(|&t| Zone::fits(inst, j, t))
        .collect();
    if both.is_empty() {
        let zone = pj.zone.clone().unwrap_or_default();
        if s_set.is_empty() && !pj.skills.is_empty() {
            return (
                ReasonCode::Skills,
                format!(
                    "needs {}; no technician the optimizer manages has {}",
                    quote_list(&pj.skills),
                    if pj.skills.len() == 1 {
                        "it"
                    } else {
                        "all of them"
                    }
                ),
            );
        }
        if z_set.is_empty() {
            return (
                ReasonCode::Zone,
                format!("is in zone '{zone}'; no technician the optimizer manages serves it"),
            );
        }
        return (
            ReasonCode::Zone,
            format!(
                "is in zone '{zone}'; {} serve{} it but lack{} {}",
                names(inst, &z_set),
                if z_set.len() == 1 { "s" } else { "" },
                if z_set.len() == 1 { "s" } else { "" },
                quote_list(&pj.skills)
            ),
        );
    }
    if StartWindow::passed(inst, j) {
        return (
            ReasonCode::WindowPassed,
            format!(
                "its start window ended at {}, before now ({})",
                clock(job.window.1),
                clock(inst.now)
            ),
        );
    }
    let mut fits: Vec<(usize, Insertion)> = Vec::new();
    let mut rejected: Vec<(usize, Rejection)> = Vec::new();
    for &t in &both {
        match alone(inst, j, t) {
            Ok(ins) => fits.push((t, ins)),
            Err(r) => rejected.push((t, r)),
        }
    }
    if !fits.is_empty() {
        fits.sort_by(|a, b| b.1.delta.total_cmp(&a.1.delta).then(a.0.cmp(&b.0)));
        let who: Vec<usize> = fits.iter().map(|f| f.0).collect();
        return (
            ReasonCode::Capacity,
            format!(
                "fits the day of {} on its own, but their time went to work of higher value",
                names(inst, &who)
            ),
        );
    }
    // plural forms; `singular` turns them for one technician
    let skill_words = if pj.skills.is_empty() {
        "are qualified".to_string()
    } else {
        format!("have {}", quote_list(&pj.skills))
    };
    if let Some(max) = inst.max_drive {
        let all_too_far = rejected.iter().all(|(t, _)| {
            let tech = &inst.techs[*t];
            let from_start = inst.drive(tech.start_loc, job.loc);
            let from_fixed = tech
                .fixed
                .iter()
                .map(|&f| inst.drive(inst.jobs[f].loc, job.loc))
                .fold(f64::INFINITY, f64::min);
            from_start.min(from_fixed) > max
        });
        if all_too_far {
            let nearest = rejected
                .iter()
                .map(|(t, _)| inst.drive(inst.techs[*t].start_loc, job.loc))
                .fold(f64::INFINITY, f64::min);
            return (
                ReasonCode::DriveTime,
                format!(
                    "every qualified technician is more than the {max:.0}-min drive limit away \
                     (nearest {nearest:.0} min)"
                ),
            );
        }
    }
    // group technicians by the sentence that rejects them
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    for (t, r) in &rejected {
        match groups.iter_mut().find(|g| g.0 == r.detail) {
            Some(g) => g.1.push(*t),
            None => groups.push((r.detail.clone(), vec![*t])),
        }
    }
    let parts: Vec<String> = groups
        .iter()
        .take(3)
        .map(|(d, ts)| {
            let plural = ts.len() > 1;
            format!(
                "{} {} but {}",
                names(inst, ts),
                if plural {
                    skill_words.clone()
                } else {
                    singular(&skill_words)
                },
                if plural {
                    plural_predicate(d)
                } else {
                    d.clone()
                }
            )
        })
        .collect();
    let mut detail = format!(
        "no qualified technician is free in its start window {}–{}: {}",
        clock(job.window.0),
        clock(job.window.1),
        parts.join("; ")
    );
    if groups.len() > 3 {
        detail.push_str(&format!("; and {} more", groups.len() - 3));
    }
    (ReasonCode::Availability, detail)
}

/// "have X" / "are X" for one technician.
fn singular(words: &str) -> String {
    if let Some(rest) = words.strip_prefix("have ") {
        format!("has {rest}")
    } else if let Some(rest) = words.strip_prefix("are ") {
        format!("is {rest}")
    } else {
        words.to_string()
    }
}

/// A predicate written for one technician ("is on time off ...") turned for
/// several ("are on time off ...").
fn plural_predicate(pred: &str) -> String {
    for (one, many) in [
        ("is ", "are "),
        ("has ", "have "),
        ("lacks ", "lack "),
        ("does ", "do "),
    ] {
        if let Some(rest) = pred.strip_prefix(one) {
            return format!("{many}{rest}");
        }
    }
    pred.to_string()
}
