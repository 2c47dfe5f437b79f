package fourm.teacher;

/**
 * {@code imagebind-global:synthetic}: a fixed random stand-in for the ImageBind ViT-H/14 image embedding: a 1 x 1 x
 * 1024 map of unit length. Not ImageBind. Settings under {@code fourm.labelers.imagebind-global-synthetic} (see
 * {@link SyntheticImageTeacher}); labels are for the tokenizer-training key {@code ImageBind-H14-global}.
 */
public final class ImagebindGlobalSyntheticProvider extends SyntheticImageProvider {
    /** Constructed by the service loader. */
    public ImagebindGlobalSyntheticProvider() {
        super("imagebind-global:synthetic", "fourm.labelers.imagebind-global-synthetic", "ImageBind-H14-global", true);
    }
}
