package mimir.promql.parser;

import static java.util.Objects.requireNonNull;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

import mimir.model.Labels;
import mimir.model.Matcher;

/**
 * Hand-written recursive-descent parser for PromQL with Prometheus 3.14's grammar, precedence, type checks
 * and error messages. Binary operators are parsed by precedence climbing; postfix modifiers ({@code [..]},
 * {@code offset}, {@code @}, {@code anchored}, {@code smoothed}) bind to the operand before them.
 *
 * <p>Parsing stops at the first error. Syntax errors report the innermost construct that Prometheus's
 * grammar has an error rule for ("in grouping opts", "in label matching", …); type checks run after a
 * successful syntax pass, like Prometheus's {@code checkAST}.
 */
public final class PromQLParser {
    private static final PromQLParser ALL_ENABLED = new PromQLParser(ParserOptions.ALL_ENABLED);
    private static final double MAX_DURATION_SECONDS = 9.223372036854775807E9;
    private static final String DURATION_EXPECTED = "number, duration, step(), or range()";

    private final ParserOptions options;

    public PromQLParser(ParserOptions options) {
        this.options = requireNonNull(options, "options is null");
    }

    /**
     * Parses a PromQL expression with all experimental syntax enabled, as Prometheus's test harness does.
     *
     * @throws ParseException with Prometheus's message and position
     */
    public static Expr parse(String query) {
        return ALL_ENABLED.parseExpr(query);
    }

    /**
     * Parses a PromQL expression with this parser's options.
     *
     * @throws ParseException with Prometheus's message and position
     */
    public Expr parseExpr(String query) {
        requireNonNull(query, "query is null");
        Run run = new Run(query);
        Expr expr = run.parseTop();
        new TypeChecker(query, run.labelSelectorsOnly, run.writtenMatching).check(expr);
        return expr;
    }

    /**
     * Parses a series label set at the start of {@code input} ({@code name{l="v", ...}}, {@code {...}} or
     * {@code name}) as the promqltest {@code load} lines and expected series write them.
     *
     * @return the labels and the offset just after them
     * @throws ParseException if the text does not start with a label set
     */
    public static MetricPrefix parseMetricPrefix(String input) {
        return ALL_ENABLED.new Run(input).parseMetricPrefix();
    }

    /** A label set parsed from the start of a text, and where the label set ends. */
    public record MetricPrefix(Labels labels, int end) {
        public MetricPrefix {
            requireNonNull(labels, "labels is null");
        }
    }

    private final class Run {
        private final String query;
        private final List<Token> tokens;
        private final Deque<String[]> errorContexts = new ArrayDeque<>();
        private final Set<VectorSelector> labelSelectorsOnly = Collections.newSetFromMap(new IdentityHashMap<>());
        /** Matching as written, for binary expressions whose stored matching was dropped (an operand is not a vector). */
        private final Map<BinaryExpr, VectorMatching> writtenMatching = new IdentityHashMap<>();
        private int index;
        private int lastClosing;

        Run(String query) {
            this.query = query;
            this.tokens = Lexer.tokenize(query);
        }

        // ---- token access

        Token peek() {
            return tokens.get(Math.min(index, tokens.size() - 1));
        }

        Token peekAt(int ahead) {
            return tokens.get(Math.min(index + ahead, tokens.size() - 1));
        }

        Token next() {
            Token token = peek();
            if (token.kind() == TokenKind.ERROR) {
                throw lexerError(token);
            }
            if (index < tokens.size() - 1) {
                index++;
            }
            switch (token.kind()) {
                case RIGHT_BRACE, RIGHT_PAREN, RIGHT_BRACKET, DURATION, NUMBER -> lastClosing = token.end();
                default -> { }
            }
            return token;
        }

        boolean at(TokenKind kind) {
            return peek().kind() == kind;
        }

        Token expect(TokenKind kind) {
            if (!at(kind)) {
                throw unexpected(peek());
            }
            return next();
        }

        ParseException lexerError(Token token) {
            return error(new PositionRange(token.pos(), query.length()), token.text());
        }

        ParseException error(PositionRange range, String message) {
            return new ParseException(new ParseError(range, message, query));
        }

        /** A syntax error on {@code token} in the innermost construct with an error rule. */
        ParseException unexpected(Token token) {
            String[] context = errorContexts.isEmpty() ? new String[] {"", ""} : errorContexts.peek();
            return unexpected(token, context[0], context[1]);
        }

        ParseException unexpected(Token token, String context, String expected) {
            if (token.kind() == TokenKind.ERROR) {
                return lexerError(token);
            }
            StringBuilder message = new StringBuilder("unexpected ").append(token.describe());
            if (!context.isEmpty()) {
                message.append(" in ").append(context);
            }
            if (!expected.isEmpty()) {
                message.append(", expected ").append(expected);
            }
            return error(token.range(), message.toString());
        }

        void pushContext(String context, String expected) {
            errorContexts.push(new String[] {context, expected});
        }

        void popContext() {
            errorContexts.pop();
        }

        // ---- expressions

        Expr parseTop() {
            if (at(TokenKind.EOF)) {
                throw error(PositionRange.NONE, "no expression found in input");
            }
            Expr expr = parseExpr(0);
            if (!at(TokenKind.EOF)) {
                throw unexpected(peek(), "", "");
            }
            return expr;
        }

        Expr parseExpr(int minPrecedence) {
            Expr lhs = parseUnary();
            while (true) {
                BinaryOp op = binaryOp(peek().kind());
                if (op == null || op.precedence() < minPrecedence) {
                    return lhs;
                }
                next();
                Modifiers modifiers = parseBinaryModifiers();
                Expr rhs = parseExpr(op.rightAssociative() ? op.precedence() : op.precedence() + 1);
                lhs = newBinary(op, lhs, rhs, modifiers);
            }
        }

        Expr parseUnary() {
            Token token = peek();
            if (token.kind() == TokenKind.ADD || token.kind() == TokenKind.SUB) {
                next();
                // Unary operators bind like multiplication: only ^ and postfix modifiers bind tighter.
                Expr operand = parseExpr(BinaryOp.POW.precedence());
                PositionRange range = new PositionRange(token.pos(), operand.position().end());
                if (operand instanceof NumberLiteral number) {
                    double value = token.kind() == TokenKind.SUB ? -number.value() : number.value();
                    return new NumberLiteral(value, number.duration(), range);
                }
                return new UnaryExpr(token.kind() == TokenKind.SUB ? UnaryExpr.Op.SUB : UnaryExpr.Op.ADD, operand, range);
            }
            return parsePostfix(parsePrimary());
        }

        Expr parsePrimary() {
            Token token = peek();
            TokenKind kind = token.kind();
            switch (kind) {
                case NUMBER -> {
                    next();
                    return new NumberLiteral(parseNumber(token), false, token.range());
                }
                case DURATION -> {
                    next();
                    return new NumberLiteral(durationSeconds(token), true, token.range());
                }
                case STRING -> {
                    next();
                    return new StringLiteral(GoStrings.unquote(token.text()), token.range());
                }
                case LEFT_PAREN -> {
                    next();
                    Expr inner = parseExpr(0);
                    Token close = expect(TokenKind.RIGHT_PAREN);
                    return new ParenExpr(inner, new PositionRange(token.pos(), close.end()));
                }
                case LEFT_BRACE -> {
                    return parseVectorSelector(null);
                }
                case IDENTIFIER -> {
                    if (peekAt(1).kind() == TokenKind.LEFT_PAREN) {
                        return parseCall();
                    }
                    return parseVectorSelector(next());
                }
                default -> { }
            }
            if (kind.isAggregator()) {
                TokenKind following = peekAt(1).kind();
                if (following == TokenKind.LEFT_PAREN || following == TokenKind.BY || following == TokenKind.WITHOUT) {
                    return parseAggregate();
                }
            }
            if (kind.group == TokenKind.Group.PREPROCESSOR && peekAt(1).kind() == TokenKind.LEFT_PAREN) {
                return parseCall();
            }
            if (kind.isMetricIdentifier()) {
                return parseVectorSelector(next());
            }
            throw unexpected(token);
        }

        Expr parsePostfix(Expr expr) {
            while (true) {
                switch (peek().kind()) {
                    case LEFT_BRACKET -> expr = parseRangeOrSubquery(expr);
                    case OFFSET -> expr = parseOffset(expr);
                    case AT -> expr = parseAt(expr);
                    case ANCHORED, SMOOTHED -> expr = parseExtendedRange(expr);
                    default -> {
                        return expr;
                    }
                }
            }
        }

        // ---- binary operators

        BinaryOp binaryOp(TokenKind kind) {
            return switch (kind) {
                case ADD -> BinaryOp.ADD;
                case SUB -> BinaryOp.SUB;
                case MUL -> BinaryOp.MUL;
                case DIV -> BinaryOp.DIV;
                case MOD -> BinaryOp.MOD;
                case POW -> BinaryOp.POW;
                case ATAN2 -> BinaryOp.ATAN2;
                case EQLC -> BinaryOp.EQLC;
                case NEQ -> BinaryOp.NEQ;
                case GTR -> BinaryOp.GTR;
                case LSS -> BinaryOp.LSS;
                case GTE -> BinaryOp.GTE;
                case LTE -> BinaryOp.LTE;
                case TRIM_UPPER -> BinaryOp.TRIM_UPPER;
                case TRIM_LOWER -> BinaryOp.TRIM_LOWER;
                case LAND -> BinaryOp.AND;
                case LOR -> BinaryOp.OR;
                case LUNLESS -> BinaryOp.UNLESS;
                default -> null;
            };
        }

        record Modifiers(boolean returnBool, VectorMatching matching) {}

        Modifiers parseBinaryModifiers() {
            boolean returnBool = false;
            if (at(TokenKind.BOOL)) {
                next();
                returnBool = true;
            }
            VectorMatching.Cardinality cardinality = VectorMatching.Cardinality.ONE_TO_ONE;
            List<String> matchingLabels = List.of();
            List<String> include = List.of();
            boolean on = false;
            if (at(TokenKind.ON) || at(TokenKind.IGNORING)) {
                on = next().kind() == TokenKind.ON;
                matchingLabels = parseGroupingLabels();
                if (at(TokenKind.GROUP_LEFT) || at(TokenKind.GROUP_RIGHT)) {
                    cardinality = next().kind() == TokenKind.GROUP_LEFT
                            ? VectorMatching.Cardinality.MANY_TO_ONE
                            : VectorMatching.Cardinality.ONE_TO_MANY;
                    if (at(TokenKind.LEFT_PAREN)) {
                        include = parseGroupingLabels();
                    }
                }
            }
            OptionalDouble fillLeft = OptionalDouble.empty();
            OptionalDouble fillRight = OptionalDouble.empty();
            if (at(TokenKind.FILL)) {
                next();
                double value = parseFillValue();
                fillLeft = OptionalDouble.of(value);
                fillRight = OptionalDouble.of(value);
            }
            else if (at(TokenKind.FILL_LEFT)) {
                next();
                fillLeft = OptionalDouble.of(parseFillValue());
                if (at(TokenKind.FILL_RIGHT)) {
                    next();
                    fillRight = OptionalDouble.of(parseFillValue());
                }
            }
            else if (at(TokenKind.FILL_RIGHT)) {
                next();
                fillRight = OptionalDouble.of(parseFillValue());
                if (at(TokenKind.FILL_LEFT)) {
                    next();
                    fillLeft = OptionalDouble.of(parseFillValue());
                }
            }
            return new Modifiers(returnBool, new VectorMatching(cardinality, matchingLabels, on, include, fillLeft, fillRight));
        }

        double parseFillValue() {
            expect(TokenKind.LEFT_PAREN);
            double sign = 1;
            if (at(TokenKind.ADD) || at(TokenKind.SUB)) {
                sign = next().kind() == TokenKind.SUB ? -1 : 1;
            }
            Token literal = peek();
            double value;
            if (literal.kind() == TokenKind.NUMBER) {
                value = parseNumber(next());
            }
            else if (literal.kind() == TokenKind.DURATION) {
                value = durationSeconds(next());
            }
            else {
                throw unexpected(literal);
            }
            expect(TokenKind.RIGHT_PAREN);
            return sign * value;
        }

        Expr newBinary(BinaryOp op, Expr lhs, Expr rhs, Modifiers modifiers) {
            PositionRange range = lhs.position().merge(rhs.position());
            if (!options.binopFillModifiers() && modifiers.matching().hasFill()) {
                throw error(range, "binop fill modifiers are experimental and not enabled");
            }
            VectorMatching matching = modifiers.matching();
            if (op.isSetOperator() && matching.cardinality() == VectorMatching.Cardinality.ONE_TO_ONE) {
                matching = matching.withCardinality(VectorMatching.Cardinality.MANY_TO_MANY);
            }
            boolean vectors = lhs.type() == ValueType.VECTOR && rhs.type() == ValueType.VECTOR;
            BinaryExpr binary = new BinaryExpr(op, lhs, rhs, modifiers.returnBool(), vectors ? matching : null, range);
            if (!vectors) {
                writtenMatching.put(binary, matching);
            }
            return binary;
        }

        // ---- grouping

        List<String> parseGroupingLabels() {
            pushContext("grouping opts", "\"(\"");
            try {
                if (!at(TokenKind.LEFT_PAREN)) {
                    throw unexpected(peek());
                }
                next();
                List<String> labels = new ArrayList<>();
                while (true) {
                    Token token = peek();
                    if (token.kind() == TokenKind.RIGHT_PAREN) {
                        next();
                        return labels;
                    }
                    if (token.kind() == TokenKind.STRING) {
                        next();
                        String name = GoStrings.unquote(token.text());
                        checkGroupingLabel(token, name);
                        labels.add(name);
                    }
                    else if (token.kind().isMaybeLabel()) {
                        next();
                        checkGroupingLabel(token, token.text());
                        labels.add(token.text());
                    }
                    else {
                        throw unexpected(token, "grouping opts", "label");
                    }
                    Token separator = peek();
                    if (separator.kind() == TokenKind.COMMA) {
                        next();
                    }
                    else if (separator.kind() != TokenKind.RIGHT_PAREN) {
                        throw unexpected(separator, "grouping opts", "\",\" or \")\"");
                    }
                }
            }
            finally {
                popContext();
            }
        }

        void checkGroupingLabel(Token token, String name) {
            if (name.isEmpty() || !GoStrings.isValidUtf8(name)) {
                throw error(token.range(), "invalid label name for grouping: " + GoStrings.quote(name));
            }
        }

        // ---- aggregations and calls

        Expr parseAggregate() {
            Token op = next();
            AggregateOp aggregateOp = AggregateOp.valueOf(op.kind().name());
            pushContext("aggregation", "");
            try {
                List<String> grouping = List.of();
                boolean without = false;
                boolean modifierSeen = false;
                if (at(TokenKind.BY) || at(TokenKind.WITHOUT)) {
                    without = next().kind() == TokenKind.WITHOUT;
                    grouping = parseGroupingLabels();
                    modifierSeen = true;
                }
                if (!at(TokenKind.LEFT_PAREN)) {
                    throw unexpected(peek());
                }
                List<Expr> args = parseCallArgs();
                int end = lastClosing;
                popContext();
                pushContext("", "");
                if (!modifierSeen && (at(TokenKind.BY) || at(TokenKind.WITHOUT))) {
                    without = next().kind() == TokenKind.WITHOUT;
                    grouping = parseGroupingLabels();
                    end = lastClosing;
                }
                PositionRange range = new PositionRange(op.pos(), end);
                if (args.isEmpty()) {
                    throw error(range, "no arguments for aggregate expression provided");
                }
                int desiredArgs = 1;
                Expr param = null;
                if (aggregateOp.hasParam()) {
                    if (!options.experimentalFunctions() && aggregateOp.experimental()) {
                        throw error(range, aggregateOp.keyword()
                                + "() is experimental and must be enabled with --enable-feature=promql-experimental-functions");
                    }
                    desiredArgs = 2;
                    param = args.getFirst();
                }
                if (args.size() != desiredArgs) {
                    throw error(range, "wrong number of arguments for aggregate expression provided, expected "
                            + desiredArgs + ", got " + args.size());
                }
                return new AggregateExpr(aggregateOp, param, args.get(desiredArgs - 1), grouping, without, range);
            }
            finally {
                popContext();
            }
        }

        /** {@code ( [expr {, expr}] )} with the opening parenthesis next. */
        List<Expr> parseCallArgs() {
            expect(TokenKind.LEFT_PAREN);
            List<Expr> args = new ArrayList<>();
            if (at(TokenKind.RIGHT_PAREN)) {
                next();
                return args;
            }
            while (true) {
                args.add(parseExpr(0));
                if (at(TokenKind.COMMA)) {
                    Token comma = next();
                    if (at(TokenKind.RIGHT_PAREN)) {
                        throw error(comma.range(), "trailing commas not allowed in function call args");
                    }
                    continue;
                }
                if (at(TokenKind.RIGHT_PAREN)) {
                    next();
                    return args;
                }
                throw unexpected(peek());
            }
        }

        Expr parseCall() {
            Token name = next();
            List<Expr> args = parseCallArgs();
            PositionRange range = new PositionRange(name.pos(), lastClosing);
            Function function = Functions.lookup(name.text())
                    .orElseThrow(() -> error(name.range(), "unknown function with name " + GoStrings.quote(name.text())));
            if (function.experimental() && !options.experimentalFunctions()) {
                throw error(name.range(), "function " + GoStrings.quote(name.text()) + " is not enabled");
            }
            return new Call(function, args, range);
        }

        // ---- selectors

        /** A vector selector; {@code name} is the metric-name token already consumed, or null. */
        VectorSelector parseVectorSelector(Token name) {
            List<Matcher> matchers = new ArrayList<>();
            int start = name != null ? name.pos() : peek().pos();
            int end = name != null ? name.end() : start;
            if (at(TokenKind.LEFT_BRACE)) {
                end = parseLabelMatchers(matchers);
            }
            String metricName = name != null ? name.text() : "";
            if (name != null) {
                matchers.add(Matcher.equal(Labels.METRIC_NAME, metricName));
            }
            return VectorSelector.of(metricName, matchers, new PositionRange(start, end));
        }

        /** Parses {@code {...}} into {@code matchers}; returns the end offset of the closing brace. */
        int parseLabelMatchers(List<Matcher> matchers) {
            pushContext("label matching", "identifier or \"}\"");
            try {
                expect(TokenKind.LEFT_BRACE);
                while (true) {
                    Token token = peek();
                    if (token.kind() == TokenKind.RIGHT_BRACE) {
                        return next().end();
                    }
                    if (token.kind() == TokenKind.IDENTIFIER || token.kind() == TokenKind.STRING) {
                        next();
                        String label = token.kind() == TokenKind.STRING ? GoStrings.unquote(token.text()) : token.text();
                        Matcher.Type type = matchType(peek().kind());
                        if (type == null) {
                            if (token.kind() == TokenKind.STRING) {
                                matchers.add(Matcher.equal(Labels.METRIC_NAME, label));
                            }
                            else {
                                throw unexpected(peek(), "label matching", "label matching operator");
                            }
                        }
                        else {
                            next();
                            Token value = peek();
                            if (value.kind() != TokenKind.STRING) {
                                throw unexpected(value, "label matching", "string");
                            }
                            next();
                            try {
                                matchers.add(Matcher.of(type, label, GoStrings.unquote(value.text())));
                            }
                            catch (IllegalArgumentException e) {
                                throw error(new PositionRange(token.pos(), value.end()), e.getMessage());
                            }
                        }
                    }
                    else {
                        throw unexpected(token, "label matching", "identifier or \"}\"");
                    }
                    Token separator = peek();
                    if (separator.kind() == TokenKind.COMMA) {
                        next();
                    }
                    else if (separator.kind() != TokenKind.RIGHT_BRACE) {
                        throw unexpected(separator, "label matching", "\",\" or \"}\"");
                    }
                }
            }
            finally {
                popContext();
            }
        }

        Matcher.Type matchType(TokenKind kind) {
            return switch (kind) {
                case EQL -> Matcher.Type.EQUAL;
                case NEQ -> Matcher.Type.NOT_EQUAL;
                case EQL_REGEX -> Matcher.Type.REGEX;
                case NEQ_REGEX -> Matcher.Type.NOT_REGEX;
                default -> null;
            };
        }

        Expr parseRangeOrSubquery(Expr expr) {
            Token open = next();
            Expr range;
            pushContext("subquery or range selector", DURATION_EXPECTED);
            try {
                range = positive(parseDurationExpr(0));
            }
            finally {
                popContext();
            }
            Token token = peek();
            if (token.kind() == TokenKind.RIGHT_BRACKET) {
                Token close = next();
                String problem = null;
                if (!(expr instanceof VectorSelector selector)) {
                    problem = "ranges only allowed for vector selectors";
                }
                else if (selector.hasOffset()) {
                    problem = "no offset modifiers allowed before range";
                }
                else if (selector.at() != null) {
                    problem = "no @ modifiers allowed before range";
                }
                if (problem != null) {
                    throw error(new PositionRange(open.pos(), close.end()), problem);
                }
                VectorSelector selector = (VectorSelector) expr;
                return new MatrixSelector(selector, millis(range), range instanceof DurationExpr d ? d : null,
                        new PositionRange(selector.position().start(), close.end()));
            }
            if (token.kind() != TokenKind.COLON) {
                throw unexpected(token, "subquery or range", "\":\" or \"]\"");
            }
            next();
            Expr step = null;
            if (!at(TokenKind.RIGHT_BRACKET)) {
                pushContext("subquery selector", "number, duration, step(), range(), or \"]\"");
                try {
                    step = positive(parseDurationExpr(0));
                }
                finally {
                    popContext();
                }
            }
            Token close = peek();
            if (close.kind() != TokenKind.RIGHT_BRACKET) {
                throw unexpected(close, "subquery selector", "\"]\"");
            }
            next();
            return new SubqueryExpr(expr, millis(range), range instanceof DurationExpr d ? d : null,
                    step == null ? 0 : millis(step), step instanceof DurationExpr d ? d : null, 0, null, null,
                    new PositionRange(expr.position().start(), close.end()));
        }

        Expr positive(Expr duration) {
            if (duration instanceof NumberLiteral number && number.value() <= 0) {
                throw error(number.position(), "duration must be greater than 0");
            }
            return duration;
        }

        long millis(Expr duration) {
            return duration instanceof NumberLiteral number ? Math.round(number.value() * 1000) : 0;
        }

        // ---- duration expressions

        /** The full duration-expression grammar used inside brackets and parenthesised offsets. */
        Expr parseDurationExpr(int minPrecedence) {
            Expr lhs = parseDurationUnary();
            return parseDurationBinary(lhs, minPrecedence);
        }

        Expr parseDurationBinary(Expr lhs, int minPrecedence) {
            while (true) {
                Token token = peek();
                DurationExpr.Op op = switch (token.kind()) {
                    case ADD -> DurationExpr.Op.ADD;
                    case SUB -> DurationExpr.Op.SUB;
                    case MUL -> DurationExpr.Op.MUL;
                    case DIV -> DurationExpr.Op.DIV;
                    case MOD -> DurationExpr.Op.MOD;
                    case POW -> DurationExpr.Op.POW;
                    default -> null;
                };
                if (op == null) {
                    return lhs;
                }
                int precedence = switch (op) {
                    case ADD, SUB -> 4;
                    case POW -> 6;
                    default -> 5;
                };
                if (precedence < minPrecedence) {
                    return lhs;
                }
                next();
                Expr rhs = parseDurationExpr(op == DurationExpr.Op.POW ? precedence : precedence + 1);
                requireDurationExpressions(lhs);
                if ((op == DurationExpr.Op.DIV || op == DurationExpr.Op.MOD) && rhs instanceof NumberLiteral n && n.value() == 0) {
                    throw error(token.range(), op == DurationExpr.Op.DIV ? "division by zero" : "modulo by zero");
                }
                lhs = new DurationExpr(op, lhs, rhs, false, lhs.position().merge(rhs.position()));
            }
        }

        Expr parseDurationUnary() {
            Token token = peek();
            if (token.kind() == TokenKind.ADD || token.kind() == TokenKind.SUB) {
                next();
                Expr operand = parseDurationExpr(6);
                return applyUnary(token, operand);
            }
            return parseDurationPrimary();
        }

        Expr applyUnary(Token op, Expr operand) {
            PositionRange range = new PositionRange(op.pos(), operand.position().end());
            if (operand instanceof NumberLiteral number) {
                double value = op.kind() == TokenKind.SUB ? -number.value() : number.value();
                if (outOfRange(value)) {
                    throw error(op.range(), "duration out of range");
                }
                return new NumberLiteral(value, number.duration(), range);
            }
            if (op.kind() == TokenKind.SUB) {
                return new DurationExpr(DurationExpr.Op.SUB, null, operand, false, range);
            }
            return operand;
        }

        Expr parseDurationPrimary() {
            Token token = peek();
            switch (token.kind()) {
                case NUMBER, DURATION -> {
                    next();
                    NumberLiteral literal = token.kind() == TokenKind.NUMBER
                            ? new NumberLiteral(parseNumber(token), false, token.range())
                            : new NumberLiteral(durationSeconds(token), true, token.range());
                    if (outOfRange(literal.value())) {
                        throw error(literal.position(), "duration out of range");
                    }
                    return literal;
                }
                case STEP, RANGE -> {
                    next();
                    expect(TokenKind.LEFT_PAREN);
                    Token close = expect(TokenKind.RIGHT_PAREN);
                    DurationExpr result = new DurationExpr(token.kind() == TokenKind.STEP ? DurationExpr.Op.STEP : DurationExpr.Op.RANGE,
                            null, null, false, new PositionRange(token.pos(), close.end()));
                    requireDurationExpressions(result);
                    return result;
                }
                case MIN_OF, MAX_OF -> {
                    next();
                    expect(TokenKind.LEFT_PAREN);
                    Expr lhs = parseDurationExpr(0);
                    expect(TokenKind.COMMA);
                    Expr rhs = parseDurationExpr(0);
                    Token close = expect(TokenKind.RIGHT_PAREN);
                    DurationExpr result = new DurationExpr(token.kind() == TokenKind.MIN_OF ? DurationExpr.Op.MIN_OF : DurationExpr.Op.MAX_OF,
                            lhs, rhs, false, new PositionRange(token.pos(), close.end()));
                    requireDurationExpressions(result);
                    return result;
                }
                case LEFT_PAREN -> {
                    next();
                    Expr inner = parseDurationExpr(0);
                    Token close = expect(TokenKind.RIGHT_PAREN);
                    requireDurationExpressions(inner);
                    return wrap(inner, new PositionRange(token.pos(), close.end()));
                }
                default -> throw unexpected(token);
            }
        }

        /** Parenthesised duration: marks it wrapped so it prints back with its parentheses. */
        DurationExpr wrap(Expr inner, PositionRange range) {
            if (inner instanceof DurationExpr duration) {
                return duration.withWrapped(true, range);
            }
            return new DurationExpr(DurationExpr.Op.ADD, null, inner, true, range);
        }

        void requireDurationExpressions(Expr expr) {
            if (!options.durationExpressions()) {
                throw error(expr.position(), "experimental duration expression is not enabled");
            }
        }

        boolean outOfRange(double seconds) {
            return seconds > MAX_DURATION_SECONDS || seconds < -MAX_DURATION_SECONDS;
        }

        /**
         * The duration after {@code offset}. A literal, {@code step()}, {@code range()}, {@code min_of}/
         * {@code max_of} or a signed form of these ends the offset, so {@code x offset 1m + 1m} adds to the
         * selector; a parenthesised expression may continue with duration arithmetic.
         */
        Expr parseOffsetDuration() {
            Token token = peek();
            switch (token.kind()) {
                case ADD, SUB -> {
                    next();
                    Token operand = peek();
                    if (operand.kind() == TokenKind.LEFT_PAREN) {
                        next();
                        Expr inner = parseDurationExpr(0);
                        Token close = expect(TokenKind.RIGHT_PAREN);
                        requireDurationExpressions(inner);
                        return applyUnary(token, wrap(inner, new PositionRange(operand.pos(), close.end())));
                    }
                    if (!startsDurationTerm(operand.kind())) {
                        throw unexpected(operand);
                    }
                    return applyUnary(token, parseDurationPrimary());
                }
                case LEFT_PAREN -> {
                    return parseDurationBinary(parseDurationPrimary(), 0);
                }
                default -> {
                    if (!startsDurationTerm(token.kind())) {
                        throw unexpected(token);
                    }
                    return parseDurationPrimary();
                }
            }
        }

        boolean startsDurationTerm(TokenKind kind) {
            return switch (kind) {
                case NUMBER, DURATION, STEP, RANGE, MIN_OF, MAX_OF -> true;
                default -> false;
            };
        }

        // ---- modifiers

        Expr parseOffset(Expr expr) {
            next();
            Expr duration;
            pushContext("offset", DURATION_EXPECTED);
            try {
                duration = parseOffsetDuration();
            }
            finally {
                popContext();
            }
            long offsetMillis = duration instanceof NumberLiteral number ? Math.round(number.value() * 1000) : 0;
            DurationExpr offsetExpr = duration instanceof DurationExpr d ? d : null;
            switch (expr) {
                case VectorSelector selector -> {
                    if (selector.hasOffset()) {
                        throw error(selector.position(), "offset may not be set multiple times");
                    }
                    return selector.withOffset(offsetMillis, offsetExpr)
                            .withPosition(new PositionRange(selector.position().start(), lastClosing));
                }
                case MatrixSelector matrix -> {
                    if (matrix.selector().hasOffset()) {
                        throw error(matrix.position(), "offset may not be set multiple times");
                    }
                    return new MatrixSelector(matrix.selector().withOffset(offsetMillis, offsetExpr), matrix.rangeMillis(),
                            matrix.rangeExpr(), new PositionRange(matrix.position().start(), lastClosing));
                }
                case SubqueryExpr subquery -> {
                    if (subquery.hasOffset()) {
                        throw error(subquery.position(), "offset may not be set multiple times");
                    }
                    return subquery.withOffset(offsetMillis, offsetExpr)
                            .withPosition(new PositionRange(subquery.position().start(), lastClosing));
                }
                default -> throw error(expr.position(),
                        "offset modifier must be preceded by an instant vector selector or range vector selector or a subquery");
            }
        }

        Expr parseAt(Expr expr) {
            next();
            AtModifier at;
            Token token = peek();
            if (token.kind() == TokenKind.START || token.kind() == TokenKind.END) {
                next();
                if (!at(TokenKind.LEFT_PAREN)) {
                    throw unexpected(peek(), "@", "timestamp");
                }
                next();
                if (!at(TokenKind.RIGHT_PAREN)) {
                    throw unexpected(peek(), "@", "timestamp");
                }
                next();
                at = token.kind() == TokenKind.START ? AtModifier.START : AtModifier.END;
            }
            else {
                double sign = 1;
                if (token.kind() == TokenKind.ADD || token.kind() == TokenKind.SUB) {
                    sign = next().kind() == TokenKind.SUB ? -1 : 1;
                    token = peek();
                }
                double seconds;
                if (token.kind() == TokenKind.NUMBER) {
                    seconds = sign * parseNumber(next());
                }
                else if (token.kind() == TokenKind.DURATION) {
                    seconds = sign * durationSeconds(next());
                }
                else {
                    throw unexpected(token, "@", "timestamp");
                }
                if (Double.isNaN(seconds) || Double.isInfinite(seconds) || seconds >= 9.223372036854775807E18
                        || seconds <= -9.223372036854775808E18) {
                    throw error(expr.position(), "timestamp out of bounds for @ modifier: " + formatFixed6(seconds));
                }
                at = AtModifier.timestamp(Math.round(seconds * 1000));
            }
            switch (expr) {
                case VectorSelector selector -> {
                    requireNoAt(selector.at(), selector.position());
                    return selector.withAt(at).withPosition(new PositionRange(selector.position().start(), lastClosing));
                }
                case MatrixSelector matrix -> {
                    requireNoAt(matrix.selector().at(), matrix.position());
                    return new MatrixSelector(matrix.selector().withAt(at), matrix.rangeMillis(), matrix.rangeExpr(),
                            new PositionRange(matrix.position().start(), lastClosing));
                }
                case SubqueryExpr subquery -> {
                    requireNoAt(subquery.at(), subquery.position());
                    return subquery.withAt(at).withPosition(new PositionRange(subquery.position().start(), lastClosing));
                }
                default -> throw error(expr.position(),
                        "@ modifier must be preceded by an instant vector selector or range vector selector or a subquery");
            }
        }

        void requireNoAt(AtModifier existing, PositionRange range) {
            if (existing != null) {
                throw error(range, "@ <timestamp> may not be set multiple times");
            }
        }

        Expr parseExtendedRange(Expr expr) {
            Token token = next();
            boolean anchored = token.kind() == TokenKind.ANCHORED;
            String name = anchored ? "anchored" : "smoothed";
            if (!options.extendedRangeSelectors()) {
                throw error(expr.position(), name + " modifier is experimental and not enabled");
            }
            switch (expr) {
                case VectorSelector selector -> {
                    return setExtended(selector, anchored, expr.position());
                }
                case MatrixSelector matrix -> {
                    return new MatrixSelector(setExtended(matrix.selector(), anchored, expr.position()), matrix.rangeMillis(),
                            matrix.rangeExpr(), matrix.position());
                }
                case SubqueryExpr ignored -> throw error(expr.position(), name + " modifier is not supported for subqueries");
                default -> throw error(expr.position(), name + " modifier not implemented");
            }
        }

        VectorSelector setExtended(VectorSelector selector, boolean anchored, PositionRange range) {
            if (anchored ? selector.smoothed() : selector.anchored()) {
                throw error(range, "anchored and smoothed modifiers cannot be used together");
            }
            return selector.withAnchored(anchored || selector.anchored(), !anchored || selector.smoothed());
        }

        // ---- literals

        double parseNumber(Token token) {
            String text = token.text();
            String lower = text.toLowerCase(Locale.ROOT);
            if (lower.equals("inf")) {
                return Double.POSITIVE_INFINITY;
            }
            if (lower.equals("nan")) {
                return Double.NaN;
            }
            Long integer = parseGoInteger(text);
            if (integer != null) {
                return integer;
            }
            try {
                double value = Double.parseDouble(text.replace("_", ""));
                if (Double.isInfinite(value)) {
                    throw error(token.range(), "error parsing number: strconv.ParseFloat: parsing " + GoStrings.quote(text)
                            + ": value out of range");
                }
                return value;
            }
            catch (NumberFormatException e) {
                throw error(token.range(), "error parsing number: strconv.ParseFloat: parsing " + GoStrings.quote(text)
                        + ": invalid syntax");
            }
        }

        double durationSeconds(Token token) {
            try {
                return PromDurations.parseMillis(token.text()) / 1000.0;
            }
            catch (IllegalArgumentException e) {
                throw error(token.range(), e.getMessage());
            }
        }

        // ---- series label sets (promqltest)

        MetricPrefix parseMetricPrefix() {
            Labels.Builder builder = Labels.builder();
            Token first = peek();
            int end = first.pos();
            if (first.kind().isMetricIdentifier()) {
                next();
                builder.set(Labels.METRIC_NAME, first.text());
                end = first.end();
            }
            // As in Prometheus's series lexer, braces belong to the label set only right after the name.
            if (at(TokenKind.LEFT_BRACE) && (end == first.pos() || peek().pos() == end)) {
                List<Matcher> matchers = new ArrayList<>();
                pushContext("label set", "identifier or \"}\"");
                try {
                    end = parseLabelMatchers(matchers);
                }
                finally {
                    popContext();
                }
                for (Matcher matcher : matchers) {
                    if (matcher.type() != Matcher.Type.EQUAL) {
                        throw error(new PositionRange(first.pos(), end), "unexpected " + matcher.type().symbol() + " in label set, expected \"=\"");
                    }
                    builder.set(matcher.name(), matcher.value());
                }
            }
            else if (end == first.pos()) {
                throw unexpected(first, "label set", "identifier or \"}\"");
            }
            return new MetricPrefix(builder.build(), end);
        }
    }

    /** Go's {@code ParseInt(text, 0, 64)}: decimal, {@code 0x} hex, {@code 0o}/leading-zero octal, {@code 0b} binary. */
    static Long parseGoInteger(String text) {
        String digits = text;
        int base = 10;
        if (text.length() > 1 && text.charAt(0) == '0') {
            char prefix = Character.toLowerCase(text.charAt(1));
            if (prefix == 'x') {
                base = 16;
                digits = text.substring(2);
            }
            else if (prefix == 'o') {
                base = 8;
                digits = text.substring(2);
            }
            else if (prefix == 'b') {
                base = 2;
                digits = text.substring(2);
            }
            else {
                base = 8;
                digits = text.substring(1);
            }
            digits = digits.replace("_", "");
        }
        if (digits.isEmpty()) {
            return null;
        }
        try {
            return Long.parseLong(digits, base);
        }
        catch (NumberFormatException e) {
            return null;
        }
    }

    /** Go's {@code %f}: six decimals, {@code +Inf}, {@code -Inf}, {@code NaN}. */
    static String formatFixed6(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        return new java.math.BigDecimal(value).setScale(6, java.math.RoundingMode.HALF_EVEN).toPlainString();
    }
}
