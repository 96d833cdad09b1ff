//! Deterministic elementary functions.
//!
//! `f64::exp` and `f64::ln` call the platform's libm, whose last bit may
//! differ between systems and Rust versions. The generator must produce
//! byte-identical files everywhere, so it uses these implementations, built
//! only from IEEE-754 operations (+, −, ×, ÷, sqrt), which are exact.

use std::sync::OnceLock;

// ln 2 split as in fdlibm: the high part has trailing zero bits, so k·LN2_HI is exact.
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
const LN2: f64 = std::f64::consts::LN_2;

/// e^x, accurate to a few ulp on [−700, 700]; clamped outside.
pub(crate) fn exp(x: f64) -> f64 {
    let x = x.clamp(-700.0, 700.0);
    let k = (x / LN2).round();
    let r = (x - k * LN2_HI) - k * LN2_LO;
    // Taylor series of e^r for |r| <= ln2/2, Horner form, degree 13.
    let mut p = 1.0;
    for n in (1..=13).rev() {
        p = 1.0 + p * r / n as f64;
    }
    p * pow2(k as i32)
}

/// 2^k for k in the normal exponent range (−1022..=1023), by bits.
fn pow2(k: i32) -> f64 {
    let k = k.clamp(-1022, 1023);
    f64::from_bits(((k + 1023) as u64) << 52)
}

/// Natural logarithm of a positive finite number.
pub(crate) fn ln(x: f64) -> f64 {
    debug_assert!(x > 0.0);
    let mut x = x;
    let mut e = 0i32;
    if x < f64::MIN_POSITIVE {
        x *= 18_014_398_509_481_984.0; // 2^54
        e -= 54;
    }
    let bits = x.to_bits();
    e += ((bits >> 52) & 0x7ff) as i32 - 1023;
    let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    if m > std::f64::consts::SQRT_2 {
        m *= 0.5;
        e += 1;
    }
    // ln m = 2 atanh(f), f = (m − 1)/(m + 1), |f| <= 0.1716.
    let f = (m - 1.0) / (m + 1.0);
    let s = f * f;
    let mut series = 0.0;
    for n in (0..=10).rev() {
        series = 1.0 / (2 * n + 1) as f64 + s * series;
    }
    e as f64 * LN2 + 2.0 * f * series
}

/// The logistic function 1 / (1 + e^−x).
pub(crate) fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + exp(-x))
}

const TABLE_LO: f64 = -16.0;
const TABLE_STEPS_PER_UNIT: f64 = 128.0;
const TABLE_LEN: usize = 32 * 128 + 2;

/// The logistic function by table lookup with linear interpolation
/// (absolute error below 2e-6): the hot path of the score generator.
pub(crate) fn logistic_fast(x: f64) -> f64 {
    let table = logistic_table();
    let pos = (x - TABLE_LO) * TABLE_STEPS_PER_UNIT;
    if pos <= 0.0 {
        return table[0];
    }
    let i = pos as usize;
    if i >= TABLE_LEN - 1 {
        return table[TABLE_LEN - 1];
    }
    let frac = pos - i as f64;
    table[i] + (table[i + 1] - table[i]) * frac
}

fn logistic_table() -> &'static [f64] {
    static TABLE: OnceLock<Vec<f64>> = OnceLock::new();
    TABLE.get_or_init(|| {
        (0..TABLE_LEN)
            .map(|i| logistic(TABLE_LO + i as f64 / TABLE_STEPS_PER_UNIT))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_and_ln_match_libm_closely() {
        for i in -400..400 {
            let x = i as f64 * 0.173;
            let rel = (exp(x) - x.exp()).abs() / x.exp();
            assert!(rel < 1e-14, "exp({x}): {rel}");
        }
        for i in 1..2000 {
            let x = i as f64 * 0.0137 + 1e-9;
            assert!((ln(x) - x.ln()).abs() < 1e-14, "ln({x})");
        }
        assert!((ln(1e-300) - 1e-300f64.ln()).abs() < 1e-12);
        assert!((ln(5e-320) - 5e-320f64.ln()).abs() < 1e-9);
    }

    #[test]
    fn logistic_table_is_accurate() {
        for i in -3000..3000 {
            let x = i as f64 * 0.005;
            assert!((logistic_fast(x) - logistic(x)).abs() < 2e-6);
        }
        assert!(logistic_fast(-50.0) < 1e-5 && logistic_fast(50.0) > 1.0 - 1e-5);
    }
}
