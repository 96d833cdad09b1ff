//! Pupils without storing them: a pupil is (school, cohort, index), where the
//! cohort is the calendar year in which it would have been in grade 0
//! (`year − grade`). Everything about a pupil — its pseudonym, its ability, the
//! size of its class — is a hash of that triple and the seed, so it is stable
//! across years and subjects and costs no memory.

use crate::region::School;
use crate::rng::{self, normal_from, unit_from};
use crate::tag;

/// Largest cohort index (9 bits in the pseudonym).
pub(crate) const MAX_COHORT: u32 = 511;

/// Pupils of a cohort in grades 1–9.
pub(crate) fn cohort_size(seed: u64, s: &School, cohort: i32) -> u32 {
    let f = 0.8 + 0.4 * unit_from(&[seed, tag::COHORT, s.idx as u64, cohort as u64]);
    ((s.base * f).round() as u32).clamp(1, MAX_COHORT)
}

/// Pupils of a cohort who continue to grade 10 (here or elsewhere).
pub(crate) fn upper_size(seed: u64, s: &School, cohort: i32) -> u32 {
    let n = cohort_size(seed, s, cohort);
    let jitter = 0.16 * (unit_from(&[seed, tag::UPPER, s.idx as u64, cohort as u64]) - 0.5);
    let share = (s.cont + jitter).clamp(0.0, 1.0);
    (n as f64 * share).round() as u32
}

/// Pupils on the roll of a grade in a year (0 if the school has no such grade).
pub(crate) fn roster(seed: u64, s: &School, year: i32, grade: u8) -> u32 {
    if grade == 0 || grade > s.kind.top_grade() {
        return 0;
    }
    let cohort = year - grade as i32;
    if grade <= 9 {
        cohort_size(seed, s, cohort)
    } else {
        upper_size(seed, s, cohort)
    }
}

/// Pupils on the roll of the school in a year.
pub(crate) fn enrolment(seed: u64, s: &School, year: i32) -> u32 {
    (1..=11).map(|g| roster(seed, s, year, g)).sum()
}

/// Stable ability of a pupil (standard normal, within its school).
pub(crate) fn ability(seed: u64, s: &School, cohort: i32, i: u32) -> f64 {
    normal_from(&[seed, tag::PUPIL, s.idx as u64, cohort as u64, i as u64])
}

/// Which pupils of a cohort continue to grades 10–11: the `upper_size`
/// pupils with the highest ability plus noise (selection is by ability, as in
/// life, but not strictly). Indices in increasing order.
pub(crate) fn upper_members(seed: u64, s: &School, cohort: i32, out: &mut Vec<u32>) {
    let n = cohort_size(seed, s, cohort);
    let keep = upper_size(seed, s, cohort) as usize;
    let mut ranked: Vec<(f64, u32)> = (0..n)
        .map(|i| {
            let noise = normal_from(&[seed, tag::UPPER, s.idx as u64, cohort as u64, i as u64]);
            (ability(seed, s, cohort, i) + noise, i)
        })
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    out.clear();
    out.extend(ranked[..keep].iter().map(|&(_, i)| i));
    out.sort_unstable();
}

/// A class effect shared by a cohort of a school.
pub(crate) fn cohort_effect(seed: u64, s: &School, cohort: i32) -> f64 {
    0.12 * normal_from(&[seed, tag::COHORT_EFFECT, s.idx as u64, cohort as u64])
}

/// A school's fluctuation in one year.
pub(crate) fn year_effect(seed: u64, s: &School, year: i32) -> f64 {
    0.06 * normal_from(&[seed, tag::YEAR_EFFECT, s.idx as u64, year as u64])
}

/// The pupil's pseudonym: «P» and 9 hexadecimal digits.
///
/// (school index: 20 bits, cohort mod 128: 7 bits, index: 9 bits) is
/// permuted by a keyed 4-round Feistel network on 36 bits: a bijection, so
/// two pupils never share a key, and the key reveals nothing by itself.
pub(crate) fn pupil_key(seed: u64, school_idx: u32, cohort: i32, i: u32) -> [u8; 10] {
    debug_assert!(school_idx < 1 << 20 && i <= MAX_COHORT);
    let plain = ((school_idx as u64) << 16) | ((cohort.rem_euclid(128) as u64) << 9) | i as u64;
    let cipher = feistel36(seed, plain);
    let mut out = [b'P'; 10];
    for k in 0..9 {
        let nibble = (cipher >> (4 * (8 - k))) & 0xf;
        out[1 + k] = b"0123456789ABCDEF"[nibble as usize];
    }
    out
}

fn feistel36(seed: u64, x: u64) -> u64 {
    const HALF: u64 = (1 << 18) - 1;
    let (mut l, mut r) = (x >> 18 & HALF, x & HALF);
    for round in 0..4u64 {
        let f = rng::hash(&[seed, tag::KEY, round, r]) & HALF;
        (l, r) = (r, l ^ f);
    }
    (l << 18) | r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudonyms_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for school in 0..300u32 {
            for cohort in 2010..2022 {
                for i in 0..40 {
                    assert!(seen.insert(pupil_key(5, school * 3001, cohort, i)));
                }
            }
        }
        let key = pupil_key(5, 1, 2015, 3);
        assert_eq!(key[0], b'P');
        assert!(key[1..].iter().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(pupil_key(5, 1, 2015, 3), pupil_key(6, 1, 2015, 3));
    }
}
