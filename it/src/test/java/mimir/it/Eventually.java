package mimir.it;

import java.util.concurrent.TimeUnit;

/** Polls a condition of a real peer, bounded in time; a condition that throws counts as not (yet) met. */
final class Eventually {
    private Eventually() {}

    /** A condition that may throw while the peer is not ready. */
    @FunctionalInterface
    interface Check {
        boolean holds() throws Exception;
    }

    /** Whether {@code check} held within {@code seconds} (polled every 250 ms). */
    static boolean within(int seconds, Check check) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            try {
                if (check.holds()) {
                    return true;
                }
            }
            catch (Exception e) {
                // not yet
            }
            if (System.nanoTime() >= deadline) {
                return false;
            }
            Thread.sleep(250);
        }
    }
}
