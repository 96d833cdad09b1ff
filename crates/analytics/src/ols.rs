//! Ordinary and weighted least squares by Householder QR (nalgebra), with the
//! statistics statsmodels reports: coefficients, standard errors, t, two-sided
//! p from Student's t, R², adjusted R², residual standard deviation.
//!
//! QR on the design matrix rather than the normal equations: the condition
//! number is not squared, so results agree with statsmodels to ~1e-12.

use nalgebra::{DMatrix, DVector};

/// A fitted linear model. Coefficient 0 is the intercept.
#[derive(Debug, Clone, PartialEq)]
pub struct OlsFit {
    pub beta: Vec<f64>,
    pub se: Vec<f64>,
    /// None when the residuals are exactly zero (perfect fit: t is infinite).
    pub t: Vec<Option<f64>>,
    pub p: Vec<Option<f64>>,
    /// Fitted values and residuals on the original (unweighted) scale.
    pub fitted: Vec<f64>,
    pub resid: Vec<f64>,
    /// None when the outcome does not vary.
    pub r2: Option<f64>,
    pub adj_r2: Option<f64>,
    pub df_resid: usize,
    /// √(weighted SSR / df): the residual standard deviation.
    pub sigma: f64,
}

/// Fits y on an intercept and `cols` (each a column of length n), optionally
/// with weights (WLS, statsmodels convention: minimise Σ w e²).
/// Returns None when there are no residual degrees of freedom or the design is
/// singular; callers remove constant and collinear columns first.
pub fn fit(y: &[f64], cols: &[Vec<f64>], w: Option<&[f64]>) -> Option<OlsFit> {
    let (n, k) = (y.len(), cols.len() + 1);
    if n <= k || cols.iter().any(|c| c.len() != n) {
        return None;
    }
    let ones = vec![1.0; n];
    let w = w.unwrap_or(&ones);
    if w.len() != n || w.iter().any(|v| !(v.is_finite() && *v > 0.0)) {
        return None;
    }
    let sw: Vec<f64> = w.iter().map(|v| v.sqrt()).collect();
    let col = |i: usize, j: usize| if j == 0 { 1.0 } else { cols[j - 1][i] };
    let x = DMatrix::from_fn(n, k, |i, j| sw[i] * col(i, j));
    let mut qty = DVector::from_fn(n, |i, _| sw[i] * y[i]);
    let qr = x.qr();
    let r = qr.r();
    if (0..k).any(|j| r[(j, j)].abs() <= 1e-12 * (n as f64).sqrt()) {
        return None;
    }
    qr.q_tr_mul(&mut qty);
    let beta = r.solve_upper_triangular(&qty.rows(0, k).into_owned())?;
    let rinv = r.solve_upper_triangular(&DMatrix::identity(k, k))?;
    let xtx_inv = &rinv * rinv.transpose();

    let fitted: Vec<f64> = (0..n)
        .map(|i| (0..k).map(|j| beta[j] * col(i, j)).sum())
        .collect();
    let resid: Vec<f64> = (0..n).map(|i| y[i] - fitted[i]).collect();
    let df = n - k;
    let ssr: f64 = (0..n).map(|i| w[i] * resid[i] * resid[i]).sum();
    let scale = ssr / df as f64;
    let se: Vec<f64> = (0..k)
        .map(|j| (scale * xtx_inv[(j, j)]).max(0.0).sqrt())
        .collect();
    let t: Vec<Option<f64>> = (0..k)
        .map(|j| (se[j] > 0.0).then(|| beta[j] / se[j]))
        .collect();
    let p = t
        .iter()
        .map(|t| t.map(|t| t_two_sided_p(t, df as f64)))
        .collect();

    let wsum: f64 = w.iter().sum();
    let ybar = (0..n).map(|i| w[i] * y[i]).sum::<f64>() / wsum;
    let tss: f64 = (0..n).map(|i| w[i] * (y[i] - ybar).powi(2)).sum();
    let r2 = (tss > 0.0).then(|| 1.0 - ssr / tss);
    let adj_r2 = r2.map(|r2| 1.0 - (n as f64 - 1.0) / df as f64 * (1.0 - r2));
    Some(OlsFit {
        beta: beta.iter().copied().collect(),
        se,
        t,
        p,
        fitted,
        resid,
        r2,
        adj_r2,
        df_resid: df,
        sigma: scale.sqrt(),
    })
}

/// Two-sided p-value of Student's t: P(|T| ≥ |t|) = I_{df/(df+t²)}(df/2, 1/2).
/// The incomplete-beta form keeps full relative precision for tiny p, where
/// 1 − cdf would round to zero.
pub fn t_two_sided_p(t: f64, df: f64) -> f64 {
    if !t.is_finite() {
        return 0.0;
    }
    let x = df / (df + t * t);
    if x >= 1.0 {
        return 1.0;
    }
    statrs::function::beta::beta_reg(df / 2.0, 0.5, x).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_regression_matches_closed_form() {
        let x = vec![1.0, 2.0, 3.0, 4.0, 5.0];
        let y = vec![2.1, 3.9, 6.2, 7.8, 10.1];
        let f = fit(&y, std::slice::from_ref(&x), None).unwrap();
        // Closed form: slope = Sxy/Sxx.
        let (mx, my) = (3.0, 6.02);
        let sxy: f64 = x.iter().zip(&y).map(|(a, b)| (a - mx) * (b - my)).sum();
        let slope = sxy / 10.0;
        assert!((f.beta[1] - slope).abs() < 1e-12);
        assert!((f.beta[0] - (my - slope * mx)).abs() < 1e-12);
        let ssr: f64 = f.resid.iter().map(|e| e * e).sum();
        let se_slope = (ssr / 3.0 / 10.0).sqrt();
        assert!((f.se[1] - se_slope).abs() < 1e-12);
        assert_eq!(f.df_resid, 3);
        assert!(f.r2.unwrap() > 0.99);
    }

    #[test]
    fn p_values_match_known_quantiles() {
        // t_{0.975, 10} = 2.228138851986274
        assert!((t_two_sided_p(2.228138851986274, 10.0) - 0.05).abs() < 1e-12);
        assert_eq!(t_two_sided_p(0.0, 5.0), 1.0);
        // Tiny p keeps relative precision (scipy: 2*t.sf(40, 3000) = 2.0e-277 order).
        let p = t_two_sided_p(40.0, 3000.0);
        assert!(p > 0.0 && p < 1e-250, "{p}");
    }

    #[test]
    fn singular_or_saturated_designs_return_none() {
        let y = vec![1.0, 2.0, 3.0];
        assert!(fit(&y, &[vec![1.0, 1.0, 1.0]], None).is_none());
        assert!(fit(&y, &[vec![1.0, 2.0, 4.0], vec![0.0, 1.0, 0.0]], None).is_none());
    }

    #[test]
    fn perfect_fit_has_no_t() {
        let f = fit(&[1.0, 2.0, 3.0], &[vec![1.0, 2.0, 3.0]], None).unwrap();
        assert!(f.t[1].is_none() || f.t[1].unwrap().abs() > 1e10);
    }

    #[test]
    fn weighted_fit_equals_replicated_rows() {
        // WLS with integer weights = OLS on replicated rows (coefficients).
        let x = vec![0.0, 1.0, 2.0, 3.0];
        let y = vec![1.0, 2.5, 2.9, 4.4];
        let w = vec![1.0, 2.0, 1.0, 3.0];
        let f = fit(&y, std::slice::from_ref(&x), Some(&w)).unwrap();
        let (mut xr, mut yr) = (vec![], vec![]);
        for i in 0..4 {
            for _ in 0..w[i] as usize {
                xr.push(x[i]);
                yr.push(y[i]);
            }
        }
        let g = fit(&yr, &[xr], None).unwrap();
        assert!((f.beta[1] - g.beta[1]).abs() < 1e-12 && (f.beta[0] - g.beta[0]).abs() < 1e-12);
        assert!((f.r2.unwrap() - g.r2.unwrap()).abs() < 1e-12);
    }
}
