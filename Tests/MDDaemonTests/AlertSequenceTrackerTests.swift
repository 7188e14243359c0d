import MDDaemon
import Testing

/// The listener's gap and restart logic on scripted observations (no sockets, no files).
@Suite struct AlertSequenceTrackerTests {
    typealias Tracker = AlertSequenceTracker

    private func gaps(_ events: [Tracker.Event]) -> [Tracker.Gap] {
        events.compactMap { if case let .gap(g) = $0 { g } else { nil } }
    }

    @Test func consecutiveAlertsHaveNoGap() {
        var t = Tracker(countsGaps: true)
        for seq in 1...5 { #expect(t.observeAlert(daemonID: "d1", runID: "r1", alertSeq: UInt64(seq), frameSeq: UInt64(seq * 10)).isEmpty) }
        let s = t.stream(daemonID: "d1", runID: "r1")
        #expect(s?.received == 5)
        #expect(s?.lastReceived == 5)
        #expect(s?.lastFrameSeq == 50)
        #expect(s?.missed == 0)
    }

    @Test func aJumpIsAGapOfTheMissingCount() {
        var t = Tracker(countsGaps: true)
        _ = t.observeAlert(daemonID: "d1", runID: "r1", alertSeq: 1, frameSeq: nil)
        _ = t.observeAlert(daemonID: "d1", runID: "r1", alertSeq: 2, frameSeq: nil)
        let g = gaps(t.observeAlert(daemonID: "d1", runID: "r1", alertSeq: 6, frameSeq: nil))
        #expect(g == [Tracker.Gap(daemonID: "d1", runID: "r1", missingFrom: 3, missingTo: 5, reason: .sequenceJump)])
        #expect(g.first?.count == 3)
        #expect(t.stream(daemonID: "d1", runID: "r1")?.missed == 3)
        // Another run of the same daemon is its own stream.
        #expect(t.observeAlert(daemonID: "d1", runID: "r2", alertSeq: 1, frameSeq: nil).isEmpty)
    }

    @Test func theFirstAlertOfAnUnknownStreamAccountsForTheEarlierOnes() {
        var t = Tracker(countsGaps: true)
        let g = gaps(t.observeAlert(daemonID: "d1", runID: "r1", alertSeq: 4, frameSeq: nil))
        #expect(g.map(\.reason) == [.beforeFirst])
        #expect(g.map(\.count) == [3])
    }

    @Test func statsBeyondTheLastReceivedIsAGapOnce() {
        var t = Tracker(countsGaps: true)
        _ = t.observeAlert(daemonID: "d1", runID: "r1", alertSeq: 1, frameSeq: 5)
        let g = gaps(t.observeStats(daemonID: "d1", runID: "r1", alertsPublished: 3, frameSeq: 40, firstFrameSeq: 0))
        #expect(g == [Tracker.Gap(daemonID: "d1", runID: "r1", missingFrom: 2, missingTo: 3, reason: .stats)])
        // The same stats again, and the next alert after them: nothing new.
        #expect(t.observeStats(daemonID: "d1", runID: "r1", alertsPublished: 3, frameSeq: 50, firstFrameSeq: 0).isEmpty)
        #expect(t.observeAlert(daemonID: "d1", runID: "r1", alertSeq: 4, frameSeq: 60).isEmpty)
        #expect(t.stream(daemonID: "d1", runID: "r1")?.missed == 2)
        #expect(t.stream(daemonID: "d1", runID: "r1")?.lastFrameSeq == 60)
    }

    @Test func aRecordedGapIsNotCountedAgain() {
        var t = Tracker(countsGaps: true)
        _ = t.observeAlert(daemonID: "d1", runID: "r1", alertSeq: 1, frameSeq: nil)
        // As read back from the log: alerts 2...3 were already reported missing.
        let recorded = gaps(t.observeRecordedGap(daemonID: "d1", runID: "r1", missingTo: 3))
        #expect(recorded.map(\.reason) == [.recorded])
        #expect(t.observeAlert(daemonID: "d1", runID: "r1", alertSeq: 4, frameSeq: nil).isEmpty)
        // A recorded gap the tracker already counted itself adds nothing.
        _ = t.observeAlert(daemonID: "d1", runID: "r1", alertSeq: 7, frameSeq: nil)
        #expect(t.observeRecordedGap(daemonID: "d1", runID: "r1", missingTo: 6).isEmpty)
        #expect(t.stream(daemonID: "d1", runID: "r1")?.missed == 4)
    }

    @Test func aRepeatedAlertIsOutOfOrderNotAGap() {
        var t = Tracker(countsGaps: true)
        _ = t.observeAlert(daemonID: "d1", runID: "r1", alertSeq: 1, frameSeq: nil)
        _ = t.observeAlert(daemonID: "d1", runID: "r1", alertSeq: 2, frameSeq: nil)
        let events = t.observeAlert(daemonID: "d1", runID: "r1", alertSeq: 2, frameSeq: nil)
        #expect(events == [.outOfOrder(daemonID: "d1", runID: "r1", alertSeq: 2, accounted: 2)])
        #expect(t.observeAlert(daemonID: "d1", runID: "r1", alertSeq: 3, frameSeq: nil).isEmpty)
    }

    @Test func narrowFiltersCountNoGaps() {
        var t = Tracker(countsGaps: false)
        #expect(t.observeAlert(daemonID: "d1", runID: "r1", alertSeq: 5, frameSeq: nil).isEmpty)
        #expect(t.observeAlert(daemonID: "d1", runID: "r1", alertSeq: 9, frameSeq: nil).isEmpty)
        #expect(t.observeStats(daemonID: "d1", runID: "r1", alertsPublished: 20, frameSeq: nil, firstFrameSeq: nil).isEmpty)
        #expect(t.stream(daemonID: "d1", runID: "r1")?.missed == 0)
    }

    @Test func aNewDaemonForAKnownRunIsARestartWithTheFramesNotAnalysed() {
        var t = Tracker(countsGaps: true)
        _ = t.observeAlert(daemonID: "old", runID: "r1", alertSeq: 1, frameSeq: 100)
        _ = t.observeAlert(daemonID: "old", runID: "r1", alertSeq: 2, frameSeq: 120)
        _ = t.observeStats(daemonID: "old", runID: "r1", alertsPublished: 2, frameSeq: 130, firstFrameSeq: 0)
        // The new daemon's first alert: restart noticed, its first frame not known yet.
        let first = t.observeAlert(daemonID: "new", runID: "r1", alertSeq: 1, frameSeq: 170)
        let expected = Tracker.Restart(
            runID: "r1", oldDaemonID: "old", newDaemonID: "new", oldLastAlertSeq: 2, oldLastFrameSeq: 130, newFirstFrameSeq: nil)
        #expect(first == [.daemonRestart(expected)])
        #expect(expected.framesNotAnalysed == nil)
        // Its first stats give the count: frames 131...149 were analysed by nobody.
        var known = expected
        known.newFirstFrameSeq = 150
        #expect(t.observeStats(daemonID: "new", runID: "r1", alertsPublished: 1, frameSeq: 180, firstFrameSeq: 150) == [.restartFrames(known)])
        #expect(known.framesNotAnalysed == 19)
        #expect(known.missingFrames == 131...149)
        // Only once; and the old stream stays as it was.
        #expect(t.observeStats(daemonID: "new", runID: "r1", alertsPublished: 1, frameSeq: 190, firstFrameSeq: 150).isEmpty)
        #expect(t.stream(daemonID: "old", runID: "r1")?.lastReceived == 2)
        // Another run first seen on the new daemon is no restart.
        #expect(t.observeAlert(daemonID: "new", runID: "r2", alertSeq: 1, frameSeq: 1).isEmpty)
    }

    @Test func aRestartNoticedOnStatsKnowsItsFramesAtOnce() {
        var t = Tracker(countsGaps: true)
        _ = t.observeStats(daemonID: "old", runID: "r1", alertsPublished: 0, frameSeq: 99, firstFrameSeq: 0)
        let events = t.observeStats(daemonID: "new", runID: "r1", alertsPublished: 0, frameSeq: 120, firstFrameSeq: 100)
        #expect(events == [.daemonRestart(.init(runID: "r1", oldDaemonID: "old", newDaemonID: "new", oldLastAlertSeq: 0, oldLastFrameSeq: 99, newFirstFrameSeq: 100))])
        if case let .daemonRestart(r) = events.first { #expect(r.framesNotAnalysed == 0) }
    }

    @Test func resettingCountsKeepsTheSequenceState() {
        var t = Tracker(countsGaps: true)
        _ = t.observeAlert(daemonID: "d1", runID: "r1", alertSeq: 3, frameSeq: nil)
        t.resetCounts()
        #expect(t.stream(daemonID: "d1", runID: "r1")?.received == 0)
        #expect(t.stream(daemonID: "d1", runID: "r1")?.missed == 0)
        #expect(gaps(t.observeAlert(daemonID: "d1", runID: "r1", alertSeq: 5, frameSeq: nil)).map(\.count) == [1])
    }
}
