package fourm.testing;

/**
 * The JUnit tags fourm's tests use, for choosing what a local run covers ({@code -Dgroups}, {@code -DexcludedGroups}).
 * A plain {@code mvn verify} runs every test, tagged or not.
 */
public final class Tags {
    /** Tests that take minutes; see {@link Slow}. */
    public static final String SLOW = "slow";
    /** Tests that need pretrained models or golden files from outside the project; see {@link NeedsModel}. */
    public static final String NEEDS_MODEL = "needs-model";

    private Tags() {
    }
}
