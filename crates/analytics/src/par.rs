//! Data parallelism for the engine's independent parts (assessments of the
//! signs, years of the evaluation) on rayon's pool: results come back in
//! input order, so a run's output does not depend on the thread count. The
//! pool's size is the program's setting (`OPORA_THREADS`, applied once at
//! start by the binary); the engine reads no environment.

use rayon::prelude::*;

/// `f(state, i)` for i in 0..n in parallel, each worker with its own
/// `state` from `init` (e.g. reusable buffers); results in order of i.
pub fn map<T: Send, S>(
    n: usize,
    init: impl Fn() -> S + Sync + Send,
    f: impl Fn(&mut S, usize) -> T + Sync + Send,
) -> Vec<T> {
    (0..n)
        .into_par_iter()
        .map_init(init, |s, i| f(s, i))
        .collect()
}
#[cfg(test)]
mod tests {
    #[test]
    fn results_in_input_order() {
        let v = super::map(
            100,
            || 0u64,
            |calls, i| {
                *calls += 1;
                i * i
            },
        );
        assert_eq!(v, (0..100).map(|i| i * i).collect::<Vec<_>>());
        assert!(super::map(0, || (), |_, i| i).is_empty());
    }
}
