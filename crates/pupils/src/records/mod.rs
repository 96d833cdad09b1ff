//! The pupils' files as school journals export them. Like the staff files,
//! each kind has a [`Schema`] of header aliases and a `parse_row` that
//! collects every bad cell as a Russian row error.
//!
//! [`Schema`]: opora_io::Schema

pub mod attendance;
