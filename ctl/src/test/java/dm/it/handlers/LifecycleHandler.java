package dm.it.handlers;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import dm.handler.Connection;
import dm.handler.ConnectionHandler;
import dm.handler.WorkerContext;

/**
 * Makes the handler life cycle visible. Each hook logs through the worker's logger; each request
 * line gets one reply line saying how often this instance's start hook ran, how many connections it
 * has handled, and what the Connection says about the worker and the client.
 */
public final class LifecycleHandler implements ConnectionHandler {
    private int starts;
    private int handled;
    private long startPid;
    private int startSlot = -1;
    private int startThread = -2;
    private WorkerContext context;

    @Override
    public void start(WorkerContext worker) {
        starts++;
        context = worker;
        startPid = worker.pid();
        startSlot = worker.slot();
        startThread = worker.thread();
        worker.log().info("lifecycle: start hook, starts={} pid={} slot={}", starts, worker.pid(), worker.slot());
    }

    @Override
    public void handle(Connection connection) throws Exception {
        handled++;
        BufferedReader in = new BufferedReader(new InputStreamReader(connection.input(), StandardCharsets.UTF_8));
        OutputStream out = connection.output();
        Socket socket = connection.channel().socket();
        String line;
        while ((line = in.readLine()) != null) {
            String reply = "line=" + line + " starts=" + starts + " handled=" + handled
                    + " startPid=" + startPid + " startSlot=" + startSlot
                    + " pid=" + connection.worker().pid() + " slot=" + connection.worker().slot()
                    + " sameContext=" + (connection.worker() == context)
                    + " client=" + connection.client().getAddress().getHostAddress() + ":" + connection.client().getPort()
                    + " nodelay=" + socket.getTcpNoDelay() + " thread=" + connection.worker().thread() + "/"
                    + connection.worker().threads() + " startThread=" + startThread + "\n";
            out.write(reply.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    @Override
    public void stop() {
        context.log().info("lifecycle: stop hook after {} connections, pid={}", handled, context.pid());
    }
}
