package fourm.teacher;

/**
 * {@code dinov2:synthetic}: a fixed random stand-in for the DINOv2 ViT-B/14 feature map ({@code x_norm_patchtokens}):
 * 16 x 16 x 768 at 224 pixels, patch 14. Not DINOv2. Settings under {@code fourm.labelers.dinov2-synthetic} (see
 * {@link SyntheticImageTeacher}); labels are for the tokenizer-training key {@code DINOv2-B14}.
 */
public final class Dinov2SyntheticProvider extends SyntheticImageProvider {
    /** Constructed by the service loader. */
    public Dinov2SyntheticProvider() {
        super("dinov2:synthetic", "fourm.labelers.dinov2-synthetic", "DINOv2-B14", false);
    }
}
