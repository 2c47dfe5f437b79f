package fourm.core.io;

import java.nio.file.Path;

/** A child process for {@link OutputLockTest}: takes the lock of {@code args[0]}, says so, then waits to be killed. */
public final class LockHolderMain {
    private LockHolderMain() {
    }

    /** Locks {@code args[0]}, prints {@code locked}, sleeps. */
    public static void main(String[] args) throws Exception {
        OutputLock lock = OutputLock.acquire(Path.of(args[0]), "lock holder");
        System.out.println("locked " + lock.file());
        System.out.flush();
        Thread.sleep(120_000);
    }
}
