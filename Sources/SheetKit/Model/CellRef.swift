/// A cell's place in a sheet, written the A1 way: `C7` is column C (index 2), row 7.
///
/// Columns are 0-based indexes (A = 0 … XFD = 16,383), rows 1-based (1 … 1,048,576), the
/// ranges Excel allows. Ordered row by row, then column by column.
public struct CellRef: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The 0-based column index: 0 for A, 25 for Z, 26 for AA.
    public let column: Int
    /// The 1-based row number.
    public let row: Int

    /// Most columns a sheet can have: 16,384 (A … XFD).
    public static let maxColumns = 16_384
    /// Most rows a sheet can have: 1,048,576.
    public static let maxRows = 1_048_576

    /// Creates a reference from a 0-based column index and a 1-based row number.
    ///
    /// - Precondition: `0 <= column < maxColumns` and `1 <= row <= maxRows`.
    public init(column: Int, row: Int) {
        precondition((0..<Self.maxColumns).contains(column), "column index \(column) is outside A…XFD")
        precondition((1...Self.maxRows).contains(row), "row \(row) is outside 1…\(Self.maxRows)")
        self.column = column
        self.row = row
    }

    /// Parses an A1 reference such as `C7` or `xfd1048576` (letters in either case, no `$`).
    ///
    /// - Returns: `nil` unless `text` is letters then digits, inside Excel's ranges.
    public init?(_ text: some StringProtocol) {
        var column = 0
        var letters = 0
        var row = 0
        var digits = 0
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"):
                guard digits == 0, letters < 3 else { return nil }
                column = column * 26 + Int((byte & 0xDF) - UInt8(ascii: "A")) + 1
                letters += 1
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard letters > 0, digits < 7, digits > 0 || byte != UInt8(ascii: "0") else { return nil }
                row = row * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
            default:
                return nil
            }
        }
        guard digits > 0, column <= Self.maxColumns, row <= Self.maxRows else { return nil }
        self.init(column: column - 1, row: row)
    }

    /// The column's letters: `A` for 0, `Z` for 25, `AA` for 26, `XFD` for 16,383.
    public var columnName: String { Self.columnName(column) }

    /// `C7`.
    public var description: String { columnName + String(row) }

    /// The letters of 0-based column `index`: `A` for 0, `AA` for 26 (bijective base 26).
    /// - Precondition: `index >= 0`.
    public static func columnName(_ index: Int) -> String {
        precondition(index >= 0, "a column index cannot be negative")
        var letters: [UInt8] = []
        var rest = index + 1
        while rest > 0 {
            rest -= 1
            letters.append(UInt8(ascii: "A") + UInt8(rest % 26))
            rest /= 26
        }
        return String(decoding: letters.reversed(), as: UTF8.self)
    }

    /// The 0-based index of column `letters` (`A` → 0, `aa` → 26), or `nil` unless they are
    /// one to three letters naming a column inside A … XFD.
    public static func columnIndex(_ letters: some StringProtocol) -> Int? {
        guard (1...3).contains(letters.utf8.count) else { return nil }
        var index = 0
        for byte in letters.utf8 {
            let upper = byte & 0xDF
            guard upper >= UInt8(ascii: "A"), upper <= UInt8(ascii: "Z") else { return nil }
            index = index * 26 + Int(upper - UInt8(ascii: "A")) + 1
        }
        return index - 1 < maxColumns ? index - 1 : nil
    }

    /// Row by row, then column by column.
    public static func < (lhs: CellRef, rhs: CellRef) -> Bool {
        (lhs.row, lhs.column) < (rhs.row, rhs.column)
    }
}
