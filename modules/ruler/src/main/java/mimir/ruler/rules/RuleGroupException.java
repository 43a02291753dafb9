package mimir.ruler.rules;

import java.util.List;

/** A rule group the config API refuses: the reasons, as Mimir (and promtool) word them. */
public final class RuleGroupException extends Exception {
    private static final long serialVersionUID = 1L;

    private final List<String> errors;

    public RuleGroupException(List<String> errors) {
        super(String.join(", ", errors));
        this.errors = List.copyOf(errors);
    }

    public RuleGroupException(String error) {
        this(List.of(error));
    }

    public List<String> errors() {
        return errors;
    }
}
