//! The memory the window holds at a dataset's scale: the resident size after loading and
//! after each tab's result is computed, each as a window job (its own threads, the program's
//! allocator), holding every result as the window does, with the peak while each ran.
//! Run: `cargo bench --bench window_memory -- DATA_DIR` (e.g. a `sample --users 1000000`
//! folder). The window itself, frame by frame, is `scripts/window_at_scale.sh`.
use persona_lab::data::{Dataset, Mapping, load_dataset};
use persona_lab::jobs::{Job, Progress};
use std::path::Path;
use std::sync::Arc;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A size line of `/proc/self/status` (`VmRSS`, `VmHWM`) in gigabytes.
fn status_gb(field: &str) -> f64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1e6)
}

/// Resident gigabytes once freed memory has had time to go back, and the peak since the
/// last call (the peak is reset through `/proc/self/clear_refs`).
fn rss() -> String {
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let line = format!(
        "{:.2} GB (peak {:.2})",
        status_gb("VmRSS"),
        status_gb("VmHWM")
    );
    // Writing 5 resets the peak resident size to the current one (Linux 4.0+).
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    line
}

/// Runs `work` as the window runs a job and waits for it.
fn job<T: Send + 'static>(work: impl FnOnce(&Progress) -> Result<T, String> + Send + 'static) -> T {
    let job = Job::spawn("job", || {}, work);
    loop {
        if let Some(r) = job.poll() {
            return r.unwrap();
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

fn main() {
    let Some(dir) = std::env::args().skip(1).find(|a| !a.starts_with("--")) else {
        eprintln!("usage: cargo bench --bench window_memory -- DATA_DIR");
        std::process::exit(2);
    };
    let t = std::time::Instant::now();
    let ds: Arc<Dataset> = Arc::new(job(move |p| {
        load_dataset(Path::new(&dir), &Mapping::default(), p).map_err(|e| e.to_string())
    }));
    println!("dataset         {}  {:?}", rss(), t.elapsed());
    let d = Arc::clone(&ds);
    let profiles = Arc::new(job(move |p| {
        persona_lab::profile::build_profiles(&d, p).map_err(|_| "cancelled".to_string())
    }));
    println!("profiles        {}", rss());
    let pr = Arc::clone(&profiles);
    let seg = job(move |p| {
        persona_lab::segment::segment_learners_like(
            &pr,
            &persona_lab::segment::SegmentConfig::default(),
            None,
            p,
        )
        .map_err(|e| e.to_string())
    });
    println!("segments        {}", rss());
    let shared = persona_lab::recommendations::SharedInteractions::default();
    let sh = shared.clone();
    let d = Arc::clone(&ds);
    let recs = job(move |p| {
        let settings = persona_lab::recommendations::RecsSettings {
            kind: persona_lab::recommendations::ModelKind::EASE,
            params: Default::default(),
            groups: persona_lab::recommendations::GroupSource::Attribute("occupation".into()),
            tune: false,
            compare: None,
            seed: 1,
            cache: None,
            compare_learners: persona_lab::recommendations::run::COMPARE_LEARNERS,
            shared: sh.clone(),
        };
        persona_lab::recommendations::train_and_compare(&d, &settings, p).map_err(|e| e.to_string())
    });
    println!("recommendations {}", rss());
    let d = Arc::clone(&ds);
    let ctr = job(move |p| {
        persona_lab::campaigns::train_campaigns(&d, &Default::default(), p)
            .map_err(|e| e.to_string())
    });
    println!("campaigns       {}", rss());
    println!(
        "(held: {} segments, {} recommended courses, {} campaign test rows)",
        seg.summaries.len(),
        recs.trained.interactions.catalog.len(),
        ctr.report.rows_test
    );
}
