/// Options of the one-year solve.
public struct SolverOptions: Sendable, Equatable {
    /// Give up on the price–share fixed point after this many iterations.
    public var maxIterations: Int = 200
    /// Converged when `max_n |P_k − P_{k−1}| / P_k` falls to this. 1e-12 sits well above the
    /// rounding noise of a solve (≈ N·ε·cond) on the networks here, and far below any
    /// difference a user would read.
    public var priceTolerance: Double = 1e-12
    /// Mass balance per node must close to this fraction of the node's throughput. After one
    /// step of iterative refinement the residual is at rounding level (≈ 1e-15) for any
    /// network with rcond ≫ ε; 1e-9 leaves room for ill-conditioning while still catching any
    /// lost or double-counted flow, which shows up at O(1).
    public var massBalanceTolerance: Double = 1e-9
    /// Systems whose reciprocal condition estimate falls below this are treated as singular:
    /// fewer than one significant digit of the solution could be trusted.
    public var singularityThreshold: Double = 1e-15
    /// The linear solver for `I − A` and `I − Ã`.
    public var linearSolver: LinearSolverChoice = .automatic

    public init() {}
}
