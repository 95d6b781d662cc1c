/// A small SVG writer: elements as text, attributes escaped, coordinates rounded to 0.01 px.
///
/// Every chart of the report is drawn with it, and the same text is both inlined in the HTML
/// report and written as a standalone `.svg` figure, so a figure in a paper and the chart on
/// screen are one drawing. Styles are presentation attributes (not a stylesheet), so a figure
/// looks the same in a browser, Inkscape or a LaTeX pipeline; hover text is the SVG `<title>`
/// element, which browsers show natively.
struct SVG {
    private(set) var body = ""
    let width: Double
    let height: Double

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// The standalone document: XML declaration, namespace, viewBox and a white background.
    func document(title: String, description: String) -> String {
        """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(Self.n(width)) \(Self.n(height))" \
        width="\(Self.n(width))" height="\(Self.n(height))" font-family="Helvetica, Arial, sans-serif" \
        font-size="12" role="img">
        <title>\(Self.escape(title))</title>
        <desc>\(Self.escape(description))</desc>
        <rect x="0" y="0" width="\(Self.n(width))" height="\(Self.n(height))" fill="#ffffff"/>
        \(body)</svg>

        """
    }

    /// Appends raw, already escaped SVG text.
    mutating func raw(_ text: String) { body += text }

    /// An element with attributes and an optional hover title; `attributes` values are escaped.
    mutating func element(_ name: String, _ attributes: [(String, String)], title: String? = nil, content: String? = nil) {
        body += "<\(name)"
        for (key, value) in attributes { body += " \(key)=\"\(Self.escape(value))\"" }
        if title == nil && content == nil {
            body += "/>\n"
            return
        }
        body += ">"
        if let title { body += "<title>\(Self.escape(title))</title>" }
        if let content { body += Self.escape(content) }
        body += "</\(name)>\n"
    }

    mutating func text(
        _ string: String, x: Double, y: Double, anchor: String = "start", size: Double = 12, weight: String? = nil,
        color: String = "#222222", extra: [(String, String)] = []
    ) {
        // Labels never take the pointer: hovering a label shows what lies under it.
        var attributes: [(String, String)] = [
            ("x", Self.n(x)), ("y", Self.n(y)), ("text-anchor", anchor), ("font-size", Self.n(size)), ("fill", color),
            ("pointer-events", "none"),
        ]
        if let weight { attributes.append(("font-weight", weight)) }
        element("text", attributes + extra, content: string)
    }

    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, color: String, width: Double = 1, dash: String? = nil) {
        var attributes: [(String, String)] = [
            ("x1", Self.n(x1)), ("y1", Self.n(y1)), ("x2", Self.n(x2)), ("y2", Self.n(y2)), ("stroke", color),
            ("stroke-width", Self.n(width)),
        ]
        if let dash { attributes.append(("stroke-dasharray", dash)) }
        element("line", attributes)
    }

    mutating func rect(
        x: Double, y: Double, width: Double, height: Double, fill: String, title: String? = nil,
        extra: [(String, String)] = []
    ) {
        element(
            "rect",
            [("x", Self.n(x)), ("y", Self.n(y)), ("width", Self.n(width)), ("height", Self.n(height)), ("fill", fill)] + extra,
            title: title)
    }

    /// A coordinate or size with at most two decimals and no trailing zeros.
    static func n(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        let r = (v * 100).rounded() / 100
        if r == r.rounded() { return String(Int(r)) }
        var s = String(format: "%.2f", r)
        while s.hasSuffix("0") { s.removeLast() }
        return s
    }

    /// Escapes text for XML content and attribute values.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}

/// Colours: the Okabe–Ito palette, distinguishable with the common colour-vision deficiencies
/// and in greyscale print by lightness, in the order regions appear in the scenario.
enum Palette {
    static let regions = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#7F6000", "#555555"]
    static let world = "#111111"
    static let neutral = "#9a9a9a"
    static let recycling = "#3a9a3a"
    static let unmet = "#c0392b"
    static let axis = "#777777"
    static let grid = "#e6e6e6"

    /// The colour of the `index`-th region; the palette repeats past its eighth colour.
    static func region(_ index: Int) -> String {
        guard index >= 0 else { return neutral }
        return regions[index % regions.count]
    }
}
