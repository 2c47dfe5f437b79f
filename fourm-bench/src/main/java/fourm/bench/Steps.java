package fourm.bench;

import ai.djl.ndarray.NDArray;
import fourm.core.model.ForwardOptions;
import fourm.core.model.FourMModel;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the model benchmarks share. */
final class Steps {
    private Steps() {
    }

    /**
     * The parameters an optimizer updates, as training selects them: every trainable tensor except the decoder token
     * tables of grid modalities, which the forward never reads (the decoder feeds grids the mask token), so they never
     * get a gradient (the reference's optimizer skips them too: their gradient stays None).
     */
    static Map<String, NDArray> learned(FourMModel model) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : model.parameters().trainable().entrySet()) {
            String name = e.getKey();
            if (name.startsWith("decoder_embeddings.") && name.endsWith(".token_emb.weight")) {
                String key = name.substring("decoder_embeddings.".length(),
                        name.length() - ".token_emb.weight".length());
                if (!model.config().modality(key).layout().sequence()) {
                    continue;
                }
            }
            out.put(name, e.getValue());
        }
        return out;
    }

    /** N encoder and N decoder slots, the batch's own decoder order, no full logits. */
    static ForwardOptions options(BenchConfig cfg, BenchConfig.Batch b) {
        return ForwardOptions.defaults().withNumEncoderTokens(cfg.tokens()).withNumDecoderTokens(cfg.tokens())
                .withDecoderOrder(b.order());
    }
}
