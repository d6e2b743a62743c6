package dev.herald.server.api;

import java.util.List;

/** Coder's error body: a message for people, a detail, and the fields at fault. */
record ErrorResponse(String message, String detail, List<ApiException.Validation> validations) {}
