package io.magnetar.launcher;

/** Start-up failed: a required feature, bundle or setting is missing or broken. Immutable. */
public final class LaunchException extends Exception {

    private static final long serialVersionUID = 1L;

    /** With a message that says what failed and where. */
    public LaunchException(String message) {
        super(message);
    }

    /** With a message and the failure underneath. */
    public LaunchException(String message, Throwable cause) {
        super(message, cause);
    }
}
