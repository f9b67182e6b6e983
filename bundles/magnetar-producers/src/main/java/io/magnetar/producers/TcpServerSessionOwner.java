package io.magnetar.producers;

import io.magnetar.api.Protocol;
import io.magnetar.producers.internal.ServerSession;
import io.magnetar.producers.internal.SessionOwner;

/**
 * Receives a {@link TcpServer}'s session reports and turns them into the server's events and counts.
 * Package-private, not a nested type of the server, so the exported type shows no internal interface.
 *
 * <p>Thread-safe: sessions report from their loops, several at once; it holds nothing of its own.
 */
final class TcpServerSessionOwner implements SessionOwner {

    private final TcpServer server;

    TcpServerSessionOwner(TcpServer server) {
        this.server = server;
    }

    @Override
    public void added(ServerSession session) {
        server.serverSessions.added(session);
    }

    @Override
    public void removed(ServerSession session, Protocol inner, Throwable cause) {
        server.serverSessions.removed(session, cause);
        server.fireEvent(TcpServer.CONNECTION_LOST, inner);
        server.checkAllClosed();
    }

    @Override
    public void connectionMade(Protocol inner) {
        server.fireEvent(TcpServer.CONNECTION_MADE, inner);
    }

    @Override
    public boolean hasRequestListeners() {
        return server.listensTo(TcpServer.PRE_REQUEST) || server.listensTo(TcpServer.POST_REQUEST);
    }

    @Override
    public void preRequest(Object consumer) {
        if (server.listensTo(TcpServer.PRE_REQUEST)) {
            server.fireEvent(TcpServer.PRE_REQUEST, consumer);
        }
    }

    @Override
    public void postRequest(Object consumer) {
        if (server.listensTo(TcpServer.POST_REQUEST)) {
            server.fireEvent(TcpServer.POST_REQUEST, consumer);
        }
    }

    @Override
    public boolean isClosing() {
        return server.closing;
    }

    @Override
    public boolean isRetired(int generation) {
        return generation < server.retiredBelow;
    }
}
