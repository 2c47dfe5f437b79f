package fourm.cli;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.FindException;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.module.ResolutionException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;

/**
 * The launcher's check of the extra module path entries ({@code FOURM_MODULE_PATH_EXTRA}) before it starts fourm on
 * the module path: a jar that is cut short, has a broken central directory or an entry that does not inflate, a
 * {@code module-info.class} that does not parse, or a plugin the module system cannot resolve (a module it requires is
 * missing, two modules hold one package) would otherwise stop the JVM with its raw boot-layer error. Here the message
 * names the entry and what is wrong, and the exit code is the user-error code 2.
 *
 * <p>Runs on the class path with JDK classes only: {@code java -cp fourm-cli.jar fourm.cli.ModulePathCheck
 * MODULE_PATH EXTRA}, both {@code :}-separated (the platform's path separator).
 */
public final class ModulePathCheck {
    private static final String VARIABLE = "FOURM_MODULE_PATH_EXTRA";

    private ModulePathCheck() {
    }

    /**
     * Checks the entries; prints nothing and exits 0 when they are good.
     *
     * @param args the whole module path, then the extra entries
     */
    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: ModulePathCheck MODULE_PATH EXTRA_ENTRIES");
            System.exit(Main.USER_ERROR);
        }
        Optional<String> problem = check(split(args[0]), split(args[1]));
        if (problem.isPresent()) {
            System.err.println("fourm: error: " + problem.get());
            System.exit(Main.USER_ERROR);
        }
    }

    private static List<Path> split(String path) {
        List<Path> out = new ArrayList<>();
        for (String s : path.split(java.io.File.pathSeparator)) {
            if (!s.isEmpty()) {
                out.add(Path.of(s));
            }
        }
        return out;
    }

    /**
     * What is wrong with the extra entries, if anything.
     *
     * @param modulePath every entry of the module path (the extra ones included), for resolution
     * @param extra      the extra entries, each checked on its own first
     */
    static Optional<String> check(List<Path> modulePath, List<Path> extra) {
        for (Path entry : extra) {
            Optional<String> p = checkEntry(entry);
            if (p.isPresent()) {
                return Optional.of(VARIABLE + " names " + entry + ", " + p.get());
            }
        }
        ModuleFinder finder;
        Set<String> roots;
        try {
            finder = ModuleFinder.of(modulePath.toArray(Path[]::new));
            roots = finder.findAll().stream().map(r -> r.descriptor().name()).collect(Collectors.toSet());
            ModuleLayer.boot().configuration().resolve(finder, ModuleFinder.ofSystem(), roots);
        } catch (FindException | ResolutionException e) {
            return Optional.of("the module path with " + VARIABLE + " (" + extra.stream().map(Path::toString)
                    .collect(Collectors.joining(", ")) + ") does not resolve: " + e.getMessage());
        }
        return Optional.empty();
    }

    /** What is wrong with one jar or folder, if anything. */
    static Optional<String> checkEntry(Path entry) {
        if (!Files.exists(entry)) {
            return Optional.of("which does not exist");
        }
        if (Files.isRegularFile(entry)) {
            try (JarFile jar = new JarFile(entry.toFile(), true)) {
                byte[] buf = new byte[1 << 16];
                for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                    JarEntry je = e.nextElement();
                    try (InputStream in = jar.getInputStream(je)) {
                        while (in.read(buf) >= 0) {
                            // reading to the end checks the entry's size and CRC-32
                        }
                    } catch (IOException | RuntimeException ex) {
                        return Optional.of("which is a corrupt jar: its entry " + je.getName() + " does not read ("
                                + ex.getMessage() + ")");
                    }
                }
            } catch (IOException | RuntimeException ex) {
                return Optional.of("which is not a readable jar (zip) file: " + ex.getMessage()
                        + " (a truncated download or a broken central directory?)");
            }
        }
        try {
            Set<ModuleReference> found = ModuleFinder.of(entry).findAll();
            if (found.isEmpty()) {
                return Optional.of("which holds no module");
            }
        } catch (FindException ex) {
            return Optional.of("which the module system cannot read: " + ex.getMessage()
                    + (ex.getCause() == null ? "" : " (" + ex.getCause().getMessage() + ")"));
        }
        return Optional.empty();
    }
}
