//! The registry of a synthetic region: municipalities and schools with their
//! latent traits (social disadvantage, school effect), and the context file.
//!
//! The latent model, in pupil standard deviations:
//! school mean = −SOCIAL_SLOPE · disadvantage + effect,
//! disadvantage ≈ N(0, 0.8²) + shifts (village +0.9, city −0.35, лицей/гимназия −1.0, …),
//! effect ~ N(0, 0.25²), independent of context, except the designated
//! low-effect, resilient and planted schools.

use crate::names::{self, LegalForm, Place, SchoolType};
use crate::rng::Rng;
use crate::tag;
use crate::{Pattern, Planting};
use std::io;

/// Pupil sd of the school mean per unit of social disadvantage.
pub(crate) const SOCIAL_SLOPE: f64 = 0.30;

pub(crate) const O1: u8 = 1;
pub(crate) const O2: u8 = 2;
pub(crate) const O3: u8 = 4;
pub(crate) const O4: u8 = 8;
pub(crate) const O5: u8 = 16;
pub(crate) const PATTERNS: [(u8, &str); 5] =
    [(O1, "O1"), (O2, "O2"), (O3, "O3"), (O4, "O4"), (O5, "O5")];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    Ordinary,
    LowEffect,
    Resilient,
    Planted,
}

impl Role {
    pub(crate) fn code(self) -> &'static str {
        match self {
            Role::Ordinary => "ordinary",
            Role::LowEffect => "low_effect",
            Role::Resilient => "resilient",
            Role::Planted => "non_objective",
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Municipality {
    pub name: String,
}

#[derive(Clone, Debug)]
pub(crate) struct School {
    pub idx: u32,
    pub id: String,
    pub muni: u32,
    pub full_name: String,
    pub short_name: String,
    pub kind: SchoolType,
    pub urban: bool,
    pub address: String,
    pub website: String,
    /// Pupils per grade (cohort size in grades 1–9).
    pub base: f64,
    /// Share of a grade-9 cohort that goes on to grade 10.
    pub cont: f64,
    /// Latent social disadvantage (higher is worse).
    pub disadvantage: f64,
    /// Latent school effect beyond conditions, in pupil sd.
    pub effect: f64,
    /// Logit offset of the non-native-Russian share (municipality level).
    pub ethnic: f64,
    /// Planted non-objective patterns (bit mask of O1..O5).
    pub patterns: u8,
    pub role: Role,
}

impl School {
    /// Mean pupil ability in pupil sd.
    pub(crate) fn mean(&self) -> f64 {
        -SOCIAL_SLOPE * self.disadvantage + self.effect
    }
}

pub(crate) struct World {
    pub seed: u64,
    pub munis: Vec<Municipality>,
    pub schools: Vec<School>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MuniKind {
    /// A city okrug: every school is urban and numbered.
    City,
    /// A town with villages, or a rural district around its centre.
    Mixed,
}

/// What to build for one municipality.
pub(crate) struct MuniPlan {
    pub name: String,
    pub kind: MuniKind,
    pub schools: u32,
    /// Centre: «г. Каменск» (urban, numbered schools) or «с. Ивановка».
    pub centre: Place,
    pub centre_urban: bool,
    pub centre_schools: u32,
    /// Logit offset of the non-native-Russian share.
    pub ethnic: f64,
    /// Name used in addresses: «Ивановский р-н».
    pub district: String,
    pub region_name: String,
    pub region_code: u32,
    pub postcode: u32,
}

/// Builds schools municipality by municipality.
pub(crate) struct Builder {
    pub rng: Rng,
    villages: Vec<Place>,
    cursor: usize,
    pub munis: Vec<Municipality>,
    pub schools: Vec<School>,
    per_region: Vec<u32>,
    /// Web addresses by school id (national) instead of by name (region).
    pub id_sites: bool,
}

impl Builder {
    pub(crate) fn new(seed: u64, id_sites: bool) -> Self {
        let mut rng = Rng::from_parts(&[seed, tag::REGISTRY]);
        let villages = names::village_pool(&mut rng);
        Builder {
            rng,
            villages,
            cursor: 0,
            munis: Vec::new(),
            schools: Vec::new(),
            per_region: vec![0; 100],
            id_sites,
        }
    }

    /// Keeps villages named like these centres («Ивановская») out of the pool.
    pub(crate) fn exclude_villages(&mut self, adjectives: &[&str]) {
        self.villages
            .retain(|p| !adjectives.contains(&p.adj.as_str()));
    }

    /// The next village of the shuffled pool (names repeat only after the
    /// pool is exhausted, never within one municipality).
    pub(crate) fn take_village(&mut self) -> Place {
        let place = self.villages[self.cursor % self.villages.len()].clone();
        self.cursor += 1;
        place
    }

    pub(crate) fn add(&mut self, plan: &MuniPlan) {
        let muni = self.munis.len() as u32;
        self.munis.push(Municipality {
            name: plan.name.clone(),
        });
        let muni_shift = 0.3 * self.rng.normal();
        let centre_n = if plan.kind == MuniKind::City {
            plan.schools
        } else {
            plan.centre_schools.min(plan.schools)
        };
        if plan.centre_urban || plan.kind == MuniKind::City {
            self.add_town(plan, muni, muni_shift, centre_n);
        } else {
            self.add_centre_village(plan, muni, muni_shift, centre_n);
        }
        for _ in centre_n..plan.schools {
            let place = self.take_village();
            self.add_village(plan, muni, muni_shift, &place);
        }
    }

    fn add_town(&mut self, plan: &MuniPlan, muni: u32, muni_shift: f64, n: u32) {
        let big = plan.kind == MuniKind::City;
        let mut number = 0;
        let (mut lyc, mut gym, mut co) = (0, 0, 0);
        for (kind, uiop) in town_types(n, &mut self.rng) {
            let num = match kind {
                SchoolType::Lyceum => next(&mut lyc),
                SchoolType::Gymnasium => next(&mut gym),
                SchoolType::Centre => next(&mut co),
                _ => {
                    // Numbers have occasional gaps (closed or merged schools).
                    number += 1 + (self.rng.chance(0.15) && number > 0) as u32;
                    number
                }
            };
            let t = Traits::town(kind, uiop, big, &mut self.rng);
            let inner_short = format!(
                "{}{}",
                kind.short_numbered(num),
                if uiop { " с УИОП" } else { "" }
            );
            let inner_long = format!(
                "{}{}",
                kind.long_numbered(num),
                if uiop {
                    " с углублённым изучением отдельных предметов"
                } else {
                    ""
                }
            );
            let town = &plan.centre.name;
            let short = format!("{} «{inner_short}» {town}", t.form.abbr());
            let full = format!("{} «{inner_long}» {town}", t.form.long());
            let slug = match kind {
                SchoolType::Lyceum => format!("lic{num}"),
                SchoolType::Gymnasium => format!("gimn{num}"),
                SchoolType::Centre => format!("co{num}"),
                _ => format!("sh{num}"),
            };
            let site_name = format!("{slug}-{}", names::translit(&plan.centre.adj_town()));
            let draft = Draft {
                traits: t,
                full,
                short,
                urban: true,
                place: plan.centre.name.clone(),
                site: site_name,
            };
            self.push(plan, muni, muni_shift, draft);
        }
    }

    fn add_centre_village(&mut self, plan: &MuniPlan, muni: u32, muni_shift: f64, n: u32) {
        for k in 1..=n {
            let kind = if n >= 3 && k == n {
                SchoolType::Gymnasium
            } else {
                SchoolType::Sosh
            };
            let mut t = Traits::town(kind, false, false, &mut self.rng);
            t.base = self.rng.uniform(20.0, 50.0);
            t.disadvantage += 0.3;
            let adj = &plan.centre.adj;
            let numbered = kind == SchoolType::Sosh && n > 1;
            let suffix = if numbered {
                format!(" № {k}")
            } else {
                String::new()
            };
            let short = format!("{} «{adj} {}{suffix}»", t.form.abbr(), kind.after_adj());
            let long_inner = match kind {
                SchoolType::Gymnasium => format!("{adj} гимназия"),
                _ => format!("{adj} {}{suffix}", names::lower_first(kind.long_school())),
            };
            let full = format!("{} «{long_inner}»", t.form.long());
            let site = format!(
                "{}-{}{}",
                names::translit(adj),
                names::translit(kind.after_adj()),
                if numbered {
                    k.to_string()
                } else {
                    String::new()
                }
            );
            let draft = Draft {
                traits: t,
                full,
                short,
                urban: false,
                place: plan.centre.name.clone(),
                site,
            };
            self.push(plan, muni, muni_shift, draft);
        }
    }

    fn add_village(&mut self, plan: &MuniPlan, muni: u32, muni_shift: f64, place: &Place) {
        let roll = self.rng.f64();
        let kind = if roll < 0.5 {
            SchoolType::Sosh
        } else if roll < 0.82 {
            SchoolType::Oosh
        } else {
            SchoolType::Nosh
        };
        let t = Traits::village(kind, &mut self.rng);
        let short = format!("{} «{} {}»", t.form.abbr(), place.adj, kind.code());
        let full = format!(
            "{} «{} {}»",
            t.form.long(),
            place.adj,
            names::lower_first(kind.long_school())
        );
        let site = format!(
            "{}-{}",
            names::translit(&place.adj),
            names::translit(kind.code())
        );
        let draft = Draft {
            traits: t,
            full,
            short,
            urban: false,
            place: place.name.clone(),
            site,
        };
        self.push(plan, muni, muni_shift, draft);
    }

    fn push(&mut self, plan: &MuniPlan, muni: u32, muni_shift: f64, d: Draft) {
        let idx = self.schools.len() as u32;
        let counter = &mut self.per_region[plan.region_code as usize];
        *counter += 1;
        let id = format!("sch{:02}{:04}", plan.region_code, counter);
        let street = *self.rng.pick(names::STREETS);
        let house = self.rng.range(1, if d.urban { 120 } else { 40 });
        let post = plan.postcode + self.rng.range(0, 40);
        let place = &d.place;
        let address = if d.urban {
            format!(
                "{post}, {}, {place}, {street}, д. {house}",
                plan.region_name
            )
        } else {
            format!(
                "{post}, {}, {}, {place}, {street}, д. {house}",
                plan.region_name, plan.district
            )
        };
        let website = if self.id_sites {
            format!("https://{id}.gosweb.gosuslugi.ru")
        } else {
            format!(
                "https://{}-r{:02}.gosweb.gosuslugi.ru",
                d.site, plan.region_code
            )
        };
        let t = d.traits;
        let disadvantage = t.disadvantage + muni_shift + 0.8 * self.rng.normal();
        let cont = crate::math::logistic(0.7 - 0.45 * disadvantage + 0.3 * self.rng.normal());
        let effect = 0.25 * self.rng.normal();
        self.schools.push(School {
            idx,
            id,
            muni,
            full_name: d.full,
            short_name: d.short,
            kind: t.kind,
            urban: d.urban,
            address,
            website,
            base: t.base,
            cont,
            disadvantage,
            effect,
            ethnic: plan.ethnic,
            patterns: 0,
            role: Role::Ordinary,
        });
    }

    /// Assigns the roles; `planted` holds the patterns of the planted
    /// schools, one bit mask per school.
    pub(crate) fn finish(mut self, seed: u64, counts: RoleCounts, planted: &[u8]) -> World {
        assign_roles(&mut self.schools, &mut self.rng, counts, planted);
        World {
            seed,
            munis: self.munis,
            schools: self.schools,
        }
    }
}

fn next(counter: &mut u32) -> u32 {
    *counter += 1;
    *counter
}

impl Place {
    /// «г. Северск» → «Северск» (for web addresses).
    fn adj_town(&self) -> String {
        self.name
            .split_once(' ')
            .map(|(_, n)| n.to_string())
            .unwrap_or_else(|| self.name.clone())
    }
}

/// A school's names and place, before its latent traits are drawn.
struct Draft {
    traits: Traits,
    full: String,
    short: String,
    urban: bool,
    place: String,
    site: String,
}

/// Kind, size, legal form and the fixed part of disadvantage of a school.
struct Traits {
    kind: SchoolType,
    form: LegalForm,
    base: f64,
    disadvantage: f64,
}

impl Traits {
    fn town(kind: SchoolType, uiop: bool, big: bool, rng: &mut Rng) -> Traits {
        let (lo, hi, shift) = match kind {
            SchoolType::Lyceum | SchoolType::Gymnasium => (55.0, 105.0, -1.0),
            SchoolType::Oosh => (18.0, 35.0, 0.3),
            SchoolType::Nosh => (25.0, 50.0, 0.1),
            SchoolType::Centre => (30.0, 60.0, 0.2),
            SchoolType::Sosh if uiop => (60.0, 100.0, -0.5),
            SchoolType::Sosh => (35.0, 100.0, 0.0),
        };
        let (lo, hi) = if big { (lo, hi) } else { (lo * 0.7, hi * 0.75) };
        let autonomous = matches!(kind, SchoolType::Lyceum | SchoolType::Gymnasium)
            && rng.chance(0.7)
            || rng.chance(0.12);
        let form = if autonomous {
            LegalForm::Autonomous
        } else {
            LegalForm::Budget
        };
        let city_shift = if big { -0.35 } else { 0.0 };
        Traits {
            kind,
            form,
            base: rng.uniform(lo, hi),
            disadvantage: shift + city_shift,
        }
    }

    fn village(kind: SchoolType, rng: &mut Rng) -> Traits {
        let u = rng.f64();
        let base = match kind {
            SchoolType::Sosh => 4.0 + 21.0 * u * u,
            SchoolType::Oosh => 3.0 + 9.0 * u,
            _ => 3.0 + 5.0 * u,
        };
        let form = if rng.chance(0.6) {
            LegalForm::Treasury
        } else {
            LegalForm::Budget
        };
        let shift = match kind {
            SchoolType::Oosh => 0.3,
            SchoolType::Nosh => 0.2,
            _ => 0.0,
        };
        Traits {
            kind,
            form,
            base,
            disadvantage: 0.9 + shift,
        }
    }
}

/// Types of the numbered schools of a town, in numbering order.
fn town_types(n: u32, rng: &mut Rng) -> Vec<(SchoolType, bool)> {
    let share = |s: f64| (n as f64 * s).round() as u32;
    let at_least = |c: u32| if n >= 12 { c.max(1) } else { c };
    let plan = [
        (SchoolType::Gymnasium, false, at_least(share(0.06))),
        (SchoolType::Lyceum, false, at_least(share(0.04))),
        (SchoolType::Sosh, true, share(0.05)),
        (SchoolType::Oosh, false, share(0.025)),
        (SchoolType::Nosh, false, share(0.0125)),
        (SchoolType::Centre, false, share(0.0125)),
    ];
    let mut kinds: Vec<(SchoolType, bool)> = plan
        .iter()
        .flat_map(|&(kind, uiop, count)| std::iter::repeat_n((kind, uiop), count as usize))
        .collect();
    kinds.truncate(n as usize);
    while kinds.len() < n as usize {
        kinds.push((SchoolType::Sosh, false));
    }
    rng.shuffle(&mut kinds);
    kinds
}

/// How many schools get each designated role.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RoleCounts {
    pub low_effect: usize,
    pub resilient: usize,
}

/// The patterns of the default planting: O1, O2, O3, O4, O5, O3 + O5.
const DEFAULT_CYCLE: [u8; 6] = [O1, O2, O3, O4, O5, O3 | O5];

/// One bit mask per planted school: `default_count` schools in the default
/// cycle, none, or the requested cycle.
pub(crate) fn planted_cycle(planting: &Planting, default_count: usize) -> Vec<u8> {
    match planting {
        Planting::Default => (0..default_count)
            .map(|i| DEFAULT_CYCLE[i % DEFAULT_CYCLE.len()])
            .collect(),
        Planting::None => vec![],
        Planting::Cycle { count, patterns } if !patterns.is_empty() => (0..*count)
            .map(|i| bit(patterns[i % patterns.len()]))
            .collect(),
        Planting::Cycle { .. } => vec![],
    }
}

fn bit(p: Pattern) -> u8 {
    match p {
        Pattern::O1 => O1,
        Pattern::O2 => O2,
        Pattern::O3 => O3,
        Pattern::O4 => O4,
        Pattern::O5 => O5,
    }
}

/// Marks the designated schools and sets their latent effects.
fn assign_roles(schools: &mut [School], rng: &mut Rng, counts: RoleCounts, cycle: &[u8]) {
    let mut order: Vec<usize> = (0..schools.len()).collect();
    rng.shuffle(&mut order);
    let planted_ok =
        |s: &School| matches!(s.kind, SchoolType::Sosh | SchoolType::Centre) && s.base >= 22.0;
    let mut planted = 0;
    for &i in &order {
        let s = &mut schools[i];
        if planted < cycle.len() && planted_ok(s) {
            s.patterns = cycle[planted];
            s.role = Role::Planted;
            if s.patterns & O1 != 0 {
                // Externally confirmed results are weak: ОГЭ/ЕГЭ below the median.
                s.effect = -0.45 + SOCIAL_SLOPE * s.disadvantage;
            }
            planted += 1;
        }
    }
    let mut by_disadvantage: Vec<f64> = schools.iter().map(|s| s.disadvantage).collect();
    by_disadvantage.sort_by(f64::total_cmp);
    let q75 = by_disadvantage[by_disadvantage.len() * 3 / 4];
    let (mut low, mut res) = (0, 0);
    for &i in &order {
        let s = &mut schools[i];
        if s.role != Role::Ordinary || s.base < 8.0 || s.kind == SchoolType::Nosh {
            continue;
        }
        if res < counts.resilient && s.disadvantage >= q75 {
            s.role = Role::Resilient;
            s.effect = 0.6 + 0.08 * rng.normal();
            res += 1;
        } else if low < counts.low_effect && s.disadvantage < q75 {
            s.role = Role::LowEffect;
            s.effect = -0.75 + 0.08 * rng.normal();
            low += 1;
        }
    }
}

/// The region's own number of schools.
const REGION_SCHOOLS: u32 = 245;
/// The range of `DemoOptions::schools` (at least one school per municipality).
const REGION_SCHOOLS_RANGE: std::ops::RangeInclusive<u32> = 10..=5_000;

/// The demo region «Северная область», with `schools` schools (None: 245).
pub(crate) fn build_region(
    seed: u64,
    schools: Option<u32>,
    planting: &Planting,
) -> io::Result<World> {
    let mut b = Builder::new(seed, false);
    let mut plans = region_plans();
    if let Some(n) = schools {
        if !REGION_SCHOOLS_RANGE.contains(&n) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "demo: a region has 10 to 5000 schools",
            ));
        }
        resize(&mut plans, n);
    }
    let centres: Vec<&str> = plans.iter().map(|p| p.centre.adj.as_str()).collect();
    b.exclude_villages(&centres);
    for plan in &plans {
        b.add(plan);
    }
    let n = schools.unwrap_or(REGION_SCHOOLS) as usize;
    let per = |k: usize| (k * n + REGION_SCHOOLS as usize / 2) / REGION_SCHOOLS as usize;
    let counts = RoleCounts {
        low_effect: per(6),
        resilient: per(5),
    };
    Ok(b.finish(seed, counts, &planted_cycle(planting, per(6))))
}

/// Gives the municipalities `n` schools in all, in proportion to their own
/// numbers; each centre keeps its share of its municipality.
fn resize(plans: &mut [MuniPlan], n: u32) {
    let weights: Vec<f64> = plans.iter().map(|p| p.schools as f64).collect();
    for (plan, k) in plans
        .iter_mut()
        .zip(crate::national::allocate(n, &weights, 1))
    {
        let centre = (plan.centre_schools * k + plan.schools / 2) / plan.schools;
        plan.centre_schools = centre.clamp(1, k);
        plan.schools = k;
    }
}

const REGION_NAME: &str = "Северная область";
const REGION_CODE: u32 = 99;

fn region_plans() -> Vec<MuniPlan> {
    // (municipality, schools, centre, centre adjective, urban centre, centre schools, ethnic)
    let rows: [(&str, u32, &str, &str, bool, u32, f64); 10] = [
        ("г. Северск", 80, "г. Северск", "Северская", true, 80, 0.0),
        (
            "Берёзовский городской округ",
            26,
            "г. Берёзовск",
            "Берёзовская",
            true,
            16,
            0.0,
        ),
        (
            "Ивановский муниципальный район",
            20,
            "с. Ивановка",
            "Ивановская",
            false,
            3,
            0.3,
        ),
        (
            "Каменский муниципальный район",
            22,
            "г. Каменск",
            "Каменская",
            true,
            5,
            0.0,
        ),
        (
            "Покровский муниципальный район",
            16,
            "с. Покровское",
            "Покровская",
            false,
            2,
            0.5,
        ),
        (
            "Сосновский муниципальный район",
            19,
            "с. Сосновка",
            "Сосновская",
            false,
            3,
            1.2,
        ),
        (
            "Никольский муниципальный округ",
            15,
            "с. Никольское",
            "Никольская",
            false,
            2,
            0.2,
        ),
        (
            "Озёрский муниципальный район",
            17,
            "г. Озёрск",
            "Озёрская",
            true,
            4,
            0.4,
        ),
        (
            "Белоярский муниципальный район",
            14,
            "с. Белый Яр",
            "Белоярская",
            false,
            2,
            0.8,
        ),
        (
            "Усть-Кемский муниципальный район",
            16,
            "с. Усть-Кема",
            "Усть-Кемская",
            false,
            2,
            2.2,
        ),
    ];
    rows.iter()
        .enumerate()
        .map(
            |(k, &(name, schools, centre, adj, urban, centre_n, ethnic))| MuniPlan {
                name: name.to_string(),
                kind: if k == 0 {
                    MuniKind::City
                } else {
                    MuniKind::Mixed
                },
                schools,
                centre: Place {
                    name: centre.to_string(),
                    adj: adj.to_string(),
                },
                centre_urban: urban,
                centre_schools: centre_n,
                ethnic,
                district: district_short(name),
                region_name: REGION_NAME.to_string(),
                region_code: REGION_CODE,
                postcode: 169_000 + 100 * k as u32,
            },
        )
        .collect()
}

/// «Ивановский муниципальный район» → «Ивановский р-н».
fn district_short(name: &str) -> String {
    name.replace("муниципальный район", "р-н")
        .replace("муниципальный округ", "м.о.")
        .replace("городской округ", "г.о.")
}
