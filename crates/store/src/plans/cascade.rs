//! The cascade: a municipal (or regional) activity spread to schools'
//! plans, and how the schools are doing with it.

use super::plan::{insert_activity, ActivityInsert};
use super::{stored_status, SpreadReport};
use crate::{Db, Result, StoreError};
use opora_plans::{ActivityStatus, Date};
use serde::Serialize;
use sqlx::Row;

/// Progress of a cascaded activity over its schools.
#[derive(Debug, Clone, Serialize, Default)]
pub struct CascadeProgress {
    pub total: i64,
    pub planned: i64,
    pub in_progress: i64,
    pub done: i64,
    pub verified: i64,
    pub cancelled: i64,
    pub overdue: i64,
    /// Per school: (school short name, status code, overdue).
    pub schools: Vec<(String, String, bool)>,
}

const CASCADE_SECTION: &str = "Мероприятия муниципального плана";

impl Db {
    /// A municipal (or regional) activity addressed to schools becomes an
    /// activity in each school's plan, linked to it. Schools that already
    /// have it are left as they are.
    pub async fn cascade_activity(
        &self,
        activity_id: i64,
        school_ids: &[i64],
        actor: &str,
    ) -> Result<SpreadReport> {
        let plan_id = self
            .activity_plan_id(activity_id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("мероприятие № {activity_id}")))?;
        let plan = self
            .plan(plan_id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("план № {plan_id}")))?;
        let parent = plan
            .all_activities()
            .into_iter()
            .map(|l| l.activity.clone())
            .find(|a| a.id == Some(activity_id))
            .ok_or_else(|| StoreError::NotFound(format!("мероприятие № {activity_id}")))?;
        let mut report = SpreadReport::default();
        for &school in school_ids {
            let (target, created) = self
                .school_plan(school, plan.period.as_ref(), actor)
                .await?;
            if created {
                report.plans_created += 1;
            }
            let sql = "SELECT COUNT(*) FROM plan_activities WHERE plan_id = $1 AND parent_activity_id = $2";
            let n: i64 = on_db!(self, p => sqlx::query_scalar(sql).bind(target).bind(activity_id).fetch_one(p).await)?;
            report.targets.push((school, target));
            if n > 0 {
                report.existing += 1;
                continue;
            }
            let section = self.section_by_title(target, CASCADE_SECTION).await?;
            let position = self.next_position(target).await?;
            let mut child = parent.clone();
            child.id = None;
            child.status = ActivityStatus::Planned;
            child.cancel_reason = None;
            child.source = None;
            let mut tx = self.begin().await?;
            insert_activity(
                &mut tx,
                ActivityInsert {
                    plan_id: target,
                    section_id: Some(section),
                    position,
                    a: &child,
                    parent: Some(activity_id),
                },
            )
            .await?;
            tx.commit().await?;
            report.created += 1;
        }
        let r = self.activity_ref(activity_id).await?;
        let details = format!(
            "школы: {}; создано {}, уже было {}",
            self.school_names(school_ids).await?,
            report.created,
            report.existing
        );
        self.audit_for(
            actor,
            "каскад мероприятия",
            &r.object,
            &details,
            r.municipality,
        )
        .await?;
        Ok(report)
    }

    /// How the schools are doing with a cascaded activity.
    pub async fn cascade_progress(&self, activity_id: i64, today: Date) -> Result<CascadeProgress> {
        let sql = "SELECT COALESCE(s.short_name, p.owner), a.status, a.deadline_end FROM plan_activities a JOIN plans p ON p.id = a.plan_id \
                   LEFT JOIN schools s ON s.id = p.school_id WHERE a.parent_activity_id = $1 ORDER BY COALESCE(s.short_name, p.owner)";
        let rows: Vec<(String, String, Option<String>)> = on_db!(self, p => sqlx::query(sql).bind(activity_id).fetch_all(p).await?
            .iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect());
        let mut pr = CascadeProgress::default();
        let today = today.iso();
        for (name, st, end) in rows {
            let status = stored_status(&st)?;
            let overdue = !status.is_closed() && end.as_deref().is_some_and(|e| e < today.as_str());
            pr.total += 1;
            match status {
                ActivityStatus::Planned => pr.planned += 1,
                ActivityStatus::InProgress => pr.in_progress += 1,
                ActivityStatus::Done => pr.done += 1,
                ActivityStatus::Verified => pr.verified += 1,
                ActivityStatus::Cancelled => pr.cancelled += 1,
            }
            if overdue {
                pr.overdue += 1;
            }
            pr.schools.push((name, st, overdue));
        }
        Ok(pr)
    }
}
