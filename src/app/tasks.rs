//! The window's background work: named tasks, each at most one job with its own progress and
//! Cancel. Starting a task replaces a running job of the same name; different tasks run side by
//! side (training recommendations does not stop a segmentation or an export).

use super::JobOutput;
use crate::jobs::{Job, JobError};
use std::collections::BTreeMap;

/// A kind of background work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Task {
    /// Loading a dataset.
    Load,
    /// Counting the business at a glance.
    Overview,
    /// Building learner profiles.
    Profiles,
    /// Valuing buyers (lifetime value).
    Value,
    /// Looking up each learner's value for the tables and segments.
    Align,
    /// Filtering and sorting the learners' table.
    Arrange,
    /// Segmenting learners.
    Segments,
    /// Training and comparing recommenders.
    Recommendations,
    /// Finding the learners a new course would reach.
    Reach,
    /// Training campaign models.
    Campaigns,
    /// Building a target list.
    Targets,
    /// Estimating an experiment's uplift.
    Uplift,
    /// Reading out an experiment.
    Readout,
    /// Planning an experiment on an audience.
    Plan,
    /// Writing an export.
    Export,
}

/// The running jobs, by task, each with the dataset generation it works on.
#[derive(Default)]
pub struct Tasks {
    running: BTreeMap<Task, (u64, Job<JobOutput>)>,
}

impl Tasks {
    /// Runs `job` as `task` on dataset `generation`, cancelling a job of that task still
    /// running.
    pub fn start(&mut self, task: Task, generation: u64, job: Job<JobOutput>) {
        if let Some((_, old)) = self.running.insert(task, (generation, job)) {
            old.progress.cancel();
        }
    }

    /// Asks the job of `task` to stop; it ends as cancelled.
    pub fn cancel(&self, task: Task) {
        if let Some((_, job)) = self.running.get(&task) {
            job.progress.cancel();
        }
    }

    /// Asks every job to stop (a new dataset makes their results stale).
    pub fn cancel_all(&self) {
        for (_, job) in self.running.values() {
            job.progress.cancel();
        }
    }

    /// Whether nothing runs.
    pub fn is_idle(&self) -> bool {
        self.running.is_empty()
    }

    /// Whether `task` runs.
    pub fn is_running(&self, task: Task) -> bool {
        self.running.contains_key(&task)
    }

    /// The job of `task`, if it runs.
    pub fn get(&self, task: Task) -> Option<&Job<JobOutput>> {
        self.running.get(&task).map(|(_, j)| j)
    }

    /// The running jobs, in task order.
    pub fn iter(&self) -> impl Iterator<Item = (Task, &Job<JobOutput>)> {
        self.running.iter().map(|(t, (_, j))| (*t, j))
    }

    /// The jobs that ended since the last call: their task, the dataset generation they
    /// worked on, and their outcome.
    pub fn finished(&mut self) -> Vec<(Task, u64, Result<JobOutput, JobError>)> {
        let mut done = Vec::new();
        self.running
            .retain(|task, (generation, job)| match job.poll() {
                Some(result) => {
                    done.push((*task, *generation, result));
                    false
                }
                None => true,
            });
        done
    }
}
