import Hummingbird
import NIOCore

/// The desk's stylesheet and script, inside the program (no CDN, works offline).
enum DeskAssets {
    static let stylesheetPath = "/assets/desk.css"
    static let scriptPath = "/assets/desk.js"

    static let stylesheet = #"""
        body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", sans-serif; margin: 0; color: #1b1b1b; }
        main { padding: 1rem 1.5rem; }
        .bar { display: flex; gap: 1rem; align-items: center; background: #17365d; color: #fff; padding: .5rem 1.5rem; }
        .bar a { color: #fff; } .bar .who { margin-left: auto; }
        form.inline { display: inline; }
        table { border-collapse: collapse; width: 100%; } th, td { border-bottom: 1px solid #ccc; padding: .3rem .5rem; text-align: left; }
        .filters { display: flex; flex-wrap: wrap; gap: .75rem; align-items: end; margin-bottom: 1rem; }
        .filters label { display: flex; flex-direction: column; font-size: .9rem; }
        .status { padding: 0 .4rem; border-radius: .3rem; background: #eee; }
        .status-rejected { background: #f8d7da; } .status-verified { background: #d1e7dd; } .status-admitted { background: #cfe2ff; }
        .problem { border: 2px solid #b02a37; padding: .5rem 1rem; background: #fff5f5; }
        .notice { border: 2px solid #146c43; padding: .5rem 1rem; background: #f3fff7; }
        .section { display: grid; grid-template-columns: minmax(18rem, 1fr) minmax(18rem, 1.2fr); gap: 1rem; border-top: 2px solid #17365d; padding: .5rem 0; }
        .section > div { min-width: 0; }
        dl.fields { display: grid; grid-template-columns: minmax(8rem, 45%) minmax(0, 1fr); gap: .2rem 1rem; } dl.fields dt { color: #555; }
        dl.fields dd { margin: 0; overflow-wrap: anywhere; }
        figure.document { margin: 0 0 1rem; } figure.document .frame { overflow: hidden; border: 1px solid #aaa; max-height: 32rem; }
        figure.document img { max-width: 100%; transition: transform .2s; transform-origin: center center; }
        .changes del { color: #b02a37; } .changes ins { color: #146c43; text-decoration: none; }
        .decide fieldset { margin-bottom: .75rem; }
        """#

    static let script = #"""
        // Zoom and rotate a document photo: buttons carry data-photo (the img's id) and data-act.
        (function () {
          var state = {};
          document.addEventListener("click", function (event) {
            var button = event.target.closest("button[data-photo]");
            if (!button) return;
            var id = button.getAttribute("data-photo");
            var img = document.getElementById(id);
            if (!img) return;
            var s = state[id] || (state[id] = { zoom: 1, turn: 0 });
            var act = button.getAttribute("data-act");
            if (act === "zoom-in") s.zoom = Math.min(s.zoom * 1.25, 8);
            if (act === "zoom-out") s.zoom = Math.max(s.zoom / 1.25, 0.25);
            if (act === "rotate") s.turn = (s.turn + 90) % 360;
            if (act === "reset") { s.zoom = 1; s.turn = 0; }
            img.style.transform = "scale(" + s.zoom + ") rotate(" + s.turn + "deg)";
            img.setAttribute("data-zoom", String(s.zoom));
            img.setAttribute("data-rotation", String(s.turn));
          });
          // "Select all" for bulk actions in the queue.
          var all = document.getElementById("select-all");
          if (all) all.addEventListener("change", function () {
            document.querySelectorAll("input[name=app]").forEach(function (box) { box.checked = all.checked; });
          });
        })();
        """#

    static func response(_ text: String, type: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: type, .cacheControl: "max-age=3600"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
