//! The school registry.

use super::{clean_name, count, school_code, Fields};
use crate::{Field, Schema};

pub static SCHEMA: Schema = Schema {
    fields: &[
        Field {
            name: "school_id",
            aliases: &["Код ОО", "Логин ОО", "Логин", "Код школы", "ИНН", "id"],
            required: true,
        },
        Field {
            name: "municipality",
            aliases: &[
                "Муниципалитет",
                "МО",
                "Муниципальное образование",
                "АТЕ",
                "Район",
            ],
            required: true,
        },
        Field {
            name: "full_name",
            aliases: &[
                "Полное наименование",
                "Наименование ОО",
                "Наименование",
                "name",
            ],
            required: true,
        },
        Field {
            name: "short_name",
            aliases: &[
                "Краткое наименование",
                "Сокращённое наименование",
                "Сокращенное наименование",
            ],
            required: false,
        },
        Field {
            name: "type",
            aliases: &["Тип", "Тип ОО", "Вид ОО", "kind"],
            required: false,
        },
        Field {
            name: "locality",
            aliases: &["Местность", "Территория", "Город/село", "Тип местности"],
            required: false,
        },
        Field {
            name: "address",
            aliases: &["Адрес", "Юридический адрес"],
            required: false,
        },
        Field {
            name: "website",
            aliases: &["Сайт", "Адрес сайта"],
            required: false,
        },
        Field {
            name: "enrolment",
            aliases: &["Контингент", "Численность обучающихся", "Число обучающихся"],
            required: false,
        },
    ],
    tasks: false,
    keep_unknown: false,
};

/// School types as the registry spells them.
pub const SCHOOL_KINDS: &[&str] = &[
    "СОШ",
    "ООШ",
    "НОШ",
    "лицей",
    "гимназия",
    "ЦО",
    "интернат",
    "другое",
];

/// «средняя общеобразовательная школа», «сош» → «СОШ»; unknown → error.
pub fn parse_kind(s: &str) -> Result<String, String> {
    let n = s.trim().to_lowercase().replace('ё', "е");
    let kind = match n.as_str() {
        "сош" | "средняя общеобразовательная школа" | "средняя школа" => {
            "СОШ"
        }
        "оош" | "основная общеобразовательная школа" | "основная школа" => {
            "ООШ"
        }
        "нош" | "начальная общеобразовательная школа" | "начальная школа" => {
            "НОШ"
        }
        "лицей" => "лицей",
        "гимназия" => "гимназия",
        "цо" | "центр образования" => "ЦО",
        "интернат" | "школа-интернат" => "интернат",
        "другое" | "иное" => "другое",
        _ => {
            return Err(format!(
                "неизвестный тип ОО; допустимые: {}",
                SCHOOL_KINDS.join(", ")
            ))
        }
    };
    Ok(kind.to_string())
}

pub fn parse_locality(s: &str) -> Result<String, String> {
    match s.trim().to_lowercase().as_str() {
        "город" | "городская" | "городская местность" | "urban" | "г" => {
            Ok("город".into())
        }
        "село" | "сельская" | "сельская местность" | "rural" | "с" => {
            Ok("село".into())
        }
        _ => Err("ожидается «город» или «село»".into()),
    }
}

#[derive(Debug, Clone)]
pub struct SchoolRecord {
    pub code: String,
    pub municipality: String,
    pub full_name: String,
    pub short_name: String,
    pub kind: String,
    pub locality: String,
    pub address: String,
    pub website: String,
    pub enrolment: Option<i64>,
}

pub fn parse_row(f: &mut Fields<'_>) -> Option<SchoolRecord> {
    let code = f.req("school_id", school_code);
    let municipality = f.text("municipality").map(|s| clean_name(&s));
    let full_name = f.text("full_name").map(|s| clean_name(&s));
    let kind = f.opt("type", parse_kind).unwrap_or_else(|| "СОШ".into());
    let locality = f
        .opt("locality", parse_locality)
        .unwrap_or_else(|| "город".into());
    let enrolment = f.opt("enrolment", count);
    let short_name = f.opt_text("short_name").map(|s| clean_name(&s));
    if f.bad {
        return None;
    }
    let full_name = full_name?;
    Some(SchoolRecord {
        code: code?,
        municipality: municipality?,
        short_name: short_name.unwrap_or_else(|| full_name.clone()),
        full_name,
        kind,
        locality,
        address: f.opt_text("address").unwrap_or_default(),
        website: f.opt_text("website").unwrap_or_default(),
        enrolment,
    })
}
