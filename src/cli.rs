//! The command line: parse arguments, run a command, print what happened.
//!
//! Exit codes: 0 ok; 1 the build, check or import failed; 2 bad usage
//! (clap's own code for argument errors).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand};
use jiff::civil::Date;

use crate::error::{Error, Result};
use crate::import::home_office;
use crate::output;
use crate::project::Project;
use crate::site::{self, BuildOptions};

/// brief: reproducible policy briefs from data and prose.
///
/// Data (data/*.yaml) and Markdown briefs (briefs/*.md) in, a static site
/// out (output/). Every number in a brief is computed from the data.
#[derive(Debug, Parser)]
#[command(name = "brief", version, about, long_about)]
pub struct Cli {
    /// The project folder (with site.yaml, briefs/, data/, templates/).
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the site into output/ (left as it was if the build fails).
    Build(BuildArgs),
    /// Build in memory and compare with output/: exit 0 when identical,
    /// else list stale, missing and extra files and the inputs that changed.
    Check(CheckArgs),
    /// The numbers that changed, as Markdown for a pull-request comment:
    /// between git revision REV and the working tree (--base), or between
    /// two figures.json files.
    Diff(DiffArgs),
    /// Import an official release into data/.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Preview the site on 127.0.0.1: rebuild on every save and reload open pages.
    Serve(ServeArgs),
    /// Start a project of your own data in DIR: site.yaml, templates, briefs/, and each --table CSV with a schema read from its columns.
    Init(InitArgs),
    /// Start a new brief, briefs/SLUG.md, from a starter that shows figures and a chart.
    New(NewArgs),
    /// Write a synthetic project of N briefs (three charts each) for benchmarks.
    #[command(hide = true)]
    Synthetic(SyntheticArgs),
}

#[derive(Debug, Args)]
struct SyntheticArgs {
    /// How many briefs.
    briefs: usize,
    /// The new project folder.
    out: PathBuf,
    /// Also write OUT/hugo/, the same briefs as a Hugo site without charts.
    #[arg(long)]
    hugo: bool,
}

/// `--as-of`, shared by build, check and serve.
#[derive(Debug, Args)]
struct AsOfArg {
    /// As the data stood on this day (YYYY-MM-DD): the model sees no later
    /// day. `check` defaults to the day its build recorded in the manifest.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    as_of: Option<Date>,
}

/// `--drafts`, shared by build and check.
#[derive(Debug, Args)]
struct DraftsArg {
    /// Include briefs marked `draft: true`. `check` defaults to what its
    /// build recorded in the manifest.
    #[arg(long)]
    drafts: bool,
}

/// `--output`, shared by build and check.
#[derive(Debug, Args)]
struct OutputArg {
    /// The site's folder (relative to the project).
    #[arg(long, short, default_value = "output", value_name = "DIR")]
    output: PathBuf,
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// The port to listen on (0: any free port, printed at start).
    #[arg(long, default_value_t = 0)]
    port: u16,
    #[command(flatten)]
    when: AsOfArg,
    /// Include briefs marked `draft: true` (default for a preview: yes).
    #[arg(long)]
    no_drafts: bool,
}

impl ServeArgs {
    /// What the preview asks of each build: drafts included unless refused.
    fn options(&self) -> BuildOptions {
        BuildOptions {
            as_of: self.when.as_of,
            drafts: !self.no_drafts,
            base_url: None,
        }
    }
}

#[derive(Debug, Args)]
struct InitArgs {
    /// The new project's folder, made if it does not exist [default: --root]
    dir: Option<PathBuf>,
    /// A table of yours as CSV (a header line, then rows), copied into data/ with a schema of its columns' types; give it again for more tables
    #[arg(long = "table", value_name = "FILE.csv")]
    tables: Vec<PathBuf>,
}

#[derive(Debug, Args)]
struct NewArgs {
    /// The new brief's name: lowercase letters, digits and hyphens (its address).
    slug: String,
}

#[derive(Debug, Args)]
struct CheckArgs {
    #[command(flatten)]
    when: AsOfArg,
    #[command(flatten)]
    drafts: DraftsArg,
    #[command(flatten)]
    site: OutputArg,
}

impl CheckArgs {
    /// What the flags ask of the build to check with; what they leave unset
    /// comes from the manifest (see [`BuildOptions::or_as_built`]).
    fn options(&self) -> BuildOptions {
        BuildOptions {
            as_of: self.when.as_of,
            drafts: self.drafts.drafts,
            base_url: None,
        }
    }
}

#[derive(Debug, Args)]
struct DiffArgs {
    /// Two figures.json files to compare (old, then new).
    #[arg(value_name = "FIGURES.json", num_args = 2, conflicts_with = "base")]
    files: Vec<PathBuf>,
    /// Compare the working tree with the inputs at this git revision.
    #[arg(long, value_name = "REV", num_args = 0..=1, default_missing_value = "HEAD")]
    base: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = crate::review::diff::Format::Markdown)]
    format: crate::review::diff::Format,
}

#[derive(Debug, Args)]
struct BuildArgs {
    #[command(flatten)]
    when: AsOfArg,
    #[command(flatten)]
    drafts: DraftsArg,
    #[command(flatten)]
    site: OutputArg,
    /// Where the site will be published (https://example.org/briefs/): makes
    /// the feed, sitemap and canonical links absolute. Default: site.yaml's base_url.
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Render every brief again, instead of reusing the pages of the last
    /// build whose inputs have not changed.
    #[arg(long)]
    full: bool,
}

impl BuildArgs {
    /// What the flags ask of the build.
    fn options(&self) -> BuildOptions {
        BuildOptions {
            as_of: self.when.as_of,
            drafts: self.drafts.drafts,
            base_url: self.base_url.clone(),
        }
    }
}

#[derive(Debug, Subcommand)]
enum ImportCommand {
    /// The Home Office small-boats time series (.ods, tables SB_01 and SB_02):
    /// rewrites data/crossings.yaml.
    HomeOffice(HomeOfficeArgs),
}

#[derive(Debug, Args)]
struct HomeOfficeArgs {
    /// The release as downloaded from gov.uk (or --latest to fetch it).
    #[arg(required_unless_present = "latest", conflicts_with = "latest")]
    file: Option<PathBuf>,
    /// Find the latest release on GOV.UK (its Content API), download it and import it.
    #[arg(long)]
    latest: bool,
    /// With --latest: the Content API address of the publication, for a
    /// mirror or a test server [default: GOV.UK's own]
    #[arg(long, value_name = "URL")]
    api_url: Option<String>,
    /// With --latest: how long each request may take, in seconds [default: 60]
    #[arg(long, value_name = "SECONDS")]
    timeout: Option<u64>,
    /// The release's publication date, when the file's own date is wrong or missing.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    release_date: Option<Date>,
    /// Import even a release older than data/crossings.yaml's, or one that
    /// leaves out days it has (they are then removed).
    #[arg(long)]
    allow_older: bool,
}

/// A day given on the command line, refused with what was expected.
fn parse_day(text: &str) -> std::result::Result<Date, String> {
    text.parse::<Date>().map_err(|e| {
        format!("“{text}” is not a calendar day ({e}); expected YYYY-MM-DD, e.g. 2025-08-06")
    })
}

/// Runs the command line and returns the exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(1)
        }
    }
}

fn run(cli: &Cli) -> Result<()> {
    check_root(&cli.root)?;
    match &cli.command {
        Command::Build(args) => build(&cli.root, args),
        Command::Check(args) => check(&cli.root, args),
        Command::Serve(args) => crate::serve::serve(&cli.root, args.port, &args.options()),
        Command::Init(args) => init(args.dir.as_deref().unwrap_or(&cli.root), &args.tables),
        Command::New(args) => new_brief(&cli.root, &args.slug),
        Command::Synthetic(args) => {
            crate::synthetic::write_synthetic_site(&cli.root, &args.out, args.briefs, args.hugo)
        }
        Command::Diff(args) => diff(&cli.root, args),
        Command::Import(ImportCommand::HomeOffice(args)) => import(&cli.root, args),
    }
}

/// Refuses a `--root` that is not a folder, before any command looks in it
/// for site.yaml.
fn check_root(root: &Path) -> Result<()> {
    let help =
        "expected the project folder (with site.yaml, briefs/, data/ and templates/); check --root";
    match std::fs::metadata(root) {
        Ok(meta) if meta.is_dir() => Ok(()),
        Ok(_) => Err(Error::in_file(root, "the project folder is a file, not a folder").help(help)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(Error::in_file(root, "the project folder does not exist").help(help))
        }
        Err(e) => Err(Error::io(root, "open the project folder", &e).help(help)),
    }
}

fn build(root: &Path, args: &BuildArgs) -> Result<()> {
    let started = Instant::now();
    let options = args.options();
    let out = output_dir(root, &args.site.output);
    // The output folder is named as the user gave it (relative to the project).
    let name_output = |mut e: Error| {
        if e.file.as_deref() == Some(out.as_path()) {
            e.file = Some(args.site.output.clone());
        }
        e
    };
    output::check_output_folder(root, &out).map_err(name_output)?;
    let previous = if args.full {
        None
    } else {
        site::PreviousBuild::from_dir(&out)
    };
    if let Some(previous) = &previous
        && crate::review::check::unchanged_since(root, &out, &previous.manifest, &options)
    {
        println!(
            "{} is up to date: no input changed since the last build ({} files, {:.2} s)",
            output_shown(root, &args.site.output),
            count(previous.manifest.outputs.len() + 1),
            started.elapsed().as_secs_f64()
        );
        return Ok(());
    }
    let project = Project::load(root)?;
    let progress = Progress::new(started);
    let built = site::build_into(&project, &options, previous.as_ref(), &out, &|done, of| {
        progress.show(done, of)
    });
    progress.clear();
    // The project's files are not needed for the summary.
    crate::output::free_later(project);
    let site = built.map_err(name_output)?;
    for warning in &site.warnings {
        eprintln!("warning: {warning}");
    }
    let briefs = site.briefs.len();
    let reused = briefs - site.rendered;
    println!(
        "Built {} brief{}{} and {} chart{} as of {} into {} ({} files) in {:.2} s",
        count(briefs),
        if briefs == 1 { "" } else { "s" },
        if reused > 0 {
            format!(
                " ({} rendered, {} unchanged)",
                count(site.rendered),
                count(reused)
            )
        } else {
            String::new()
        },
        count(site.charts),
        if site.charts == 1 { "" } else { "s" },
        crate::text::long_date(site.plan.as_of),
        output_shown(root, &args.site.output),
        count(site.files),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// A count as a reader expects it: `10,000`.
fn count(n: usize) -> String {
    crate::text::fmt_num(n as f64, 0)
}

/// A progress line for long builds, on a terminal only: it appears once a
/// build has taken a second, and is cleared before the summary.
struct Progress {
    started: Instant,
    terminal: bool,
    shown: std::sync::atomic::AtomicBool,
}

impl Progress {
    fn new(started: Instant) -> Progress {
        use std::io::IsTerminal;
        Progress {
            started,
            terminal: std::io::stderr().is_terminal(),
            shown: std::sync::atomic::AtomicBool::new(false),
        }
    }

    fn show(&self, done: usize, of: usize) {
        if self.terminal && self.started.elapsed().as_secs_f64() >= 1.0 {
            eprint!("\rRendering briefs: {} of {}", count(done), count(of));
            self.shown.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }

    fn clear(&self) {
        if self.shown.load(std::sync::atomic::Ordering::Relaxed) {
            // Back to the line's start, and erase it.
            eprint!("\r\x1b[K");
        }
    }
}

/// Resolves `--output` against the project root.
fn output_dir(root: &Path, output: &Path) -> PathBuf {
    if output.is_absolute() {
        output.to_path_buf()
    } else {
        root.join(output)
    }
}

/// The output folder as a message names it: where it is from here
/// (`examples/co2/output` for `--root examples/co2`), not only as given
/// relative to the project.
fn output_shown(root: &Path, output: &Path) -> String {
    if root == Path::new(".") {
        output.display().to_string()
    } else {
        output_dir(root, output).display().to_string()
    }
}

fn check(root: &Path, args: &CheckArgs) -> Result<()> {
    let project = Project::load(root)?;
    let (report, clean) = crate::review::check::check(
        &project,
        &args.options(),
        &output_dir(root, &args.site.output),
    )?;
    print!("{report}");
    if clean {
        Ok(())
    } else {
        Err(Error::new(format!(
            "{} does not match its sources; run `brief build` to bring it up to date",
            output_shown(root, &args.site.output)
        )))
    }
}

fn diff(root: &Path, args: &DiffArgs) -> Result<()> {
    use crate::review::diff::{self as review, Format};
    let report = match (args.files.as_slice(), &args.base) {
        ([old, new], None) => review::diff_figure_files(&Project::load(root)?, old, new)?,
        (_, base) => review::diff_revision(root, base.as_deref().unwrap_or("HEAD"))?,
    };
    match args.format {
        Format::Markdown => print!("{}", report.to_markdown()),
        Format::Json => print!("{}", report.to_json()),
    }
    Ok(())
}

fn init(dir: &Path, tables: &[PathBuf]) -> Result<()> {
    let started = crate::init::init(dir, tables)?;
    let shown = dir.display();
    println!("Started a project in {shown}: {}", started.files.join(", "));
    println!("Next:");
    let mut step = 0;
    let mut next = |text: String| {
        step += 1;
        println!("  {step}. {text}");
    };
    if started.tables.is_empty() {
        next("put a table in data/: NAME.csv and its schema, NAME.schema.yaml (see the README's “Your own data”), or run brief init again elsewhere with --table FILE.csv".into());
    }
    for name in &started.tables {
        next(format!(
            "in data/{name}.schema.yaml, say where the data comes from (source:) and check each column's type"
        ));
    }
    next("in site.yaml, give the site's title, description and publisher".into());
    let cd = if dir == Path::new(".") {
        String::new()
    } else {
        format!("cd {shown} && ")
    };
    next(format!(
        "{cd}brief new first-look, then brief serve to preview it (brief build to publish)"
    ));
    Ok(())
}

fn new_brief(root: &Path, slug: &str) -> Result<()> {
    let path = crate::brief::create_brief(root, slug)?;
    println!(
        "Wrote {}: edit it, then `brief serve` to preview or `brief build` to publish",
        path.display()
    );
    Ok(())
}

fn import(root: &Path, args: &HomeOfficeArgs) -> Result<()> {
    match &args.file {
        Some(_) if args.api_url.is_some() || args.timeout.is_some() => Err(Error::new(
            "--api-url and --timeout are for --latest, which fetches the release",
        )
        .help("import a file with `brief import home-office FILE`, or fetch one with `--latest`")),
        Some(file) => {
            let bytes = std::fs::read(file).map_err(|e| {
                Error::io(file, "read", &e)
                    .help("expected the path of the release as downloaded (.ods)")
            })?;
            import_release(root, file, &bytes, args)
        }
        None => {
            let lookup = crate::import::latest::Lookup {
                api_url: (args.api_url.as_deref())
                    .unwrap_or(crate::import::latest::CONTENT_API_URL)
                    .to_string(),
                timeout: args.timeout.map_or(crate::import::latest::TIMEOUT, |s| {
                    std::time::Duration::from_secs(s.max(1))
                }),
                max_bytes: home_office::MAX_RELEASE_BYTES as u64,
            };
            let found = crate::import::latest::find_latest(&lookup)?;
            println!(
                "Found “{}” ({}) on GOV.UK, published {}{}",
                found.title,
                found.filename,
                found.published,
                found
                    .change_note
                    .as_ref()
                    .map_or(String::new(), |n| format!(": {n}"))
            );
            let name = Path::new(&found.filename);
            import_release(root, name, &found.bytes, args)
        }
    }
}

/// Refuses `release` when it would take `data/crossings.yaml` back: a
/// release older than the one imported, or one that leaves out days the
/// file has, saying what it would remove; `--allow-older` imports it anyway.
fn going_backwards(
    current: &crate::data::crossings::Crossings,
    release: &home_office::Release,
) -> Result<()> {
    let long = crate::text::long_date;
    let file = "data/crossings.yaml";
    let kept: std::collections::BTreeSet<Date> = release.days.iter().map(|d| d.date).collect();
    let removed: Vec<&crate::model::DailyArrivals> = current
        .series
        .days()
        .iter()
        .filter(|d| !kept.contains(&d.date))
        .collect();
    // What would go, said in both refusals: the days, their span and the
    // people they count.
    let removing = match (removed.first(), removed.last()) {
        (Some(first), Some(last)) => {
            let n = removed.len();
            let people: u64 = removed.iter().map(|d| d.people).sum();
            Some(format!(
                "remove {n} day{} that {file} has ({} to {}, {} people)",
                if n == 1 { "" } else { "s" },
                long(first.date),
                long(last.date),
                crate::text::fmt_num(people as f64, 0)
            ))
        }
        _ => None,
    };
    let message = if release.source.released < current.source.released {
        let older = format!(
            "this release, of {}, is older than the one imported, of {}",
            long(release.source.released),
            long(current.source.released)
        );
        match removing {
            Some(removing) => format!("{older}; importing it would {removing}"),
            None => older,
        }
    } else {
        match removing {
            Some(removing) => format!("this release would {removing}"),
            None => return Ok(()),
        }
    };
    Err(Error::in_file(file, message)
        .help("expected the newest release; import an older one on purpose with --allow-older"))
}

/// Imports the release `bytes` (named `file` in errors) into
/// data/crossings.yaml, which is left as it was unless the whole release
/// reads and its data load.
fn import_release(root: &Path, file: &Path, bytes: &[u8], args: &HomeOfficeArgs) -> Result<()> {
    let release = home_office::read_release(file, bytes, args.release_date)?;
    let text = crate::data::crossings::to_yaml(&release.source, &release.days);
    let target_rel = Path::new("data/crossings.yaml");
    // What is written must load: check it before it replaces the old file.
    crate::data::crossings::parse_crossings(target_rel, &text)?;
    let target = root.join(target_rel);
    let old = std::fs::read_to_string(&target).unwrap_or_default();
    if old == text {
        println!("data/crossings.yaml is already this release; nothing changed");
        return Ok(());
    }
    if !args.allow_older
        && let Ok(current) = crate::data::crossings::parse_crossings(target_rel, &old)
    {
        going_backwards(&current, &release)?;
    }
    let dir = root.join("data");
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, "create the folder", &e))?;
    output::replace_file(&target, text.as_bytes())?;
    let (first, last) = (&release.days[0], &release.days[release.days.len() - 1]);
    println!(
        "Imported {} days ({} to {}) from the release of {} into data/crossings.yaml",
        release.days.len(),
        first.date,
        last.date,
        crate::text::long_date(release.source.released),
    );
    Ok(())
}
