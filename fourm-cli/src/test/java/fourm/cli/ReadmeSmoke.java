package fourm.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The README smoke test's machinery: it reads the shell commands of a Markdown file's fenced {@code bash}/{@code sh}
 * blocks and runs them, in order, in a folder (a scratch copy of the checkout), the way a new user pastes them.
 *
 * <p>A block may be preceded (on the line just before its fence) by an HTML comment, invisible on the rendered page,
 * that says what the smoke test must do with it: {@code <!-- smoke: DIRECTIVE; DIRECTIVE ... -->} (on one line or
 * several, ending on the line before the fence). Directives:
 * <ul>
 *   <li>{@code skip: REASON}: the whole block is not run;</li>
 *   <li>{@code skip "COMMAND": REASON}: that command (as written in the block, comment left out) is not run;</li>
 *   <li>{@code needs reference}: the block runs only when the reference folder {@code ../shared/reference} is there;
 *       </li>
 *   <li>{@code shorten "COMMAND" => "REPLACEMENT"}: runs REPLACEMENT instead (fewer steps, say);</li>
 *   <li>{@code creates PATH ...}: after the block, each path (relative to the folder or absolute; {@code *} matches
 *       within one name) exists; absolute ones are deleted before the block runs;</li>
 *   <li>{@code prints-table "COMMAND" "HEADER"}: COMMAND's output shows the numbers of the Markdown table whose header
 *       line starts with HEADER, row by row, to the digits the table gives.</li>
 * </ul>
 * A directive that names a command the block does not hold is an error, so that the directives follow the README.
 * Every command must exit 0.
 */
final class ReadmeSmoke {
    private static final Pattern DIRECTIVES = Pattern.compile("^<!--\\s*smoke:(.*?)-->\\s*$");
    private static final Pattern FENCE = Pattern.compile("^```\\s*(\\w*)\\s*$");
    private static final Pattern QUOTED = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern NUMBER = Pattern.compile("-?\\d+\\.\\d+");
    private static final List<String> SHELLS = List.of("bash", "sh", "shell");

    /** One fenced shell block: its first line number, commands, and the directives before it. */
    record Block(int line, List<String> commands, List<String> directives) {
        boolean skipped() {
            return directives.stream().anyMatch(d -> d.equals("skip") || d.startsWith("skip:"));
        }

        boolean needsReference() {
            return directives.contains("needs reference");
        }
    }

    /** What running one command gave. */
    record Ran(String command, int exitCode, String stdout, String stderr, double seconds) {
    }

    /** The report of a run: what ran, what was skipped and why, and every failure. */
    record Report(List<Ran> ran, List<String> skipped, List<String> failures) {
        String describe() {
            StringBuilder b = new StringBuilder();
            for (Ran r : ran) {
                b.append(String.format(Locale.ROOT, "ran (exit %d, %.1f s): %s%n", r.exitCode(), r.seconds(),
                        r.command()));
            }
            skipped.forEach(s -> b.append("skipped: ").append(s).append('\n'));
            failures.forEach(f -> b.append("FAILED: ").append(f).append('\n'));
            return b.toString();
        }
    }

    private final String markdown;
    private final String source;

    ReadmeSmoke(String markdown, String source) {
        this.markdown = markdown;
        this.source = source;
    }

    /** The shell blocks of the Markdown, in order. */
    List<Block> blocks() {
        List<Block> out = new ArrayList<>();
        String[] lines = markdown.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher open = FENCE.matcher(lines[i]);
            if (!open.matches()) {
                continue;
            }
            int start = i;
            List<String> body = new ArrayList<>();
            for (i++; i < lines.length && !lines[i].startsWith("```"); i++) {
                body.add(lines[i]);
            }
            if (!SHELLS.contains(open.group(1))) {
                continue;
            }
            List<String> directives = new ArrayList<>();
            // The comment may span lines: from a line starting "<!-- smoke:" to the line before the fence.
            StringBuilder comment = new StringBuilder();
            if (start > 0 && lines[start - 1].strip().endsWith("-->")) {
                for (int k = start - 1; k >= 0 && k >= start - 20; k--) {
                    comment.insert(0, lines[k].strip() + " ");
                    if (lines[k].strip().startsWith("<!--")) {
                        break;
                    }
                }
            }
            Matcher d = DIRECTIVES.matcher(comment.toString().strip());
            if (d.matches()) {
                for (String part : splitDirectives(d.group(1))) {
                    directives.add(part);
                }
            }
            out.add(new Block(start + 1, commands(body), directives));
        }
        return out;
    }

    /**
     * Runs every block in {@code dir}.
     *
     * @param env       environment added to each command's
     * @param reference whether {@code ../shared/reference} is there for the blocks that need it
     * @param timeout   the longest one command may take
     */
    Report run(Path dir, Map<String, String> env, boolean reference, Duration timeout) {
        List<Ran> ran = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Block b : blocks()) {
            String where = source + ":" + b.line();
            if (b.skipped()) {
                skipped.add(where + ": the block (" + reason(b.directives()) + ")");
                continue;
            }
            if (b.needsReference() && !reference) {
                skipped.add(where + ": the block needs the reference folder ../shared/reference, which is absent");
                continue;
            }
            Map<String, String> replace = new LinkedHashMap<>();
            Map<String, String> skip = new LinkedHashMap<>();
            Map<String, String> tables = new LinkedHashMap<>();
            List<String> creates = new ArrayList<>();
            for (String d : b.directives()) {
                List<String> q = quoted(d);
                if (d.startsWith("skip \"") && q.size() == 1) {
                    skip.put(q.get(0), d.substring(d.lastIndexOf('"') + 1).replaceFirst("^:\\s*", ""));
                } else if (d.startsWith("shorten ") && q.size() == 2 && d.contains("=>")) {
                    replace.put(q.get(0), q.get(1));
                } else if (d.startsWith("prints-table ") && q.size() == 2) {
                    tables.put(q.get(0), q.get(1));
                } else if (d.startsWith("creates ")) {
                    creates.addAll(List.of(d.substring("creates ".length()).strip().split("\\s+")));
                } else if (!d.equals("needs reference")) {
                    failures.add(where + ": unknown smoke directive '" + d + "'");
                }
            }
            for (Map<String, String> named : List.of(skip, replace, tables)) {
                for (String c : named.keySet()) {
                    if (!b.commands().contains(c)) {
                        failures.add(where + ": a smoke directive names \"" + c + "\", which the block does not"
                                + " hold (its commands: " + b.commands() + ")");
                    }
                }
            }
            for (String c : creates) {
                if (Path.of(c).isAbsolute() && !c.contains("*")) {
                    try {
                        Files.deleteIfExists(Path.of(c));
                    } catch (IOException e) {
                        failures.add(where + ": cannot delete " + c + " before the block: " + e.getMessage());
                    }
                }
            }
            boolean blockFailed = false;
            for (String c : b.commands()) {
                if (skip.containsKey(c)) {
                    skipped.add(where + ": " + c + " (" + skip.get(c) + ")");
                    continue;
                }
                Ran r = execute(replace.getOrDefault(c, c), dir, env, timeout);
                ran.add(r);
                if (r.exitCode() != 0) {
                    failures.add(where + ": `" + r.command() + "` exited with " + r.exitCode() + "\n--- stdout\n"
                            + tail(r.stdout()) + "\n--- stderr\n" + tail(r.stderr()));
                    blockFailed = true;
                    break;
                }
                if (tables.containsKey(c)) {
                    String problem = tableProblem(tables.get(c), r.stdout());
                    if (problem != null) {
                        failures.add(where + ": `" + c + "` does not print the README's table: " + problem
                                + "\n--- stdout\n" + r.stdout());
                    }
                }
            }
            if (!blockFailed) {
                for (String c : creates) {
                    if (!exists(dir, c)) {
                        failures.add(where + ": the README says " + c + " appears, but after the block it does not");
                    }
                }
            }
        }
        return new Report(ran, skipped, failures);
    }

    /**
     * Compares the numbers of the table whose header line starts with {@code header} with the rows {@code output}
     * prints after its dashed line: the last three numbers of each row, to the precision the README gives.
     *
     * @return null when they agree, else what differs
     */
    String tableProblem(String header, String output) {
        List<List<String>> want = new ArrayList<>();
        String[] lines = markdown.split("\n");
        int h = -1;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].startsWith(header)) {
                h = i;
                break;
            }
        }
        if (h < 0) {
            return "the README has no table starting with " + header;
        }
        for (int i = h + 2; i < lines.length && lines[i].startsWith("|"); i++) {
            String[] cells = lines[i].split("\\|");
            List<String> nums = new ArrayList<>();
            for (int c = Math.max(1, cells.length - 3); c < cells.length; c++) {
                nums.add(cells[c].strip());
            }
            want.add(nums);
        }
        List<List<String>> got = new ArrayList<>();
        boolean inRows = false;
        for (String line : output.split("\n")) {
            if (line.startsWith("-----")) {
                inRows = true;
            } else if (inRows) {
                if (line.isBlank() || !NUMBER.matcher(line).find()) {
                    break;
                }
                List<String> all = new ArrayList<>();
                Matcher m = NUMBER.matcher(line);
                while (m.find()) {
                    all.add(m.group());
                }
                got.add(all.subList(Math.max(0, all.size() - 3), all.size()));
            }
        }
        if (got.size() != want.size()) {
            return "the README's table has " + want.size() + " rows, the output " + got.size();
        }
        for (int i = 0; i < want.size(); i++) {
            for (int k = 0; k < want.get(i).size(); k++) {
                String w = want.get(i).get(k);
                String g = k < got.get(i).size() ? got.get(i).get(k) : "?";
                if (!agrees(w, g)) {
                    return "row " + (i + 1) + ": the README says " + want.get(i) + ", the output " + got.get(i);
                }
            }
        }
        return null;
    }

    /** Whether {@code printed} rounds to {@code readme} at the README's number of decimals. */
    static boolean agrees(String readme, String printed) {
        try {
            double w = Double.parseDouble(readme);
            double g = Double.parseDouble(printed);
            int dot = readme.indexOf('.');
            int decimals = dot < 0 ? 0 : readme.length() - dot - 1;
            return Math.abs(w - g) <= 0.5 * Math.pow(10, -decimals) + 1e-9;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The commands of a block body: continuation lines joined, comments and blank lines left out. */
    static List<String> commands(List<String> body) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String raw : body) {
            String line = stripComment(raw).strip();
            boolean more = line.endsWith("\\");
            if (more) {
                line = line.substring(0, line.length() - 1).strip();
            }
            if (!line.isEmpty()) {
                cur.append(cur.length() > 0 ? " " : "").append(line);
            }
            if (!more && cur.length() > 0) {
                out.add(cur.toString());
                cur.setLength(0);
            }
        }
        if (cur.length() > 0) {
            out.add(cur.toString());
        }
        return out;
    }

    /** The line up to a {@code #} that starts a shell comment (at the start or after a blank, outside quotes). */
    static String stripComment(String line) {
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    private static List<String> splitDirectives(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inQuote = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' && (i == 0 || text.charAt(i - 1) != '\\')) {
                inQuote = !inQuote;
            }
            if (c == ';' && !inQuote) {
                add(out, cur);
            } else if (inQuote || !Character.isWhitespace(c)) {
                cur.append(c);
            } else if (cur.length() > 0 && cur.charAt(cur.length() - 1) != ' ') {
                // runs of blanks outside quotes (line breaks of a long comment) count as one space
                cur.append(' ');
            }
        }
        add(out, cur);
        return out;
    }

    private static void add(List<String> out, StringBuilder cur) {
        String s = cur.toString().strip();
        if (!s.isEmpty()) {
            out.add(s);
        }
        cur.setLength(0);
    }

    private static List<String> quoted(String directive) {
        List<String> out = new ArrayList<>();
        Matcher m = QUOTED.matcher(directive);
        while (m.find()) {
            out.add(m.group(1).replace("\\\"", "\""));
        }
        return out;
    }

    private static String reason(List<String> directives) {
        return directives.stream().filter(d -> d.startsWith("skip")).findFirst().map(d -> d.replaceFirst(
                "^skip:?\\s*", "")).orElse("");
    }

    /** Whether {@code path} (relative to {@code dir} or absolute; {@code *} within a name) exists. */
    static boolean exists(Path dir, String path) {
        if (!path.contains("*")) {
            return Files.exists(dir.resolve(path));
        }
        Path base = Path.of(path).isAbsolute() ? Path.of("/") : dir;
        String rel = Path.of(path).isAbsolute() ? path.substring(1) : path;
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + rel);
        Path start = base.resolve(rel.substring(0, Math.max(0, rel.lastIndexOf('/', rel.indexOf('*')))));
        if (!Files.isDirectory(start)) {
            return false;
        }
        try (Stream<Path> s = Files.walk(start, rel.split("/").length)) {
            return s.anyMatch(p -> m.matches(base.relativize(p)));
        } catch (IOException e) {
            return false;
        }
    }

    /** Runs one command with bash in {@code dir}; on timeout the whole process tree is killed. */
    static Ran execute(String command, Path dir, Map<String, String> env, Duration timeout) {
        long t0 = System.nanoTime();
        try {
            Path out = Files.createTempFile("readme-smoke-out", ".txt");
            Path err = Files.createTempFile("readme-smoke-err", ".txt");
            try {
                ProcessBuilder pb = new ProcessBuilder("bash", "-o", "pipefail", "-c", command).directory(dir.toFile())
                        .redirectOutput(out.toFile()).redirectError(err.toFile());
                pb.environment().putAll(env);
                Process p = pb.start();
                int code;
                if (p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    code = p.exitValue();
                } else {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    Files.writeString(err, "\n[readme smoke: killed after " + timeout + "]\n",
                            java.nio.file.StandardOpenOption.APPEND);
                    code = -1;
                }
                return new Ran(command, code, Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8), (System.nanoTime() - t0) / 1e9);
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        }
    }

    /** The first 15 and the last 40 lines of a long output. */
    private static String tail(String text) {
        List<String> lines = List.of(text.split("\n"));
        if (lines.size() <= 60) {
            return text;
        }
        return String.join("\n", lines.subList(0, 15)) + "\n[...]\n"
                + String.join("\n", lines.subList(lines.size() - 40, lines.size()));
    }
}
