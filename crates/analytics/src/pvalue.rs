//! One-sided tail probabilities behind the signs' p-values.

use statrs::function::factorial::ln_binomial;

/// Upper tail of the standard normal: P(Z ≥ z).
pub fn normal_upper(z: f64) -> f64 {
    0.5 * statrs::function::erf::erfc(z / std::f64::consts::SQRT_2)
}

/// One-sided binomial test: P(X ≥ k) for X ~ Bin(n, p), by the incomplete beta.
pub fn binom_upper(k: u64, n: u64, p: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k > n || p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return 1.0;
    }
    statrs::function::beta::beta_reg(k as f64, (n - k + 1) as f64, p).clamp(0.0, 1.0)
}

/// P(X ≥ k) for X the sum of independent Bin(nᵢ, rᵢ) over `groups` (nᵢ, rᵢ):
/// exact, by convolving the probability functions (a Poisson-binomial with
/// few distinct rates; the normal approximation is too light in the far
/// tail that a correction for thousands of tests looks at).
pub fn binomials_upper(groups: &[(u64, f64)], k: u64) -> f64 {
    let total: u64 = groups.iter().map(|g| g.0).sum();
    if k == 0 {
        return 1.0;
    }
    if k > total {
        return 0.0;
    }
    let mut pmf = vec![1.0];
    for &(n, r) in groups.iter().filter(|g| g.0 > 0) {
        pmf = convolve(&pmf, &binomial_pmf(n, r));
    }
    pmf[k as usize..].iter().sum::<f64>().clamp(0.0, 1.0)
}

/// [`binomials_upper`], computed exactly only where it can matter: at or
/// below the expected count the tail is about ½ or more, far from any
/// significance level, and the normal approximation (with continuity
/// correction) stands in at a fraction of the cost.
pub fn binomials_upper_screened(groups: &[(u64, f64)], k: u64) -> f64 {
    let mean: f64 = groups.iter().map(|(n, r)| *n as f64 * r).sum();
    if k as f64 > mean {
        return binomials_upper(groups, k);
    }
    let var: f64 = groups.iter().map(|(n, r)| *n as f64 * r * (1.0 - r)).sum();
    if var <= 0.0 {
        return 1.0;
    }
    normal_upper((k as f64 - 0.5 - mean) / var.sqrt())
}

/// P(X = j), j = 0..=n, for X ~ Bin(n, r).
fn binomial_pmf(n: u64, r: f64) -> Vec<f64> {
    let mut out = vec![0.0; n as usize + 1];
    if r <= 0.0 {
        out[0] = 1.0;
    } else if r >= 1.0 {
        out[n as usize] = 1.0;
    } else {
        let (lr, lq) = (r.ln(), (1.0 - r).ln());
        for (j, o) in out.iter_mut().enumerate() {
            let j = j as u64;
            *o = (ln_binomial(n, j) + j as f64 * lr + (n - j) as f64 * lq).exp();
        }
    }
    out
}

fn convolve(a: &[f64], b: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; a.len() + b.len() - 1];
    for (i, x) in a.iter().enumerate().filter(|(_, x)| **x > 0.0) {
        for (j, y) in b.iter().enumerate() {
            out[i + j] += x * y;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_group_is_the_binomial_tail() {
        for k in 0..=12 {
            let exact = binomials_upper(&[(12, 0.3)], k);
            assert!((exact - binom_upper(k, 12, 0.3)).abs() < 1e-12, "k = {k}");
        }
    }

    #[test]
    fn groups_add_up() {
        // Bin(1, .5) + Bin(2, .5) = Bin(3, .5): P(X ≥ 2) = 4/8.
        assert!((binomials_upper(&[(1, 0.5), (2, 0.5)], 2) - 0.5).abs() < 1e-12);
        // A certain group shifts the count: 5 sure hits + Bin(2, .5) ≥ 7 is 1/4.
        assert!((binomials_upper(&[(5, 1.0), (2, 0.5)], 7) - 0.25).abs() < 1e-12);
        assert_eq!(binomials_upper(&[(3, 0.2)], 4), 0.0);
        assert_eq!(binomials_upper(&[(3, 0.2)], 0), 1.0);
    }

    #[test]
    fn the_screened_tail_is_exact_above_the_mean_and_large_below() {
        let g = [(20, 0.3), (10, 0.6)];
        assert_eq!(binomials_upper_screened(&g, 13), binomials_upper(&g, 13));
        for k in 0..=12 {
            let (fast, exact) = (binomials_upper_screened(&g, k), binomials_upper(&g, k));
            assert!(
                fast > 0.4 && exact > 0.4 && (fast - exact).abs() < 0.05,
                "k = {k}: {fast} vs {exact}"
            );
        }
    }

    #[test]
    fn the_far_tail_is_kept_exactly() {
        // P(X = 30) for Bin(30, .1) = 1e-30: the normal approximation gives ~1e-190.
        let p = binomials_upper(&[(30, 0.1)], 30);
        assert!((p / 1e-30 - 1.0).abs() < 1e-9, "{p}");
    }

    #[test]
    fn normal_tail() {
        assert!((normal_upper(0.0) - 0.5).abs() < 1e-15);
        // scipy.stats.norm.sf(3) and sf(8).
        assert!((normal_upper(3.0) / 0.001_349_898_031_630_094_6 - 1.0).abs() < 1e-9);
        assert!((normal_upper(8.0) / 6.220_960_574_271_784e-16 - 1.0).abs() < 1e-9);
    }
}
