//! `opora`: the single binary — web server, imports, demo region,
//! identification runs.

/// `println!` for the program's output that ends quietly when stdout is a
/// closed pipe (`opora … | head`), as command-line tools do, instead of
/// panicking.
macro_rules! say {
    () => {
        $crate::output::line(format_args!(""))
    };
    ($($arg:tt)*) => {
        $crate::output::line(format_args!($($arg)*))
    };
}

mod backup;
mod cli;
mod demo;
mod identify;
mod import;
mod indicators;
mod note;
mod output;
mod plan;
mod settings;
mod sites;
mod staff;

use anyhow::{Context, Result};
use clap::Parser;
use cli::{Cli, Command};

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("OPORA_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let settings = match start() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("Ошибка: {e:#}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    match runtime.block_on(run(cli, settings)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("Ошибка: {e:#}");
            if let Some(hint) = command_line_hint(&e) {
                eprintln!("{hint}");
            }
            std::process::ExitCode::FAILURE
        }
    }
}

/// The command-line way out of a file error (the site offers choosers
/// instead): the file error may come straight from `io` or through the store.
fn command_line_hint(e: &anyhow::Error) -> Option<&'static str> {
    e.chain().find_map(|cause| {
        if let Some(io) = cause.downcast_ref::<opora_io::IoError>() {
            return io.command_line_hint();
        }
        match cause.downcast_ref::<opora_store::StoreError>() {
            Some(opora_store::StoreError::File(io)) => io.command_line_hint(),
            _ => None,
        }
    })
}

/// Reads and applies the settings: the region's clock and the engine's
/// worker threads (one pool for the whole process).
fn start() -> Result<settings::Settings> {
    let settings = settings::Settings::from_env()?;
    opora_plans::clock::set_region_time_zone(&settings.time_zone).context("OPORA_TIMEZONE")?;
    rayon::ThreadPoolBuilder::new()
        .num_threads(settings.threads)
        .build_global()
        .context("OPORA_THREADS")?;
    Ok(settings)
}

async fn run(cli: Cli, settings: settings::Settings) -> Result<std::process::ExitCode> {
    match cli.command {
        Command::Migrate => {
            let db = cli.db.open().await?;
            say!("База данных готова: {}", cli.db.describe());
            db.close().await;
        }
        Command::Backup(args) => backup::backup(&cli.db, &args.file).await?,
        Command::Restore(args) => backup::restore(&cli.db, &args.file).await?,
        Command::Import(args) => return import::run(&cli.db, args).await,
        Command::Demo(args) => demo::run(&cli.db, args).await?,
        Command::Identify(args) => {
            return identify::run(&cli.db, args, &settings).await;
        }
        Command::Plan(cmd) => return plan::run(&cli.db, cmd).await,
        Command::Indicators(cmd) => return indicators::run(&cli.db, cmd).await,
        Command::Sites(cmd) => sites::run(&cli.db, cmd).await?,
        Command::Staff(cmd) => staff::run(&cli.db, cmd).await?,
        Command::Note(args) => note::run(&cli.db, args).await?,
        Command::Serve(args) => {
            let db = cli.db.open().await?;
            // Rows of an import killed mid-way are invisible; delete them now.
            db.recover_imports()
                .await
                .context("очистка после прерванной загрузки")?;
            if args.demo {
                demo::load_if_empty(&db).await?;
                // A database seeded before the demo had a run gets one now.
                opora_seed::story_from_run(&db).await?;
            }
            let addr: std::net::SocketAddr = args
                .addr
                .parse()
                .with_context(|| format!("неверный адрес «{}»", args.addr))?;
            let mut web = settings.web;
            if args.demo {
                // The demo's schools have made-up addresses on a real
                // platform: the schedule must not visit them.
                web.site_audits = false;
            }
            opora_web::serve_with(db, web, addr, |a| {
                say!("Опора работает: http://{a}/ (остановить: Ctrl+C)")
            })
            .await
            .with_context(|| format!("не удалось запустить сервер на {addr}"))?;
        }
    }
    Ok(std::process::ExitCode::SUCCESS)
}
