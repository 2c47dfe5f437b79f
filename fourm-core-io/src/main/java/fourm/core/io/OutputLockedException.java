package fourm.core.io;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Another run holds the output folder's {@link OutputLock}. The message names the folder and the holder (PID, host,
 * start time, command); it is a user error, fixed by waiting for that run or choosing another folder.
 */
public final class OutputLockedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final transient Path folder;
    private final transient OutputLock.Holder holder;

    /**
     * @param folder the locked folder
     * @param holder the holder its lock file names, or null when the file could not be read
     */
    public OutputLockedException(Path folder, OutputLock.Holder holder) {
        super("the output folder " + folder + " is in use by another run: "
                + (holder == null ? "a process that has not yet written its name into " + folder.resolve(
                        OutputLock.FILE_NAME) : holder.describe())
                + "; wait for it to finish or choose another output folder");
        this.folder = folder;
        this.holder = holder;
    }

    /** The locked folder. */
    public Path folder() {
        return folder;
    }

    /** The holder, when its lock file could be read. */
    public Optional<OutputLock.Holder> holder() {
        return Optional.ofNullable(holder);
    }
}
