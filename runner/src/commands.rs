//! One module per subcommand.

mod check;
mod inspect;
mod run;

pub use check::CheckCommand;
pub use inspect::{
    ComponentSurface, Finding, InspectCommand, PolicyFit, PolicyGrants, SurfaceItem, fit_policy,
    read_surface,
};
pub use run::RunCommand;
