extension SankeyDiagram {
    /// A mineral's diagram, or why it cannot be drawn from the folder.
    public enum Outcome: Sendable {
        case drawn(SankeyDiagram)
        case unavailable(String)
    }

    /// The flow of one mineral through the chain in one year, in tonnes of contained mineral,
    /// computed from the result's CSV tables alone.
    ///
    /// Columns: the mineral's ore by mining region → its refined product by refining region →
    /// every product downstream of it (cells, then EVs) by producing region → final demand for
    /// the last product by buying region. A tonne of ore and a tonne of refined product each
    /// count as a tonne of contained mineral (the data's convention: USGS mine output is
    /// contained metal). Downstream, the content of a unit of product p made in region s is
    ///
    /// ```
    /// c[(s,p)] = Σ_q in[(s,q→p)] / Σ_r F[p][s→r]        in[(s,q→p)] = content it received as q
    /// ```
    ///
    /// and a route s→r of product q carries F[q][s→r] · c[(s,q)], split at the importer r
    /// between the products p that use q there, in proportion to their intermediate use
    /// b[r][p][q] · x[(r,p)] (recipes of the year, nodes.csv), and final demand for q (the
    /// rest of what r takes in). Recycled mineral (minerals.csv `secondary_supply`) enters the
    /// importing region's refineries beside the ore bought. A refinery's refined output differs
    /// from its feed by the recipe's coefficient: the difference leaves as processing losses
    /// (coefficient above 1) or enters as other feed (below 1), so every node balances.
    ///
    /// Unavailable when the recipes of the year are unknown (an older folder whose scenario
    /// changes recipes), the year was not simulated, or the chain has a loop.
    public static func mineral(_ chain: ResultFolder.Chain, year: Int, in result: ResultFolder) -> Outcome {
        guard result.recipes != nil else {
            return .unavailable("the recipes of \(year) are not in this folder (no recipes_by_year.csv)")
        }
        guard result.years.contains(year) else { return .unavailable("\(year) was not simulated") }
        let view = YearView(result, year: year)
        let productRank = Dictionary(result.products.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })

        // Columns by longest path from the ore over the recipes of the year; a column beyond
        // the number of products means a loop.
        var column: [String: Int] = [chain.ore: 0, chain.refined: 1]
        var frontier = [chain.refined]
        while !frontier.isEmpty {
            let q = frontier.removeFirst()
            guard let cq = column[q] else { continue }
            for p in view.users(of: q) where p != chain.ore {
                if cq + 1 > result.products.count + 1 {
                    return .unavailable(
                        "the recipes of \(year) form a loop through \(q); a Sankey diagram needs a chain without loops")
                }
                if (column[p] ?? -1) < cq + 1 {
                    column[p] = cq + 1
                    frontier.append(p)
                }
            }
        }
        let chainProducts = column.keys.sorted {
            (column[$0] ?? 0, productRank[$0] ?? 0) < (column[$1] ?? 0, productRank[$1] ?? 0)
        }
        let lastColumn = (column.values.max() ?? 1) + 1
        let regionRank = Dictionary(result.regions.enumerated().map { ($1.code, $0) }, uniquingKeysWith: { a, _ in a })

        var nodes: [Node] = []
        var index: [String: Int] = [:]
        var links: [Link] = []
        func node(_ id: String, _ label: String, _ column: Int, _ kind: NodeKind, region: String?, product: String?, rank: Int)
            -> Int
        {
            if let i = index[id] { return i }
            nodes.append(Node(id: id, label: label, column: column, kind: kind, region: region, product: product, rank: rank))
            index[id] = nodes.count - 1
            return nodes.count - 1
        }
        func stage(_ region: String, _ product: String) -> Int {
            node(
                "stage:\(product):\(region)", result.regionName(region), column[product] ?? 0, .stage, region: region,
                product: product, rank: regionRank[region] ?? 0)
        }
        func link(_ from: Int, _ to: Int, _ value: Double) {
            guard value > 0 && value.isFinite else { return }
            links.append(Link(source: from, target: to, value: value))
        }
        let regions = result.regions.map(\.code)

        /// Intermediate use of q by each user p of the chain in region r: b[r][p][q] · x[(r,p)].
        /// Users outside the chain (a product that uses the ore directly) count as final demand.
        func intermediate(_ q: String, in r: String) -> [(product: String, use: Double)] {
            view.users(of: q).filter { column[$0] != nil }.sorted { (productRank[$0] ?? 0) < (productRank[$1] ?? 0) }.map { p in
                (p, view.recipe(r, p, input: q) * view.production(r, p))
            }
        }
        /// Sink for final demand of q bought in r: per region for the chain's last products,
        /// one node per product otherwise.
        func finalUse(_ q: String, _ r: String) -> Int {
            let terminal = view.users(of: q).isEmpty
            if terminal {
                return node(
                    "final:\(q):\(r)", result.regionName(r), lastColumn, .finalUse, region: r, product: q,
                    rank: regionRank[r] ?? 0)
            }
            return node(
                "final:\(q)", "Other uses of \(q) (final demand)", (column[q] ?? 0) + 1, .finalUse, region: nil, product: q,
                rank: 300 + (productRank[q] ?? 0))
        }

        var content: [String: Double] = [:]  // c[(s,q)] keyed "q:s"
        var received: [String: Double] = [:]  // content into (s,q), keyed "q:s"
        for q in chainProducts {
            // Content per unit of q made in s.
            for s in regions {
                let out = view.flows(of: q).reduce(0.0) { $1.exporter == s ? $0 + $1.quantity : $0 }
                if q == chain.ore {
                    content["\(q):\(s)"] = 1
                } else if q == chain.refined {
                    content["\(q):\(s)"] = 1
                    let feed = received["\(q):\(s)"] ?? 0
                    let scale = max(feed, out)
                    // Below 1e-12 relative the difference is rounding in the solve, not data.
                    if feed - out > 1e-12 * scale {
                        let losses = node(
                            "losses", "Processing losses", (column[q] ?? 1) + 1, .losses, region: nil, product: nil, rank: 400)
                        link(stage(s, q), losses, feed - out)
                    } else if out - feed > 1e-12 * scale {
                        link(
                            node("other-feed", "Other feed", 0, .otherFeed, region: nil, product: nil, rank: 200), stage(s, q),
                            out - feed)
                    }
                } else {
                    content["\(q):\(s)"] = out > 0 ? (received["\(q):\(s)"] ?? 0) / out : 0
                }
            }
            // Routes: to the importer's users of q in proportion to their use, the rest to final demand.
            var delivered: [String: Double] = [:]
            for f in view.flows(of: q) { delivered[f.importer, default: 0] += f.quantity }
            for f in view.flows(of: q) where f.quantity > 0 {
                let carried = f.quantity * (content["\(q):\(f.exporter)"] ?? 0)
                let uses = intermediate(q, in: f.importer)
                let used = uses.reduce(0.0) { $0 + $1.use }
                let total = delivered[f.importer] ?? 0
                // Where recycled feed replaces purchases (ore), intermediate use exceeds what is bought.
                let divisor = max(total, used)
                guard divisor > 0 else { continue }
                let source = stage(f.exporter, q)
                for use in uses where use.use > 0 {
                    let v = carried * (use.use / divisor)
                    link(source, stage(f.importer, use.product), v)
                    received["\(use.product):\(f.importer)", default: 0] += v
                }
                if total > used { link(source, finalUse(q, f.importer), carried * ((total - used) / divisor)) }
            }
            // Recycled mineral enters beside the ore, shared like the ore between its users.
            if q == chain.ore {
                for r in regions {
                    guard let secondary = view.mineral(r, chain.name)?.secondarySupply, secondary > 0 else { continue }
                    let uses = intermediate(q, in: r).filter { $0.use > 0 }
                    let used = uses.reduce(0.0) { $0 + $1.use }
                    let recycled = node(
                        "recycling:\(r)", "Recycled: \(result.regionName(r))", 0, .recycling, region: r, product: nil,
                        rank: 100 + (regionRank[r] ?? 0))
                    let targets = used > 0 ? uses : [(product: chain.refined, use: 1.0)]
                    let total = used > 0 ? used : 1
                    for use in targets {
                        let v = secondary * (use.use / total)
                        link(recycled, stage(r, use.product), v)
                        received["\(use.product):\(r)", default: 0] += v
                    }
                }
            }
        }

        var titles: [String] = []
        for k in 0...lastColumn {
            let here = chainProducts.filter { column[$0] == k }
            if here.isEmpty {
                titles.append("Buyers (final demand)")
            } else {
                titles.append(
                    here.map { Self.columnTitle(stage: result.product($0)?.stage ?? "", product: $0) }.joined(separator: ", "))
            }
        }
        let unmet = regions.compactMap { r -> (region: String, value: Double)? in
            guard let v = view.mineral(r, chain.name)?.unmetDemand, v > 0 else { return nil }
            return (r, v)
        }
        return .drawn(SankeyDiagram(mineral: chain.name, year: year, columns: titles, nodes: nodes, links: links, unmet: unmet))
    }

    /// Stage names of the shipped scenarios as a reader says them; other stages as written.
    static let stageTitles = ["mining": "Mines", "refining": "Refineries", "battery": "Cell plants", "ev": "Vehicle plants"]

    /// "Refineries (ni_refined)".
    static func columnTitle(stage: String, product: String) -> String {
        "\(stageTitles[stage] ?? stage) (\(product))"
    }
}
