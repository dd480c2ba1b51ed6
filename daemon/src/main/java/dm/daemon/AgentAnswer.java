package dm.daemon;

import java.nio.charset.StandardCharsets;

/**
 * What the agent endpoint tells a load balancer about this host: up with a weight, drain, or
 * maint, as a line of HAProxy's agent-check protocol or as an HTTP response for a readiness probe.
 */
record AgentAnswer(State state, int weightPercent) {

    enum State { UP, DRAIN, MAINT }

    static final AgentAnswer DRAIN = new AgentAnswer(State.DRAIN, 0);
    static final AgentAnswer MAINT = new AgentAnswer(State.MAINT, 0);

    /**
     * From the pool as the scoreboard shows it. The weight is the share of the pool's capacity
     * (pool.max workers of worker.threads connections each) that is not busy, at least 1% while a worker
     * accepts: 0% would drain the host without saying so.
     */
    static AgentAnswer of(boolean stopping, int idle, int busy, int capacity) {
        if (stopping) {
            return DRAIN;
        }
        if (idle == 0 && busy == 0) {
            return MAINT;
        }
        int free = Math.max(0, capacity - busy);
        int percent = (int) Math.round(100.0 * free / Math.max(1, capacity));
        return new AgentAnswer(State.UP, Math.max(1, Math.min(100, percent)));
    }

    /**
     * HAProxy's words. "ready" comes with "up": HAProxy keeps a drain or maint that an agent set
     * until an agent says ready, for instance when a new daemon follows a drained one on the host.
     */
    String agentLine() {
        switch (state) {
            case UP:
                return "up ready " + weightPercent + "%";
            case DRAIN:
                return "drain";
            default:
                return "maint";
        }
    }

    /** 200 while up, 503 otherwise; the agent line as the body (none for HEAD). */
    byte[] httpResponse(boolean withBody) {
        String body = agentLine() + "\n";
        String head = (state == State.UP ? "HTTP/1.0 200 OK" : "HTTP/1.0 503 Service Unavailable") + "\r\n"
                + "Content-Type: text/plain\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n";
        return (withBody ? head + body : head).getBytes(StandardCharsets.US_ASCII);
    }
}
