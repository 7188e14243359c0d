import Foundation
import MDAlerts
import Testing

/// The alert message body against its published JSON Schema (docs/alert-message.schema.json):
/// every key present, each value of the type (and enum, range) the schema gives, nothing else;
/// NaN and absent values as null; the topic `alert.<rule>`.
@Suite struct AlertMessageTests {
    static let schemaURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/alert-message.schema.json")

    /// A small checker for the schema's vocabulary used there: type, enum, const, minimum,
    /// maximum, items, minItems/maxItems, properties, required, additionalProperties.
    static func violations(_ value: Any, _ schema: [String: Any], path: String = "$") -> [String] {
        var out: [String] = []
        let types: [String] = (schema["type"] as? [String]) ?? ((schema["type"] as? String).map { [$0] } ?? [])
        func kind(_ v: Any) -> String {
            if v is NSNull { return "null" }
            if let n = v as? NSNumber {
                // (The schema has no booleans.)
                return n.doubleValue == n.doubleValue.rounded() && !"\(n)".contains(".") && !"\(n)".contains("e") ? "integer" : "number"
            }
            if v is String { return "string" }
            if v is [Any] { return "array" }
            if v is [String: Any] { return "object" }
            return "unknown"
        }
        let k = kind(value)
        if !types.isEmpty && !types.contains(k) && !(k == "integer" && types.contains("number")) {
            return ["\(path): \(k), schema allows \(types)"]
        }
        if let allowed = schema["enum"] as? [String], let s = value as? String, !allowed.contains(s) { out.append("\(path): '\(s)' not in \(allowed)") }
        if let c = schema["const"] as? Int, (value as? Int) != c { out.append("\(path): not \(c)") }
        if let c = schema["const"] as? String, (value as? String) != c { out.append("\(path): not '\(c)'") }
        if let n = value as? NSNumber, k != "null" {
            if let lo = schema["minimum"] as? Double, n.doubleValue < lo { out.append("\(path): below \(lo)") }
            if let hi = schema["maximum"] as? Double, n.doubleValue > hi { out.append("\(path): above \(hi)") }
        }
        if let a = value as? [Any] {
            if let lo = schema["minItems"] as? Int, a.count < lo { out.append("\(path): \(a.count) items") }
            if let hi = schema["maxItems"] as? Int, a.count > hi { out.append("\(path): \(a.count) items") }
            if let items = schema["items"] as? [String: Any] {
                for (i, v) in a.enumerated() { out += violations(v, items, path: "\(path)[\(i)]") }
            }
        }
        if let o = value as? [String: Any] {
            let properties = schema["properties"] as? [String: [String: Any]] ?? [:]
            for key in schema["required"] as? [String] ?? [] where o[key] == nil { out.append("\(path): '\(key)' missing") }
            if schema["additionalProperties"] as? Bool == false {
                for key in o.keys where properties[key] == nil { out.append("\(path): '\(key)' not in the schema") }
            }
            for (key, v) in o { if let s = properties[key] { out += violations(v, s, path: "\(path).\(key)") } }
        }
        return out
    }

    static func check(_ message: AlertMessage) throws -> [String: Any] {
        let schema = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: schemaURL)) as? [String: Any])
        let body = try #require(try JSONSerialization.jsonObject(with: message.json()) as? [String: Any])
        let problems = violations(body, schema)
        #expect(problems.isEmpty, "\(problems)")
        return body
    }

    @Test func aTransitionAlertFollowsTheSchema() throws {
        let alert = Alert(
            rule: "edge-detachment", kind: .namedTransition, severity: .warning, runID: "run-7", step: 120_000, time: 600, index: 580,
            atomID: 2391, atomIndex: 812, position: SIMD3(12.5, 3.25, 44.5), macro: 4, micro: 9, fromMacro: 2, toMacro: 4,
            fromMicro: 5, toMicro: 9, fromName: "step edge", toName: "adatom", macroName: "adatom", lens: 0.42,
            transitionProbability: 0.0031, novelty: .nan)
        let message = AlertMessage(alert: alert, alertSeq: 17, frameSequence: 591, lagFrames: 11, lagPS: 11, modelID: "b706fdab9f32cbc9", daemonID: "0123456789abcdef")
        #expect(message.topic == "alert.edge-detachment")
        let body = try Self.check(message)
        #expect(body["alert_seq"] as? Int == 17 && body["atom_id"] as? Int == 2391 && body["from_name"] as? String == "step edge")
        #expect(body["position_angstrom"] as? [Double] == [12.5, 3.25, 44.5])
        #expect(body["novelty"] is NSNull && body["storm"] is NSNull)  // NaN and absent → null
        #expect(body["schema_version"] as? Int == AlertMessage.schemaVersion)
    }

    @Test func aStormAlertFollowsTheSchema() throws {
        let storm = AlertStorm(counts: [.init(rule: "burst", count: 70), .init(rule: "novel", count: 3)], total: 73, limit: 50)
        let alert = Alert(rule: "storm", kind: .storm, severity: .critical, runID: "r", step: 10, time: nil, index: 3, storm: storm)
        let body = try Self.check(AlertMessage(alert: alert, alertSeq: 1, frameSequence: nil, lagFrames: 11, lagPS: .infinity, modelID: "m", daemonID: "0123456789abcdef"))
        #expect(body["atom_id"] is NSNull && body["time_ps"] is NSNull && body["lag_ps"] is NSNull)
        #expect((body["storm"] as? [String: Any])?["total"] as? Int == 73)
    }

    @Test func theCheckerCatchesAViolation() throws {
        let schema = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: Self.schemaURL)) as? [String: Any])
        var body = try #require(try JSONSerialization.jsonObject(with: AlertMessage(
            alert: Alert(rule: "x", kind: .novelty, severity: .info, runID: "r", step: 1, time: 1, index: 0), alertSeq: 1,
            frameSequence: 2, lagFrames: 0, lagPS: 0, modelID: "m", daemonID: "0123456789abcdef").json()) as? [String: Any])
        #expect(Self.violations(body, schema).isEmpty)
        body["severity"] = "fatal"
        body["extra"] = 1
        body.removeValue(forKey: "model_id")
        body["type"] = "stats"
        #expect(Self.violations(body, schema).count == 4)
    }
}
