import Foundation
import Testing

@testable import MinsimReport
@testable import MinsimScenario

/// Result folders for the report tests: real runs of the scenario fixtures, and a small
/// hand-written folder whose Sankey diagram is derived by hand.
enum ReportTestSupport {
    static let testsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let repositoryRoot = testsFolder.deletingLastPathComponent().deletingLastPathComponent()
    static let scenarioFixtures = repositoryRoot.appendingPathComponent("Tests/MinsimScenarioTests/Fixtures/valid")

    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("minsim-report-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs a scenario of the scenario tests' fixtures into `folder/name` and returns the path.
    static func run(_ fixture: String, into folder: URL, name: String = "out") throws -> String {
        let out = folder.appendingPathComponent(name).path
        _ = try ScenarioRunner.run(
            path: scenarioFixtures.appendingPathComponent(fixture).path, outputDirectory: out,
            runtime: RuntimeInfo(blasLibrary: "test", threadCount: 1))
        return out
    }

    /// Runs a shipped scenario (`Scenarios/NAME`) into `folder/name`.
    static func runShipped(_ scenario: String, into folder: URL, name: String) throws -> String {
        let out = folder.appendingPathComponent(name).path
        _ = try ScenarioRunner.run(
            path: repositoryRoot.appendingPathComponent("Scenarios/\(scenario)").path, outputDirectory: out,
            runtime: RuntimeInfo(blasLibrary: "test", threadCount: 1))
        return out
    }

    /// Writes `files` (relative path → text) into a new folder under `folder`.
    static func write(_ files: [String: String], into folder: URL, name: String) throws -> String {
        let root = folder.appendingPathComponent(name)
        for (path, text) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        return root.path
    }

    /// A one-year result folder small enough to follow by hand (regions A and B, mineral x):
    ///
    /// ```
    /// recipes   metal ← ore 1.1 t/t, car ← metal 0.05 t/vehicle (both regions)
    /// ore       A→A 38, B→A 15, B→B 49.5; A's refineries also take 2 t recycled
    /// metal     A makes 50 (all to A), B makes 45 (20 to A, 25 to B); A's final demand 20
    /// cars      A makes 1000 (to A), B makes 500 (to B)
    /// ```
    ///
    /// Feeds balance as the engine would have them: A's refineries take 38 + 15 + 2 = 55 =
    /// 1.1 · 50, B's 49.5 = 1.1 · 45; A uses 70 t metal = 0.05 · 1000 + 20, B 25 = 0.05 · 500.
    /// With `certificate`, the manifest carries the solver certificate of the newer engine;
    /// without `markets`/`recipes`, the folder looks like an older one.
    static func handFolder(
        into folder: URL, name: String = "hand", markets: Bool = true, recipes: Bool = true, certificate: Bool = true,
        recipePaths: Bool = false
    ) throws -> String {
        let certificateJSON =
            certificate
            ? #""certificate": {"certified": true, "tolerance": 1e-08, "capacity_violation": 0.0, "quota_violation": 0.0, "complementarity_residual": 1e-12, "unmet_below_choke": 0.0, "iterations": 7},"#
            : #""clearing": {"rounds": 1, "converged": true, "capacity_violation": 0.0, "complementarity_residual": 0.0, "demand_residual": 0.0, "nodes_at_ceiling": []},"#
        var files: [String: String] = [
            "manifest.json": """
            {"tool": {"name": "minsim", "version": "9.9.9", "scenario_format": 1},
             "scenario": {"name": "hand", "description": "A hand-derived folder", "path": "hand.yaml", "sha256": "00", "base_year": 2024, "horizon": 2024, "currency": "USD"},
             "blas": {"library": "test", "threads": 1}, "inputs": [{"path": "hand.yaml", "sha256": "00"}],
             "years": [{"year": 2024, "status": "solved", \(certificateJSON) "mass_balance_residual": 0.0}],
             "outputs": [], "warnings": [], "wall_time_seconds": 0.01}
            """,
            "nodes.csv": """
            scenario,year,region,product,stage,unit,production,capacity,utilization,price,value_added,unmet_demand,scarcity_rent
            hand,2024,A,ore,mining,t,38.0,40.0,0.95,10.0,10.0,0.0,0.0
            hand,2024,A,metal,refining,t,50.0,,,30.0,5.0,0.0,0.0
            hand,2024,A,car,ev,vehicle,1000.0,,,100.0,98.0,10.0,0.0
            hand,2024,B,ore,mining,t,64.5,,,12.0,12.0,0.0,0.0
            hand,2024,B,metal,refining,t,45.0,,,32.0,18.8,0.0,1.5
            hand,2024,B,car,ev,vehicle,500.0,,,110.0,108.4,0.0,0.0

            """,
            "flows.csv": """
            scenario,year,product,unit,exporter,importer,quantity,share,tariff_rate,delivered_price,tariff_revenue
            hand,2024,ore,t,A,A,38.0,0.7169811320754716,0.0,10.0,0.0
            hand,2024,ore,t,B,A,15.0,0.2830188679245283,0.0,12.0,0.0
            hand,2024,ore,t,B,B,49.5,1.0,0.0,12.0,0.0
            hand,2024,metal,t,A,A,50.0,0.7142857142857143,0.0,30.0,0.0
            hand,2024,metal,t,B,A,20.0,0.2857142857142857,0.1,35.2,64.0
            hand,2024,metal,t,B,B,25.0,1.0,0.0,32.0,0.0
            hand,2024,car,vehicle,A,A,1000.0,1.0,0.0,100.0,0.0
            hand,2024,car,vehicle,B,B,500.0,1.0,0.0,110.0,0.0

            """,
            "minerals.csv": """
            scenario,year,region,mineral,primary_demand,clean_tech_demand,secondary_supply,unmet_demand,import_reliance,supplier_hhi
            hand,2024,A,x,53.0,50.5,2.0,0.5,0.2857142857142857,0.5918367346938775
            hand,2024,B,x,49.5,25.0,0.0,0.0,-0.8,1.0

            """,
            "stocks.csv": """
            scenario,year,region,inflow,stock,retirements,recovered_x_t
            hand,2024,A,1000.0,5000.0,40.0,2.0
            hand,2024,B,500.0,2000.0,10.0,0.5

            """,
            "resolved/regions.csv": "region,name,source\nA,Aland,\nB,B,\n",
            "resolved/products.csv": """
            product,stage,unit,elasticity,source,demand_elasticity,mineral
            ore,mining,t,2.0,assumption: test value,0.0,x
            metal,refining,t,4.0,,-0.3,x
            car,ev,vehicle,3.0,,0.0,

            """,
            "resolved/mineral_chains.csv": "name,ore,refined,collection_rate,recovery_efficiency,source\nx,ore,metal,0.5,0.9,\n",
            "resolved/settings.csv": "key,value,source\nbase_year,2024,\nhorizon,2024,\nfleet.product,car,\n",
            "resolved/recipes.csv": """
            region,product,input,quantity_per_unit,source
            A,metal,ore,1.1,
            A,car,metal,0.05,
            B,metal,ore,1.1,
            B,car,metal,0.05,

            """,
            "resolved/paths.csv": "path,region,product,input,exporter,year,value,source,chemistry\n"
                + (recipePaths ? "recipe_index,,metal,ore,,2024,1.0,,\n" : ""),
        ]
        if recipes {
            files["recipes_by_year.csv"] = """
                scenario,year,region,product,input,unit,quantity_per_unit
                hand,2024,A,metal,ore,t/t,1.1
                hand,2024,A,car,metal,t/vehicle,0.05
                hand,2024,B,metal,ore,t/t,1.1
                hand,2024,B,car,metal,t/vehicle,0.05

                """
        }
        if markets {
            files["markets.csv"] = """
                scenario,year,region,product,unit,reference_demand,desired_demand,served,unmet,unserved_share,delivered_price,base_delivered_price,choke_price
                hand,2024,A,metal,t,20.0,20.0,20.0,0.0,0.0,31.5,31.5,315.0
                hand,2024,A,car,vehicle,1010.0,1010.0,1000.0,10.0,0.0099009900990099,100.0,100.0,1000.0
                hand,2024,B,car,vehicle,500.0,500.0,500.0,0.0,0.0,110.0,110.0,1100.0

                """
        }
        return try write(files, into: folder, name: name)
    }

    static func isClose(_ a: Double, _ b: Double, relative tolerance: Double) -> Bool {
        abs(a - b) <= tolerance * max(abs(a), abs(b), .leastNormalMagnitude)
    }
}
