/// The "at a glance" numbers of a run, per mineral and year: what the terminal summary of
/// `minsim run` prints, read back from the CSVs.
struct Headline {
    struct Cell {
        /// Unmet demand, tonnes of contained mineral (minerals.csv, sum over regions).
        let unmet: Double
        /// Change of the output-weighted mean price of the refined product against the first
        /// year, as a fraction; nil when it is not made in one of the two years.
        let priceChange: Double?
        /// secondary / (primary + secondary) refinery feed; nil without feed.
        let secondaryShare: Double?
    }

    /// cells[mineral][year]
    let cells: [String: [Int: Cell]]

    init(_ r: ResultFolder) {
        var cells: [String: [Int: Cell]] = [:]
        let base = r.years.first
        for chain in r.chains {
            /// P̄(t) = Σ_r P[r][p](t)·x[r][p](t) / Σ_r x[r][p](t)
            func meanPrice(_ year: Int) -> Double? {
                var value = 0.0, quantity = 0.0
                for row in r.nodes where row.year == year && row.product == chain.refined {
                    guard let p = row.price else { continue }
                    value += p * row.production
                    quantity += row.production
                }
                return quantity > 0 ? value / quantity : nil
            }
            let basePrice = base.flatMap(meanPrice)
            for year in r.years {
                let rows = r.minerals.filter { $0.year == year && $0.mineral == chain.name }
                let secondary = rows.reduce(0.0) { $0 + $1.secondarySupply }
                let feed = rows.reduce(0.0) { $0 + $1.primaryDemand } + secondary
                var change: Double? = nil
                if let now = meanPrice(year), let then = basePrice, then > 0 { change = now / then - 1 }
                cells[chain.name, default: [:]][year] = Cell(
                    unmet: rows.reduce(0.0) { $0 + $1.unmetDemand }, priceChange: change,
                    secondaryShare: feed > 0 ? secondary / feed : nil)
            }
        }
        self.cells = cells
    }
}
