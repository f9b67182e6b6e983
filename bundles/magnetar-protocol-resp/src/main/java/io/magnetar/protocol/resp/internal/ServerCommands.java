package io.magnetar.protocol.resp.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The commands about the server rather than a key: {@code FLUSHALL}, {@code FLUSHDB}, {@code DBSIZE},
 * {@code INFO}, {@code COMMAND}, {@code CONFIG GET}, {@code SELECT 0}, {@code QUIT}. They do what
 * {@code redis-cli} and {@code redis-benchmark} ask at start-up: {@code COMMAND DOCS} answers an empty
 * array, {@code CONFIG GET} (glob patterns) answers that nothing is persisted, {@code maxmemory} and its
 * {@code noeviction} policy; {@code INFO} has the sections monitoring tools read. Rare, so they
 * may allocate.
 *
 * <p>Confined to its connection's event loop.
 */
final class ServerCommands {

    /** The version {@code INFO} reports: redis 7.0's command set, as far as this server has it. */
    static final String VERSION = "7.0.0-magnetar";

    private static final byte[] ASYNC = ReplyWriter.ascii("ASYNC");
    private static final byte[] SYNC = ReplyWriter.ascii("SYNC");
    private static final byte[] GET = ReplyWriter.ascii("GET");
    private static final String[][] CONFIG = {{"save", ""}, {"appendonly", "no"}, {"databases", "1"}};

    private final Keyspace keyspace;
    private final ReplyWriter reply;
    private final ServerStats stats;
    private int port;

    ServerCommands(Keyspace keyspace, ReplyWriter reply, ServerStats stats) {
        this.keyspace = keyspace;
        this.reply = reply;
        this.stats = stats;
    }

    /** The port this connection was accepted on, for {@code INFO}. */
    void port(int port) {
        this.port = port;
    }

    void run(Command c, Arguments args) {
        switch (c) {
            case FLUSHALL, FLUSHDB -> {
                if (args.count() > 2 || args.count() == 2 && !args.is(1, ASYNC) && !args.is(1, SYNC)) {
                    throw CommandError.SYNTAX;
                }
                keyspace.clear();
                reply.raw(ReplyWriter.OK);
            }
            case DBSIZE -> reply.integer(keyspace.size());
            case INFO -> info(args.count() > 1 ? args.text(1, 128).toLowerCase(Locale.ROOT) : "default");
            case COMMAND -> command(args);
            case CONFIG -> config(args);
            case SELECT -> {
                long[] db = new long[1];
                if (!Ascii.parseLong(args.bytes(), args.start(1), args.length(1), db)) {
                    throw CommandError.NOT_INTEGER;
                }
                if (db[0] != 0) {
                    reply.error("ERR DB index is out of range");
                    return;
                }
                reply.raw(ReplyWriter.OK);
            }
            case QUIT -> reply.raw(ReplyWriter.OK); // the connection closes after it
            default -> throw new IllegalArgumentException(c + " is no server command");
        }
    }

    /** {@code COMMAND}, {@code COMMAND DOCS|INFO|LIST}: an empty array, enough for redis-cli; {@code COUNT}. */
    private void command(Arguments args) {
        if (args.count() == 1) {
            reply.raw(ReplyWriter.EMPTY_ARRAY);
            return;
        }
        String sub = args.text(1, 128).toUpperCase(Locale.ROOT);
        switch (sub) {
            case "DOCS", "INFO", "LIST" -> reply.raw(ReplyWriter.EMPTY_ARRAY);
            case "COUNT" -> reply.integer(Command.values().length);
            default -> reply.error("ERR unknown subcommand '" + args.text(1, 128) + "'. Try COMMAND HELP.");
        }
    }

    /** {@code CONFIG GET name...}: the pairs of the names it knows (exactly, any case), as redis 7. */
    private void config(Arguments args) {
        if (!args.is(1, GET)) {
            reply.error("ERR unknown subcommand '" + args.text(1, 128) + "'. Try CONFIG HELP.");
            return;
        }
        if (args.count() < 3) {
            reply.error("ERR wrong number of arguments for 'config|get' command");
            return;
        }
        String[][] config = {
            CONFIG[0],
            CONFIG[1],
            CONFIG[2],
            {"maxmemory", Long.toString(keyspace.maxMemory())},
            {"maxmemory-policy", "noeviction"}
        };
        List<String> pairs = new ArrayList<>();
        for (String[] entry : config) {
            for (int i = 2; i < args.count(); i++) {
                if (Glob.matches(
                        args.text(i, 128).toLowerCase(Locale.ROOT).getBytes(StandardCharsets.ISO_8859_1),
                        entry[0].getBytes(StandardCharsets.US_ASCII))) {
                    pairs.add(entry[0]);
                    pairs.add(entry[1]);
                    break; // each parameter once, however many patterns match it
                }
            }
        }
        reply.mapHeader(pairs.size() / 2);
        for (String p : pairs) {
            byte[] b = p.getBytes(StandardCharsets.US_ASCII);
            reply.bulk(b, 0, b.length);
        }
    }

    /** {@code INFO [section]}: the sections redis tools read, {@code # Keyspace} as redis writes it. */
    private void info(String section) {
        boolean all = section.equals("default") || section.equals("all") || section.equals("everything");
        StringBuilder s = new StringBuilder();
        if (all || section.equals("server")) {
            long uptime = stats.uptimeSeconds();
            s.append("# Server\r\n")
                    .append("redis_version:")
                    .append(VERSION)
                    .append("\r\n")
                    .append("redis_mode:standalone\r\n")
                    .append("os:")
                    .append(System.getProperty("os.name"))
                    .append(' ')
                    .append(System.getProperty("os.version"))
                    .append(' ')
                    .append(System.getProperty("os.arch"))
                    .append("\r\n")
                    .append("arch_bits:64\r\n")
                    .append("process_id:")
                    .append(ProcessHandle.current().pid())
                    .append("\r\n")
                    .append("tcp_port:")
                    .append(port)
                    .append("\r\n")
                    .append("uptime_in_seconds:")
                    .append(uptime)
                    .append("\r\n")
                    .append("uptime_in_days:")
                    .append(uptime / 86_400)
                    .append("\r\n\r\n");
        }
        if (all || section.equals("clients")) {
            s.append("# Clients\r\nconnected_clients:")
                    .append(stats.connectedClients())
                    .append("\r\n\r\n");
        }
        if (all || section.equals("memory")) {
            s.append("# Memory\r\nused_memory:")
                    .append(keyspace.usedMemory())
                    .append("\r\nmaxmemory:")
                    .append(keyspace.maxMemory())
                    .append("\r\nmaxmemory_policy:noeviction\r\n\r\n");
        }
        if (all || section.equals("persistence")) {
            s.append("# Persistence\r\nloading:0\r\nrdb_changes_since_last_save:0\r\naof_enabled:0\r\n\r\n");
        }
        if (all || section.equals("stats")) {
            s.append("# Stats\r\ntotal_connections_received:")
                    .append(stats.connectionsReceived())
                    .append("\r\n")
                    .append("total_commands_processed:")
                    .append(stats.commandsProcessed())
                    .append("\r\n\r\n");
        }
        if (all || section.equals("replication")) {
            s.append("# Replication\r\nrole:master\r\nconnected_slaves:0\r\n\r\n");
        }
        if (all || section.equals("keyspace")) {
            s.append("# Keyspace\r\n");
            int keys = keyspace.size();
            if (keys > 0) {
                s.append("db0:keys=")
                        .append(keys)
                        .append(",expires=")
                        .append(keyspace.expiring())
                        .append(",avg_ttl=0\r\n");
            }
        }
        reply.text(s.toString().getBytes(StandardCharsets.UTF_8));
    }
}
