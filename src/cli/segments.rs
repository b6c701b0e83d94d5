//! `segment`.

use super::{CliError, DataArgs, checks, print_json};
use crate::data::Mapping;
use crate::jobs::Progress;
use crate::profile::{Profiles, build_profiles};
use crate::segment::{
    Method, SegmentConfig, SegmentResult, SegmentSummary, Segmentation, plain_summaries, segment,
    segment_learners, write_members, write_membership, write_summaries,
};
use clap::Args;
use std::path::{Path, PathBuf};

/// Arguments of `segment`.
#[derive(Debug, Clone, Args)]
pub struct SegmentArgs {
    /// Dataset folder: cluster its learner profiles.
    #[arg(
        long,
        conflicts_with = "features",
        required_unless_present = "features"
    )]
    pub data: Option<PathBuf>,
    /// A CSV of your own features (first column = id, the rest numeric), clustered as given;
    /// a table of profile features (from `profile --emit-sql` run in a warehouse) is
    /// standardised as profiles are, giving the segments `--data` gives.
    #[arg(long)]
    pub features: Option<PathBuf>,
    /// Standardise `--features` columns first (z-scores; profile features always are).
    #[arg(long)]
    pub scale: bool,
    /// Method.
    #[arg(long, value_enum, default_value_t = Method::Kmeans)]
    pub method: Method,
    /// Number of segments, or `auto` to choose by silhouette over 2..=10.
    #[arg(long, default_value = "auto")]
    pub k: String,
    /// Random seed.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Where to write `user_id,segment`.
    #[arg(long)]
    pub out: PathBuf,
    /// Also write one summary row per segment (segments under 10 learners are suppressed).
    #[arg(long, value_name = "FILE")]
    pub summaries: Option<PathBuf>,
    /// Replace learner ids in `--out` with salted SHA-256 pseudonyms.
    #[arg(long, value_name = "SALT")]
    pub pseudonymise: Option<String>,
    /// Also write each learner's probability per segment (a Gaussian mixture fitted on the
    /// top principal components): `user_id,segment,p_0,…`.
    #[arg(long, value_name = "FILE")]
    pub membership: Option<PathBuf>,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// A features CSV as read: ids, the numeric column names and their numbers, and the text
/// columns left out.
struct FeatureFile {
    ids: Vec<String>,
    names: Vec<String>,
    x: ndarray::Array2<f64>,
    skipped: Vec<String>,
}

/// Reads a features CSV: first column id, then any columns. A column whose first non-empty
/// value is a number is numeric (a later non-number names its line and column; empty cells
/// take the column mean); a column whose first value is text (a label, an attribute, as in
/// `profile`'s output) is left out and listed.
fn read_features(path: &Path) -> Result<FeatureFile, CliError> {
    let bad = |e: &dyn std::fmt::Display| CliError::Input(format!("{}: {e}", path.display()));
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(|e| CliError::Input(format!("{}: cannot be read: {e}", path.display())))?;
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| bad(&e))?
        .iter()
        .map(str::to_string)
        .collect();
    let width = header.len();
    // Each record with its byte offset in the file.
    let mut rows: Vec<(u64, csv::StringRecord)> = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| bad(&e))?;
        // The line from the byte offset, looked up only for a message.
        let offset = record.position().map_or(0, |p| p.byte());
        let line = || crate::data::load::line_at_offset(path, offset).unwrap_or(i as u64 + 2);
        if record.len() != width {
            return Err(CliError::Input(format!(
                "{}: line {}: expected {width} fields, found {}",
                path.display(),
                line(),
                record.len()
            )));
        }
        rows.push((offset, record));
    }
    let parse = crate::data::cells::parse_number;
    let (numeric, skipped): (Vec<usize>, Vec<usize>) = (1..width).partition(|&j| {
        rows.iter()
            .map(|(_, r)| r[j].trim())
            .find(|c| !c.is_empty())
            .is_none_or(|c| parse(c).is_some())
    });
    if numeric.is_empty() {
        return Err(CliError::Input(format!(
            "{}: line 1: no numeric feature columns after the id",
            path.display()
        )));
    }
    if rows.len() < 2 {
        return Err(CliError::Input(format!(
            "{}: needs at least two rows",
            path.display()
        )));
    }
    let mut x = ndarray::Array2::from_elem((rows.len(), numeric.len()), f64::NAN);
    for (i, (offset, record)) in rows.iter().enumerate() {
        for (k, &j) in numeric.iter().enumerate() {
            let cell = record[j].trim();
            if cell.is_empty() {
                continue;
            }
            x[[i, k]] = parse(cell).ok_or_else(|| {
                let line = crate::data::load::line_at_offset(path, *offset).unwrap_or(i as u64 + 2);
                CliError::Input(format!(
                    "{}: line {line}, column {}: `{cell}` is not a number",
                    path.display(),
                    header[j]
                ))
            })?;
        }
    }
    for mut col in x.columns_mut() {
        let known: Vec<f64> = col.iter().copied().filter(|v| !v.is_nan()).collect();
        let (mean, _) = crate::math::mean_sd(&known);
        col.mapv_inplace(|v| if v.is_nan() { mean } else { v });
    }
    Ok(FeatureFile {
        ids: rows.iter().map(|(_, r)| r[0].to_string()).collect(),
        names: numeric.iter().map(|&j| header[j].clone()).collect(),
        x,
        skipped: skipped.iter().map(|&j| header[j].clone()).collect(),
    })
}

/// Columns standardised to z-scores (constant columns become 0).
fn z_scores(mut x: ndarray::Array2<f64>) -> ndarray::Array2<f64> {
    for mut col in x.columns_mut() {
        let (mean, sd) = crate::math::mean_sd(&col.to_vec());
        col.mapv_inplace(|v| if sd > 0.0 { (v - mean) / sd } else { 0.0 });
    }
    x
}

/// The columns as profile features, when every name is one (a table from `profile
/// --emit-sql` run in a warehouse): they are then standardised as profiles are (block
/// weights, clipping), so the segments are those `segment --data` finds on the same data.
fn profile_features(
    names: &[String],
    x: &ndarray::Array2<f64>,
) -> Option<Vec<crate::profile::features::Feature>> {
    names
        .iter()
        .zip(x.columns())
        .map(|(name, values)| {
            Some(crate::profile::features::Feature {
                name: name.clone(),
                block: crate::profile::features::Block::of_feature(name)?,
                values: values.to_vec(),
            })
        })
        .collect()
}

/// The soft membership of the rows of `x` in `seg`'s segments, or why it cannot be fitted.
fn soft_membership(
    x: &ndarray::Array2<f64>,
    seg: &Segmentation,
) -> Result<crate::segment::Membership, CliError> {
    crate::segment::membership(x.view(), seg, &Progress::default())
        .map_err(|e| CliError::Input(format!("--membership: {e}")))
}

pub(super) fn segment_cmd(args: &SegmentArgs) -> Result<(), CliError> {
    let k = match args.k.as_str() {
        "auto" => None,
        n => Some(n.parse::<usize>().ok().filter(|k| *k >= 1).ok_or_else(|| {
            CliError::Input(format!("--k `{n}` is not a positive number or `auto`"))
        })?),
    };
    let cfg = SegmentConfig {
        method: args.method,
        k,
        seed: args.seed,
        ..SegmentConfig::default()
    };
    let internal = |e: crate::jobs::Cancelled| CliError::Internal(e.to_string());
    let salt = checks::salt(args.pseudonymise.as_deref())?;
    let inputs = match (&args.data, &args.features) {
        (Some(dir), _) => checks::dataset_files(dir, &Mapping::default()),
        (None, Some(file)) => vec![file.clone()],
        (None, None) => Vec::new(),
    };
    checks::output(&args.out, &inputs)?;
    for path in args.summaries.iter().chain(&args.membership) {
        checks::output(path, &inputs)?;
    }
    let fit_seconds: f64;
    let mut skipped: Vec<String> = Vec::new();
    // Whether a features file held profile features (and was standardised as profiles are).
    let mut say_profile = false;
    let (ids, seg, segments, soft): (Vec<String>, Segmentation, Vec<SegmentSummary>, _) =
        match (&args.data, &args.features) {
            (Some(dir), _) => {
                let input = DataArgs {
                    data: dir.clone(),
                    map: Vec::new(),
                    file: Vec::new(),
                    mapping: None,
                    day_origin: None,
                    sheet: None,
                };
                let dataset = input.load_only(&super::profiles::PROFILE_TABLES)?;
                let profiles: Profiles =
                    build_profiles(&dataset, &Progress::default()).map_err(internal)?;
                let started = std::time::Instant::now();
                let SegmentResult {
                    seg,
                    summaries,
                    membership: soft,
                    ..
                } = segment_learners(&profiles, &cfg, &Progress::default())?;
                fit_seconds = started.elapsed().as_secs_f64();
                let soft = match (soft, &args.membership) {
                    (Some(m), _) => Some(m),
                    (None, Some(_)) => Some(soft_membership(&profiles.matrix(), &seg)?),
                    (None, None) => None,
                };
                (profiles.table.user_ids.clone(), seg, summaries, soft)
            }
            (None, Some(path)) => {
                let file = read_features(path)?;
                let FeatureFile { ids, names, x, .. } = file;
                skipped = file.skipped;
                let x = match profile_features(&names, &x) {
                    Some(features) => {
                        say_profile = true;
                        crate::profile::standardise(&features).0
                    }
                    None if args.scale => z_scores(x),
                    None => x,
                };
                let started = std::time::Instant::now();
                let seg = segment(x.view(), &cfg, &Progress::default())
                    .map_err(|e| CliError::Input(format!("{}: {e}", path.display())))?;
                fit_seconds = started.elapsed().as_secs_f64();
                let summaries = plain_summaries(&seg, &names);
                let soft = match &args.membership {
                    Some(_) => Some(soft_membership(&x, &seg)?),
                    None => None,
                };
                (ids, seg, summaries, soft)
            }
            (None, None) => return Err(CliError::Input("give --data or --features".into())),
        };
    checks::write_atomically(&args.out, |p| write_members(p, &ids, &seg.labels, salt))?;
    if let Some(path) = &args.summaries {
        checks::write_atomically(path, |p| write_summaries(p, &segments))?;
    }
    let mut agreement = None;
    if let (Some(path), Some(soft)) = (&args.membership, &soft) {
        checks::write_atomically(path, |p| write_membership(p, &ids, &seg.labels, soft, salt))?;
        agreement = Some(soft.agreement);
    }
    let mut result = serde_json::json!({
        "k": seg.k,
        "method": seg.method,
        "inertia": seg.inertia,
        "silhouette": seg.silhouette,
        "sizes": seg.sizes,
        "segments": segments,
        "k_scores": seg.k_scores,
        "skipped_columns": skipped,
        "profile_features": say_profile,
        "seconds": fit_seconds,
    });
    if let Some(agreement) = agreement {
        result["membership_agreement"] = agreement.into();
    }
    if args.json {
        return print_json(&result);
    }
    say!(
        "{} segments ({}), inertia {:.1}, silhouette {}",
        seg.k,
        match seg.method {
            Method::Kmeans => "k-means",
            Method::Hierarchical => "hierarchical, Ward",
        },
        seg.inertia,
        seg.silhouette.map_or("—".into(), |s| format!("{s:.3}"))
    );
    for s in &segments {
        say!("  {:>2}  {:>7} learners  {}", s.id, s.size, s.label.en);
    }
    if say_profile {
        say!("profile features: standardised as profiles are (block weights, clipped at ±3)");
    }
    if !skipped.is_empty() {
        say!("text columns left out: {}", skipped.join(", "));
    }
    Ok(())
}
