//! Staff (issue 13): teachers of each school and the courses they completed.
//!
//! - `teachers`: the person records (qualification, subjects, the login if
//!   any), listing by scope, the card, editing, moves between schools;
//! - `courses`: completed courses (imported or entered), the last course
//!   that the three-year rule counts from;
//! - `diagnostics`: rounds of the diagnostics of professional deficits,
//!   each teacher's results, the heat map of a round over a scope;
//! - `mentoring`: mentoring pairs, their meetings, suggested mentors;
//! - `development`: the catalogue of programmes and the teachers'
//!   individual development plans (drafted from the deficits);
//! - `instruments`: self-assessment instruments and teachers' answers;
//! - `facts`: the `кадры.*` fields of the indicator formulas;
//! - `principals`: the efficiency of principals — weights, evaluations
//!   per academic year, results with the numbers behind them.
//!
//! Staff data is personal: every read of it through these functions writes
//! an audit entry (who read what), and every change too. The scope is the
//! schools' scope ([`Scope`]); narrowing a teacher to their own record is
//! the web's role rule, not the store's.
//!
//! [`Scope`]: crate::scope::Scope

pub mod courses;
pub mod development;
pub mod diagnostics;
mod facts;
pub mod instruments;
pub mod mentoring;
pub mod principals;
pub mod teachers;

use crate::scope::Scope;

/// An SQL condition: the teacher aliased `t` works in a school of `scope`
/// (the school aliased `s` must be joined).
pub(crate) fn teachers_sql(scope: &Scope) -> String {
    scope.schools_sql("s")
}

/// The audit object of a teacher: «педагог 12 (Иванова М. П.)».
pub(crate) fn audit_object(id: i64, full_name: &str) -> String {
    format!("педагог {id} ({})", short_name(full_name))
}

/// «Иванова Мария Петровна» → «Иванова М. П.»: names in audit entries and
/// lists above the school stay short.
pub fn short_name(full_name: &str) -> String {
    let mut words = full_name.split_whitespace();
    let Some(surname) = words.next() else {
        return String::new();
    };
    let initials: Vec<String> = words
        .filter_map(|w| w.chars().next())
        .map(|c| format!("{c}."))
        .collect();
    if initials.is_empty() {
        surname.to_string()
    } else {
        format!("{surname} {}", initials.join(" "))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn short_names_keep_the_surname_and_initials() {
        assert_eq!(super::short_name("Иванова Мария Петровна"), "Иванова М. П.");
        assert_eq!(super::short_name("Ли Чен"), "Ли Ч.");
        assert_eq!(super::short_name("Иванова"), "Иванова");
    }
}
