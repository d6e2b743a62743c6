package dev.herald.server.web;

import dev.herald.server.data.User;

/** The signed-in user of a page, with the CSRF token its forms carry. */
record WebSessionView(User user, String csrf, boolean owner, boolean dev) {}
