package fourm.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Marks a test class or method that needs files from outside the project: the pretrained models fetched by
 * {@code bin/fetch-models} or the reference's golden files in the shared folder ({@link SharedFiles}). JUnit tag
 * {@value Tags#NEEDS_MODEL}. Such a test skips itself, with a message, where the files are absent; select only these
 * with {@code mvn verify -Dgroups=needs-model}, or leave them out with {@code -DexcludedGroups=needs-model}.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag(Tags.NEEDS_MODEL)
public @interface NeedsModel {
}
