//! The `brief` command; everything it does is in the library.

// mimalloc, with each thread's allocations counted so that a runaway
// template is stopped before it takes the machine's memory.
#[global_allocator]
static GLOBAL: brief::render::budget::CountingAllocator<mimalloc::MiMalloc> =
    brief::render::budget::CountingAllocator(mimalloc::MiMalloc);

fn main() -> std::process::ExitCode {
    brief::cli::main()
}
