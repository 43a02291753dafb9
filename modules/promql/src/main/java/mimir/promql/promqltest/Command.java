package mimir.promql.promqltest;

/** One command of a promqltest file, with the file name and 1-based line of its first line. */
public sealed interface Command permits LoadCommand, ClearCommand, EvalCommand {
    String file();

    int line();

    /** {@code file:line}, the key the conformance index and skip lists use. */
    default String location() {
        return file() + ":" + line();
    }
}
