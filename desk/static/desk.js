/* dragoman review desk: progress polling, keyboard review, inline editing. No inline scripts:
   everything reads data-* attributes; text from the server is set with textContent, except
   target_html, which the server builds from escaped pieces. */
(function () {
  "use strict";

  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function send(method, url, body) {
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrf()},
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {error: "HTTP " + response.status}; })
        .then(function (data) { return {status: response.status, data: data}; });
    });
  }

  // --- progress: job page and unfinished drafts ------------------------------------------------------
  function poll(box) {
    var url = box.getAttribute("data-poll");
    var timer = setInterval(function () {
      fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (job) {
          if (!job) { return; }
          (job.drafts || []).forEach(function (d) {
            var row = document.querySelector('[data-draft="' + d.id + '"]');
            if (!row) { return; }
            var state = row.querySelector("[data-state]");
            if (state) { state.textContent = d.state; state.className = "state state-" + d.state; }
            var bar = row.querySelector("[data-progress]");
            if (bar) { bar.max = d.total || 1; bar.value = d.done; }
            var count = row.querySelector("[data-count]");
            if (count) { count.textContent = d.done + "/" + d.total; }
          });
          var jobState = document.querySelector("[data-job-state]");
          if (jobState && !box.closest(".draft")) {
            jobState.textContent = job.state; jobState.className = "state state-" + job.state;
          }
          if (job.finished) { clearInterval(timer); window.location.reload(); }
        })
        .catch(function () { /* try again on the next tick */ });
    }, 2000);
  }

  // --- the draft page ----------------------------------------------------------------------------------
  function Draft(root) {
    this.root = root;
    this.id = root.getAttribute("data-draft-id");
    this.editable = root.getAttribute("data-editable") === "1";
    this.segments = Array.prototype.slice.call(root.querySelectorAll(".seg"));
    this.current = -1;
    var orderText = root.getAttribute("data-review-order") || "";
    this.order = orderText ? orderText.split(" ").map(function (n) { return parseInt(n, 10); }) : [];
    this.clock = new ReviewClock(this);
    var self = this;
    this.segments.forEach(function (seg, i) {
      seg.addEventListener("click", function (event) {
        if (event.target.closest("textarea, button, a")) { return; }
        self.focus(i);
      });
    });
    root.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-action]");
      if (!button) { return; }
      var seg = button.closest(".seg");
      self.current = self.segments.indexOf(seg);
      self.mark();
      self.act(button.getAttribute("data-action"), seg, button);
    });
    document.addEventListener("keydown", function (event) { self.key(event); });
    if (this.segments.length) { this.focus(0, true); }
  }

  Draft.prototype.seg = function () { return this.segments[this.current] || null; };

  Draft.prototype.byIdx = function (idx) {
    for (var i = 0; i < this.segments.length; i++) {
      if (this.segments[i].getAttribute("data-idx") === String(idx)) { return i; }
    }
    return -1;
  };

  // n: the next segment in the review order (riskiest first) that is not approved or rejected,
  // from where the last n stopped (the first press: the riskiest)
  Draft.prototype.nextRisky = function () {
    var n = this.order.length;
    var here = typeof this.orderAt === "number" ? this.orderAt : -1;
    for (var step = 1; step <= n; step++) {
      var at = (here + step) % n;
      var i = this.byIdx(this.order[at]);
      var status = i >= 0 ? this.segments[i].getAttribute("data-status") : "";
      if (i >= 0 && (status === "new" || status === "edited") && this.visible(this.segments[i])) {
        this.orderAt = at;
        this.focus(i);
        return;
      }
    }
  };

  Draft.prototype.visible = function (seg) {
    return !this.root.classList.contains("high-only") || seg.getAttribute("data-risk") === "high";
  };

  Draft.prototype.toggleHighOnly = function () {
    var on = this.root.classList.toggle("high-only");
    var button = document.getElementById("high-only");
    if (button) { button.setAttribute("aria-pressed", on ? "true" : "false"); }
    if (on && this.seg() && !this.visible(this.seg())) { this.nextRisky(); }
  };

  Draft.prototype.mark = function () {
    var cur = this.seg();
    this.segments.forEach(function (s) { s.classList.toggle("current", s === cur); });
  };

  Draft.prototype.focus = function (i, quiet) {
    if (i < 0 || i >= this.segments.length) { return; }
    this.current = i;
    this.mark();
    var seg = this.seg();
    if (!quiet) {
      seg.focus({preventScroll: true});
      seg.scrollIntoView({block: "nearest"});
    }
  };

  Draft.prototype.nextFlagged = function () {
    var n = this.segments.length;
    for (var step = 1; step <= n; step++) {
      var i = (this.current + step) % n;
      if (this.segments[i].getAttribute("data-flagged") === "1") { this.focus(i); return; }
    }
  };

  Draft.prototype.key = function (event) {
    var inEditor = event.target.matches && event.target.matches("[data-editor]");
    if (inEditor) {
      var seg = event.target.closest(".seg");
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); this.save(seg); }
      else if (event.key === "Escape") { event.preventDefault(); this.close(seg); }
      return;
    }
    if (event.target.closest && event.target.closest("input, textarea, select")) { return; }
    if (event.key === "Enter" && event.target.closest && event.target.closest("button, a")) { return; }
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    switch (event.key) {
      case "j": case "ArrowDown": event.preventDefault(); this.focus(this.current + 1); break;
      case "k": case "ArrowUp": event.preventDefault(); this.focus(this.current - 1); break;
      case "n": event.preventDefault(); this.nextRisky(); break;
      case "f": event.preventDefault(); this.nextFlagged(); break;
      case "h": event.preventDefault(); this.toggleHighOnly(); break;
      case "d": if (this.editable && this.seg()) { event.preventDefault(); this.openDismiss(this.seg()); } break;
      case "a": if (this.editable && this.seg()) { event.preventDefault(); this.setStatus(this.seg(), "approved"); } break;
      case "e": case "Enter": if (this.editable && this.seg()) { event.preventDefault(); this.open(this.seg()); } break;
      default: break;
    }
  };

  Draft.prototype.act = function (action, seg, button) {
    if (action === "edit") { this.open(seg); }
    else if (action === "save") { this.save(seg); }
    else if (action === "cancel") { this.close(seg); }
    else if (action === "approve") { this.setStatus(seg, "approved"); }
    else if (action === "reject") { this.setStatus(seg, "rejected"); }
    else if (action === "dismiss-open") { this.openDismiss(seg); }
    else if (action === "dismiss") { this.dismiss(seg); }
    else if (action === "insert") {
      this.open(seg);
      seg.querySelector("[data-editor]").value = button.getAttribute("data-suggestion");
    }
    else if (action === "chip") {  // put a dropped inline tag back at the caret
      var area = seg.querySelector("[data-editor]");
      var at = area.selectionStart, chip = button.getAttribute("data-chip");
      area.value = area.value.slice(0, at) + chip + area.value.slice(area.selectionEnd);
      area.focus();
      area.setSelectionRange(at + chip.length, at + chip.length);
    }
  };

  Draft.prototype.open = function (seg) {
    var editor = seg.querySelector(".editor");
    if (!editor) { return; }
    editor.hidden = false;
    seg.classList.add("editing");
    var area = editor.querySelector("[data-editor]");
    area.focus();
    area.setSelectionRange(area.value.length, area.value.length);
  };

  Draft.prototype.close = function (seg) {
    var editor = seg.querySelector(".editor");
    if (!editor) { return; }
    editor.hidden = true;
    seg.classList.remove("editing");
    seg.querySelector("[data-conflict]").hidden = true;
    seg.focus({preventScroll: true});
  };

  Draft.prototype.message = function (seg, text, isError) {
    var box = seg.querySelector("[data-message]");
    if (box) { box.textContent = text; box.classList.toggle("error", !!isError); }
    else if (text) { seg.setAttribute("title", text); }
  };

  Draft.prototype.update = function (seg, data) {
    seg.setAttribute("data-version", data.version);
    seg.setAttribute("data-status", data.status);
    seg.setAttribute("data-flagged", data.flagged ? "1" : "0");
    seg.classList.toggle("flagged", !!data.flagged);
    ["new", "edited", "approved", "rejected"].forEach(function (s) { seg.classList.remove("status-" + s); });
    seg.classList.add("status-" + data.status);
    seg.querySelector("[data-version-label]").textContent = data.version;
    var label = seg.querySelector("[data-status-label]");
    label.textContent = data.status;
    label.className = "status status-" + data.status;
    seg.querySelector("[data-target]").innerHTML = data.target_html;  // built from escaped pieces by the server
    var flags = seg.querySelector("[data-flags]");
    flags.textContent = "";
    (data.flags || []).forEach(function (f) {
      var badge = document.createElement("span");
      badge.className = "flag flag-" + f.name + (f.dismissed ? " dismissed" : "");
      badge.setAttribute("data-check", f.code);
      badge.textContent = f.label;
      flags.appendChild(badge);
    });
    seg.setAttribute("data-risk", data.risk || "");
    var risk = seg.querySelector("[data-risk-label]");
    if (risk && data.risk) {
      risk.textContent = data.risk;
      risk.className = "risk risk-" + data.risk;
      risk.title = "risk score " + Number(data.risk_score).toFixed(2);
    }
    if (data.draft_state) {
      var state = document.querySelector("[data-draft-state]");
      state.textContent = data.draft_state;
      state.className = "state state-" + data.draft_state;
    }
    if (data.job_state) {
      var job = document.querySelector("[data-job-state]");
      if (job) { job.textContent = data.job_state; }
    }
    var count = document.querySelector("[data-flagged-count]");
    if (count) { count.textContent = this.root.querySelectorAll('.seg[data-flagged="1"]').length; }
  };

  Draft.prototype.save = function (seg) {
    var self = this;
    var area = seg.querySelector("[data-editor]");
    var idx = seg.getAttribute("data-idx");
    var version = parseInt(seg.getAttribute("data-version"), 10);
    self.message(seg, "Saving…");
    var seconds = self.clock.take(idx);
    send("PUT", "/ui/api/drafts/" + this.id + "/segments/" + idx, {target: area.value, version: version, seconds: seconds})
      .then(function (r) {
        if (r.status !== 200) { self.clock.giveBack(idx, seconds); }
        if (r.status === 200) {
          self.update(seg, r.data);
          area.value = r.data.target_edit || r.data.target || "";
          self.message(seg, "Saved.");
          self.close(seg);
          seg.classList.add("saved");
        } else if (r.status === 409 && r.data.current) {
          var current = r.data.current;
          seg.setAttribute("data-version", current.version);  // a retry replaces what they saw
          seg.querySelector("[data-version-label]").textContent = current.version;
          var conflict = seg.querySelector("[data-conflict]");
          conflict.querySelector("[data-current]").textContent = current.target || "";
          conflict.hidden = false;
          self.message(seg, "Not saved: changed by someone else.", true);
        } else {
          self.message(seg, "Not saved (" + r.status + "): " + (r.data.error || "error"), true);
        }
      })
      .catch(function () { self.message(seg, "Not saved: the server could not be reached.", true); });
  };

  Draft.prototype.setStatus = function (seg, status) {
    var self = this;
    var idx = seg.getAttribute("data-idx");
    var seconds = self.clock.take(idx);
    send("POST", "/ui/api/drafts/" + this.id + "/segments/" + idx + "/status", {status: status, seconds: seconds})
      .then(function (r) {
        if (r.status !== 200) { self.clock.giveBack(idx, seconds); }
        if (r.status === 200) { self.update(seg, r.data); self.message(seg, status === "approved" ? "Approved." : "Rejected."); }
        else { self.message(seg, "Not changed (" + r.status + "): " + (r.data.error || "error"), true); }
      })
      .catch(function () { self.message(seg, "The server could not be reached.", true); });
  };

  Draft.prototype.openDismiss = function (seg) {
    var box = seg.querySelector("[data-dismiss]");
    if (!box || !box.querySelector("option")) { return; }
    box.hidden = false;
    box.querySelector("[data-dismiss-reason]").focus();
  };

  Draft.prototype.dismiss = function (seg) {
    var self = this;
    var box = seg.querySelector("[data-dismiss]");
    var check = box.querySelector("[data-dismiss-check]").value;
    var reason = box.querySelector("[data-dismiss-reason]").value;
    var url = "/ui/api/drafts/" + this.id + "/segments/" + seg.getAttribute("data-idx") + "/checks/" +
      encodeURIComponent(check) + "/dismiss";
    send("POST", url, {reason: reason}).then(function (r) {
      if (r.status !== 200) { self.message(seg, "Not dismissed (" + r.status + "): " + (r.data.error || "error"), true); return; }
      self.update(seg, r.data);
      var option = box.querySelector('option[value="' + check + '"]');
      if (option) { option.remove(); }
      box.hidden = true;
      self.message(seg, "Dismissed.");
    });
  };

  // How long each segment is open: counted each second while it is the current one, the page is
  // visible and the reviewer did something in the last IDLE seconds (idle time is left out).
  var IDLE = 60;

  function ReviewClock(draft) {
    var self = this;
    this.draft = draft;
    this.seconds = {};
    this.lastActive = Date.now();
    ["keydown", "mousemove", "mousedown", "input", "scroll"].forEach(function (name) {
      document.addEventListener(name, function () { self.lastActive = Date.now(); }, {passive: true});
    });
    setInterval(function () { self.tick(); }, 1000);
  }

  ReviewClock.prototype.tick = function () {
    var seg = this.draft.seg();
    if (!seg || document.visibilityState === "hidden" || Date.now() - this.lastActive > IDLE * 1000) { return; }
    var idx = seg.getAttribute("data-idx");
    this.seconds[idx] = (this.seconds[idx] || 0) + 1;
  };

  ReviewClock.prototype.take = function (idx) {
    var seconds = this.seconds[idx] || 0;
    this.seconds[idx] = 0;
    return seconds;
  };

  ReviewClock.prototype.giveBack = function (idx, seconds) {
    this.seconds[idx] = (this.seconds[idx] || 0) + seconds;
  };

  function comments(form, draft) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = form.querySelector("textarea");
      var onSeg = form.querySelector("#comment-on-segment");
      var seg = draft && draft.seg();
      var body = {text: text.value};
      if (onSeg && onSeg.checked && seg) { body.idx = parseInt(seg.getAttribute("data-idx"), 10); }
      var note = document.getElementById("comment-message");
      send("POST", form.getAttribute("data-url"), body).then(function (r) {
        if (r.status !== 201) { note.textContent = "Not added (" + r.status + "): " + (r.data.error || "error"); return; }
        var list = document.querySelector("[data-history]");
        var empty = list.querySelector(".empty");
        if (empty) { empty.remove(); }
        var e = r.data.entry;
        var li = document.createElement("li");
        li.className = "h-comment";
        li.textContent = e.at + " " + e.who + " comment" + (e.idx !== null ? " #" + e.idx : "") + ": " + e.new;
        list.appendChild(li);
        text.value = "";
        note.textContent = "Comment added.";
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-poll]"), poll);
    var root = document.getElementById("draft");
    var draft = root ? new Draft(root) : null;
    var highOnly = document.getElementById("high-only");
    if (highOnly && draft) { highOnly.addEventListener("click", function () { draft.toggleHighOnly(); }); }
    var form = document.getElementById("comment-form");
    if (form) { comments(form, draft); }
  });
}());
