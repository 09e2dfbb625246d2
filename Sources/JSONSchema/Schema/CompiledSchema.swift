import Foundation

/// A JSON Schema (draft 2020-12) compiled once and ready to validate many instances.
///
/// Compilation resolves every `$ref`, `$schema` and metaschema (the 2020-12 metaschemas
/// are built in; other documents come only from ``SchemaOptions/registry``), compiles
/// regular expressions and formats, and produces an immutable, `Sendable` value that
/// can be shared across threads.
///
/// ```swift
/// let schema = try CompiledSchema.compile(try JSONParser.parse(schemaText))
/// let result = schema.validate(try JSONParser.parse(documentText))
/// for error in result.errors { print(error.instanceLocation, error.message) }
/// ```
public struct CompiledSchema: Sendable {
    let graph: CompiledGraph

    /// Compiles a schema.
    ///
    /// - Parameters:
    ///   - schema: The root schema (an object or a Boolean).
    ///   - options: Format, registry and base-URI options.
    /// - Returns: The compiled schema.
    /// - Throws: ``SchemaCompileError`` for an unknown `$schema`, an unresolvable
    ///   reference, an invalid regex or a malformed keyword.
    public static func compile(_ schema: JSONValue, options: SchemaOptions = SchemaOptions()) throws -> CompiledSchema {
        // Compilation recurses over the schema's nesting; run it on a large stack so deeply
        // nested (up to the reader's depth limit) schemas cannot overflow a small one.
        let outcome: Result<CompiledGraph, SchemaCompileError> = onLargeStack {
            var compiler = Compiler(options: options)
            do {
                return .success(try compiler.compile(schema))
            } catch let e as SchemaCompileError {
                return .failure(e)
            } catch {
                return .failure(.notASchema(location: "\(error)"))
            }
        }
        return CompiledSchema(graph: try outcome.get())
    }

    /// Parses and compiles a schema from a file.
    ///
    /// The file's `file://` URL becomes the base URI unless the schema has an absolute `$id`.
    ///
    /// - Parameters:
    ///   - path: Path of the schema file.
    ///   - options: Format, registry and base-URI options.
    /// - Returns: The compiled schema.
    /// - Throws: ``JSONParseError`` or ``SchemaCompileError``.
    public static func compile(contentsOfFile path: String, options: SchemaOptions = SchemaOptions()) throws -> CompiledSchema {
        let value = try JSONParser.parse(contentsOfFile: path, options: options.parseOptions)
        var opts = options
        opts.baseURI = URL(fileURLWithPath: path).standardizedFileURL.absoluteString
        return try compile(value, options: opts)
    }

    /// Validates an instance and reports every error.
    ///
    /// Deeply nested instances are evaluated on a dedicated thread with a large stack (the
    /// call blocks until it finishes); beyond 20,000 nested schema evaluations the result
    /// is invalid with a "nested too deeply" error instead of a crash.
    ///
    /// - Parameter instance: The value to check.
    /// - Returns: The validity and all errors, each with its locations and message.
    public func validate(_ instance: JSONValue) -> ValidationResult {
        let graph = self.graph
        let run: @Sendable (Int) -> (ValidationResult, Bool) = { limit in
            var evaluator = Evaluator(graph: graph, collect: true, depthLimit: limit)
            var ann = Annotations()
            let ok = evaluator.validate(graph.root, instance, &ann)
            return (ValidationResult(isValid: ok, errors: ok ? [] : evaluator.errors), evaluator.overflowed)
        }
        let (result, overflowed) = run(Self.callerStackDepth)
        if !overflowed { return result }
        return Self.onLargeStack { run(Self.largeStackDepth).0 }
    }

    /// Nested evaluations done on the caller's thread, whose stack may be small (e.g. a
    /// Swift concurrency worker); deeper instances are re-validated on a dedicated thread.
    static let callerStackDepth = 48
    /// Nested evaluations allowed on the dedicated large-stack thread.
    static let largeStackDepth = 20_000
    /// Stack size of the dedicated thread (address space only; pages are used on demand).
    static let largeStackSize = 512 << 20

    /// Runs `body` on a new thread with a large stack and waits for its result.
    static func onLargeStack<T: Sendable>(_ body: @escaping @Sendable () -> T) -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            box.value = body()
            done.signal()
        }
        thread.stackSize = largeStackSize
        thread.start()
        done.wait()
        return box.value!
    }

    /// Tells whether an instance is valid, stopping at the first failure (fastest).
    ///
    /// - Parameter instance: The value to check.
    /// - Returns: `true` when valid.
    public func isValid(_ instance: JSONValue) -> Bool {
        let graph = self.graph
        let run: @Sendable (Int) -> (Bool, Bool) = { limit in
            var evaluator = Evaluator(graph: graph, collect: false, depthLimit: limit)
            var ann = Annotations()
            let ok = evaluator.validate(graph.root, instance, &ann)
            return (ok, evaluator.overflowed)
        }
        let (ok, overflowed) = run(Self.callerStackDepth)
        if !overflowed { return ok }
        return Self.onLargeStack { run(Self.largeStackDepth).0 }
    }

    /// Returns the raw JSON at an absolute schema location such as an error's
    /// ``ValidationError/absoluteKeywordLocation``.
    ///
    /// - Parameter absoluteLocation: An absolute URI whose fragment is a JSON Pointer
    ///   (or empty) relative to the schema resource named by the URI.
    /// - Returns: The JSON value there, or `nil` when the location is unknown.
    public func schemaValue(at absoluteLocation: String) -> JSONValue? {
        let (base, fragment) = URIReference.split(absoluteLocation)
        guard let (doc, tokens) = graph.resources[base] else { return nil }
        let decoded = fragment.removingPercentEncoding ?? fragment
        guard let pointer = try? JSONPointer(parsing: decoded) else { return nil }
        return graph.documents[doc].value(at: JSONPointer(tokens: tokens + pointer.tokens))
    }

    /// Returns the nearest schema object that contains the keyword at an absolute location.
    ///
    /// Useful to find custom annotations (e.g. `"x-label"`) next to a failing keyword:
    /// for `…#/properties/name/pattern` this is the object at `…#/properties/name`.
    ///
    /// - Parameter absoluteKeywordLocation: An error's absolute keyword location.
    /// - Returns: The enclosing schema object, or `nil` when the location is unknown.
    public func enclosingSchemaObject(forKeywordAt absoluteKeywordLocation: String) -> JSONObject? {
        let (base, fragment) = URIReference.split(absoluteKeywordLocation)
        guard let pointer = try? JSONPointer(parsing: fragment.removingPercentEncoding ?? fragment) else { return nil }
        var tokens = pointer.tokens
        while !tokens.isEmpty {
            tokens.removeLast()
            let loc = base + "#" + JSONPointer(tokens: tokens).description
            if case .object(let o)? = schemaValue(at: loc) { return o }
        }
        return nil
    }
}

/// Carries a result from the large-stack thread; written once by that thread before the
/// semaphore is signalled and read only after waiting on it, hence unchecked.
private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}
