package dm.daemon;

import sun.misc.Signal;

/** Turns TERM, INT and HUP into supervisor events. The handlers only enqueue. */
final class SignalListener {

    private SignalListener() {
    }

    static void install(Daemon daemon) {
        Signal.handle(new Signal("TERM"), signal -> daemon.enqueue(new SupervisorEvent.Stop("SIGTERM")));
        Signal.handle(new Signal("INT"), signal -> daemon.enqueue(new SupervisorEvent.Stop("SIGINT")));
        Signal.handle(new Signal("HUP"), signal -> daemon.enqueue(new SupervisorEvent.Restart("SIGHUP")));
    }
}
