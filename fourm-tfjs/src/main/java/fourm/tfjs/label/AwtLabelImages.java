package fourm.tfjs.label;

import fourm.api.label.DenseMap;
import fourm.api.label.Detections;
import fourm.api.label.ImageHeader;
import fourm.api.label.Keypoints;
import fourm.api.label.LabelImages;
import fourm.api.label.LabelResult;
import fourm.api.label.Rgb8Image;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Decodes photos with {@link ImageIO} and draws labels with Java 2D, headless: boxes with class names and scores,
 * keypoints with the COCO skeleton, masks tinted over the photo, feature maps as a heat map of their per-cell norm.
 */
public final class AwtLabelImages implements LabelImages {
    /** Keypoints scoring below this are not drawn (MoveNet's recommended confidence threshold). */
    static final float KEYPOINT_THRESHOLD = 0.3f;

    /** COCO-17 skeleton, as pairs of keypoint names. */
    private static final List<String[]> SKELETON = List.of(
            new String[] {"left_ear", "left_eye"}, new String[] {"left_eye", "nose"},
            new String[] {"nose", "right_eye"}, new String[] {"right_eye", "right_ear"},
            new String[] {"left_shoulder", "right_shoulder"}, new String[] {"left_shoulder", "left_elbow"},
            new String[] {"left_elbow", "left_wrist"}, new String[] {"right_shoulder", "right_elbow"},
            new String[] {"right_elbow", "right_wrist"}, new String[] {"left_shoulder", "left_hip"},
            new String[] {"right_shoulder", "right_hip"}, new String[] {"left_hip", "right_hip"},
            new String[] {"left_hip", "left_knee"}, new String[] {"left_knee", "left_ankle"},
            new String[] {"right_hip", "right_knee"}, new String[] {"right_knee", "right_ankle"});

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** Constructed by the service loader. */
    public AwtLabelImages() {
    }

    @Override
    public Rgb8Image read(Path photo) throws IOException {
        if (!Files.isRegularFile(photo)) {
            throw new IOException(photo + ": no such file");
        }
        ImageHeader.checkPixels(photo);
        BufferedImage img;
        try {
            img = ImageIO.read(photo.toFile());
        } catch (IOException | RuntimeException e) {
            throw new IOException(photo + ": cannot be decoded as an image: " + e.getMessage(), e);
        }
        if (img == null) {
            throw new IOException(photo + ": not an image format this JVM reads (PNG, JPEG, BMP, GIF)");
        }
        int w = img.getWidth();
        int h = img.getHeight();
        if ((long) w * h > Rgb8Image.MAX_PIXELS) {
            throw new IOException(photo + ": " + w + "x" + h + " is too large");
        }
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < argb.length; i++) {
            rgb[3 * i] = (byte) (argb[i] >>> 16);
            rgb[3 * i + 1] = (byte) (argb[i] >>> 8);
            rgb[3 * i + 2] = (byte) argb[i];
        }
        return new Rgb8Image(w, h, rgb);
    }

    @Override
    public byte[] overlayPng(Rgb8Image photo, LabelResult label) {
        BufferedImage img = toImage(photo);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            float unit = Math.max(1f, Math.max(photo.width(), photo.height()) / 400f);
            if (label instanceof Detections d) {
                drawDetections(g, d, photo, unit);
            } else if (label instanceof Keypoints k) {
                drawKeypoints(g, k, photo, unit);
            } else if (label instanceof DenseMap m) {
                drawDenseMap(img, m);
                caption(g, m.channels() == 1 ? m.name() : shortName(m.name()) + " [" + m.height() + "x" + m.width()
                        + "x" + m.channels() + "], norm per cell", 4 * unit, 4 * unit, Color.DARK_GRAY, unit);
            } else {
                caption(g, "no overlay for " + label.getClass().getSimpleName(), 4 * unit, 4 * unit,
                        Color.DARK_GRAY, unit);
            }
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException("PNG encoding failed", e);
        }
        return out.toByteArray();
    }

    /** The last two segments of a node name ({@code a/b/c/d -> c/d}), for captions. */
    static String shortName(String name) {
        int last = name.lastIndexOf('/');
        int before = last > 0 ? name.lastIndexOf('/', last - 1) : -1;
        return before >= 0 ? name.substring(before + 1) : name;
    }

    private static BufferedImage toImage(Rgb8Image photo) {
        int w = photo.width();
        int h = photo.height();
        byte[] rgb = photo.rgb();
        int[] argb = new int[w * h];
        for (int i = 0; i < argb.length; i++) {
            argb[i] = (rgb[3 * i] & 0xff) << 16 | (rgb[3 * i + 1] & 0xff) << 8 | (rgb[3 * i + 2] & 0xff);
        }
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, w, h, argb, 0, w);
        return img;
    }

    /** A stable, saturated colour per class name. */
    static Color colourOf(String name) {
        float hue = (name.hashCode() * 0.618034f) % 1f;
        return Color.getHSBColor(hue < 0 ? hue + 1 : hue, 0.85f, 0.95f);
    }

    private static void drawDetections(Graphics2D g, Detections d, Rgb8Image photo, float unit) {
        g.setStroke(new BasicStroke(2 * unit));
        // Boxes first, then the labels, each where it covers no other label.
        for (Detections.Detection det : d.instances()) {
            g.setColor(colourOf(det.className()));
            float x0 = det.xmin() * photo.width();
            float y0 = det.ymin() * photo.height();
            g.drawRect(Math.round(x0), Math.round(y0), Math.round(det.xmax() * photo.width() - x0),
                    Math.round(det.ymax() * photo.height() - y0));
        }
        List<Rectangle> placed = new ArrayList<>();
        for (Detections.Detection det : d.instances()) {
            String text = det.className() + " " + String.format(Locale.ROOT, "%.2f", det.score());
            Rectangle size = labelSize(g, text, unit);
            if (size == null) {
                return;
            }
            Rectangle at = placeLabel(size.width, size.height, new Rectangle(Math.round(det.xmin() * photo.width()),
                    Math.round(det.ymin() * photo.height()),
                    Math.round((det.xmax() - det.xmin()) * photo.width()),
                    Math.round((det.ymax() - det.ymin()) * photo.height())), photo.width(), photo.height(), placed);
            placed.add(at);
            label(g, text, at, colourOf(det.className()), unit);
        }
    }

    /**
     * Where a {@code w x h} label of {@code box} goes: above the box, else inside its top, below it, inside its bottom,
     * else further down or up in steps of the label's height; the first place inside the image that overlaps no label
     * already {@code placed}. When every place overlaps one, the first inside the image.
     */
    static Rectangle placeLabel(int w, int h, Rectangle box, int imageWidth, int imageHeight, List<Rectangle> placed) {
        int x = Math.max(0, Math.min(box.x, imageWidth - w));
        List<Integer> ys = new ArrayList<>(List.of(box.y - h, box.y, box.y + box.height, box.y + box.height - h));
        for (int k = 1; k * h < imageHeight; k++) {
            ys.add(box.y + k * h);
            ys.add(box.y - h - k * h);
        }
        Rectangle first = null;
        for (int y : ys) {
            if (y < 0 || y + h > imageHeight) {
                continue;
            }
            Rectangle r = new Rectangle(x, y, w, h);
            if (first == null) {
                first = r;
            }
            if (placed.stream().noneMatch(r::intersects)) {
                return r;
            }
        }
        return first != null ? first : new Rectangle(x, Math.max(0, box.y), w, h);
    }

    /** The size of a label's background, or null on a machine without fonts. */
    private static Rectangle labelSize(Graphics2D g, String text, float unit) {
        try {
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.round(11 * unit)));
            FontMetrics fm = g.getFontMetrics();
            return new Rectangle(0, 0, fm.stringWidth(text) + Math.round(6 * unit), fm.getHeight());
        } catch (RuntimeException | InternalError e) {
            return null;
        }
    }

    /** A text label on a filled background filling {@code at}. */
    private static void label(Graphics2D g, String text, Rectangle at, Color background, float unit) {
        try {
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.round(11 * unit)));
            FontMetrics fm = g.getFontMetrics();
            g.setColor(background);
            g.fillRect(at.x, at.y, at.width, at.height);
            g.setColor(brightness(background) > 150 ? Color.BLACK : Color.WHITE);
            g.drawString(text, Math.round(at.x + 3 * unit), at.y + fm.getAscent());
        } catch (RuntimeException | InternalError e) {
            // No usable font (a JDK without fontconfig fonts): keep the drawing without text.
        }
    }

    private static void drawKeypoints(Graphics2D g, Keypoints k, Rgb8Image photo, float unit) {
        Map<String, Integer> index = new java.util.HashMap<>();
        for (int i = 0; i < k.names().size(); i++) {
            index.put(k.names().get(i), i);
        }
        for (Keypoints.Pose pose : k.poses()) {
            g.setStroke(new BasicStroke(2.5f * unit, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            for (String[] edge : SKELETON) {
                Integer a = index.get(edge[0]);
                Integer b = index.get(edge[1]);
                if (a == null || b == null) {
                    continue;
                }
                Keypoints.Point p = pose.points().get(a);
                Keypoints.Point q = pose.points().get(b);
                if (p.score() >= KEYPOINT_THRESHOLD && q.score() >= KEYPOINT_THRESHOLD) {
                    g.setColor(edge[0].startsWith("left") || edge[1].startsWith("left")
                            ? new Color(0x33, 0xcc, 0xff) : new Color(0xff, 0x99, 0x33));
                    g.drawLine(Math.round(p.x() * photo.width()), Math.round(p.y() * photo.height()),
                            Math.round(q.x() * photo.width()), Math.round(q.y() * photo.height()));
                }
            }
            float r = 3.5f * unit;
            for (Keypoints.Point p : pose.points()) {
                if (p.score() >= KEYPOINT_THRESHOLD) {
                    float x = p.x() * photo.width();
                    float y = p.y() * photo.height();
                    g.setColor(Color.WHITE);
                    g.fillOval(Math.round(x - r), Math.round(y - r), Math.round(2 * r), Math.round(2 * r));
                    g.setColor(new Color(0xcc, 0x00, 0x44));
                    g.fillOval(Math.round(x - r * 0.6f), Math.round(y - r * 0.6f), Math.round(1.2f * r),
                            Math.round(1.2f * r));
                }
            }
            // The caption goes above the topmost drawn keypoint, so that it does not cover a box's caption.
            float top = Float.MAX_VALUE;
            float left = 0;
            for (Keypoints.Point p : pose.points()) {
                if (p.score() >= KEYPOINT_THRESHOLD && p.y() * photo.height() < top) {
                    top = p.y() * photo.height();
                    left = p.x() * photo.width();
                }
            }
            if (top != Float.MAX_VALUE) {
                caption(g, "person " + String.format(Locale.ROOT, "%.2f", pose.score()), left, top - 2 * r, Color.DARK_GRAY, unit);
            }
        }
    }

    /**
     * Tints the photo: one channel is a probability (red, opacity 0.6 x value); several channels are summarised by the
     * L2 norm of each cell, scaled to the largest, as a heat map (opacity 0.55). Cells are interpolated bilinearly.
     */
    private static void drawDenseMap(BufferedImage img, DenseMap m) {
        int w = img.getWidth();
        int h = img.getHeight();
        float[] v = m.values();
        float[] cell = new float[m.height() * m.width()];
        float max = 0;
        for (int i = 0; i < cell.length; i++) {
            if (m.channels() == 1) {
                cell[i] = Math.max(0, Math.min(1, v[i]));
            } else {
                double s = 0;
                for (int c = 0; c < m.channels(); c++) {
                    s += (double) v[i * m.channels() + c] * v[i * m.channels() + c];
                }
                cell[i] = (float) Math.sqrt(s);
                max = Math.max(max, cell[i]);
            }
        }
        if (m.channels() > 1 && max > 0) {
            for (int i = 0; i < cell.length; i++) {
                cell[i] /= max;
            }
        }
        for (int y = 0; y < h; y++) {
            float fy = Math.max(0, Math.min(m.height() - 1, (y + 0.5f) * m.height() / h - 0.5f));
            int y0 = (int) fy;
            int y1 = Math.min(m.height() - 1, y0 + 1);
            float ty = fy - y0;
            for (int x = 0; x < w; x++) {
                float fx = Math.max(0, Math.min(m.width() - 1, (x + 0.5f) * m.width() / w - 0.5f));
                int x0 = (int) fx;
                int x1 = Math.min(m.width() - 1, x0 + 1);
                float tx = fx - x0;
                float a = cell[y0 * m.width() + x0] * (1 - tx) + cell[y0 * m.width() + x1] * tx;
                float b = cell[y1 * m.width() + x0] * (1 - tx) + cell[y1 * m.width() + x1] * tx;
                float p = a * (1 - ty) + b * ty;
                int rgb = img.getRGB(x, y);
                int r = rgb >> 16 & 0xff;
                int gr = rgb >> 8 & 0xff;
                int bl = rgb & 0xff;
                float alpha;
                int tr;
                int tg;
                int tb;
                if (m.channels() == 1) {
                    alpha = 0.6f * p;
                    tr = 255;
                    tg = 40;
                    tb = 60;
                } else {
                    alpha = 0.55f;
                    tr = Math.round(255 * Math.min(1, 2 * p));
                    tg = Math.round(255 * Math.max(0, 2 * p - 1));
                    tb = Math.round(255 * (1 - p) * 0.6f);
                }
                img.setRGB(x, y, Math.round(r * (1 - alpha) + tr * alpha) << 16
                        | Math.round(gr * (1 - alpha) + tg * alpha) << 8 | Math.round(bl * (1 - alpha) + tb * alpha));
            }
        }
    }

    /**
     * A text label on a filled background at {@code (x, y)} (its top-left corner). Machines without fonts cannot
     * draw text; the label is then left out and the shapes stay.
     */
    private static void caption(Graphics2D g, String text, float x, float y, Color background, float unit) {
        try {
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.round(11 * unit)));
            FontMetrics fm = g.getFontMetrics();
            int tw = fm.stringWidth(text) + Math.round(6 * unit);
            int th = fm.getHeight();
            int top = Math.round(y) - th >= 0 ? Math.round(y) - th : Math.round(y);
            g.setColor(background);
            g.fillRect(Math.round(x), top, tw, th);
            g.setColor(brightness(background) > 150 ? Color.BLACK : Color.WHITE);
            g.drawString(text, Math.round(x + 3 * unit), top + fm.getAscent());
        } catch (RuntimeException | InternalError e) {
            // No usable font (a JDK without fontconfig fonts): keep the drawing without text.
        }
    }

    private static int brightness(Color c) {
        return (c.getRed() * 299 + c.getGreen() * 587 + c.getBlue() * 114) / 1000;
    }
}
