import MDArchive
import Testing

@Suite struct SHA256Tests {
    @Test("FIPS 180-4 vectors and block-boundary lengths (checked with hashlib.sha256)")
    func vectors() {
        #expect(SHA256.hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        // python3 -c "import hashlib;print(hashlib.sha256(bytes(range(256))*3).hexdigest())"
        let bytes = [UInt8]((0..<768).map { UInt8($0 % 256) })
        #expect(SHA256.hex(bytes) == "f3a25aa93aa2fbba28d79260535bbd6a5eb0fc1c24a8b0f04e12b484c1dfe363")
        // Lengths around the padding boundary: 55, 56 and 64 bytes of "a".
        #expect(SHA256.hex([UInt8](repeating: 97, count: 55)) == "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318")
        #expect(SHA256.hex([UInt8](repeating: 97, count: 56)) == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a")
        #expect(SHA256.hex([UInt8](repeating: 97, count: 64)) == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
    }

    @Test("streaming in pieces equals one update")
    func streaming() {
        let bytes = [UInt8]((0..<1000).map { UInt8(($0 * 37) % 251) })
        for split in [0, 1, 55, 56, 63, 64, 65, 500, 999] {
            var h = SHA256()
            h.update(Array(bytes[..<split]))
            h.update(Array(bytes[split...]))
            #expect(SHA256.hex(bytes) == "5c26248f558c6207fd028c12e058d97acb8789e68f2e8d4570f973059f437ca9")
            #expect(h.finalize() == {
                var g = SHA256()
                g.update(bytes)
                return g.finalize()
            }())
        }
    }
}
