import SheetKit

/// The xlsx reader (SheetKit over ArchiveKit and XMLKit) on a file: the workbook, every
/// sheet and every row, under small limits.
enum XLSXTarget {
    static let target = FuzzTarget(name: "xlsx", summary: "XLSXReader on a file: workbook, sheets, every row") { input in
        let path = FuzzScratch.write(input, suffix: ".xlsx")
        var limits = SheetLimits.default
        limits.maxRows = 2_000
        limits.maxColumns = 256
        limits.maxSheets = 8
        guard let reader = try? XLSXReader(path: path, limits: limits) else { return }
        for name in reader.sheetNames {
            try? reader.forEachRow(of: name) { row in
                for (_, value) in row.cells { _ = String(describing: value) }
            }
        }
    }
}
