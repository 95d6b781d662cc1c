/// "Did you mean …?" hints for misspelt keys, regions and products.
enum Suggestion {
    /// The candidate closest to `word` by edit distance, if it is close enough to be a
    /// plausible typo: 1 edit for words of up to 3 characters, else 2 edits or a third of
    /// the word's length, whichever is larger.
    /// A case-only difference always qualifies (`ca` → `CA`).
    static func closest(to word: String, among candidates: some Sequence<String>) -> String? {
        let lower = word.lowercased()
        var best: (name: String, distance: Int)? = nil
        for candidate in candidates {
            let d = candidate.lowercased() == lower ? 0 : distance(word, candidate)
            if best.map({ d < $0.distance }) ?? true { best = (candidate, d) }
        }
        guard let found = best else { return nil }
        // Short codes (CA, KR, US) are all within two edits of each other: allow one there.
        let limit = word.count <= 3 ? 1 : max(2, word.count / 3)
        return found.distance <= limit ? found.name : nil
    }

    /// `; did you mean 'x'?` or an empty string, ready to append to a message.
    static func hint(for word: String, among candidates: some Sequence<String>) -> String {
        closest(to: word, among: candidates).map { "; did you mean '\($0)'?" } ?? ""
    }

    /// Levenshtein distance (insertions, deletions, substitutions), O(|a|·|b|).
    static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                let substitution = previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[y.count]
    }
}
