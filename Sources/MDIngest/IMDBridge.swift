import MDCore
import MDIMD
import MDWire

#if canImport(Glibc)
import Glibc
#endif

/// Reads frames from a live LAMMPS over IMD and publishes them as wire-protocol frames on a
/// ``FramePublisher``: `soaplens attach` publishes them on a TCP socket, `soaplens run --imd`
/// on an in-process one that the daemon's own subscriber reads.
///
/// Its loop runs on a thread of its own and never waits for the analysis unless the
/// lossless mode says so (``IMDBridgeOptions/Overflow``). It connects (retrying until
/// LAMMPS listens), sends GO at once, sets TRATE, announces a run per session
/// (`segment-start` … `end`, sequence numbers counting dropped frames too, so receivers
/// see the losses), reconnects when LAMMPS restarts, and on stop always detaches with
/// DISCONNECT (KILL only when asked).
public final class IMDBridge {
    public let options: IMDBridgeOptions
    private let publisher: FramePublisher
    /// Counters so far.
    public private(set) var statistics = IMDBridgeStatistics()

    public init(options: IMDBridgeOptions, publisher: FramePublisher) {
        self.options = options
        self.publisher = publisher
    }

    /// Runs sessions until `stop()` (checked at least every 100 ms), until LAMMPS ends the
    /// first session when `reconnect` is off, or until `giveUpAfter` passes with nobody at the
    /// address. Throws only for what no retry can mend (a frame socket error, an unusable
    /// session such as v2 without a box).
    public func run(stop: () -> Bool, events: (IMDBridgeEvent) -> Void) throws {
        let base = options.runID ?? "imd-\(options.address.host)-\(options.address.port)-\(Int(WallClock.now()))-\(getpid())"
        var lastReport = -Double.infinity
        var waitingSince: Double?
        while !stop() {
            let opened: IMDConnection?
            do {
                opened = try IMDConnection.open(options.address, stop: stop, onConnected: { events(.tcpConnected(options.address)) })
            } catch {
                let e: IMDError = error
                guard e.kind == .refused || e.kind == .io || e.kind == .closed else { throw e }
                let now = WallClock.monotonic()
                waitingSince = waitingSince ?? now
                if let limit = options.giveUpAfter, now - waitingSince! > limit {
                    throw IMDError(.refused, "no IMD server at \(options.address) for \(Int(limit)) s: \(e.description)")
                }
                if now - lastReport >= 30 {
                    events(.waiting(e))
                    lastReport = now
                }
                sleepUnlessStopped(options.retryInterval, stop: stop)
                continue
            }
            guard let connection = opened else { return }
            waitingSince = nil
            statistics.sessions += 1
            events(.attached(address: options.address, version: connection.version, byteOrder: connection.byteOrder, session: connection.session))
            let runID = statistics.sessions == 1 ? base : "\(base)-\(statistics.sessions)"
            let outcome = try session(connection, runID: runID, stop: stop, events: events)
            if outcome == .stopped || !options.reconnect { return }
        }
    }

    private enum Outcome { case stopped, ended, failed }

    /// One connection: frames until LAMMPS closes it, a failure, or stop.
    private func session(_ c: IMDConnection, runID sessionRun: String, stop: () -> Bool, events: (IMDBridgeEvent) -> Void) throws -> Outcome {
        var rate = options.rate
        if let r = rate {
            do { try c.setRate(r) } catch {
                events(.sessionFailed(error))
                c.close()
                return .failed
            }
        }
        statistics.rate = rate
        var decimate = options.overflow == .decimate
        if decimate && !c.session.time {
            decimate = false
            events(.warning("--overflow decimate needs IMD v3 with `time yes` (steps come with the frames); dropping frames instead"))
        }
        if !c.session.time {
            events(.warning("IMD v\(c.version) sends no step numbers: step = frames received × TRATE (\(rate ?? 1)\(rate == nil ? ", assumed: give --trate" : "")), counted from this connection, assuming soaplens attached before the run's first output step"))
        }
        var builder: IMDFrameBuilder?
        var runID = sessionRun
        var seq: UInt64 = 0
        var dropped: UInt64 = 0
        var runOpen = false
        var lastStep: Int64?
        var interval: Int64?
        // The decimating mode asked for a new TRATE and waits to see the new spacing.
        var awaitingSpacing = false
        let lossless = options.overflow == .wait

        // Run boundaries wait for room in the frame socket: without limit in the lossless
        // mode and once LAMMPS has closed the connection (nobody is held up), at most
        // `controlPatience` (0.2 s) while LAMMPS runs (a receiver that misses a segment-start
        // still sees the run begin with its first frame), and at most 2 s once stopping (so
        // the receiver still learns a run's frame count from its end).
        func sendControl(_ message: ControlMessage, serverGone: Bool = false) {
            let now = WallClock.monotonic()
            let giveUp = now + (serverGone || lossless ? .infinity : Self.controlPatience)
            let stoppingGiveUp = now + 2
            let sent = (try? publisher.send(message, until: {
                let t = WallClock.monotonic()
                return t > giveUp || (stop() && t > stoppingGiveUp)
            })) ?? false
            if !sent { statistics.controlsDropped += 1 }
        }
        func endRun(_ reason: String, serverGone: Bool = false) {
            guard runOpen else { return }
            runOpen = false
            sendControl(ControlMessage(kind: .end, runID: runID, sentAt: WallClock.now(), frames: seq), serverGone: serverGone)
            events(.runEnded(runID: runID, frames: seq, dropped: dropped, reason: reason))
        }
        func startRun(_ id: String, atoms: Int, source: String) {
            runID = id
            seq = 0
            dropped = 0
            runOpen = true
            sendControl(ControlMessage(kind: .segmentStart, runID: id, sentAt: WallClock.now(), source: source))
            events(.runStarted(runID: id, atoms: atoms, source: source))
        }
        func detach() {
            let closed = options.killOnStop ? c.kill() : c.disconnect()
            events(.detached(version: c.version, killed: options.killOnStop, serverClosed: closed))
        }

        while true {
            let next: IMDConnection.Next
            do {
                next = try c.next(stop: stop)
            } catch {
                statistics.failures += 1
                events(.sessionFailed(error))
                c.disconnect(drainSeconds: 1, catchUpSeconds: 0)  // the stream is out of step
                endRun("error", serverGone: true)
                return .failed
            }
            switch next {
            case .stopped:
                detach()
                endRun("stopped")
                return .stopped
            case .ended:
                c.close()
                endRun("LAMMPS closed the connection", serverGone: true)
                return .ended
            case .frame(let imd):
                statistics.framesRead += 1
                statistics.bytesRead += UInt64(imd.wireBytes)
                if builder == nil {
                    do {
                        builder = try IMDFrameBuilder(
                            topology: options.topology, version: c.version, session: c.session, atomCount: imd.atomCount, address: options.address)
                    } catch {
                        detach()
                        throw error
                    }
                    startRun(sessionRun, atoms: imd.atomCount, source: builder!.source)
                }
                let step = imd.step ?? Int64(c.framesReceived) * Int64(rate ?? 1)
                // The decimating mode: a new frame spacing after a TRATE change starts a new run.
                if let last = lastStep {
                    let d = step - last
                    if let i = interval, d != i, awaitingSpacing {
                        endRun("frame spacing changed to \(d) steps")
                        startRun("\(sessionRun)-r\(d)", atoms: imd.atomCount, source: builder!.source)
                        awaitingSpacing = false
                    }
                    interval = d
                }
                lastStep = step
                statistics.lastStep = step
                let frame = builder!.frame(imd, runID: runID, sequence: seq, step: step)
                seq += 1
                let sent: Bool
                if lossless {
                    let t0 = WallClock.monotonic()
                    sent = try publisher.send(frame, precision: options.precision, until: stop)
                    statistics.blockedSeconds += WallClock.monotonic() - t0
                } else {
                    sent = try publisher.send(frame, precision: options.precision, dontWait: true)
                }
                if sent {
                    statistics.framesPublished += 1
                } else {
                    statistics.framesDropped += 1
                    dropped += 1
                    if decimate, !awaitingSpacing {
                        let current = rate ?? Int32(clamping: interval ?? 1)
                        let wanted = min(options.maxRate, max(2, current * 2))
                        if wanted > current {
                            do {
                                try c.setRate(wanted)
                            } catch {
                                events(.sessionFailed(error))
                                c.close()
                                endRun("error")
                                return .failed
                            }
                            events(.rateChanged(from: rate, to: wanted, runID: runID))
                            rate = wanted
                            awaitingSpacing = true
                            statistics.rate = wanted
                            statistics.rateChanges += 1
                        }
                    }
                }
            }
        }
    }

    /// Seconds a run boundary may wait for room in the frame socket outside the lossless mode.
    static let controlPatience = 0.2

    private func sleepUnlessStopped(_ seconds: Double, stop: () -> Bool) {
        let end = WallClock.monotonic() + seconds
        while !stop() && WallClock.monotonic() < end { usleep(50_000) }
    }
}
