/**
 * The supervisor: one JVM that owns the listening socket and the scoreboard and keeps the pool of
 * worker JVMs. Where to find what:
 *
 * <ul>
 * <li>Starting up: {@code DaemonMain} (dm-daemon) and {@code JsvcDaemon} (jsvc) both go through
 *     {@code Boot}, which checks the configuration and opens a {@code Daemon} (lock, socket,
 *     scoreboard, first {@code Generation}).</li>
 * <li>The loop: {@code Supervisor} is the only actor on workers and holds the daemon's status.
 *     Signals ({@code SignalListener}), jsvc and dm-ctl reach it only as {@code SupervisorEvent}s.</li>
 * <li>The pool: {@code Pool} is the table of {@code PoolSlot}s, each with its {@code WorkerProcess}
 *     and crash back-off ({@code RestartBackoff}); it counts the pool ({@code Census}) and is the one
 *     way a worker is asked to leave or killed.</li>
 * <li>Each turn: {@code Reaper} records a {@link dm.daemon.Verdict} for each exit; {@code Spawner}
 *     starts every worker that is due. Each tick: the SIGKILLs due after thread dumps ({@code Pool}),
 *     {@code PssSampler} (PSS from {@code ProcPss} into the scoreboard), {@code Timeouts} (SIGQUIT for
 *     a thread dump, then SIGKILL; {@code StuckThreads} for a thread stuck in a worker of several),
 *     {@code RollingRestart}, {@code Recycler} (worker.max-requests, worker.max-pss-mib, the min-spare
 *     guard), {@code PoolSizer} (after {@code PoolPolicy}, which counts threads),
 *     {@code ListenQueueSampler}.
 *     After each turn {@code ServiceNotifier} tells systemd (Type=notify) what changed and pings its
 *     watchdog, over {@code NotifySocket}; without NOTIFY_SOCKET it does nothing.</li>
 * <li>Workers ({@code dm.worker}): {@code Worker} boots and runs worker.threads {@code AcceptLoop}s,
 *     platform threads blocking in accept() on the inherited socket, each writing its own
 *     {@code dm.scoreboard.ThreadSlot} inside its worker's {@code Slot}.</li>
 * <li>Configuration: one {@code Generation} per configuration the pool runs (settings, policy,
 *     worker command line, snapshot); {@code ConfigReload} reads the file again for a restart.</li>
 * <li>Endpoints: {@code AgentEndpoint} (agent.listen, for load balancers) and {@code MetricsEndpoint}
 *     (metrics.listen, for Prometheus; the series are common's {@code dm.metrics.PoolMetrics}) are threads
 *     of the supervisor that read the scoreboard and never touch a worker. {@code WorkerClasspath} keeps
 *     the Prometheus library off the workers' class path.</li>
 * <li>Processes: {@code Launcher} / {@code JvmLauncher} start workers ({@code WorkerCommand},
 *     {@code ClassArchive}, {@code OutputRelay}, which puts the worker's prefix on lines written
 *     outside logging); the loop sees them as {@code WorkerHandle}s and reads memory through a
 *     {@code PssSource}, so its unit tests use pretend workers and a {@code Clock} they move by hand.</li>
 * </ul>
 */
package dm.daemon;
