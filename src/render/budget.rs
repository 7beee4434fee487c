//! A budget for each render, so that a runaway template (two nested
//! `range(end=100000)` loops are 10¹⁰ steps) stops with an error at its
//! loop instead of hanging the build, `brief serve` and CI.
//!
//! Tera has no step limit of its own, so every `{% for %}` of every
//! template gets a call to [`STEP_FUNCTION`] as the first thing in its
//! body (see [`with_loop_steps`]): each turn of any loop counts one step,
//! and the count, the time taken and the size of the output are checked
//! against the budget. The call writes nothing, so pages are the same
//! bytes; error columns are mapped back to the text as written.

use std::cell::RefCell;
use std::time::{Duration, Instant};

/// The function called at the start of every loop's body.
pub const STEP_FUNCTION: &str = "__brief_loop_step";

/// Most turns of loops in one render (a brief's body, or a page). The
/// bundled briefs take a few hundred; half a million take a twentieth of
/// a second (a debug build, a third of a second).
pub const MAX_LOOP_STEPS: u64 = 500_000;

/// Most time one render may take, checked at every turn of a loop.
pub const MAX_RENDER_TIME: Duration = Duration::from_secs(4);

/// Most bytes one render may write (a bundled page is under 100 KB).
pub const MAX_OUTPUT_BYTES: usize = 8 * 1024 * 1024;

/// Most memory one render may take beyond what its thread held when it
/// started, checked at every turn of a loop (a bundled brief takes well
/// under a megabyte). Counted by [`CountingAllocator`] where the program
/// uses it (the `brief` binary does); elsewhere memory is not counted.
pub const MAX_RENDER_MEMORY: i64 = 32 * 1024 * 1024;

/// What a render has spent so far.
struct Spent {
    steps: u64,
    started: Instant,
    /// This thread's count of allocated bytes when the render started.
    memory_at_start: i64,
}

thread_local! {
    /// Bytes allocated less bytes freed on this thread, as counted by
    /// [`CountingAllocator`]. Const, without a destructor: an allocator
    /// may use it at any point of a thread's life.
    static ALLOCATED: std::cell::Cell<i64> = const { std::cell::Cell::new(0) };
}

/// The bytes this thread has allocated and not freed (frees of memory
/// another thread allocated count here too, so it can go below zero).
fn allocated_here() -> i64 {
    ALLOCATED.try_with(|a| a.get()).unwrap_or(0)
}

/// Counts each thread's allocations (see [`MAX_RENDER_MEMORY`]) around
/// another allocator: a render that builds a huge string without writing
/// it (`{% set_global s = s ~ s %}` in a loop) is stopped before it takes
/// the machine's memory. One add to a thread-local cell per allocation.
pub struct CountingAllocator<A>(pub A);

#[inline(always)]
fn count(delta: i64) {
    let _ = ALLOCATED.try_with(|a| a.set(a.get().wrapping_add(delta)));
}

// SAFETY: every call is passed to the wrapped allocator unchanged; the
// count is a thread-local cell, which neither allocates nor panics.
unsafe impl<A: std::alloc::GlobalAlloc> std::alloc::GlobalAlloc for CountingAllocator<A> {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        count(layout.size() as i64);
        // SAFETY: the caller's contract is passed on.
        unsafe { self.0.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        count(layout.size() as i64);
        // SAFETY: the caller's contract is passed on.
        unsafe { self.0.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        count(-(layout.size() as i64));
        // SAFETY: the caller's contract is passed on.
        unsafe { self.0.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        count(new_size as i64 - layout.size() as i64);
        // SAFETY: the caller's contract is passed on.
        unsafe { self.0.realloc(ptr, layout, new_size) }
    }
}

thread_local! {
    /// The budget of the render running on this thread (Tera renders on
    /// the calling thread); none outside a render.
    static SPENT: RefCell<Option<Spent>> = const { RefCell::new(None) };
}

/// A render's budget, counting from [`Budget::start`] until dropped.
pub struct Budget {
    outer: Option<Spent>,
}

impl Budget {
    /// Starts a budget for the render about to run on this thread. A
    /// render inside another (none today) gets its own and gives the outer
    /// one back when it ends.
    pub fn start() -> Budget {
        let fresh = Spent {
            steps: 0,
            started: Instant::now(),
            memory_at_start: allocated_here(),
        };
        Budget {
            outer: SPENT.with(|s| s.borrow_mut().replace(fresh)),
        }
    }
}

impl Drop for Budget {
    fn drop(&mut self) {
        let outer = self.outer.take();
        SPENT.with(|s| *s.borrow_mut() = outer);
    }
}

/// One turn of a loop: an error once the render is over its budget.
pub fn step() -> Result<(), String> {
    SPENT.with(|s| {
        let mut spent = s.borrow_mut();
        let Some(spent) = spent.as_mut() else {
            return Ok(());
        };
        spent.steps += 1;
        if spent.steps > MAX_LOOP_STEPS {
            return Err(format!(
                "this loop has gone round more than {} times in one render (counting every loop); \
                 a loop inside a loop multiplies the turns",
                crate::text::fmt_num(MAX_LOOP_STEPS as f64, 0)
            ));
        }
        if allocated_here() - spent.memory_at_start > MAX_RENDER_MEMORY {
            return Err(format!(
                "rendering has taken more than {} MiB of memory, in this loop",
                MAX_RENDER_MEMORY / (1024 * 1024)
            ));
        }
        // The clock is read every 1,024 turns: a turn is much quicker.
        if spent.steps % 1024 == 0 && spent.started.elapsed() > MAX_RENDER_TIME {
            return Err(format!(
                "rendering has taken more than {} seconds, in this loop",
                MAX_RENDER_TIME.as_secs()
            ));
        }
        Ok(())
    })
}

/// The message for output over [`MAX_OUTPUT_BYTES`].
pub fn output_too_large() -> String {
    format!(
        "the output is over {} MiB; a loop that writes in a loop multiplies what it writes",
        MAX_OUTPUT_BYTES / (1024 * 1024)
    )
}

/// Where a render writes: a buffer that refuses to grow past
/// [`MAX_OUTPUT_BYTES`], and checks the time as it grows.
#[derive(Default)]
pub struct LimitedOutput {
    /// What has been written.
    pub bytes: Vec<u8>,
    /// Whether a write went over the limit.
    pub over: bool,
}

impl LimitedOutput {
    /// An empty buffer with room for `bytes` (at most the limit).
    pub fn with_capacity(bytes: usize) -> LimitedOutput {
        LimitedOutput {
            bytes: Vec::with_capacity(bytes.min(MAX_OUTPUT_BYTES)),
            over: false,
        }
    }
}

impl std::io::Write for LimitedOutput {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + buf.len() > MAX_OUTPUT_BYTES {
            self.over = true;
            return Err(std::io::Error::other(output_too_large()));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Text added to a template where it was written: at `line` (1-based),
/// `added` characters from column `column` (0-based, in characters),
/// standing in for the tag that starts at column `tag_column`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Insertion {
    /// The line.
    pub line: usize,
    /// Where the text was added, in characters from the line's start.
    pub column: usize,
    /// How many characters were added (all ASCII).
    pub added: usize,
    /// Where the `{% for %}` tag starts, in characters from the line's start.
    pub tag_column: usize,
}

/// `text` with a step at the start of every loop's body, and where each
/// was added. Tags inside `{% raw %}` and comments are left alone; a
/// `{% for … -%}` that trims the whitespace after it keeps doing so.
pub fn with_loop_steps(text: &str) -> (String, Vec<Insertion>) {
    let mut out = String::with_capacity(text.len() + 64);
    let mut insertions = Vec::new();
    let mut rest = 0;
    let mut i = 0;
    let bytes = text.as_bytes();
    while let Some(open) = text[i..].find('{').map(|o| i + o) {
        let next = bytes.get(open + 1).copied();
        let close = match next {
            Some(b'#') => "#}",
            Some(b'%') => "%}",
            Some(b'{') => "}}",
            _ => {
                i = open + 1;
                continue;
            }
        };
        let Some(end) = tag_end(text, open + 2, close) else {
            break;
        };
        i = end;
        if next != Some(b'%') {
            continue;
        }
        let inner = text[open + 2..end - 2].trim_matches('-').trim();
        let word = inner.split_whitespace().next().unwrap_or("");
        if word == "raw" {
            // Up to the end of `{% endraw %}`, untouched.
            match find_endraw(text, end) {
                Some(after) => i = after,
                None => break,
            }
            continue;
        }
        if word != "for" {
            continue;
        }
        let trims = text[..end - 2].ends_with('-');
        let call = if trims {
            format!("{{{{ {STEP_FUNCTION}() -}}}}")
        } else {
            format!("{{{{ {STEP_FUNCTION}() }}}}")
        };
        out.push_str(&text[rest..end]);
        let line_start = text[..open].rfind('\n').map_or(0, |n| n + 1);
        let line = text[..open].matches('\n').count() + 1;
        insertions.push(Insertion {
            line,
            column: text[line_start..end].chars().count(),
            added: call.len(),
            tag_column: text[line_start..open].chars().count(),
        });
        out.push_str(&call);
        rest = end;
    }
    out.push_str(&text[rest..]);
    (out, insertions)
}

/// The byte just past `close` for a tag whose inside starts at `from`,
/// skipping quoted strings (which may hold `%}`).
pub(crate) fn tag_end(text: &str, from: usize, close: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = from;
    let mut quote: Option<u8> = None;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if close != "#}" && (b == b'"' || b == b'\'' || b == b'`') => quote = Some(b),
            // Bytes, not text: `i` may be inside a character.
            None if bytes[i..].starts_with(close.as_bytes()) => return Some(i + close.len()),
            None => {}
        }
        i += 1;
    }
    None
}

/// The byte just past the `{% endraw %}` after `from`.
pub(crate) fn find_endraw(text: &str, from: usize) -> Option<usize> {
    let mut i = from;
    while let Some(open) = text[i..].find("{%").map(|o| i + o) {
        let end = tag_end(text, open + 2, "%}")?;
        if text[open + 2..end - 2].trim_matches('-').trim() == "endraw" {
            return Some(end);
        }
        i = end;
    }
    None
}

/// A column (1-based, in characters) of the rendered template's `line` mapped
/// back to the text as written: text added before it is taken away, and
/// a column inside an addition is its loop's tag.
pub fn column_as_written(insertions: &[Insertion], line: usize, column: usize) -> usize {
    let mut shift = 0;
    for ins in insertions.iter().filter(|ins| ins.line == line) {
        let at = ins.column + shift;
        if column > at + ins.added {
            shift += ins.added;
        } else if column > at {
            return ins.tag_column + 1;
        }
    }
    column - shift
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_loop_gets_a_step_and_nothing_else_changes() {
        let text = "{% for a in x %}A{% for b in y -%}\n B{% endfor %}{% endfor %}{# {% for c in z %} #}{% raw %}{% for d in w %}{% endraw %}{{ '{% for' }}{% if x %}{% endif %}";
        let (out, insertions) = with_loop_steps(text);
        let call = format!("{{{{ {STEP_FUNCTION}() }}}}");
        let trim = format!("{{{{ {STEP_FUNCTION}() -}}}}");
        assert_eq!(
            out,
            text.replacen("{% for a in x %}", &format!("{{% for a in x %}}{call}"), 1)
                .replacen(
                    "{% for b in y -%}",
                    &format!("{{% for b in y -%}}{trim}"),
                    1
                )
        );
        assert_eq!(insertions.len(), 2);
        assert_eq!(
            insertions[0],
            Insertion {
                line: 1,
                column: 16,
                added: call.len(),
                tag_column: 0
            }
        );
        assert_eq!(insertions[1].tag_column, 17);
        assert_eq!(
            with_loop_steps("no tags { at all }").0,
            "no tags { at all }"
        );
    }

    #[test]
    fn tags_are_found_in_any_text() {
        // Found by the fuzzer: a tag after a two-byte character.
        let text = "{{ pilot.r\u{51a}por }} {% for x in y %}é{% endfor %}";
        let (out, insertions) = with_loop_steps(text);
        assert_eq!(insertions.len(), 1);
        assert!(out.contains(STEP_FUNCTION));
        for text in ["{{ \u{51a}", "{% \u{51a}%", "é{%", "{%é", "{#é#}"] {
            let _ = with_loop_steps(text);
        }
    }

    #[test]
    fn columns_are_mapped_back_to_the_text_as_written() {
        let text = "ab {% for a in x %}{{ a | frob }}{% for b in a %}{{ b | frob }}";
        let (out, insertions) = with_loop_steps(text);
        for needle in ["{{ a | frob }}", "{{ b | frob }}", "{% for b"] {
            let rendered = out.find(needle).unwrap() + 1;
            let written = text.find(needle).unwrap() + 1;
            assert_eq!(
                column_as_written(&insertions, 1, rendered),
                written,
                "{needle}"
            );
        }
        // Inside an added call: the loop's own tag.
        let call = out.find(STEP_FUNCTION).unwrap() + 1;
        assert_eq!(column_as_written(&insertions, 1, call), 4);
        assert_eq!(column_as_written(&insertions, 2, 7), 7);
    }

    #[test]
    fn a_budget_counts_steps_on_its_own_thread_only() {
        assert!(step().is_ok(), "no budget outside a render");
        let budget = Budget::start();
        for _ in 0..MAX_LOOP_STEPS {
            step().unwrap();
        }
        let err = step().unwrap_err();
        assert!(err.contains("500,000"), "{err}");
        drop(budget);
        assert!(step().is_ok());
    }

    #[test]
    fn output_stops_at_its_limit() {
        use std::io::Write;
        let mut out = LimitedOutput::default();
        out.write_all(&vec![b'x'; MAX_OUTPUT_BYTES]).unwrap();
        assert!(out.write_all(b"y").is_err());
        assert!(out.over);
    }
}
