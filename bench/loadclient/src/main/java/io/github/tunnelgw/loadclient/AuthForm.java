package io.github.tunnelgw.loadclient;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an {@code <auth id="...">} document asks for (reference §1.4): success, or a form with a POST action and the
 * input it wants next. Regex, not an XML parser: the load client only needs ocserv's and the gateway's own output.
 */
record AuthForm(boolean success, String action, String userField, String passwordField, String sessionToken) {
    private static final Pattern AUTH_ID = Pattern.compile("<auth\\s+id=\"([^\"]*)\"");
    private static final Pattern ACTION = Pattern.compile("<form[^>]*\\saction=\"([^\"]+)\"");
    private static final Pattern INPUT = Pattern.compile("<input\\s[^>]*>");
    private static final Pattern ATTR = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private static final Pattern TOKEN = Pattern.compile("<session-token>([^<]+)</session-token>");

    static AuthForm parse(String body) {
        Matcher id = AUTH_ID.matcher(body);
        if (!id.find()) {
            throw new IllegalStateException("response has no <auth id=...>");
        }
        Matcher token = TOKEN.matcher(body);
        String sessionToken = token.find() ? token.group(1) : null;
        if (id.group(1).equals("success")) {
            return new AuthForm(true, null, null, null, sessionToken);
        }
        Matcher action = ACTION.matcher(body);
        String user = null, password = null;
        Matcher input = INPUT.matcher(body);
        while (input.find()) {
            String type = null, name = null;
            Matcher attr = ATTR.matcher(input.group());
            while (attr.find()) {
                if (attr.group(1).equals("type")) {
                    type = attr.group(2);
                } else if (attr.group(1).equals("name")) {
                    name = attr.group(2);
                }
            }
            if ("password".equals(type) && password == null) {
                password = name;
            } else if ("text".equals(type) && name != null && (name.startsWith("user") || name.startsWith("uname"))) {
                user = name;
            }
        }
        return new AuthForm(false, action.find() ? action.group(1) : null, user, password, sessionToken);
    }
}
