/// Settings of `ComplementaritySolver`.
public struct ComplementaritySettings: Sendable, Equatable {
    /// Stop when the natural residual `max_i |z_i − mid(l_i, z_i − F_i, u_i)|` falls to this
    /// (in the problem's scaled units). The market clearing certifies at 1e-8; stopping 100×
    /// below leaves room for the rounding of the final year solve.
    public var tolerance: Double = 1e-10
    /// Give up after this many accepted steps.
    public var maxIterations: Int = 200
    /// Give up after this many evaluations of F (accepted and rejected trial points).
    public var maxEvaluations: Int = 2000
    /// Accepted merits the line search compares against (1 = monotone): a step may raise the
    /// merit above the current value but not above the largest of the last `meritMemory`.
    public var meritMemory: Int = 5
    /// An unknown on a bound whose F pushes it there by more than this (in the problem's
    /// scaled units: 0.1 is 10 % spare capacity, or a delivered price 10 % below its choke
    /// price) is left out of the step: its Φ component is 0 and its Jacobian column is not
    /// formed. Off (+∞) by default: on the shipped scenarios a margin of 0.1 made the Newton
    /// subproblem blind to markets that a large rent increase brings to their choke price,
    /// and half of the scenarios then failed to converge. For very large networks a margin
    /// trades that robustness for a smaller Jacobian.
    public var workingSetMargin: Double = .infinity
    /// Watchdog: when this many accepted steps pass without lowering the best merit seen by
    /// 10 %, the solver returns to the best point and continues with a monotone search (the
    /// nonmonotone rule can otherwise cycle between a Newton step and a damped one).
    public var watchdogSteps: Int = 10
    /// Full Newton steps a solve may take without the merit test (PATH's nonmonotone
    /// watchdog, Dirkse & Ferris 1995): where the linearization is poor far from the solution,
    /// backtracking accepts only tiny steps, each costing up to 11 trial evaluations, while
    /// the full step often lands where Newton's method converges. After such a step the
    /// watchdog allows `relaxedWatch` steps to lower the best merit by 10 %; otherwise the
    /// solver returns to the best point, monotone, with no relaxed steps left. 0 = off, the
    /// default: with 2, one shipped scenario-year (china-graphite-controls 2034) took 502 Newton
    /// steps instead of 24, while the typical gain was 1.7× (docs/performance.md).
    public var relaxedSteps: Int = 0
    /// Steps allowed after a relaxed step to improve the best merit (see `relaxedSteps`).
    public var relaxedWatch: Int = 3
    /// Quasi-Newton steps: after a full step that cut `‖Φ‖` to this fraction or less, the
    /// next step reuses the Jacobian, Broyden-updated (`PartialJacobian.broydenUpdate`),
    /// instead of forming it afresh; the reused step is taken only if it cuts `‖Φ‖` to this
    /// fraction again, otherwise its trial point is dropped and the Jacobian is formed at the
    /// current point. 0 = off (every step forms its Jacobian).
    ///
    /// A reused step saves the Jacobian but converges linearly (superlinearly with Broyden's
    /// update) where Newton converges quadratically, so it can cost one or two extra year
    /// solves; it pays only where a Jacobian costs more than a year solve, which is decided by
    /// the number of columns it took (`reuseMinimumColumns`).
    public var reuseContraction: Double = 0.1
    /// Reuse Jacobians with at least this many formed columns after any full step that cut
    /// `‖Φ‖` to `reuseContraction`; smaller ones only under `chordContraction`. Measured (docs/
    /// performance.md): on the 5-region data a Jacobian of 10–30 columns costs about one year
    /// solve and reuse at `reuseContraction` made the clearing about 25 % dearer; on the generated 1,000-node
    /// networks (100+ columns a step) it saves 2–3 of 9 Jacobians for 2–3 more year solves:
    /// about 15 % of the CPU time on the acyclic one, no measurable change on the cyclic one.
    public var reuseMinimumColumns: Int = 64
    /// Smaller Jacobians are reused too (chord steps, Shamanskii's method) after a full step that
    /// cut `‖Φ‖` to this fraction or less: Newton's method is then so far into its quadratic
    /// phase that a chord step on the same Jacobian contracts about as much again (the chord's
    /// rate is the contraction of the step that followed the Jacobian), so one or two chord
    /// steps replace the last Newton steps and their Jacobians and subproblems. 0 = off.
    /// Measured on the ten shipped scenarios (docs/performance.md, c10-path): 914 → 815
    /// Jacobians and 1,297 → 1,352 year solves in 17 years each, with the price predictor.
    public var chordContraction: Double = 1e-2
    /// Trial points the Newton line search may evaluate (`t = 1, ½, …`) before the solve gives
    /// up with `.stalled`, without the Levenberg–Marquardt fallback. The default, 11, searches
    /// down to `t = 1/1024` and then falls back. `MarketClearing` uses a small limit for its
    /// direct solve from the warm start: a full Newton step that needs heavy backtracking
    /// there means the warm start is far from the year's solution, and the homotopy from it
    /// (`MarketClearing.homotopy`) costs fewer year solves than searching on.
    public var lineSearchTrials: Int = 11
    /// Backtracking keeps whole bound switches: at `t < 1` the trial point is `z + t d` except
    /// for the unknowns that sit on one finite bound while the Newton target puts them on the
    /// other (an unserved share going from 0 to 1, or back), which take the target's value
    /// (unless no other unknown moves: every shortened trial would then be the full step). On
    /// the straight segment such an unknown sits mid-box at `t = ½` while its F has already
    /// changed sign, so the merit there is as bad in the linear model as in F and no shortened
    /// step passes the test (docs/performance.md, c10-hard). Measured on the ten shipped
    /// scenarios (c12-sub): 1,352 → 1,264 year solves, 815 → 787 Jacobians and 85 → 56
    /// homotopy stages in 17 years each; instructions of whole `minsim run`s −0.8 to −4.7 %
    /// (all ten −2.0 %), except iea-steps: +1.1 % (its clearing +2.7 %: one more Jacobian, and
    /// more of its subproblems go to Lemke's method). false = the straight segment.
    public var snapSwitches = true
    /// Initial Levenberg–Marquardt factor ν, `λ = ν·‖Φ‖`.
    public var initialDamping: Double = 1e-2
    /// The most unknowns a Newton system may have (the working set, after `workingSetMargin`);
    /// a solve that would need more stops with `.tooLarge` before forming anything.
    ///
    /// Why: a step holds the Jacobian's formed columns (w × formed) and the subproblem's
    /// matrices over them; where every column is formed and a Levenberg–Marquardt step is
    /// taken, the Jacobian, `D_a + D_b J`, the damped step's 2w × w least-squares system and
    /// LAPACK's copy of it live at once: ≈ 48 w² bytes, 4.8 GB at the default of 10,000.
    /// Measured (docs/performance.md): the generated 10,000-node network's cold and warm year
    /// on this solver alone (5,749 unknowns, 1,121 columns formed) peaked 180 MB above the
    /// matrix-free solve's; a binding 100,000-node year whose matrix-free solve stalled fell
    /// back here with all 57,211 unknowns working (≈ 157 GB at 48 w²) and grew past 15 GB
    /// before it was stopped. The default is the assumption that a run should stay within a
    /// workstation's memory even where every column is formed; the shipped data has ≤ 60
    /// unknowns and the matrix-free method (`MatrixFreeNewton`) carries the large networks.
    public var maxDenseUnknowns: Int = 10_000
    public init() {}
}
