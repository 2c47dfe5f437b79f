package fourm.teacher;

/**
 * {@code dinov2-global:synthetic}: a fixed random stand-in for the DINOv2 ViT-B/14 global embedding
 * ({@code x_norm_clstoken}): a 1 x 1 x 768 map of unit length. Not DINOv2. Settings under
 * {@code fourm.labelers.dinov2-global-synthetic} (see {@link SyntheticImageTeacher}); labels are for the
 * tokenizer-training key {@code DINOv2-B14-global}.
 */
public final class Dinov2GlobalSyntheticProvider extends SyntheticImageProvider {
    /** Constructed by the service loader. */
    public Dinov2GlobalSyntheticProvider() {
        super("dinov2-global:synthetic", "fourm.labelers.dinov2-global-synthetic", "DINOv2-B14-global", true);
    }
}
