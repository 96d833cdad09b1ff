//! Imports: encodings, delimiters, XLSX, Russian headers, all-or-nothing,
//! idempotence and replacement — on SQLite and PostgreSQL.

mod common;

use common::*;
use opora_store::import::ImportKind;
use opora_store::StoreError;

const VPR_HEADER: &str =
    "Год;Код ОО;Процедура;Предмет;Класс;Код участника;Первичный балл;Отметка;Отметка по журналу\n";

fn vpr_rows(school: &str, scores: &[u32]) -> String {
    scores
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mark = if *s >= 16 {
                5
            } else if *s >= 12 {
                4
            } else if *s >= 7 {
                3
            } else {
                2
            };
            format!("2023-2024;{school};впр;математика;5;{school}-P{i:03};{s};{mark};{mark}\n")
        })
        .collect()
}

#[tokio::test]
async fn windows_1251_semicolon_file_with_russian_headers_imports_with_statistics() {
    for_each_db!(|t| {
        let dir = with_registry(&t.db).await;
        let path = dir.join("vpr.csv");
        write_cp1251(
            &path,
            &format!(
                "{VPR_HEADER}{}{}",
                vpr_rows("S001", &[10, 12, 15, 18, 20]),
                vpr_rows("S003", &[3, 7])
            ),
        );
        let report = import(&t.db, ImportKind::Results, &path).await.unwrap();
        assert_eq!(
            (report.rows, report.written, report.groups_changed),
            (7, 7, 2)
        );
        assert_eq!(t.db.count("pupil_results").await.unwrap(), 7);
        let stats = t.db.stats_table().await.unwrap();
        let s1 = stats
            .cells
            .iter()
            .find(|((s, _), _)| s == "S001")
            .map(|(_, v)| v)
            .unwrap();
        assert_eq!(s1.n, 5);
        assert_eq!(s1.sum, 75.0);
        assert_eq!(s1.sum_sq, (100 + 144 + 225 + 324 + 400) as f64);
        let (_, key) = stats.cells.keys().next().unwrap();
        assert_eq!(
            (
                key.year,
                key.procedure.as_str(),
                key.subject.as_str(),
                key.grade
            ),
            (2024, "ВПР", "Математика", 5)
        );
    });
}

#[tokio::test]
async fn xlsx_file_on_a_named_sheet_imports() {
    for_each_db!(|t| {
        let dir = with_registry(&t.db).await;
        let path = dir.join("vpr.xlsx");
        let mut book = rust_xlsxwriter::Workbook::new();
        let ws = book.add_worksheet();
        ws.set_name("Результаты").unwrap();
        let header = [
            "Год",
            "Логин ОО",
            "Процедура",
            "Предмет",
            "Класс",
            "Код участника",
            "Балл",
        ];
        for (c, h) in header.iter().enumerate() {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        for r in 1..=4u32 {
            ws.write_number(r, 0, 2024.0).unwrap();
            ws.write_string(r, 1, "S002").unwrap();
            ws.write_string(r, 2, "ВПР").unwrap();
            ws.write_string(r, 3, "Математика").unwrap();
            ws.write_number(r, 4, 5.0).unwrap();
            ws.write_string(r, 5, format!("K{r}")).unwrap();
            ws.write_number(r, 6, (r * 4) as f64).unwrap();
        }
        book.save(&path).unwrap();
        let opts = opora_store::import::ImportOptions {
            sheet: Some("Результаты".into()),
            ..Default::default()
        };
        let report =
            t.db.import_file(ImportKind::Results, &path, &opts, &|_| {})
                .await
                .unwrap();
        assert_eq!(report.written, 4);
        // Marks come from the scale when the file has none: 16 → «5», 4 → «2».
        let marks =
            t.db.stats_table()
                .await
                .unwrap()
                .cells
                .values()
                .next()
                .unwrap()
                .mark_counts;
        assert_eq!(marks, [1, 1, 1, 1]);
    });
}

#[tokio::test]
async fn a_file_with_three_bad_rows_imports_nothing_and_names_all_three() {
    for_each_db!(|t| {
        let dir = with_registry(&t.db).await;
        let before = dump(&t.db).await;
        let mut text = format!("{VPR_HEADER}{}", vpr_rows("S001", &[10, 12, 15]));
        text.push_str("2024;S999;ВПР;Математика;5;X1;10;3;3\n"); // unknown school
        text.push_str("2024;S001;ВПР;Математика;5;X2;25;5;5\n"); // above the maximum 20
        text.push_str("2024;S001;ВПР;Математика;5;X3;-1;2;2\n"); // negative
        let path = dir.join("bad.csv");
        write_cp1251(&path, &text);
        let err = import(&t.db, ImportKind::Results, &path).await.unwrap_err();
        let StoreError::Rejected { count, errors, .. } = err else {
            panic!("expected rejection, got {err}")
        };
        assert_eq!(count, 3);
        let rows: Vec<u64> = errors.iter().map(|e| e.row).collect();
        assert_eq!(rows, vec![5, 6, 7]);
        let text: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        assert!(
            text[0].contains("Код ОО")
                && text[0].contains("S999")
                && text[0].contains("нет в реестре"),
            "{}",
            text[0]
        );
        assert!(text[1].contains("больше максимального (20)"), "{}", text[1]);
        assert!(text[2].contains("отрицательным"), "{}", text[2]);
        assert_eq!(dump(&t.db).await, before, "nothing may be written");
    });
}

#[tokio::test]
async fn missing_values_duplicates_bad_marks_and_dates_are_reported_in_russian() {
    for_each_db!(|t| {
        let dir = with_registry(&t.db).await;
        let text = "year,school_id,procedure,subject,grade,student_key,score,mark,date\n\
                    2024,S001,ВПР,Математика,5,A1,10,3,15.04.2024\n\
                    2024,S001,ВПР,Математика,5,A1,11,3,15.04.2024\n\
                    2024,S001,ВПР,Математика,5,A2,,3,15.04.2024\n\
                    2024,S001,ВПР,Математика,5,A3,9,7,15.04.2024\n\
                    2024,S001,ВПР,Математика,5,A4,9,3,31.04.2024\n\
                    двадцать,S001,ВПР,Математика,5,A5,9,3,\n";
        let path = dir.join("bad.csv");
        std::fs::write(&path, text).unwrap();
        let StoreError::Rejected { errors, .. } =
            import(&t.db, ImportKind::Results, &path).await.unwrap_err()
        else {
            panic!()
        };
        let msgs: Vec<(u64, String)> = errors.iter().map(|e| (e.row, e.to_string())).collect();
        let find =
            |row: u64, needle: &str| msgs.iter().any(|(r, m)| *r == row && m.contains(needle));
        assert!(find(3, "строке 2"), "{msgs:?}");
        assert!(find(4, "не заполнено обязательное поле"), "{msgs:?}");
        assert!(find(5, "отметка от 2 до 5"), "{msgs:?}");
        assert!(find(6, "ДД.ММ.ГГГГ"), "{msgs:?}");
        assert!(find(7, "ожидается год"), "{msgs:?}");
        assert_eq!(t.db.count("pupil_results").await.unwrap(), 0);
    });
}

#[tokio::test]
async fn importing_the_same_file_twice_changes_nothing() {
    for_each_db!(|t| {
        let dir = with_registry(&t.db).await;
        let path = dir.join("vpr.csv");
        write_cp1251(
            &path,
            &format!("{VPR_HEADER}{}", vpr_rows("S001", &[5, 9, 13, 17])),
        );
        import(&t.db, ImportKind::Results, &path).await.unwrap();
        let first = dump(&t.db).await;
        let again = import(&t.db, ImportKind::Results, &path).await.unwrap();
        assert_eq!((again.groups_changed, again.groups_unchanged), (0, 1));
        assert_eq!(dump(&t.db).await, first);
        // The registry too.
        import(&t.db, ImportKind::Schools, &dir.join("schools.csv"))
            .await
            .unwrap();
        assert_eq!(dump(&t.db).await, first);
    });
}

#[tokio::test]
async fn a_corrected_file_replaces_the_rows_of_the_same_school_and_assessment() {
    for_each_db!(|t| {
        let dir = with_registry(&t.db).await;
        let path = dir.join("vpr.csv");
        write_cp1251(
            &path,
            &format!(
                "{VPR_HEADER}{}{}",
                vpr_rows("S001", &[5, 9, 13, 17]),
                vpr_rows("S003", &[8])
            ),
        );
        import(&t.db, ImportKind::Results, &path).await.unwrap();
        write_cp1251(
            &path,
            &format!("{VPR_HEADER}{}", vpr_rows("S001", &[6, 10])),
        );
        let r = import(&t.db, ImportKind::Results, &path).await.unwrap();
        assert_eq!(r.groups_changed, 1);
        assert_eq!(
            t.db.count("pupil_results").await.unwrap(),
            3,
            "2 new rows of S001 + S003 untouched"
        );
        let stats = t.db.stats_table().await.unwrap();
        let s1 = stats
            .cells
            .iter()
            .find(|((s, _), _)| s == "S001")
            .map(|(_, v)| v)
            .unwrap();
        assert_eq!((s1.n, s1.sum), (2, 16.0));
    });
}

#[tokio::test]
async fn missing_required_columns_are_named_and_explicit_mapping_fixes_them() {
    for_each_db!(|t| {
        let dir = with_registry(&t.db).await;
        let path = dir.join("odd.csv");
        std::fs::write(
            &path,
            "Год,ОО,Процедура,Предмет,Класс,Участник,Итог\n2024,S001,ВПР,Математика,5,A1,10\n",
        )
        .unwrap();
        let err = import(&t.db, ImportKind::Results, &path)
            .await
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("Код ОО") && err.contains("какой столбец какому полю соответствует"),
            "{err}"
        );
        assert!(
            !err.contains("--map"),
            "the command line adds its own hint: {err}"
        );
        let opts = opora_store::import::ImportOptions {
            map: vec![
                ("school_id".into(), "ОО".into()),
                ("student_key".into(), "Участник".into()),
                ("score".into(), "Итог".into()),
            ],
            ..Default::default()
        };
        let r =
            t.db.import_file(ImportKind::Results, &path, &opts, &|_| {})
                .await
                .unwrap();
        assert_eq!(r.written, 1);
    });
}

#[tokio::test]
async fn school_level_results_context_and_checklist_import() {
    for_each_db!(|t| {
        let dir = with_registry(&t.db).await;
        let res = dir.join("agg.csv");
        std::fs::write(&res, "year,school_id,procedure,subject,grade,n,mean_score,sd_score\n2024,S001,ОГЭ,Русский язык,9,50,25.5,4.1\n2024,S002,ОГЭ,Русский язык,9,40,28,3.9\n").unwrap();
        let r = import(&t.db, ImportKind::Results, &res).await.unwrap();
        assert_eq!(r.written, 2);
        assert_eq!(t.db.count("school_results").await.unwrap(), 2);
        let ctx = dir.join("ctx.csv");
        std::fs::write(&ctx, "Код ОО;Год;low_income_share;Доля обучающихся с ОВЗ;my_factor\nS001;2024;12,5;3;1\nS002;2024;8;;2\n").unwrap();
        import(&t.db, ImportKind::Context, &ctx).await.unwrap();
        let table = t.db.context_table().await.unwrap();
        assert_eq!(
            table.factors,
            vec!["disability_share", "low_income_share", "my_factor"]
        );
        assert_eq!(table.rows[0].values, vec![Some(3.0), Some(12.5), Some(1.0)]);
        assert_eq!(table.rows[1].values[0], None);
        // One indicator under its code and its Russian name: refused, both columns named.
        let twice = dir.join("twice.csv");
        std::fs::write(
            &twice,
            "Код ОО;low_income_share;Доля обучающихся из малообеспеченных семей\nS001;12;13\n",
        )
        .unwrap();
        let err = import(&t.db, ImportKind::Context, &twice)
            .await
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("«low_income_share» (столбец B)")
                && err.contains("«Доля обучающихся из малообеспеченных"),
            "{err}"
        );
        let ck = dir.join("ck.csv");
        std::fs::write(&ck, "school_id,year,continuation_rate,graduates,ege_below_min\nS001,2024,55,20,3\nS002,2024,80,10,11\n").unwrap();
        let StoreError::Rejected { errors, .. } =
            import(&t.db, ImportKind::Checklist, &ck).await.unwrap_err()
        else {
            panic!()
        };
        assert_eq!(errors.len(), 1);
        assert!(errors[0].to_string().contains("больше, чем выпускников"));
        std::fs::write(
            &ck,
            "school_id,year,continuation_rate,graduates,ege_below_min\nS001,2024,55,20,3\n",
        )
        .unwrap();
        import(&t.db, ImportKind::Checklist, &ck).await.unwrap();
        assert_eq!(
            t.db.checklist_rows().await.unwrap()[0].continuation_rate,
            Some(55.0)
        );
    });
}
