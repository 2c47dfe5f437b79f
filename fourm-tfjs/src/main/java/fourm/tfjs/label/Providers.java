package fourm.tfjs.label;

import fourm.tfjs.TfjsModel;
import fourm.tfjs.TfjsModelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Shared steps of the providers: loading a model with a clear message when it has not been fetched. */
final class Providers {
    private Providers() {
    }

    static TfjsModel load(String labeler, Path model, int threads) {
        if (!Files.isRegularFile(model)) {
            throw new TfjsModelException(model, "the model of " + labeler + " is not there; run bin/fetch-models"
                    + " (it fetches the models into ~/.cache/fourm/models, or FOURM_MODELS_DIR), or set the"
                    + " labeler's 'model' setting");
        }
        return TfjsModel.load(model, threads);
    }

    /** The square side of a model's single image input, given the axes of height and width in its shape. */
    static int squareSide(TfjsModel model, int heightAxis, int widthAxis) {
        String input = model.signatureInputs().keySet().stream().findFirst().orElseThrow(() ->
                new TfjsModelException(model.file(), "the model's signature lists no input"));
        long[] shape = model.inputShape(input);
        if (shape.length != 4 || shape[heightAxis] < 1 || shape[heightAxis] != shape[widthAxis]) {
            throw new TfjsModelException(model.file(), input, "expected a square image input of known size, got"
                    + " shape " + Arrays.toString(shape));
        }
        return (int) shape[heightAxis];
    }

    /** Closes the model if opening the labeler fails. */
    static <T> T closingOnFailure(TfjsModel model, java.util.function.Supplier<T> open) {
        try {
            return open.get();
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }
}
