import Foundation
import MDCore
import MDIngest
import MDWire
import Testing
import ZeroMQ

/// Receives events until `done` says so or `seconds` pass.
func collect(
    _ sub: FrameSubscriber, seconds: Double = 10, until done: ([IngestEvent]) -> Bool
) throws -> [IngestEvent] {
    var events: [IngestEvent] = []
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline && !done(events) {
        if let e = try sub.receiveOnce(timeoutMilliseconds: 50) { events += e }
    }
    return events
}

func frames(_ events: [IngestEvent]) -> [Frame] {
    events.compactMap { if case let .frame(f, _) = $0 { return f } else { return nil } }
}

func hasEnd(_ events: [IngestEvent]) -> Bool {
    events.contains { if case .segmentEnd = $0 { return true } else { return false } }
}

@Suite struct IngestSocketTests {
    @Test(arguments: [FramePublisher.Mode.push, .publish])
    func everyFrameArrivesOverTCP(mode: FramePublisher.Mode) throws {
        let ctx = try ZMQContext()
        let publisher = try FramePublisher(context: ctx, mode: mode, endpoint: "tcp://127.0.0.1:*")
        #expect(publisher.endpoint.hasPrefix("tcp://127.0.0.1:"))
        #expect(!publisher.endpoint.hasSuffix(":*"))
        let sub = try FrameSubscriber(
            context: ctx, options: .init(mode: mode == .push ? .pull : .subscribe, endpoint: publisher.endpoint))
        #expect(try publisher.waitForSubscriber(timeoutSeconds: 10))
        try publisher.send(ControlMessage(kind: .segmentStart, runID: "t1", sentAt: WallClock.now()))
        for k in 0..<50 {
            var f = frame(run: "t1", seq: UInt64(k), ids: [5, 3, 9, 1])
            f.step = Int64(k * 100)
            try publisher.send(f)
        }
        try publisher.send(ControlMessage(kind: .end, runID: "t1", sentAt: WallClock.now(), frames: 50))
        let events = try collect(sub, until: hasEnd)
        let got = frames(events)
        #expect(got.count == 50)
        #expect(got.map(\.step) == (0..<50).map { Int64($0 * 100) })
        #expect(got.allSatisfy { $0.ids == [1, 3, 5, 9] })
        #expect(sub.statistics.frames == 50)
        #expect(sub.statistics.gaps == 0)
        #expect(sub.statistics.rejectedTotal == 0)
        #expect(sub.statistics.latency.count == 50)
        #expect(sub.tracker.runs["t1"]?.expectedFrames == 50)
        #expect(sub.tracker.runs["t1"]?.announced == true)
    }

    @Test func gapsAndTrailingLossesAreCounted() throws {
        let ctx = try ZMQContext()
        let publisher = try FramePublisher(context: ctx, mode: .push, endpoint: "inproc://gaps-\(UUID().uuidString)")
        let sub = try FrameSubscriber(context: ctx, options: .init(mode: .pull, endpoint: publisher.endpoint))
        for seq: UInt64 in [0, 1, 4, 5, 9] { try publisher.send(frame(run: "g", seq: seq)) }
        try publisher.send(ControlMessage(kind: .end, runID: "g", sentAt: WallClock.now(), frames: 12))
        _ = try collect(sub, until: hasEnd)
        #expect(sub.statistics.frames == 5)
        // 2,3 + 6,7,8 missing in the middle, 10,11 at the end.
        #expect(sub.statistics.gaps == 7)
        #expect(sub.tracker.runs["g"]?.gaps == 7)
    }

    @Test func malformedMessagesAreCountedAndTheStreamGoesOn() throws {
        let ctx = try ZMQContext()
        let publisher = try FramePublisher(context: ctx, mode: .push, endpoint: "tcp://127.0.0.1:*")
        let sub = try FrameSubscriber(context: ctx, options: .init(mode: .pull, endpoint: publisher.endpoint))
        try publisher.send(frame(run: "m", seq: 0))
        try publisher.send(parts: [Array("frame".utf8), Array("{not json".utf8)])
        try publisher.send(parts: [Array("garbage".utf8)])
        try publisher.send(parts: [[0xFF, 0x00, 0x13], [1, 2, 3], []])
        var truncated = WireEncoder.encode(frame(run: "m", seq: 1), sentAt: 0)
        truncated[4].removeLast(3)
        try publisher.send(parts: truncated)
        var nan = frame(run: "m", seq: 1)
        nan.positions[0] = .nan
        try publisher.send(nan)
        try publisher.send(frame(run: "m", seq: 1, ids: [1, 2, 3, 4]))  // atom set changed
        try publisher.send(frame(run: "m", seq: 1))
        try publisher.send(ControlMessage(kind: .end, runID: "m", sentAt: WallClock.now(), frames: 2))
        let events = try collect(sub, until: hasEnd)
        #expect(frames(events).count == 2)
        let s = sub.statistics
        #expect(s.rejected["header-json"] == 1)
        #expect(s.rejected["topic"] == 2)
        #expect(s.rejected["array-size"] == 1)
        #expect(s.rejected["non-finite"] == 1)
        #expect(s.rejected["atom-set-changed"] == 1)
        #expect(s.rejectedTotal == 6)
        #expect(s.received == 9)
        #expect(s.gaps == 0)
        #expect(sub.tracker.runs["m"]?.rejected == 3)
    }

    @Test func oversizeMessageIsDroppedAndLaterFramesArrive() throws {
        let ctx = try ZMQContext()
        let publisher = try FramePublisher(context: ctx, mode: .push, endpoint: "tcp://127.0.0.1:*")
        let sub = try FrameSubscriber(
            context: ctx, options: .init(mode: .pull, endpoint: publisher.endpoint, maxMessageBytes: 64 * 1024))
        #expect(try publisher.waitForSubscriber(timeoutSeconds: 10))
        try publisher.send(parts: [Array("frame".utf8), [UInt8](repeating: 0x20, count: 1 << 20)])
        // ZeroMQ drops the connection that carried the oversize message; the publisher
        // reconnects by itself. Keep sending until a frame gets through.
        var got: [Frame] = []
        let deadline = Date().addingTimeInterval(15)
        var seq: UInt64 = 0
        while got.isEmpty && Date() < deadline {
            _ = try publisher.send(frame(run: "big", seq: seq), dontWait: true)
            seq += 1
            if let e = try sub.receiveOnce(timeoutMilliseconds: 100) { got += frames(e) }
        }
        #expect(!got.isEmpty)
        #expect(sub.statistics.reconnects >= 1)
        #expect(sub.statistics.rejectedTotal == 0)
    }

    @Test func aPublisherThatClosesEarlyLosesNothingQueued() throws {
        // The publisher sends everything and closes while the daemon has read nothing yet;
        // the daemon then reads slowly. Every frame and the end must still arrive.
        let ctx = try ZMQContext()
        let sub: FrameSubscriber
        do {
            let publisher = try FramePublisher(context: ctx, mode: .push, endpoint: "tcp://127.0.0.1:*", sendHighWaterMark: 100_000)
            sub = try FrameSubscriber(
                context: ctx, options: .init(mode: .pull, endpoint: publisher.endpoint, receiveHighWaterMark: 100_000))
            #expect(try publisher.waitForSubscriber(timeoutSeconds: 10))
            for k in 0..<300 { try publisher.send(frame(run: "early", seq: UInt64(k))) }
            try publisher.send(ControlMessage(kind: .end, runID: "early", sentAt: WallClock.now(), frames: 300))
            Thread.sleep(forTimeInterval: 0.3)  // let the bytes reach the receiver
            publisher.close()
        }
        Thread.sleep(forTimeInterval: 1.0)  // the disconnect is long past when reading starts
        var count = 0
        let events = try collect(sub, seconds: 20) { events in
            count = frames(events).count
            if count % 50 == 0 { Thread.sleep(forTimeInterval: 0.2) }  // a slow daemon
            return hasEnd(events)
        }
        #expect(frames(events).count == 300)
        #expect(hasEnd(events))
        #expect(sub.statistics.reconnects == 0)
    }

    @Test func slowJoinerProtectionWaitsForTheSubscription() throws {
        let ctx = try ZMQContext()
        let publisher = try FramePublisher(context: ctx, mode: .publish, endpoint: "tcp://127.0.0.1:*")
        #expect(try publisher.waitForSubscriber(timeoutSeconds: 0.3) == false)
        let sub = try FrameSubscriber(context: ctx, options: .init(mode: .subscribe, endpoint: publisher.endpoint))
        #expect(try publisher.waitForSubscriber(timeoutSeconds: 10))
        // The very first message after the wait must arrive.
        try publisher.send(frame(run: "sj", seq: 0))
        let events = try collect(sub) { !frames($0).isEmpty }
        #expect(frames(events).count == 1)
    }
}
