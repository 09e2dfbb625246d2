import Foundation
import Testing

@testable import EnrollCore

@Suite("Path names")
struct PathNameTests {
    @Test(arguments: [
        // (path, parent, last component)
        ("y", ".", "y"),
        ("./y", ".", "y"),
        ("/y", "/", "y"),
        ("a/b/", "a", "b"),
        ("a//b", "a", "b"),
        ("a/b/c.tar.zst", "a/b", "c.tar.zst"),
        ("../y", "..", "y"),
        ("/", "/", ""),
        ("", ".", ""),
    ])
    func parentAndLastComponent(path: String, parent: String, last: String) {
        let name = PathName(path)
        #expect(name.parent == parent)
        #expect(name.lastComponent == last)
    }

    @Test func hiddenSiblingStaysInTheSameDirectory() {
        #expect(PathName("y").hiddenSibling(suffix: ".1.partial") == "./.y.1.partial")
        #expect(PathName("/y").hiddenSibling(suffix: ".tmp") == "/.y.tmp")
        #expect(PathName("out/b1/").hiddenSibling(suffix: ".tmp") == "out/.b1.tmp")
        #expect(PathName("a/b").sibling("c") == "a/c")
    }

    @Test func stemAndExtension() {
        #expect(PathName("keys/st1.sec").stem == "st1")
        #expect(PathName("day.tar.zst").stem == "day.tar")
        #expect(PathName("photo.JPG").fileExtension == "JPG")
        #expect(PathName("y").fileExtension == "")
        #expect(PathName(".hidden").stem == ".hidden")
        #expect(PathName(".hidden").fileExtension == "")
    }

    @Test func keyFileNamesAreTheNamesKeysWereGeneratedWith() throws {
        #expect(KeyFiles.name(ofKeyFile: "keys/st1.sec") == "st1")
        #expect(KeyFiles.name(ofKeyFile: "trust/district.beijing.pub") == "district.beijing")
        #expect(KeyFiles.name(ofKeyFile: "k") == "k")
        let dir = TemporaryDirectory()
        let written = try KeyFiles.generate(in: dir("keys"), name: "station-7")
        let signer = try KeyFiles.signer(keyFile: written.secret)
        #expect(signer.station == "station-7")
        #expect(signer.key.keyID == written.keyID)
        #expect(try KeyFiles.signer(keyFile: written.secret, name: "other").station == "other")
    }
}
