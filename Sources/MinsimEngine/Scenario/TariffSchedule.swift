/// Ad-valorem tariffs by year, before dated tariff shocks (`PolicyShocks`).
///
/// ```
/// τ[q][s→r](t) = path[q][s→r](t) | τ[q][s→r]
/// ```
/// where τ is the scenario's rate of the route (0.25 = 25 %; absent routes are 0).
public struct TariffSchedule: Sendable {
    /// The scenario's rate τ of each tariffed route (in force in every year without a path).
    public var rates: [Route: Double]
    /// Tariff paths, which replace the rate of their route.
    public var paths: [Route: YearPath]

    public init(rates: [Route: Double], paths: [Route: YearPath] = [:]) {
        self.rates = rates
        self.paths = paths
    }

    /// τ(t) of every tariffed route (see the type's equation).
    public func tariffs(in t: Int) -> [Route: Double] {
        var out = rates
        for (route, path) in paths { out[route] = path.value(in: t) }
        return out
    }
}
