import MinsimEngine

/// `manifest.json`: what produced a run and how the solver fared, so a result can be traced
/// to its exact inputs (SHA-256 of every file read) and numerical environment.
///
/// Keys are sorted and numbers printed in shortest round-trip form; two runs of the same
/// inputs differ only in `wall_time_seconds`.
public enum Manifest {
    public static func json(
        scenario: ResolvedScenario, years: [YearResult], runtime: RuntimeInfo,
        outputs: [(name: String, sha256: String)], warnings: [String], wallTime: Double, yearSeconds: [Double] = []
    ) -> JSONValue {
        let net = scenario.network
        let inputs: [JSONValue] = ([scenario.path] + scenario.referencedFiles).map { path in
            .object(["path": .string(path), "sha256": scenario.fileDigests[path].map(JSONValue.string) ?? .null])
        }
        let yearStats: [JSONValue] = years.enumerated().map { k, year in
            let s = year.solution.statistics
            let c = year.clearing
            let cert = year.certificate
            return .object([
                "year": .int(year.year),
                "status": .string(statusName(year.solution.status)),
                "iterations": .int(s.iterations),
                "final_relative_change": .number(s.finalRelativeChange),
                "factorizations": .int(s.factorizations),
                "reused_factorizations": .int(s.reusedFactorizations),
                "price_residual": .number(s.priceResidual),
                "quantity_residual": .number(s.quantityResidual),
                "mass_balance_residual": .number(s.massBalanceResidual),
                "mass_balance_tolerance": .number(s.massBalanceTolerance),
                "worst_mass_balance_node": s.worstMassBalanceNode.map { .string(net.name(of: $0)) } ?? .null,
                "reciprocal_condition": .number(s.reciprocalCondition),
                "price_reciprocal_condition": .number(s.priceReciprocalCondition),
                "nodes": .int(s.nodes),
                "nonzeros": .int(s.nonzeros),
                "linear_solver": .string(s.linearSolver),
                "linear_solver_reason": .string(s.linearSolverReason),
                "certificate": .object([
                    "certified": .bool(cert.certified),
                    "tolerance": .number(cert.tolerance),
                    "capacity_violation": .number(cert.capacityViolation),
                    "quota_violation": .number(cert.quotaViolation),
                    "capacity_complementarity": .number(cert.capacityComplementarity),
                    "quota_complementarity": .number(cert.quotaComplementarity),
                    "complementarity_residual": .number(max(cert.capacityComplementarity, cert.quotaComplementarity)),
                    "unmet_below_choke": .number(cert.unmetBelowChoke),
                    "served_above_choke": .number(cert.servedAboveChoke),
                    "iterations": .int(c.iterations),
                ]),
                "clearing_solver": .object([
                    "method": .string(
                        "Josephy–Newton on the Fischer–Burmeister merit (subproblems: active set, semismooth Newton, Lemke, interior point), Levenberg–Marquardt fallback, Newton homotopy from the warm start, demand continuation; on large networks semismooth Newton on Jacobian–vector products, a stalled market share finished by regula falsi"
                    ),
                    "status": .string(c.status.rawValue),
                    "iterations": .int(c.iterations),
                    "evaluations": .int(c.evaluations),
                    "jacobians": .int(c.jacobians),
                    "natural_residual": .number(c.naturalResidual),
                    "homotopy_steps": .int(c.homotopySteps),
                    "continuation_steps": .int(c.continuationSteps),
                    "share_finish_solves": .int(c.shareFinishSolves),
                    "unknowns": .object([
                        "scarcity_rents": .int(c.rentUnknowns), "quota_rents": .int(c.quotaUnknowns),
                        "unserved_shares": .int(c.marketUnknowns),
                    ]),
                    "binding_nodes": .array(c.bindingNodes.map { .string(net.name(of: $0)) }),
                    "shedding_markets": .array(c.sheddingMarkets.map { .string(net.name(of: $0)) }),
                    "unavailable_nodes": .array(c.unavailableNodes.map { .string(net.name(of: $0)) }),
                    "log": .array(
                        c.log.map { step in
                            .object([
                                "iteration": .int(step.iteration), "merit": .number(step.merit),
                                "natural_residual": .number(step.naturalResidual), "damping": .number(step.damping),
                                "step": .number(step.stepNorm), "free_unknowns": .int(step.freeCount),
                                "trials": .int(step.trials),
                            ])
                        }),
                ]),
                "wall_time_seconds": k < yearSeconds.count ? .number(yearSeconds[k]) : .null,
            ])
        }
        return .object([
            "tool": .object([
                "name": .string("minsim"), "version": .string(ToolVersion.tool),
                "scenario_format": .int(ToolVersion.scenarioFormat),
            ]),
            "scenario": .object([
                "name": .string(scenario.name), "path": .string(scenario.path), "description": .string(scenario.description),
                "sha256": scenario.fileDigests[scenario.path].map(JSONValue.string) ?? .null,
                "base_year": .int(scenario.baseYear), "currency": .string(scenario.currency),
                "horizon": .int(scenario.years.horizon),
            ]),
            "inputs": .array(inputs),
            "blas": .object(["library": .string(runtime.blasLibrary), "threads": .int(runtime.threadCount)]),
            "years": .array(yearStats),
            "outputs": .array(outputs.map { .object(["path": .string($0.name), "sha256": .string($0.sha256)]) }),
            "warnings": .array(warnings.map(JSONValue.string)),
            "wall_time_seconds": .number(wallTime),
        ])
    }

    /// The status as written in the manifest.
    public static func statusName(_ status: SolveStatus) -> String {
        switch status {
        case .solved: return "solved"
        case .iterationLimitReached: return "iteration_limit_reached"
        case .massBalanceViolated: return "mass_balance_violated"
        }
    }
}
