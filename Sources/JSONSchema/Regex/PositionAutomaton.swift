/// A bit-parallel matcher for the regular subset of ECMA-262 patterns that schemas use most:
/// literals, `.`, character classes and the `\d \w \s` escapes, groups, alternation, the
/// quantifiers `* + ? {n} {n,} {n,m}` (greedy or lazy: a yes/no search does not depend on which),
/// and `^`/`$` at the two ends of the whole pattern.
///
/// It is the Glushkov (position) automaton of the pattern: every character class written in
/// the pattern is one *position*, and a set of positions fits in one `UInt64`. Reading a scalar
/// moves the set along the precomputed follow sets and keeps the positions whose class holds the
/// scalar, so a search is linear in the input, never backtracks, and allocates nothing. Patterns
/// outside the subset (look-around, back-references, `\b`, `\p{…}`, `^`/`$` anywhere else, more
/// than 64 positions once counted repetitions are expanded) make ``init(_:)`` return `nil`, and
/// ``ECMARegex`` falls back to ICU for them.
struct PositionAutomaton: Sendable {
    /// The largest number of positions (character classes after expanding `{n,m}`).
    static let maxPositions = 64

    private let first: UInt64
    private let last: UInt64
    private let follow: [UInt64]
    private let nullable: Bool
    private let anchoredStart: Bool
    private let anchoredEnd: Bool
    /// For every ASCII scalar, the positions whose class holds it.
    private let ascii: [UInt64]
    /// Every position's class, for scalars past ASCII.
    private let classes: [ScalarClass]

    /// Builds the automaton, or returns `nil` when the pattern is outside the subset.
    ///
    /// The pattern has already been accepted by ``ECMARegex/translate(_:)``; anything this
    /// parser does not recognise exactly is left to ICU rather than guessed at.
    init?(_ pattern: String) {
        guard var tree = PatternTree.parse(pattern) else { return nil }
        var anchoredStart = false, anchoredEnd = false
        if case .concat(var items) = tree {
            if case .start = items.first { anchoredStart = true; items.removeFirst() }
            if case .end = items.last { anchoredEnd = true; items.removeLast() }
            tree = .concat(items)
        } else if case .start = tree {
            anchoredStart = true; tree = .empty
        } else if case .end = tree {
            anchoredEnd = true; tree = .empty
        }
        var builder = GlushkovBuilder()
        guard let shape = builder.build(tree) else { return nil }
        first = shape.first
        last = shape.last
        nullable = shape.nullable
        follow = builder.follow
        classes = builder.classes
        self.anchoredStart = anchoredStart
        self.anchoredEnd = anchoredEnd
        var table = [UInt64](repeating: 0, count: 128)
        for (p, cls) in builder.classes.enumerated() {
            for c in 0..<128 where cls.contains(UInt32(c)) { table[c] |= 1 << UInt64(p) }
        }
        ascii = table
    }

    /// Tells whether the pattern matches somewhere in `string`.
    func matches(_ string: String) -> Bool {
        if nullable && !(anchoredStart && anchoredEnd) { return true }
        var active: UInt64 = 0
        var atStart = true
        for scalar in string.unicodeScalars {
            var next: UInt64 = 0
            var rest = active
            while rest != 0 {
                next |= follow[rest.trailingZeroBitCount]
                rest &= rest &- 1
            }
            if atStart || !anchoredStart { next |= first }
            atStart = false
            active = next & mask(scalar.value)
            if active == 0 && anchoredStart { return false }
            if !anchoredEnd && active & last != 0 { return true }
        }
        return active & last != 0 || (nullable && atStart)
    }

    @inline(__always)
    private func mask(_ scalar: UInt32) -> UInt64 {
        if scalar < 128 { return ascii[Int(scalar)] }
        var m: UInt64 = 0
        for (p, cls) in classes.enumerated() where cls.contains(scalar) { m |= 1 << UInt64(p) }
        return m
    }
}

/// A set of Unicode scalars as sorted, disjoint, non-adjacent closed ranges.
struct ScalarClass: Sendable {
    private(set) var ranges: [ClosedRange<UInt32>]

    init(_ ranges: [ClosedRange<UInt32>]) {
        let sorted = ranges.sorted { $0.lowerBound < $1.lowerBound }
        var merged: [ClosedRange<UInt32>] = []
        for r in sorted {
            if let tail = merged.last, r.lowerBound <= tail.upperBound &+ 1 {
                merged[merged.count - 1] = tail.lowerBound...max(tail.upperBound, r.upperBound)
            } else {
                merged.append(r)
            }
        }
        self.ranges = merged
    }

    /// Every scalar not in this class (surrogates included: they never occur in a `String`).
    var complement: ScalarClass {
        var out: [ClosedRange<UInt32>] = []
        var next: UInt32 = 0
        for r in ranges {
            if r.lowerBound > next { out.append(next...(r.lowerBound - 1)) }
            next = r.upperBound &+ 1
            if r.upperBound == 0x10FFFF { return ScalarClass(out) }
        }
        out.append(next...0x10FFFF)
        return ScalarClass(out)
    }

    func contains(_ scalar: UInt32) -> Bool {
        var lo = 0, hi = ranges.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ranges[mid].upperBound < scalar { lo = mid + 1 } else { hi = mid }
        }
        return lo < ranges.count && ranges[lo].lowerBound <= scalar
    }

    static func single(_ scalar: UInt32) -> ScalarClass { ScalarClass([scalar...scalar]) }

    /// `\d`: the ASCII digits.
    static let digit = ScalarClass([0x30...0x39])
    /// `\w`: ASCII letters, digits and `_`.
    static let word = ScalarClass([0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A])
    /// `\s`: ECMA-262 WhiteSpace and LineTerminator.
    static let space = ScalarClass([0x09...0x0D, 0x20...0x20, 0xA0...0xA0, 0x1680...0x1680, 0x2000...0x200A,
                                    0x2028...0x2029, 0x202F...0x202F, 0x205F...0x205F, 0x3000...0x3000, 0xFEFF...0xFEFF])
    /// `.`: everything but the four ECMA-262 line terminators.
    static let dot = ScalarClass([0x0A...0x0A, 0x0D...0x0D, 0x2028...0x2029]).complement
}

/// A parsed pattern in the subset ``PositionAutomaton`` handles.
indirect enum PatternTree {
    case empty
    case atom(ScalarClass)
    case concat([PatternTree])
    case alternation([PatternTree])
    case star(PatternTree)
    case plus(PatternTree)
    case optional(PatternTree)
    /// `^`; accepted only as the pattern's first term.
    case start
    /// `$`; accepted only as the pattern's last term.
    case end

    /// Parses `pattern`, or returns `nil` when it is outside the subset.
    static func parse(_ pattern: String) -> PatternTree? {
        var parser = PatternParser(Array(pattern.unicodeScalars))
        return parser.parse()
    }
}

/// A recursive-descent parser for the subset; `nil` means "outside it, ask ICU".
private struct PatternParser {
    let s: [Unicode.Scalar]
    var i = 0
    var depth = 0
    /// Atoms in the tree so far, counting every copy a `{n,m}` makes; past the automaton's limit
    /// the parse stops, so no later walk of the tree (whose copies share nodes) can blow up.
    var atoms = 0
    /// Repetitions beyond this are never expanded (the automaton would not fit anyway).
    static let maxCount = PositionAutomaton.maxPositions

    init(_ s: [Unicode.Scalar]) { self.s = s }

    var peek: Unicode.Scalar? { i < s.count ? s[i] : nil }

    mutating func parse() -> PatternTree? {
        guard let tree = disjunction(), i == s.count else { return nil }
        if !anchorsOnlyAtEnds(tree) { return nil }
        return tree
    }

    /// `^` only first and `$` only last, at the top level.
    func anchorsOnlyAtEnds(_ tree: PatternTree) -> Bool {
        func free(_ t: PatternTree) -> Bool {
            switch t {
            case .start, .end: return false
            case .empty, .atom: return true
            case .concat(let items), .alternation(let items): return items.allSatisfy(free)
            case .star(let x), .plus(let x), .optional(let x): return free(x)
            }
        }
        switch tree {
        case .start, .end: return true
        case .concat(let items):
            for (k, item) in items.enumerated() {
                switch item {
                case .start where k == 0, .end where k == items.count - 1: continue
                default: if !free(item) { return false }
                }
            }
            return true
        default: return free(tree)
        }
    }

    mutating func disjunction() -> PatternTree? {
        depth += 1
        defer { depth -= 1 }
        guard depth < 64 else { return nil }
        var branches: [PatternTree] = []
        while true {
            guard let a = alternative() else { return nil }
            branches.append(a)
            if peek == "|" { i += 1 } else { break }
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    mutating func alternative() -> PatternTree? {
        var items: [PatternTree] = []
        while let c = peek, c != "|", c != ")" {
            guard let term = term() else { return nil }
            items.append(term)
        }
        return items.count == 1 ? items[0] : (items.isEmpty ? .empty : .concat(items))
    }

    mutating func term() -> PatternTree? {
        guard let c = peek else { return nil }
        switch c {
        case "^": i += 1; return .start
        case "$": i += 1; return .end
        default: break
        }
        let before = atoms
        guard let atom = atom(), atoms <= PositionAutomaton.maxPositions else { return nil }
        return quantified(atom, size: atoms - before)
    }

    mutating func atom() -> PatternTree? {
        guard let c = peek else { return nil }
        i += 1
        switch c {
        case ".": atoms += 1; return .atom(.dot)
        case "(":
            if peek == "?" {
                guard i + 1 < s.count, s[i + 1] == ":" else { return nil } // look-around, named groups
                i += 2
            }
            guard let inner = disjunction(), peek == ")" else { return nil }
            i += 1
            return inner
        case "[": atoms += 1; return characterClass()
        case "\\": atoms += 1; return escape(inClass: false).map { .atom($0) }
        case "*", "+", "?", "{", "}", ")", "]", "|": return nil
        default: atoms += 1; return .atom(.single(c.value))
        }
    }

    /// `atom` with the quantifier that follows it, if any; `size` is the atom's count of atoms.
    mutating func quantified(_ atom: PatternTree, size: Int) -> PatternTree? {
        guard let c = peek else { return atom }
        var result: PatternTree
        switch c {
        case "*": i += 1; result = .star(atom)
        case "+": i += 1; result = .plus(atom)
        case "?": i += 1; result = .optional(atom)
        case "{":
            i += 1
            guard let n = number() else { return nil }
            var m: Int? = n
            if peek == "," {
                i += 1
                m = peek == "}" ? nil : number()
                if m == nil && peek != "}" { return nil }
            }
            guard peek == "}", n <= Self.maxCount, m.map({ $0 >= n && $0 <= Self.maxCount }) ?? true else { return nil }
            i += 1
            atoms += size * ((m ?? n + 1) - 1)
            guard atoms <= PositionAutomaton.maxPositions else { return nil }
            var items = Array(repeating: atom, count: n)
            if let m {
                items += Array(repeating: PatternTree.optional(atom), count: m - n)
            } else {
                items.append(.star(atom))
            }
            result = items.isEmpty ? .empty : .concat(items)
        default: return atom
        }
        if peek == "?" { i += 1 } // lazy: the same yes/no answer
        if let next = peek, next == "*" || next == "+" || next == "?" || next == "{" { return nil }
        return result
    }

    mutating func number() -> Int? {
        var value = 0, digits = 0
        while let c = peek, ("0"..."9").contains(c) {
            value = value * 10 + Int(c.value - 0x30)
            digits += 1
            i += 1
            if digits > 6 { return nil }
        }
        return digits == 0 ? nil : value
    }

    mutating func characterClass() -> PatternTree? {
        var negated = false
        if peek == "^" { negated = true; i += 1 }
        var ranges: [ClosedRange<UInt32>] = []
        while peek != nil && peek != "]" {
            guard let low = classAtom() else { return nil }
            if peek == "-", i + 1 < s.count, s[i + 1] != "]" {
                i += 1
                guard let high = classAtom(),
                      let a = low.ranges.first, low.ranges.count == 1, a.lowerBound == a.upperBound,
                      let b = high.ranges.first, high.ranges.count == 1, b.lowerBound == b.upperBound,
                      a.lowerBound <= b.lowerBound else { return nil }
                ranges.append(a.lowerBound...b.lowerBound)
            } else {
                ranges += low.ranges
            }
        }
        guard peek == "]" else { return nil }
        i += 1
        let cls = ScalarClass(ranges)
        return .atom(negated ? cls.complement : cls)
    }

    mutating func classAtom() -> ScalarClass? {
        guard let c = peek else { return nil }
        i += 1
        if c == "\\" { return escape(inClass: true) }
        if c == "[" { return nil }
        return .single(c.value)
    }

    /// An escape after its backslash.
    mutating func escape(inClass: Bool) -> ScalarClass? {
        guard let e = peek else { return nil }
        i += 1
        switch e {
        case "d": return .digit
        case "D": return ScalarClass.digit.complement
        case "w": return .word
        case "W": return ScalarClass.word.complement
        case "s": return .space
        case "S": return ScalarClass.space.complement
        case "t": return .single(0x09)
        case "n": return .single(0x0A)
        case "v": return .single(0x0B)
        case "f": return .single(0x0C)
        case "r": return .single(0x0D)
        case "b": return inClass ? .single(0x08) : nil
        case "0":
            if let next = peek, ("0"..."9").contains(next) { return nil }
            return .single(0)
        case "x":
            guard i + 1 < s.count, let v = UInt32(String(String.UnicodeScalarView(s[i..<(i + 2)])), radix: 16) else { return nil }
            i += 2
            return .single(v)
        case "u":
            guard i + 3 < s.count, s[i] != "{", let v = UInt32(String(String.UnicodeScalarView(s[i..<(i + 4)])), radix: 16),
                  !(0xD800...0xDFFF).contains(v) else { return nil }
            i += 4
            return .single(v)
        case "^", "$", "\\", ".", "*", "+", "?", "(", ")", "[", "]", "{", "}", "|", "/":
            return .single(e.value)
        case "-" where inClass:
            return .single(e.value)
        default:
            return nil
        }
    }
}

/// Numbers the positions of a ``PatternTree`` and computes first, last and follow sets.
private struct GlushkovBuilder {
    var classes: [ScalarClass] = []
    var follow: [UInt64] = []

    struct Shape {
        var nullable: Bool
        var first: UInt64
        var last: UInt64
    }

    mutating func build(_ tree: PatternTree) -> Shape? {
        switch tree {
        case .empty:
            return Shape(nullable: true, first: 0, last: 0)
        case .start, .end:
            return nil
        case .atom(let cls):
            guard classes.count < PositionAutomaton.maxPositions else { return nil }
            let bit = UInt64(1) << UInt64(classes.count)
            classes.append(cls)
            follow.append(0)
            return Shape(nullable: false, first: bit, last: bit)
        case .concat(let items):
            var shape = Shape(nullable: true, first: 0, last: 0)
            for item in items {
                guard let next = build(item) else { return nil }
                link(shape.last, to: next.first)
                shape.first |= shape.nullable ? next.first : 0
                shape.last = next.nullable ? shape.last | next.last : next.last
                shape.nullable = shape.nullable && next.nullable
            }
            return shape
        case .alternation(let branches):
            var shape = Shape(nullable: false, first: 0, last: 0)
            for branch in branches {
                guard let next = build(branch) else { return nil }
                shape.nullable = shape.nullable || next.nullable
                shape.first |= next.first
                shape.last |= next.last
            }
            return shape
        case .star(let inner), .plus(let inner):
            guard var shape = build(inner) else { return nil }
            link(shape.last, to: shape.first)
            if case .star = tree { shape.nullable = true }
            return shape
        case .optional(let inner):
            guard var shape = build(inner) else { return nil }
            shape.nullable = true
            return shape
        }
    }

    /// Adds `to` to the follow set of every position in `from`.
    mutating func link(_ from: UInt64, to: UInt64) {
        var rest = from
        while rest != 0 {
            follow[rest.trailingZeroBitCount] |= to
            rest &= rest &- 1
        }
    }
}
