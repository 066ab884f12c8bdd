package io.github.tunnelgw.auth;

import java.util.Collection;
import java.util.Objects;

/**
 * A claim a token must carry with a given value: a string claim must equal it exactly, an array claim must
 * contain it (so {@code roles: Tunnel.User} or {@code groups: <object id>} work), and a number or boolean must
 * print as it. Any other shape (an object, a missing claim) does not match.
 *
 * @param name  the claim name, e.g. {@code roles}, {@code groups} or {@code ver} ({@code scp} is one
 *              space-separated string, so only its exact whole value can be required)
 * @param value the required value, or the element an array claim must contain
 */
public record RequiredClaim(String name, String value) {

    public RequiredClaim {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (name.isBlank() || value.isEmpty()) {
            throw new IllegalArgumentException("a required claim needs a name and a non-empty value");
        }
    }

    /** @param claimValue the claim as nimbus parsed it (String, Number, Boolean, List, Map) or null if absent */
    public boolean matches(Object claimValue) {
        return switch (claimValue) {
            case null -> false;
            case String text -> text.equals(value);
            case Number number -> number.toString().equals(value);
            case Boolean flag -> flag.toString().equals(value);
            case Collection<?> elements -> elements.stream().anyMatch(element -> element instanceof String s
                    ? s.equals(value) : (element instanceof Number || element instanceof Boolean) && element.toString().equals(value));
            default -> false;
        };
    }
}
