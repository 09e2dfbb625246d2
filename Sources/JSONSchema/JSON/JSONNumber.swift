/// An exact decimal number as written in a JSON document.
///
/// The value is `(-1)^sign × significand × 10^exponent`, where the significand is a
/// non-negative integer of any number of decimal digits. The representation is
/// normalized (no leading or trailing zero digits, zero is always positive with
/// exponent 0), so `1.0`, `1` and `10e-1` are the same value and compare equal, and
/// integers beyond 2^53 keep every digit. No floating point is involved in
/// comparisons or in ``isMultiple(of:)``.
///
/// Exponents written in the text are saturated at ±10^15; numbers beyond that range are
/// far outside anything a schema can meaningfully compare.
public struct JSONNumber: Sendable, Hashable {
    /// Digits of the significand: a `UInt64` when it has at most 19 digits, else the digits.
    enum Significand: Sendable, Hashable {
        case small(UInt64)
        case big([UInt8])
    }

    /// Whether the number is strictly negative.
    public let isNegative: Bool
    let significand: Significand
    /// The base-10 exponent applied to the significand.
    public let exponent: Int

    static let exponentLimit = 1_000_000_000_000_000

    /// Builds a number from raw parts and normalizes it.
    ///
    /// - Parameters:
    ///   - negative: Whether the number is negative (ignored for zero).
    ///   - digits: Decimal digit values (0...9), most significant first.
    ///   - exponent: The base-10 exponent applied to `digits`.
    public init(negative: Bool, digits: [UInt8], exponent: Int) {
        var start = 0
        while start < digits.count && digits[start] == 0 { start += 1 }
        var end = digits.count
        var exp = exponent
        while end > start && digits[end - 1] == 0 { end -= 1; exp += 1 }
        if start == end {
            self.isNegative = false
            self.significand = .small(0)
            self.exponent = 0
            return
        }
        self.isNegative = negative
        self.exponent = max(-Self.exponentLimit, min(Self.exponentLimit, exp))
        if end - start <= 19 {
            var v: UInt64 = 0
            for i in start..<end { v = v &* 10 &+ UInt64(digits[i]) }
            self.significand = .small(v)
        } else {
            self.significand = .big(Array(digits[start..<end]))
        }
    }

    /// Builds a number from an integer.
    ///
    /// - Parameter value: The integer value.
    public init(_ value: Int) {
        self.init(small: UInt64(value.magnitude), negative: value < 0, exponent: 0)
    }

    /// Builds a number from a small significand and an exponent, normalizing it.
    init(small: UInt64, negative: Bool, exponent: Int) {
        var v = small
        var exp = exponent
        if v == 0 {
            self.isNegative = false
            self.significand = .small(0)
            self.exponent = 0
            return
        }
        while v % 10 == 0 { v /= 10; exp += 1 }
        self.isNegative = negative
        self.significand = .small(v)
        self.exponent = max(-Self.exponentLimit, min(Self.exponentLimit, exp))
    }

    /// Parses a number written with JSON number syntax (e.g. `-12.5e3`).
    ///
    /// - Parameter text: The JSON number text.
    /// - Returns: `nil` when `text` is not a valid JSON number.
    public init?(_ text: String) {
        guard let value = try? JSONParser.parse(Array(text.utf8)), case .number(let n) = value else {
            return nil
        }
        self = n
    }

    /// Whether this number is zero.
    public var isZero: Bool { significand == .small(0) }

    /// Whether this number has no fractional part (`1.0` counts as an integer).
    public var isInteger: Bool { isZero || exponent >= 0 }

    /// The significand's decimal digits, most significant first (empty for zero).
    var digitArray: [UInt8] {
        switch significand {
        case .big(let d): return d
        case .small(let v):
            if v == 0 { return [] }
            var out: [UInt8] = []
            var x = v
            while x > 0 { out.append(UInt8(x % 10)); x /= 10 }
            return out.reversed()
        }
    }

    var digitCount: Int {
        switch significand {
        case .big(let d): return d.count
        case .small(let v):
            var n = 0
            var x = v
            while x > 0 { n += 1; x /= 10 }
            return n
        }
    }

    /// The value as an `Int` when it is an integer that fits, else `nil`.
    public var intValue: Int? {
        guard isInteger else { return nil }
        guard case .small(let v) = significand, exponent <= 18 else { return nil }
        var r = v
        for _ in 0..<exponent {
            let (m, o) = r.multipliedReportingOverflow(by: 10)
            if o { return nil }
            r = m
        }
        guard r <= UInt64(Int.max) else { return nil }
        return isNegative ? -Int(r) : Int(r)
    }

    /// The nearest `Double` (may round or overflow to infinity).
    public var doubleValue: Double {
        Double(description) ?? (isNegative ? -.infinity : .infinity)
    }

    /// Compares the absolute values of two numbers.
    static func compareMagnitude(_ a: JSONNumber, _ b: JSONNumber) -> Int {
        if a.isZero || b.isZero {
            return a.isZero ? (b.isZero ? 0 : -1) : 1
        }
        if case .small(let x) = a.significand, case .small(let y) = b.significand, a.exponent == b.exponent {
            return x == y ? 0 : (x < y ? -1 : 1)
        }
        let da = a.digitArray, db = b.digitArray
        let adjA = da.count + a.exponent, adjB = db.count + b.exponent
        if adjA != adjB { return adjA < adjB ? -1 : 1 }
        let n = max(da.count, db.count)
        for i in 0..<n {
            let x = i < da.count ? da[i] : 0
            let y = i < db.count ? db[i] : 0
            if x != y { return x < y ? -1 : 1 }
        }
        return 0
    }

    /// Compares two numbers exactly.
    ///
    /// - Parameters:
    ///   - a: The left operand.
    ///   - b: The right operand.
    /// - Returns: -1, 0 or 1 as `a` is less than, equal to or greater than `b`.
    public static func compare(_ a: JSONNumber, _ b: JSONNumber) -> Int {
        if a.isNegative != b.isNegative { return a.isNegative ? -1 : 1 }
        let m = compareMagnitude(a, b)
        return a.isNegative ? -m : m
    }

    /// Tells whether this number is an exact integer multiple of `divisor`.
    ///
    /// The test is exact for all decimal inputs (`19.99` is a multiple of `0.01`,
    /// `0.3` of `0.1`). When the exponent gap is astronomically large and the divisor
    /// has more than 19 digits, the check falls back to floating point.
    ///
    /// - Parameter divisor: A strictly positive number.
    /// - Returns: `true` when `self / divisor` is an integer.
    public func isMultiple(of divisor: JSONNumber) -> Bool {
        if isZero { return true }
        if divisor.isZero { return false }
        // self = da·10^ea, divisor = db·10^eb, with da and db not divisible by 10.
        if exponent < divisor.exponent { return false }
        let shift = exponent - divisor.exponent
        switch divisor.significand {
        case .small(let db):
            if db == 1 { return true }
            var r: UInt64 = 0
            switch significand {
            case .small(let da): r = da % db
            case .big(let digits):
                for d in digits { r = Self.mulMod(r, 10, db) &+ UInt64(d); r %= db }
            }
            let p = Self.powMod(10, shift, db)
            return Self.mulMod(r, p, db) == 0
        case .big(let db):
            guard shift <= 100_000 else {
                let q = doubleValue / divisor.doubleValue
                return q.isFinite && q == q.rounded()
            }
            var r: [UInt8] = []
            let da = digitArray
            for i in 0..<(da.count + shift) {
                let d = i < da.count ? da[i] : 0
                if !(r.isEmpty && d == 0) { r.append(d) }
                while Self.compareDigits(r, db) >= 0 { Self.subtractDigits(&r, db) }
            }
            return r.isEmpty
        }
    }

    static func mulMod(_ a: UInt64, _ b: UInt64, _ m: UInt64) -> UInt64 {
        let (hi, lo) = a.multipliedFullWidth(by: b)
        return m.dividingFullWidth((hi % m, lo)).remainder
    }

    static func powMod(_ base: UInt64, _ exp: Int, _ m: UInt64) -> UInt64 {
        var result: UInt64 = 1 % m
        var b = base % m
        var e = exp
        while e > 0 {
            if e & 1 == 1 { result = mulMod(result, b, m) }
            b = mulMod(b, b, m)
            e >>= 1
        }
        return result
    }

    /// Compares two digit arrays without leading zeros as integers.
    static func compareDigits(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.count != b.count { return a.count < b.count ? -1 : 1 }
        for i in 0..<a.count where a[i] != b[i] { return a[i] < b[i] ? -1 : 1 }
        return 0
    }

    /// Subtracts `b` from `a` in place (requires `a >= b`), keeping no leading zeros.
    static func subtractDigits(_ a: inout [UInt8], _ b: [UInt8]) {
        var borrow: Int = 0
        var i = a.count - 1
        var j = b.count - 1
        while i >= 0 {
            var v = Int(a[i]) - borrow - (j >= 0 ? Int(b[j]) : 0)
            if v < 0 { v += 10; borrow = 1 } else { borrow = 0 }
            a[i] = UInt8(v)
            i -= 1
            j -= 1
        }
        let firstNonZero = a.firstIndex { $0 != 0 } ?? a.count
        a.removeFirst(firstNonZero)
    }
}

extension JSONNumber: Comparable {
    /// Exact numeric ordering.
    ///
    /// - Parameters:
    ///   - lhs: The left operand.
    ///   - rhs: The right operand.
    /// - Returns: Whether `lhs < rhs`.
    public static func < (lhs: JSONNumber, rhs: JSONNumber) -> Bool { compare(lhs, rhs) < 0 }
}

extension JSONNumber: CustomStringConvertible {
    /// A canonical JSON rendering: plain digits for moderate exponents, else `1.5e+30` style.
    public var description: String {
        if isZero { return "0" }
        let digits = String(digitArray.map { Character(Unicode.Scalar($0 + 48)) })
        let sign = isNegative ? "-" : ""
        let adjusted = digits.count + exponent
        if exponent >= 0 && adjusted <= 21 {
            return sign + digits + String(repeating: "0", count: exponent)
        }
        if exponent < 0 && adjusted > 0 {
            let cut = digits.index(digits.startIndex, offsetBy: adjusted)
            return sign + digits[..<cut] + "." + digits[cut...]
        }
        if exponent < 0 && adjusted > -6 {
            return sign + "0." + String(repeating: "0", count: -adjusted) + digits
        }
        let first = digits.prefix(1)
        let rest = digits.dropFirst()
        let e = adjusted - 1
        return sign + first + (rest.isEmpty ? "" : "." + rest) + "e" + (e >= 0 ? "+" : "-") + String(e.magnitude)
    }
}
