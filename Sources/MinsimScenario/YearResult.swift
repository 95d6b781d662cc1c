import MinsimEngine

/// One solved year of a run, with the conditions it was solved under.
///
/// Runs are written as lists of these so that multi-year runs (base year to horizon) use the
/// same writers as today's single base-year run.
public struct YearResult: Sendable {
    public let year: Int
    public let conditions: YearConditions
    public let solution: YearSolution

    public init(year: Int, conditions: YearConditions, solution: YearSolution) {
        self.year = year
        self.conditions = conditions
        self.solution = solution
    }
}
