//! Who may do what with a plan. Seeing a plan is the store's business
//! (`plans_sql`: out of scope = 404); this decides, for a plan the caller
//! sees, which actions its pages offer and accept.
//!
//! | role | works on (statuses, evidence, comments) | verifies (подтверждено куратором) | manages (plan status, cancel, cascade, import) |
//! |---|---|---|---|
//! | region | every plan | every plan | every plan |
//! | municipality | its municipal plan | its schools' plans | its municipal plan and its schools' plans |
//! | curator | — (comments only) | plans of its schools | — |
//! | school administrator | its school's plans | — | its school's plans |
//! | teacher | its school's plans | — | — |
//!
//! Regional plans are the frame everyone reads; only the region changes them.

use crate::auth::Caller;
use opora_plans::ActivityStatus;
use opora_store::plans::PlanSummary;
use opora_store::scope::Scope;
use opora_store::users::Role;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rights {
    /// Move activities along the workflow, attach evidence, comment.
    pub work: bool,
    /// Confirm done activities and evidence, or return them.
    pub verify: bool,
    /// Approve or archive the plan, cancel activities, cascade to schools.
    pub manage: bool,
}

impl Rights {
    pub fn comment(&self) -> bool {
        self.work || self.verify
    }

    /// Whether a status change is allowed to these rights (the workflow
    /// itself — which step may follow which — is checked by the store).
    pub fn may_set(&self, from: ActivityStatus, to: ActivityStatus) -> bool {
        use ActivityStatus::*;
        match to {
            Verified => self.verify,
            // Returning a done activity is the verifier's decision.
            InProgress if matches!(from, Done | Verified) => self.verify,
            Cancelled => self.manage,
            Planned | InProgress | Done => self.work,
        }
    }
}

/// The caller's rights on a plan it can see. `plan_school_municipality`
/// is the municipality of the plan's school (for school plans).
pub fn rights(c: &Caller, p: &PlanSummary, plan_school_municipality: Option<i64>) -> Rights {
    let municipal_plan = p.level == "municipality"
        || (p.school_id.is_none() && p.municipality_id.is_some() && p.level != "region");
    let all = Rights {
        work: true,
        verify: true,
        manage: true,
    };
    match (&c.scope, c.role()) {
        (Scope::Region, _) => all,
        (Scope::Municipality(m), _) => {
            if municipal_plan && p.municipality_id == Some(*m) {
                all
            } else if p.school_id.is_some() && plan_school_municipality == Some(*m) {
                Rights {
                    work: false,
                    verify: true,
                    manage: true,
                }
            } else {
                Rights::default()
            }
        }
        (Scope::Schools(ids), _) => Rights {
            verify: p.school_id.is_some_and(|s| ids.contains(&s)),
            ..Rights::default()
        },
        (Scope::School(id), role) => {
            if p.school_id == Some(*id) {
                Rights {
                    work: true,
                    verify: false,
                    manage: role == Role::SchoolAdmin,
                }
            } else {
                Rights::default()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ActivityStatus::*;

    #[test]
    fn workers_move_activities_verifiers_confirm_and_return_managers_cancel() {
        let worker = Rights {
            work: true,
            ..Rights::default()
        };
        let verifier = Rights {
            verify: true,
            ..Rights::default()
        };
        let manager = Rights {
            manage: true,
            ..Rights::default()
        };
        assert!(worker.may_set(Planned, InProgress) && worker.may_set(InProgress, Done));
        assert!(
            !worker.may_set(Done, Verified)
                && !worker.may_set(Done, InProgress)
                && !worker.may_set(Planned, Cancelled)
        );
        assert!(
            verifier.may_set(Done, Verified)
                && verifier.may_set(Done, InProgress)
                && !verifier.may_set(Planned, Done)
        );
        assert!(manager.may_set(InProgress, Cancelled) && !manager.may_set(Planned, Done));
        assert!(verifier.comment() && worker.comment() && !manager.comment());
    }
}
