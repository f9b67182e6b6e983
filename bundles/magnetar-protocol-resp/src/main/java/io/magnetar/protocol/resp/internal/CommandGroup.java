package io.magnetar.protocol.resp.internal;

/**
 * What every group of commands works with: the command layer (key probe, integer arguments), the parsed
 * arguments, the reply writer and the keyspace of one connection.
 *
 * <p>Confined to its connection's event loop.
 */
abstract class CommandGroup {

    final Commands commands;
    final Arguments args;
    final ReplyWriter reply;
    final Keyspace keyspace;

    CommandGroup(Commands commands, Arguments args, ReplyWriter reply, Keyspace keyspace) {
        this.commands = commands;
        this.args = args;
        this.reply = reply;
        this.keyspace = keyspace;
    }

    /** Runs {@code c}, one of this group's commands, writing its reply. */
    abstract void run(Command c);
}
