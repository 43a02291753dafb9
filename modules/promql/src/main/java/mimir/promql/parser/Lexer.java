package mimir.promql.parser;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * PromQL lexer with Prometheus's context rules: keywords are plain identifiers inside braces, and after
 * {@code [} the input is a duration expression until a number or duration has been read. Produces the
 * whole token list up front; it ends with EOF or with one ERROR token carrying the message.
 */
final class Lexer {
    private static final String DIGITS = "0123456789";
    private static final String HEX_DIGITS = "0123456789abcdefABCDEF";

    private final String input;
    private final List<Token> tokens = new ArrayList<>();
    private int pos;
    private int start;
    private int parenDepth;
    private boolean braceOpen;
    private boolean bracketOpen;
    private boolean durationMode;
    private boolean gotColon;
    private boolean gotDuration;

    private Lexer(String input) {
        this.input = input;
    }

    static List<Token> tokenize(String input) {
        Lexer lexer = new Lexer(input);
        lexer.run();
        return lexer.tokens;
    }

    private void run() {
        while (true) {
            boolean more;
            if (braceOpen) {
                more = lexInsideBraces();
            }
            else if (durationMode) {
                more = lexDurationExpr();
            }
            else {
                more = lexStatement();
            }
            if (!more) {
                return;
            }
        }
    }

    private int peek() {
        return pos < input.length() ? input.codePointAt(pos) : -1;
    }

    private int next() {
        if (pos >= input.length()) {
            return -1;
        }
        int c = input.codePointAt(pos);
        pos += Character.charCount(c);
        return c;
    }

    private void backup(int c) {
        if (c >= 0) {
            pos -= Character.charCount(c);
        }
    }

    private boolean accept(String valid) {
        int c = next();
        if (c >= 0 && valid.indexOf(c) >= 0) {
            return true;
        }
        backup(c);
        return false;
    }

    private boolean is(String valid) {
        int c = peek();
        return c >= 0 && valid.indexOf(c) >= 0;
    }

    private void emit(TokenKind kind) {
        tokens.add(new Token(kind, start, input.substring(start, pos)));
        start = pos;
    }

    private boolean error(String message) {
        tokens.add(new Token(TokenKind.ERROR, start, message));
        return false;
    }

    /** Like Prometheus, an error right after emitting a token takes that token's place. */
    private boolean replaceWithError(String message) {
        tokens.removeLast();
        return error(message);
    }

    private void skipSpaces() {
        while (isSpace(peek())) {
            next();
        }
        start = pos;
    }

    private boolean lexStatement() {
        skipSpaces();
        if (input.startsWith("#", pos)) {
            skipComment();
            return true;
        }
        int r = next();
        switch (r) {
            case -1 -> {
                if (parenDepth != 0) {
                    return error("unclosed left parenthesis");
                }
                if (bracketOpen) {
                    return error("unclosed left bracket");
                }
                emit(TokenKind.EOF);
                return false;
            }
            case ',' -> emit(TokenKind.COMMA);
            case '*' -> emit(TokenKind.MUL);
            case '/' -> emit(TokenKind.DIV);
            case '%' -> emit(TokenKind.MOD);
            case '+' -> emit(TokenKind.ADD);
            case '-' -> emit(TokenKind.SUB);
            case '^' -> emit(TokenKind.POW);
            case '@' -> emit(TokenKind.AT);
            case '=' -> {
                int t = peek();
                if (t == '=') {
                    next();
                    emit(TokenKind.EQLC);
                }
                else if (t == '~') {
                    return error("unexpected character after '=': " + GoStrings.quoteRune(t));
                }
                else {
                    emit(TokenKind.EQL);
                }
            }
            case '!' -> {
                int t = next();
                if (t != '=') {
                    return error("unexpected character after '!': " + quoteRuneOrEof(t));
                }
                emit(TokenKind.NEQ);
            }
            case '<' -> {
                if (accept("=")) {
                    emit(TokenKind.LTE);
                }
                else if (accept("/")) {
                    emit(TokenKind.TRIM_UPPER);
                }
                else {
                    emit(TokenKind.LSS);
                }
            }
            case '>' -> {
                if (accept("=")) {
                    emit(TokenKind.GTE);
                }
                else if (accept("/")) {
                    emit(TokenKind.TRIM_LOWER);
                }
                else {
                    emit(TokenKind.GTR);
                }
            }
            case '"', '\'' -> {
                return lexString(r);
            }
            case '`' -> {
                return lexRawString();
            }
            case '(' -> {
                emit(TokenKind.LEFT_PAREN);
                parenDepth++;
            }
            case ')' -> {
                emit(TokenKind.RIGHT_PAREN);
                parenDepth--;
                if (parenDepth < 0) {
                    return replaceWithError("unexpected right parenthesis " + GoStrings.quoteRune(r));
                }
            }
            case '{' -> {
                emit(TokenKind.LEFT_BRACE);
                braceOpen = true;
            }
            case '[' -> {
                if (bracketOpen) {
                    return error("unexpected left bracket " + GoStrings.quoteRune(r));
                }
                gotColon = false;
                emit(TokenKind.LEFT_BRACKET);
                skipSpaces();
                bracketOpen = true;
                durationMode = true;
            }
            case ']' -> {
                if (!bracketOpen) {
                    return error("unexpected right bracket " + GoStrings.quoteRune(r));
                }
                emit(TokenKind.RIGHT_BRACKET);
                bracketOpen = false;
            }
            default -> {
                if (isDigit(r) || (r == '.' && isDigit(peek()))) {
                    backup(r);
                    return lexNumberOrDuration();
                }
                if (isAlpha(r) || r == ':') {
                    if (!bracketOpen) {
                        backup(r);
                        lexKeywordOrIdentifier();
                        return true;
                    }
                    if (r == ':') {
                        if (gotColon) {
                            return error("unexpected colon " + GoStrings.quoteRune(r));
                        }
                        emit(TokenKind.COLON);
                        gotColon = true;
                        return true;
                    }
                    if (scanDurationKeyword()) {
                        return true;
                    }
                    return error("unexpected character: " + GoStrings.quoteRune(r) + ", expected ':'");
                }
                return error("unexpected character: " + GoStrings.quoteRune(r));
            }
        }
        return true;
    }

    private boolean lexDurationExpr() {
        int r = next();
        switch (r) {
            case -1 -> {
                return error("unexpected end of input in duration expression");
            }
            case ']' -> {
                emit(TokenKind.RIGHT_BRACKET);
                bracketOpen = false;
                gotColon = false;
                durationMode = false;
            }
            case ':' -> {
                emit(TokenKind.COLON);
                if (!gotDuration) {
                    return replaceWithError("unexpected colon before duration in duration expression");
                }
                if (gotColon) {
                    return replaceWithError("unexpected repeated colon in duration expression");
                }
                gotColon = true;
            }
            case '(' -> {
                emit(TokenKind.LEFT_PAREN);
                parenDepth++;
            }
            case ')' -> {
                emit(TokenKind.RIGHT_PAREN);
                parenDepth--;
                if (parenDepth < 0) {
                    return replaceWithError("unexpected right parenthesis " + GoStrings.quoteRune(r));
                }
            }
            case '+' -> emit(TokenKind.ADD);
            case '-' -> emit(TokenKind.SUB);
            case '*' -> emit(TokenKind.MUL);
            case '/' -> emit(TokenKind.DIV);
            case '%' -> emit(TokenKind.MOD);
            case '^' -> emit(TokenKind.POW);
            case ',' -> emit(TokenKind.COMMA);
            default -> {
                if (isSpace(r)) {
                    skipSpaces();
                    return true;
                }
                if (isDigit(r) || (r == '.' && isDigit(peek()))) {
                    backup(r);
                    gotDuration = true;
                    durationMode = false;
                    return lexNumberOrDuration();
                }
                if ("sSmMrR".indexOf(r) >= 0 && scanDurationKeyword()) {
                    return true;
                }
                return error("unexpected character in duration expression: " + GoStrings.quoteRune(r));
            }
        }
        return true;
    }

    /** After the first character of a word inside brackets: step, range, min_of or max_of. */
    private boolean scanDurationKeyword() {
        while (isAlpha(peek())) {
            next();
        }
        TokenKind kind = switch (input.substring(start, pos).toLowerCase(Locale.ROOT)) {
            case "step" -> TokenKind.STEP;
            case "range" -> TokenKind.RANGE;
            case "min_of" -> TokenKind.MIN_OF;
            case "max_of" -> TokenKind.MAX_OF;
            default -> null;
        };
        if (kind == null) {
            return false;
        }
        emit(kind);
        return true;
    }

    private boolean lexInsideBraces() {
        if (input.startsWith("#", pos)) {
            skipComment();
            return true;
        }
        int r = next();
        if (r == -1) {
            return error("unexpected end of input inside braces");
        }
        if (isSpace(r)) {
            skipSpaces();
            return true;
        }
        if (isAlpha(r)) {
            while (isAlphaNumeric(peek())) {
                next();
            }
            emit(TokenKind.IDENTIFIER);
            return true;
        }
        switch (r) {
            case ',' -> emit(TokenKind.COMMA);
            case '"', '\'' -> {
                return lexString(r);
            }
            case '`' -> {
                return lexRawString();
            }
            case '=' -> emit(accept("~") ? TokenKind.EQL_REGEX : TokenKind.EQL);
            case '!' -> {
                int t = next();
                if (t == '~') {
                    emit(TokenKind.NEQ_REGEX);
                }
                else if (t == '=') {
                    emit(TokenKind.NEQ);
                }
                else {
                    return error("unexpected character after '!' inside braces: " + quoteRuneOrEof(t));
                }
            }
            case '{' -> {
                return error("unexpected left brace " + GoStrings.quoteRune(r));
            }
            case '}' -> {
                emit(TokenKind.RIGHT_BRACE);
                braceOpen = false;
            }
            default -> {
                return error("unexpected character inside braces: " + GoStrings.quoteRune(r));
            }
        }
        return true;
    }

    private void skipComment() {
        while (pos < input.length() && input.charAt(pos) != '\n' && input.charAt(pos) != '\r') {
            pos++;
        }
        start = pos;
    }

    private boolean lexString(int quote) {
        while (true) {
            int c = next();
            if (c == '\\') {
                String problem = scanEscape(quote);
                if (problem != null) {
                    return error(problem);
                }
                continue;
            }
            if (c == -1 || c == '\n') {
                return error("unterminated quoted string");
            }
            if (Character.isSurrogate((char) c)) {
                return error("invalid UTF-8 rune");
            }
            if (c == quote) {
                emit(TokenKind.STRING);
                return true;
            }
        }
    }

    /** Validates one escape sequence after the backslash; returns the error message or null. */
    private String scanEscape(int quote) {
        int c = next();
        int digits;
        int base;
        int max;
        switch (c) {
            case 'a', 'b', 'f', 'n', 'r', 't', 'v', '\\' -> {
                return null;
            }
            case -1 -> {
                return "escape sequence not terminated";
            }
            case 'x' -> {
                c = next();
                digits = 2;
                base = 16;
                max = 255;
            }
            case 'u' -> {
                c = next();
                digits = 4;
                base = 16;
                max = Character.MAX_CODE_POINT;
            }
            case 'U' -> {
                c = next();
                digits = 8;
                base = 16;
                max = Character.MAX_CODE_POINT;
            }
            default -> {
                if (c == quote) {
                    return null;
                }
                if (c >= '0' && c <= '7') {
                    digits = 3;
                    base = 8;
                    max = 255;
                }
                else {
                    return "unknown escape sequence " + GoStrings.unicodeNotation(c);
                }
            }
        }
        long value = 0;
        while (digits > 0) {
            int digit = c >= 0 ? Character.digit(c, 16) : -1;
            if (digit < 0 || digit >= base) {
                if (c == -1) {
                    return "escape sequence not terminated";
                }
                return "illegal character " + GoStrings.unicodeNotation(c) + " in escape sequence";
            }
            value = value * base + digit;
            digits--;
            if (digits > 0) {
                c = next();
            }
        }
        if (value > max || (value >= 0xD800 && value < 0xE000)) {
            return "escape sequence is an invalid Unicode code point";
        }
        return null;
    }

    private boolean lexRawString() {
        while (true) {
            int c = next();
            if (c == -1) {
                return error("unterminated raw string");
            }
            if (c == '`') {
                emit(TokenKind.STRING);
                return true;
            }
        }
    }

    private boolean lexNumberOrDuration() {
        if (scanNumber()) {
            emit(TokenKind.NUMBER);
            return true;
        }
        if (acceptRemainingDuration()) {
            emit(TokenKind.DURATION);
            return true;
        }
        return error("bad number or duration syntax: " + GoStrings.quote(input.substring(start, pos)));
    }

    /** Consumes the unit part of a duration; on success the position is right after it. */
    private boolean acceptRemainingDuration() {
        if (!accept("smhdwy")) {
            return false;
        }
        accept("s");
        while (accept(DIGITS)) {
            while (accept(DIGITS)) {
                // consume
            }
            if (!accept("smhdw")) {
                return false;
            }
            accept("s");
        }
        int c = next();
        if (isAlphaNumeric(c)) {
            return false;
        }
        backup(c);
        return true;
    }

    /** Scans decimal, hexadecimal and float numbers; the text is validated later by the parser. */
    private boolean scanNumber() {
        int initial = pos;
        String digits = DIGITS;
        if (accept("0") && accept("xX")) {
            accept("_");
            digits = HEX_DIGITS;
        }
        accept(".");
        accept(digits);
        boolean dotSeen = false;
        boolean exponentSeen = false;
        while (is(digits + "._eE")) {
            if (is(".") && dotSeen) {
                accept(".");
                return false;
            }
            if (is("eE") && exponentSeen) {
                accept("eE");
                return false;
            }
            if (accept(".")) {
                dotSeen = true;
                if (accept("_.")) {
                    return false;
                }
                if (digits == HEX_DIGITS) {
                    return false;
                }
                continue;
            }
            if (accept("eE")) {
                exponentSeen = true;
                accept("+-");
                if (accept("._eE") || peek() == -1) {
                    return false;
                }
                continue;
            }
            if (accept("_")) {
                if (accept("._eE") || peek() == -1) {
                    return false;
                }
                continue;
            }
            while (accept(digits)) {
                // consume
            }
        }
        if (pos == initial) {
            return false;
        }
        return !isAlphaNumeric(peek());
    }

    private void lexKeywordOrIdentifier() {
        while (isAlphaNumeric(peek()) || peek() == ':') {
            next();
        }
        String word = input.substring(start, pos);
        String lower = word.toLowerCase(Locale.ROOT);
        if (lower.equals("inf") || lower.equals("nan")) {
            emit(TokenKind.NUMBER);
            return;
        }
        TokenKind keyword = TokenKind.keyword(lower);
        if (keyword != null) {
            // fill, fill_left and fill_right stay metric names unless a parenthesis follows.
            boolean fill = keyword == TokenKind.FILL || keyword == TokenKind.FILL_LEFT || keyword == TokenKind.FILL_RIGHT;
            if (fill && !followedByLeftParen()) {
                emit(TokenKind.IDENTIFIER);
                return;
            }
            emit(keyword);
            return;
        }
        emit(word.indexOf(':') >= 0 ? TokenKind.METRIC_IDENTIFIER : TokenKind.IDENTIFIER);
    }

    private boolean followedByLeftParen() {
        for (int i = pos; i < input.length(); i++) {
            char c = input.charAt(i);
            if (!isSpace(c)) {
                return c == '(';
            }
        }
        return false;
    }

    private static String quoteRuneOrEof(int c) {
        return c == -1 ? "'\\ufffd'" : GoStrings.quoteRune(c);
    }

    static boolean isSpace(int c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    static boolean isAlpha(int c) {
        return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    static boolean isAlphaNumeric(int c) {
        return isAlpha(c) || isDigit(c);
    }
}
