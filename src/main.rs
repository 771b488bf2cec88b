//! The `cityfreight` binary: a thin shell over [`cityfreight::cli`].

fn main() -> std::process::ExitCode {
    cityfreight::cli::main()
}
