//! The `brief` command; everything it does is in the library.

fn main() -> std::process::ExitCode {
    brief::cli::main()
}
