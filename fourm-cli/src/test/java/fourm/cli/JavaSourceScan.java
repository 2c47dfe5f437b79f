package fourm.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A small lexical view of a Java source file, enough to enforce rules on the source trees: the string literals
 * (text blocks included) with their lines, and the code with comments, strings and characters blanked out (same
 * length, line breaks kept), in which {@code switch} statements and expressions and their {@code case} labels are
 * found.
 *
 * <p>Not a parser: it knows comments, string, character and text-block literals and brace nesting, which is what the
 * rules need.
 */
final class JavaSourceScan {
    /** A string literal: its content (escapes left as written) and the 1-based line where it starts. */
    record Literal(String content, int line) {
    }

    /** A switch: the 1-based line of the {@code switch} keyword and the constant names of its case labels. */
    record Switch(int line, List<String> labels) {
    }

    private static final Pattern SWITCH = Pattern.compile("\\bswitch\\s*\\(");
    private static final Pattern CASE = Pattern.compile("\\bcase\\b");
    private static final Pattern CONSTANT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final String source;
    private final String code;
    private final List<Literal> literals;

    private JavaSourceScan(String source) {
        this.source = source;
        StringBuilder blank = new StringBuilder(source.length());
        List<Literal> found = new ArrayList<>();
        int i = 0;
        int n = source.length();
        while (i < n) {
            char c = source.charAt(i);
            if (c == '/' && i + 1 < n && source.charAt(i + 1) == '/') {
                int end = source.indexOf('\n', i);
                end = end < 0 ? n : end;
                blankOut(blank, source, i, end);
                i = end;
            } else if (c == '/' && i + 1 < n && source.charAt(i + 1) == '*') {
                int end = source.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                blankOut(blank, source, i, end);
                i = end;
            } else if (source.startsWith("\"\"\"", i)) {
                int start = source.indexOf('\n', i + 3) + 1;
                int end = closing(source, start, "\"\"\"");
                found.add(new Literal(source.substring(start, end), lineOf(source, i)));
                end = Math.min(n, end + 3);
                blankOut(blank, source, i, end);
                i = end;
            } else if (c == '"' || c == '\'') {
                int end = closing(source, i + 1, String.valueOf(c));
                if (c == '"') {
                    found.add(new Literal(source.substring(i + 1, end), lineOf(source, i)));
                }
                end = Math.min(n, end + 1);
                blankOut(blank, source, i, end);
                i = end;
            } else {
                blank.append(c);
                i++;
            }
        }
        this.code = blank.toString();
        this.literals = List.copyOf(found);
    }

    /** Scans source text. */
    static JavaSourceScan of(String source) {
        return new JavaSourceScan(source);
    }

    /** Scans a file. */
    static JavaSourceScan of(Path file) {
        try {
            return of(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every {@code .java} file under {@code root}, sorted; none when the directory does not exist. */
    static List<Path> javaFiles(Path root) {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.toString().endsWith(".java")).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The repository's root: the nearest directory at or above the working directory holding both
     * {@code fourm-api} and {@code fourm-core}.
     */
    static Path repositoryRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("fourm-api")) && Files.isDirectory(p.resolve("fourm-core"))) {
                return p;
            }
        }
        throw new IllegalStateException("no repository root (with fourm-api and fourm-core) above "
                + Path.of("").toAbsolutePath());
    }

    /** The string literals, in order. */
    List<Literal> literals() {
        return literals;
    }

    /** The code with comments and literals replaced by spaces. */
    String code() {
        return code;
    }

    /** The package this file declares, or empty. */
    String packageName() {
        Matcher m = Pattern.compile("\\bpackage\\s+([\\w.]+)\\s*;").matcher(code);
        return m.find() ? m.group(1) : "";
    }

    /**
     * Every switch with its case labels that are plain names (qualified names, patterns, literals and {@code default}
     * are left out), labels of nested switches belonging to the nested switch.
     */
    List<Switch> switches() {
        List<Switch> out = new ArrayList<>();
        Matcher m = SWITCH.matcher(code);
        while (m.find()) {
            int close = matching(code, m.end() - 1, '(', ')');
            int open = code.indexOf('{', close);
            if (close < 0 || open < 0) {
                continue;
            }
            int end = matching(code, open, '{', '}');
            end = end < 0 ? code.length() : end;
            List<String> labels = new ArrayList<>();
            int depth = 0;
            for (int i = open + 1; i < end; i++) {
                char c = code.charAt(i);
                if (c == '{' || c == '(') {
                    depth++;
                } else if (c == '}' || c == ')') {
                    depth--;
                } else if (depth == 0 && c == 'c' && CASE.matcher(code).region(i, end).lookingAt()
                        && (i == 0 || !Character.isJavaIdentifierPart(code.charAt(i - 1)))) {
                    int stop = labelEnd(code, i + 4, end);
                    for (String label : code.substring(i + 4, stop).split(",")) {
                        String t = label.strip();
                        if (CONSTANT.matcher(t).matches() && !t.equals("null") && !t.equals("default")) {
                            labels.add(t);
                        }
                    }
                    i = stop;
                }
            }
            out.add(new Switch(lineOf(code, m.start()), List.copyOf(labels)));
        }
        return out;
    }

    /**
     * The constants of {@code enum name} declared in this file, or empty when it declares no such enum.
     */
    Optional<Set<String>> enumConstants(String name) {
        Matcher m = Pattern.compile("\\benum\\s+" + Pattern.quote(name) + "\\b[^{]*\\{").matcher(code);
        if (!m.find()) {
            return Optional.empty();
        }
        Set<String> constants = new LinkedHashSet<>();
        int depth = 0;
        StringBuilder token = new StringBuilder();
        for (int i = m.end(); i < code.length(); i++) {
            char c = code.charAt(i);
            if (depth == 0 && (c == ';' || c == '}')) {
                break;
            }
            if (c == '(' || c == '{') {
                depth++;
            } else if (c == ')' || c == '}') {
                depth--;
            } else if (depth == 0) {
                if (c == ',') {
                    addConstant(constants, token);
                } else {
                    token.append(c);
                }
            }
        }
        addConstant(constants, token);
        return Optional.of(constants);
    }

    /** The source line (1-based) of {@code line}, stripped, for messages. */
    String line(int line) {
        return source.lines().skip(line - 1L).findFirst().orElse("").strip();
    }

    private static void addConstant(Set<String> constants, StringBuilder token) {
        String t = token.toString().replaceAll("@\\w+", "").strip();
        if (CONSTANT.matcher(t).matches()) {
            constants.add(t);
        }
        token.setLength(0);
    }

    /** End of a case label: the {@code ->} or the {@code :} (not {@code ::}) at nesting depth 0. */
    private static int labelEnd(String code, int from, int end) {
        int depth = 0;
        for (int i = from; i < end; i++) {
            char c = code.charAt(i);
            if (c == '(' || c == '{') {
                depth++;
            } else if (c == ')' || c == '}') {
                depth--;
            } else if (depth == 0 && c == '-' && i + 1 < end && code.charAt(i + 1) == '>') {
                return i;
            } else if (depth == 0 && c == ':' && (i + 1 >= end || code.charAt(i + 1) != ':')
                    && code.charAt(i - 1) != ':') {
                return i;
            }
        }
        return end;
    }

    private static int matching(String code, int open, char up, char down) {
        int depth = 0;
        for (int i = open; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c == up) {
                depth++;
            } else if (c == down && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    /** Index of the unescaped {@code quote} at or after {@code from}, or the end of the text. */
    private static int closing(String s, int from, String quote) {
        int i = from;
        while (i < s.length()) {
            if (s.charAt(i) == '\\') {
                i += 2;
            } else if (s.startsWith(quote, i)) {
                return i;
            } else {
                i++;
            }
        }
        return s.length();
    }

    private static void blankOut(StringBuilder blank, String source, int from, int to) {
        for (int i = from; i < to; i++) {
            blank.append(source.charAt(i) == '\n' ? '\n' : ' ');
        }
    }

    private static int lineOf(String s, int index) {
        int line = 1;
        for (int i = 0; i < index; i++) {
            if (s.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
