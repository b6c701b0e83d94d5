//! `profile`.

use super::{CliError, DataArgs, checks, print_json};
use crate::data::TableKind;
use crate::jobs::Progress;
use crate::profile::build_profiles;
use std::path::Path;

/// The tables learner profiles are built from.
pub(super) const PROFILE_TABLES: [TableKind; 3] =
    [TableKind::Users, TableKind::Courses, TableKind::Events];

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
