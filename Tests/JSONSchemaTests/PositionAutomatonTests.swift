import Foundation
@testable import JSONSchema
import SampleKit
import Testing

/// The position automaton must give ICU's answer (with the ECMA-262 translation) on every
/// input: these tests draw strings that match each pattern, near misses of them and noise,
/// and compare the two matchers.
@Suite("Regex position automaton")
struct PositionAutomatonTests {
    /// Every `pattern` in the shipped schemas.
    static let schemaPatterns: [String] = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Schemas")
        var found: Set<String> = []
        func walk(_ v: JSONValue) {
            switch v {
            case .object(let o):
                for (k, x) in o {
                    if k == "pattern", case .string(let p) = x { found.insert(p) }
                    walk(x)
                }
            case .array(let a): a.forEach(walk)
            default: break
            }
        }
        let files = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []
        for file in files where file.hasSuffix(".json") {
            if let data = FileManager.default.contents(atPath: root.appendingPathComponent(file).path),
               let value = try? JSONParser.parse(Array(data)) {
                walk(value)
            }
        }
        return found.sorted()
    }()

    /// Patterns exercising each construct of the subset.
    static let constructs = [
        "", "a", "^a", "a$", "^a$", "^$", "^", "$", "abc", "a|b|", "^(a|bc)*$", "^(?:ab|a)+c$", "x*", "^x*$",
        "a{3}", "^a{2,4}$", "^a{2,}$", "^(ab){0,2}$", "^a{0}b$", "a+?b", "^a??b*?$", "[]", "[^]", "^[]*$",
        "^[a-c0-2_-]+$", "^[-a]$", "^[a-]$", "^[^a-z]$", "^.$", "^[\\s\\S]$", "^\\s+$", "^\\S(.*\\S)?$",
        "^\\d{4}-\\d{2}$", "\\w\\W", "\\D", "^[\\d\\s]+$", "^\\x41\\u4e2d$", "\\.\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\/\\^\\$\\\\",
        "^[\\b]$", "(a{8}){8}", "\\t\\n\\v\\f\\r\\0", "^\\0$", "中文", "(^a)", "(a$)", "^[一-龥]{2,4}$", "(a|b)(c|d)$", "^((a|b)c?)+d$", "(|a)b",
    ]

    /// Patterns outside the subset: ICU answers for them.
    static let outside = [
        "(?=a)", "(?!a)b", "(?<=a)b", "(?<name>a)", "(a)\\1", "\\bword", "\\Ba", "\\p{L}", "a^b", "(^a)b", "a$b",
        "(^a|b)", "a(b$)c", "x{65}", "(((a{64}){64}){64}){64}", "(a{8}){9}", "a{2,1}", "\\u{1F600}", "\\cA", "a**", "[\\d-z]",
    ]

    @Test func schemaPatternsUseTheAutomaton() throws {
        #expect(Self.schemaPatterns.count >= 8)
        for pattern in Self.schemaPatterns {
            #expect(PositionAutomaton(pattern) != nil, "\(pattern)")
        }
    }

    @Test func constructsUseTheAutomatonAndOthersDoNot() throws {
        for pattern in Self.constructs { #expect(PositionAutomaton(pattern) != nil, "\(pattern)") }
        for pattern in Self.outside { #expect(PositionAutomaton(pattern) == nil, "\(pattern)") }
    }

    @Test(arguments: schemaPatterns + constructs)
    func agreesWithICU(_ pattern: String) throws {
        let regex = try ECMARegex(pattern)
        let automaton = try #require(PositionAutomaton(pattern))
        let tree = try #require(PatternTree.parse(pattern))
        var rng = SampleRandom(seed: UInt64(truncatingIfNeeded: pattern.unicodeScalars.reduce(7) { $0 &* 31 &+ Int($1.value) }))
        var alphabet = Array(pattern.unicodeScalars) + Array("aAbcdX019_- .中文\t\n\r\u{0B}\u{0C}\u{85}\u{A0}\u{2028}\u{3000}".unicodeScalars)
        alphabet.append(contentsOf: (0..<8).map { _ in Unicode.Scalar(UInt32(0x4E00 + below(&rng, 0x5000)))! })
        var matched = 0
        for round in 0..<400 {
            var input: [Unicode.Scalar]
            switch round % 4 {
            case 0, 1:
                input = []
                Self.sample(tree, into: &input, &rng)
                if round % 4 == 1 { Self.mutate(&input, alphabet, &rng) }
            case 2:
                input = []
                Self.sample(tree, into: &input, &rng)
                var tail: [Unicode.Scalar] = []
                Self.sample(tree, into: &tail, &rng)
                input = (0..<below(&rng, 3)).map { _ in alphabet[below(&rng, alphabet.count)] } + input + tail
            default:
                input = (0..<below(&rng, 12)).map { _ in alphabet[below(&rng, alphabet.count)] }
            }
            let string = String(String.UnicodeScalarView(input))
            let icu = regex.matchesWithICU(string)
            #expect(automaton.matches(string) == icu, "\(pattern) on \(string.debugDescription)")
            #expect(regex.matches(string) == icu)
            if icu { matched += 1 }
        }
        // The drawn strings reach both answers unless the pattern matches nothing or everything.
        if !["[]", "^[]*$", "[^]", "", "^", "$", "x*", "(|a)b", "a|b|", "^$"].contains(pattern) {
            #expect(matched > 0 && matched < 400, "\(pattern): \(matched) of 400 matched")
        }
    }

    @Test func dotStopsOnlyAtECMALineTerminators() throws {
        let dot = try ECMARegex("^.$")
        for c in ["\u{0B}", "\u{0C}", "\u{85}", "a", "中"] {
            #expect(dot.matches(c) && dot.matchesWithICU(c), "\(c.debugDescription)")
        }
        for c in ["\n", "\r", "\u{2028}", "\u{2029}"] {
            #expect(!dot.matches(c) && !dot.matchesWithICU(c), "\(c.debugDescription)")
        }
    }

    /// Appends a random string in the language of `tree` (anchors add nothing).
    static func sample(_ tree: PatternTree, into out: inout [Unicode.Scalar], _ rng: inout SampleRandom) {
        switch tree {
        case .empty, .start, .end: return
        case .atom(let cls):
            let ranges = cls.ranges.filter { !($0.lowerBound >= 0xD800 && $0.upperBound <= 0xDFFF) }
            guard !ranges.isEmpty else { return }
            let r = ranges[below(&rng, ranges.count)]
            let width = Int(min(r.upperBound - r.lowerBound, 200))
            let value = r.lowerBound + UInt32(below(&rng, width + 1))
            out.append(Unicode.Scalar(value) ?? "a")
        case .concat(let items): for item in items { sample(item, into: &out, &rng) }
        case .alternation(let branches): sample(branches[below(&rng, branches.count)], into: &out, &rng)
        case .star(let x): for _ in 0..<below(&rng, 4) { sample(x, into: &out, &rng) }
        case .plus(let x): for _ in 0...below(&rng, 3) { sample(x, into: &out, &rng) }
        case .optional(let x): if below(&rng, 2) == 0 { sample(x, into: &out, &rng) }
        }
    }

    /// Inserts, deletes or replaces one scalar.
    static func mutate(_ s: inout [Unicode.Scalar], _ alphabet: [Unicode.Scalar], _ rng: inout SampleRandom) {
        let c = alphabet[below(&rng, alphabet.count)]
        switch (below(&rng, 3), s.isEmpty) {
        case (0, _), (_, true): s.insert(c, at: below(&rng, s.count + 1))
        case (1, false): s.remove(at: below(&rng, s.count))
        default: s[below(&rng, s.count)] = c
        }
    }
}

/// A uniform integer in `0 ..< n` (0 when `n` is not positive).
private func below(_ rng: inout SampleRandom, _ n: Int) -> Int {
    n <= 0 ? 0 : Int.random(in: 0..<n, using: &rng)
}
