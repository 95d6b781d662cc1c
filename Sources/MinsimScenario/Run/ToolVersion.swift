/// Version of the minsim tool and scenario format, written to every manifest.
public enum ToolVersion {
    public static let tool = "0.1.0"
    public static let scenarioFormat = 1
}
