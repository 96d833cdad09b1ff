//! Every setting of the program, read from the environment once at start
//! and validated: a value that is set but cannot be used stops the start
//! with a Russian message naming the setting, the value and what is
//! expected. Libraries get their settings passed down; none reads the
//! environment itself. The README lists every setting with its default.

use opora_web::{env_value, flag, setting, ConfigError};

/// Most worker threads a run may ask for (more than cores only costs memory).
const MAX_THREADS: usize = 1024;

#[derive(Debug, Clone)]
pub struct Settings {
    /// The region's time zone (`OPORA_TIMEZONE`, an IANA name).
    pub time_zone: String,
    /// Worker threads of an identification run and of reading result files
    /// (`OPORA_THREADS`; default: one per core).
    pub threads: usize,
    /// How `identify` over files reads them.
    pub reading: Reading,
    /// The web server's settings (`OPORA_UPLOAD_LIMIT_MB`, …).
    pub web: opora_web::Config,
}

/// How result files are read by `identify` over files (for comparing the readers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reading {
    /// `OPORA_SEQUENTIAL=1`: one thread, no parallel reading at all.
    pub sequential: bool,
    /// `OPORA_NO_MMAP=1` turns it off: files read in ranges instead of mapped.
    pub map_files: bool,
}

impl Settings {
    pub fn from_env() -> Result<Settings, ConfigError> {
        let time_zone = env_value("OPORA_TIMEZONE")
            .unwrap_or_else(|| opora_plans::clock::DEFAULT_TIME_ZONE.to_string());
        let threads = setting::<usize>(
            "OPORA_THREADS",
            1..=MAX_THREADS,
            "целое число потоков от 1 до 1024",
        )?
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
        Ok(Settings {
            time_zone,
            threads,
            reading: Reading {
                sequential: flag("OPORA_SEQUENTIAL")?.unwrap_or(false),
                map_files: !flag("OPORA_NO_MMAP")?.unwrap_or(false),
            },
            web: opora_web::Config::from_env()?,
        })
    }
}
