package fourm.cli;

import java.io.PrintWriter;
import java.util.List;

/** Prints rows of cells as left-aligned columns separated by two spaces. */
final class Tables {
    private Tables() {
    }

    /** Prints {@code rows} (the first one is usually the header); every row has the same number of cells. */
    static void print(PrintWriter out, List<List<String>> rows) {
        if (rows.isEmpty()) {
            return;
        }
        int columns = rows.get(0).size();
        int[] width = new int[columns];
        for (List<String> row : rows) {
            if (row.size() != columns) {
                throw new IllegalArgumentException("row has " + row.size() + " cells, expected " + columns);
            }
            for (int c = 0; c < columns; c++) {
                width[c] = Math.max(width[c], row.get(c).length());
            }
        }
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < columns; c++) {
                line.append(row.get(c));
                if (c < columns - 1) {
                    line.append(" ".repeat(width[c] - row.get(c).length() + 2));
                }
            }
            out.println(line);
        }
    }
}
