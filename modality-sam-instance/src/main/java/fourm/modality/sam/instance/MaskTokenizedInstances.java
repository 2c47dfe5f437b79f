package fourm.modality.sam.instance;

import fourm.api.ModalityTokenizer;
import fourm.api.TokenizerInfo;
import fourm.modality.text.SequenceTokenizer;
import fourm.vq.VqConfig;
import fourm.vq.CheckpointTokenizer;
import fourm.vq.values.ImageValueKit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code sam_instance} from and to binary masks: every instance's mask goes through the mask tokenizer (the
 * reference's SAM-instance ViT VQ-VAE with the {@code out_conv} head: a 64 x 64 mask to a 4 x 4 grid of
 * {@value SamInstance#TOKENS} tokens), the tokenized instances are written as text ({@link SamInstancesSerializer})
 * and encoded with the text tokenizer. Decoding reads the text back and decodes each instance's tokens to mask logits;
 * a pixel is inside where the logit is above 0 (sigmoid above 0.5; the reference trains the logits with binary
 * cross-entropy on their sigmoid). Masks go to the tokenizer as 0/1 values, as the reference's data pipeline gives
 * them.
 */
public final class MaskTokenizedInstances implements ModalityTokenizer<SamMasks> {
    /** The tokenizer type this tokenizer reports. */
    public static final String TYPE = "vq-vae+wordpiece";

    private final CheckpointTokenizer masks;
    private final SequenceTokenizer<SamInstances> text;

    /**
     * A tokenizer over a mask tokenizer checkpoint and the modality's text tokenizer.
     *
     * @throws IllegalArgumentException if the checkpoint is not a mask tokenizer ({@link #misfit})
     */
    public MaskTokenizedInstances(CheckpointTokenizer masks, SequenceTokenizer<SamInstances> text) {
        String problem = misfit(masks.config());
        if (problem != null) {
            throw new IllegalArgumentException(masks.file() + " " + problem);
        }
        this.masks = masks;
        this.text = text;
    }

    /**
     * Why a tokenizer architecture cannot tokenize SAM masks, or null when it can: binary-mask values (one channel of
     * 0/1, {@link ImageValueKit#binaryMask()}), one lucid codebook of at most {@value SamInstance#VOCAB} codes,
     * {@value SamInstance#TOKENS} tokens per mask.
     */
    public static String misfit(VqConfig c) {
        if (c.values() != ImageValueKit.binaryMask()) {
            return "was trained on " + c.values().name() + " values; SAM instance masks are "
                    + ImageValueKit.binaryMask().name() + " values";
        }
        if (c.quantizer().type() != VqConfig.QuantizerType.LUCID || c.quantizer().heads() != 1) {
            return "is not a mask tokenizer: expected one lucid codebook, got " + c.quantizer().type().configName()
                    + " with " + c.quantizer().heads() + " codebook(s)";
        }
        if (c.channels() != 1 || c.outputChannels() != 1) {
            return "reads " + c.channels() + " channel(s); a mask has 1";
        }
        if (c.tokensPerImage() != SamInstance.TOKENS) {
            return "makes " + c.tokensPerImage() + " tokens; sam_instance has " + SamInstance.TOKENS + " per mask";
        }
        if (c.vocabSize() > SamInstance.VOCAB) {
            return "has " + c.vocabSize() + " codes; sam_instance writes at most " + SamInstance.VOCAB;
        }
        return null;
    }

    /** Side of the masks the tokenizer reads and writes (64 for the reference's tokenizer). */
    public int maskSize() {
        return masks.config().imageSize();
    }

    @Override
    public Class<SamMasks> valueType() {
        return SamMasks.class;
    }

    @Override
    public TokenizerInfo info() {
        return TokenizerInfo.of(TYPE, Optional.of(masks.file().toString()));
    }

    /** The instances tokenized: each mask replaced by its tokens (all masks of the value in one batch). */
    public SamInstances tokenize(SamMasks value) {
        int size = maskSize();
        int per = size * size;
        List<MaskedInstance> all = new ArrayList<>();
        value.points().forEach(p -> all.addAll(p.instances()));
        float[] in = new float[all.size() * per];
        for (int i = 0; i < all.size(); i++) {
            BinaryMask m = all.get(i).mask();
            if (m.size() != size) {
                throw new IllegalArgumentException("sam_instance: instance " + i + " has a " + m.size() + " x "
                        + m.size() + " mask; the mask tokenizer reads " + size + " x " + size);
            }
            System.arraycopy(m.toFloats(), 0, in, i * per, per);
        }
        long[] ids = masks.encode(in, all.size());
        List<QueryPoint> points = new ArrayList<>();
        int next = 0;
        for (MaskedQueryPoint p : value.points()) {
            List<SamInstance> instances = new ArrayList<>();
            for (MaskedInstance s : p.instances()) {
                List<Integer> t = new ArrayList<>(SamInstance.TOKENS);
                for (int j = 0; j < SamInstance.TOKENS; j++) {
                    t.add((int) ids[next * SamInstance.TOKENS + j]);
                }
                instances.add(s.withTokens(t));
                next++;
            }
            points.add(new QueryPoint(p.y(), p.x(), instances));
        }
        return new SamInstances(points);
    }

    /** The instances with their tokens decoded to masks (logit above 0). */
    public SamMasks detokenize(SamInstances value) {
        List<SamInstance> all = new ArrayList<>();
        value.points().forEach(p -> all.addAll(p.instances()));
        long[] ids = new long[all.size() * SamInstance.TOKENS];
        for (int i = 0; i < all.size(); i++) {
            List<Integer> t = all.get(i).tokens();
            for (int j = 0; j < SamInstance.TOKENS; j++) {
                ids[i * SamInstance.TOKENS + j] = t.get(j);
            }
        }
        float[] logits = masks.decode(ids, all.size());
        int size = maskSize();
        int per = size * size;
        List<MaskedQueryPoint> points = new ArrayList<>();
        int next = 0;
        for (QueryPoint p : value.points()) {
            List<MaskedInstance> instances = new ArrayList<>();
            for (SamInstance s : p.instances()) {
                boolean[] bits = new boolean[per];
                for (int j = 0; j < per; j++) {
                    bits[j] = inside(logits[next * per + j]);
                }
                instances.add(new MaskedInstance(s.xmin(), s.ymin(), s.xmax(), s.ymax(), BinaryMask.of(size, bits)));
                next++;
            }
            points.add(new MaskedQueryPoint(p.y(), p.x(), instances));
        }
        return new SamMasks(points);
    }

    /** Whether a pixel of a decoded mask is inside the instance: its logit is above 0 (sigmoid above 0.5). */
    static boolean inside(float logit) {
        return logit > 0;
    }

    @Override
    public int[] encode(SamMasks value) {
        if (value == null) {
            throw new IllegalArgumentException("sam_instance: expected a value, got null");
        }
        return text.encode(tokenize(value));
    }

    /** Reads the text tolerantly (as the text tokenizer does) and decodes every instance's mask tokens. */
    @Override
    public SamMasks decode(int[] tokens) {
        return detokenize(text.decode(tokens));
    }
}
