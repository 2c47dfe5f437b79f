package fourm.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import fourm.core.data.ShardedDatasetWriter;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * File and folder names the project writes (shards, checkpoints) are the same in every default locale: a JVM whose
 * locale writes digits in another script must still find {@code shard-00000.tar} and {@code step-00000012}.
 */
class LocaleIndependentNamesTest {

    @Test
    void namesUseAsciiDigitsWhateverTheDefaultLocale() {
        Locale saved = Locale.getDefault();
        Locale arabic = Locale.forLanguageTag("ar-EG");
        assumeFalse(String.format(arabic, "%d", 7).equals("7"),
                "this JDK formats ar-EG with ASCII digits, so the check would prove nothing");
        try {
            Locale.setDefault(arabic);
            assertThat(TrainCheckpoints.folderName(12)).isEqualTo("step-00000012");
            assertThat(ShardedDatasetWriter.shardName(3)).isEqualTo("shard-00003.tar");
        } finally {
            Locale.setDefault(saved);
        }
    }
}
