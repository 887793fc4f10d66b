package org.edgelora.tools;

/** A command line the tools cannot run: the message says what is wrong, for the user. */
final class UsageException extends Exception {

    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
