import MDConfiguration
import Testing

@Suite struct TOMLKeyLocatorTests {
    @Test func headersKeysDottedKeysAndInlineTables() {
        let text = """
            # comment = not a key
            top = 1

            [lens]
            window = 20   # trailing comment
            "quoted key" = 'x'

            [clustering.hdbscan]
            min_cluster_size = 80
            sub.deeper = true

            [macro]
            names = { 0 = "bulk", 3 = "step edge", nested = { a = 1 } }
            """
        let l = TOMLKeyLocator(text: text)
        #expect(l.line(of: ["top"]) == 2)
        #expect(l.line(of: ["lens"]) == 4)
        #expect(l.line(of: ["lens", "window"]) == 5)
        #expect(l.line(of: ["lens", "quoted key"]) == 6)
        #expect(l.line(of: ["clustering", "hdbscan"]) == 8)
        #expect(l.line(of: ["clustering"]) == 8)  // first mention, as a prefix of the header
        #expect(l.line(of: ["clustering", "hdbscan", "min_cluster_size"]) == 9)
        #expect(l.line(of: ["clustering", "hdbscan", "sub"]) == 10)
        #expect(l.line(of: ["clustering", "hdbscan", "sub", "deeper"]) == 10)
        #expect(l.line(of: ["macro", "names"]) == 13)
        #expect(l.line(of: ["macro", "names", "0"]) == 13)
        #expect(l.line(of: ["macro", "names", "3"]) == 13)
        #expect(l.line(of: ["macro", "names", "nested", "a"]) == 13)
        #expect(l.line(of: ["comment"]) == nil)
        #expect(l.line(of: []) == nil)
    }

    @Test func multiLineValuesDoNotConfuseLineCounting() {
        let text = """
            [a]
            s = \"\"\"
            first = 1
            [not_a_table]
            \"\"\"
            t = '''
            x = 'y'
            '''
            arr = [
              1.0,   # a comment with = and [
              "a = b",
              { k = 1 },
            ]
            escaped = "quote \\" and = inside"
            date = 1979-05-27 07:32:00Z
            after = 2
            """
        let l = TOMLKeyLocator(text: text)
        #expect(l.line(of: ["a", "s"]) == 2)
        #expect(l.line(of: ["a", "first"]) == nil)
        #expect(l.line(of: ["not_a_table"]) == nil)
        #expect(l.line(of: ["a", "t"]) == 6)
        #expect(l.line(of: ["a", "x"]) == nil)
        #expect(l.line(of: ["a", "arr"]) == 9)
        #expect(l.line(of: ["a", "arr", "k"]) == nil)  // array elements get no paths
        #expect(l.line(of: ["a", "escaped"]) == 14)
        #expect(l.line(of: ["a", "date"]) == 15)
        #expect(l.line(of: ["a", "after"]) == 16)
        #expect(l.orderedPaths.map { $0.joined(separator: ".") } == ["a", "a.s", "a.t", "a.arr", "a.escaped", "a.date", "a.after"])
    }

    @Test func nearestLineFallsBackToTheTableHeader() {
        let l = TOMLKeyLocator(text: "x = 1\n\n[lens]\nlag = 2\n[clustering.gmm]\n")
        #expect(l.nearestLine(of: ["lens", "window"]) == 3)
        #expect(l.nearestLine(of: ["lens", "lag"]) == 4)
        #expect(l.nearestLine(of: ["clustering", "gmm", "seed"]) == 5)
        #expect(l.nearestLine(of: ["clustering", "method"]) == 5)
        #expect(l.nearestLine(of: ["pca", "variance"]) == 1)
    }

    @Test func arrayOfTablesHeadersAndCarriageReturns() {
        let l = TOMLKeyLocator(text: "[[rules]]\r\nname = \"a\"\r\n[[rules]]\r\nname = \"b\"\r\n")
        #expect(l.line(of: ["rules"]) == 1)
        #expect(l.line(of: ["rules", "name"]) == 2)
    }

    @Test func malformedTextTerminates() {
        let l = TOMLKeyLocator(text: "[unterminated\n= = =\n\"open string\n{ } ]] ''' \n key = [1, \n")
        #expect(l.line(of: ["unterminated"]) == 1)
        #expect(l.line(of: ["unterminated", "key"]) == 5)
    }
}
