//! The input files of an identification run over files (`opora identify
//! --results … --context …`), read into the engine's tables.
//!
//! Pupil-level results in UTF-8 CSV (a national batch is 6 GB) take the
//! parallel byte-level reader (`fast`); every other file, and every row
//! that reader does not take as plainly valid, goes through the sequential
//! reader of `opora_io` (`identify_files`, `records::results::parse_row`),
//! so the results and the Russian row errors are the same either way.
//!
//! This is the workspace's one crate with `unsafe` code for speed: the file
//! mapping (`source`) and the SSE2 byte classification (`fast::classify`),
//! each with the reason it is sound.

mod fast;
mod inputs;
mod source;
#[cfg(test)]
mod tests;

pub use inputs::{read_inputs, read_results, FileInputs, InputPaths, Parallel};
pub use opora_io::identify_files::FilesError;
