//! [`CliError`]: why a command-line chore failed, with the underlying error
//! (the database's, the terminal's) as its source, so `main` can print the
//! whole chain.

use crate::commands::CommandError;
use crate::domain::FieldErrors;

/// Why `orderdesk user …`, `ensure-admin`, `refresh`, `verify` or the time-zone
/// step of `migrate` failed.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("cannot connect to the database")]
    Connect(#[source] diesel::ConnectionError),
    #[error("cannot set up the connection")]
    Setup(#[source] diesel::result::Error),
    #[error("the database failed")]
    Database(#[from] diesel::result::Error),
    /// A value typed on the command line that breaks a rule (a weak password, an unknown role).
    #[error("{0}")]
    Invalid(String),
    /// A command refused its input.
    #[error("{0}")]
    Refused(FieldErrors),
    /// A command failed for another reason.
    #[error(transparent)]
    Command(CommandError),
    #[error("cannot read the password")]
    Terminal(#[source] std::io::Error),
    #[error("the two passwords differ")]
    PasswordsDiffer,
    #[error("there is no user {0}")]
    NoSuchUser(String),
    #[error("unknown read model {name:?}; known: {known}")]
    UnknownReadModel { name: String, known: String },
    #[error("{0} read model refresh(es) failed")]
    RefreshFailed(usize),
    #[error("could not switch the read models to time zone {zone}")]
    TimeZone {
        zone: String,
        #[source]
        source: diesel::result::Error,
    },
    #[error(
        "{failed} report view(s) could not be refreshed in {zone}; run `orderdesk refresh --reports`"
    )]
    ReportsNotRefreshed { failed: usize, zone: String },
    /// The read models count days in another zone than the configured one
    /// (or their zone could not be read).
    #[error(transparent)]
    WrongTimeZone(crate::read_models::time_zone::ZoneCheckError),
    #[error("rebuild failed (nothing was changed)")]
    Rebuild(#[source] diesel::result::Error),
    #[error("verify failed to run")]
    Verify(#[source] diesel::result::Error),
    #[error("stock ledger check failed to run")]
    Ledger(#[source] diesel::result::Error),
    #[error(
        "{drifted} check(s) differ from their definitions{}",
        if *.repaired { "" } else { "; `orderdesk verify --repair` fixes exactly those rows" }
    )]
    Differs { drifted: usize, repaired: bool },
    /// An import step failed (the database); the job resumes on the next run.
    #[error("the import failed; run `orderdesk import resume` again")]
    Import(#[source] Box<crate::imports::ImportError>),
}

impl From<CommandError> for CliError {
    fn from(e: CommandError) -> Self {
        match e {
            CommandError::Invalid(errors) => Self::Refused(errors),
            other => Self::Command(other),
        }
    }
}
