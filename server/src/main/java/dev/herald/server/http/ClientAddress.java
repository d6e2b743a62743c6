package dev.herald.server.http;

import dev.herald.config.ApiConfig;
import dev.herald.config.Cidr;
import io.javalin.http.Context;
import java.util.List;
import java.util.Locale;

/**
 * Who is knocking: the address the connection came from, unless it came from a trusted reverse proxy
 * ({@code --proxy-trusted-origins}) that named the client in one of {@code --proxy-trusted-headers}. In
 * {@code X-Forwarded-For} the client is the last address no trusted proxy owns: anything left of it was written by
 * the client and proves nothing.
 */
public final class ClientAddress {

    private final List<String> headers;
    private final List<Cidr> proxies;

    public ClientAddress(List<String> headers, List<Cidr> proxies) {
        this.headers = List.copyOf(headers);
        this.proxies = List.copyOf(proxies);
    }

    public static ClientAddress from(ApiConfig config) {
        return new ClientAddress(config.proxyTrustedHeaders(), config.proxyTrustedOrigins());
    }

    public String of(Context context) {
        return of(context.ip(), context::header);
    }

    String of(String remote, java.util.function.Function<String, String> header) {
        if (headers.isEmpty() || !trusted(remote)) {
            return remote;
        }
        for (String name : headers) {
            String value = header.apply(name);
            if (value == null || value.isBlank()) {
                continue;
            }
            if (!name.toLowerCase(Locale.ROOT).equals("x-forwarded-for")) {
                return value.strip();
            }
            String[] hops = value.split(",");
            for (int i = hops.length - 1; i >= 0; i--) {
                String hop = hops[i].strip();
                if (!hop.isEmpty() && (!trusted(hop) || i == 0)) {
                    return hop;
                }
            }
        }
        return remote;
    }

    private boolean trusted(String address) {
        return proxies.stream().anyMatch(block -> block.contains(address));
    }
}
