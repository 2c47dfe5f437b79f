package fourm.modality.text;

import fourm.api.io.AtomicFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;

/**
 * Learns a WordPiece vocabulary from the user's own text and writes it as a {@code tokenizer.json} with the 4M id
 * layout ({@link TokenLayout}), ready for {@link TextTokenizer#load(Path)}.
 *
 * <p>The Hugging Face trainer is not part of DJL's binding, so this is fourm's own learner, in the same spirit (BPE
 * merges written as WordPiece pieces) and fully deterministic:
 * <ol>
 *   <li>Every text is normalised and split like BERT does (lower case, accents stripped, punctuation split off);
 *       words that the layout already has as a token (class names such as {@code person}), words of more than 100
 *       characters (WordPiece's limit) and words of the form {@code vN=K} are not counted.</li>
 *   <li>The alphabet is every character seen: as a word start ({@code a}) and as a continuation ({@code ##a}).</li>
 *   <li>Each word is a sequence of pieces; repeatedly, the adjacent pair with the highest count (weighted by word
 *       frequency) is merged into one piece ({@code ab} + {@code ##c} = {@code abc}); ties go to the lexicographically
 *       smallest merged piece, then the smallest left piece. Merging stops when the vocabulary is full or the best
 *       pair occurs fewer than {@code minFrequency} times.</li>
 *   <li>The vocabulary is the layout, then the alphabet in character order, then the merged pieces in merge order.</li>
 * </ol>
 * The same text and settings always give byte-identical output.
 */
public final class WordPieceTrainer {
    private static final int MAX_WORD_CHARS = 100;
    private final int vocabSize;
    private final int minFrequency;

    /**
     * @param vocabSize    the total number of ids to aim for, layout included (at most; the text may support fewer)
     * @param minFrequency a pair must occur at least this often to be merged
     * @throws IllegalArgumentException if {@code vocabSize} leaves no room after the layout or {@code minFrequency < 1}
     */
    public WordPieceTrainer(int vocabSize, int minFrequency) {
        if (vocabSize <= TokenLayout.FIRST_WORDPIECE) {
            throw new IllegalArgumentException("vocab-size must be greater than the " + TokenLayout.FIRST_WORDPIECE
                    + " reserved ids of the 4M layout, got " + vocabSize);
        }
        if (minFrequency < 1) {
            throw new IllegalArgumentException("min-frequency must be >= 1, got " + minFrequency);
        }
        this.vocabSize = vocabSize;
        this.minFrequency = minFrequency;
    }

    /** A trainer aiming for the reference's 30000 ids, merging pairs seen at least twice. */
    public static WordPieceTrainer defaults() {
        return new WordPieceTrainer(TokenLayout.REFERENCE_VOCAB_SIZE, 2);
    }

    /** Learns from the lines of a UTF-8 text file (one caption or document a line) and returns the JSON text. */
    public String train(Path textFile) {
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new java.io.InputStreamReader(Files.newInputStream(textFile),
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lines.add(line);
            }
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("text file " + textFile + " does not exist", e);
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("text file " + textFile + " is not UTF-8 text (after line "
                    + lines.size() + ")", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read text file " + textFile, e);
        }
        return train(lines);
    }

    /** Learns from a text file and writes the tokenizer to {@code out} (temporary file, then rename). */
    public void train(Path textFile, Path out) {
        AtomicFiles.writeStringUnchecked(out, train(textFile));
    }

    /**
     * Learns from texts and returns the JSON text of the tokenizer.
     *
     * @throws IllegalArgumentException if the texts hold no word to learn from
     */
    public String train(Iterable<String> texts) {
        return TokenizerJson.write(learn(texts));
    }

    /** The learned word pieces (alphabet, then merges), without the layout. */
    List<String> learn(Iterable<String> texts) {
        Set<String> reserved = new HashSet<>();
        for (int id = 0; id < TokenLayout.FIRST_WORDPIECE; id++) {
            reserved.add(TokenLayout.reservedToken(id));
        }
        TreeMap<String, Long> counts = new TreeMap<>();
        for (String text : texts) {
            for (String w : BertText.words(text)) {
                if (!reserved.contains(w) && w.codePointCount(0, w.length()) <= MAX_WORD_CHARS
                        && TokenLayout.parseCoordinate(w).isEmpty()) {
                    counts.merge(w, 1L, Long::sum);
                }
            }
        }
        if (counts.isEmpty()) {
            throw new IllegalArgumentException("the training text has no words to learn a vocabulary from");
        }
        return new Merger(counts, reserved).run(vocabSize - TokenLayout.FIRST_WORDPIECE, minFrequency);
    }

    /** The merge loop over the distinct words. */
    private static final class Merger {
        private final List<String> symbols = new ArrayList<>();
        private final Map<String, Integer> symbolIds = new HashMap<>();
        private final int[][] words;
        private final long[] freq;
        private final Map<Long, Long> pairCounts = new HashMap<>();
        private final Map<Long, Set<Integer>> pairWords = new HashMap<>();
        private final Set<String> reserved;
        private final PriorityQueue<long[]> queue;

        Merger(TreeMap<String, Long> counts, Set<String> reserved) {
            this.reserved = reserved;
            this.words = new int[counts.size()][];
            this.freq = new long[counts.size()];
            TreeMap<String, Boolean> alphabet = new TreeMap<>();
            for (String w : counts.keySet()) {
                int[] cps = w.codePoints().toArray();
                for (int i = 0; i < cps.length; i++) {
                    alphabet.put(piece(cps[i], i > 0), Boolean.TRUE);
                }
            }
            alphabet.keySet().forEach(this::symbol);
            int n = 0;
            for (Map.Entry<String, Long> e : counts.entrySet()) {
                int[] cps = e.getKey().codePoints().toArray();
                int[] syms = new int[cps.length];
                for (int i = 0; i < cps.length; i++) {
                    syms[i] = symbolIds.get(piece(cps[i], i > 0));
                }
                words[n] = syms;
                freq[n] = e.getValue();
                n++;
            }
            // Highest count first; ties: smallest merged piece, then smallest left piece.
            Comparator<long[]> order = Comparator.<long[]>comparingLong(p -> -p[1])
                    .thenComparing(p -> merged((int) (p[0] >>> 32), (int) p[0]))
                    .thenComparing(p -> symbols.get((int) (p[0] >>> 32)));
            this.queue = new PriorityQueue<>(order);
            for (int w = 0; w < words.length; w++) {
                addPairs(w, 1);
            }
            pairCounts.forEach((pair, count) -> queue.add(new long[] {pair, count}));
        }

        List<String> run(int budget, int minFrequency) {
            LinkedHashSet<String> vocab = new LinkedHashSet<>();
            for (String s : symbols) {
                if (!reserved.contains(s)) {
                    vocab.add(s);
                }
            }
            while (vocab.size() < budget && !queue.isEmpty()) {
                long[] top = queue.poll();
                long current = pairCounts.getOrDefault(top[0], 0L);
                if (current != top[1]) {
                    continue;
                }
                if (current < minFrequency) {
                    break;
                }
                int left = (int) (top[0] >>> 32);
                int right = (int) top[0];
                String piece = merged(left, right);
                int id = symbol(piece);
                if (!reserved.contains(piece)) {
                    vocab.add(piece);
                }
                merge(top[0], left, right, id);
            }
            List<String> out = new ArrayList<>(vocab);
            return out.size() > budget ? out.subList(0, budget) : out;
        }

        private void merge(long pair, int left, int right, int id) {
            Set<Integer> where = pairWords.remove(pair);
            if (where == null) {
                return;
            }
            Set<Long> touched = new HashSet<>();
            Integer[] sorted = where.toArray(new Integer[0]);
            Arrays.sort(sorted);
            for (int w : sorted) {
                int[] old = words[w];
                int[] next = new int[old.length];
                int n = 0;
                for (int i = 0; i < old.length; i++) {
                    if (i + 1 < old.length && old[i] == left && old[i + 1] == right) {
                        next[n++] = id;
                        i++;
                    } else {
                        next[n++] = old[i];
                    }
                }
                if (n == old.length) {
                    continue;
                }
                touched.addAll(addPairs(w, -1));
                words[w] = Arrays.copyOf(next, n);
                touched.addAll(addPairs(w, 1));
            }
            Long[] keys = touched.toArray(new Long[0]);
            Arrays.sort(keys);
            for (long k : keys) {
                long c = pairCounts.getOrDefault(k, 0L);
                if (c > 0) {
                    queue.add(new long[] {k, c});
                } else {
                    pairCounts.remove(k);
                }
            }
        }

        /** Adds ({@code sign} 1) or removes (-1) the pairs of word {@code w}; returns the pairs touched. */
        private List<Long> addPairs(int w, int sign) {
            int[] s = words[w];
            List<Long> touched = new ArrayList<>(s.length);
            for (int i = 0; i + 1 < s.length; i++) {
                long key = ((long) s[i] << 32) | (s[i + 1] & 0xffffffffL);
                pairCounts.merge(key, sign * freq[w], Long::sum);
                if (sign > 0) {
                    pairWords.computeIfAbsent(key, k -> new HashSet<>()).add(w);
                }
                touched.add(key);
            }
            return touched;
        }

        private String merged(int left, int right) {
            String r = symbols.get(right);
            return symbols.get(left) + (r.startsWith("##") ? r.substring(2) : r);
        }

        private int symbol(String s) {
            Integer id = symbolIds.get(s);
            if (id == null) {
                id = symbols.size();
                symbols.add(s);
                symbolIds.put(s, id);
            }
            return id;
        }

        private static String piece(int codePoint, boolean continuation) {
            String c = new String(Character.toChars(codePoint));
            return continuation ? "##" + c : c;
        }
    }
}
