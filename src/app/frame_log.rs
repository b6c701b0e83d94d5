//! How long the window takes to build its frames, written to standard error when
//! `PERSONA_LAB_FRAME_LOG` is set: every five seconds, the frames built, the slowest (and how
//! its time split between taking job results, drawing, and carrying out commands) and how
//! many took over 50 ms, with the tab on screen. `scripts/window_at_scale.sh` keeps the lines,
//! to show the window stays responsive while long jobs run. The time is that of building the
//! frame (our code and egui's layout), not of the GPU drawing it.

use std::time::{Duration, Instant};

/// A frame slower than this counts as slow.
const SLOW: Duration = Duration::from_millis(50);

/// Lines are written this often.
const EVERY: Duration = Duration::from_secs(5);

/// Frame times of the current five seconds.
#[derive(Debug)]
pub struct FrameLog {
    since: Instant,
    frames: u32,
    slow: u32,
    worst: Duration,
    /// The slowest frame's results, drawing and commands.
    worst_parts: [Duration; 3],
}

impl FrameLog {
    /// A log when `PERSONA_LAB_FRAME_LOG` is set.
    pub fn from_env() -> Option<FrameLog> {
        std::env::var_os("PERSONA_LAB_FRAME_LOG").map(|_| FrameLog {
            since: Instant::now(),
            frames: 0,
            slow: 0,
            worst: Duration::ZERO,
            worst_parts: [Duration::ZERO; 3],
        })
    }

    /// Counts one frame on `tab` whose parts (taking job results, drawing, carrying out
    /// commands) took `parts`, writing a line when five seconds are up.
    pub fn record(&mut self, parts: [Duration; 3], tab: &str) {
        let took: Duration = parts.iter().sum();
        self.frames += 1;
        self.slow += u32::from(took > SLOW);
        if took > self.worst {
            self.worst = took;
            self.worst_parts = parts;
        }
        if self.since.elapsed() >= EVERY {
            let ms = |d: Duration| d.as_secs_f64() * 1e3;
            let [results, drawing, commands] = self.worst_parts.map(ms);
            eprintln!(
                "frames\t{tab}\t{}\t{:.1}\t{}\t{results:.1}\t{drawing:.1}\t{commands:.1}",
                self.frames,
                ms(self.worst),
                self.slow
            );
            self.since = Instant::now();
            self.frames = 0;
            self.slow = 0;
            self.worst = Duration::ZERO;
        }
    }
}
