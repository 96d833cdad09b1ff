//! Step 3: school effect, shrinkage and interval; ranking.

use std::collections::BTreeMap;

/// One school's shrunken effect.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shrunk {
    /// Reliability λ_s.
    pub lambda: f64,
    /// e*_s = λ_s · e_s.
    pub effect: f64,
    /// √λ_s · SE_s; None without SE_s.
    pub effect_se: Option<f64>,
    /// e*_s ± 1.96 · √λ_s · SE_s.
    pub ci: Option<(f64, f64)>,
}

/// The normal 97.5% quantile of the methodology's 95% interval.
pub const Z95: f64 = 1.96;

/// τ² = max(0, Σe²/(n − k) − mean(SE²)). The mean runs over the schools with a
/// known SE; with none, τ² is unknown (None) and nothing is shrunk.
pub fn tau2(resid: &[f64], se: &[Option<f64>], k: usize) -> (Option<f64>, Option<f64>) {
    let n = resid.len();
    let known: Vec<f64> = se.iter().flatten().map(|s| s * s).collect();
    if known.is_empty() || n <= k {
        return (None, None);
    }
    let mean_se2 = known.iter().sum::<f64>() / known.len() as f64;
    let total = resid.iter().map(|e| e * e).sum::<f64>() / (n - k) as f64;
    (Some((total - mean_se2).max(0.0)), Some(mean_se2))
}

/// λ, e*, its SE and interval. Without SE_s (or without τ²) λ = 1 and there is
/// no interval. An SE of exactly 0 with τ² = 0 (0/0) is read as a perfectly
/// measured school: λ = 1.
pub fn shrink(e: f64, se: Option<f64>, tau2: Option<f64>) -> Shrunk {
    let (Some(se), Some(t2)) = (se, tau2) else {
        return Shrunk {
            lambda: 1.0,
            effect: e,
            effect_se: None,
            ci: None,
        };
    };
    let lambda = if t2 + se * se > 0.0 {
        t2 / (t2 + se * se)
    } else {
        1.0
    };
    let effect = lambda * e;
    let s = lambda.sqrt() * se;
    Shrunk {
        lambda,
        effect,
        effect_se: Some(s),
        ci: Some((effect - Z95 * s, effect + Z95 * s)),
    }
}

/// Sort key of a ranked value: rounded to 10 decimals, so that values equal in
/// exact arithmetic (two schools with the same mean) tie whatever the
/// floating-point noise of the path that computed them; ties go by school id.
pub fn tie_key(v: f64) -> f64 {
    (v * 1e10 + 0.5).floor()
}

/// Ranks (1 = lowest) by value ascending (see [`tie_key`]), ties by id.
pub fn ranks<'a>(items: impl IntoIterator<Item = (&'a str, f64)>) -> BTreeMap<String, u64> {
    let mut v: Vec<(&str, f64)> = items.into_iter().map(|(id, x)| (id, tie_key(x))).collect();
    v.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(b.0)));
    v.into_iter()
        .enumerate()
        .map(|(i, (id, _))| (id.to_string(), i as u64 + 1))
        .collect()
}

/// Percentile = 100·(rank − 1)/(n − 1); undefined for a single school.
pub fn percentile(rank: u64, n: usize) -> Option<f64> {
    (n >= 2).then(|| 100.0 * (rank as f64 - 1.0) / (n as f64 - 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tau2_and_shrinkage() {
        let e = [1.0, -1.0, 2.0, -2.0];
        let se = [Some(0.5), Some(0.5), None, Some(1.0)];
        let (t, m) = tau2(&e, &se, 2);
        let m2 = (0.25 + 0.25 + 1.0) / 3.0;
        assert!((m.unwrap() - m2).abs() < 1e-15);
        assert!((t.unwrap() - (10.0 / 2.0 - m2)).abs() < 1e-12);
        let s = shrink(1.0, Some(0.5), Some(1.0));
        assert!((s.lambda - 0.8).abs() < 1e-15);
        assert!((s.effect - 0.8).abs() < 1e-15);
        let (lo, hi) = s.ci.unwrap();
        assert!((hi - lo - 2.0 * 1.96 * 0.8f64.sqrt() * 0.5).abs() < 1e-12);
        assert_eq!(shrink(1.0, None, Some(1.0)).ci, None);
        assert_eq!(shrink(1.0, Some(0.0), Some(0.0)).lambda, 1.0);
        assert_eq!(shrink(1.0, Some(0.3), Some(0.0)).effect, 0.0);
        assert_eq!(tau2(&e, &[None; 4], 2), (None, None));
        assert_eq!(tau2(&[0.0, 0.0], &[Some(1.0); 2], 1).0, Some(0.0));
    }

    #[test]
    fn ranks_break_ties_by_id() {
        let r = ranks([("b", 1.0), ("a", 1.0 + 1e-15), ("c", -1.0)]);
        assert_eq!((r["c"], r["a"], r["b"]), (1, 2, 3));
        assert_eq!(percentile(1, 1), None);
        assert_eq!(percentile(3, 3), Some(100.0));
    }
}
