//! MILP optimizer (work in progress).
