//! `profile`.

use super::{CliError, DataArgs, checks, print_json};
use crate::data::TableKind;
use crate::jobs::Progress;
use crate::profile::build_profiles;
use std::path::Path;

/// The tables learner profiles are built from.
pub(super) const PROFILE_TABLES: [TableKind; 3] =
    [TableKind::Users, TableKind::Courses, TableKind::Events];

/// Prints the feature query for the dataset's users and courses (`profile --emit-sql`).
pub(super) fn emit_sql_cmd(
    input: &DataArgs,
    dialect: crate::profile::sql::Dialect,
) -> Result<(), CliError> {
    let mapping = input.mapping()?;
    let mut small = Vec::new();
    for kind in [TableKind::Users, TableKind::Courses] {
        if crate::data::find_table_file(&input.data, kind, &mapping)?.is_some() {
            small.push(kind);
        }
    }
    let dataset = if small.is_empty() {
        crate::data::Dataset::default()
    } else {
        input.load_only(&small)?
    };
    let table = crate::profile::features::learner_table(&dataset, &Progress::default())
        .map_err(|e| CliError::Internal(e.to_string()))?;
    let events = crate::data::find_table_file(&input.data, TableKind::Events, &mapping)?
        .ok_or_else(|| {
            CliError::Input(format!(
                "{}: no events table; the features are computed from events",
                input.data.display()
            ))
        })?;
    let columns = crate::data::load::read_header(&events, mapping.sheet.as_deref())?;
    let query = crate::profile::sql::FeatureQuery::of(
        &table,
        dataset.table(TableKind::Users).is_some(),
        dataset.table(TableKind::Courses).is_some(),
        &columns,
    );
    say!("{}", query.sql(dialect));
    Ok(())
}

pub(super) fn profile_cmd(input: &DataArgs, out: &Path, json: bool) -> Result<(), CliError> {
    let started = std::time::Instant::now();
    checks::output(out, &input.files())?;
    let dataset = input.load_only(&PROFILE_TABLES)?;
    let profiles = build_profiles(&dataset, &Progress::default())
        .map_err(|e| CliError::Internal(e.to_string()))?;
    checks::write_atomically(out, |p| profiles.to_csv(p))?;
    let mut segments: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for s in &profiles.table.rfm_segment {
        *segments.entry(s.name()).or_default() += 1;
    }
    let summary = serde_json::json!({
        "learners": profiles.len(),
        "features": profiles.feature_names,
        "rfm_segments": segments,
        "explained": profiles.explained,
        "seconds": started.elapsed().as_secs_f64(),
        "out": out.display().to_string(),
    });
    if json {
        return print_json(&summary);
    }
    say!(
        "wrote {} learner profiles ({} features) to {} in {:.1} s",
        profiles.len(),
        profiles.feature_names.len(),
        out.display(),
        started.elapsed().as_secs_f64()
    );
    for (name, n) in segments {
        say!("  {n:>8}  {name}");
    }
    Ok(())
}
