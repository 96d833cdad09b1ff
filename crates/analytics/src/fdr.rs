//! Multiple testing over a run: each sign of non-objective results is one
//! family of tests, one per (school, assessment) cell, controlled by the
//! Benjamini–Hochberg step-up procedure (false discovery rate).

/// The default false discovery rate of the signs.
pub const DEFAULT_Q: f64 = 0.05;

/// The Benjamini–Hochberg procedure at level `q` over `m` tests.
///
/// Only p-values ≤ q can ever be significant (the k-th smallest must be
/// ≤ k·q/m ≤ q), so only those are kept: a national run has millions of
/// cells and a few significant ones.
#[derive(Debug, Clone, PartialEq)]
pub struct Bh {
    m: u64,
    q: f64,
    /// The p-values ≤ q, ascending.
    sorted: Vec<f64>,
    /// BH-adjusted p-values of `sorted`: min over j ≥ i of m·p₍ⱼ₎/j.
    adjusted: Vec<f64>,
    significant: usize,
}

impl Bh {
    /// `small`: the p-values ≤ q among the `m` tests (others are ignored).
    pub fn new(mut small: Vec<f64>, m: u64, q: f64) -> Bh {
        small.retain(|p| *p <= q);
        small.sort_by(f64::total_cmp);
        let mut adjusted = vec![0.0; small.len()];
        let mut min = 1.0f64;
        for (i, p) in small.iter().enumerate().rev() {
            min = min.min(m as f64 * p / (i + 1) as f64);
            adjusted[i] = min;
        }
        let significant = (0..small.len())
            .rev()
            .find(|&i| small[i] <= (i + 1) as f64 * q / m as f64)
            .map_or(0, |i| i + 1);
        Bh {
            m,
            q,
            sorted: small,
            adjusted,
            significant,
        }
    }

    /// Tests in the family.
    pub fn tests(&self) -> u64 {
        self.m
    }

    /// Tests significant at level q.
    pub fn significant(&self) -> u64 {
        self.significant as u64
    }

    /// The largest significant p-value (None when nothing is significant):
    /// a p-value is significant when it is at most this.
    pub fn cutoff(&self) -> Option<f64> {
        self.significant.checked_sub(1).map(|i| self.sorted[i])
    }

    /// Whether a p-value of the family is significant.
    pub fn passes(&self, p: f64) -> bool {
        self.cutoff().is_some_and(|c| p <= c)
    }

    /// The BH-adjusted p-value of a significant p of the family (for any
    /// other p: at least q, returned as 1).
    pub fn adjusted(&self, p: f64) -> f64 {
        if p > self.q {
            return 1.0;
        }
        let at = self.sorted.partition_point(|x| *x <= p);
        match at.checked_sub(1) {
            Some(i) if self.adjusted[i] <= self.q => self.adjusted[i],
            _ => 1.0,
        }
    }

    /// Expected false discoveries among the significant tests: q × their
    /// number (BH keeps the expected share of false ones at or below q).
    pub fn expected_false(&self) -> f64 {
        self.q * self.significant as f64
    }
}

/// Benjamini–Hochberg over a whole list: which of `p` are significant at q.
pub fn benjamini_hochberg(p: &[f64], q: f64) -> Vec<bool> {
    let bh = Bh::new(p.to_vec(), p.len() as u64, q);
    p.iter().map(|x| bh.passes(*x)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_up_rejects_up_to_the_largest_p_under_its_line() {
        // Sorted: .005 .01 .03 .04 .2 against k·.05/5 = .01 .02 .03 .04 .05:
        // the 4th is on its line, so the first four are rejected.
        let p = [0.01, 0.04, 0.03, 0.005, 0.2];
        assert_eq!(
            benjamini_hochberg(&p, 0.05),
            [true, true, true, true, false]
        );
        // The same as statsmodels' multipletests(p, method="fdr_bh").
        let bh = Bh::new(p.to_vec(), 5, 0.05);
        for (p, adjusted) in [(0.005, 0.025), (0.01, 0.025), (0.03, 0.05), (0.04, 0.05)] {
            assert!((bh.adjusted(p) - adjusted).abs() < 1e-15, "{p}");
        }
        assert_eq!(bh.adjusted(0.2), 1.0);
        assert_eq!((bh.significant(), bh.cutoff()), (4, Some(0.04)));
        assert!((bh.expected_false() - 0.2).abs() < 1e-12);
    }

    #[test]
    fn step_up_can_reject_a_p_above_an_earlier_line() {
        // .02 > 1·.05/4 but the 2nd (.025 ≤ 2·.05/4) carries it.
        assert_eq!(
            benjamini_hochberg(&[0.02, 0.025, 0.5, 0.9], 0.05),
            [true, true, false, false]
        );
    }

    #[test]
    fn the_number_of_tests_sets_the_bar() {
        // p = .001 passes among 10 tests, not among 100.
        assert!(Bh::new(vec![0.001], 10, 0.05).passes(0.001));
        assert!(!Bh::new(vec![0.001], 100, 0.05).passes(0.001));
        let none = Bh::new(vec![], 1000, 0.05);
        assert_eq!(
            (none.significant(), none.cutoff(), none.expected_false()),
            (0, None, 0.0)
        );
    }
}
