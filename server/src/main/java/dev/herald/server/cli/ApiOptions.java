package dev.herald.server.cli;

import picocli.CommandLine.Option;

/** Where the API is and how to sign in; every admin command takes these. */
final class ApiOptions {

    @Option(
            names = "--url",
            defaultValue = "${env:HERALD_URL:-http://127.0.0.1:3000}",
            description = "Herald's address. Env: $HERALD_URL. Default: ${DEFAULT-VALUE}.")
    String url;

    @Option(names = "--token", defaultValue = "${env:HERALD_TOKEN}", description = "An API key. Env: $HERALD_TOKEN.")
    String token;

    AdminClient client() {
        return new AdminClient(url, token);
    }
}
