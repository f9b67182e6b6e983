package io.magnetar.launcher;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Holds back the console's log lines during start-up and lets them through, in order, once
 * {@link #release()} is called: the bundle list is printed whole, and the lines bundles logged while
 * starting ("endpoint echo serving …") follow it instead of cutting into it. At most
 * {@link #MAX_HELD} records are held; later ones during start-up are counted and reported.
 *
 * <p>Thread-safe: bundles log from any thread.
 */
final class HeldConsoleLog extends Handler {

    static final int MAX_HELD = 10_000;

    private final Handler console;
    private List<LogRecord> held = new ArrayList<>();
    private int dropped;

    private HeldConsoleLog(Handler console) {
        this.console = console;
        setLevel(console.getLevel());
    }

    /** Puts itself in place of the root logger's console handlers (or a new one, if there is none). */
    static HeldConsoleLog install() {
        Logger root = Logger.getLogger("");
        Handler console = null;
        for (Handler h : root.getHandlers()) {
            if (h instanceof ConsoleHandler) {
                root.removeHandler(h);
                console = console == null ? h : console;
            }
        }
        HeldConsoleLog held = new HeldConsoleLog(console != null ? console : new ConsoleHandler());
        root.addHandler(held);
        return held;
    }

    @Override
    public synchronized void publish(LogRecord record) {
        if (held == null) {
            console.publish(record);
        } else if (held.size() < MAX_HELD) {
            held.add(record);
        } else {
            dropped++;
        }
    }

    /** Writes what was held, then passes every later record straight through. Idempotent. */
    synchronized void release() {
        if (held == null) {
            return;
        }
        List<LogRecord> records = held;
        held = null;
        records.forEach(console::publish);
        if (dropped > 0) {
            console.publish(new LogRecord(
                    java.util.logging.Level.WARNING, dropped + " more log records during start-up were dropped"));
        }
        console.flush();
    }

    @Override
    public void flush() {
        console.flush();
    }

    @Override
    public void close() {
        release();
        console.close();
    }
}
