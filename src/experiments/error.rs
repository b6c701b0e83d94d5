//! Why an experiment could not be read out.

/// Why no read-out could be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AbError {
    /// The table has no rows.
    #[error("no experiment rows")]
    Empty,
    /// The experiment asked for is not in the data.
    #[error("experiment `{name}` not found; experiments are: {known}")]
    UnknownExperiment {
        /// Asked for.
        name: String,
        /// Present.
        known: String,
    },
    /// The control asked for is not a variant.
    #[error("control `{name}` is not a variant of `{experiment}`; variants are: {known}")]
    UnknownControl {
        /// Asked for.
        name: String,
        /// The experiment.
        experiment: String,
        /// Present.
        known: String,
    },
    /// A column the read-out needs is missing or of the wrong type.
    #[error("experiments table: {0}")]
    Column(String),
    /// A setting out of its range.
    #[error("{0}")]
    Setting(String),
}
