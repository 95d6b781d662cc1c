import Foundation
import MinsimEngine
import Yams

/// Decoder of `capacity_projects`, and the checks of what gives a node capacity.
extension ScenarioBuilder {
    // MARK: - Capacity projects

    mutating func projectRows(_ table: Table) -> [Sourced<ScenarioYears.Project>] {
        let what = "capacity_projects row"
        let field = ScenarioFormat.capacityProjects.columns[3]
        var out: [Sourced<ScenarioYears.Project>] = []
        for row in table.rows {
            var reader = rowReader(row, what: what)
            defer { absorb(reader) }
            let r = reader.region("region"), p = reader.product("product")
            let y = reader.year("online_year")
            let k = reader.number(field)
            guard let r, let p, let y, let k else { continue }
            out.append(sourced(.init(node: Node(r, p), onlineYear: y, capacity: k), source: reader.source(), at: row.location))
            provenance.record(.capacity(Node(r, p)), table: "capacity_projects", .path, .years(y, end: nil), at: row.location)
        }
        return out
    }

    /// Nodes given a capacity anywhere: a `capacities` row, a `paths.capacities` row or a project.
    func capacitatedNodes(
        _ rows: [Sourced<ScenarioYears.PathRow>], _ t: TableSet, projects: [Sourced<ScenarioYears.Project>]
    ) -> NodeSet {
        var capacitated = NodeSet(
            t.capacities.rows.map { $0.node } + projects.map { $0.row.node }, regions: regions.count, products: products.count)
        for row in rows where row.kind == .capacities {
            if let r = row.key.region { capacitated.insert(Node(r, row.key.product)) }
        }
        return capacitated
    }

    /// A capacity factor needs a capacity to scale.
    mutating func checkCapacityFactors(
        _ rows: [Sourced<ScenarioYears.PathRow>], _ t: TableSet, projects: [Sourced<ScenarioYears.Project>]
    ) {
        guard rows.contains(where: { $0.kind == .capacityFactors }) else { return }
        let capacitated = capacitatedNodes(rows, t, projects: projects)
        var reported = Set<Node>()
        for row in rows where row.kind == .capacityFactors {
            guard let r = row.key.region else { continue }
            let node = Node(r, row.key.product)
            guard !capacitated.contains(node), !reported.contains(node) else { continue }
            reported.insert(node)
            error(
                location(row),
                "paths.capacity_factors row for \(nodeName(node)) scales a capacity the node does not have; give it a capacities row, path or project first"
            )
        }
    }

    /// Capacity given to a node that never supplies (no base trade, no opened route) would be
    /// silently ignored, so it is a warning at the project; and a new node needs capacity from
    /// somewhere, since its routes' reference shares are defined at `reference_capacity`
    /// relative to the capacity it has in each year.
    mutating func checkCapacityNodes(
        _ rows: [Sourced<ScenarioYears.PathRow>], _ t: TableSet, projects: [Sourced<ScenarioYears.Project>]
    ) {
        guard !t.unclean.contains("base_trade"), !t.unclean.contains("routes"), !t.unclean.contains("new_nodes") else { return }
        let supplying = t.supplying
        var warned = Set<Node>()
        for project in projects where !supplying.contains(project.node) && !warned.contains(project.node) {
            warned.insert(project.node)
            warning(
                location(project),
                "capacity project for \(nodeName(project.node)) has no effect: the node supplies nothing (no base trade and no opened route); activate it with a new_nodes row and open routes from it"
            )
        }
        guard !t.newNodes.isEmpty else { return }
        let capacitated = capacitatedNodes(rows, t, projects: projects)
        for row in t.newNodes where !capacitated.contains(row.node) {
            error(
                location(row),
                "new node \(nodeName(row.node)) has no capacity: give it capacity_projects rows (or a capacities row or path), since the shares of its routes are set at reference_capacity"
            )
        }
    }
}
