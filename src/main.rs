//! `persona-lab`: without a subcommand opens the window; with one runs headless.

use clap::Parser;
use persona_lab::cli::{Cli, run};
use std::process::ExitCode;

/// mimalloc keeps freed buffers for reuse: training and the data frames allocate and free
/// large buffers at every step, which the system allocator returns to the OS each time
/// (on ML-100K a third of the GRU's training time went to page faults).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
