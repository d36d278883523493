//! Local search.

use std::time::Instant;

use crate::state::{Ctx, Sol};

/// How a search ended.
#[derive(Debug, Clone, Copy, Default)]
pub struct Outcome {
    pub moves: usize,
    pub passes: usize,
    /// The time limit stopped it before a pass found nothing.
    pub cut: bool,
}

pub fn improve(_ctx: &Ctx, _sol: &mut Sol, _seed: u64, _deadline: Instant) -> Outcome {
    Outcome::default()
}
