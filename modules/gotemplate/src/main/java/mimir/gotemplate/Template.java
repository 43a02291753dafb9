package mimir.gotemplate;

import static java.util.Objects.requireNonNull;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import mimir.gotemplate.Node.Arg;
import mimir.gotemplate.Node.Command;
import mimir.gotemplate.Node.Pipe;

/**
 * A parsed Go template with its nested definitions ({@code define}, {@code block}). Immutable and
 * thread-safe: one template may execute concurrently on many values.
 *
 * <p>Values: {@link String}, {@link Long}, {@link Double}, {@link Boolean}, {@link List},
 * {@link Map} (keys are strings; {@code range} visits them sorted; a missing key is the empty string,
 * as Go's {@code missingkey=zero} over {@code map[string]string}), {@link Fields} and null (nil).
 */
public final class Template {
    private static final int MAX_DEPTH = 1000;
    private static final Set<String> BUILTINS = Set.of("and", "or", "not", "len", "index", "slice", "print", "printf", "println",
            "eq", "ne", "lt", "le", "gt", "ge", "html", "js", "urlquery", "call");

    private final String name;
    private final List<Node> root;
    private final Map<String, List<Node>> definitions;
    private final Map<String, TemplateFunction> functions;

    private Template(String name, List<Node> root, Map<String, List<Node>> definitions, Map<String, TemplateFunction> functions) {
        this.name = name;
        this.root = root;
        this.definitions = Map.copyOf(definitions);
        this.functions = functions;
    }

    /** Parses {@code text} with Go's built-in functions only. */
    public static Template parse(String name, String text) throws TemplateException {
        return parse(name, text, Map.of());
    }

    /**
     * Parses {@code text}; {@code functions} are callable by name besides Go's built-ins (a name
     * neither defines is a parse error, as in Go).
     */
    public static Template parse(String name, String text, Map<String, TemplateFunction> functions) throws TemplateException {
        requireNonNull(name, "name is null");
        requireNonNull(text, "text is null");
        Map<String, TemplateFunction> copy = Map.copyOf(functions);
        Map<String, List<Node>> definitions = new HashMap<>();
        List<Node> root = new Parser(name, text, definitions).parse();
        checkFunctions(name, root, copy);
        for (List<Node> body : definitions.values()) {
            checkFunctions(name, body, copy);
        }
        return new Template(name, List.copyOf(root), definitions, copy);
    }

    /** This template with the definitions of {@code text} added (a later definition of a name replaces an earlier one). */
    public Template withDefinitions(String textName, String text) throws TemplateException {
        Map<String, List<Node>> added = new HashMap<>(definitions);
        List<Node> parsed = new Parser(textName, text, added).parse();
        checkFunctions(textName, parsed, functions);
        for (List<Node> body : added.values()) {
            checkFunctions(textName, body, functions);
        }
        return new Template(name, root, added, functions);
    }

    /** Executes the template with {@code dot} as {@code .} and {@code $}. */
    public String execute(Object dot) throws TemplateException {
        return execute(dot, Map.of());
    }

    /** Executes the template with {@code dot} and predeclared variables (names without {@code $}). */
    public String execute(Object dot, Map<String, Object> variables) throws TemplateException {
        return run(root, dot, variables);
    }

    /** Executes the definition {@code definition} with {@code dot}. */
    public String executeDefinition(String definition, Object dot) throws TemplateException {
        List<Node> body = definitions.get(definition);
        if (body == null) {
            throw new TemplateException("template: no template " + GoFormat.quote(definition) + " associated with template " + GoFormat.quote(name));
        }
        return run(body, dot, Map.of());
    }

    private String run(List<Node> nodes, Object dot, Map<String, Object> variables) throws TemplateException {
        Execution execution = new Execution();
        execution.push("$", dot);
        for (Map.Entry<String, Object> variable : new LinkedHashMap<>(variables).entrySet()) {
            execution.push("$" + variable.getKey(), variable.getValue());
        }
        try {
            execution.walk(nodes, dot, 0);
        }
        catch (ExecutionError e) {
            throw new TemplateException("template: " + name + ":" + e.line + ": executing " + GoFormat.quote(name) + ": " + e.getMessage());
        }
        catch (LoopControl e) {
            throw new TemplateException("template: " + name + ": {{break}} or {{continue}} outside {{range}}");
        }
        return execution.out.toString();
    }

    private static void checkFunctions(String name, List<Node> nodes, Map<String, TemplateFunction> functions) throws TemplateException {
        for (Node node : nodes) {
            switch (node) {
                case Node.Action action -> checkPipe(name, action.line(), action.pipe(), functions);
                case Node.Branch branch -> {
                    checkPipe(name, branch.line(), branch.pipe(), functions);
                    checkFunctions(name, branch.list(), functions);
                    checkFunctions(name, branch.elseList(), functions);
                }
                case Node.Call call -> {
                    if (call.pipe() != null) {
                        checkPipe(name, call.line(), call.pipe(), functions);
                    }
                }
                default -> { }
            }
        }
    }

    private static void checkPipe(String name, int line, Pipe pipe, Map<String, TemplateFunction> functions) throws TemplateException {
        for (Command command : pipe.commands()) {
            for (Arg arg : command.args()) {
                if (arg instanceof Node.Identifier identifier && !BUILTINS.contains(identifier.name()) && !functions.containsKey(identifier.name())) {
                    throw new TemplateException("template: " + name + ":" + line + ": function " + GoFormat.quote(identifier.name()) + " not defined");
                }
                if (arg instanceof Node.PipeArg nested) {
                    checkPipe(name, line, nested.pipe(), functions);
                }
            }
        }
    }

    /** Go's truth: false, 0, nil, and empty strings, lists and maps are false. */
    public static boolean truth(Object value) {
        return switch (value) {
            case null -> false;
            case Boolean b -> b;
            case Double d -> d != 0;
            case Number n -> n.longValue() != 0;
            case String s -> !s.isEmpty();
            case List<?> l -> !l.isEmpty();
            case Map<?, ?> m -> !m.isEmpty();
            default -> true;
        };
    }

    private static final class ExecutionError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int line;

        ExecutionError(int line, String message) {
            super(message, null, false, false);
            this.line = line;
        }
    }

    private static final class LoopControl extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final boolean isBreak;

        LoopControl(boolean isBreak) {
            super(null, null, false, false);
            this.isBreak = isBreak;
        }
    }

    private final class Execution {
        final StringBuilder out = new StringBuilder();
        final List<String> names = new ArrayList<>();
        final List<Object> values = new ArrayList<>();
        int line;

        void push(String variable, Object value) {
            names.add(variable);
            values.add(value);
        }

        void popTo(int mark) {
            while (names.size() > mark) {
                names.removeLast();
                values.removeLast();
            }
        }

        Object variable(String variable) {
            for (int i = names.size() - 1; i >= 0; i--) {
                if (names.get(i).equals(variable)) {
                    return values.get(i);
                }
            }
            throw new ExecutionError(line, "undefined variable: " + variable);
        }

        void set(String variable, Object value) {
            for (int i = names.size() - 1; i >= 0; i--) {
                if (names.get(i).equals(variable)) {
                    values.set(i, value);
                    return;
                }
            }
            throw new ExecutionError(line, "undefined variable: " + variable);
        }

        void walk(List<Node> nodes, Object dot, int depth) {
            for (Node node : nodes) {
                switch (node) {
                    case Node.Text text -> out.append(text.text());
                    case Node.Action action -> {
                        line = action.line();
                        Object value = pipe(action.pipe(), dot);
                        if (action.pipe().variables().isEmpty()) {
                            out.append(value == null ? "<no value>" : GoFormat.print(value));
                        }
                    }
                    case Node.Branch branch -> branch(branch, dot, depth);
                    case Node.Call call -> {
                        line = call.line();
                        List<Node> body = definitions.get(call.name());
                        if (body == null) {
                            throw new ExecutionError(line, "template " + GoFormat.quote(call.name()) + " not defined");
                        }
                        if (depth >= MAX_DEPTH) {
                            throw new ExecutionError(line, "exceeded maximum template depth (" + MAX_DEPTH + ")");
                        }
                        Object newDot = call.pipe() == null ? null : pipe(call.pipe(), dot);
                        int mark = names.size();
                        // A called template sees only $ (its dot), not the caller's variables.
                        List<String> savedNames = new ArrayList<>(names);
                        List<Object> savedValues = new ArrayList<>(values);
                        names.clear();
                        values.clear();
                        push("$", newDot);
                        try {
                            walk(body, newDot, depth + 1);
                        }
                        finally {
                            names.clear();
                            values.clear();
                            names.addAll(savedNames);
                            values.addAll(savedValues);
                            popTo(mark);
                        }
                    }
                    case Node.Break ignored -> throw new LoopControl(true);
                    case Node.Continue ignored -> throw new LoopControl(false);
                }
            }
        }

        void branch(Node.Branch branch, Object dot, int depth) {
            line = branch.line();
            int mark = names.size();
            try {
                switch (branch.kind()) {
                    case IF -> {
                        Object value = pipe(branch.pipe(), dot);
                        walk(truth(value) ? branch.list() : branch.elseList(), dot, depth);
                    }
                    case WITH -> {
                        Object value = pipe(branch.pipe(), dot);
                        if (truth(value)) {
                            walk(branch.list(), value, depth);
                        }
                        else {
                            walk(branch.elseList(), dot, depth);
                        }
                    }
                    case RANGE -> range(branch, dot, depth);
                }
            }
            finally {
                popTo(mark);
            }
        }

        void range(Node.Branch branch, Object dot, int depth) {
            Pipe pipe = branch.pipe();
            Object value = pipe(new Pipe(List.of(), false, pipe.commands()), dot);
            List<Map.Entry<Object, Object>> elements = new ArrayList<>();
            switch (value) {
                case null -> { }
                case List<?> list -> {
                    for (int i = 0; i < list.size(); i++) {
                        elements.add(Map.entry((Object) (long) i, list.get(i) == null ? NULL : list.get(i)));
                    }
                }
                case Map<?, ?> map -> {
                    for (Map.Entry<?, ?> entry : new TreeMap<>(map).entrySet()) {
                        elements.add(Map.entry((Object) entry.getKey(), entry.getValue() == null ? NULL : entry.getValue()));
                    }
                }
                case Long n -> {
                    for (long i = 0; i < n; i++) {
                        elements.add(Map.entry((Object) i, (Object) i));
                    }
                }
                default -> throw new ExecutionError(line, "range can't iterate over " + GoFormat.print(value));
            }
            if (elements.isEmpty()) {
                walk(branch.elseList(), dot, depth);
                return;
            }
            int mark = names.size();
            for (Map.Entry<Object, Object> element : elements) {
                Object item = element.getValue() == NULL ? null : element.getValue();
                List<String> variables = pipe.variables();
                if (variables.size() == 1) {
                    push(variables.getFirst(), value instanceof Long ? element.getKey() : item);
                }
                else if (variables.size() == 2) {
                    push(variables.get(0), element.getKey());
                    push(variables.get(1), item);
                }
                try {
                    walk(branch.list(), item, depth);
                }
                catch (LoopControl control) {
                    if (control.isBreak) {
                        popTo(mark);
                        break;
                    }
                }
                popTo(mark);
            }
        }

        Object pipe(Pipe pipe, Object dot) {
            Object value = null;
            boolean hasFinal = false;
            for (Command command : pipe.commands()) {
                value = command(command, dot, value, hasFinal);
                hasFinal = true;
            }
            for (String variable : pipe.variables()) {
                if (pipe.assign()) {
                    set(variable, value);
                }
                else {
                    push(variable, value);
                }
            }
            return value;
        }

        Object command(Command command, Object dot, Object finalValue, boolean hasFinal) {
            List<Arg> args = command.args();
            Arg first = args.getFirst();
            if (first instanceof Node.Identifier identifier) {
                return call(identifier.name(), args.subList(1, args.size()), dot, finalValue, hasFinal);
            }
            Object value = rawArg(first, dot);
            if (value instanceof TemplateFunction method) {
                // A method of a value (Fields returning a function): called with the command's arguments, as Go calls methods.
                List<Object> argValues = new ArrayList<>();
                for (Arg argNode : args.subList(1, args.size())) {
                    argValues.add(arg(argNode, dot));
                }
                if (hasFinal) {
                    argValues.add(finalValue);
                }
                try {
                    return method.apply(argValues);
                }
                catch (ExecutionError | LoopControl e) {
                    throw e;
                }
                catch (Exception e) {
                    throw new ExecutionError(line, "error calling " + describe(first) + ": " + e.getMessage());
                }
            }
            if (args.size() > 1 || hasFinal) {
                throw new ExecutionError(line, "can't give argument to non-function " + describe(first));
            }
            return value;
        }

        /** An operand's value; a method (a function-valued field) is called without arguments, as Go evaluates {@code .Labels.Names}. */
        Object arg(Arg arg, Object dot) {
            Object value = rawArg(arg, dot);
            if (value instanceof TemplateFunction method && !(arg instanceof Node.Literal)) {
                return callNiladic(method, describe(arg));
            }
            return value;
        }

        /** An operand's value, a method left uncalled (for a command that calls it with arguments). */
        Object rawArg(Arg arg, Object dot) {
            return switch (arg) {
                case Node.DotArg ignored -> dot;
                case Node.NilArg ignored -> null;
                case Node.Literal literal -> literal.value();
                case Node.FieldArg field -> fields(dot, field.names());
                case Node.VariableArg variable -> fields(variable(variable.name()), variable.fields());
                case Node.PipeArg nested -> {
                    int mark = names.size();
                    Object value = pipe(nested.pipe(), dot);
                    popTo(mark);
                    yield fields(value, nested.fields());
                }
                case Node.Identifier identifier -> call(identifier.name(), List.of(), dot, null, false);
            };
        }

        Object fields(Object receiver, List<String> fieldNames) {
            Object value = receiver;
            for (int i = 0; i < fieldNames.size(); i++) {
                String field = fieldNames.get(i);
                if (value instanceof TemplateFunction method) {
                    value = callNiladic(method, fieldNames.get(i - 1));
                }
                value = switch (value) {
                    case null -> throw new ExecutionError(line, "nil pointer evaluating interface {}." + field);
                    case Fields fields -> {
                        try {
                            yield fields.field(field);
                        }
                        catch (IllegalArgumentException e) {
                            throw new ExecutionError(line, "can't evaluate field " + field + " in type " + GoFormat.typeName(value));
                        }
                    }
                    case Map<?, ?> map -> {
                        Object found = map.get(field);
                        yield found == null && !map.containsKey(field) ? "" : found;
                    }
                    default -> throw new ExecutionError(line, "can't evaluate field " + field + " in type " + GoFormat.typeName(value));
                };
            }
            return value;
        }

        /** A method used without arguments in the middle of a chain ({@code .GroupLabels.SortedPairs.Values}). */
        Object callNiladic(TemplateFunction method, String name) {
            try {
                return method.apply(List.of());
            }
            catch (ExecutionError | LoopControl e) {
                throw e;
            }
            catch (Exception e) {
                throw new ExecutionError(line, "error calling " + name + ": " + e.getMessage());
            }
        }

        Object call(String function, List<Arg> argNodes, Object dot, Object finalValue, boolean hasFinal) {
            if (function.equals("and") || function.equals("or")) {
                // Short-circuit, as Go 1.18+: stop at the first false (and) or true (or) operand.
                boolean isAnd = function.equals("and");
                int count = argNodes.size() + (hasFinal ? 1 : 0);
                if (count == 0) {
                    throw new ExecutionError(line, "wrong number of args for " + function + ": want at least 1 got 0");
                }
                Object value = null;
                for (int i = 0; i < count; i++) {
                    value = i < argNodes.size() ? arg(argNodes.get(i), dot) : finalValue;
                    if (truth(value) != isAnd) {
                        return value;
                    }
                }
                return value;
            }
            List<Object> argValues = new ArrayList<>(argNodes.size() + 1);
            for (Arg argNode : argNodes) {
                argValues.add(arg(argNode, dot));
            }
            if (hasFinal) {
                argValues.add(finalValue);
            }
            TemplateFunction user = functions.get(function);
            try {
                if (user != null) {
                    return user.apply(argValues);
                }
                return Builtins.call(function, argValues);
            }
            catch (ExecutionError | LoopControl e) {
                throw e;
            }
            catch (Exception e) {
                throw new ExecutionError(line, "error calling " + function + ": " + e.getMessage());
            }
        }

        private String describe(Arg arg) {
            return switch (arg) {
                case Node.FieldArg field -> "." + String.join(".", field.names());
                case Node.VariableArg variable -> variable.name() + (variable.fields().isEmpty() ? "" : "." + String.join(".", variable.fields()));
                case Node.Literal literal -> GoFormat.print(literal.value());
                default -> arg.toString();
            };
        }
    }

    /** Stands for a nil element inside range bookkeeping (Map.entry refuses null). */
    private static final Object NULL = new Object();

    /** Go's built-in template functions. */
    static final class Builtins {
        private Builtins() {}

        static Object call(String function, List<Object> args) {
            return switch (function) {
                case "not" -> {
                    exactly(function, args, 1);
                    yield !truth(args.getFirst());
                }
                case "len" -> {
                    exactly(function, args, 1);
                    yield switch (args.getFirst()) {
                        case String s -> (long) s.getBytes(StandardCharsets.UTF_8).length;
                        case List<?> l -> (long) l.size();
                        case Map<?, ?> m -> (long) m.size();
                        case null, default -> throw new IllegalArgumentException("len of type " + GoFormat.typeName(args.getFirst()));
                    };
                }
                case "index" -> index(args);
                case "slice" -> slice(args);
                case "print" -> GoFormat.sprint(args);
                case "println" -> GoFormat.sprintln(args);
                case "printf" -> {
                    if (args.isEmpty() || !(args.getFirst() instanceof String format)) {
                        throw new IllegalArgumentException("wrong type for value; expected string");
                    }
                    yield GoFormat.sprintf(format, args.subList(1, args.size()));
                }
                case "eq" -> {
                    if (args.size() < 2) {
                        throw new IllegalArgumentException("missing argument for comparison");
                    }
                    for (int i = 1; i < args.size(); i++) {
                        if (compare(args.getFirst(), args.get(i), true) == 0) {
                            yield true;
                        }
                    }
                    yield false;
                }
                case "ne" -> {
                    exactly(function, args, 2);
                    yield compare(args.get(0), args.get(1), true) != 0;
                }
                case "lt" -> ordered(function, args) < 0;
                case "le" -> ordered(function, args) <= 0;
                case "gt" -> ordered(function, args) > 0;
                case "ge" -> ordered(function, args) >= 0;
                case "html" -> html(GoFormat.sprint(args));
                case "js" -> js(GoFormat.sprint(args));
                case "urlquery" -> URLEncoder.encode(GoFormat.sprint(args), StandardCharsets.UTF_8);
                case "call" -> {
                    if (args.isEmpty() || !(args.getFirst() instanceof TemplateFunction callee)) {
                        throw new IllegalArgumentException("non-function of type " + GoFormat.typeName(args.isEmpty() ? null : args.getFirst()));
                    }
                    try {
                        yield callee.apply(args.subList(1, args.size()));
                    }
                    catch (Exception e) {
                        throw new IllegalArgumentException(e.getMessage(), e);
                    }
                }
                default -> throw new IllegalArgumentException("function " + GoFormat.quote(function) + " not defined");
            };
        }

        private static void exactly(String function, List<Object> args, int count) {
            if (args.size() != count) {
                throw new IllegalArgumentException("wrong number of args for " + function + ": want " + count + " got " + args.size());
            }
        }

        private static int ordered(String function, List<Object> args) {
            exactly(function, args, 2);
            return compare(args.get(0), args.get(1), false);
        }

        /** Compares basic values; integers and floats compare by value. */
        private static int compare(Object a, Object b, boolean equality) {
            if (a instanceof Number x && b instanceof Number y) {
                if ((x instanceof Double || y instanceof Double)) {
                    return Double.compare(x.doubleValue(), y.doubleValue()) == 0 || x.doubleValue() == y.doubleValue()
                            ? 0 : x.doubleValue() < y.doubleValue() ? -1 : 1;
                }
                return Long.compare(x.longValue(), y.longValue());
            }
            if (a instanceof String x && b instanceof String y) {
                return x.compareTo(y);
            }
            if (equality) {
                if (a instanceof Boolean x && b instanceof Boolean y) {
                    return x.equals(y) ? 0 : 1;
                }
                if (a == null || b == null) {
                    return a == b ? 0 : 1;
                }
            }
            throw new IllegalArgumentException("incompatible types for comparison");
        }

        private static Object index(List<Object> args) {
            if (args.isEmpty()) {
                throw new IllegalArgumentException("wrong number of args for index: want at least 1 got 0");
            }
            Object value = args.getFirst();
            for (int i = 1; i < args.size(); i++) {
                Object key = args.get(i);
                value = switch (value) {
                    case Map<?, ?> map -> map.containsKey(key) ? map.get(key) : "";
                    case List<?> list -> {
                        if (!(key instanceof Long n) || n < 0 || n >= list.size()) {
                            throw new IllegalArgumentException("index out of range: " + GoFormat.print(key));
                        }
                        yield list.get((int) (long) n);
                    }
                    case String s -> {
                        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
                        if (!(key instanceof Long n) || n < 0 || n >= bytes.length) {
                            throw new IllegalArgumentException("index out of range: " + GoFormat.print(key));
                        }
                        yield (long) (bytes[(int) (long) n] & 0xff);
                    }
                    case null -> throw new IllegalArgumentException("index of untyped nil");
                    default -> throw new IllegalArgumentException("can't index item of type " + GoFormat.typeName(value));
                };
            }
            return value;
        }

        private static Object slice(List<Object> args) {
            if (args.isEmpty() || args.size() > 4) {
                throw new IllegalArgumentException("wrong number of args for slice");
            }
            Object value = args.getFirst();
            int length = switch (value) {
                case String s -> s.length();
                case List<?> l -> l.size();
                case null, default -> throw new IllegalArgumentException("can't slice item of type " + GoFormat.typeName(value));
            };
            int from = args.size() > 1 ? bound(args.get(1), length) : 0;
            int to = args.size() > 2 ? bound(args.get(2), length) : length;
            if (from > to) {
                throw new IllegalArgumentException("invalid slice index: " + from + " > " + to);
            }
            return value instanceof String s ? s.substring(from, to) : List.copyOf(((List<?>) value).subList(from, to));
        }

        private static int bound(Object index, int length) {
            if (!(index instanceof Long n) || n < 0 || n > length) {
                throw new IllegalArgumentException("index out of range: " + GoFormat.print(index));
            }
            return (int) (long) n;
        }

        static String html(String s) {
            StringBuilder out = new StringBuilder(s.length());
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '<' -> out.append("&lt;");
                    case '>' -> out.append("&gt;");
                    case '&' -> out.append("&amp;");
                    case '\'' -> out.append("&#39;");
                    case '"' -> out.append("&#34;");
                    case 0 -> out.append('\uFFFD');
                    default -> out.append(c);
                }
            }
            return out.toString();
        }

        static String js(String s) {
            StringBuilder out = new StringBuilder(s.length());
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '\\' -> out.append("\\\\");
                    case '\'' -> out.append("\\'");
                    case '"' -> out.append("\\\"");
                    case '<' -> out.append("\\u003C");
                    case '>' -> out.append("\\u003E");
                    case '&' -> out.append("\\u0026");
                    case '=' -> out.append("\\u003D");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    default -> {
                        if (c < ' ') {
                            out.append(String.format("\\u%04X", (int) c));
                        }
                        else {
                            out.append(c);
                        }
                    }
                }
            }
            return out.toString();
        }
    }
}
