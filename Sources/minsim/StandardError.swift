import Foundation

/// Writes to stderr, keeping error text out of stdout where results and summaries go.
enum StandardError {
    static func print(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
