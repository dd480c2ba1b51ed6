package dm.net;

/**
 * An address to listen on as an operator writes it: {@code 127.0.0.1:9106}, {@code [::1]:9106},
 * {@code localhost:9106}. Parsed without resolving the host: that happens when the socket is bound.
 */
public record HostAndPort(String host, int port) {

    /** Throws IllegalArgumentException with a few words saying what is wrong. */
    public static HostAndPort parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("must be HOST:PORT, for example 127.0.0.1:9106");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("an IPv6 address goes in brackets: [::1]:9106");
        }
        if (host.isBlank()) {
            throw new IllegalArgumentException("must be HOST:PORT, for example 127.0.0.1:9106");
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the port must be a number between 0 and 65535");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("the port must be a number between 0 and 65535");
        }
        return new HostAndPort(host, port);
    }
}
