import MinsimEngine

/// One simulated year of a run: what the engine returned, and the exogenous inputs the
/// scenario gave it (reference demand, capacities before endogenous additions).
///
/// Writers take a list of these, base year to horizon, so a one-year scenario and a
/// seventeen-year one go through the same code.
public struct YearResult: Sendable {
    public let year: Int
    /// The scenario's inputs for the year (network with the year's recipes, conditions).
    public let inputs: YearInputs
    public let simulated: SimulatedYear

    public init(inputs: YearInputs, simulated: SimulatedYear) {
        self.year = simulated.year
        self.inputs = inputs
        self.simulated = simulated
    }

    /// The year's solution at the final scarcity rents and demand.
    public var solution: YearSolution { simulated.cleared.solution }
    /// Statistics of the market clearing (iterations, binding nodes, shedding markets).
    public var clearing: ClearingStatistics { simulated.cleared.statistics }
    /// The year's equilibrium certificate.
    public var certificate: EquilibriumCertificate { simulated.cleared.certificate }
    /// Capacities in force: exogenous plus endogenous additions online.
    public var capacities: NodeTable<Double?> { simulated.capacities }
}
