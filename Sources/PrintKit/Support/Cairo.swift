import CCairo

/// Internal helpers shared by the wrappers around `cairo_t` and `cairo_surface_t`.
enum Cairo {
    /// A ``CairoFailure`` for `status`, with `cairo_status_to_string`'s message.
    static func failure(_ status: cairo_status_t, function: String) -> CairoFailure {
        let message = cairo_status_to_string(status).map { String(cString: $0) } ?? "unknown cairo status"
        return CairoFailure(function: function, status: status.rawValue, message: message)
    }

    /// The surface's sticky status (`cairo_surface_status`) as a failure, or nil when fine.
    static func failure(surface: OpaquePointer, function: String) -> CairoFailure? {
        let status = cairo_surface_status(surface)
        return status == CAIRO_STATUS_SUCCESS ? nil : failure(status, function: function)
    }

    /// The context's sticky status (`cairo_status`) as a failure, or nil when fine.
    static func failure(context: OpaquePointer, function: String) -> CairoFailure? {
        let status = cairo_status(context)
        return status == CAIRO_STATUS_SUCCESS ? nil : failure(status, function: function)
    }

    /// Sets the context's source to an opaque colour (`cairo_set_source_rgb`).
    static func setColor(_ context: OpaquePointer, _ color: Color) {
        cairo_set_source_rgb(context, clamp(color.red), clamp(color.green), clamp(color.blue))
    }

    /// Applies a stroke's width, colour and dashes (`cairo_set_line_width`,
    /// `cairo_set_dash`) to the context.
    static func apply(_ stroke: Stroke, to context: OpaquePointer) {
        setColor(context, stroke.color)
        cairo_set_line_width(context, max(stroke.width, 0))
        if stroke.dash.isEmpty {
            cairo_set_dash(context, nil, 0, 0)
        } else {
            stroke.dash.withUnsafeBufferPointer { cairo_set_dash(context, $0.baseAddress, Int32($0.count), 0) }
        }
    }

    private static func clamp(_ value: Double) -> Double { min(max(value, 0), 1) }
}
