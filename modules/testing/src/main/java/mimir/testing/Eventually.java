package mimir.testing;

import java.time.Duration;

/** Retries an assertion until it passes, bounded in time: for state that converges in the background. */
public final class Eventually {
    private Eventually() {}

    /** An assertion that throws {@link AssertionError} (or any exception) while not yet met. */
    @FunctionalInterface
    public interface Check {
        void run() throws Exception;
    }

    /** Runs {@code check} every 20 ms until it passes; after {@code within}, its last failure is thrown. */
    public static void assertThat(Duration within, Check check) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            try {
                check.run();
                return;
            }
            catch (AssertionError | Exception e) {
                if (System.nanoTime() >= deadline) {
                    throw e;
                }
            }
            Thread.sleep(20);
        }
    }
}
