/// The stylesheet and script of the web apps, compiled into the program: the pages work with
/// the network cable pulled (no CDN, no outside font; the system's CJK fonts are used).
public enum WebAssets {
    /// The address the stylesheet is served at.
    public static let stylesheetPath = "/assets/enroll.css"
    /// The address the script is served at.
    public static let scriptPath = "/assets/enroll.js"

    /// The stylesheet.
    public static let stylesheet = #"""
    :root { --ink: #1d2733; --muted: #5b6675; --line: #c9d1db; --accent: #0b5cad; --bad: #b3261e; --ok: #1e7a34; --bg: #f6f8fa; }
    * { box-sizing: border-box; }
    body { margin: 0; font-family: "Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Micro Hei", "PingFang SC", "Microsoft YaHei", sans-serif;
           color: var(--ink); background: var(--bg); line-height: 1.5; }
    header.top { background: var(--accent); color: #fff; padding: .6rem 1rem; display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; }
    header.top a { color: #fff; }
    header.top .title { font-weight: bold; font-size: 1.1rem; margin-right: auto; }
    main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
    h1 { font-size: 1.4rem; }
    fieldset.section { background: #fff; border: 1px solid var(--line); border-radius: 6px; margin: 0 0 1rem; padding: .5rem 1rem 1rem; }
    fieldset.section fieldset.section, fieldset.repeat, fieldset.item { border: 1px dashed var(--line); border-radius: 4px; padding: .5rem .8rem; margin: .5rem 0; }
    legend h2, legend h3 { margin: 0; font-size: 1.1rem; }
    legend h3 { font-size: 1rem; }
    .fields { display: grid; grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); gap: .6rem 1rem; }
    .fields > fieldset, .fields > .cond > fieldset, .fields > .attachment { grid-column: 1 / -1; }
    .field label, .field .slot-name { display: block; font-size: .92rem; color: var(--muted); margin: 0; }
    .field.check { display: flex; gap: .5rem; align-items: center; }
    .field.check label { display: inline; color: var(--ink); }
    input[type=text], input[type=tel], input[type=date], select, textarea { width: 100%; padding: .45rem .5rem; font: inherit; border: 1px solid var(--line); border-radius: 4px; background: #fff; }
    input:focus, select:focus { outline: 2px solid var(--accent); outline-offset: 1px; }
    input:disabled, select:disabled { background: #eef1f4; color: #6b7583; }
    [aria-invalid="true"] { border-color: var(--bad) !important; background: #fff5f4; }
    .req { color: var(--bad); }
    .msg { color: var(--bad); margin: .2rem 0 0; font-size: .88rem; min-height: 0; }
    .msg:empty { display: none; }
    .msg code { color: var(--muted); font-size: .8rem; }
    .hint { color: var(--muted); font-size: .85rem; margin: .2rem 0; }
    .summary { border: 2px solid var(--bad); background: #fff5f4; padding: .5rem 1rem; border-radius: 6px; margin-bottom: 1rem; }
    .notice { border: 2px solid var(--ok); background: #f2fbf4; padding: .5rem 1rem; border-radius: 6px; margin-bottom: 1rem; }
    .thumbs { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .5rem; }
    .thumbs img { max-width: 8rem; max-height: 8rem; border: 1px solid var(--line); display: block; }
    .actions { position: sticky; bottom: 0; background: var(--bg); padding: .6rem 0; display: flex; flex-wrap: wrap; gap: .8rem; border-top: 1px solid var(--line); }
    button, .button { font: inherit; padding: .5rem 1.2rem; border-radius: 4px; border: 1px solid var(--accent); background: #fff; color: var(--accent); cursor: pointer; text-decoration: none; display: inline-block; white-space: nowrap; }
    button.primary { background: var(--accent); color: #fff; }
    table { border-collapse: collapse; width: 100%; background: #fff; }
    th, td { border: 1px solid var(--line); padding: .35rem .5rem; text-align: left; font-size: .92rem; }
    .state-draft { color: var(--muted); } .state-submitted { color: var(--accent); } .state-packed { color: var(--ok); }
    [hidden] { display: none !important; }
    """#

    /// The page script: on-the-spot checks (asked of the server, which runs the project's own
    /// engine), the schema's conditions, repeated groups and photo thumbnails. The pages work
    /// without it; it only adds checks while typing and the show/hide of conditional parts.
    public static let script = #"""
    (function () {
      "use strict";
      var bar = document.querySelector("progress[data-progress]");
      if (bar) {
        var poll = function () {
          fetch(bar.getAttribute("data-progress"), { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (j) {
            bar.max = Math.max(j.total, 1); bar.value = j.done;
            if (j.finished) { window.location.reload(); } else { setTimeout(poll, 400); }
          }).catch(function () { setTimeout(poll, 1000); });
        };
        setTimeout(poll, 200);
      }
    })();
    (function () {
      "use strict";
      var form = document.querySelector("form[data-check]");
      if (!form) { return; }
      var token = form.getAttribute("data-csrf");

      function control(pointer) { return form.querySelector('[name="' + pointer.replace(/"/g, '\\"') + '"]'); }
      function valueOf(pointer) {
        var c = control(pointer);
        if (!c || c.disabled) { return null; }
        if (c.type === "checkbox") { return c.checked ? c.value : null; }
        return c.value === "" ? null : c.value;
      }
      function holds(el, kind) {
        var pointer = el.getAttribute("data-" + kind + "-pointer");
        var values = JSON.parse(el.getAttribute("data-" + kind + "-values") || "[]");
        var negated = el.getAttribute("data-" + kind + "-negated") === "true";
        var v = valueOf(pointer);
        var inside = v !== null && values.indexOf(v) >= 0;
        return negated ? !inside : inside;
      }
      function setEnabled(root, enabled) {
        root.querySelectorAll("input, select, textarea").forEach(function (c) {
          if (c.closest("template")) { return; }
          if (c.hasAttribute("data-include")) { return; }
          c.disabled = !enabled;
        });
      }
      function applyConditions() {
        form.querySelectorAll("[data-include]").forEach(function (box) {
          var section = document.getElementById(box.getAttribute("data-include"));
          if (section.hasAttribute("data-require-pointer") && holds(section, "require")) { box.checked = true; }
          var hidden = section.hasAttribute("data-hide-pointer") && holds(section, "hide");
          section.hidden = hidden;
          setEnabled(section, box.checked && !hidden);
          if (box.checked && !hidden) { applyReveals(section); }
        });
        applyReveals(form);
        applyLimits();
      }
      // A field's values under the schema's conditions (data-limits, FormConditions.limits): a
      // foreign child's hukou fields become 无 and its document choices shrink. A rule counts
      // only once every field it reads has a value.
      function ruleHolds(rule) {
        return rule.when.every(function (c) {
          var v = valueOf(c.pointer);
          if (v === null) { return false; }
          return (c.values.indexOf(v) >= 0) !== c.negated;
        });
      }
      function applyLimits() {
        form.querySelectorAll("[data-limits]").forEach(function (c) {
          if (c.disabled) { return; }
          var fixed = null, allowed = null, excluded = [];
          JSON.parse(c.getAttribute("data-limits")).filter(ruleHolds).forEach(function (rule) {
            if (rule.fixed !== undefined && rule.fixed !== null) { fixed = rule.fixed; }
            if (rule.allowed) {
              allowed = allowed === null ? rule.allowed.slice() : allowed.filter(function (v) { return rule.allowed.indexOf(v) >= 0; });
            }
            if (rule.excluded) { excluded = excluded.concat(rule.excluded); }
          });
          var fine = function (v) {
            if (fixed !== null) { return v === fixed; }
            return (allowed === null || allowed.indexOf(v) >= 0) && excluded.indexOf(v) < 0;
          };
          if (c.tagName === "SELECT") {
            if (fixed !== null && !Array.prototype.some.call(c.options, function (o) { return o.value === fixed; })) {
              c.add(new Option(fixed, fixed));
            }
            Array.prototype.forEach.call(c.options, function (o) {
              if (o.value === "") { return; }
              o.hidden = o.disabled = !fine(o.value);
            });
            if (fixed !== null) { c.value = fixed; } else if (c.value !== "" && !fine(c.value)) { c.value = ""; }
          } else if (c.type === "checkbox") {
            if (fixed !== null) { c.checked = c.value === fixed; }
          } else if (fixed !== null) {
            c.value = fixed;
            c.readOnly = true;
            c.setAttribute("data-fixed", fixed);
          } else if (c.hasAttribute("data-fixed")) {
            if (c.value === c.getAttribute("data-fixed")) { c.value = ""; }
            c.readOnly = false;
            c.removeAttribute("data-fixed");
          }
        });
      }
      function applyReveals(root) {
        root.querySelectorAll("[data-show-pointer]").forEach(function (el) {
          var section = el.closest("fieldset.section[data-pointer]");
          var include = section && section.querySelector(":scope > .include input[data-include]");
          if (include && !include.checked) { return; }
          var shown = holds(el, "show");
          el.hidden = !shown;
          setEnabled(el, shown);
        });
      }

      function showMessages(results) {
        results.forEach(function (r) {
          var el = document.getElementById(r.id);
          var msg = document.getElementById(r.id + "-msg");
          if (!el || !msg) { return; }
          msg.innerHTML = r.messages.join("<br>");
          if (r.messages.length) {
            el.setAttribute("aria-invalid", "true");
            el.setAttribute("aria-describedby", r.id + "-msg");
          } else {
            el.removeAttribute("aria-invalid");
            el.removeAttribute("aria-describedby");
          }
        });
      }
      function check(pointer) {
        var data = new URLSearchParams();
        new FormData(form).forEach(function (v, k) { if (typeof v === "string" && k.charAt(0) === "/") { data.append(k, v); } });
        data.append("_field", pointer);
        fetch(form.getAttribute("data-check"), {
          method: "POST", credentials: "same-origin",
          headers: { "Content-Type": "application/x-www-form-urlencoded", "X-CSRF-Token": token },
          body: data.toString()
        }).then(function (r) { return r.ok ? r.json() : null; }).then(function (j) { if (j) { showMessages(j.results); } })
          .catch(function () {});
      }
      form.addEventListener("focusout", function (e) {
        var t = e.target;
        if (t.name && t.name.charAt(0) === "/" && !t.disabled) { check(t.name); }
      });
      form.addEventListener("change", function (e) {
        applyConditions();
        var t = e.target;
        if (t.type === "file") { thumbnails(t); }
      });

      function thumbnails(input) {
        var list = form.querySelector('[data-thumbs="' + input.id + '"]');
        if (!list) { return; }
        list.querySelectorAll("li.new").forEach(function (li) { li.remove(); });
        Array.prototype.forEach.call(input.files, function (f) {
          var li = document.createElement("li");
          li.className = "new";
          if (f.type.indexOf("image/") === 0) {
            var img = document.createElement("img");
            img.src = URL.createObjectURL(f);
            img.alt = f.name;
            li.appendChild(img);
          } else {
            li.textContent = f.name;
          }
          list.appendChild(li);
        });
      }

      function renumber(repeat) {
        var items = repeat.querySelectorAll(":scope > .items > fieldset.item");
        var max = parseInt(repeat.getAttribute("data-max"), 10), min = parseInt(repeat.getAttribute("data-min"), 10);
        items.forEach(function (item, i) {
          var old = item.getAttribute("data-index");
          if (old !== String(i)) {
            var base = repeat.getAttribute("data-array");
            item.querySelectorAll("[name]").forEach(function (c) {
              c.name = c.name.replace(base + "/" + old + "/", base + "/" + i + "/");
            });
            item.querySelectorAll("[id]").forEach(function (c) {
              var nid = c.id.replace("-" + old + "-", "-" + i + "-");
              var label = item.querySelector('label[for="' + c.id + '"]');
              if (label) { label.setAttribute("for", nid); }
              var msg = document.getElementById(c.id + "-msg");
              c.id = nid;
              if (msg) { msg.id = nid + "-msg"; }
            });
            item.setAttribute("data-index", String(i));
          }
          var h = item.querySelector("legend h3");
          if (h) { h.textContent = h.textContent.replace(/\s\S+$/, " " + (i + 1)); }
          var remove = item.querySelector("[data-remove]");
          if (remove) { remove.hidden = items.length <= min; }
        });
        var add = repeat.querySelector(":scope > [data-add]");
        if (add) { add.hidden = items.length >= max; }
      }
      form.addEventListener("click", function (e) {
        var t = e.target;
        if (t.hasAttribute("data-add")) {
          var repeat = t.closest("fieldset.repeat");
          var items = repeat.querySelector(":scope > .items");
          var n = items.children.length;
          var html = repeat.querySelector(":scope > template").innerHTML.split("__I__").join(String(n)).split("__N__").join(String(n + 1));
          items.insertAdjacentHTML("beforeend", html);
          renumber(repeat);
          applyConditions();
        } else if (t.hasAttribute("data-remove")) {
          var r = t.closest("fieldset.repeat");
          t.closest("fieldset.item").remove();
          renumber(r);
        }
      });
      form.querySelectorAll("fieldset.repeat").forEach(renumber);
      applyConditions();
    })();
    """#
}
