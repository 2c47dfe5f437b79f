package fourm.teacher;

/**
 * {@code clip:synthetic}: a fixed random stand-in for the CLIP ViT-B/16 feature map (the final patch tokens without
 * CLS): 14 x 14 x 512 at 224 pixels, patch 16. Not CLIP. Settings under {@code fourm.labelers.clip-synthetic} (see
 * {@link SyntheticImageTeacher}); labels are for the tokenizer-training key {@code CLIP-B16}.
 */
public final class ClipSyntheticProvider extends SyntheticImageProvider {
    /** Constructed by the service loader. */
    public ClipSyntheticProvider() {
        super("clip:synthetic", "fourm.labelers.clip-synthetic", "CLIP-B16", false);
    }
}
