import KilnCompiler
import KilnCore
import Testing

/// `--shard I/N`: how it is written, and how a plan's pairs are split among shards.
@Suite("Shard")
struct ShardTests {
    @Test("I/N parses, counted from 0", arguments: [("0/1", 0, 1), ("0/4", 0, 4), ("3/4", 3, 4), ("17/32", 17, 32)])
    func parses(text: String, index: Int, count: Int) throws {
        let shard = try Shard(parsing: text)
        #expect(shard.index == index && shard.count == count)
        #expect(shard.description == text)
    }

    @Test("a malformed or out-of-range shard is refused, naming it and the form to use",
          arguments: [("4/4", "from 0 to 3"), ("-1/4", "from 0 to 3"), ("0/0", "give 1 to"), ("1", "INDEX/COUNT"),
                      ("a/4", "INDEX/COUNT"), ("1/4/2", "INDEX/COUNT"), ("", "INDEX/COUNT"), ("0/5000", "give 1 to")])
    func refuses(text: String, expected: String) {
        #expect {
            try Shard(parsing: text)
        } throws: { error in
            let message = (error as? KilnError)?.message ?? ""
            return (error as? KilnError)?.code == .invalidArgument && message.contains(expected)
                && (message.contains("'\(text)'") || message.contains(text.isEmpty ? "''" : text))
        }
    }

    @Test("every item goes to exactly one shard in range, and the same costs give the same assignment",
          arguments: [1, 2, 3, 4, 7])
    func assignsEachOnce(count: Int) {
        let costs = (0..<40).map { ($0 * 7919) % 97 + 1 }
        let shards = Shard.assign(costs: costs, count: count)
        #expect(shards.count == costs.count)
        #expect(shards.allSatisfy { (0..<count).contains($0) })
        #expect(Shard.assign(costs: costs, count: count) == shards)
        // More items than shards: none is left empty.
        #expect(Set(shards).count == count)
    }

    @Test("shards are balanced: the costliest shard exceeds the cheapest by at most the costliest item")
    func balances() {
        let costs = [207_489 * 4, 207_489 * 4, 207_489 * 3, 1305 * 4, 1144 * 4, 920 * 4, 799 * 3, 657 * 4, 611, 599 * 4, 330, 210, 197 * 4]
        for count in 2...4 {
            let shards = Shard.assign(costs: costs, count: count)
            let loads = (0..<count).map { shard in costs.indices.filter { shards[$0] == shard }.map { costs[$0] }.reduce(0, +) }
            #expect(loads.max()! - loads.min()! <= costs.max()!, "\(loads)")
        }
        // The three big images of one large module go to three different shards when there are three.
        let three = Shard.assign(costs: costs, count: 3)
        #expect(Set(three[0..<3]).count == 3)
    }

    @Test("a compile's cost grows with the source and is weighted by the format's toolchain")
    func cost() {
        #expect(Shard.cost(sourceBytes: 1000, format: .poclBinary) > 10 * Shard.cost(sourceBytes: 1000, format: .cubin))
        #expect(Shard.cost(sourceBytes: 1000, format: .zebin) > Shard.cost(sourceBytes: 1000, format: .cubin))
        #expect(Shard.cost(sourceBytes: 1000, format: .cubin) > Shard.cost(sourceBytes: 1000, format: .source))
        #expect(Shard.cost(sourceBytes: 2000, format: .ptx) == 2 * Shard.cost(sourceBytes: 1000, format: .ptx))
        #expect(Shard.cost(sourceBytes: 0, format: .source) >= 1)
    }
}
