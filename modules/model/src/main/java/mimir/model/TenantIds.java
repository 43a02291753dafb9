package mimir.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Mimir's tenant ID rules: at most 150 bytes of {@code 0-9 a-z A-Z ! - _ . * ' ( )}, not {@code .} or
 * {@code ..}, and not the reserved {@code __mimir_cluster}. With tenant federation a request may name
 * several tenants separated by {@code |}.
 */
public final class TenantIds {
    /** The longest valid tenant ID, in bytes. */
    public static final int MAX_LENGTH = 150;
    /** The name Mimir reserves for its cluster-wide objects in the bucket. */
    public static final String RESERVED = "__mimir_cluster";
    /** The header that carries the tenant ID. */
    public static final String HEADER = "X-Scope-OrgID";

    private TenantIds() {}

    /**
     * Checks one tenant ID.
     *
     * @return the tenant ID
     * @throws InvalidTenantIdException with a message saying which rule it breaks
     */
    public static String validate(String tenant) {
        if (tenant.isEmpty()) {
            throw new InvalidTenantIdException("tenant ID is empty");
        }
        if (tenant.length() > MAX_LENGTH) {
            throw new InvalidTenantIdException("tenant ID is too long: max " + MAX_LENGTH + " characters");
        }
        if (tenant.equals(".") || tenant.equals("..")) {
            throw new InvalidTenantIdException("tenant ID is '.' or '..'");
        }
        if (tenant.equals(RESERVED)) {
            throw new InvalidTenantIdException("tenant ID '" + RESERVED + "' is reserved");
        }
        for (int i = 0; i < tenant.length(); i++) {
            char c = tenant.charAt(i);
            if (!isAllowed(c)) {
                throw new InvalidTenantIdException("tenant ID '" + tenant + "' contains unsupported character '" + c + "'");
            }
        }
        return tenant;
    }

    /**
     * Splits an {@code X-Scope-OrgID} value that may name several tenants ({@code a|b}), validates
     * each and returns them sorted and without duplicates.
     */
    public static List<String> parseHeader(String header) {
        List<String> tenants = new ArrayList<>();
        for (String part : header.split("\\|", -1)) {
            validate(part);
            if (!tenants.contains(part)) {
                tenants.add(part);
            }
        }
        tenants.sort(null);
        return List.copyOf(tenants);
    }

    private static boolean isAllowed(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '!' || c == '-' || c == '_' || c == '.' || c == '*' || c == '\'' || c == '(' || c == ')';
    }
}
