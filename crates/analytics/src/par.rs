//! Data parallelism for the engine's independent parts (assessments of the
//! signs, years of the evaluation), on scoped std threads: results come back
//! in input order, so a run's output does not depend on the thread count.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Threads to use: the cores available (`OPORA_THREADS` overrides).
pub fn threads() -> usize {
    std::env::var("OPORA_THREADS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|n| *n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// `f(state, i)` for i in 0..n on up to `threads()` threads, each with its
/// own `state` from `init` (e.g. reusable buffers); results in order of i.
pub fn map<T: Send, S>(
    n: usize,
    init: impl Fn() -> S + Sync,
    f: impl Fn(&mut S, usize) -> T + Sync,
) -> Vec<T> {
    let workers = threads().min(n);
    if workers <= 1 {
        let mut s = init();
        return (0..n).map(|i| f(&mut s, i)).collect();
    }
    let next = AtomicUsize::new(0);
    let parts: Vec<Vec<(usize, T)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut s = init();
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= n {
                            break out;
                        }
                        out.push((i, f(&mut s, i)));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    let mut slots: Vec<Option<T>> = (0..n).map(|_| None).collect();
    for (i, t) in parts.into_iter().flatten() {
        slots[i] = Some(t);
    }
    slots
        .into_iter()
        .map(|t| t.expect("every index computed"))
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
