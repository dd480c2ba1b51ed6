package dm.worker;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.Channel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dm.ExitCodes;
import dm.config.ConfigException;
import dm.config.ServerConfig;
import dm.handler.ConnectionHandler;
import dm.handler.WorkerContext;
import dm.scoreboard.Scoreboard;
import dm.scoreboard.ScoreboardException;
import dm.scoreboard.ShutdownRequest;
import dm.scoreboard.Slot;
import dm.scoreboard.WorkerState;

/**
 * One worker process: the seed's {@code child_main()}. Leave if told to; accept; busy; count;
 * run the handler; close; idle; again.
 */
final class Worker implements WorkerContext {
    private static final Logger log = LoggerFactory.getLogger("worker");

    private final Path configFile;
    private final int slotIndex;
    private final long supervisorPid;
    private final long pid = ProcessHandle.current().pid();

    Worker(Path configFile, int slotIndex, long supervisorPid) {
        this.configFile = configFile;
        this.slotIndex = slotIndex;
        this.supervisorPid = supervisorPid;
    }

    int run() {
        Slot slot;
        ConnectionHandler handler;
        ServerSocketChannel listener;
        try {
            ServerConfig config = ServerConfig.load(configFile);
            Scoreboard scoreboard = Scoreboard.attach(config.scoreboardFile());
            slot = scoreboard.slot(slotIndex);
            slot.setPid(pid);
            handler = HandlerLoader.load(config.handlerClass());
            handler.start(this);
            listener = inheritedListener();
        } catch (ConfigException | ScoreboardException | BootException e) {
            log.error("cannot boot: {}", e.getMessage());
            return ExitCodes.WORKER_BOOT_FAILED;
        } catch (Exception e) {
            log.error("cannot boot: handler start failed: {}", e.toString());
            return ExitCodes.WORKER_BOOT_FAILED;
        }

        Watchdog watchdog = new Watchdog(slot, listener, supervisorPid);
        watchdog.start();
        slot.setState(WorkerState.IDLE);
        while (slot.request() == ShutdownRequest.NORMAL) {
            SocketChannel connection;
            try {
                connection = listener.accept();
            } catch (ClosedChannelException e) {
                break; // the watchdog closed the listener: we were asked to leave while idle
            } catch (IOException e) {
                log.warn("accept failed: {}", e.getMessage());
                continue;
            }
            slot.setState(WorkerState.BUSY);
            slot.countCall();
            serve(handler, connection);
            slot.setState(WorkerState.IDLE);
        }
        slot.setState(WorkerState.EXITING);
        log.info("leaving: {} requested", slot.request().name().toLowerCase());
        handler.stop();
        // Chronicle Map unmaps the scoreboard in a shutdown hook: a watchdog still reading its slot
        // then would crash the JVM (SIGSEGV, exit 134, an hs_err file). Stop it before System.exit.
        watchdog.finish();
        return ExitCodes.WORKER_LEFT;
    }

    private void serve(ConnectionHandler handler, SocketChannel channel) {
        InetSocketAddress client = null;
        try (channel) {
            client = (InetSocketAddress) channel.getRemoteAddress();
            log.info("new client connected: {}:{}", client.getAddress().getHostAddress(), client.getPort());
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            handler.handle(new AcceptedConnection(channel, client, this));
        } catch (Exception | LinkageError | StackOverflowError e) {
            log.warn("handler failed on {}: {}", client, e.toString());
        }
        log.info("client disconnected: {}", client == null ? "?" : client.getAddress().getHostAddress() + ":" + client.getPort());
    }

    private static ServerSocketChannel inheritedListener() throws BootException {
        Channel inherited;
        try {
            inherited = System.inheritedChannel();
        } catch (IOException e) {
            inherited = null;
        }
        if (!(inherited instanceof ServerSocketChannel)) {
            throw new BootException("fd 0 is not the listening socket (was the worker started by hand?)");
        }
        return (ServerSocketChannel) inherited;
    }

    @Override
    public int slot() {
        return slotIndex;
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public Logger log() {
        return log;
    }
}
