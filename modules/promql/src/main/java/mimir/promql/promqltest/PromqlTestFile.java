package mimir.promql.promqltest;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** A parsed promqltest file: its name and its commands in file order. */
public record PromqlTestFile(String name, List<Command> commands) {
    public PromqlTestFile {
        requireNonNull(name, "name is null");
        commands = List.copyOf(commands);
    }

    /** The eval commands in file order. */
    public List<EvalCommand> evals() {
        return commands.stream().filter(EvalCommand.class::isInstance).map(EvalCommand.class::cast).toList();
    }
}
