//! Step 2: social index (ИСУ) and expected result.
//!
//! Factors are standardised across the schools of the fit (sample SD); factors
//! that cannot enter a regression (no values, constant, collinear, more factors
//! than the schools allow) are dropped with a reason before the backward
//! elimination by p-value.

use crate::ols::{self, OlsFit};
use crate::text;
use crate::{Selection, Weights};
use serde::{Deserialize, Serialize};

/// One coefficient of model.json.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Coefficient {
    pub name: String,
    pub estimate: f64,
    pub se: f64,
    pub t: Option<f64>,
    pub p: Option<f64>,
}

/// A factor left out of the model and why (Russian).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DroppedFactor {
    pub name: String,
    pub reason: String,
}

/// Mean and SD used to standardise a kept factor (to reproduce the line).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactorScaling {
    pub name: String,
    pub mean: f64,
    pub sd: f64,
}

/// The per-year fits behind the "K of Y years" rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct YearModel {
    pub year: i32,
    pub n_schools: usize,
    pub r2: Option<f64>,
    pub tau2: Option<f64>,
    pub factors: Vec<String>,
}

/// model.json.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Model {
    pub n_schools: usize,
    pub r2: Option<f64>,
    pub adj_r2: Option<f64>,
    pub tau2: Option<f64>,
    /// Names of the factors dropped (by any reason), in order of dropping.
    pub dropped: Vec<String>,
    pub years: Vec<i32>,
    pub coefficients: Vec<Coefficient>,
    pub residual_sd: Option<f64>,
    /// Factors kept in the final model.
    pub factors: Vec<String>,
    pub df_resid: Option<usize>,
    /// Mean SE_s² over the schools of the fit (the noise part in τ²).
    pub mean_se2: Option<f64>,
    pub drop_reasons: Vec<DroppedFactor>,
    pub scaling: Vec<FactorScaling>,
    pub weights: String,
    pub selection: String,
    pub per_year: Vec<YearModel>,
}

/// What the regression step needs per school of the fit.
pub struct FitRows<'a> {
    pub ids: Vec<&'a str>,
    pub y: Vec<f64>,
    pub n: Vec<u64>,
    /// Raw factor values per school, all present.
    pub x: Vec<Vec<f64>>,
}

/// The selected regression.
pub struct Regression {
    pub fit: OlsFit,
    pub factors: Vec<String>,
    pub scaling: Vec<FactorScaling>,
    pub dropped: Vec<DroppedFactor>,
    /// Social index per school: fitted value minus intercept.
    pub social: Vec<f64>,
}

/// Fits step 2 on rows whose factor values are all present. `names` are the
/// candidate factors in column order. Returns None when not even an
/// intercept-only model can be fitted (fewer than two schools).
pub fn regress(
    rows: &FitRows,
    names: &[String],
    select: Selection,
    weights: Weights,
) -> Option<Regression> {
    let n = rows.y.len();
    if n < 2 {
        return None;
    }
    let mut dropped = Vec::new();
    let mut cols: Vec<(String, Vec<f64>, FactorScaling)> = Vec::new();
    for (f, name) in names.iter().enumerate() {
        let raw: Vec<f64> = rows.x.iter().map(|r| r[f]).collect();
        match standardise_column(&raw) {
            Some((z, mean, sd)) => cols.push((
                name.clone(),
                z,
                FactorScaling {
                    name: name.clone(),
                    mean,
                    sd,
                },
            )),
            None => dropped.push(DroppedFactor {
                name: name.clone(),
                reason: "одинаковое значение у всех школ расчёта — фактор ничего не различает"
                    .into(),
            }),
        }
    }
    drop_collinear(&mut cols, &mut dropped);
    while !cols.is_empty() && n < cols.len() + 2 {
        let (name, _, _) = cols.pop().expect("non-empty");
        dropped.push(DroppedFactor {
            name,
            reason: format!("слишком мало школ ({n}) для всех факторов: нужно больше школ, чем параметров модели"),
        });
    }
    let w: Option<Vec<f64>> =
        matches!(weights, Weights::N).then(|| rows.n.iter().map(|&v| v as f64).collect());
    let mut fit = fit_cols(&rows.y, &cols, w.as_deref())?;
    if let Selection::Backward { p_remove } = select {
        while let Some((j, p)) = worst_factor(&fit).filter(|(_, p)| *p > p_remove) {
            let (name, _, _) = cols.remove(j);
            dropped.push(DroppedFactor {
                name,
                reason: format!("незначим: p {} > {}", text::pval(p), text::num(p_remove, 2)),
            });
            fit = fit_cols(&rows.y, &cols, w.as_deref())?;
        }
    }
    let social = (0..n).map(|i| fit.fitted[i] - fit.beta[0]).collect();
    Some(Regression {
        factors: cols.iter().map(|c| c.0.clone()).collect(),
        scaling: cols.into_iter().map(|c| c.2).collect(),
        fit,
        dropped,
        social,
    })
}

fn fit_cols(
    y: &[f64],
    cols: &[(String, Vec<f64>, FactorScaling)],
    w: Option<&[f64]>,
) -> Option<OlsFit> {
    let x: Vec<Vec<f64>> = cols.iter().map(|c| c.1.clone()).collect();
    ols::fit(y, &x, w)
}

/// The factor (index among factors) with the largest p-value; ties: the first.
fn worst_factor(fit: &OlsFit) -> Option<(usize, f64)> {
    let mut worst: Option<(usize, f64)> = None;
    for (j, p) in fit.p.iter().enumerate().skip(1) {
        let p = (*p)?; // a perfect fit has no p-values: nothing to eliminate
        if worst.is_none_or(|(_, w)| p > w) {
            worst = Some((j - 1, p));
        }
    }
    worst
}

/// z = (x − mean)/sd with the sample SD; None for a constant column (its SD
/// is zero or rounding noise, below 1e-12 of the values' magnitude).
pub fn standardise_column(x: &[f64]) -> Option<(Vec<f64>, f64, f64)> {
    let n = x.len() as f64;
    if x.len() < 2 {
        return None;
    }
    let mean = x.iter().sum::<f64>() / n;
    let sd = (x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let scale = x
        .iter()
        .fold(0.0f64, |m, v| m.max(v.abs()))
        .max(f64::MIN_POSITIVE);
    if !(sd.is_finite() && sd > 1e-12 * scale) {
        return None;
    }
    Some((x.iter().map(|v| (v - mean) / sd).collect(), mean, sd))
}

/// Gram–Schmidt in column order against the intercept and the columns kept so
/// far: a column whose remaining part is below 1e-8 of its norm is a linear
/// combination of the others and is dropped (the later of a collinear set).
fn drop_collinear(
    cols: &mut Vec<(String, Vec<f64>, FactorScaling)>,
    dropped: &mut Vec<DroppedFactor>,
) {
    let Some(n) = cols.first().map(|c| c.1.len()) else {
        return;
    };
    let mut basis: Vec<Vec<f64>> = vec![vec![1.0 / (n as f64).sqrt(); n]];
    let mut kept = Vec::new();
    for c in cols.drain(..) {
        let norm = dot(&c.1, &c.1).sqrt();
        let mut v = c.1.clone();
        for _ in 0..2 {
            for q in &basis {
                let d = dot(q, &v);
                v.iter_mut().zip(q).for_each(|(a, b)| *a -= d * b);
            }
        }
        let rest = dot(&v, &v).sqrt();
        if rest <= 1e-8 * norm {
            let others: Vec<&str> = kept
                .iter()
                .map(|k: &(String, Vec<f64>, FactorScaling)| k.0.as_str())
                .collect();
            dropped.push(DroppedFactor {
                name: c.0.clone(),
                reason: format!(
                    "линейно выражается через другие факторы ({}) — оценить его отдельно нельзя",
                    if others.is_empty() {
                        "константу".into()
                    } else {
                        others.join(", ")
                    }
                ),
            });
        } else {
            basis.push(v.iter().map(|a| a / rest).collect());
            kept.push(c);
        }
    }
    *cols = kept;
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(y: Vec<f64>, x: Vec<Vec<f64>>) -> FitRows<'static> {
        let n = y.len();
        FitRows {
            ids: vec!["s"; n],
            y,
            n: vec![20; n],
            x,
        }
    }

    fn data() -> (Vec<f64>, Vec<Vec<f64>>) {
        // y depends on a strongly, on b not at all; c is constant; d = 2a + 1.
        let mut y = vec![];
        let mut x = vec![];
        for i in 0..40 {
            let a = (i as f64 * 0.37).sin() * 3.0 + i as f64 * 0.1;
            let b = ((i * 7919) % 13) as f64;
            let noise = ((i * 104729) % 17) as f64 / 17.0 - 0.5;
            y.push(1.0 + 0.8 * a + noise);
            x.push(vec![a, b, 5.0, 2.0 * a + 1.0]);
        }
        (y, x)
    }

    fn names() -> Vec<String> {
        ["a", "b", "c", "d"].iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn drops_constant_collinear_and_insignificant() {
        let (y, x) = data();
        let r = regress(
            &rows(y, x),
            &names(),
            Selection::Backward { p_remove: 0.05 },
            Weights::None,
        )
        .unwrap();
        assert_eq!(r.factors, vec!["a"]);
        let why: Vec<(&str, &str)> = r
            .dropped
            .iter()
            .map(|d| (d.name.as_str(), d.reason.as_str()))
            .collect();
        assert_eq!(why[0].0, "c");
        assert!(why[0].1.contains("одинаковое"));
        assert_eq!(why[1].0, "d");
        assert!(why[1].1.contains("линейно"));
        assert_eq!(why[2].0, "b");
        assert!(why[2].1.contains("незначим"));
        // Social index = fitted − intercept has mean zero over the fit.
        let m: f64 = r.social.iter().sum::<f64>() / r.social.len() as f64;
        assert!(m.abs() < 1e-12);
    }

    #[test]
    fn keep_all_keeps_insignificant_factor() {
        let (y, x) = data();
        let r = regress(&rows(y, x), &names(), Selection::All, Weights::None).unwrap();
        assert_eq!(r.factors, vec!["a", "b"]);
    }

    #[test]
    fn too_few_schools_for_factors() {
        let y = vec![1.0, 2.0, 4.0];
        let x = vec![vec![1.0, 3.0], vec![2.0, 1.0], vec![3.0, 7.0]];
        let r = regress(
            &rows(y, x),
            &["a".into(), "b".into()],
            Selection::All,
            Weights::None,
        )
        .unwrap();
        assert_eq!(r.factors, vec!["a"]);
        assert!(r.dropped[0].reason.contains("слишком мало школ"));
        assert!(regress(
            &rows(vec![1.0], vec![vec![]]),
            &[],
            Selection::All,
            Weights::None
        )
        .is_none());
    }
}
