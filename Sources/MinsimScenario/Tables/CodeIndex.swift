/// Region codes or product names → their index, for the lookups of every row a table decoder
/// reads (three per trade route; millions in a large scenario).
///
/// An open-addressing table hashed with FNV-1a over the name's UTF-8 bytes: a short name is
/// hashed in a few instructions, where `Dictionary<String, Int>` seeds and finalizes a SipHash
/// per lookup (≈ 5 % of loading a 100,000-node scenario). Equality is `String`'s, so a name
/// matches exactly as it did in a dictionary. Read and written like one (`index[name]`).
struct CodeIndex {
    private var keys: [String] = []
    private var values: [Int] = []
    /// Position in `keys` + 1 per slot; 0 = empty. The slot count is a power of two, at least
    /// twice the number of keys.
    private var slots: [Int32] = [Int32](repeating: 0, count: 8)

    var count: Int { keys.count }

    subscript(key: String) -> Int? {
        get {
            let mask = slots.count - 1
            var slot = Self.hash(key) & mask
            while true {
                let k = Int(slots[slot])
                if k == 0 { return nil }
                if keys[k - 1] == key { return values[k - 1] }
                slot = (slot + 1) & mask
            }
        }
        set {
            // Names are only ever added (a region or product is defined once).
            guard let newValue else {
                preconditionFailure("CodeIndex does not remove names")
            }
            if let k = position(of: key) {
                values[k] = newValue
                return
            }
            keys.append(key)
            values.append(newValue)
            if keys.count * 2 > slots.count {
                slots = [Int32](repeating: 0, count: slots.count * 2)
                for k in keys.indices { place(k) }
            } else {
                place(keys.count - 1)
            }
        }
    }

    /// The index of the name whose UTF-8 bytes are `bytes`, without making a `String`.
    func index(of bytes: UnsafeRawBufferPointer) -> Int? {
        let mask = slots.count - 1
        var slot = Self.hash(bytes) & mask
        while true {
            let k = Int(slots[slot])
            if k == 0 { return nil }
            if Self.equal(keys[k - 1], bytes) { return values[k - 1] }
            slot = (slot + 1) & mask
        }
    }

    private static func equal(_ key: String, _ bytes: UnsafeRawBufferPointer) -> Bool {
        if let same = key.utf8.withContiguousStorageIfAvailable({ $0.elementsEqual(bytes) }) { return same }
        return key.utf8.elementsEqual(bytes)
    }

    private func position(of key: String) -> Int? {
        let mask = slots.count - 1
        var slot = Self.hash(key) & mask
        while true {
            let k = Int(slots[slot])
            if k == 0 { return nil }
            if keys[k - 1] == key { return k - 1 }
            slot = (slot + 1) & mask
        }
    }

    private mutating func place(_ k: Int) {
        let mask = slots.count - 1
        var slot = Self.hash(keys[k]) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(k + 1)
    }

    /// FNV-1a over the UTF-8 bytes, its high bits spread by a multiplication (the slot is
    /// taken from the low bits).
    private static func hash<C: Sequence<UInt8>>(_ bytes: C) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        h ^= h >> 29
        h = h &* 0xbf58_476d_1ce4_e5b9
        h ^= h >> 32
        return Int(truncatingIfNeeded: h & 0x7fff_ffff_ffff_ffff)
    }

    private static func hash(_ key: String) -> Int {
        key.utf8.withContiguousStorageIfAvailable { hash($0) } ?? hash(key.utf8)
    }
}
