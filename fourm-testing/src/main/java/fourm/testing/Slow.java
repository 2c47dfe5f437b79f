package fourm.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Marks a test class or method that takes minutes (a training run, a whole command-line session, a benchmark): JUnit
 * tag {@value Tags#SLOW}. The build runs it as any other test; leave it out of a quick run with
 * {@code mvn verify -DexcludedGroups=slow}.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag(Tags.SLOW)
public @interface Slow {
}
