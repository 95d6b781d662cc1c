import Testing

@testable import MinsimEnsemble

@Suite("The packed Joe–Kuo direction table")
struct SobolDirectionTableTests {
    /// FNV-1a (64-bit) over the little-endian bytes of the 32-bit coordinates of the unshifted
    /// 1024-dimensional points at indices 2^k, k = 0 … 13, recorded from SciPy 1.17.1 with
    /// `python3 scripts/sobol_directions.py --checksum` (`qmc.Sobol(1024, scramble=False)`, an
    /// independent implementation). Point 2^k is `v_k ⊕ v_{k−1}` in every dimension, so a change
    /// to any polynomial or initial direction number of any dimension changes the checksum.
    @Test("points at 2^k in all 1024 dimensions equal SciPy's (checksum)")
    func checksumMatchesSciPy() {
        let sobol = SobolSequence(dimension: SobolSequence.maximumDimension)
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for k in 0..<14 {
            for x in sobol.bits(at: UInt32(1) << k) {
                for byte in 0..<4 {
                    hash = (hash ^ UInt64((x >> (8 * byte)) & 0xFF)) &* 0x100_0000_01B3
                }
            }
        }
        #expect(hash == 0x2ceb_8027_1586_45f7)
    }

    @Test("the table has 1024 dimensions with known first and last polynomials")
    func shape() {
        let table = SobolSequence.directionTable
        #expect(table.polynomials.count == 1024 && table.initialNumbers.count == 1024)
        // Dimension 0 (van der Corput) has no polynomial; 1 and 2 are x + 1 and x² + x + 1.
        #expect(Array(table.polynomials.prefix(3)) == [1, 3, 7])
        #expect(table.initialNumbers[2] == [1, 3])
        // The last bundled dimension, as in SciPy's copy (poly[1023], vinit[1023, :13]).
        #expect(table.polynomials[1023] == 15269)
        #expect(table.initialNumbers[1023] == [1, 1, 5, 11, 11, 33, 37, 29, 263, 1019, 657, 1453, 7807])
    }
}
