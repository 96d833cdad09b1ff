//! `opora`: the single binary — web server, imports, demo region,
//! identification runs.

mod cli;
mod demo;
mod identify;
mod import;
mod plan;

use anyhow::{Context, Result};
use clap::Parser;
use cli::{Cli, Command};

fn main() -> std::process::ExitCode {
    restore_sigpipe();
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("OPORA_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    match runtime.block_on(run(cli)) {
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

/// `opora … | head` should end quietly like other command-line tools, not
/// panic on a closed pipe: restore the default SIGPIPE action Rust ignores.
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in main, before any thread is started.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// The region's time zone (`OPORA_TIMEZONE`, IANA name, default
/// Europe/Moscow): one clock for «today», deadlines, reports and pages.
fn set_clock() -> Result<()> {
    let name = std::env::var("OPORA_TIMEZONE")
        .ok()
        .filter(|v| !v.trim().is_empty());
    let name = name
        .as_deref()
        .unwrap_or(opora_plans::clock::DEFAULT_TIME_ZONE);
    opora_plans::clock::set_region_time_zone(name).context("OPORA_TIMEZONE")?;
    Ok(())
}

async fn run(cli: Cli) -> Result<std::process::ExitCode> {
    set_clock()?;
    match cli.command {
        Command::Migrate => {
            let db = cli.db.open().await?;
            println!("База данных готова: {}", cli.db.describe());
            db.close().await;
        }
        Command::Import(args) => return import::run(&cli.db, args).await,
        Command::Demo(args) => demo::run(&cli.db, args).await?,
        Command::Identify(args) => return identify::run(&cli.db, args).await,
        Command::Plan(cmd) => return plan::run(&cli.db, cmd).await,
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
            let cfg = opora_web::Config::from_env()?;
            opora_web::serve_with(db, cfg, addr, |a| {
                println!("Опора работает: http://{a}/ (остановить: Ctrl+C)")
            })
            .await
            .with_context(|| format!("не удалось запустить сервер на {addr}"))?;
        }
    }
    Ok(std::process::ExitCode::SUCCESS)
}
