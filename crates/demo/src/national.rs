//! The national benchmark data set: 85 regions, 2,000 municipalities,
//! 40,000 schools, with generic municipality names («Муниципальный район № 123»)
//! and the same school and result model as the demo region.

use crate::names::{self, Place};
use crate::region::{Builder, MuniKind, MuniPlan, RoleCounts, World};
use crate::rng::Rng;
use crate::tag;
use crate::Planting;

const REGIONS: u32 = 85;
const MUNICIPALITIES: u32 = 2_000;
const SCHOOLS: u32 = 40_000;

pub(crate) fn build_national(seed: u64, planting: &Planting) -> World {
    let mut rng = Rng::from_parts(&[seed, tag::NATIONAL]);
    let mut towns = names::town_pool(&mut rng).into_iter();
    let muni_weights: Vec<f64> = (0..REGIONS).map(|_| rng.uniform(0.5, 1.5)).collect();
    let per_region = allocate(MUNICIPALITIES, &muni_weights, 5);
    let mut plans = Vec::new();
    let mut district_no = 0;
    for (r, &count) in per_region.iter().enumerate() {
        let code = r as u32 + 1;
        let region_ethnic = if rng.chance(0.25) {
            2.0 + 0.5 * rng.normal()
        } else {
            0.3 * rng.normal()
        };
        for k in 0..count {
            let ethnic = region_ethnic + 0.3 * rng.normal();
            let mut town = || towns.next().unwrap_or_else(|| format!("Город-{code}-{k}"));
            let plan = match k {
                0 => city(code, town(), 25.0 * rng.uniform(0.5, 2.0), ethnic),
                1 if rng.chance(0.6) => okrug(code, town(), 6.0 * rng.uniform(0.5, 1.5), ethnic),
                _ => {
                    district_no += 1;
                    let centre = rng.chance(0.3).then(&mut town);
                    district(code, district_no, centre, rng.uniform(0.4, 1.8), ethnic)
                }
            };
            plans.push(plan);
        }
    }
    let weights: Vec<f64> = plans.iter().map(|p| p.schools as f64).collect();
    let schools = allocate(SCHOOLS, &weights, 3);
    let mut b = Builder::new(seed, true);
    for (plan, n) in plans.iter_mut().zip(schools) {
        plan.schools = n;
        plan.centre_schools = match plan.kind {
            MuniKind::City => n,
            MuniKind::Mixed if plan.centre_urban && plan.name.starts_with("городской") => {
                (n * 7).div_ceil(10)
            }
            MuniKind::Mixed => (n / 5).max(1),
        };
        if plan.centre.name.is_empty() {
            plan.centre = b.take_village();
        }
        b.add(plan);
    }
    let n = b.schools.len();
    b.finish(
        seed,
        RoleCounts {
            low_effect: n / 100,
            resilient: n / 100,
        },
        &crate::region::planted_cycle(planting, n / 200),
    )
}

/// Splits `total` in proportion to `weights` (largest remainder), each at least `min`.
pub(crate) fn allocate(total: u32, weights: &[f64], min: u32) -> Vec<u32> {
    let free = total - min * weights.len() as u32;
    let sum: f64 = weights.iter().sum();
    let exact: Vec<f64> = weights.iter().map(|w| free as f64 * w / sum).collect();
    let mut out: Vec<u32> = exact.iter().map(|e| min + *e as u32).collect();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| {
        (exact[b] - exact[b].floor())
            .total_cmp(&(exact[a] - exact[a].floor()))
            .then(a.cmp(&b))
    });
    let short = total - out.iter().sum::<u32>();
    for &i in order.iter().take(short as usize) {
        out[i] += 1;
    }
    out
}

fn base_plan(
    code: u32,
    name: String,
    kind: MuniKind,
    weight: f64,
    centre: Place,
    urban: bool,
    ethnic: f64,
) -> MuniPlan {
    MuniPlan {
        district: name.clone(),
        name,
        kind,
        schools: (weight * 1000.0) as u32,
        centre,
        centre_urban: urban,
        centre_schools: 0,
        ethnic,
        region_name: format!("Регион {code:02}"),
        region_code: code,
        postcode: (100 + code) * 1000,
    }
}

fn town_place(town: &str) -> Place {
    Place {
        name: format!("г. {town}"),
        adj: String::new(),
    }
}

fn city(code: u32, town: String, weight: f64, ethnic: f64) -> MuniPlan {
    base_plan(
        code,
        format!("г. {town}"),
        MuniKind::City,
        weight,
        town_place(&town),
        true,
        ethnic,
    )
}

fn okrug(code: u32, town: String, weight: f64, ethnic: f64) -> MuniPlan {
    base_plan(
        code,
        format!("городской округ {town}"),
        MuniKind::Mixed,
        weight,
        town_place(&town),
        true,
        ethnic,
    )
}

fn district(code: u32, no: u32, town: Option<String>, weight: f64, ethnic: f64) -> MuniPlan {
    let name = format!("Муниципальный район № {no}");
    match town {
        Some(t) => base_plan(
            code,
            name,
            MuniKind::Mixed,
            weight,
            town_place(&t),
            true,
            ethnic,
        ),
        None => base_plan(
            code,
            name,
            MuniKind::Mixed,
            weight,
            Place {
                name: String::new(),
                adj: String::new(),
            },
            false,
            ethnic,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::allocate;

    #[test]
    fn allocation_is_exact() {
        let a = allocate(2000, &[0.5, 1.5, 1.0, 0.7], 5);
        assert_eq!(a.iter().sum::<u32>(), 2000);
        assert!(a.iter().all(|&x| x >= 5));
    }
}
