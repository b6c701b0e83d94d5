//! Background jobs: one runner for all long work. A job runs an engine function on a worker
//! thread with a [`Progress`] handle (fraction, stage text, cooperative cancel); a panic inside
//! it becomes an error result, and the result reaches the UI with a repaint request.

use crate::lang::{Bilingual, Text};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// The job was cancelled by the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cancelled")]
pub struct Cancelled;

impl Bilingual for Cancelled {
    fn text(&self) -> Text {
        Text::new("已取消", "cancelled")
    }
}

type Notify = Box<dyn Fn() + Send + Sync>;

#[derive(Default)]
struct ProgressInner {
    fraction: AtomicU32,
    stage: Mutex<Text>,
    cancel: AtomicBool,
    notify: Mutex<Option<Notify>>,
}

/// Progress and cancel shared between a job and whoever watches it. Cloning shares it.
/// Engine functions take `&Progress`; the CLI passes [`Progress::default`].
#[derive(Clone)]
pub struct Progress {
    inner: Arc<ProgressInner>,
    start: f32,
    span: f32,
}

impl Default for Progress {
    fn default() -> Self {
        Progress {
            inner: Arc::default(),
            start: 0.0,
            span: 1.0,
        }
    }
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Progress")
            .field("fraction", &self.fraction())
            .field("stage", &self.stage())
            .field("cancelled", &self.is_cancelled())
            .finish()
    }
}

impl Progress {
    /// A handle that calls `notify` (e.g. a repaint request) whenever progress moves.
    pub fn with_notify(notify: impl Fn() + Send + Sync + 'static) -> Progress {
        let p = Progress::default();
        *p.inner.notify.lock().unwrap_or_else(|e| e.into_inner()) = Some(Box::new(notify));
        p
    }

    fn notify(&self) {
        if let Some(n) = self
            .inner
            .notify
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
        {
            n();
        }
    }

    /// A handle for one step of a longer job: its 0..=1 maps onto `start..start + span` of
    /// this handle's range. Cancel and stage text are shared.
    pub fn part(&self, start: f32, span: f32) -> Progress {
        Progress {
            inner: Arc::clone(&self.inner),
            start: self.start + start * self.span,
            span: span * self.span,
        }
    }

    /// Sets the fraction done of this handle's range, clamped to 0..=1.
    pub fn set(&self, fraction: f32) {
        let f = self.start + fraction.clamp(0.0, 1.0) * self.span;
        let old = f32::from_bits(self.inner.fraction.swap(f.to_bits(), Ordering::Relaxed));
        if (f - old).abs() >= 0.005 || f >= 1.0 {
            self.notify();
        }
    }

    /// Sets the stage shown beside the bar, in both languages.
    pub fn set_stage(&self, stage: Text) {
        *self.inner.stage.lock().unwrap_or_else(|e| e.into_inner()) = stage;
        self.notify();
    }

    /// The fraction done of the whole job.
    pub fn fraction(&self) -> f32 {
        f32::from_bits(self.inner.fraction.load(Ordering::Relaxed))
    }

    /// The current stage.
    pub fn stage(&self) -> Text {
        self.inner
            .stage
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Asks the job to stop at its next check.
    pub fn cancel(&self) {
        self.inner.cancel.store(true, Ordering::Relaxed);
    }

    /// Whether cancel was asked for.
    pub fn is_cancelled(&self) -> bool {
        self.inner.cancel.load(Ordering::Relaxed)
    }

    /// `Err(Cancelled)` once cancel was asked for; engine loops call this often.
    pub fn check(&self) -> Result<(), Cancelled> {
        if self.is_cancelled() {
            Err(Cancelled)
        } else {
            Ok(())
        }
    }
}

/// How a job ended when it did not return a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobError {
    /// The user cancelled it.
    Cancelled,
    /// The engine returned an error, or panicked (the message, in both languages, says
    /// which).
    Failed(Text),
}

impl std::fmt::Display for JobError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JobError::Cancelled => f.write_str("cancelled"),
            JobError::Failed(m) => f.write_str(&m.en),
        }
    }
}

/// A running job. Poll it once a frame with [`Job::poll`].
pub struct Job<T> {
    /// What the job is doing, for the progress bar.
    pub title: String,
    /// Shared progress and cancel.
    pub progress: Progress,
    /// When it started.
    pub started: Instant,
    rx: Receiver<Result<T, JobError>>,
}

impl<T: Send + 'static> Job<T> {
    /// Starts `work` on a worker thread. `notify` is called on progress and when it ends
    /// (pass the UI's repaint request). An `Err` from `work` or a panic in it ends the job
    /// with [`JobError::Failed`]; an error while cancel was asked ends it with
    /// [`JobError::Cancelled`]. The job's parallel work runs on a thread pool of its own, so
    /// a long job (a model comparison) cannot hold back the parallel steps of the others
    /// (they would queue behind it in one shared pool).
    pub fn spawn<E: Bilingual + Send>(
        title: impl Into<String>,
        notify: impl Fn() + Send + Sync + 'static,
        work: impl FnOnce(&Progress) -> Result<T, E> + Send + 'static,
    ) -> Job<T> {
        let progress = Progress::with_notify(notify);
        let (tx, rx) = channel();
        let p = progress.clone();
        std::thread::Builder::new()
            .name("persona-lab-job".into())
            .spawn(move || {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(rayon::current_num_threads())
                    .thread_name(|i| format!("persona-lab-job-{i}"))
                    .build();
                let outcome = catch_unwind(AssertUnwindSafe(|| match &pool {
                    Ok(pool) => pool.install(|| work(&p)),
                    Err(_) => work(&p),
                }));
                if let Ok(pool) = &pool {
                    pool.broadcast(|_| crate::memory::return_freed());
                }
                crate::memory::return_freed();
                let result = match outcome {
                    Ok(Ok(value)) => Ok(value),
                    Ok(Err(_)) if p.is_cancelled() => Err(JobError::Cancelled),
                    Ok(Err(e)) => Err(JobError::Failed(e.text())),
                    Err(panic) => {
                        let m = panic_message(panic.as_ref());
                        Err(JobError::Failed(Text::pair(
                            format!("内部错误：{m}"),
                            format!("internal error: {m}"),
                        )))
                    }
                };
                // The receiver may be gone if the window closed; nothing is lost then.
                let _ = tx.send(result);
                p.notify();
            })
            .expect("spawning a worker thread");
        Job {
            title: title.into(),
            progress,
            started: Instant::now(),
            rx,
        }
    }

    /// The result once the job has ended, `None` while it runs.
    pub fn poll(&self) -> Option<Result<T, JobError>> {
        match self.rx.try_recv() {
            Ok(r) => Some(r),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Err(JobError::Failed(no_result()))),
        }
    }

    /// Blocks until the job ends (for tests and the command line).
    pub fn wait(self) -> Result<T, JobError> {
        self.rx
            .recv()
            .unwrap_or_else(|_| Err(JobError::Failed(no_result())))
    }
}

/// Why a job ended without a result: its worker thread went away.
fn no_result() -> Text {
    Text::new(
        "工作线程结束时没有给出结果",
        "the worker thread ended without a result",
    )
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn reports_progress_and_returns_the_value() {
        let job = Job::spawn(
            "count",
            || {},
            |p| {
                p.set_stage(Text::new("计数", "counting"));
                p.set(0.5);
                Ok::<_, Cancelled>(42)
            },
        );
        assert_eq!(job.wait(), Ok(42));
    }

    #[test]
    fn cancel_is_honoured_quickly() {
        let job = Job::spawn(
            "spin",
            || {},
            |p| {
                loop {
                    p.check()?;
                    std::thread::sleep(Duration::from_millis(5));
                }
                #[allow(unreachable_code)]
                Ok::<(), Cancelled>(())
            },
        );
        std::thread::sleep(Duration::from_millis(20));
        let asked = Instant::now();
        job.progress.cancel();
        let progress = job.progress.clone();
        assert_eq!(job.wait(), Err(JobError::Cancelled));
        assert!(progress.is_cancelled());
        assert!(asked.elapsed() < Duration::from_millis(250));
    }

    /// A job whose parallel work holds every thread of its pool does not hold back another
    /// job's parallel work (in one shared pool, the second would wait for the first).
    #[test]
    fn a_long_parallel_job_does_not_hold_back_another() {
        use rayon::prelude::*;
        use std::sync::Arc;
        use std::sync::atomic::{AtomicBool, Ordering};
        let done = Arc::new(AtomicBool::new(false));
        let seen = done.clone();
        let long = Job::spawn(
            "long",
            || {},
            move |_| {
                let started = Instant::now();
                (0..rayon::current_num_threads() * 4)
                    .into_par_iter()
                    .for_each(|_| {
                        while !seen.load(Ordering::SeqCst)
                            && started.elapsed() < Duration::from_secs(20)
                        {
                            std::thread::sleep(Duration::from_millis(2));
                        }
                    });
                Ok::<_, Cancelled>(())
            },
        );
        std::thread::sleep(Duration::from_millis(50));
        let started = Instant::now();
        let short = Job::spawn(
            "short",
            || {},
            |_| Ok::<_, Cancelled>((0..1000u64).into_par_iter().sum::<u64>()),
        );
        assert_eq!(short.wait(), Ok(499_500));
        assert!(started.elapsed() < Duration::from_secs(5));
        done.store(true, Ordering::SeqCst);
        assert_eq!(long.wait(), Ok(()));
    }

    #[test]
    fn a_panic_becomes_an_error() {
        let job = Job::spawn(
            "boom",
            || {},
            |_| -> Result<(), Cancelled> { panic!("index out of bounds") },
        );
        match job.wait() {
            Err(JobError::Failed(m)) => {
                assert_eq!(m.en, "internal error: index out of bounds");
                assert_eq!(m.zh, "内部错误：index out of bounds");
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn an_engine_error_ends_the_job_in_both_languages() {
        let job = Job::spawn(
            "fail",
            || {},
            |_| -> crate::error::Result<()> {
                Err(crate::error::Error::input("没有数据", "no data"))
            },
        );
        assert_eq!(
            job.wait(),
            Err(JobError::Failed(Text::new("没有数据", "no data")))
        );
    }

    #[test]
    fn progress_is_clamped_and_shared() {
        let p = Progress::default();
        let q = p.clone();
        p.set(1.7);
        assert_eq!(q.fraction(), 1.0);
        p.set_stage(Text::new("甲", "x"));
        assert_eq!(q.stage().en, "x");
        let half = p.part(0.5, 0.5);
        half.set(0.5);
        assert_eq!(q.fraction(), 0.75);
        half.part(0.0, 0.5).set(1.0);
        assert_eq!(q.fraction(), 0.75);
    }
}
