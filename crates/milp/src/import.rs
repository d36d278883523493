//! Conversion of routing benchmarks into FORMAT.md problems.
