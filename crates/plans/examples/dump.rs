//! Prints what the importer reads from a file: `cargo run -p opora-plans
//! --example dump -- FILE [json]`. A `.txt` file is read as tab-separated
//! text (the seed documents' form); DOCX and XLSX as such.

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1) else {
        eprintln!("usage: dump FILE [json]");
        std::process::exit(2);
    };
    let opts = opora_plans::ImportOptions {
        file_name: path.clone(),
        ..Default::default()
    };
    let plan = if path.ends_with(".txt") {
        let text = std::fs::read_to_string(path).expect("read");
        opora_plans::plan_from_document(&opora_plans::Document::from_tsv_text(&text), &opts, "txt")
    } else {
        opora_plans::import_file(std::path::Path::new(path), &opts)
    };
    let plan = match plan {
        Ok(p) => p,
        Err(e) => {
            eprintln!("Ошибка: {e}");
            std::process::exit(1);
        }
    };
    if args.get(2).map(|s| s.as_str()) == Some("json") {
        println!("{}", serde_json::to_string_pretty(&plan).unwrap());
        return;
    }
    println!("title: {}\nlevel: {:?}  owner: {}\nperiod: {:?}\ngoal: {:?}\ntasks: {:?}\napproval: {:?}\nstatus: {:?}",
        plan.title, plan.level, plan.owner, plan.period.as_ref().map(|p| (&p.text, p.start, p.end, p.inferred)), plan.goal, plan.tasks, plan.approval, plan.status);
    for a in &plan.activities {
        println!(
            "  - [{}] {} | {} => {} | {} | {:?}",
            a.number.as_deref().unwrap_or(""),
            short(&a.text),
            a.deadline.text,
            a.deadline.summary,
            a.responsible_text,
            a.result_document
        );
    }
    for (depth, s) in plan.all_sections() {
        println!(
            "{}§ [{}] {} ({:?})",
            "  ".repeat(depth),
            s.number.as_deref().unwrap_or(""),
            s.title,
            s.kind
        );
        for a in &s.activities {
            println!(
                "{}  - [{}] {} | {} => {} | {} | {:?} {:?}",
                "  ".repeat(depth),
                a.number.as_deref().unwrap_or(""),
                short(&a.text),
                a.deadline.text,
                a.deadline.summary,
                a.responsible_text,
                a.result_document,
                a.source.as_ref().map(|s| &s.rows)
            );
        }
    }
    println!("activities: {}", plan.activity_count());
    if let Some(i) = &plan.import {
        println!(
            "import: tables {} rows {} merged {} skipped {}\ncolumns: {:?}",
            i.tables, i.rows, i.merged_rows, i.skipped_rows, i.columns
        );
        for w in &i.warnings {
            println!("! {w}");
        }
    }
}

fn short(s: &str) -> String {
    let c: Vec<char> = s.chars().collect();
    if c.len() > 70 {
        format!(
            "{}…{}",
            c[..40].iter().collect::<String>(),
            c[c.len() - 25..].iter().collect::<String>()
        )
    } else {
        s.to_string()
    }
}
