package fourm.teacher;

/**
 * {@code imagebind:synthetic}: a fixed random stand-in for the ImageBind ViT-H/14 feature map: 16 x 16 x 1280 at 224
 * pixels, patch 14. Not ImageBind. Settings under {@code fourm.labelers.imagebind-synthetic} (see
 * {@link SyntheticImageTeacher}); labels are for the tokenizer-training key {@code ImageBind-H14}.
 */
public final class ImagebindSyntheticProvider extends SyntheticImageProvider {
    /** Constructed by the service loader. */
    public ImagebindSyntheticProvider() {
        super("imagebind:synthetic", "fourm.labelers.imagebind-synthetic", "ImageBind-H14", false);
    }
}
