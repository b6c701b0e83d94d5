//! Persona Lab: analytics for online-course businesses.
//!
//! The engine (`data`, and the analyses built on it) takes plain data and a
//! [`jobs::Progress`] handle and never touches the UI; the window (`app`) and the command line
//! (`cli`) call the same functions.

pub mod app;
pub mod audience;
pub mod campaigns;
pub mod choice;
pub mod cli;
pub mod data;
pub mod error;
pub mod experiments;
pub mod jobs;
pub mod lang;
pub mod look;
pub mod math;
pub mod memory;
pub mod output;
pub mod overview;
pub mod privacy;
pub mod profile;
pub mod recommendations;
pub mod report;
pub mod safe_csv;
pub mod segment;
pub mod text;
pub mod value;
