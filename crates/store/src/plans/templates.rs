//! Templates: a plan marked as a template, its blocks copied into schools'
//! plans.

use super::plan::{flatten_sections, insert_activity, insert_section, ActivityInsert};
use super::{db_err, SpreadReport};
use crate::audit::now_text;
use crate::{Db, Result, StoreError};
use opora_plans::{ActivityStatus, Level, Plan, Section};

impl Db {
    /// Marks a plan as a template (or not).
    pub async fn set_template(&self, plan_id: i64, template: bool) -> Result<()> {
        let n = on_db!(self, p => sqlx::query("UPDATE plans SET is_template = $1 WHERE id = $2").bind(template as i64).bind(plan_id).execute(p).await.map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(StoreError::NotFound(format!("план № {plan_id}")));
        }
        Ok(())
    }

    /// Copies a template's blocks (all top-level sections, or those whose ids
    /// are given, e.g. «Инвариантная часть») into each school's plan. A school
    /// that already received the template is left as it is.
    pub async fn apply_template(
        &self,
        template_id: i64,
        section_ids: Option<&[i64]>,
        school_ids: &[i64],
        actor: &str,
    ) -> Result<SpreadReport> {
        let tpl = self
            .plan(template_id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("шаблон № {template_id}")))?;
        let blocks: Vec<&Section> = tpl
            .sections
            .iter()
            .filter(|s| section_ids.is_none_or(|ids| s.id.is_some_and(|i| ids.contains(&i))))
            .collect();
        if blocks.is_empty() && tpl.activities.is_empty() {
            return Err(db_err(format!(
                "в шаблоне «{}» нет выбранных разделов",
                tpl.title
            )));
        }
        let mut report = SpreadReport::default();
        for &school in school_ids {
            let used: i64 = on_db!(self, p => sqlx::query_scalar("SELECT COUNT(*) FROM plan_template_uses WHERE template_plan_id = $1 AND school_id = $2")
                .bind(template_id).bind(school).fetch_one(p).await)?;
            if used > 0 {
                report.existing += 1;
                continue;
            }
            let (target, created) = self.school_plan(school, tpl.period.as_ref(), actor).await?;
            if created {
                report.plans_created += 1;
            }
            let mut position = self.next_position(target).await?;
            let mut tx = self.begin().await?;
            // The blocks with their subsections, in document order.
            let mut sub = Plan::new(Level::School, "");
            sub.sections = blocks.iter().map(|s| (*s).clone()).collect();
            if section_ids.is_none() {
                sub.activities = tpl.activities.clone();
            }
            for a in &sub.activities {
                let mut a = a.clone();
                a.id = None;
                a.status = ActivityStatus::Planned;
                insert_activity(
                    &mut tx,
                    ActivityInsert {
                        plan_id: target,
                        section_id: None,
                        position,
                        a: &a,
                        parent: None,
                    },
                )
                .await?;
                position += 1;
                report.created += 1;
            }
            let flat = flatten_sections(&sub);
            let mut ids: Vec<i64> = Vec::new();
            for (parent, s) in &flat {
                let sid =
                    insert_section(&mut tx, target, parent.map(|p| ids[p]), position, s).await?;
                position += 1;
                ids.push(sid);
                for a in &s.activities {
                    let mut a = a.clone();
                    a.id = None;
                    a.status = ActivityStatus::Planned;
                    a.cancel_reason = None;
                    insert_activity(
                        &mut tx,
                        ActivityInsert {
                            plan_id: target,
                            section_id: Some(sid),
                            position,
                            a: &a,
                            parent: None,
                        },
                    )
                    .await?;
                    position += 1;
                    report.created += 1;
                }
            }
            on_tx!(&mut tx, c => sqlx::query("INSERT INTO plan_template_uses (template_plan_id, school_id, plan_id, at, actor) VALUES ($1, $2, $3, $4, $5)")
                .bind(template_id).bind(school).bind(target).bind(now_text()).bind(actor).execute(&mut *c).await.map(|_| ())?);
            tx.commit().await?;
            report.targets.push((school, target));
        }
        let r = self.plan_ref(template_id).await?;
        let details = format!(
            "школы: {}; мероприятий создано {}, уже было у {}",
            self.school_names(school_ids).await?,
            report.created,
            report.existing
        );
        self.audit_for(
            actor,
            "шаблон плана применён",
            &format!("шаблон: {}", r.object),
            &details,
            r.municipality,
        )
        .await?;
        Ok(report)
    }
}
