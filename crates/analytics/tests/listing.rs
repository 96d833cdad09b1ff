//! The signs of non-objective results over whole synthetic regions of the
//! demo generator (300 schools × 2023–2025), with the default configuration
//! (Benjamini–Hochberg at q = 0.05 per sign, then the listing rule):
//! fewer than 2 % of clean schools listed, at least 90 % of planted schools
//! found. Three seeds here; `examples/listing.rs` runs ten.

mod common;
use common::demo_region::{heaping_and_inflation, run_region};
use opora_analytics::Config;
use opora_demo::Planting;

const SEEDS: [u64; 3] = [1, 2, 3];
const SCHOOLS: u32 = 300;

#[test]
fn clean_regions_list_fewer_than_2_percent_of_their_schools() {
    for seed in SEEDS {
        let (run, l) = run_region(seed, SCHOOLS, Planting::None, &Config::default());
        eprintln!(
            "seed {seed}: {} of {} clean schools listed {:?}",
            l.clean_listed, l.clean, l.clean_by_sign
        );
        assert!(l.clean_share() < 0.02, "seed {seed}: {l:?}");
        // The account of chance: every sign tested in thousands of cells.
        assert_eq!(run.objectivity_tests.len(), 5);
        for t in &run.objectivity_tests {
            assert!(t.cells_tested > 1000, "{t:?}");
            assert_eq!(t.expected_false, Some(0.05 * t.significant as f64));
        }
    }
}

#[test]
fn planted_heaping_and_inflated_marks_are_found_in_at_least_90_percent_of_schools() {
    for seed in SEEDS {
        let (_, l) = run_region(seed, SCHOOLS, heaping_and_inflation(10), &Config::default());
        eprintln!(
            "seed {seed}: {} of {} planted found (missed {:?}); {} of {} clean schools listed",
            l.planted_found, l.planted, l.missed, l.clean_listed, l.clean
        );
        assert_eq!(l.planted, 10);
        assert!(l.found_share() >= 0.9, "seed {seed}: {l:?}");
        assert!(l.clean_share() < 0.02, "seed {seed}: {l:?}");
    }
}

#[test]
fn the_per_cell_rules_alone_list_far_more_clean_schools() {
    // What the correction is for: the same clean region judged cell by cell.
    let mut cfg = Config::default();
    cfg.objectivity.fdr_q = None;
    let (run, l) = run_region(1, SCHOOLS, Planting::None, &cfg);
    assert!(l.clean_share() > 0.05, "{l:?}");
    assert!(run
        .objectivity_tests
        .iter()
        .all(|t| t.expected_false.is_none()));
}
