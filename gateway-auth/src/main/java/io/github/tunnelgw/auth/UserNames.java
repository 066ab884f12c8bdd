package io.github.tunnelgw.auth;

/**
 * What a user name may look like. The name ends up in logs, session tables and the admin API, so control
 * characters (log injection) and unbounded lengths are refused both when minting and when validating.
 */
final class UserNames {

    static final int MAX_LENGTH = 256;

    private UserNames() {
    }

    /** @return why {@code name} is unacceptable, or {@code null} if it is fine */
    static String problem(String name) {
        if (name == null || name.isBlank()) {
            return "user name is blank";
        }
        if (name.length() > MAX_LENGTH) {
            return "user name is longer than " + MAX_LENGTH + " characters";
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                return "user name contains a control character";
            }
        }
        return null;
    }
}
