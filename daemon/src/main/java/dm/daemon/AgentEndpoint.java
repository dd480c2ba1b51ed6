package dm.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dm.net.Addresses;
import dm.net.HostAndPort;
import dm.scoreboard.Control;
import dm.scoreboard.ParentStatus;
import dm.scoreboard.Scoreboard;
import dm.scoreboard.Slot;
import dm.scoreboard.WorkerState;

/**
 * agent.listen: tells load balancers whether to send this host connections (see {@link AgentAnswer}).
 * A few threads of the supervisor JVM, never a worker; they read the scoreboard (the status the loop
 * publishes in the control record, the slots' states) and nothing else, and never touch the pool. Each check is bounded: at most
 * {@link #MAX_CONCURRENT_CHECKS} at once (more are closed unanswered: HAProxy takes that for a
 * failed agent check and leaves the server's state as it was), and
 * none takes longer than about {@link #CHECK_TIMEOUT_MILLIS}.
 */
final class AgentEndpoint implements AutoCloseable {
    static final int MAX_CONCURRENT_CHECKS = 4;
    /** How long a check may take to say something: an HTTP client sends its request at once, HAProxy says nothing. */
    static final int REQUEST_WAIT_MILLIS = 100;
    static final int CHECK_TIMEOUT_MILLIS = 1_000;

    private final ServerSocket server;
    private final Scoreboard scoreboard;
    private final ThreadPoolExecutor checks;
    private final Thread acceptor;
    /** Held while the scoreboard is read, so that {@link #close} never lets it go under a reader. */
    private final Object scoreboardLock = new Object();
    private boolean closed;

    private AgentEndpoint(ServerSocket server, Scoreboard scoreboard) {
        this.server = server;
        this.scoreboard = scoreboard;
        this.checks = new ThreadPoolExecutor(MAX_CONCURRENT_CHECKS, MAX_CONCURRENT_CHECKS, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), runnable -> daemonThread(runnable, "agent-check"));
        checks.allowCoreThreadTimeOut(true);
        this.acceptor = daemonThread(this::acceptLoop, "agent-endpoint");
    }

    /** Binds {@code where} and answers from {@code scoreboard} until {@link #close}. */
    static AgentEndpoint open(HostAndPort where, Scoreboard scoreboard)
            throws ListenSocket.ListenException {
        InetAddress address;
        try {
            address = InetAddress.getByName(where.host());
        } catch (UnknownHostException e) {
            throw new ListenSocket.ListenException("agent.listen = '" + where.host() + ":" + where.port()
                    + "': unknown host");
        }
        ServerSocket server = null;
        try {
            server = new ServerSocket();
            server.setReuseAddress(true); // a restarted daemon binds again at once
            server.bind(new InetSocketAddress(address, where.port()), 16);
        } catch (IOException e) {
            closeQuietly(server);
            throw new ListenSocket.ListenException("agent.listen: cannot listen on " + Addresses.format(address,
                    where.port()) + ": " + e.getMessage());
        }
        AgentEndpoint endpoint = new AgentEndpoint(server, scoreboard);
        endpoint.acceptor.start();
        return endpoint;
    }

    String describe() {
        return Addresses.format(server.getInetAddress(), server.getLocalPort());
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (true) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            try {
                checks.execute(() -> answer(socket));
            } catch (RejectedExecutionException e) {
                closeQuietly(socket);
            }
        }
    }

    private void answer(Socket socket) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CHECK_TIMEOUT_MILLIS);
        try (socket) {
            socket.setSoTimeout(REQUEST_WAIT_MILLIS);
            InputStream in = socket.getInputStream();
            byte[] request = new byte[512];
            int length = 0;
            try {
                length = Math.max(0, in.read(request));
            } catch (SocketTimeoutException e) {
                // HAProxy's agent check says nothing
            }
            String said = new String(request, 0, length, StandardCharsets.US_ASCII);
            AgentAnswer answer = current();
            OutputStream out = socket.getOutputStream();
            if (said.startsWith("GET ") || said.startsWith("HEAD ")) {
                out.write(answer.httpResponse(said.startsWith("GET ")));
            } else {
                out.write((answer.agentLine() + "\n").getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
            socket.shutdownOutput();
            // Read on until the client closes: closing with unread input would reset the connection,
            // and a reset can cost the client the answer.
            while (System.nanoTime() - deadline < 0) {
                socket.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                if (in.read(request) < 0) {
                    break;
                }
            }
        } catch (IOException e) {
            // the balancer went away or took too long: nothing to tell anyone
        }
    }

    /** The answer now: drain from the moment -wdown or -fdown is asked for, else what the slots show. */
    AgentAnswer current() {
        synchronized (scoreboardLock) {
            if (closed) {
                return AgentAnswer.DRAIN;
            }
            Control control = scoreboard.control();
            Control.Command command = control.latestCommand();
            boolean downAsked = command.sequence() > control.acknowledged() && goesDown(command.requested());
            int idle = 0;
            int busy = 0;
            for (int i = 0; i < scoreboard.slotCount(); i++) {
                Slot slot = scoreboard.slot(i);
                WorkerState state = slot.lifecycle();
                if (state == WorkerState.BUSY) {
                    busy++; // written so by hand (tests); a worker's threads write their own states
                } else if (state == WorkerState.IDLE || state == WorkerState.EXITING) {
                    busy += slot.busyThreads();
                    idle += state == WorkerState.IDLE ? slot.idleThreads() : 0;
                }
            }
            return AgentAnswer.of(downAsked || goesDown(control.status()), idle, busy,
                    scoreboard.slotCount() * scoreboard.threadsPerSlot());
        }
    }

    private static boolean goesDown(ParentStatus status) {
        return status == ParentStatus.WAIT_DOWN || status == ParentStatus.FORCE_DOWN || status == ParentStatus.STOPPED;
    }

    /** Stops answering; after it returns no thread of the endpoint reads the scoreboard. */
    @Override
    public void close() {
        synchronized (scoreboardLock) {
            closed = true;
        }
        closeQuietly(server);
        checks.shutdownNow();
        try {
            checks.awaitTermination(CHECK_TIMEOUT_MILLIS * 2L, TimeUnit.MILLISECONDS);
            acceptor.join(CHECK_TIMEOUT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread daemonThread(Runnable body, String name) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing anyway
        }
    }
}
