import MDCore
import Testing

@Suite struct SelectionTests {
    /// Six atoms: ids 10…15, species Cu Cu O Cu O Cu, z = 0, 5, 10, 15, 20, 25.
    let frame = Frame(
        step: 0, cell: nil, species: ["Cu", "O"], ids: [10, 11, 12, 13, 14, 15], types: [0, 0, 1, 0, 1, 0],
        positions: (0..<6).flatMap { [Double($0), -Double($0), 5 * Double($0)] })

    @Test func basicRules() throws {
        #expect(try Selection(parsing: "all").resolve(in: frame) == [10, 11, 12, 13, 14, 15])
        #expect(try Selection(parsing: "none").resolve(in: frame) == [])
        #expect(try Selection(parsing: "id 11-13").resolve(in: frame) == [11, 12, 13])
        #expect(try Selection(parsing: "id 10 12,15").resolve(in: frame) == [10, 12, 15])
        #expect(try Selection(parsing: "element O").resolve(in: frame) == [12, 14])
        #expect(try Selection(parsing: "z > 12.0").resolve(in: frame) == [13, 14, 15])
        #expect(try Selection(parsing: "z >= 10").resolve(in: frame) == [12, 13, 14, 15])
        #expect(try Selection(parsing: "y<-3").resolve(in: frame) == [14, 15])
    }

    @Test func combinationsAndPrecedence() throws {
        #expect(try Selection(parsing: "element Cu and z > 12").resolve(in: frame) == [13, 15])
        // and binds tighter than or
        #expect(try Selection(parsing: "id 10 or element O and z > 12").resolve(in: frame) == [10, 14])
        #expect(try Selection(parsing: "(id 10 or element O) and z > 12").resolve(in: frame) == [14])
        #expect(try Selection(parsing: "not element O").resolve(in: frame) == [10, 11, 13, 15])
        #expect(try Selection(parsing: "ELEMENT Cu AND NOT z < 10").resolve(in: frame) == [13, 15])
    }

    @Test func typeNumbers() throws {
        let typed = Frame(step: 0, cell: nil, species: ["type1", "type3"], ids: [1, 2, 3], types: [0, 1, 0], positions: Array(repeating: 0, count: 9))
        #expect(try Selection(parsing: "type 3").resolve(in: typed) == [2])
        // With --species 1=Cu,2=O the names are elements; the map says which type is which.
        #expect(try Selection(parsing: "type 2").resolve(in: frame, typeNames: [1: "Cu", 2: "O"]) == [12, 14])
    }

    @Test func canonicalTextParsesBack() throws {
        for text in ["all", "id 1-900 1000", "element Cu and z > 12.0 or not type 2", "(x < 1 or y >= 2) and none"] {
            let s = try Selection(parsing: text)
            #expect(try Selection(parsing: s.description) == s)
        }
    }

    @Test func errorsNameTheColumn() {
        func column(_ text: String) -> Int? {
            do {
                _ = try Selection(parsing: text)
                return nil
            } catch {
                return error.column
            }
        }
        #expect(column("") == 0)
        #expect(column("id") == 3)
        #expect(column("id 5-1") == 4)
        #expect(column("z > ") == 5)
        #expect(column("z = 3") == 3)
        #expect(column("element Cu and") == 15)
        #expect(column("(all") == 5)
        #expect(column("all all") == 5)
        #expect(column("mass > 3") == 1)
        #expect(column("type Cu") == 6)
    }
}
