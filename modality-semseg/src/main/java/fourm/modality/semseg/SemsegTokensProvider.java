package fourm.modality.semseg;

import com.typesafe.config.Config;
import fourm.api.Modality;
import fourm.api.spi.ModalityProvider;
import fourm.vq.modality.ImageTokenModality;
import fourm.vq.values.ImageValueKit;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code tok_semseg@224}: a 14x14 grid of ids from the semantic-segmentation VQ-VAE (4096 codes).
 *
 * <p>The plugin owns its tokenizer. Raw values: class ids, 255 for no class (kit values semseg).
 * They are tokenized by the fourm-vq tokenizer whose checkpoint {@code tokenizer.checkpoint} names (see
 * {@link ImageTokenModality}). Without a checkpoint pre-tokenized ids still load for training, and encoding
 * fails naming the key to set.
 *
 * <p>The classes are the 133 COCO panoptic categories the reference's semseg tokenizer and 4M use ({@link #COCO_PANOPTIC}:
 * 80 things, then 53 stuff; class id {@code k} is the tokenizer's label {@code k + 1}, label 0 being no class): the
 * modality carries their names ({@link ImageTokenModality#classNames()}), which {@code fourm generate} writes in the
 * semseg legend unless {@code --class-names FILE} or a preset names others.
 */
public final class SemsegTokensProvider implements ModalityProvider {
    @Override
    public String key() {
        return "tok_semseg@224";
    }

    @Override
    public String configPath() {
        return "fourm.modality.semseg.tokens";
    }

    /** The resource of the class names: one a line, {@code #} comment lines, line k = class id k. */
    public static final String COCO_PANOPTIC = "coco-panoptic-classes.txt";

    @Override
    public Modality create(Config node) {
        return ImageTokenModality.create(node, configPath(), ImageValueKit.semseg()).withClassNames(cocoPanoptic());
    }

    /** The 133 COCO panoptic class names, by class id. */
    public static List<String> cocoPanoptic() {
        try (InputStream in = SemsegTokensProvider.class.getResourceAsStream(COCO_PANOPTIC)) {
            if (in == null) {
                throw new IllegalStateException("modality-semseg: the resource " + COCO_PANOPTIC + " is missing");
            }
            List<String> out = new ArrayList<>();
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.startsWith("#") && !line.isBlank()) {
                    out.add(line.strip());
                }
            }
            return List.copyOf(out);
        } catch (IOException e) {
            throw new UncheckedIOException("modality-semseg: cannot read " + COCO_PANOPTIC + ": " + e.getMessage(), e);
        }
    }
}
