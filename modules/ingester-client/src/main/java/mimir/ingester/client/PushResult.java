package mimir.ingester.client;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * What an ingester did with a batch.
 *
 * @param acceptedSamples   samples stored
 * @param rejectedSamples   samples refused (counted in {@code cortex_discarded_samples_total} by the
 *                          ingester under their reason)
 * @param acceptedExemplars exemplars stored
 * @param firstError        the first refusal, if any: the status and message the distributor answers
 *                          with (a partial push is a 400 naming the first error, like Mimir)
 */
public record PushResult(int acceptedSamples, int rejectedSamples, int acceptedExemplars, Optional<PushError> firstError) {
    public PushResult {
        requireNonNull(firstError, "firstError is null");
        if (acceptedSamples < 0 || rejectedSamples < 0 || acceptedExemplars < 0) {
            throw new IllegalArgumentException("negative count");
        }
    }

    /**
     * A refusal.
     *
     * @param httpStatus the status for the client, 400 for per-sample errors and series limits
     * @param message    the message, with Mimir's {@code err-mimir-…} id where it has one
     */
    public record PushError(int httpStatus, String message) {
        public PushError {
            requireNonNull(message, "message is null");
        }
    }
}
