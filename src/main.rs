//! `persona-lab`: without a subcommand opens the window; with one runs headless.

use clap::Parser;
use persona_lab::cli::{Cli, run};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(command) => run(command),
        None => match persona_lab::app::run(cli.data) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("cannot open the window: {e}");
                ExitCode::from(1)
            }
        },
    }
}
