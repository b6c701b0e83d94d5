//! `report`: one self-contained HTML file with every analysis of a dataset.

use super::{CliError, DataArgs, checks, print_json};
use crate::lang::Lang;
use crate::report::build_report;
use clap::{Args, ValueEnum};
use std::path::PathBuf;

/// The report's language on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportLang {
    /// 中文.
    Zh,
    /// English.
    En,
}

/// `persona-lab report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    input: DataArgs,
    /// Where to write the HTML file.
    #[arg(long)]
    out: PathBuf,
    /// Language of the report.
    #[arg(long, value_enum, default_value_t = ReportLang::Zh)]
    lang: ReportLang,
    /// Print one JSON object.
    #[arg(long)]
    pub(super) json: bool,
}

pub(super) fn report_cmd(args: &ReportArgs) -> Result<(), CliError> {
    let started = std::time::Instant::now();
    checks::output(&args.out, &args.input.files())?;
    let ds = args.input.load()?;
    let lang = match args.lang {
        ReportLang::Zh => Lang::Zh,
        ReportLang::En => Lang::En,
    };
    let html = build_report(&ds, lang, &super::reporting_progress())
        .map_err(|e| CliError::from(e.at(args.input.data.display())))?;
    checks::write_atomically(&args.out, |p| std::fs::write(p, &html))?;
    if args.json {
        return print_json(&serde_json::json!({
            "out": args.out.display().to_string(),
            "bytes": html.len(),
            "seconds": started.elapsed().as_secs_f64(),
        }));
    }
    say!(
        "wrote {} ({} KB) in {:.1} s",
        args.out.display(),
        html.len() / 1024,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
