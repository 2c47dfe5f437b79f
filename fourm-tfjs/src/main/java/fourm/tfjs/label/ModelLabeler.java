package fourm.tfjs.label;

import fourm.api.label.LabelResult;
import fourm.api.label.PseudoLabeler;
import fourm.api.label.Rgb8Image;
import fourm.tfjs.TfjsModel;
import java.util.Objects;

/** What the TF.js labelers share: a name, a modality key, a loaded model, and closing it. */
abstract class ModelLabeler implements PseudoLabeler {
    private final String name;
    private final String modalityKey;
    final TfjsModel model;

    ModelLabeler(String name, String modalityKey, TfjsModel model) {
        this.name = name;
        this.modalityKey = modalityKey;
        this.model = model;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String modalityKey() {
        return modalityKey;
    }

    @Override
    public final LabelResult label(Rgb8Image image) {
        Objects.requireNonNull(image, "image");
        return labelImage(image);
    }

    abstract LabelResult labelImage(Rgb8Image image);

    @Override
    public final void close() {
        model.close();
    }

    @Override
    public String toString() {
        return name + " (" + model.file() + ")";
    }
}
