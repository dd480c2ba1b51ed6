package example;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import dm.handler.Connection;
import dm.handler.ConnectionHandler;
import dm.handler.HandlerSettings;
import dm.handler.WorkerContext;

/**
 * Greets every line it receives: "hello, NAME (#N from worker PID)", or with the word set by
 * {@code handler.greeting} in server.properties. Shows the parts of a handler: a configure step
 * that reads and checks its settings, a per-worker start hook, the per-connection work, and a stop
 * hook.
 */
public final class GreetingHandler implements ConnectionHandler {
    private final AtomicLong greetings = new AtomicLong();
    private String greeting;
    private WorkerContext worker;

    @Override
    public void configure(HandlerSettings settings) {
        greeting = settings.setting("handler.greeting", "hello");
        if (greeting.isEmpty()) {
            throw settings.invalid("handler.greeting", "must not be empty");
        }
    }

    @Override
    public void start(WorkerContext context) {
        this.worker = context;
        context.log().info("greeting handler ready: {}", greeting);
    }

    @Override
    public void handle(Connection connection) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(connection.input(), StandardCharsets.UTF_8));
        OutputStream out = connection.output();
        String name;
        while ((name = in.readLine()) != null) {
            String reply = greeting + ", " + name.strip() + " (#" + greetings.incrementAndGet() + " from worker "
                    + worker.pid() + ")\n";
            out.write(reply.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    @Override
    public void stop() {
        worker.log().info("greeting handler said {} {} times", greeting, greetings.get());
    }
}
