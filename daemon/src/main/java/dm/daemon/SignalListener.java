package dm.daemon;

import sun.misc.Signal;

/** Turns TERM, INT and HUP into supervisor events. The handlers only enqueue. */
final class SignalListener {

    private SignalListener() {
    }

    static void install(Supervisor supervisor) {
        for (String name : new String[] {"TERM", "INT", "HUP"}) {
            Signal.handle(new Signal(name), signal -> supervisor.enqueue(new SupervisorEvent.SignalReceived(name)));
        }
    }
}
