package fourm.demo;

/**
 * Semantic segmentation accuracy: the confusion matrix over every pixel added and the mean intersection over union
 * (mIoU). The IoU of a class is {@code TP / (TP + FP + FN)} over the pooled pixels; the mean is taken over the classes
 * that occur in the truth or the prediction (a class absent from both has no IoU). A predicted id outside the classes
 * (a tokenizer's "no class") is a miss of the true class and a false positive of none.
 *
 * <p>Not thread-safe.
 */
public final class SemsegMetric {
    private final long[][] confusion;

    /** @param classes number of classes; ids are {@code 0 .. classes - 1} */
    public SemsegMetric(int classes) {
        if (classes < 1) {
            throw new IllegalArgumentException("semseg: need at least one class, got " + classes);
        }
        this.confusion = new long[classes][classes + 1];
    }

    /**
     * Adds one image.
     *
     * @param predicted class id per pixel (an id outside {@code [0, classes)} means no class)
     * @param truth     true class id per pixel
     * @throws IllegalArgumentException if the sizes differ or a true id is outside {@code [0, classes)}
     */
    public void add(int[] predicted, int[] truth) {
        if (predicted.length != truth.length) {
            throw new IllegalArgumentException("semseg: predicted has " + predicted.length + " pixels, truth "
                    + truth.length + "; expected equal sizes");
        }
        int k = confusion.length;
        for (int i = 0; i < truth.length; i++) {
            if (truth[i] < 0 || truth[i] >= k) {
                throw new IllegalArgumentException("semseg: pixel " + i + " has true class " + truth[i]
                        + "; expected ids in [0, " + k + ")");
            }
            int p = predicted[i] >= 0 && predicted[i] < k ? predicted[i] : k;
            confusion[truth[i]][p]++;
        }
    }

    /** The IoU of class {@code c}, NaN when the class occurs in neither truth nor prediction. */
    public double iou(int c) {
        long tp = confusion[c][c];
        long fn = 0;
        long fp = 0;
        for (int j = 0; j <= confusion.length; j++) {
            if (j != c) {
                fn += confusion[c][j];
            }
        }
        for (int j = 0; j < confusion.length; j++) {
            if (j != c) {
                fp += confusion[j][c];
            }
        }
        long union = tp + fp + fn;
        return union == 0 ? Double.NaN : (double) tp / union;
    }

    /** The mean IoU over the classes that occur (NaN before any pixel). */
    public double meanIou() {
        double sum = 0;
        int n = 0;
        for (int c = 0; c < confusion.length; c++) {
            double v = iou(c);
            if (!Double.isNaN(v)) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** Fraction of pixels classified correctly (NaN before any pixel). */
    public double pixelAccuracy() {
        long right = 0;
        long all = 0;
        for (int i = 0; i < confusion.length; i++) {
            for (int j = 0; j <= confusion.length; j++) {
                all += confusion[i][j];
                if (i == j) {
                    right += confusion[i][j];
                }
            }
        }
        return all == 0 ? Double.NaN : (double) right / all;
    }
}
