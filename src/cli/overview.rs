//! `overview`: learners, activity and revenue by month, best sellers, the funnel and cohorts.

use super::{CliError, DataArgs, print_json};
use crate::data::TableKind;
use crate::overview::{FunnelBy, Glance, glance};
use crate::recommendations::read_segments;
use clap::{Args, ValueEnum};
use std::path::PathBuf;

/// What the funnel is split by on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SplitBy {
    /// One funnel over every course.
    All,
    /// One funnel per course.
    Course,
    /// One funnel per course category.
    Category,
}

/// `persona-lab overview`.
#[derive(Debug, Args)]
pub struct OverviewArgs {
    #[command(flatten)]
    input: DataArgs,
    /// What the funnel is split by.
    #[arg(long, value_enum, default_value_t = SplitBy::Category)]
    by: SplitBy,
    /// Split the funnel by these groups instead: a CSV with `user_id` and `segment` columns
    /// (and optionally `label`), as `segment --out` writes it.
    #[arg(long, value_name = "FILE", conflicts_with = "by")]
    segments: Option<PathBuf>,
    /// Rows of each table in the text output.
    #[arg(long, default_value_t = 10)]
    top: usize,
    /// Print one JSON object (every month, course, funnel and cohort).
    #[arg(long)]
    pub(super) json: bool,
}

pub(super) fn overview_cmd(args: &OverviewArgs) -> Result<(), CliError> {
    let started = std::time::Instant::now();
    let by = match &args.segments {
        Some(path) => FunnelBy::Group(
            read_segments(path)?
                .into_iter()
                .map(|(u, label)| (u, label.en.into_owned()))
                .collect(),
        ),
        None => match args.by {
            SplitBy::All => FunnelBy::All,
            SplitBy::Course => FunnelBy::Course,
            SplitBy::Category => FunnelBy::Category,
        },
    };
    let ds = args
        .input
        .load_only(&[TableKind::Users, TableKind::Courses, TableKind::Events])?;
    let g = glance(&ds, &by, &super::reporting_progress())?;
    if args.json {
        let mut value = serde_json::to_value(&g).map_err(|e| CliError::Internal(e.to_string()))?;
        value["seconds"] = started.elapsed().as_secs_f64().into();
        return print_json(&value);
    }
    print_text(&g, args.top);
    Ok(())
}

fn print_text(g: &Glance, top: usize) {
    let s = &g.summary;
    say!(
        "{} learners, {} active in the last {} days of data, {} buyers; {} orders, ¥{:.2} revenue ({} to {})",
        s.learners,
        s.active_learners,
        crate::overview::ACTIVE_DAYS,
        s.buyers,
        s.orders,
        s.revenue,
        s.first_day.as_deref().unwrap_or("—"),
        s.last_day.as_deref().unwrap_or("—"),
    );
    if s.refunds > 0 {
        say!(
            "  {} refunds, ¥{:.2} (not subtracted)",
            s.refunds,
            s.refunded
        );
    }
    say!("\nmonth     active     new  returning  orders     revenue");
    for m in &s.months {
        say!(
            "{}  {:>7} {:>7} {:>10} {:>7} {:>11.2}",
            m.month,
            m.active,
            m.new,
            m.returning,
            m.orders,
            m.revenue
        );
    }
    say!("\ntop courses by revenue");
    for c in s.courses.iter().take(top) {
        say!(
            "  {} {} [{}]: {} buyers, ¥{:.2}",
            c.course_id,
            c.title,
            c.category,
            c.buyers,
            c.revenue
        );
    }
    say!("\ncategories by revenue");
    for c in s.categories.iter().take(top) {
        say!("  {}: {} buyers, ¥{:.2}", c.category, c.buyers, c.revenue);
    }
    say!(
        "\nfunnel (learners who got at least this far): {}",
        g.funnel.stages.join(" → ")
    );
    for f in g.funnel.groups.iter().take(top) {
        let steps: Vec<String> = (0..5).map(|s| f.stage_text(s)).collect();
        say!("  {}: {}", f.name, steps.join(" → "));
    }
    say!("\ncohort retention (share active k months after joining)");
    for c in &g.cohorts {
        let cells: Vec<String> = c
            .retention
            .iter()
            .map(|r| format!("{:>3.0}%", 100.0 * r))
            .collect();
        say!("  {} ({:>5}): {}", c.month, c.size, cells.join(" "));
    }
}
