/// Region codes or product names → their index, for the lookups of every row a table decoder
/// reads (three per trade route; millions in a large scenario).
///
/// A dictionary for lookups by `String` (with `String`'s equality, which treats canonically
/// equivalent texts as equal), and beside it an open-addressing table over the names' UTF-8
/// bytes for the decoders' lookups straight from a CSV file (`index(of:)`, no `String` made,
/// no SipHash): a name of up to 16 bytes (every code and product name in practice) is packed
/// into two words, hashed by mixing them and compared as two words and a length; a longer one
/// is hashed with FNV-1a and compared byte by byte. Bytes found there are a name's own bytes,
/// so they name the same index as the dictionary; bytes not found (a typo, or another
/// encoding of a name) send the decoder to its general reader, which looks up the `String`.
struct CodeIndex {
    /// A name's first 16 bytes, little-endian (zero past its end), and its length.
    private struct Key: Equatable {
        let low: UInt64
        let high: UInt64
        let count: Int
    }

    private var byName: [String: Int] = [:]
    private var names: [String] = []
    private var keys: [Key] = []
    private var hashes: [Int] = []
    private var values: [Int] = []
    /// Position in `names` + 1 per slot; 0 = empty. The slot count is a power of two, at least
    /// twice the number of names.
    private var slots: [Int32] = [Int32](repeating: 0, count: 8)

    var count: Int { names.count }

    subscript(name: String) -> Int? {
        get { byName[name].map { values[$0] } }
        set {
            // Names are only ever added (a region or product is defined once).
            guard let newValue else { preconditionFailure("CodeIndex does not remove names") }
            if let k = byName[name] {
                values[k] = newValue
                return
            }
            byName[name] = names.count
            Self.withBytes(of: name) { bytes in
                let key = Self.key(bytes)
                keys.append(key)
                hashes.append(Self.hash(bytes, key))
            }
            names.append(name)
            values.append(newValue)
            if names.count * 2 > slots.count {
                slots = [Int32](repeating: 0, count: slots.count * 2)
                for k in names.indices { place(k) }
            } else {
                place(names.count - 1)
            }
        }
    }

    /// The index of the name whose UTF-8 bytes are `bytes`, without making a `String`.
    func index(of bytes: UnsafeRawBufferPointer) -> Int? { position(of: bytes, key: Self.key(bytes)).map { values[$0] } }

    /// The index of the name whose UTF-8 bytes are `bytes`, which lie in memory readable up to
    /// `end` (a field of a file's bytes): when 16 bytes from the field's start are readable,
    /// its key is two loads and a mask instead of a loop over its bytes.
    @inline(__always)
    func index(of bytes: UnsafeRawBufferPointer, readableTo end: UnsafeRawPointer) -> Int? {
        guard let start = bytes.baseAddress, end - start >= 16 else { return index(of: bytes) }
        let n = bytes.count
        var low = start.loadUnaligned(as: UInt64.self), high = start.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        if n < 8 {
            low &= (1 << UInt64(8 * n)) &- 1
            high = 0
        } else if n < 16 {
            high &= (1 << UInt64(8 * (n - 8))) &- 1
        }
        return position(of: bytes, key: Key(low: low, high: high, count: n)).map { values[$0] }
    }

    private func position(of bytes: UnsafeRawBufferPointer, key: Key) -> Int? {
        let mask = slots.count - 1
        var slot = Self.hash(bytes, key) & mask
        while true {
            let k = Int(slots[slot]) - 1
            if k < 0 { return nil }
            if keys[k] == key && (key.count <= 16 || Self.withBytes(of: names[k], { $0.elementsEqual(bytes) })) { return k }
            slot = (slot + 1) & mask
        }
    }

    private mutating func place(_ k: Int) {
        let mask = slots.count - 1
        var slot = hashes[k] & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(k + 1)
    }

    private static func withBytes<R>(of name: String, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        if let r = name.utf8.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) { return r }
        return Array(name.utf8).withUnsafeBytes(body)
    }

    /// The key of `bytes`, a byte at a time.
    private static func key(_ bytes: UnsafeRawBufferPointer) -> Key {
        var low: UInt64 = 0, high: UInt64 = 0
        for i in 0..<min(bytes.count, 8) { low |= UInt64(bytes[i]) << (8 * i) }
        if bytes.count > 8 {
            for i in 8..<min(bytes.count, 16) { high |= UInt64(bytes[i]) << (8 * (i - 8)) }
        }
        return Key(low: low, high: high, count: bytes.count)
    }

    /// A short name's two words mixed (MurmurHash3's finalizer), or FNV-1a over a long one's
    /// bytes; the slot is taken from the low bits.
    private static func hash(_ bytes: UnsafeRawBufferPointer, _ k: Key) -> Int {
        var h: UInt64
        if bytes.count <= 16 {
            h = k.low ^ (k.high &* 0x9e37_79b9_7f4a_7c15) ^ UInt64(k.count)
        } else {
            h = 0xcbf2_9ce4_8422_2325
            for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        }
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        h = h &* 0xc4ce_b9fe_1a85_ec53
        h ^= h >> 33
        return Int(truncatingIfNeeded: h & 0x7fff_ffff_ffff_ffff)
    }
}
