extension ResultComparison {
    /// The terminal summary's ranking of two result folders (the largest relative changes of
    /// production, price and unmet demand for 2030 and the last year), without writing
    /// anything: what `minsim report --compare` lists as "largest changes".
    ///
    /// - Throws: `Failure.badInput` when a folder is not a result folder or a table is malformed.
    package static func nodeSummaries(_ a: String, _ b: String) throws(Failure) -> [YearSummary] {
        let sideA = try Side.read(folder: a, path: a, kind: try classify(a))
        let sideB = try Side.read(folder: b, path: b, kind: try classify(b))
        let rows = try join(TableSpec.nodes, sideA, sideB, order: DimensionOrder(sideA, sideB))
        return summaries(rows, spec: TableSpec.nodes)
    }
}
