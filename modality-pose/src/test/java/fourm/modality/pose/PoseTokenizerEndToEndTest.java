package fourm.modality.pose;

import com.typesafe.config.Config;
import fourm.api.Modality;
import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * The whole plugin contract again, with a (tiny, untrained) pose tokenizer checkpoint configured: the end-to-end
 * check then starts from people with body poses, goes through the pose tokenizer and the text tokenizer into a 4M
 * model, generates, decodes back to body poses and writes them as JSON.
 */
class PoseTokenizerEndToEndTest extends HumanPosesProviderTest {
    @Override
    protected Config endToEndNode(Path dir) throws IOException {
        return PoseTokenizedHumansTest.node(PoseCheckpoints.write(dir.resolve("pose.safetensors"),
                SmplHuman.BODY_POSE, 8));
    }

    @Override
    protected Object endToEndValue(Modality m) {
        return PoseCheckpoints.people(new SplittableRandom(9), 2);
    }
}
