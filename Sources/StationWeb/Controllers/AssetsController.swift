import EnrollWeb
import Hummingbird
import NIOCore

/// The embedded stylesheet and script.
struct AssetsController {
    func register(on router: Router<WebRequestContext>) {
        router.get(RouterPath(WebAssets.stylesheetPath)) { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"],
                     body: .init(byteBuffer: ByteBuffer(string: WebAssets.stylesheet)))
        }
        router.get(RouterPath(WebAssets.scriptPath)) { _, _ in
            Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "max-age=3600"],
                     body: .init(byteBuffer: ByteBuffer(string: WebAssets.script)))
        }
    }
}
