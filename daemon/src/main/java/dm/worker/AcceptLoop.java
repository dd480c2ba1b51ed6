package dm.worker;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.ZoneId;

import org.slf4j.Logger;

import dm.config.Settings;
import dm.net.Addresses;
import dm.scoreboard.Control;
import dm.scoreboard.ShutdownRequest;
import dm.scoreboard.Slot;
import dm.scoreboard.ThreadSlot;
import dm.scoreboard.WorkerState;
import dm.text.Shown;

/**
 * One of a worker's worker.threads accepting threads, the loop of Apache prefork's
 * {@code child_main()} per thread: leave if told to; accept; busy; count; run the handler; close;
 * idle; again. Each is a platform thread that waits for a connection in its own {@link AcceptWait}
 * (the first idle thread of the oldest worker gets it), or, without epoll, blocks in accept() on
 * the inherited listening socket; while the supervisor allows fewer threads than its index, it
 * stands by in the {@link AcceptGate} instead. Never a virtual thread: those park in the JDK's own poller, which
 * knows nothing of that order. Its own scoreboard record is written by it alone.
 */
final class AcceptLoop extends Thread {
    private final Worker worker;
    private final Slot slot;
    private final ThreadSlot record;
    private final ServerSocketChannel listener;
    /** Null: the listening socket is blocking, and this thread waits in accept(). */
    private final AcceptWait acceptWait;
    /** Null: connections are accepted through the JDK's channel. */
    private final NativeAcceptor acceptor;
    private final AcceptGate gate;
    private final Control control;
    private final LoadedHandler handler;
    private final ReadTimeouts timeouts;
    private final ReadWatch readWatch = new ReadWatch();
    /** Null when log.access-file is off. */
    private final AccessLog accessLog;
    private final AccessLogLine accessLogLine;
    private final Logger log;

    AcceptLoop(Worker worker, Slot slot, int index, ServerSocketChannel listener, AcceptWait acceptWait,
            NativeAcceptor acceptor, AcceptGate gate, Control control, LoadedHandler handler, ReadTimeouts timeouts,
            AccessLog accessLog) {
        super("accept-" + index);
        this.worker = worker;
        this.slot = slot;
        this.record = slot.thread(index);
        this.listener = listener;
        this.acceptWait = acceptWait;
        this.acceptor = acceptor;
        this.gate = gate;
        this.control = control;
        this.handler = handler;
        this.timeouts = timeouts;
        this.accessLog = accessLog;
        this.accessLogLine = accessLog == null ? null
                : new AccessLogLine(ZoneId.systemDefault(), slot.index(), worker.pid(), index);
        this.log = worker.log();
        record.setState(WorkerState.IDLE); // before the worker says it accepts, so that no tick counts it as neither
        // An Error out of a connection (out of memory, an internal error) ends the whole JVM, as it
        // did when the one accept loop ran on the main thread: this JVM is not to be trusted.
        setUncaughtExceptionHandler((thread, e) -> {
            System.err.print("Exception in thread \"" + thread.getName() + "\" ");
            e.printStackTrace();
            Runtime.getRuntime().halt(1);
        });
    }

    @Override
    public void run() {
        long maxCalls = slot.maxCalls();
        while (slot.request() == ShutdownRequest.NORMAL && !worker.retiring()) {
            if (gate.pass(record.index())) {
                continue; // it stood by: whether to leave is asked again before it takes a connection
            }
            ClientSocket connection;
            try {
                if (acceptWait != null) {
                    acceptWait.await();
                }
                connection = acceptor != null ? acceptor.accept() : acceptThroughJdk();
            } catch (IOException e) {
                if (e instanceof ClosedChannelException || !listener.isOpen()) {
                    break; // closed by the watchdog (asked to leave) or by worker.max-requests: accept nothing more
                }
                log.warn("accept failed: {}", e.getMessage());
                continue;
            }
            if (connection == null) {
                continue; // another thread was woken too and got it first
            }
            long calls = serve(connection);
            if (maxCalls > 0 && calls >= maxCalls) {
                worker.reachedMaxCalls(calls);
                break;
            }
        }
        if (acceptWait != null) {
            acceptWait.close();
        }
        record.setState(WorkerState.EXITING);
    }

    private ClientSocket acceptThroughJdk() throws IOException {
        SocketChannel channel = listener.accept();
        if (channel == null) {
            return null;
        }
        try {
            return new JdkSocket(channel);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Serves one connection; returns the worker's call count (all its threads). Nothing here is
     * logged for a connection that goes well, and nothing makes a system call that serving it does
     * not need: the read timeouts are kept by {@link ReadWatch}, not by SO_TIMEOUT.
     */
    private long serve(ClientSocket socket) {
        InetSocketAddress client = null;
        AcceptedConnection connection = null;
        long calls = slot.calls();
        long acceptedNanos = System.nanoTime();
        long acceptedMillis = System.currentTimeMillis();
        AccessLogLine.Outcome outcome = AccessLogLine.Outcome.OK;
        try (socket) {
            client = socket.client();
            calls = record.beginConnection(client, acceptedMillis);
            control.countAccepted();
            socket.setTcpNoDelay();
            readWatch.watch(socket);
            connection = new AcceptedConnection(socket, worker, readWatch, timeouts);
            handler.handle(connection);
        } catch (SocketTimeoutException e) {
            outcome = AccessLogLine.Outcome.TIMEOUT;
            boolean first = connection == null || !connection.receivedAnything();
            log.debug("closing {}: nothing received for {} ms ({})", Addresses.format(client),
                    first ? timeouts.firstByteMillis() : timeouts.afterFirstByteMillis(),
                    first ? timeouts.firstByteKey() : Settings.WORKER_READ_TIMEOUT_MS.key());
        } catch (VirtualMachineError e) {
            if (!(e instanceof StackOverflowError)) {
                throw e; // out of memory, an internal error: this JVM is not to be trusted; it dies and is replaced
            }
            outcome = AccessLogLine.Outcome.FAILED;
            log.warn("handler failed on {}: {}", Addresses.format(client), Shown.failure(e));
        } catch (Throwable e) {
            if (ClientReset.causedBy(e)) {
                outcome = AccessLogLine.Outcome.RESET;
                control.countClientReset();
                log.debug("{} reset the connection: {}", Addresses.format(client), Shown.failure(e));
            } else {
                // Any other Error too (AssertionError, a LinkageError of a lazily loaded class, ...): it costs
                // this one connection, not the worker.
                outcome = AccessLogLine.Outcome.FAILED;
                log.warn("handler failed on {}: {}", Addresses.format(client), Shown.failure(e));
            }
        } finally {
            readWatch.unwatch();
            record.endConnection();
            long nanos = System.nanoTime() - acceptedNanos;
            record.observeRequest(nanos); // this thread's record: its one writer
            if (accessLog != null) {
                byte[] line = accessLogLine.format(client, acceptedMillis, connection == null ? 0 : connection.bytesIn(),
                        connection == null ? 0 : connection.bytesOut(), nanos / 1_000, outcome);
                accessLog.append(line, accessLogLine.length());
            }
        }
        return calls;
    }

    /** The deadline of this thread's current read, for the watchdog. */
    ReadWatch readWatch() {
        return readWatch;
    }

    /** 0 .. worker.threads - 1: which of its worker's threads this is. */
    int index() {
        return record.index();
    }
}
