package mimir.gotemplate;

import java.util.List;

/** The parse tree of a template. */
sealed interface Node {
    record Text(String text) implements Node {}

    record Action(int line, Pipe pipe) implements Node {}

    /** {@code if}, {@code range} and {@code with}: a pipeline, the list it guards and the {@code else} list (possibly empty). */
    record Branch(int line, Kind kind, Pipe pipe, List<Node> list, List<Node> elseList) implements Node {}

    record Call(int line, String name, Pipe pipe) implements Node {}

    record Break(int line) implements Node {}

    record Continue(int line) implements Node {}

    enum Kind { IF, RANGE, WITH }

    /** A pipeline: optional variable declarations ({@code $x :=}) or assignment ({@code $x =}), then commands joined by {@code |}. */
    record Pipe(List<String> variables, boolean assign, List<Command> commands) {}

    record Command(List<Arg> args) {}

    /** An operand of a command. */
    sealed interface Arg {}

    /** {@code .A.B}: fields of dot. */
    record FieldArg(List<String> names) implements Arg {}

    /** {@code $x.A}: a variable and fields of it. */
    record VariableArg(String name, List<String> fields) implements Arg {}

    record DotArg() implements Arg {}

    record NilArg() implements Arg {}

    record Literal(Object value) implements Arg {}

    /** A function name. */
    record Identifier(String name) implements Arg {}

    /** {@code (pipeline).A.B}. */
    record PipeArg(Pipe pipe, List<String> fields) implements Arg {}
}
