//! One module per `chatward` subcommand: its arguments and its `run`.

pub mod check;
pub mod operator;
pub mod scan;
pub mod serve;
pub mod transcript;
