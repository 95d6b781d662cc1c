import Foundation
import MinsimEngine
import Yams

/// Reading a scenario file and the parents it `extends` into one `ScenarioDocument`.
extension ScenarioBuilder {
    /// Parses one scenario file into its top-level keys, loading the file it `extends` first
    /// and merging (see `ScenarioDocument.merging`). `chain` lists the files already being
    /// read, child first, to report `extends` cycles instead of recursing forever.
    mutating func readDocument(data: Data, path file: String, chain: [String]) -> ScenarioDocument? {
        let yaml = YAMLFile(path: file)
        if computesDigests { fileDigests[file] = SHA256.hex(of: data) }
        guard var text = String(data: data, encoding: .utf8) else {
            error(.start(of: file), "the scenario file is not valid UTF-8 text; save it as UTF-8")
            return nil
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let parsed: Yams.Node?
        do {
            parsed = try YAMLFile.compose(text)
        } catch let e as YamlError {
            yamlError(e, text: text, file: file)
            return nil
        } catch {
            self.error(.start(of: file), "cannot parse YAML: \(error)")
            return nil
        }
        guard let root = parsed else {
            let required = ScenarioFormat.requiredTopLevelKeys
            error(
                .start(of: file),
                "the scenario file is empty; it must be a map with at least the keys \(required.joined(separator: ", "))")
            return nil
        }
        guard case .mapping(let map) = root else {
            error(
                yaml.location(root),
                "expected a map of scenario keys at the top level (name: …, regions: …), found \(yaml.kind(root))")
            return nil
        }
        var own = ScenarioDocument(root: yaml.location(root))
        var parentReference: (file: String, location: SourceLocation)? = nil
        for (key, value) in map {
            guard case .scalar(let k) = key else {
                error(yaml.location(key), "scenario keys must be plain names, found \(yaml.kind(key))")
                continue
            }
            guard ScenarioFormat.topLevelKeys.contains(k.string) else {
                error(
                    yaml.location(key),
                    "unknown key '\(k.string)'\(Suggestion.hint(for: k.string, among: ScenarioFormat.topLevelKeys)); valid keys are \(ScenarioFormat.topLevelKeys.joined(separator: ", "))"
                )
                continue
            }
            switch k.string {
            case "extends":
                if let parent = string(yaml.cell(value), key: "extends") {
                    if parent.isEmpty {
                        error(
                            yaml.location(value), "extends names no file; give the parent scenario's path, relative to this file")
                    } else {
                        parentReference = (parent, yaml.location(value))
                    }
                }
            case "paths":
                guard case .mapping(let tables) = value else {
                    error(
                        yaml.location(value),
                        "expected paths as a map of tables (demand_index: {file: …}, …), found \(yaml.kind(value))")
                    continue
                }
                let names = ScenarioFormat.pathTables.map(\.key)
                for (tableKey, table) in tables {
                    guard case .scalar(let t) = tableKey, names.contains(t.string) else {
                        let text = yaml.cell(tableKey).kindDescription
                        let hint: String
                        if case .scalar(let t) = tableKey {
                            hint = Suggestion.hint(for: t.string, among: names)
                        } else {
                            hint = ""
                        }
                        error(
                            yaml.location(tableKey),
                            "unknown path table \(text) under paths\(hint); path tables are \(names.joined(separator: ", "))")
                        continue
                    }
                    own.paths[t.string] = .init(key: tableKey, value: table, path: file)
                }
            default:
                own.entries[k.string] = .init(key: key, value: value, path: file)
            }
        }
        guard let (parent, reference) = parentReference else { return ScenarioDocument.standalone(own) }
        let parentPath = ScenarioLoader.resolve(parent, relativeTo: file)
        let identity = ScenarioDocument.identity(of: parentPath)
        let visited = [ScenarioDocument.identity(of: file)] + chain
        if let cycleStart = visited.firstIndex(of: identity) {
            let loop = (visited[...cycleStart].reversed() + [identity]).map { ($0 as NSString).lastPathComponent }
            error(reference, "extends makes a cycle (\(loop.joined(separator: " → "))); a scenario cannot extend itself")
            return nil
        }
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: parentPath, isDirectory: &isFolder)
        guard exists, !isFolder.boolValue, let parentData = FileContents.read(parentPath) else {
            let why = !exists ? "no such file" : (isFolder.boolValue ? "it is a folder" : "it cannot be read")
            error(
                reference,
                "cannot read the parent scenario '\(parent)' (resolved to '\(parentPath)'): \(why); paths are relative to this file"
            )
            return nil
        }
        if !referencedFiles.contains(parentPath) { referencedFiles.append(parentPath) }
        let before = diagnostics.filter { $0.severity == .error }.count
        let inherited = readDocument(data: parentData, path: parentPath, chain: visited)
        guard let inherited else {
            if diagnostics.filter({ $0.severity == .error }).count == before {
                error(reference, "the parent scenario '\(parent)' cannot be read")
            }
            return nil
        }
        return ScenarioDocument.merging(parent: inherited, child: own)
    }

    /// Maps Yams' parse errors, which carry a 1-based mark, to a diagnostic at that position.
    mutating func yamlError(_ e: YamlError, text: String, file: String) {
        func at(_ mark: Yams.Mark) -> SourceLocation {
            SourceLocation(path: file, line: max(mark.line, 1), column: max(mark.column, 1))
        }
        switch e {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let ctx = context.map { " (\($0.text) at line \($0.mark.line), column \($0.mark.column))" } ?? ""
            error(at(mark), "YAML syntax error: \(problem)\(ctx)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            error(
                at(context.mark),
                "duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) in the same map; give each key once")
        case .reader(let problem, let offset, _, _):
            var line = 1, column = 1
            if let offset {
                for byte in text.utf8.prefix(max(offset, 0)) {
                    if byte == UInt8(ascii: "\n") { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
                }
            }
            error(SourceLocation(path: file, line: line, column: column), "cannot read YAML: \(problem)")
        default:
            error(.start(of: file), "cannot parse YAML: \(e)")
        }
    }
}
