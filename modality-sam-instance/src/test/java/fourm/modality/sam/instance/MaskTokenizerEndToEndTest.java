package fourm.modality.sam.instance;

import com.typesafe.config.Config;
import fourm.api.Modality;
import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * The whole plugin contract again, with a (tiny, untrained) mask tokenizer checkpoint configured: the end-to-end check
 * then starts from instances with binary masks, goes through the mask tokenizer and the text tokenizer into a 4M model,
 * generates, decodes back to masks and writes them as JSON.
 */
class MaskTokenizerEndToEndTest extends SamInstanceProviderTest {
    @Override
    protected Config endToEndNode(Path dir) throws IOException {
        return MaskTokenizedInstancesTest.node(MaskCheckpoints.write(dir.resolve("mask.safetensors"), 64, 16));
    }

    @Override
    protected Object endToEndValue(Modality m) {
        return MaskCheckpoints.masks(new SplittableRandom(6), 2, 64);
    }
}
