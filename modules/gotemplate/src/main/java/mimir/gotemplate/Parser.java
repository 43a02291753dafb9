package mimir.gotemplate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import mimir.gotemplate.Node.Arg;
import mimir.gotemplate.Node.Command;
import mimir.gotemplate.Node.Pipe;

/**
 * Go's template syntax: text and {@code {{actions}}} with trim markers ({@code {{- } and
 * {@code  -}}}), comments, and the actions {@code if/else if/else/end}, {@code range}, {@code with},
 * {@code define}, {@code template}, {@code block}, {@code break}, {@code continue}; pipelines of
 * commands with fields, variables, literals, functions and parenthesized pipelines.
 */
final class Parser {
    private enum Type { IDENT, FIELD, DOT, VARIABLE, STRING, NUMBER, CHAR, LPAREN, RPAREN, PIPE, DECLARE, ASSIGN, COMMA, END }

    private record Token(Type type, String text, boolean spaceBefore) {}

    /** Lexed input: text between actions, or one action's tokens. */
    private record Item(String text, List<Token> tokens, int line) {}

    private final String name;
    private final String source;
    private final Map<String, List<Node>> definitions;
    private final List<Item> items = new ArrayList<>();
    private int next;

    // Per action being parsed.
    private List<Token> tokens;
    private int tokenIndex;
    private int line;

    Parser(String name, String source, Map<String, List<Node>> definitions) {
        this.name = name;
        this.source = source;
        this.definitions = definitions;
    }

    /** Parses the whole text; {@code define}d templates go into the definitions map. */
    List<Node> parse() throws TemplateException {
        lex();
        List<Node> list = new ArrayList<>();
        String end = parseList(list);
        if (end != null) {
            throw error("unexpected {{" + end + "}}");
        }
        return list;
    }

    private TemplateException error(String message) {
        return new TemplateException("template: " + name + ":" + line + ": " + message);
    }

    // ---------------------------------------------------------------- lexing

    private void lex() throws TemplateException {
        int pos = 0;
        int currentLine = 1;
        boolean trimNextText = false;
        StringBuilder text = new StringBuilder();
        while (pos <= source.length()) {
            int open = source.indexOf("{{", pos);
            String chunk = open < 0 ? source.substring(pos) : source.substring(pos, open);
            if (trimNextText) {
                chunk = stripLeading(chunk);
            }
            text.append(chunk);
            currentLine += count(source, pos, open < 0 ? source.length() : open);
            if (open < 0) {
                break;
            }
            int start = open + 2;
            boolean trimLeft = source.startsWith("- ", start) || source.startsWith("-\t", start) || source.startsWith("-\n", start)
                    || source.startsWith("-\r", start);
            if (trimLeft) {
                start += 1;
                String stripped = stripTrailing(text.toString());
                text.setLength(0);
                text.append(stripped);
            }
            line = currentLine;
            int[] endAndTrim = new int[2];
            List<Token> actionTokens = lexAction(start, endAndTrim);
            currentLine += count(source, open, endAndTrim[0]);
            pos = endAndTrim[0];
            trimNextText = endAndTrim[1] == 1;
            if (actionTokens == null) {
                continue; // a comment
            }
            if (!text.isEmpty()) {
                items.add(new Item(text.toString(), null, line));
                text.setLength(0);
            }
            items.add(new Item(null, actionTokens, line));
        }
        if (!text.isEmpty()) {
            items.add(new Item(text.toString(), null, currentLine));
        }
    }

    private static int count(String s, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            if (s.charAt(i) == '\n') {
                n++;
            }
        }
        return n;
    }

    private static String stripLeading(String s) {
        int i = 0;
        while (i < s.length() && isSpace(s.charAt(i))) {
            i++;
        }
        return s.substring(i);
    }

    private static String stripTrailing(String s) {
        int i = s.length();
        while (i > 0 && isSpace(s.charAt(i - 1))) {
            i--;
        }
        return s.substring(0, i);
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    /**
     * Lexes one action from {@code pos} (after {@code {{} and a left trim marker); returns its tokens,
     * or null for a comment. {@code endAndTrim} receives the position after {@code }}} and whether
     * the action ended with a right trim marker.
     */
    private List<Token> lexAction(int pos, int[] endAndTrim) throws TemplateException {
        int p = pos;
        while (p < source.length() && isSpace(source.charAt(p))) {
            p++;
        }
        if (source.startsWith("/*", p)) {
            int close = source.indexOf("*/", p + 2);
            if (close < 0) {
                throw error("unclosed comment");
            }
            int after = close + 2;
            if (source.startsWith(" -}}", after)) {
                endAndTrim[0] = after + 4;
                endAndTrim[1] = 1;
            }
            else if (source.startsWith("}}", after)) {
                endAndTrim[0] = after + 2;
            }
            else {
                throw error("comment ends before closing delimiter");
            }
            return null;
        }
        List<Token> result = new ArrayList<>();
        p = pos;
        boolean space = false;
        while (true) {
            if (p >= source.length()) {
                throw error("unclosed action");
            }
            char c = source.charAt(p);
            if (isSpace(c)) {
                space = true;
                p++;
                if (source.startsWith("-}}", p)) {
                    endAndTrim[0] = p + 3;
                    endAndTrim[1] = 1;
                    return result;
                }
                continue;
            }
            if (source.startsWith("}}", p)) {
                endAndTrim[0] = p + 2;
                return result;
            }
            int start = p;
            Type type;
            String text;
            if (c == '"') {
                StringBuilder value = new StringBuilder();
                p++;
                while (true) {
                    if (p >= source.length() || source.charAt(p) == '\n') {
                        throw error("unterminated quoted string");
                    }
                    char d = source.charAt(p);
                    if (d == '"') {
                        p++;
                        break;
                    }
                    if (d == '\\') {
                        p = unescape(p, value);
                    }
                    else {
                        value.append(d);
                        p++;
                    }
                }
                type = Type.STRING;
                text = value.toString();
            }
            else if (c == '`') {
                int close = source.indexOf('`', p + 1);
                if (close < 0) {
                    throw error("unterminated raw quoted string");
                }
                type = Type.STRING;
                text = source.substring(p + 1, close);
                p = close + 1;
            }
            else if (c == '\'') {
                StringBuilder value = new StringBuilder();
                p++;
                if (p < source.length() && source.charAt(p) == '\\') {
                    p = unescape(p, value);
                }
                else if (p < source.length()) {
                    value.appendCodePoint(source.codePointAt(p));
                    p += Character.charCount(source.codePointAt(p));
                }
                if (p >= source.length() || source.charAt(p) != '\'') {
                    throw error("unterminated character constant");
                }
                p++;
                type = Type.CHAR;
                text = Integer.toString(value.codePointAt(0));
            }
            else if (c == '(' || c == ')' || c == '|' || c == ',') {
                type = c == '(' ? Type.LPAREN : c == ')' ? Type.RPAREN : c == '|' ? Type.PIPE : Type.COMMA;
                text = String.valueOf(c);
                p++;
            }
            else if (c == ':' && source.startsWith(":=", p)) {
                type = Type.DECLARE;
                text = ":=";
                p += 2;
            }
            else if (c == '=') {
                type = Type.ASSIGN;
                text = "=";
                p++;
            }
            else if (c == '$') {
                p++;
                while (p < source.length() && isAlnum(source.charAt(p))) {
                    p++;
                }
                type = Type.VARIABLE;
                text = source.substring(start, p);
            }
            else if (c == '.' && (p + 1 >= source.length() || !Character.isDigit(source.charAt(p + 1)))) {
                p++;
                if (p < source.length() && isAlnum(source.charAt(p))) {
                    while (p < source.length() && isAlnum(source.charAt(p))) {
                        p++;
                    }
                    type = Type.FIELD;
                    text = source.substring(start + 1, p);
                }
                else {
                    type = Type.DOT;
                    text = ".";
                }
            }
            else if (Character.isDigit(c) || c == '-' || c == '+' || c == '.') {
                p++;
                while (p < source.length() && (isAlnum(source.charAt(p)) || source.charAt(p) == '.'
                        || ((source.charAt(p) == '-' || source.charAt(p) == '+') && "eEpP".indexOf(source.charAt(p - 1)) >= 0))) {
                    p++;
                }
                type = Type.NUMBER;
                text = source.substring(start, p);
            }
            else if (isAlnum(c)) {
                while (p < source.length() && isAlnum(source.charAt(p))) {
                    p++;
                }
                type = Type.IDENT;
                text = source.substring(start, p);
            }
            else {
                throw error("unexpected \"" + c + "\" in command");
            }
            result.add(new Token(type, text, space));
            space = false;
        }
    }

    private static boolean isAlnum(char c) {
        return c == '_' || Character.isLetterOrDigit(c);
    }

    /** Reads one Go escape sequence at {@code p} (a backslash) into {@code out}; returns the position after it. */
    private int unescape(int p, StringBuilder out) throws TemplateException {
        if (p + 1 >= source.length()) {
            throw error("unterminated quoted string");
        }
        char e = source.charAt(p + 1);
        switch (e) {
            case 'n' -> out.append('\n');
            case 't' -> out.append('\t');
            case 'r' -> out.append('\r');
            case 'a' -> out.append('\u0007');
            case 'b' -> out.append('\b');
            case 'f' -> out.append('\f');
            case 'v' -> out.append('\u000b');
            case '\\', '"', '\'' -> out.append(e);
            case 'x', 'u', 'U' -> {
                int digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                if (p + 2 + digits > source.length()) {
                    throw error("invalid escape in quoted string");
                }
                try {
                    out.appendCodePoint(Integer.parseInt(source.substring(p + 2, p + 2 + digits), 16));
                }
                catch (IllegalArgumentException bad) {
                    throw error("invalid escape in quoted string");
                }
                return p + 2 + digits;
            }
            default -> {
                if (e >= '0' && e <= '7' && p + 4 <= source.length()) {
                    try {
                        out.append((char) Integer.parseInt(source.substring(p + 1, p + 4), 8));
                    }
                    catch (NumberFormatException bad) {
                        throw error("invalid escape in quoted string");
                    }
                    return p + 4;
                }
                throw error("invalid syntax: unknown escape sequence \\" + e);
            }
        }
        return p + 2;
    }

    // ---------------------------------------------------------------- parsing

    /**
     * Parses nodes into {@code list} until an {@code end} or {@code else} action (returned, with the
     * tokens after the keyword left for the caller) or the end of input (null).
     */
    private String parseList(List<Node> list) throws TemplateException {
        while (next < items.size()) {
            Item item = items.get(next++);
            if (item.text() != null) {
                list.add(new Node.Text(item.text()));
                continue;
            }
            tokens = item.tokens();
            tokenIndex = 0;
            line = item.line();
            if (tokens.isEmpty()) {
                throw error("missing value for command");
            }
            Token first = tokens.getFirst();
            if (first.type() == Type.IDENT) {
                switch (first.text()) {
                    case "end", "else" -> {
                        tokenIndex = 1;
                        return first.text();
                    }
                    case "if" -> {
                        tokenIndex = 1;
                        list.add(parseBranch(Node.Kind.IF));
                        continue;
                    }
                    case "range" -> {
                        tokenIndex = 1;
                        list.add(parseBranch(Node.Kind.RANGE));
                        continue;
                    }
                    case "with" -> {
                        tokenIndex = 1;
                        list.add(parseBranch(Node.Kind.WITH));
                        continue;
                    }
                    case "define" -> {
                        tokenIndex = 1;
                        parseDefine();
                        continue;
                    }
                    case "template", "block" -> {
                        tokenIndex = 1;
                        list.add(parseTemplateCall(first.text().equals("block")));
                        continue;
                    }
                    case "break" -> {
                        expectEnd("break");
                        list.add(new Node.Break(line));
                        continue;
                    }
                    case "continue" -> {
                        expectEnd("continue");
                        list.add(new Node.Continue(line));
                        continue;
                    }
                    default -> { }
                }
            }
            list.add(new Node.Action(line, parsePipe(true)));
        }
        return null;
    }

    private void expectEnd(String keyword) throws TemplateException {
        if (tokens.size() != 1) {
            throw error("unexpected " + tokens.get(1).text() + " in " + keyword);
        }
    }

    private Node.Branch parseBranch(Node.Kind kind) throws TemplateException {
        int branchLine = line;
        String context = kind.name().toLowerCase(java.util.Locale.ROOT);
        Pipe pipe = parsePipe(true);
        if (pipe.commands().isEmpty()) {
            throw error("missing value for " + context);
        }
        List<Node> list = new ArrayList<>();
        String end = parseList(list);
        if (end == null) {
            throw error("unexpected EOF");
        }
        List<Node> elseList = new ArrayList<>();
        if (end.equals("else")) {
            if (tokenIndex < tokens.size() && tokens.get(tokenIndex).type() == Type.IDENT
                    && (tokens.get(tokenIndex).text().equals("if") || tokens.get(tokenIndex).text().equals("with"))) {
                // "else if" / "else with": a nested branch that shares this branch's {{end}}.
                Node.Kind nested = tokens.get(tokenIndex).text().equals("if") ? Node.Kind.IF : Node.Kind.WITH;
                tokenIndex++;
                elseList.add(parseBranch(nested));
                return new Node.Branch(branchLine, kind, pipe, List.copyOf(list), List.copyOf(elseList));
            }
            if (tokenIndex != tokens.size()) {
                throw error("unexpected " + tokens.get(tokenIndex).text() + " in else");
            }
            end = parseList(elseList);
            if (end == null) {
                throw error("unexpected EOF");
            }
            if (!end.equals("end")) {
                throw error("expected end; found {{else}}");
            }
        }
        if (tokenIndex != tokens.size()) {
            throw error("unexpected " + tokens.get(tokenIndex).text() + " in end");
        }
        return new Node.Branch(branchLine, kind, pipe, List.copyOf(list), List.copyOf(elseList));
    }

    private String templateName(String context) throws TemplateException {
        if (tokenIndex >= tokens.size() || tokens.get(tokenIndex).type() != Type.STRING) {
            throw error("unexpected " + (tokenIndex < tokens.size() ? tokens.get(tokenIndex).text() : "end of action") + " in " + context);
        }
        return tokens.get(tokenIndex++).text();
    }

    private void parseDefine() throws TemplateException {
        String defined = templateName("define clause");
        if (tokenIndex != tokens.size()) {
            throw error("unexpected " + tokens.get(tokenIndex).text() + " in define clause");
        }
        List<Node> body = new ArrayList<>();
        String end = parseList(body);
        if (end == null || !end.equals("end")) {
            throw error(end == null ? "unexpected EOF" : "unexpected {{else}}");
        }
        definitions.put(defined, List.copyOf(body));
    }

    private Node parseTemplateCall(boolean block) throws TemplateException {
        int callLine = line;
        String called = templateName(block ? "block clause" : "template clause");
        Pipe pipe = tokenIndex < tokens.size() ? parsePipe(false) : null;
        if (block) {
            List<Node> body = new ArrayList<>();
            String end = parseList(body);
            if (end == null || !end.equals("end")) {
                throw error(end == null ? "unexpected EOF" : "unexpected {{else}}");
            }
            definitions.put(called, List.copyOf(body));
        }
        return new Node.Call(callLine, called, pipe);
    }

    /** A pipeline from the current token to the end of the action (or to a closing parenthesis when nested). */
    private Pipe parsePipe(boolean allowDeclarations) throws TemplateException {
        List<String> variables = new ArrayList<>();
        boolean assign = false;
        if (allowDeclarations && tokenIndex < tokens.size() && tokens.get(tokenIndex).type() == Type.VARIABLE) {
            int save = tokenIndex;
            List<String> declared = new ArrayList<>();
            declared.add(tokens.get(tokenIndex++).text());
            if (tokenIndex < tokens.size() && tokens.get(tokenIndex).type() == Type.COMMA && tokenIndex + 1 < tokens.size()
                    && tokens.get(tokenIndex + 1).type() == Type.VARIABLE) {
                declared.add(tokens.get(tokenIndex + 1).text());
                tokenIndex += 2;
            }
            if (tokenIndex < tokens.size() && (tokens.get(tokenIndex).type() == Type.DECLARE || tokens.get(tokenIndex).type() == Type.ASSIGN)) {
                assign = tokens.get(tokenIndex).type() == Type.ASSIGN;
                tokenIndex++;
                variables = declared;
            }
            else {
                tokenIndex = save;
            }
        }
        List<Command> commands = new ArrayList<>();
        while (tokenIndex < tokens.size()) {
            Token token = tokens.get(tokenIndex);
            if (token.type() == Type.RPAREN) {
                break;
            }
            commands.add(parseCommand());
            if (tokenIndex < tokens.size() && tokens.get(tokenIndex).type() == Type.PIPE) {
                tokenIndex++;
                if (tokenIndex >= tokens.size() || tokens.get(tokenIndex).type() == Type.RPAREN) {
                    throw error("missing command after |");
                }
            }
        }
        if (commands.isEmpty() && !variables.isEmpty()) {
            throw error("missing value for command");
        }
        return new Pipe(List.copyOf(variables), assign, List.copyOf(commands));
    }

    private Command parseCommand() throws TemplateException {
        List<Arg> args = new ArrayList<>();
        while (tokenIndex < tokens.size()) {
            Token token = tokens.get(tokenIndex);
            if (token.type() == Type.PIPE || token.type() == Type.RPAREN) {
                break;
            }
            if (!args.isEmpty() && !token.spaceBefore()) {
                throw error("missing space between arguments at " + token.text());
            }
            args.add(parseOperand());
        }
        if (args.isEmpty()) {
            throw error("missing value for command");
        }
        return new Command(List.copyOf(args));
    }

    private Arg parseOperand() throws TemplateException {
        Token token = tokens.get(tokenIndex++);
        Arg arg = switch (token.type()) {
            case FIELD -> {
                List<String> names = new ArrayList<>();
                names.add(token.text());
                names.addAll(chainedFields());
                yield new Node.FieldArg(List.copyOf(names));
            }
            case DOT -> new Node.DotArg();
            case VARIABLE -> new Node.VariableArg(token.text(), chainedFields());
            case STRING -> new Node.Literal(token.text());
            case CHAR -> new Node.Literal(Long.parseLong(token.text()));
            case NUMBER -> new Node.Literal(number(token.text()));
            case LPAREN -> {
                Pipe pipe = parsePipe(true);
                if (tokenIndex >= tokens.size() || tokens.get(tokenIndex).type() != Type.RPAREN) {
                    throw error("unclosed left paren");
                }
                tokenIndex++;
                yield new Node.PipeArg(pipe, chainedFields());
            }
            case IDENT -> switch (token.text()) {
                case "true" -> new Node.Literal(Boolean.TRUE);
                case "false" -> new Node.Literal(Boolean.FALSE);
                case "nil" -> new Node.NilArg();
                default -> new Node.Identifier(token.text());
            };
            default -> throw error("unexpected \"" + token.text() + "\" in operand");
        };
        return arg;
    }

    /** Fields written right after an operand, e.g. {@code .B.C} in {@code $a.B.C} or {@code (x).B}. */
    private List<String> chainedFields() {
        List<String> names = new ArrayList<>();
        while (tokenIndex < tokens.size() && tokens.get(tokenIndex).type() == Type.FIELD && !tokens.get(tokenIndex).spaceBefore()) {
            names.add(tokens.get(tokenIndex++).text());
        }
        return List.copyOf(names);
    }

    private Object number(String text) throws TemplateException {
        String t = text.replace("_", "");
        try {
            boolean negative = t.startsWith("-");
            String digits = negative || t.startsWith("+") ? t.substring(1) : t;
            if (digits.startsWith("0x") || digits.startsWith("0X")) {
                long value = Long.parseLong(digits.substring(2), 16);
                return negative ? -value : value;
            }
            if (digits.startsWith("0b") || digits.startsWith("0B")) {
                long value = Long.parseLong(digits.substring(2), 2);
                return negative ? -value : value;
            }
            if (digits.startsWith("0o") || digits.startsWith("0O")) {
                long value = Long.parseLong(digits.substring(2), 8);
                return negative ? -value : value;
            }
            if (digits.matches("[0-9]+")) {
                if (digits.length() > 1 && digits.startsWith("0")) {
                    long value = Long.parseLong(digits, 8);
                    return negative ? -value : value;
                }
                return Long.parseLong(t);
            }
            return Double.parseDouble(t);
        }
        catch (NumberFormatException e) {
            throw error("bad number syntax: \"" + text + "\"");
        }
    }
}
