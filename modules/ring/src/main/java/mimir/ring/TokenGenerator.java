package mimir.ring;

import java.util.HashSet;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Mimir's {@code random} token generation strategy: distinct random 32-bit tokens, none of them taken
 * by another instance of the ring.
 */
public final class TokenGenerator {
    private final RandomGenerator random;

    public TokenGenerator(RandomGenerator random) {
        this.random = random;
    }

    /** {@code count} new tokens, sorted as unsigned values, avoiding every token of {@code ring}. */
    public int[] generate(int count, RingDesc ring) {
        Set<Integer> taken = new HashSet<>();
        for (InstanceDesc instance : ring.instances().values()) {
            for (int token : instance.tokens()) {
                taken.add(token);
            }
        }
        int[] tokens = new int[count];
        int n = 0;
        while (n < count) {
            int candidate = random.nextInt();
            if (taken.add(candidate)) {
                tokens[n++] = candidate;
            }
        }
        RingDesc.sortUnsigned(tokens);
        return tokens;
    }
}
