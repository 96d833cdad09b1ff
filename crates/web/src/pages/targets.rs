//! Choosing the schools a campaign or an event is for: the supported
//! schools (ШНОР and ШНСУ of the lists in force: the latest approved by an
//! order, or the latest run before any order), all schools of the caller's
//! scope, all schools of a municipality (the region), or a list of codes.
//! Every school is taken from the caller's scope, so no id or code outside
//! it can be chosen.

use crate::auth::Caller;
use crate::error::WebResult;
use crate::AppState;

/// The choices of the «Кому» list: (value, label).
pub async fn choices(st: &AppState, c: &Caller) -> WebResult<Vec<(String, String)>> {
    let mut out = vec![
        (
            "supported".to_string(),
            "ШНОР и ШНСУ утверждённого перечня".to_string(),
        ),
        ("all".to_string(), "Все школы".to_string()),
    ];
    if c.is_region() {
        for m in st.db.municipalities().await? {
            out.push((format!("m{}", m.id), format!("Все школы: {}", m.name)));
        }
    }
    out.push(("list".to_string(), "Список кодов школ (ниже)".to_string()));
    Ok(out)
}

/// The ids of the schools chosen by `target` (one of [`choices`]) and, for
/// a list, by `codes`; each mistake is pushed to `errors` in Russian.
pub async fn chosen(
    st: &AppState,
    c: &Caller,
    target: &str,
    codes: &str,
    errors: &mut Vec<String>,
) -> WebResult<Vec<i64>> {
    let in_scope = st.db.schools_in(&c.scope).await?;
    let ids = match target {
        "supported" => st.db.supported_schools_in(&c.scope).await?,
        "all" => in_scope.iter().map(|s| s.id).collect(),
        "list" => {
            let mut ids = vec![];
            for code in codes
                .split([',', ';', '\n', ' ', '\t'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
            {
                match in_scope.iter().find(|s| s.code == code) {
                    Some(s) => ids.push(s.id),
                    None => errors.push(format!(
                        "школа с кодом «{code}» не найдена среди ваших школ: проверьте код"
                    )),
                }
            }
            ids
        }
        m => match m.strip_prefix('m').and_then(|n| n.parse::<i64>().ok()) {
            Some(m) if c.is_region() => in_scope
                .iter()
                .filter(|s| s.municipality_id == m)
                .map(|s| s.id)
                .collect(),
            _ => {
                errors.push("выберите, каким школам адресовано".into());
                vec![]
            }
        },
    };
    if ids.is_empty() && errors.is_empty() {
        errors.push(
            "в выбранном адресате нет ни одной школы: выберите другой или перечислите коды".into(),
        );
    }
    Ok(ids)
}
