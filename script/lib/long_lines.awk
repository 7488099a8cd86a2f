# Lists every line longer than max_width (-v max=N) that rustfmt should have
# wrapped, as file:line: length; exits 1 if there is one. rustfmt gives up on
# a whole block, silently, when one line in it cannot fit (its
# error_on_line_overflow is nightly-only), so `cargo fmt --check` passes over
# an unformatted block: this scan is the check it does not make.
# Excused: a line over the width because of a string literal rustfmt cannot
# break (the literal alone, on a line of its own, would be wider than max):
# SQL, expected HTML, format strings. Strings are tracked across lines
# ("…", r#"…"#, escapes, '"' chars): a line that opens a multi-line literal
# is excused, and a line inside one by the rule above. Comments are not
# excused: wrap them.
function flush_run() {
    if (run > 0) {
        # On a line of its own, rustfmt would indent the literal 4 further.
        w = run + (run_start == 1 ? 0 : indent + 4)
        if (w > max) excused = 1
    }
    run = 0
}
FNR == 1 { in_str = 0 }
{
    line = $0
    n = length(line)
    match(line, /^[ \t]*/)
    indent = RLENGTH
    excused = 0
    run = 0
    run_start = 1
    i = 1
    while (i <= n) {
        c = substr(line, i, 1)
        if (in_str) {
            run++
            if (hashes < 0 && c == "\\") { run++; i += 2; continue }
            if (c == "\"") {
                close_hashes = (hashes < 0) ? 0 : hashes
                tail = substr(line, i + 1, close_hashes)
                gsub(/#/, "", tail)
                if (close_hashes == 0 || (tail == "" && length(substr(line, i + 1, close_hashes)) == close_hashes)) {
                    run += close_hashes
                    i += 1 + close_hashes
                    in_str = 0
                    flush_run()
                    continue
                }
            }
            i++
            continue
        }
        if (c == "/" && substr(line, i + 1, 1) == "/") break
        if (c == "'" && (substr(line, i, 3) == "'\"'" || substr(line, i, 4) == "'\\\"'")) {
            i += (substr(line, i, 3) == "'\"'") ? 3 : 4
            continue
        }
        if (c == "\"") {
            in_str = 1; hashes = -1; run = 1; run_start = i; i++
            continue
        }
        if ((c == "r" || c == "b") && match(substr(line, i), /^b?r#*"/) && (i == 1 || substr(line, i - 1, 1) !~ /[A-Za-z0-9_]/)) {
            tok = substr(line, i, RLENGTH)
            h = tok
            gsub(/[^#]/, "", h)
            in_str = 1; hashes = length(h); run = RLENGTH; run_start = i; i += RLENGTH
            continue
        }
        i++
    }
    # A literal that goes on past this line cannot be moved: rustfmt keeps its
    # opening on the line that starts it.
    if (in_str) { flush_run(); excused = 1 }
    if (n > max && !excused) {
        printf "%s:%d: %d characters (max_width is %d)\n", FILENAME, FNR, n, max
        bad = 1
    }
}
END { exit bad }
