//! Typed errors of loading a problem: every one carries a stable code, the
//! JSON path of the field and what to do about it.

use std::fmt;

/// Stable codes of input errors. The number never changes meaning; new
/// kinds of error get new numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ErrorCode {
    /// The file is empty, not JSON, or nested too deep.
    MalformedJson,
    /// `schema` is missing or names another format or version.
    UnknownSchema,
    /// A required field is absent.
    MissingField,
    /// A field has the wrong JSON type.
    WrongType,
    /// A number is outside its allowed range.
    OutOfRange,
    /// A string is not one of the allowed values.
    UnknownEnum,
    /// A date-time does not parse.
    BadTime,
    /// An interval ends before it starts.
    InvertedInterval,
    /// Two technicians share an id.
    DuplicateTechnician,
    /// Two jobs share an id.
    DuplicateJob,
    /// A reference names a technician that is not in the problem.
    UnknownTechnician,
    /// A reference names a job that is not in the problem.
    UnknownJob,
    /// The travel matrix does not match the locations.
    MatrixShape,
    /// A location needed by the travel model is missing.
    MissingLocation,
}

impl ErrorCode {
    /// The code as printed: `E` and four digits.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MalformedJson => "E1001",
            Self::UnknownSchema => "E1002",
            Self::MissingField => "E1101",
            Self::WrongType => "E1102",
            Self::OutOfRange => "E1103",
            Self::UnknownEnum => "E1104",
            Self::BadTime => "E1201",
            Self::InvertedInterval => "E1203",
            Self::DuplicateTechnician => "E1301",
            Self::DuplicateJob => "E1302",
            Self::UnknownTechnician => "E1303",
            Self::UnknownJob => "E1304",
            Self::MatrixShape => "E1401",
            Self::MissingLocation => "E1402",
        }
    }

    /// What to do about an error of this kind.
    #[must_use]
    pub fn hint(self) -> &'static str {
        match self {
            Self::MalformedJson => "write the problem as one JSON object (see FORMAT.md)",
            Self::UnknownSchema => "set \"schema\" to \"dispatch-problem/1\"",
            Self::MissingField => "add the field; FORMAT.md lists the required ones",
            Self::WrongType => "give the field the JSON type FORMAT.md names",
            Self::OutOfRange => "use a number inside the allowed range",
            Self::UnknownEnum => "use one of the listed values",
            Self::BadTime => "write local time as YYYY-MM-DDTHH:MM, optionally :SS and .fff",
            Self::InvertedInterval => "make the end no earlier than the start",
            Self::DuplicateTechnician => "give every technician a distinct id",
            Self::DuplicateJob => "give every job a distinct id",
            Self::UnknownTechnician => "name a technician listed in \"technicians\"",
            Self::UnknownJob => "name a job listed in \"jobs\"",
            Self::MatrixShape => {
                "give one row and column per location: technicians' homes, then jobs"
            }
            Self::MissingLocation => "add coordinates, or use the matrix travel model",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One thing wrong with an input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub code: ErrorCode,
    /// JSON path, e.g. `jobs[3].arrival_window.end`; `$` for the whole file.
    pub path: String,
    pub message: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.code, self.path, self.message)
    }
}

/// Why a problem could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{}", join_errors(.0))]
    Invalid(Vec<InputError>),
}

impl LoadError {
    /// Every input error, in file order; empty for I/O errors.
    #[must_use]
    pub fn errors(&self) -> &[InputError] {
        match self {
            Self::Invalid(e) => e,
            Self::Io { .. } => &[],
        }
    }
}

fn join_errors(errors: &[InputError]) -> String {
    let mut out = format!("{} error(s) in the problem:", errors.len());
    for e in errors {
        out.push_str("\n  ");
        out.push_str(&e.to_string());
    }
    out
}
