import Crypto
import Foundation

/// SHA-256 (FIPS 180-4) of a byte sequence, as lowercase hex, through swift-crypto (BoringSSL's
/// assembly-optimised SHA-256 on Linux, CryptoKit on Apple platforms).
///
/// The manifest digests every input file and every output; on a 100,000-node run that is a
/// few hundred MB, where the maintained implementation runs about 20× faster than the plain
/// Swift one it replaced.
package enum SHA256 {
    package static func hex<Bytes: DataProtocol>(of bytes: Bytes) -> String {
        hex(Crypto.SHA256.hash(data: bytes))
    }

    /// A finished digest (e.g. of bytes hashed chunk by chunk, `CSVOutput`) as lowercase hex.
    static func hex(_ digest: Crypto.SHA256.Digest) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(2 * Crypto.SHA256.byteCount)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xf)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
