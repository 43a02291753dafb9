package mimir.promql.promqltest;

import static java.util.Objects.requireNonNull;

/** {@code clear}: discard all stored data. */
public record ClearCommand(String file, int line) implements Command {
    public ClearCommand {
        requireNonNull(file, "file is null");
    }
}
