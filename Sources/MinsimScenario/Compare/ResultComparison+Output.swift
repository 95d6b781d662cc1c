import Foundation

// Writing the comparison: the delta CSVs and compare.json.
extension ResultComparison {
    /// One delta table: the leading columns, then A, B, change and relative change per value column.
    static func render(_ spec: TableSpec, _ rows: [JoinedRow]) -> String {
        var csv = CSVWriter(columns: spec.outputColumns)
        for row in rows {
            var fields = row.leading
            for (a, b) in zip(row.a, row.b) {
                fields += [
                    CSVWriter.number(a), CSVWriter.number(b), CSVWriter.number(change(a, b)),
                    CSVWriter.number(relativeChange(a, b)),
                ]
            }
            csv.appendRow(fields)
        }
        return csv.text
    }

    /// `compare.json`: the tool, both sides and the SHA-256 of every output file.
    static func compareJSON(_ a: Input, _ b: Input, outputs: [(name: String, data: Data)]) -> JSONValue {
        func side(_ input: Input) -> JSONValue {
            var members: [String: JSONValue] = [
                "path": .string(input.path), "kind": .string(input.kind.rawValue),
                "scenario": .string(input.scenarioName), "manifest_sha256": .string(input.manifestSHA256),
            ]
            if let sha = input.scenarioSHA256 { members["scenario_sha256"] = .string(sha) }
            return .object(members)
        }
        return .object([
            "tool": .object([
                "name": .string("minsim"), "version": .string(ToolVersion.tool),
                "scenario_format": .int(ToolVersion.scenarioFormat),
            ]),
            "a": side(a),
            "b": side(b),
            "outputs": .array(
                outputs.map { .object(["path": .string($0.name), "sha256": .string(SHA256.hex(of: $0.data))]) }),
            "summary": .object([
                "threshold": .number(summaryThreshold), "count": .int(summaryCount),
                "columns": .array(summaryColumns.map { .string($0) }),
            ]),
        ])
    }
}
